/*
 * After the flow (事后, R-7.10.f-g): inspection rules over a period, reproducible random
 * samples stratified by enterprise, and the risk cases both open, with statistics.
 *
 * Rules read what the risk module holds itself: the payout log (fw_risk_payout, written with
 * the counters) and the signals other modules and the host record. Each built-in rule type
 * takes its parameters from fw_risk_rule, so a platform tunes a rule or adds another instance
 * of a type as data; a host adds rules of its own as callbacks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/authz.h"
#include "core/clock.h"
#include "core/ctx.h"
#include "core/db.h"
#include "core/error.h"
#include "party/party.h"
#include "risk/risk_int.h"

struct finding {
    char rule[48];
    fw_id enterprise_id, worker_id, subject_id;
    int64_t amount;
    char *detail;
};

struct fw_risk_findings {
    const char *rule;
    struct finding *v;
    size_t n, cap;
};

static int add_finding(struct fw_risk_findings *f, fw_id ent, fw_id worker, fw_id subject, int64_t amount,
                       const char *detail)
{
    struct finding *x;
    if (f->n == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 16;
        struct finding *v = realloc(f->v, cap * sizeof(*v));
        if (!v)
            return FW_ENOMEM;
        f->v = v;
        f->cap = cap;
    }
    x = &f->v[f->n];
    snprintf(x->rule, sizeof(x->rule), "%s", f->rule);
    x->enterprise_id = ent;
    x->worker_id = worker;
    x->subject_id = subject;
    x->amount = amount;
    if (!(x->detail = strdup(detail ? detail : "{}")))
        return FW_ENOMEM;
    f->n++;
    return FW_OK;
}

static void findings_clear(struct fw_risk_findings *f)
{
    size_t i;
    for (i = 0; i < f->n; i++)
        free(f->v[i].detail);
    free(f->v);
    f->v = NULL;
    f->n = f->cap = 0;
}

int fw_risk_finding_add(fw_risk_findings *f, fw_id enterprise_id, fw_id worker_id, int64_t amount_fen,
                        const char *detail_json)
{
    cJSON *o;
    if (!f)
        return FW_EINVAL;
    if (detail_json) {
        o = cJSON_Parse(detail_json);
        if (!cJSON_IsObject(o)) {
            cJSON_Delete(o);
            return FW_EINVAL;
        }
        cJSON_Delete(o);
    }
    return add_finding(f, enterprise_id, worker_id, 0, amount_fen, detail_json);
}

/* ---- the built-in rule types ------------------------------------------------------------- */

struct period {
    int64_t from, to;
};

typedef int (*rule_fn)(fw_ctx *ctx, const struct period *p, const cJSON *params, struct fw_risk_findings *f,
                       fw_error **err);

static int64_t param(const cJSON *params, const char *name, int64_t dflt)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(params, name);
    return cJSON_IsNumber(v) && v->valuedouble >= 0 ? (int64_t)v->valuedouble : dflt;
}

#define STEP_ROWS(s, rc, err) ((rc) == FW_OK && ((rc) = fw__db_step((s), (err))) == FW__ROW)
#define END_ROWS(s, rc) do { fw__db_done(s); if ((rc) == FW__DONE || (rc) == FW__ROW) (rc) = FW_OK; } while (0)

/* A worker paid by many enterprises in the period: a sign of invoices for hire or split pay. */
static int rule_many_enterprises(fw_ctx *ctx, const struct period *p, const cJSON *params,
                                 struct fw_risk_findings *f, fw_error **err)
{
    int64_t min = param(params, "min_enterprises", 3);
    char d[160];
    fw__stmt *s;
    int rc = fw__db_query(ctx, &s, err, "SELECT worker_id, count(DISTINCT enterprise_id), sum(amount_fen) "
                          "FROM fw_risk_payout WHERE at_ms >= ? AND at_ms < ? AND amount_fen > 0 "
                          "GROUP BY worker_id HAVING count(DISTINCT enterprise_id) >= ? ORDER BY worker_id",
                          "iii", p->from, p->to, min);
    while (STEP_ROWS(s, rc, err)) {
        snprintf(d, sizeof(d), "{\"enterprises\":%lld,\"min_enterprises\":%lld}",
                 (long long)fw__db_col_i64(s, 1), (long long)min);
        rc = add_finding(f, 0, fw__db_col_i64(s, 0), 0, fw__db_col_i64(s, 2), d);
    }
    END_ROWS(s, rc);
    return rc;
}

