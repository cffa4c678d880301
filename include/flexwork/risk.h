/**
 * @file risk.h
 * Risk control before, during and after every flow (R-3.3.d, R-6.g, R-7.10.a-h).
 *
 * Before (事前): qualification reviews of enterprises against a checklist per industry
 * (R-7.10.a), an explainable enterprise rating A-D with a score (R-7.10.b), black and white
 * lists of people, bank cards, phones and enterprises (R-7.10.c).
 *
 * During (事中): one gate, fw_risk_check(), that activation, task taking, funding and payout
 * consult. It answers allow, review or deny with every reason (a code, the rule with the
 * standard's clause, and the inputs), checks identity verification (R-7.10.d), the lists and
 * the transaction limits (R-7.10.e), and warns near the VAT and 5,000,000-in-12-months
 * thresholds. A reserving check counts the amount against the limits in the same write
 * transaction, so two contexts on one store cannot together overshoot a limit.
 *
 * After (事后): inspection rules over a period (R-7.10.f) and reproducible random samples
 * stratified by enterprise (R-7.10.g) open risk cases: open -> reviewing -> resolved.
 *
 * Refusals and flags are audited; docs/api/risk.md lists every reason code and rule.
 */
#ifndef FLEXWORK_RISK_H
#define FLEXWORK_RISK_H

#include <flexwork/common.h>

FW_BEGIN_DECL

/** Actions the gate decides on. Values are pinned. */
#define FW_RISK_ACTION_ENTERPRISE_ACTIVATE 1
#define FW_RISK_ACTION_WORKER_ACTIVATE     2
#define FW_RISK_ACTION_TASK_TAKE           3
#define FW_RISK_ACTION_FUNDING             4
#define FW_RISK_ACTION_PAYOUT              5

/** Outcomes of a check. Values are pinned. */
#define FW_RISK_ALLOW  1
#define FW_RISK_REVIEW 2   /**< a person must look before the action goes on */
#define FW_RISK_DENY   3

/** Severity of one reason. Values are pinned. */
#define FW_RISK_WARN   1   /**< noted; does not change an allow */
#define FW_RISK_FLAG   2   /**< makes the outcome at least review */
#define FW_RISK_BLOCK  3   /**< makes the outcome deny */
#define FW_RISK_WAIVED 4   /**< would have applied; waived by a white-list entry */

/** Flags of fw_risk_parties. */
#define FW_RISK_RESERVE 0x1u  /**< on allow, count the amount against the limits (payout only) */

/** Who and what a check is about. */
typedef struct fw_risk_parties {
    uint32_t version;        /**< FW_RISK_PARTIES_VERSION */
    uint32_t flags;          /**< FW_RISK_RESERVE or 0 */
    fw_id enterprise_id;     /**< 0 when the action has none (worker activation) */
    fw_id worker_id;         /**< 0 when the action has none (funding) */
    fw_id task_id;           /**< informational, recorded with the decision */
    const char *bank_card;   /**< optional: a card to screen besides the worker's own */
    const char *phone;       /**< optional: a phone to screen besides the worker's own */
} fw_risk_parties;

#define FW_RISK_PARTIES_VERSION 1
#define FW_RISK_PARTIES_INIT { FW_RISK_PARTIES_VERSION, 0, 0, 0, 0, NULL, NULL }

/** A gate decision: the outcome and its reasons. Not shared between threads. */
typedef struct fw_risk_decision fw_risk_decision;

/**
 * The gate (R-7.10.h): decides on an action for its parties and amount.
 *
 * Without FW_RISK_RESERVE the check only reads (a few index look-ups) and audits nothing when
 * it allows; a review or deny is audited. With FW_RISK_RESERVE (payout only) it runs in one
 * write transaction: on allow the amount is counted against every limit at once and the
 * decision carries a reservation id (release it with fw_risk_release() if the payout fails).
 *
 * @param ctx          an open context whose actor may "risk.check" (staff, finance, system).
 * @param action       one of FW_RISK_ACTION_*.
 * @param parties      the parties; version must be FW_RISK_PARTIES_VERSION.
 * @param amount_fen   the amount (>= 0; payout and funding), 0 for other actions.
 * @param[out] out     the decision; free with fw_risk_decision_free().
 * @param[out] err     optional error detail.
 * @return FW_OK whatever the outcome (read it with fw_risk_decision_outcome()); FW_EINVAL for a
 *         bad action, version, amount or missing party; FW_ENOTFOUND for an unknown party;
 *         FW_EPERM; FW_EBUSY. On failure *out is untouched and the store unchanged.
 */
FW_EXTERN(int) fw_risk_check(fw_ctx *ctx, uint32_t action, const fw_risk_parties *parties,
                             int64_t amount_fen, fw_risk_decision **out, fw_error **err);

