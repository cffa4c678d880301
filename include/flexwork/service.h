/**
 * @file service.h
 * Service quality (R-6.e, R-6.f, R-8.1, R-8.2).
 *
 * - Enquiries and complaints from enterprises and workers, received 7x24 on any channel, each
 *   with a unique number. Complaints follow GB/T 19012-2019 (ISO 10002:2018) clause 8:
 *   receipt -> acknowledgement -> initial assessment -> investigation -> response -> decision
 *   communicated -> closed, with escalation and reopening; enquiries: receipt -> response ->
 *   closed. Each step has a time limit from the case's severity (fw_service_sla_set()),
 *   measured on the context's clock; fw_service_overdue() lists what is late. The complainant
 *   follows the status with fw_service_case_get() and evaluates the handling on closing.
 * - Satisfaction evaluations per party and process (R-8.1.a, R-8.1.c).
 * - Incidents: emergencies and anomalies with a plan, escalation levels, actions and closure (R-6.f).
 * - Supervision of key links (R-8.1.b): checkpoints read from the audit log.
 * - Corrective actions against complaint causes, with verification of effect (R-8.2.c).
 * - KPIs per CST month (R-8.1.d, R-8.2.a) and the periodic service-quality report with the
 *   analysis of evaluation results against the previous month (R-8.2.b, R-8.2.d).
 *
 * Contact details of a complainant are sealed in the vault; nothing personal goes to the audit
 * log. Every change is audited. Integers only: percentages are x100 (95.00% = 9500), averages
 * x100, durations in ms.
 *
 * Every function returns FW_OK or a negative FW_E* code with the detail in the optional
 * fw_error (JSON input errors name the field's path). On failure the outputs are untouched and
 * the store is unchanged: each call is one transaction. JSON text returned through out_json is
 * the caller's, freed with fw_free().
 */
#ifndef FLEXWORK_SERVICE_H
#define FLEXWORK_SERVICE_H

#include <flexwork/common.h>

FW_BEGIN_DECL

/** Kinds of case. */
#define FW_SERVICE_ENQUIRY   1
#define FW_SERVICE_COMPLAINT 2

/** States of a case. Values are pinned. */
#define FW_SERVICE_RECEIVED      1
#define FW_SERVICE_ACKNOWLEDGED  2
#define FW_SERVICE_ASSESSED      3
#define FW_SERVICE_INVESTIGATING 4
#define FW_SERVICE_RESPONDED     5
#define FW_SERVICE_DECIDED       6
#define FW_SERVICE_CLOSED        7

/**
 * Receives an enquiry or a complaint.
 * @param json {"kind":"enquiry"|"complaint", "party_kind":"enterprise"|"worker", "party_id":N,
 *             "channel":"phone"|"web"|"app"|"email"|"letter"|"in_person"|"wechat",
 *             "category":"payout" (1..64), "title" (1..200), "description" (1..4000),
 *             "requested_remedy" (optional, 1..500), "contact" (optional, 1..200: sealed),
 *             "order_ref" (optional, 1..128), "severity":"low"|"normal"|"high"|"critical"
 *             (optional, default "normal": sets the time limits until assessed)}
 * @param[out] out_id the case id; its number ("CP-20260315-000001" for a complaint,
 *             "EQ-..." for an enquiry) is in fw_service_case_get().
 * @return FW_OK; FW_EINVAL naming the field; FW_EPERM (a party opens cases only as itself).
 */
FW_EXTERN(int) fw_service_case_open(fw_ctx *ctx, const char *json, size_t json_len, fw_id *out_id,
                                    fw_error **err);

