/*
 * Enquiries and complaints (R-6.e), handled per GB/T 19012-2019 / ISO 10002:2018 clause 8,
 * with time limits per severity, overdue detection on the context's clock, and satisfaction
 * evaluations (R-8.1.a, R-8.1.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/audit.h"
#include "core/authz.h"
#include "core/clock.h"
#include "core/ctx.h"
#include "core/db.h"
#include "core/error.h"
#include "core/json.h"
#include "core/vault.h"
#include "service/service.h"

const char *const fw__service_severities[] = { "low", "normal", "high", "critical", NULL };
const char *const fw__service_states[] = { "", "received", "acknowledged", "assessed", "investigating",
                                           "responded", "decided", "closed", NULL };
static const char *const party_kinds[] = { "enterprise", "worker", NULL };
static const char *const kinds[] = { "enquiry", "complaint", NULL };
static const char *const channels[] = { "phone", "web", "app", "email", "letter", "in_person", "wechat", NULL };
static const char *const remedies[] = { "refund", "compensation", "apology", "correction", "information",
                                        "none", NULL };
static const char *const processes[] = { "onboarding", "contract", "task", "payout", "invoice", "tax",
                                         "support", "complaint_handling", NULL };

int fw__service_month(const char *month, int64_t *start, int64_t *end, fw_error **err)
{
    int y, m;
    if (!month || fw__month_key_parse(month, &y, &m) != FW_OK || fw__cst_from_date(y, m, 1, start) != FW_OK)
        return fw__error_set(err, FW_EINVAL, "month", "must be a month YYYY-MM, got \"%.16s\"",
                             month ? month : "(null)");
    fw__cst_period(*start, FW__PERIOD_MONTH, start, end);
    return FW_OK;
}

const char *fw__service_prev_month(const char *month, char *buf, size_t size)
{
    int y = 0, m = 0;
    fw__month_key_parse(month, &y, &m);
    if (--m == 0) {
        m = 12;
        y--;
    }
    snprintf(buf, size, "%04d-%02d", y, m);
    return buf;
}

int fw__service_parse(cJSON **root, const char *json, size_t len, const char *const *fields,
                      fw_error **err)
{
    int rc;
    *root = NULL;
    if (!json)
        return (*root = cJSON_CreateObject()) ? FW_OK : fw__error_nomem(err);
    if ((rc = fw__json_parse(root, json, len, err)) != FW_OK)
        return rc;
    if ((rc = fw__json_only(*root, "$", fields, err)) != FW_OK) {
        cJSON_Delete(*root);
        *root = NULL;
    }
    return rc;
}

/* ---- cases ---------------------------------------------------------------------------- */

struct kase {
    fw_id id, party_id;
    int64_t kind, state, received_ms, ack_due_ms, respond_due_ms, close_due_ms, ack_ms, responded_ms,
        closed_ms, escalation_level;
    char party_kind[16], number[32], severity[16];
};

static int case_load(fw_ctx *ctx, fw_id id, struct kase *k, fw_error **err)
{
    fw__stmt *s;
    int rc = fw__db_query(ctx, &s, err, "SELECT id, party_kind, party_id, kind, state, number, severity, "
                          "received_ms, ack_due_ms, respond_due_ms, close_due_ms, coalesce(ack_ms, 0), "
                          "coalesce(responded_ms, 0), coalesce(closed_ms, 0), escalation_level "
                          "FROM fw_service_case WHERE id=?", "i", id);
    if (rc != FW_OK)
        return rc;
    rc = fw__db_step(s, err);
    if (rc == FW__ROW) {
        memset(k, 0, sizeof(*k));
        k->id = fw__db_col_i64(s, 0);
        snprintf(k->party_kind, sizeof(k->party_kind), "%s", fw__db_col_text(s, 1));
        k->party_id = fw__db_col_i64(s, 2);
        k->kind = fw__db_col_i64(s, 3);
        k->state = fw__db_col_i64(s, 4);
        snprintf(k->number, sizeof(k->number), "%s", fw__db_col_text(s, 5));
        snprintf(k->severity, sizeof(k->severity), "%s", fw__db_col_text(s, 6));
        k->received_ms = fw__db_col_i64(s, 7);
        k->ack_due_ms = fw__db_col_i64(s, 8);
        k->respond_due_ms = fw__db_col_i64(s, 9);
        k->close_due_ms = fw__db_col_i64(s, 10);
        k->ack_ms = fw__db_col_i64(s, 11);
        k->responded_ms = fw__db_col_i64(s, 12);
        k->closed_ms = fw__db_col_i64(s, 13);
        k->escalation_level = fw__db_col_i64(s, 14);
    }
    fw__db_done(s);
    if (rc == FW__DONE)
        return fw__error_set(err, FW_ENOTFOUND, "case_id", "no service case %lld", (long long)id);
    return rc < 0 ? rc : FW_OK;
}