/**
 * The gate with a JSON request and answer.
 * Request: {"action":"enterprise_activate"|"worker_activate"|"task_take"|"funding"|"payout",
 * "enterprise_id":int, "worker_id":int, "task_id":int, "amount_fen":int, "reserve":bool,
 * "bank_card":"...", "phone":"..."}. Answer: {"outcome":"allow"|"review"|"deny",
 * "reservation_id":int, "reasons":[{"code","severity","rule","clause","inputs":{...},
 * "waived_by":int}]}. Errors as fw_risk_check(), plus FW_EJSON; *out_json freed with fw_free().
 */
FW_EXTERN(int) fw_risk_check_json(fw_ctx *ctx, const char *json, size_t json_len,
                                  char **out_json, size_t *out_len, fw_error **err);

/** The outcome, one of FW_RISK_ALLOW, FW_RISK_REVIEW, FW_RISK_DENY. */
FW_EXTERN(uint32_t) fw_risk_decision_outcome(const fw_risk_decision *d);
/** The reservation made by a reserving check that allowed, else 0. */
FW_EXTERN(fw_id) fw_risk_decision_reservation(const fw_risk_decision *d);
/** The number of reasons (warnings and waived ones included). */
FW_EXTERN(size_t) fw_risk_decision_count(const fw_risk_decision *d);
/** Reason i's code, e.g. "LIMIT_WORKER_MONTH" (static text), or NULL when i is out of range. */
FW_EXTERN(const char *) fw_risk_decision_code(const fw_risk_decision *d, size_t i);
/** Reason i's severity, one of FW_RISK_WARN..FW_RISK_WAIVED, or 0 when out of range. */
FW_EXTERN(uint32_t) fw_risk_decision_severity(const fw_risk_decision *d, size_t i);
/** The decision as JSON (the answer of fw_risk_check_json()); free *out_json with fw_free(). */
FW_EXTERN(int) fw_risk_decision_to_json(const fw_risk_decision *d, char **out_json,
                                        size_t *out_len, fw_error **err);
/** Frees a decision. NULL is allowed. */
FW_EXTERN(void) fw_risk_decision_free(fw_risk_decision *d);

/**
 * Releases a reservation (the payout it allowed did not happen): its amount and count leave
 * the counters. Audited.
 * @return FW_OK; FW_ENOTFOUND; FW_ESTATE when already released; FW_EPERM.
 */
FW_EXTERN(int) fw_risk_release(fw_ctx *ctx, fw_id reservation_id, fw_error **err);

/**
 * Sets the risk policy: {"require_qualification":bool, "rating_interval_ms":int (60000 ..
 * 31536000000)}; absent fields keep their value. With require_qualification an enterprise
 * becomes active only after a passed qualification review. Admin only; audited.
 * @return FW_OK; FW_EINVAL/FW_EJSON naming the field; FW_EPERM.
 */
FW_EXTERN(int) fw_risk_config_set(fw_ctx *ctx, const char *json, size_t json_len, fw_error **err);

/** Lists and the kinds of value on them. Values are pinned. */
#define FW_RISK_LIST_BLACK 1
#define FW_RISK_LIST_WHITE 2
#define FW_RISK_KIND_PERSON     1  /**< by ID number (blind index) */
#define FW_RISK_KIND_BANK_CARD  2
#define FW_RISK_KIND_PHONE      3
#define FW_RISK_KIND_ENTERPRISE 4  /**< by USCC */

/**
 * Adds a black- or white-list entry (R-7.10.c):
 * {"list":"black"|"white", "kind":"person"|"bank_card"|"phone"|"enterprise", "value":"...",
 * "reason":"1..500 bytes", "source":"1..100 bytes", "expires":"YYYY-MM-DD" (optional),
 * "waives":["LIMIT_WORKER_MONTH", ...] (white only, required: the reason codes excepted)}.
 * The value is validated for its kind and stored only as a blind index and a masked form.
 * @return FW_OK with *out_id; FW_EINVAL naming the field; FW_EEXISTS when the same value is
 *         already on that list; FW_EPERM. Audited (masked value).
 */
FW_EXTERN(int) fw_risk_list_add(fw_ctx *ctx, const char *json, size_t json_len, fw_id *out_id,
                                fw_error **err);

/** Removes an entry with a reason (1..500 bytes). FW_ENOTFOUND, FW_ESTATE if removed. Audited. */
FW_EXTERN(int) fw_risk_list_remove(fw_ctx *ctx, fw_id entry_id, const char *reason,
                                   fw_error **err);