/* The distinct enterprises with payouts in the period (malloc'd array). */
static int period_enterprises(fw_ctx *ctx, const struct period *p, fw_id **out, size_t *n, fw_error **err)
{
    fw_id *v = NULL;
    size_t cap = 0;
    fw__stmt *s;
    int rc = fw__db_query(ctx, &s, err, "SELECT DISTINCT enterprise_id FROM fw_risk_payout WHERE at_ms >= ? "
                          "AND at_ms < ? AND enterprise_id > 0 ORDER BY enterprise_id", "ii", p->from, p->to);
    *n = 0;
    while (STEP_ROWS(s, rc, err)) {
        if (*n == cap) {
            fw_id *nv = realloc(v, (cap = cap ? cap * 2 : 64) * sizeof(*v));
            if (!nv) {
                rc = fw__error_nomem(err);
                break;
            }
            v = nv;
        }
        v[(*n)++] = fw__db_col_i64(s, 0);
        rc = FW_OK;
    }
    END_ROWS(s, rc);
    if (rc != FW_OK) {
        free(v);
        return rc;
    }
    *out = v;
    return FW_OK;
}

/* Payments just under the per-payment limit, repeatedly to one worker: structuring. */
static int rule_structuring(fw_ctx *ctx, const struct period *p, const cJSON *params,
                            struct fw_risk_findings *f, fw_error **err)
{
    int64_t ratio = param(params, "ratio_ppm", 900000), min = param(params, "min_count", 3), limit, lo;
    fw_id *ents = NULL;
    size_t n = 0, i;
    char d[200];
    fw__stmt *s;
    int rc = period_enterprises(ctx, p, &ents, &n, err);

    for (i = 0; rc == FW_OK && i < n; i++) {
        if ((rc = fw__risk_limit(ctx, ents[i], 0, &limit, err)) != FW_OK || limit <= 0)
            continue;
        lo = (int64_t)(((__int128)limit * ratio + 999999) / 1000000);
        rc = fw__db_query(ctx, &s, err, "SELECT worker_id, count(*), sum(amount_fen) FROM fw_risk_payout "
                          "WHERE enterprise_id = ? AND at_ms >= ? AND at_ms < ? AND amount_fen >= ? AND "
                          "amount_fen <= ? GROUP BY worker_id HAVING count(*) >= ? ORDER BY worker_id",
                          "iiiiii", ents[i], p->from, p->to, lo, limit, min);
        while (STEP_ROWS(s, rc, err)) {
            snprintf(d, sizeof(d), "{\"near_limit_payments\":%lld,\"per_payment_limit\":%lld,\"from_fen\":%lld}",
                     (long long)fw__db_col_i64(s, 1), (long long)limit, (long long)lo);
            rc = add_finding(f, ents[i], fw__db_col_i64(s, 0), 0, fw__db_col_i64(s, 2), d);
        }
        END_ROWS(s, rc);
    }
    free(ents);
    return rc;
}

/* A series of equal or all-round amounts from one enterprise to one worker: disguised payroll. */
static int rule_same_amount(fw_ctx *ctx, const struct period *p, const cJSON *params,
                            struct fw_risk_findings *f, fw_error **err)
{
    int64_t min = param(params, "min_count", 3), unit = param(params, "round_unit_fen", 100000);
    char d[200];
    fw__stmt *s;
    int rc;

    if (unit <= 0)
        unit = 100000;
    rc = fw__db_query(ctx, &s, err, "SELECT enterprise_id, worker_id, count(*), count(DISTINCT amount_fen), "
                      "sum(CASE WHEN amount_fen % ? = 0 THEN 1 ELSE 0 END), sum(amount_fen), min(amount_fen) "
                      "FROM fw_risk_payout WHERE at_ms >= ? AND at_ms < ? AND amount_fen > 0 "
                      "GROUP BY enterprise_id, worker_id HAVING count(*) >= ? ORDER BY enterprise_id, worker_id",
                      "iiii", unit, p->from, p->to, min);
    while (STEP_ROWS(s, rc, err)) {
        int64_t cnt = fw__db_col_i64(s, 2), distinct = fw__db_col_i64(s, 3), round = fw__db_col_i64(s, 4);
        rc = FW_OK;
        if (distinct != 1 && round != cnt)
            continue;
        snprintf(d, sizeof(d), "{\"payments\":%lld,\"same_amount\":%s,\"all_round\":%s,\"amount_fen\":%lld,"
                 "\"round_unit_fen\":%lld}", (long long)cnt, distinct == 1 ? "true" : "false",
                 round == cnt ? "true" : "false", (long long)fw__db_col_i64(s, 6), (long long)unit);
        rc = add_finding(f, fw__db_col_i64(s, 0), fw__db_col_i64(s, 1), 0, fw__db_col_i64(s, 5), d);
    }
    END_ROWS(s, rc);
    return rc;
}