static int require_party(fw_ctx *ctx, const char *action, const char *kind, fw_id id, fw_error **err)
{
    return fw__authz_require_owner(ctx, action, strcmp(kind, "enterprise") == 0 ? id : 0,
                                   strcmp(kind, "worker") == 0 ? id : 0, err);
}

static int sla(fw_ctx *ctx, const char *severity, int64_t *ack, int64_t *respond, int64_t *close,
               fw_error **err)
{
    fw__stmt *s;
    int rc = fw__db_query(ctx, &s, err, "SELECT ack_ms, respond_ms, close_ms FROM fw_service_sla WHERE severity=?",
                          "t", severity);
    if (rc != FW_OK)
        return rc;
    rc = fw__db_step(s, err);
    if (rc == FW__ROW) {
        *ack = fw__db_col_i64(s, 0);
        *respond = fw__db_col_i64(s, 1);
        *close = fw__db_col_i64(s, 2);
    }
    fw__db_done(s);
    if (rc == FW__DONE)
        return fw__error_set(err, FW_ENOTFOUND, "severity", "no time limits for severity %s", severity);
    return rc < 0 ? rc : FW_OK;
}

static int add_event(fw_ctx *ctx, fw_id case_id, const char *step, const char *note, fw_error **err)
{
    return fw__db_exec(ctx, err, "INSERT INTO fw_service_case_event(case_id, at_ms, step, actor_role, note) "
                       "VALUES (?,?,?,?,?)", "iitit", case_id, fw_ctx_now(ctx), step, (int64_t)ctx->role, note);
}

static int audit_case(fw_ctx *ctx, const char *action, const struct kase *k, int64_t state, fw_error **err)
{
    char detail[160];
    snprintf(detail, sizeof(detail), "{\"number\":\"%s\",\"state\":\"%s\",\"escalation_level\":%lld}",
             k->number, fw__service_states[state], (long long)k->escalation_level);
    return fw__audit_append(ctx, action, "service_case", k->id, detail, strlen(detail), err);
}