/**
 * Steps of a case. Each takes optional JSON (NULL = {}), records the step in the case's
 * timeline and the audit log, and returns FW_OK; FW_ENOTFOUND; FW_ESTATE naming the current
 * state when the step does not apply (e.g. assessing an enquiry); FW_EINVAL naming the
 * field; FW_EPERM. On failure nothing changes.
 *
 * acknowledge  {"note"}: RECEIVED -> ACKNOWLEDGED (ISO 10002 8.4).
 * assess       {"severity", "priority":1..4 (1 = most urgent), "note"}: complaints,
 *              ACKNOWLEDGED -> ASSESSED; the respond and close limits are recomputed from
 *              the receipt time for the new severity (8.5).
 * investigate  {"note"}: complaints, ASSESSED -> INVESTIGATING (8.6).
 * respond      {"response" (required), "remedy":"refund"|"compensation"|"apology"|"correction"|
 *              "information"|"none", "cause" (the root cause code, 1..64; required for
 *              complaints)}: complaints ASSESSED/INVESTIGATING -> RESPONDED; enquiries
 *              RECEIVED/ACKNOWLEDGED -> RESPONDED (8.7).
 * decide       {"decision" (required), "accepted":true|false}: complaints, RESPONDED -> DECIDED;
 *              the complainant's acceptance is recorded; a refusal offers escalation (8.8).
 * close        {"satisfaction":1..5 (the complainant's evaluation of the handling, R-8.1.c),
 *              "note"}: complaints DECIDED -> CLOSED, enquiries RESPONDED -> CLOSED (8.9).
 * escalate     {"reason" (required), "to" (who takes it, 1..100)}: any open case, level + 1
 *              (at most 3).
 * reopen       {"reason" (required)}: complaints, CLOSED -> INVESTIGATING.
 */
FW_EXTERN(int) fw_service_case_acknowledge(fw_ctx *ctx, fw_id case_id, const char *json,
                                           size_t json_len, fw_error **err);
/** See fw_service_case_acknowledge(). */
FW_EXTERN(int) fw_service_case_assess(fw_ctx *ctx, fw_id case_id, const char *json,
                                      size_t json_len, fw_error **err);
/** See fw_service_case_acknowledge(). */
FW_EXTERN(int) fw_service_case_investigate(fw_ctx *ctx, fw_id case_id, const char *json,
                                           size_t json_len, fw_error **err);
/** See fw_service_case_acknowledge(). */
FW_EXTERN(int) fw_service_case_respond(fw_ctx *ctx, fw_id case_id, const char *json,
                                       size_t json_len, fw_error **err);
/** See fw_service_case_acknowledge(). */
FW_EXTERN(int) fw_service_case_decide(fw_ctx *ctx, fw_id case_id, const char *json,
                                      size_t json_len, fw_error **err);
/** See fw_service_case_acknowledge(). The complainant may close their own decided case. */
FW_EXTERN(int) fw_service_case_close(fw_ctx *ctx, fw_id case_id, const char *json,
                                     size_t json_len, fw_error **err);
/** See fw_service_case_acknowledge(). */
FW_EXTERN(int) fw_service_case_escalate(fw_ctx *ctx, fw_id case_id, const char *json,
                                        size_t json_len, fw_error **err);
/** See fw_service_case_acknowledge(). */
FW_EXTERN(int) fw_service_case_reopen(fw_ctx *ctx, fw_id case_id, const char *json,
                                      size_t json_len, fw_error **err);

/**
 * A case and its timeline, for staff and for the complainant following it:
 * {"id","number","kind","party_kind","party_id","channel","category","title","description",
 * "requested_remedy","contact" (masked unless the actor may see it),"order_ref","severity",
 * "priority","state","received_ms","ack_due_ms","respond_due_ms","close_due_ms","ack_ms",
 * "responded_ms","closed_ms","cause","remedy","escalation_level","reopen_count",
 * "satisfaction","overdue":["acknowledge"|"respond"|"close"...],
 * "timeline":[{"at_ms","step","note"}]}. Absent timestamps are 0.
 * @return FW_OK; FW_ENOTFOUND; FW_EPERM (another party's case).
 */
FW_EXTERN(int) fw_service_case_get(fw_ctx *ctx, fw_id case_id, char **out_json, size_t *out_len,
                                   fw_error **err);

/**
 * Open cases past a time limit now:
 * [{"case_id","number","kind","step":"acknowledge"|"respond"|"close","due_ms","late_ms",
 * "escalation_level"}], oldest due first.
 * @return FW_OK; FW_EPERM.
 */
FW_EXTERN(int) fw_service_overdue(fw_ctx *ctx, char **out_json, size_t *out_len, fw_error **err);

/**
 * Sets the time limits of a severity (applies to cases received afterwards).
 * @param json {"severity","ack_ms","respond_ms","close_ms"} (each 60000..31536000000 ms,
 *             ack <= respond <= close).
 * @return FW_OK; FW_EINVAL; FW_EPERM (admin).
 */
FW_EXTERN(int) fw_service_sla_set(fw_ctx *ctx, const char *json, size_t json_len, fw_error **err);