/**
 * The live entries as a JSON array of {"id","list","kind","masked","reason","source",
 * "waives","expires_ms","created_ms"}; expired entries are omitted. *out_json: fw_free().
 */
FW_EXTERN(int) fw_risk_list_query(fw_ctx *ctx, char **out_json, size_t *out_len, fw_error **err);

/**
 * Sets the qualification checklist of an industry (R-7.10.a):
 * {"industry":"I65" or "*", "documents":["business_licence", ...] (kinds that must be on
 * file), "scope_keywords":["软件", ...] (the business scope must contain one; [] for none)}.
 * @return FW_OK; FW_EINVAL naming the field; FW_EPERM. Audited.
 */
FW_EXTERN(int) fw_risk_checklist_set(fw_ctx *ctx, const char *json, size_t json_len,
                                     fw_error **err);

/**
 * Runs the qualification review of an enterprise and records the result (R-7.10.a).
 * Checks: licence on file, business scope matches, USCC verified, cooperation agreement signed
 * (the party module records it when the contract module reports the signature, or a signal
 * "agreement_signed" does), every required document on file and not expired.
 * Request (optional, NULL for none): {"document_expiry":{"<kind>":"YYYY-MM-DD",...}}.
 * Answer: {"id","enterprise_id","passed":bool,"checks":[{"check","passed","detail"}]}.
 * @return FW_OK (also when the review fails: read "passed"); FW_ENOTFOUND; FW_EINVAL; FW_EPERM.
 */
FW_EXTERN(int) fw_risk_qualification_review(fw_ctx *ctx, fw_id enterprise_id, const char *json,
                                            size_t json_len, char **out_json, size_t *out_len,
                                            fw_error **err);

/**
 * Records a fact for the rating and inspection rules:
 * {"kind":"dispute"|"complaint"|"funding_late"|"funding_ok"|"task_flag"|"inspection_finding"|
 * "agreement_signed"|"task_taken"|"task_completed"|"fund_return", "enterprise_id":int,
 * "worker_id":int, "amount_fen":int, "value":int (task_completed: duration in ms),
 * "category":"...", "ref":"...", "at":ms (default now)}.
 * @return FW_OK with *out_id (may be NULL); FW_EINVAL naming the field; FW_EPERM.
 */
FW_EXTERN(int) fw_risk_signal_record(fw_ctx *ctx, const char *json, size_t json_len,
                                     fw_id *out_id, fw_error **err);

/** Grades of the rating. Values are pinned. */
#define FW_RISK_GRADE_A 1
#define FW_RISK_GRADE_B 2
#define FW_RISK_GRADE_C 3
#define FW_RISK_GRADE_D 4

/**
 * Recomputes an enterprise's rating now (R-7.10.b) and returns it:
 * {"enterprise_id","grade":"A".."D","score":0..100,"factors":[{"factor","points","max",
 * "inputs":{...}}],"computed_ms"}. A change of grade or score is audited.
 * @return FW_OK; FW_ENOTFOUND; FW_EPERM.
 */
FW_EXTERN(int) fw_risk_rating_compute(fw_ctx *ctx, fw_id enterprise_id, char **out_json,
                                      size_t *out_len, fw_error **err);

/**
 * The scheduled run: recomputes the rating of every enterprise not cancelled whose rating is
 * missing or older than the configured interval. *out_count (may be NULL) is how many.
 */
FW_EXTERN(int) fw_risk_rating_schedule(fw_ctx *ctx, int64_t *out_count, fw_error **err);

/**
 * Sets limits (R-7.10.e) for a scope:
 * {"scope":"platform"|"rating"|"enterprise", "rating":"A".."D" (rating scope),
 * "enterprise_id":int (enterprise scope), "limits":{"per_payment_fen", "worker_day_fen",
 * "worker_month_fen", "worker_12m_fen", "worker_day_count", "worker_month_count",
 * "enterprise_day_fen", "enterprise_month_fen", "enterprise_day_count"}}. Each limit is an
 * integer >= 0 (0: no limit) or null (inherit from the less specific scope; not at platform).
 * Absent limits are unchanged. Audited.
 */
FW_EXTERN(int) fw_risk_limits_set(fw_ctx *ctx, const char *json, size_t json_len, fw_error **err);

/**
 * The limits in force for an enterprise (0: the platform's): {"limits":{name:value},
 * "sources":{name:"platform"|"rating"|"enterprise"},"grade":"A".."D"|null}.
 */
FW_EXTERN(int) fw_risk_limits_get(fw_ctx *ctx, fw_id enterprise_id, char **out_json,
                                  size_t *out_len, fw_error **err);