int fw_service_case_open(fw_ctx *ctx, const char *json, size_t json_len, fw_id *out_id, fw_error **err)
{
    static const char *const fields[] = { "kind", "party_kind", "party_id", "channel", "category", "title",
                                          "description", "requested_remedy", "contact", "order_ref",
                                          "severity", NULL };
    const char *category = NULL, *title = NULL, *description = NULL, *remedy = NULL, *contact = NULL,
               *order_ref = NULL;
    int kind = 0, pk = 0, channel = 0, severity = 1, rc, y, m, d;
    int64_t party = 0, now, ack = 0, respond = 0, close = 0;
    unsigned char *sealed = NULL;
    size_t sealed_len = 0;
    char number[32], subject[48];
    struct kase k;
    cJSON *root;

    if (!ctx || !json || !out_id)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx, json and out_id are required");
    if ((rc = fw__service_parse(&root, json, json_len, fields, err)) != FW_OK)
        return rc;
    rc = fw__json_enum(root, "$", "kind", FW__REQUIRED, kinds, &kind, err);
    if (rc == FW_OK)
        rc = fw__json_enum(root, "$", "party_kind", FW__REQUIRED, party_kinds, &pk, err);
    if (rc == FW_OK)
        rc = fw__json_i64(root, "$", "party_id", FW__REQUIRED, 1, FW__JSON_MAX_INT, &party, err);
    if (rc == FW_OK)
        rc = fw__json_enum(root, "$", "channel", FW__REQUIRED, channels, &channel, err);
    if (rc == FW_OK)
        rc = fw__json_str(root, "$", "category", FW__REQUIRED, 1, 64, &category, err);
    if (rc == FW_OK)
        rc = fw__json_str(root, "$", "title", FW__REQUIRED, 1, 200, &title, err);
    if (rc == FW_OK)
        rc = fw__json_str(root, "$", "description", FW__REQUIRED, 1, 4000, &description, err);
    if (rc == FW_OK)
        rc = fw__json_str(root, "$", "requested_remedy", FW__OPTIONAL, 1, 500, &remedy, err);
    if (rc == FW_OK)
        rc = fw__json_str(root, "$", "contact", FW__OPTIONAL, 1, 200, &contact, err);
    if (rc == FW_OK)
        rc = fw__json_str(root, "$", "order_ref", FW__OPTIONAL, 1, 128, &order_ref, err);
    if (rc == FW_OK)
        rc = fw__json_enum(root, "$", "severity", FW__OPTIONAL, fw__service_severities, &severity, err);
    if (rc == FW_OK)
        rc = require_party(ctx, "service.case_open", party_kinds[pk], party, err);
    if (rc != FW_OK || (rc = fw__tx_begin(ctx, err)) != FW_OK) {
        cJSON_Delete(root);
        return rc;
    }
    now = fw_ctx_now(ctx);
    rc = sla(ctx, fw__service_severities[severity], &ack, &respond, &close, err);
    if (rc == FW_OK)
        rc = fw__db_exec(ctx, err,
                         "INSERT INTO fw_service_case(number, kind, party_kind, party_id, channel, category, title, "
                         "description, requested_remedy, order_ref, severity, priority, state, received_ms, "
                         "ack_due_ms, respond_due_ms, close_due_ms) VALUES ('', ?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                         "ititttttttiiiiii", (int64_t)(kind + 1), party_kinds[pk], party, channels[channel],
                         category, title, description, remedy, order_ref, fw__service_severities[severity],
                         (int64_t)(4 - severity), (int64_t)FW_SERVICE_RECEIVED, now, now + ack, now + respond,
                         now + close);
    if (rc == FW_OK) {
        memset(&k, 0, sizeof(k));
        k.id = fw__db_last_id(ctx);
        fw__cst_date(now, &y, &m, &d);
        snprintf(number, sizeof(number), "%s-%04d%02d%02d-%06lld", kind == 1 ? "CP" : "EQ", y, m, d,
                 (long long)k.id);
        snprintf(k.number, sizeof(k.number), "%s", number);
        rc = fw__db_exec(ctx, err, "UPDATE fw_service_case SET number=? WHERE id=?", "ti", number, k.id);
    }
    if (rc == FW_OK && contact) {
        snprintf(subject, sizeof(subject), "%s:%lld", party_kinds[pk], (long long)party);
        rc = fw__vault_seal(ctx, subject, "fw_service_case", "contact", k.id, contact, strlen(contact), &sealed,
                            &sealed_len, err);
        if (rc == FW_OK)
            rc = fw__db_exec(ctx, err, "UPDATE fw_service_case SET contact=? WHERE id=?", "bi",
                             (const void *)sealed, sealed_len, k.id);
        free(sealed);
    }
    if (rc == FW_OK)
        rc = add_event(ctx, k.id, "received", channels[channel], err);
    if (rc == FW_OK)
        rc = audit_case(ctx, "service.case_open", &k, FW_SERVICE_RECEIVED, err);
    cJSON_Delete(root);
    rc = fw__tx_end(ctx, rc, err);
    if (rc == FW_OK)
        *out_id = k.id;
    return rc;
}

/* The steps: which states each applies from, per kind, and where it leads. */
#define S(x) (1u << FW_SERVICE_##x)
static const struct step {
    const char *name;
    uint32_t complaint_from, enquiry_from;
    int64_t to;                 /* 0: state unchanged */
} steps[] = {
    { "acknowledge", S(RECEIVED), S(RECEIVED), FW_SERVICE_ACKNOWLEDGED },
    { "assess", S(ACKNOWLEDGED), 0, FW_SERVICE_ASSESSED },
    { "investigate", S(ASSESSED), 0, FW_SERVICE_INVESTIGATING },
    { "respond", S(ASSESSED) | S(INVESTIGATING), S(RECEIVED) | S(ACKNOWLEDGED), FW_SERVICE_RESPONDED },
    { "decide", S(RESPONDED), 0, FW_SERVICE_DECIDED },
    { "close", S(DECIDED), S(RESPONDED), FW_SERVICE_CLOSED },
    { "escalate", ~(S(CLOSED) | 1u), ~(S(CLOSED) | 1u), 0 },
    { "reopen", S(CLOSED), 0, FW_SERVICE_INVESTIGATING },
};