/**
 * Records a satisfaction evaluation of service (R-8.1.a).
 * @param json {"party_kind","party_id","process":"onboarding"|"contract"|"task"|"payout"|
 *             "invoice"|"tax"|"support"|"complaint_handling","score":1..5,
 *             "comment" (optional, 1..1000), "case_id" (required for complaint_handling: a
 *             closed case of the same party)}
 * @return FW_OK; FW_EINVAL; FW_ENOTFOUND ($.case_id); FW_ESTATE (case not closed); FW_EPERM.
 */
FW_EXTERN(int) fw_service_evaluate(fw_ctx *ctx, const char *json, size_t json_len, fw_id *out_id,
                                   fw_error **err);

/**
 * Adds or replaces an emergency plan (R-6.f).
 * @param json {"code" (1..32),"title" (1..200),"severity","steps":["..."] (1..50 strings)}
 * @return FW_OK; FW_EINVAL; FW_EPERM.
 */
FW_EXTERN(int) fw_service_plan_set(fw_ctx *ctx, const char *json, size_t json_len, fw_error **err);

/**
 * Opens an incident (R-6.f).
 * @param json {"kind":"emergency"|"anomaly","severity","title" (1..200),
 *             "plan" (optional: a plan code),"note" (1..1000)}
 * @return FW_OK; FW_EINVAL; FW_ENOTFOUND ($.plan); FW_EPERM.
 */
FW_EXTERN(int) fw_service_incident_open(fw_ctx *ctx, const char *json, size_t json_len,
                                        fw_id *out_id, fw_error **err);

/**
 * Records an action taken on an open incident: {"action" (1..64),"note" (1..1000)}.
 * @return FW_OK; FW_ENOTFOUND; FW_ESTATE when closed; FW_EINVAL; FW_EPERM.
 */
FW_EXTERN(int) fw_service_incident_log(fw_ctx *ctx, fw_id incident_id, const char *json,
                                       size_t json_len, fw_error **err);

/**
 * Escalates an open incident to a higher level: {"level":1..4 (above the current),"note"}.
 * Levels: 1 duty manager, 2 operations head, 3 executive, 4 regulator notified.
 * @return FW_OK; FW_ENOTFOUND; FW_ESTATE when closed or not higher; FW_EINVAL; FW_EPERM.
 */
FW_EXTERN(int) fw_service_incident_escalate(fw_ctx *ctx, fw_id incident_id, const char *json,
                                            size_t json_len, fw_error **err);

/**
 * Closes an incident: {"resolution" (1..1000)}.
 * @return FW_OK; FW_ENOTFOUND; FW_ESTATE when closed; FW_EINVAL; FW_EPERM.
 */
FW_EXTERN(int) fw_service_incident_close(fw_ctx *ctx, fw_id incident_id, const char *json,
                                         size_t json_len, fw_error **err);

/**
 * An incident: {"id","kind","severity","title","plan","plan_steps":[...],"level","opened_ms",
 * "closed_ms","resolution","events":[{"at_ms","action","level","note"}]}.
 * @return FW_OK; FW_ENOTFOUND; FW_EPERM.
 */
FW_EXTERN(int) fw_service_incident_get(fw_ctx *ctx, fw_id incident_id, char **out_json,
                                       size_t *out_len, fw_error **err);

/**
 * Defines (or replaces) a supervised key link (R-8.1.b): every audit record with start_action
 * must be followed on the same entity by end_action within max_ms.
 * @param json {"code" (1..64),"title" (1..200),"start_action","end_action" (1..64),
 *             "max_ms" (1..31536000000)}, e.g. {"code":"review_in_time","title":"applications
 *             reviewed within 2 days","start_action":"party.enterprise.apply",
 *             "end_action":"party.enterprise.review","max_ms":172800000}.
 * @return FW_OK; FW_EINVAL; FW_EPERM.
 */
FW_EXTERN(int) fw_service_checkpoint_define(fw_ctx *ctx, const char *json, size_t json_len,
                                            fw_error **err);

/**
 * Supervision results of a CST month ("2026-03"), for each checkpoint over starts in the month:
 * [{"code","title","started","passed","late","missing","pending","failures":[{"entity_type",
 * "entity_id","started_ms","ended_ms" (0 = not yet)}] (at most 20)}]. "late": ended after
 * max_ms; "missing": not ended and max_ms has passed; "pending": not ended, still in time.
 * @return FW_OK; FW_EINVAL for a bad month; FW_EPERM.
 */