/* Money coming back from workers to the enterprise's people (recorded as fund_return signals). */
static int rule_funds_back(fw_ctx *ctx, const struct period *p, const cJSON *params,
                           struct fw_risk_findings *f, fw_error **err)
{
    int64_t ratio = param(params, "ratio_ppm", 300000);
    char d[200];
    fw__stmt *s;
    int rc = fw__db_query(ctx, &s, err,
                          "SELECT g.enterprise_id, g.worker_id, g.back, coalesce((SELECT sum(amount_fen) FROM "
                          "fw_risk_payout p WHERE p.enterprise_id = g.enterprise_id AND p.worker_id = g.worker_id "
                          "AND p.at_ms >= ? AND p.at_ms < ?), 0) FROM (SELECT enterprise_id, worker_id, "
                          "sum(amount_fen) AS back FROM fw_risk_signal WHERE kind = 'fund_return' AND at_ms >= ? "
                          "AND at_ms < ? GROUP BY enterprise_id, worker_id) g ORDER BY 1, 2",
                          "iiii", p->from, p->to, p->from, p->to);
    while (STEP_ROWS(s, rc, err)) {
        int64_t back = fw__db_col_i64(s, 2), paid = fw__db_col_i64(s, 3);
        rc = FW_OK;
        if (back <= 0 || (paid > 0 && (__int128)back * 1000000 < (__int128)paid * ratio))
            continue;
        snprintf(d, sizeof(d), "{\"returned_fen\":%lld,\"paid_fen\":%lld,\"ratio_ppm\":%lld}", (long long)back,
                 (long long)paid, (long long)ratio);
        rc = add_finding(f, fw__db_col_i64(s, 0), fw__db_col_i64(s, 1), 0, back, d);
    }
    END_ROWS(s, rc);
    return rc;
}

/* Tasks completed faster than the work could be done (task_completed signals, value = ms). */
static int rule_fast_completion(fw_ctx *ctx, const struct period *p, const cJSON *params,
                                struct fw_risk_findings *f, fw_error **err)
{
    int64_t min_ms = param(params, "min_ms", 60000), min = param(params, "min_count", 1);
    char d[200];
    fw__stmt *s;
    int rc = fw__db_query(ctx, &s, err, "SELECT enterprise_id, worker_id, count(*), min(value) FROM fw_risk_signal "
                          "WHERE kind = 'task_completed' AND at_ms >= ? AND at_ms < ? AND value < ? "
                          "GROUP BY enterprise_id, worker_id HAVING count(*) >= ? ORDER BY 1, 2",
                          "iiii", p->from, p->to, min_ms, min);
    while (STEP_ROWS(s, rc, err)) {
        snprintf(d, sizeof(d), "{\"fast_tasks\":%lld,\"fastest_ms\":%lld,\"min_ms\":%lld}",
                 (long long)fw__db_col_i64(s, 2), (long long)fw__db_col_i64(s, 3), (long long)min_ms);
        rc = add_finding(f, fw__db_col_i64(s, 0), fw__db_col_i64(s, 1), 0, 0, d);
    }
    END_ROWS(s, rc);
    return rc;
}

/* A worker silent for a long time who is suddenly paid a lot. */
static int rule_dormant(fw_ctx *ctx, const struct period *p, const cJSON *params, struct fw_risk_findings *f,
                        fw_error **err)
{
    int64_t days = param(params, "dormant_days", 180), min = param(params, "min_amount_fen", 1000000);
    char d[200];
    fw__stmt *s;
    int rc = fw__db_query(ctx, &s, err,
                          "SELECT p.worker_id, sum(p.amount_fen), (SELECT max(q.at_ms) FROM fw_risk_payout q "
                          "WHERE q.worker_id = p.worker_id AND q.at_ms < ? AND q.amount_fen > 0), "
                          "(SELECT w.created_ms FROM fw_party_worker w WHERE w.id = p.worker_id), "
                          "min(p.enterprise_id) FROM fw_risk_payout p WHERE p.at_ms >= ? AND p.at_ms < ? "
                          "AND p.amount_fen > 0 GROUP BY p.worker_id HAVING sum(p.amount_fen) >= ? ORDER BY 1",
                          "iiii", p->from, p->from, p->to, min);
    while (STEP_ROWS(s, rc, err)) {
        int64_t last = !fw__db_col_is_null(s, 2) ? fw__db_col_i64(s, 2)
                       : !fw__db_col_is_null(s, 3) ? fw__db_col_i64(s, 3) : p->from;
        int64_t idle = (p->from - last) / FW__MS_PER_DAY;
        rc = FW_OK;
        if (idle < days)
            continue;
        snprintf(d, sizeof(d), "{\"idle_days\":%lld,\"dormant_days\":%lld,\"paid_fen\":%lld,\"first_payout\":%s}",
                 (long long)idle, (long long)days, (long long)fw__db_col_i64(s, 1),
                 fw__db_col_is_null(s, 2) ? "true" : "false");
        rc = add_finding(f, fw__db_col_i64(s, 4), fw__db_col_i64(s, 0), 0, fw__db_col_i64(s, 1), d);
    }
    END_ROWS(s, rc);
    return rc;
}