/* Parses a step's input and writes its columns; the state change itself is done by the caller. */
static int apply_step(fw_ctx *ctx, const struct step *st, struct kase *k, const cJSON *root,
                      const char **note, fw_error **err)
{
    const char *to = NULL, *cause = NULL;
    int64_t now = fw_ctx_now(ctx), level, ack = 0, respond = 0, close = 0, priority = 0, score = 0;
    int idx = -1, accepted = -1, rc = FW_OK;

    if (strcmp(st->name, "acknowledge") == 0 || strcmp(st->name, "investigate") == 0) {
        rc = fw__json_str(root, "$", "note", FW__OPTIONAL, 1, 1000, note, err);
        if (rc == FW_OK)
            rc = st->to == FW_SERVICE_ACKNOWLEDGED
                 ? fw__db_exec(ctx, err, "UPDATE fw_service_case SET ack_ms=? WHERE id=?", "ii", now, k->id)
                 : fw__db_exec(ctx, err, "UPDATE fw_service_case SET investigating_ms=? WHERE id=?", "ii", now, k->id);
    } else if (strcmp(st->name, "assess") == 0) {
        rc = fw__json_enum(root, "$", "severity", FW__REQUIRED, fw__service_severities, &idx, err);
        if (rc == FW_OK)
            rc = fw__json_i64(root, "$", "priority", FW__REQUIRED, 1, 4, &priority, err);
        if (rc == FW_OK)
            rc = fw__json_str(root, "$", "note", FW__OPTIONAL, 1, 1000, note, err);
        if (rc == FW_OK)
            rc = sla(ctx, fw__service_severities[idx], &ack, &respond, &close, err);
        if (rc == FW_OK)
            rc = fw__db_exec(ctx, err, "UPDATE fw_service_case SET severity=?, priority=?, assessed_ms=?, "
                             "respond_due_ms=?, close_due_ms=? WHERE id=?", "tiiiii", fw__service_severities[idx],
                             priority, now, k->received_ms + respond, k->received_ms + close, k->id);
    } else if (strcmp(st->name, "respond") == 0) {
        rc = fw__json_str(root, "$", "response", FW__REQUIRED, 1, 4000, note, err);
        if (rc == FW_OK)
            rc = fw__json_enum(root, "$", "remedy", FW__OPTIONAL, remedies, &idx, err);
        if (rc == FW_OK)
            rc = fw__json_str(root, "$", "cause", k->kind == FW_SERVICE_COMPLAINT ? FW__REQUIRED : FW__OPTIONAL,
                              1, 64, &cause, err);
        if (rc == FW_OK)
            rc = fw__db_exec(ctx, err, "UPDATE fw_service_case SET responded_ms=?, remedy=?, cause=? WHERE id=?",
                             "itti", now, idx >= 0 ? remedies[idx] : NULL, cause, k->id);
    } else if (strcmp(st->name, "decide") == 0) {
        rc = fw__json_str(root, "$", "decision", FW__REQUIRED, 1, 4000, note, err);
        if (rc == FW_OK)
            rc = fw__json_bool(root, "$", "accepted", FW__REQUIRED, &accepted, err);
        if (rc == FW_OK)
            rc = fw__db_exec(ctx, err, "UPDATE fw_service_case SET decided_ms=?, decision_accepted=? WHERE id=?",
                             "iii", now, (int64_t)accepted, k->id);
    } else if (strcmp(st->name, "close") == 0) {
        rc = fw__json_i64(root, "$", "satisfaction", FW__OPTIONAL, 1, 5, &score, err);
        if (rc == FW_OK)
            rc = fw__json_str(root, "$", "note", FW__OPTIONAL, 1, 1000, note, err);
        if (rc == FW_OK)
            rc = fw__db_exec(ctx, err, "UPDATE fw_service_case SET closed_ms=?, satisfaction=nullif(?, 0) "
                             "WHERE id=?", "iii", now, score, k->id);
        /* The complainant's evaluation of the handling (R-8.1.c) counts with all evaluations. */
        if (rc == FW_OK && score)
            rc = fw__db_exec(ctx, err, "INSERT INTO fw_service_evaluation(party_kind, party_id, process, case_id, "
                             "score, at_ms) VALUES (?,?,?,?,?,?)", "titiii", k->party_kind, k->party_id,
                             k->kind == FW_SERVICE_COMPLAINT ? "complaint_handling" : "support", k->id, score, now);
    } else if (strcmp(st->name, "escalate") == 0) {
        rc = fw__json_str(root, "$", "reason", FW__REQUIRED, 1, 1000, note, err);
        if (rc == FW_OK)
            rc = fw__json_str(root, "$", "to", FW__OPTIONAL, 1, 100, &to, err);
        level = k->escalation_level + 1;
        if (rc == FW_OK && level > 3)
            rc = fw__error_set(err, FW_ESTATE, NULL, "case %s is already at the highest escalation level 3",
                               k->number);
        if (rc == FW_OK)
            rc = fw__db_exec(ctx, err, "UPDATE fw_service_case SET escalation_level=? WHERE id=?", "ii", level, k->id);
        k->escalation_level = level;
    } else if (strcmp(st->name, "reopen") == 0) {
        rc = fw__json_str(root, "$", "reason", FW__REQUIRED, 1, 1000, note, err);
        if (rc == FW_OK)
            rc = fw__db_exec(ctx, err, "UPDATE fw_service_case SET reopen_count=reopen_count+1, closed_ms=NULL, "
                             "satisfaction=NULL, decided_ms=NULL, decision_accepted=NULL WHERE id=?", "i", k->id);
    }
    return rc;
}