FW_EXTERN(int) fw_service_supervise(fw_ctx *ctx, const char *month, char **out_json,
                                    size_t *out_len, fw_error **err);

/**
 * Opens a corrective action against a cause of complaints (R-8.2.c).
 * @param json {"cause" (1..64: the root-cause code used in responses),"description" (1..1000),
 *             "owner" (1..100),"due":"YYYY-MM-DD","case_ids":[N,...] (optional, at most 500)}
 * @return FW_OK; FW_EINVAL; FW_ENOTFOUND ($.case_ids[i]); FW_EPERM.
 */
FW_EXTERN(int) fw_service_action_open(fw_ctx *ctx, const char *json, size_t json_len,
                                      fw_id *out_id, fw_error **err);

/**
 * Completes an open corrective action: {"result" (1..1000)}.
 * @return FW_OK; FW_ENOTFOUND; FW_ESTATE when not open; FW_EINVAL; FW_EPERM.
 */
FW_EXTERN(int) fw_service_action_complete(fw_ctx *ctx, fw_id action_id, const char *json,
                                          size_t json_len, fw_error **err);

/**
 * Verifies the effect of a completed action (the follow-up): {"effective":true|false,
 * "note" (1..1000), "due":"YYYY-MM-DD" (required when not effective: the action reopens with
 * this due date)}.
 * @return FW_OK; FW_ENOTFOUND; FW_ESTATE when not completed; FW_EINVAL; FW_EPERM.
 */
FW_EXTERN(int) fw_service_action_verify(fw_ctx *ctx, fw_id action_id, const char *json,
                                        size_t json_len, fw_error **err);

/**
 * KPIs of a CST month over the cases received in it (R-8.1.d, R-8.2.a):
 * {"period","complaints","enquiries","acknowledged","ack_in_time_pct_x100",
 * "ack_ms_median","ack_ms_p90","respond_ms_median","respond_ms_p90","close_ms_median",
 * "close_ms_p90","closed","closed_in_time_pct_x100","reopen_rate_pct_x100",
 * "escalation_rate_pct_x100","satisfaction_count","satisfaction_avg_x100",
 * "complaints_per_1000_orders_x100" (-1 without "orders"),"overdue_open"}.
 * Rates are over the month's complaints; times are from receipt; percentiles are nearest-rank
 * (the median of an even count is the lower middle value); rounding is half up.
 * @param opts_json NULL or {"orders":N (orders in the month, from the task module or the host)}.
 * @return FW_OK; FW_EINVAL for a bad month or option; FW_EPERM.
 */
FW_EXTERN(int) fw_service_kpis(fw_ctx *ctx, const char *month, const char *opts_json,
                               size_t opts_len, char **out_json, size_t *out_len, fw_error **err);

/**
 * The periodic service-quality report of a CST month (R-8.2.b), with the analysis of
 * evaluation results (R-8.2.d):
 * {"period","generated_ms","kpis":{as fw_service_kpis},"previous":{the month before},
 * "trend":{kpi: this minus previous, for each KPI},
 * "causes":[{"cause","count","previous","change","open_actions","needs_action"}],
 * "categories":{category: count},"satisfaction":{process:{"count","avg_x100"}},
 * "incidents":{"opened","closed","open_now","by_severity":{}},
 * "corrective_actions":{"opened","completed","verified_effective","ineffective","overdue_now"},
 * "supervision":[as fw_service_supervise]}. A cause "needs_action" when its complaints rose
 * against the previous month and no corrective action on it is open.
 * @param opts_json NULL or {"orders":N,"previous_orders":N}.
 * @return FW_OK; FW_EINVAL; FW_EPERM.
 */
FW_EXTERN(int) fw_service_report(fw_ctx *ctx, const char *month, const char *opts_json,
                                 size_t opts_len, char **out_json, size_t *out_len, fw_error **err);

/**
 * The same report as a self-contained HTML page (inline SVG charts, no scripts, no network).
 * @return as fw_service_report(); *out_html freed with fw_free().
 */
FW_EXTERN(int) fw_service_report_html(fw_ctx *ctx, const char *month, const char *opts_json,
                                      size_t opts_len, char **out_html, size_t *out_len,
                                      fw_error **err);

FW_END_DECL
#endif