/**
 * Adds or changes an inspection rule: an instance of a built-in type with parameters
 * {"code":"A-Z0-9_ (1..40)","type":"many_enterprises"|"structuring"|"same_amount_series"|
 * "funds_back"|"fast_completion"|"dormant_active"|"minor_restricted","params":{...},
 * "enabled":bool}. The parameters of each type are in docs/api/risk.md. Audited.
 */
FW_EXTERN(int) fw_risk_rule_set(fw_ctx *ctx, const char *json, size_t json_len, fw_error **err);

/** Findings a host rule adds to during fw_risk_inspect(). */
typedef struct fw_risk_findings fw_risk_findings;

/**
 * Adds a finding from a host rule. detail_json is a JSON object (copied) or NULL.
 * @return FW_OK; FW_EINVAL for a bad detail; FW_ENOMEM.
 */
FW_EXTERN(int) fw_risk_finding_add(fw_risk_findings *f, fw_id enterprise_id, fw_id worker_id,
                                   int64_t amount_fen, const char *detail_json);

/** A host's inspection rule: called once per run with the period [from_ms, to_ms). */
typedef int (*fw_risk_rule_fn)(void *payload, fw_ctx *ctx, int64_t from_ms, int64_t to_ms,
                               fw_risk_findings *out);

typedef struct fw_risk_host_rule {
    uint32_t version;         /**< FW_RISK_HOST_RULE_VERSION */
    const char *code;         /**< the rule's code on its findings, A-Z0-9_ */
    fw_risk_rule_fn fn;
    void *payload;
} fw_risk_host_rule;
#define FW_RISK_HOST_RULE_VERSION 1

/**
 * Runs the enabled inspection rules and the host's rules over the period (R-7.10.f):
 * request {"from":"YYYY-MM-DD","to":"YYYY-MM-DD"} (CST dates, to exclusive). Each finding
 * opens a risk case. Answer: {"run_id","from_ms","to_ms","findings":[{"case_id","rule",
 * "enterprise_id","worker_id","amount_fen","detail":{...}}]}.
 * @return FW_OK; FW_EINVAL; FW_EUSER when a host rule fails (nothing is recorded); FW_EPERM.
 */
FW_EXTERN(int) fw_risk_inspect(fw_ctx *ctx, const char *json, size_t json_len,
                               const fw_risk_host_rule *rules, size_t nrules, char **out_json,
                               size_t *out_len, fw_error **err);

/**
 * Draws a random sample for manual review (R-7.10.g), stratified by enterprise:
 * {"population":"payouts"|"workers","from":"YYYY-MM-DD","to":"YYYY-MM-DD",
 * "per_enterprise":1..1000,"seed":"64 hex chars" (optional: a fresh random seed otherwise)}.
 * The same seed over the same period draws the same items. Each item drawn opens a case.
 * Answer: {"sample_id","seed","drawn":[{"enterprise_id","ids":[...]}],"cases":[...]}.
 */
FW_EXTERN(int) fw_risk_sample(fw_ctx *ctx, const char *json, size_t json_len, char **out_json,
                              size_t *out_len, fw_error **err);

/** Case states. Values are pinned. */
#define FW_RISK_CASE_OPEN      1
#define FW_RISK_CASE_REVIEWING 2
#define FW_RISK_CASE_RESOLVED  3

/**
 * Moves a case on: {"state":"reviewing"|"resolved", "resolution":"no_issue"|"suspend"|
 * "limit"|"list" (required to resolve), "note":"1..2000 bytes"}. open -> reviewing ->
 * resolved (open -> resolved is allowed too). Audited.
 * @return FW_OK; FW_ENOTFOUND; FW_ESTATE for a move the state does not allow; FW_EINVAL.
 */
FW_EXTERN(int) fw_risk_case_update(fw_ctx *ctx, fw_id case_id, const char *json,
                                   size_t json_len, fw_error **err);

/**
 * Cases as a JSON array, filtered by {"state":"open"|"reviewing"|"resolved",
 * "enterprise_id":int} (json may be NULL): each {"id","source","rule","enterprise_id",
 * "worker_id","subject_id","amount_fen","detail","state","resolution","notes","opened_ms"}.
 */
FW_EXTERN(int) fw_risk_case_list(fw_ctx *ctx, const char *json, size_t json_len,
                                 char **out_json, size_t *out_len, fw_error **err);

/**
 * Statistics of a period {"from":"YYYY-MM-DD","to":"YYYY-MM-DD"}: cases opened by rule and
 * by state, resolutions, samples drawn, refusals by the gate (from the audit log).
 */
FW_EXTERN(int) fw_risk_stats(fw_ctx *ctx, const char *json, size_t json_len, char **out_json,
                             size_t *out_len, fw_error **err);

FW_END_DECL
#endif