int fw__service_step_case(fw_ctx *ctx, fw_id case_id, const char *step, const char *json,
                          size_t json_len, fw_error **err)
{
    static const char *const fields[] = { "note", "severity", "priority", "response", "remedy", "cause",
                                          "decision", "accepted", "satisfaction", "reason", "to", NULL };
    const struct step *st = NULL;
    const char *note = NULL;
    char action[48];
    struct kase k;
    cJSON *root;
    size_t i;
    uint32_t from;
    int rc;

    for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
        if (strcmp(steps[i].name, step) == 0)
            st = &steps[i];
    if (!ctx || !st)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and a known step are required");
    snprintf(action, sizeof(action), "service.case_%s", step);
    if ((rc = fw__authz_require(ctx, action, err)) != FW_OK)
        return rc;
    if ((rc = fw__service_parse(&root, json, json_len, fields, err)) != FW_OK)
        return rc;
    if ((rc = fw__tx_begin(ctx, err)) != FW_OK) {
        cJSON_Delete(root);
        return rc;
    }
    rc = case_load(ctx, case_id, &k, err);
    if (rc == FW_OK)
        rc = require_party(ctx, action, k.party_kind, k.party_id, err);
    if (rc == FW_OK) {
        from = k.kind == FW_SERVICE_COMPLAINT ? st->complaint_from : st->enquiry_from;
        if (!(from & (1u << k.state)))
            rc = fw__error_set(err, FW_ESTATE, NULL, "%s %s is %s: it cannot %s%s",
                               k.kind == FW_SERVICE_COMPLAINT ? "complaint" : "enquiry", k.number,
                               fw__service_states[k.state], step,
                               from == 0 ? " (a step of complaints only)" : "");
    }
    /* Each step accepts only its own fields. */
    if (rc == FW_OK) {
        static const char *const per_step[][5] = {
            { "note", NULL }, { "severity", "priority", "note", NULL }, { "note", NULL },
            { "response", "remedy", "cause", NULL }, { "decision", "accepted", NULL },
            { "satisfaction", "note", NULL }, { "reason", "to", NULL }, { "reason", NULL } };
        rc = fw__json_only(root, "$", per_step[st - steps], err);
    }
    if (rc == FW_OK)
        rc = apply_step(ctx, st, &k, root, &note, err);
    if (rc == FW_OK && st->to)
        rc = fw__db_exec(ctx, err, "UPDATE fw_service_case SET state=? WHERE id=?", "ii", st->to, case_id);
    if (rc == FW_OK)
        rc = add_event(ctx, case_id, step, note, err);
    if (rc == FW_OK)
        rc = audit_case(ctx, action, &k, st->to ? st->to : k.state, err);
    cJSON_Delete(root);
    return fw__tx_end(ctx, rc, err);
}

int fw_service_case_acknowledge(fw_ctx *ctx, fw_id id, const char *json, size_t len, fw_error **err)
{
    return fw__service_step_case(ctx, id, "acknowledge", json, len, err);
}

int fw_service_case_assess(fw_ctx *ctx, fw_id id, const char *json, size_t len, fw_error **err)
{
    return fw__service_step_case(ctx, id, "assess", json, len, err);
}

int fw_service_case_investigate(fw_ctx *ctx, fw_id id, const char *json, size_t len, fw_error **err)
{
    return fw__service_step_case(ctx, id, "investigate", json, len, err);
}

int fw_service_case_respond(fw_ctx *ctx, fw_id id, const char *json, size_t len, fw_error **err)
{
    return fw__service_step_case(ctx, id, "respond", json, len, err);
}

int fw_service_case_decide(fw_ctx *ctx, fw_id id, const char *json, size_t len, fw_error **err)
{
    return fw__service_step_case(ctx, id, "decide", json, len, err);
}

int fw_service_case_close(fw_ctx *ctx, fw_id id, const char *json, size_t len, fw_error **err)
{
    return fw__service_step_case(ctx, id, "close", json, len, err);
}

int fw_service_case_escalate(fw_ctx *ctx, fw_id id, const char *json, size_t len, fw_error **err)
{
    return fw__service_step_case(ctx, id, "escalate", json, len, err);
}

int fw_service_case_reopen(fw_ctx *ctx, fw_id id, const char *json, size_t len, fw_error **err)
{
    return fw__service_step_case(ctx, id, "reopen", json, len, err);
}