/* A minor taking or completing work in a restricted category. */
static int rule_minor(fw_ctx *ctx, const struct period *p, const cJSON *params, struct fw_risk_findings *f,
                      fw_error **err)
{
    const cJSON *cats = cJSON_GetObjectItemCaseSensitive(params, "categories"), *c;
    int64_t min_age = param(params, "min_age", 18);
    struct hit { fw_id e, w, sig; int64_t at; char cat[65]; } *v = NULL;
    size_t n = 0, cap = 0, i;
    char d[200];
    fw__stmt *s;
    int rc = fw__db_query(ctx, &s, err, "SELECT enterprise_id, worker_id, min(id), min(at_ms), category "
                          "FROM fw_risk_signal WHERE kind IN ('task_taken', 'task_completed') AND at_ms >= ? "
                          "AND at_ms < ? AND worker_id > 0 GROUP BY enterprise_id, worker_id, category ORDER BY 3",
                          "ii", p->from, p->to);
    while (STEP_ROWS(s, rc, err)) {
        const char *cat = fw__db_col_text(s, 4);
        int restricted = 0;
        rc = FW_OK;
        cJSON_ArrayForEach(c, cats)
            if (cJSON_IsString(c) && strcmp(c->valuestring, cat) == 0)
                restricted = 1;
        if (!restricted)
            continue;
        if (n == cap) {
            struct hit *nv = realloc(v, (cap = cap ? cap * 2 : 16) * sizeof(*v));
            if (!nv) {
                rc = fw__error_nomem(err);
                break;
            }
            v = nv;
        }
        v[n].e = fw__db_col_i64(s, 0);
        v[n].w = fw__db_col_i64(s, 1);
        v[n].sig = fw__db_col_i64(s, 2);
        v[n].at = fw__db_col_i64(s, 3);
        snprintf(v[n].cat, sizeof(v[n].cat), "%s", cat);
        n++;
    }
    END_ROWS(s, rc);
    for (i = 0; rc == FW_OK && i < n; i++) {
        int by, bm, bd, y, m, dd, age;
        int r = fw__party_worker_birth_date(ctx, v[i].w, &by, &bm, &bd, NULL);
        if (r != FW_OK)
            continue;               /* erased or unknown: nothing to judge */
        fw__cst_date(v[i].at, &y, &m, &dd);
        age = fw__age_years(by, bm, bd, y, m, dd);
        if (age >= min_age)
            continue;
        snprintf(d, sizeof(d), "{\"age\":%d,\"min_age\":%lld,\"category\":\"%s\",\"signal_id\":%lld}", age,
                 (long long)min_age, v[i].cat, (long long)v[i].sig);
        if (add_finding(f, v[i].e, v[i].w, v[i].sig, 0, d) != FW_OK)
            rc = fw__error_nomem(err);
    }
    free(v);
    return rc;
}

static const struct {
    const char *type;
    rule_fn fn;
} types[] = {
    { "many_enterprises", rule_many_enterprises },
    { "structuring", rule_structuring },
    { "same_amount_series", rule_same_amount },
    { "funds_back", rule_funds_back },
    { "fast_completion", rule_fast_completion },
    { "dormant_active", rule_dormant },
    { "minor_restricted", rule_minor },
};
#define NTYPES (sizeof(types) / sizeof(types[0]))

static rule_fn type_fn(const char *type)
{
    size_t i;
    for (i = 0; i < NTYPES; i++)
        if (strcmp(types[i].type, type) == 0)
            return types[i].fn;
    return NULL;
}

static int valid_code(const char *code)
{
    size_t i, n = strlen(code);
    if (n < 1 || n > 40)
        return 0;
    for (i = 0; i < n; i++)
        if (!((code[i] >= 'A' && code[i] <= 'Z') || (code[i] >= '0' && code[i] <= '9') || code[i] == '_'))
            return 0;
    return 1;
}

int fw_risk_rule_set(fw_ctx *ctx, const char *json, size_t json_len, fw_error **err)
{
    static const char *const fields[] = { "code", "type", "params", "enabled", NULL };
    cJSON *root = NULL;
    const cJSON *params = NULL, *v;
    const char *code = NULL, *type = NULL;
    char *ptext = NULL;
    int enabled = 1, rc;

    if (!ctx || !json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and json are required");
    if ((rc = fw__authz_require(ctx, "risk.configure", err)) != FW_OK)
        return rc;
    if ((rc = fw__json_parse(&root, json, json_len, err)) != FW_OK)
        return rc;
    if ((rc = fw__json_only(root, "$", fields, err)) == FW_OK &&
        (rc = fw__json_str(root, "$", "code", FW__REQUIRED, 1, 40, &code, err)) == FW_OK &&
        (rc = fw__json_str(root, "$", "type", FW__REQUIRED, 1, 40, &type, err)) == FW_OK &&
        (rc = fw__json_obj(root, "$", "params", FW__REQUIRED, &params, err)) == FW_OK &&
        (rc = fw__json_bool(root, "$", "enabled", FW__OPTIONAL, &enabled, err)) == FW_OK) {
        if (!valid_code(code))
            rc = fw__error_set(err, FW_EINVAL, "$.code", "must be 1 to 40 of A-Z, 0-9 and _, got \"%s\"", code);
        else if (!type_fn(type))
            rc = fw__error_set(err, FW_EINVAL, "$.type", "must be a built-in rule type (docs/api/risk.md), got \"%s\"", type);
        cJSON_ArrayForEach(v, params)
            if (rc == FW_OK && !cJSON_IsNumber(v) && !cJSON_IsArray(v))
                rc = fw__error_set(err, FW_EINVAL, "$.params", "parameters are numbers or arrays of strings");
    }
    if (rc == FW_OK && !(ptext = fw__json_print(params)))
        rc = fw__error_nomem(err);
    if (rc == FW_OK && (rc = fw__tx_begin(ctx, err)) == FW_OK) {
        rc = fw__db_exec(ctx, err, "INSERT INTO fw_risk_rule(code, type, params, enabled, updated_ms) VALUES "
                         "(?, ?, ?, ?, ?) ON CONFLICT(code) DO UPDATE SET type = excluded.type, params = "
                         "excluded.params, enabled = excluded.enabled, updated_ms = excluded.updated_ms",
                         "tttii", code, type, ptext, (int64_t)enabled, fw_ctx_now(ctx));
        if (rc == FW_OK)
            rc = fw__risk_audit(ctx, err, "risk.rule.set", "risk_rule", 0, "{\"code\":\"%s\",\"type\":\"%s\","
                                "\"params\":%s,\"enabled\":%s}", code, type, ptext, enabled ? "true" : "false");
        rc = fw__tx_end(ctx, rc, err);
    }
    free(ptext);
    cJSON_Delete(root);
    return rc;
}

int fw__risk_period(const cJSON *root, int64_t *from_ms, int64_t *to_ms, fw_error **err)
{
    int rc = fw__json_date(root, "$", "from", FW__REQUIRED, from_ms, err);
    if (rc == FW_OK)
        rc = fw__json_date(root, "$", "to", FW__REQUIRED, to_ms, err);
    if (rc == FW_OK && *to_ms <= *from_ms)
        rc = fw__error_set(err, FW_EINVAL, "$.to", "must be after $.from");
    return rc;
}

/* Opens a case for a finding and adds it to the answer array. */
static int open_case(fw_ctx *ctx, int64_t source, fw_id source_id, const struct finding *x, cJSON *arr,
                     fw_error **err)
{
    int64_t now = fw_ctx_now(ctx);
    fw_id id;
    cJSON *o;
    int rc = fw__db_exec(ctx, err, "INSERT INTO fw_risk_case(source, source_id, rule, enterprise_id, worker_id, "
                         "subject_id, amount_fen, detail, state, notes, opened_ms, updated_ms) VALUES "
                         "(?, ?, ?, ?, ?, ?, ?, ?, 1, '[]', ?, ?)", "iitiiiitii", source, source_id, x->rule,
                         x->enterprise_id, x->worker_id, x->subject_id, x->amount, x->detail, now, now);
    if (rc != FW_OK)
        return rc;
    id = fw__db_last_id(ctx);
    rc = fw__risk_audit(ctx, err, "risk.case.open", "risk_case", id, "{\"rule\":\"%s\",\"enterprise_id\":%lld,"
                        "\"worker_id\":%lld,\"amount_fen\":%lld,\"detail\":%s}", x->rule,
                        (long long)x->enterprise_id, (long long)x->worker_id, (long long)x->amount, x->detail);
    if (rc != FW_OK || !arr)
        return rc;
    if (!(o = cJSON_CreateObject()))
        return fw__error_nomem(err);
    fw__json_add_i64(o, "case_id", id);
    cJSON_AddStringToObject(o, "rule", x->rule);
    fw__json_add_i64(o, "enterprise_id", x->enterprise_id);
    fw__json_add_i64(o, "worker_id", x->worker_id);
    fw__json_add_i64(o, "amount_fen", x->amount);
    cJSON_AddItemToObject(o, "detail", cJSON_Parse(x->detail));
    cJSON_AddItemToArray(arr, o);
    return FW_OK;
}

struct rule_row {
    char code[48];
    char type[48];
    char *params;
};

int fw_risk_inspect(fw_ctx *ctx, const char *json, size_t json_len, const fw_risk_host_rule *rules,
                    size_t nrules, char **out_json, size_t *out_len, fw_error **err)
{
    static const char *const fields[] = { "from", "to", NULL };
    struct fw_risk_findings f = { NULL, NULL, 0, 0 };
    struct rule_row rows[64];
    struct period p;
    cJSON *root = NULL, *out = NULL, *arr = NULL;
    size_t nrows = 0, i;
    fw_id run = 0;
    fw__stmt *s;
    int rc;

    if (!ctx || !json || !out_json || (nrules && !rules))
        return fw__error_set(err, FW_EINVAL, NULL, "ctx, json and out_json are required (and rules when nrules > 0)");
    if ((rc = fw__authz_require(ctx, "risk.inspect", err)) != FW_OK)
        return rc;
    for (i = 0; i < nrules; i++)
        if (rules[i].version != FW_RISK_HOST_RULE_VERSION || !rules[i].fn || !rules[i].code ||
            !valid_code(rules[i].code))
            return fw__error_set(err, FW_EINVAL, NULL, "host rule %zu: version %d, a code of A-Z0-9_ and a "
                                 "function are required", i, FW_RISK_HOST_RULE_VERSION);
    if ((rc = fw__json_parse(&root, json, json_len, err)) != FW_OK)
        return rc;
    if ((rc = fw__json_only(root, "$", fields, err)) == FW_OK)
        rc = fw__risk_period(root, &p.from, &p.to, err);
    cJSON_Delete(root);
    if (rc != FW_OK || (rc = fw__tx_begin(ctx, err)) != FW_OK)
        return rc;

    rc = fw__db_query(ctx, &s, err, "SELECT code, type, params FROM fw_risk_rule WHERE enabled = 1 ORDER BY code", "");
    while (STEP_ROWS(s, rc, err) && nrows < 64) {
        snprintf(rows[nrows].code, sizeof(rows[0].code), "%s", fw__db_col_text(s, 0));
        snprintf(rows[nrows].type, sizeof(rows[0].type), "%s", fw__db_col_text(s, 1));
        rows[nrows].params = strdup(fw__db_col_text(s, 2));
        rc = rows[nrows].params ? FW_OK : fw__error_nomem(err);
        nrows++;
    }
    END_ROWS(s, rc);
    for (i = 0; rc == FW_OK && i < nrows; i++) {
        cJSON *params = cJSON_Parse(rows[i].params);
        rule_fn fn = type_fn(rows[i].type);
        f.rule = rows[i].code;
        if (fn)
            rc = fn(ctx, &p, params, &f, err);
        cJSON_Delete(params);
        if (rc == FW_ENOMEM)
            rc = fw__error_nomem(err);
    }
    for (i = 0; rc == FW_OK && i < nrules; i++) {
        f.rule = rules[i].code;
        if ((rc = rules[i].fn(rules[i].payload, ctx, p.from, p.to, &f)) != FW_OK)
            rc = fw__error_set(err, FW_EUSER, NULL, "host rule %s failed with %d", rules[i].code, rc);
    }
    if (rc == FW_OK)
        rc = fw__db_exec(ctx, err, "INSERT INTO fw_risk_run(from_ms, to_ms, findings, run_ms, run_by) VALUES "
                         "(?, ?, ?, ?, ?)", "iiiit", p.from, p.to, (int64_t)f.n, fw_ctx_now(ctx),
                         ctx->actor_name ? ctx->actor_name : "");
    if (rc == FW_OK) {
        run = fw__db_last_id(ctx);
        out = cJSON_CreateObject();
        arr = cJSON_CreateArray();
        if (!out || !arr)
            rc = fw__error_nomem(err);
    }
    for (i = 0; rc == FW_OK && i < f.n; i++)
        rc = open_case(ctx, 1, run, &f.v[i], arr, err);
    if (rc == FW_OK)
        rc = fw__risk_audit(ctx, err, "risk.inspect", "risk_run", run, "{\"from_ms\":%lld,\"to_ms\":%lld,"
                            "\"findings\":%zu}", (long long)p.from, (long long)p.to, f.n);
    rc = fw__tx_end(ctx, rc, err);
    for (i = 0; i < nrows; i++)
        free(rows[i].params);
    findings_clear(&f);
    if (rc != FW_OK) {
        cJSON_Delete(out);
        cJSON_Delete(arr);
        return rc;
    }
    fw__json_add_i64(out, "run_id", run);
    fw__json_add_i64(out, "from_ms", p.from);
    fw__json_add_i64(out, "to_ms", p.to);
    cJSON_AddItemToObject(out, "findings", arr);
    return fw__json_out(out, out_json, out_len, err);
}

/* ---- sampling (R-7.10.g) ----------------------------------------------------------------- */

/* Draws k of the n ids (partial Fisher-Yates) from a stream seeded by (seed, enterprise). */
static void draw(const unsigned char seed[32], fw_id enterprise_id, fw_id *ids, size_t n, size_t k)
{
    unsigned char sseed[randombytes_SEEDBYTES], eb[8];
    uint64_t *r;
    size_t i;
    int b;

    for (b = 0; b < 8; b++)
        eb[b] = (unsigned char)((uint64_t)enterprise_id >> (8 * b));
    crypto_generichash_state st;
    crypto_generichash_init(&st, seed, 32, sizeof(sseed));
    crypto_generichash_update(&st, (const unsigned char *)"fw.risk.sample", 14);
    crypto_generichash_update(&st, eb, 8);
    crypto_generichash_final(&st, sseed, sizeof(sseed));
    if (!(r = malloc(k * sizeof(*r) + 1)))
        return;
    randombytes_buf_deterministic(r, k * sizeof(*r), sseed);
    for (i = 0; i < k; i++) {
        size_t j = i + (size_t)(r[i] % (uint64_t)(n - i));
        fw_id t = ids[i];
        ids[i] = ids[j];
        ids[j] = t;
    }
    free(r);
}

static int hex_seed(const char *hex, unsigned char seed[32])
{
    size_t bin_len = 0;
    return strlen(hex) == 64 && sodium_hex2bin(seed, 32, hex, 64, NULL, &bin_len, NULL) == 0 && bin_len == 32;
}

int fw_risk_sample(fw_ctx *ctx, const char *json, size_t json_len, char **out_json, size_t *out_len,
                   fw_error **err)
{
    static const char *const fields[] = { "population", "from", "to", "per_enterprise", "seed", NULL };
    static const char *const pops[] = { "payouts", "workers", NULL };
    unsigned char seed[32];
    char seed_hex[65];
    const char *seed_text = NULL;
    struct period p;
    int64_t per = 0;
    int pop = 0, rc;
    cJSON *root = NULL, *out = NULL, *drawn = NULL, *cases = NULL;
    fw_id *ids = NULL, *ents = NULL, sample = 0;
    size_t nents = 0, e;
    char *dtext = NULL;

    if (!ctx || !json || !out_json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx, json and out_json are required");
    if ((rc = fw__authz_require(ctx, "risk.inspect", err)) != FW_OK)
        return rc;
    if ((rc = fw__json_parse(&root, json, json_len, err)) != FW_OK)
        return rc;
    if ((rc = fw__json_only(root, "$", fields, err)) == FW_OK &&
        (rc = fw__json_enum(root, "$", "population", FW__REQUIRED, pops, &pop, err)) == FW_OK &&
        (rc = fw__risk_period(root, &p.from, &p.to, err)) == FW_OK &&
        (rc = fw__json_i64(root, "$", "per_enterprise", FW__REQUIRED, 1, 1000, &per, err)) == FW_OK &&
        (rc = fw__json_str(root, "$", "seed", FW__OPTIONAL, 64, 64, &seed_text, err)) == FW_OK) {
        if (seed_text && !hex_seed(seed_text, seed))
            rc = fw__error_set(err, FW_EINVAL, "$.seed", "must be 64 hex characters (32 bytes)");
        else if (!seed_text)
            randombytes_buf(seed, sizeof(seed));
    }
    cJSON_Delete(root);
    if (rc != FW_OK)
        return rc;
    sodium_bin2hex(seed_hex, sizeof(seed_hex), seed, 32);
    if (!(out = cJSON_CreateObject()) || !(drawn = cJSON_CreateArray()) || !(cases = cJSON_CreateArray())) {
        cJSON_Delete(out);
        cJSON_Delete(drawn);
        return fw__error_nomem(err);
    }
    if ((rc = fw__tx_begin(ctx, err)) != FW_OK)
        goto fail;
    rc = period_enterprises(ctx, &p, &ents, &nents, err);
    for (e = 0; rc == FW_OK && e < nents; e++) {
        size_t n = 0, cap = 0, k, i;
        fw__stmt *s;
        cJSON *st, *arr;
        rc = pop == 0
            ? fw__db_query(ctx, &s, err, "SELECT id, worker_id, amount_fen FROM fw_risk_payout WHERE enterprise_id = ? "
                           "AND at_ms >= ? AND at_ms < ? AND amount_fen > 0 ORDER BY id", "iii", ents[e], p.from, p.to)
            : fw__db_query(ctx, &s, err, "SELECT DISTINCT worker_id, worker_id, 0 FROM fw_risk_payout WHERE "
                           "enterprise_id = ? AND at_ms >= ? AND at_ms < ? AND amount_fen > 0 ORDER BY worker_id",
                           "iii", ents[e], p.from, p.to);
        while (STEP_ROWS(s, rc, err)) {
            if (n == cap) {
                fw_id *nv = realloc(ids, (cap = cap ? cap * 2 : 64) * sizeof(*ids));
                if (!nv) {
                    rc = fw__error_nomem(err);
                    break;
                }
                ids = nv;
            }
            ids[n] = fw__db_col_i64(s, 0);
            n++;
            rc = FW_OK;
        }
        END_ROWS(s, rc);
        if (rc != FW_OK || n == 0)
            continue;
        k = (size_t)per < n ? (size_t)per : n;
        draw(seed, ents[e], ids, n, k);
        st = cJSON_CreateObject();
        arr = st ? cJSON_AddArrayToObject(st, "ids") : NULL;
        if (!arr) {
            cJSON_Delete(st);
            rc = fw__error_nomem(err);
            break;
        }
        fw__json_add_i64(st, "enterprise_id", ents[e]);
        cJSON_AddItemToArray(drawn, st);
        for (i = 0; i < k; i++)
            cJSON_AddItemToArray(arr, cJSON_CreateNumber((double)ids[i]));
        for (i = 0; rc == FW_OK && i < k; i++) {
            struct finding x;
            int64_t wid = ids[i], amount = 0;
            if (pop == 0)
                rc = fw__db_i64(ctx, &wid, err, "SELECT worker_id FROM fw_risk_payout WHERE id = ?", "i", ids[i]);
            if (rc == FW_OK && pop == 0)
                rc = fw__db_i64(ctx, &amount, err, "SELECT amount_fen FROM fw_risk_payout WHERE id = ?", "i", ids[i]);
            snprintf(x.rule, sizeof(x.rule), "%s", pop == 0 ? "SAMPLE_PAYOUT" : "SAMPLE_WORKER");
            x.enterprise_id = ents[e];
            x.worker_id = wid;
            x.subject_id = ids[i];
            x.amount = amount;
            x.detail = (char *)"{}";
            if (rc == FW_OK)
                rc = open_case(ctx, 2, 0, &x, cases, err);
        }
    }
    if (rc == FW_OK && !(dtext = fw__json_print(drawn)))
        rc = fw__error_nomem(err);
    if (rc == FW_OK)
        rc = fw__db_exec(ctx, err, "INSERT INTO fw_risk_sample(population, from_ms, to_ms, per_stratum, seed, drawn, "
                         "created_ms, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", "tiiittit", pops[pop], p.from,
                         p.to, per, seed_hex, dtext, fw_ctx_now(ctx), ctx->actor_name ? ctx->actor_name : "");
    if (rc == FW_OK) {
        sample = fw__db_last_id(ctx);
        rc = fw__db_exec(ctx, err, "UPDATE fw_risk_case SET source_id = ? WHERE source = 2 AND source_id = 0", "i", sample);
    }
    if (rc == FW_OK)
        rc = fw__risk_audit(ctx, err, "risk.sample", "risk_sample", sample, "{\"population\":\"%s\",\"seed\":\"%s\","
                            "\"from_ms\":%lld,\"to_ms\":%lld,\"per_enterprise\":%lld,\"cases\":%d}", pops[pop],
                            seed_hex, (long long)p.from, (long long)p.to, (long long)per, cJSON_GetArraySize(cases));
    rc = fw__tx_end(ctx, rc, err);
fail:
    free(ids);
    free(ents);
    free(dtext);
    if (rc != FW_OK) {
        cJSON_Delete(out);
        cJSON_Delete(drawn);
        cJSON_Delete(cases);
        return rc;
    }
    fw__json_add_i64(out, "sample_id", sample);
    cJSON_AddStringToObject(out, "seed", seed_hex);
    cJSON_AddItemToObject(out, "drawn", drawn);
    cJSON_AddItemToObject(out, "cases", cases);
    return fw__json_out(out, out_json, out_len, err);
}