/* The steps of an open case that are past their limit at now, into arr (strings). */
static void overdue_steps(const struct kase *k, int64_t now, cJSON *arr)
{
    if (k->state == FW_SERVICE_CLOSED)
        return;
    if (!k->ack_ms && now > k->ack_due_ms)
        cJSON_AddItemToArray(arr, cJSON_CreateString("acknowledge"));
    if (!k->responded_ms && now > k->respond_due_ms)
        cJSON_AddItemToArray(arr, cJSON_CreateString("respond"));
    if (now > k->close_due_ms)
        cJSON_AddItemToArray(arr, cJSON_CreateString("close"));
}

static void add_text(cJSON *o, const char *name, fw__stmt *s, int col)
{
    if (fw__db_col_is_null(s, col))
        cJSON_AddNullToObject(o, name);
    else
        cJSON_AddStringToObject(o, name, fw__db_col_text(s, col));
}

int fw_service_case_get(fw_ctx *ctx, fw_id case_id, char **out_json, size_t *out_len, fw_error **err)
{
    static const char *const cols[] = { "channel", "category", "title", "description", "requested_remedy",
                                        "order_ref", "severity", NULL };
    cJSON *o = NULL, *arr;
    fw__stmt *s;
    struct kase k;
    char subject[48], masked[64], *plain = NULL;
    int rc, i;

    if (!ctx || !out_json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and out_json are required");
    if ((rc = fw__authz_require(ctx, "service.case_get", err)) != FW_OK)
        return rc;
    if ((rc = case_load(ctx, case_id, &k, err)) != FW_OK)
        return rc;
    if ((rc = require_party(ctx, "service.case_get", k.party_kind, k.party_id, err)) != FW_OK)
        return rc;
    rc = fw__db_query(ctx, &s, err, "SELECT channel, category, title, description, requested_remedy, order_ref, "
                      "severity, priority, cause, remedy, reopen_count, coalesce(satisfaction, 0), contact "
                      "FROM fw_service_case WHERE id=?", "i", case_id);
    if (rc != FW_OK)
        return rc;
    if ((rc = fw__db_step(s, err)) != FW__ROW) {
        fw__db_done(s);
        return rc < 0 ? rc : fw__error_set(err, FW_ENOTFOUND, "case_id", "no service case %lld", (long long)case_id);
    }
    o = cJSON_CreateObject();
    fw__json_add_i64(o, "id", k.id);
    cJSON_AddStringToObject(o, "number", k.number);
    cJSON_AddStringToObject(o, "kind", kinds[k.kind - 1]);
    cJSON_AddStringToObject(o, "party_kind", k.party_kind);
    fw__json_add_i64(o, "party_id", k.party_id);
    for (i = 0; cols[i]; i++)
        add_text(o, cols[i], s, i);
    fw__json_add_i64(o, "priority", fw__db_col_i64(s, 7));
    cJSON_AddStringToObject(o, "state", fw__service_states[k.state]);
    fw__json_add_i64(o, "received_ms", k.received_ms);
    fw__json_add_i64(o, "ack_due_ms", k.ack_due_ms);
    fw__json_add_i64(o, "respond_due_ms", k.respond_due_ms);
    fw__json_add_i64(o, "close_due_ms", k.close_due_ms);
    fw__json_add_i64(o, "ack_ms", k.ack_ms);
    fw__json_add_i64(o, "responded_ms", k.responded_ms);
    fw__json_add_i64(o, "closed_ms", k.closed_ms);
    add_text(o, "cause", s, 8);
    add_text(o, "remedy", s, 9);
    fw__json_add_i64(o, "escalation_level", k.escalation_level);
    fw__json_add_i64(o, "reopen_count", fw__db_col_i64(s, 10));
    fw__json_add_i64(o, "satisfaction", fw__db_col_i64(s, 11));
    if (!fw__db_col_is_null(s, 12)) {
        snprintf(subject, sizeof(subject), "%s:%lld", k.party_kind, (long long)k.party_id);
        rc = fw__vault_open(ctx, subject, "fw_service_case", "contact", k.id, fw__db_col_blob(s, 12),
                            fw__db_col_bytes(s, 12), &plain, NULL);
        if (rc == FW_OK) {
            int see = fw__authz_may_see_pii(ctx, strcmp(k.party_kind, "worker") == 0 ? k.party_id : 0) ||
                      (ctx->role == FW_ROLE_ENTERPRISE_USER && ctx->party_id == k.party_id);
            cJSON_AddStringToObject(o, "contact", see ? plain : fw__mask_phone(plain, masked, sizeof(masked)));
            free(plain);
        } else {
            cJSON_AddStringToObject(o, "contact", rc == FW_ESHREDDED ? "(erased)" : "(unavailable)");
        }
        rc = FW_OK;
    } else {
        cJSON_AddNullToObject(o, "contact");
    }
    fw__db_done(s);
    arr = cJSON_AddArrayToObject(o, "overdue");
    overdue_steps(&k, fw_ctx_now(ctx), arr);
    arr = cJSON_AddArrayToObject(o, "timeline");
    rc = fw__db_query(ctx, &s, err, "SELECT at_ms, step, note FROM fw_service_case_event WHERE case_id=? "
                      "ORDER BY id", "i", case_id);
    if (rc == FW_OK) {
        while ((rc = fw__db_step(s, err)) == FW__ROW) {
            cJSON *e = cJSON_CreateObject();
            fw__json_add_i64(e, "at_ms", fw__db_col_i64(s, 0));
            cJSON_AddStringToObject(e, "step", fw__db_col_text(s, 1));
            add_text(e, "note", s, 2);
            cJSON_AddItemToArray(arr, e);
        }
        fw__db_done(s);
    }
    if (rc != FW_OK) {
        cJSON_Delete(o);
        return rc;
    }
    return fw__json_out(o, out_json, out_len, err);
}

int fw_service_overdue(fw_ctx *ctx, char **out_json, size_t *out_len, fw_error **err)
{
    static const char *const step_names[] = { "acknowledge", "respond", "close" };
    cJSON *arr;
    fw__stmt *s;
    int64_t now;
    int rc;

    if (!ctx || !out_json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and out_json are required");
    if ((rc = fw__authz_require(ctx, "service.overdue", err)) != FW_OK)
        return rc;
    now = fw_ctx_now(ctx);
    /* One row per late step: acknowledge (1), respond (2), close (3). */
    rc = fw__db_query(ctx, &s, err,
                      "SELECT id, number, kind, step, due, escalation_level FROM ("
                      " SELECT id, number, kind, 1 AS step, ack_due_ms AS due, escalation_level FROM fw_service_case"
                      "  WHERE state<>? AND ack_ms IS NULL AND ack_due_ms < ?"
                      " UNION ALL SELECT id, number, kind, 2, respond_due_ms, escalation_level FROM fw_service_case"
                      "  WHERE state<>? AND responded_ms IS NULL AND respond_due_ms < ?"
                      " UNION ALL SELECT id, number, kind, 3, close_due_ms, escalation_level FROM fw_service_case"
                      "  WHERE state<>? AND close_due_ms < ?) ORDER BY due, id, step",
                      "iiiiii", (int64_t)FW_SERVICE_CLOSED, now, (int64_t)FW_SERVICE_CLOSED, now,
                      (int64_t)FW_SERVICE_CLOSED, now);
    if (rc != FW_OK)
        return rc;
    arr = cJSON_CreateArray();
    while ((rc = fw__db_step(s, err)) == FW__ROW) {
        cJSON *o = cJSON_CreateObject();
        fw__json_add_i64(o, "case_id", fw__db_col_i64(s, 0));
        cJSON_AddStringToObject(o, "number", fw__db_col_text(s, 1));
        cJSON_AddStringToObject(o, "kind", kinds[fw__db_col_i64(s, 2) - 1]);
        cJSON_AddStringToObject(o, "step", step_names[fw__db_col_i64(s, 3) - 1]);
        fw__json_add_i64(o, "due_ms", fw__db_col_i64(s, 4));
        fw__json_add_i64(o, "late_ms", now - fw__db_col_i64(s, 4));
        fw__json_add_i64(o, "escalation_level", fw__db_col_i64(s, 5));
        cJSON_AddItemToArray(arr, o);
    }
    fw__db_done(s);
    if (rc != FW_OK) {
        cJSON_Delete(arr);
        return rc;
    }
    return fw__json_out(arr, out_json, out_len, err);
}

int fw_service_sla_set(fw_ctx *ctx, const char *json, size_t json_len, fw_error **err)
{
    static const char *const fields[] = { "severity", "ack_ms", "respond_ms", "close_ms", NULL };
    int64_t ack = 0, respond = 0, close = 0;
    char detail[160];
    cJSON *root;
    int sev = 0, rc;

    if (!ctx || !json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and json are required");
    if ((rc = fw__authz_require(ctx, "service.sla_set", err)) != FW_OK)
        return rc;
    if ((rc = fw__service_parse(&root, json, json_len, fields, err)) != FW_OK)
        return rc;
    rc = fw__json_enum(root, "$", "severity", FW__REQUIRED, fw__service_severities, &sev, err);
    if (rc == FW_OK)
        rc = fw__json_i64(root, "$", "ack_ms", FW__REQUIRED, 60000, 31536000000LL, &ack, err);
    if (rc == FW_OK)
        rc = fw__json_i64(root, "$", "respond_ms", FW__REQUIRED, ack, 31536000000LL, &respond, err);
    if (rc == FW_OK)
        rc = fw__json_i64(root, "$", "close_ms", FW__REQUIRED, respond, 31536000000LL, &close, err);
    cJSON_Delete(root);
    if (rc != FW_OK || (rc = fw__tx_begin(ctx, err)) != FW_OK)
        return rc;
    rc = fw__db_exec(ctx, err, "UPDATE fw_service_sla SET ack_ms=?, respond_ms=?, close_ms=? WHERE severity=?",
                     "iiit", ack, respond, close, fw__service_severities[sev]);
    if (rc == FW_OK) {
        snprintf(detail, sizeof(detail), "{\"severity\":\"%s\",\"ack_ms\":%lld,\"respond_ms\":%lld,\"close_ms\":%lld}",
                 fw__service_severities[sev], (long long)ack, (long long)respond, (long long)close);
        rc = fw__audit_append(ctx, "service.sla_set", "service_sla", 0, detail, strlen(detail), err);
    }
    return fw__tx_end(ctx, rc, err);
}

/* ---- evaluations ---------------------------------------------------------------------- */

int fw_service_evaluate(fw_ctx *ctx, const char *json, size_t json_len, fw_id *out_id, fw_error **err)
{
    static const char *const fields[] = { "party_kind", "party_id", "process", "score", "comment", "case_id",
                                          NULL };
    const char *comment = NULL;
    int pk = 0, process = 0, rc;
    int64_t party = 0, score = 0, case_id = 0;
    fw_id id = 0;
    struct kase k;
    char detail[128];
    cJSON *root;

    if (!ctx || !json || !out_id)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx, json and out_id are required");
    if ((rc = fw__service_parse(&root, json, json_len, fields, err)) != FW_OK)
        return rc;
    rc = fw__json_enum(root, "$", "party_kind", FW__REQUIRED, party_kinds, &pk, err);
    if (rc == FW_OK)
        rc = fw__json_i64(root, "$", "party_id", FW__REQUIRED, 1, FW__JSON_MAX_INT, &party, err);
    if (rc == FW_OK)
        rc = fw__json_enum(root, "$", "process", FW__REQUIRED, processes, &process, err);
    if (rc == FW_OK)
        rc = fw__json_i64(root, "$", "score", FW__REQUIRED, 1, 5, &score, err);
    if (rc == FW_OK)
        rc = fw__json_str(root, "$", "comment", FW__OPTIONAL, 1, 1000, &comment, err);
    if (rc == FW_OK)
        rc = fw__json_i64(root, "$", "case_id", strcmp(processes[process], "complaint_handling") == 0
                          ? FW__REQUIRED : FW__OPTIONAL, 1, FW__JSON_MAX_INT, &case_id, err);
    if (rc == FW_OK)
        rc = require_party(ctx, "service.evaluate", party_kinds[pk], party, err);
    if (rc != FW_OK || (rc = fw__tx_begin(ctx, err)) != FW_OK) {
        cJSON_Delete(root);
        return rc;
    }
    if (case_id) {
        rc = case_load(ctx, case_id, &k, err);
        if (rc == FW_ENOTFOUND || (rc == FW_OK && (strcmp(k.party_kind, party_kinds[pk]) != 0 || k.party_id != party)))
            rc = fw__error_set(err, FW_ENOTFOUND, "$.case_id", "no service case %lld of %s %lld",
                               (long long)case_id, party_kinds[pk], (long long)party);
        if (rc == FW_OK && k.state != FW_SERVICE_CLOSED)
            rc = fw__error_set(err, FW_ESTATE, "$.case_id", "case %s is %s: its handling is evaluated once closed",
                               k.number, fw__service_states[k.state]);
    }
    if (rc == FW_OK)
        rc = fw__db_exec(ctx, err, "INSERT INTO fw_service_evaluation(party_kind, party_id, process, case_id, score, "
                         "comment, at_ms) VALUES (?,?,?,nullif(?, 0),?,?,?)", "titiiti", party_kinds[pk], party,
                         processes[process], case_id, score, comment, fw_ctx_now(ctx));
    if (rc == FW_OK) {
        id = fw__db_last_id(ctx);
        snprintf(detail, sizeof(detail), "{\"process\":\"%s\",\"score\":%lld,\"case_id\":%lld}",
                 processes[process], (long long)score, (long long)case_id);
        rc = fw__audit_append(ctx, "service.evaluate", "service_evaluation", id, detail, strlen(detail), err);
    }
    cJSON_Delete(root);
    rc = fw__tx_end(ctx, rc, err);
    if (rc == FW_OK)
        *out_id = id;
    return rc;
}
