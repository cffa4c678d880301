/* Risk cases (R-7.10.f-g): open -> reviewing -> resolved, with notes; statistics per period. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/authz.h"
#include "core/ctx.h"
#include "core/db.h"
#include "core/error.h"
#include "risk/risk_int.h"

static const char *const state_names[] = { "", "open", "reviewing", "resolved" };

int fw_risk_case_update(fw_ctx *ctx, fw_id case_id, const char *json, size_t json_len, fw_error **err)
{
    static const char *const fields[] = { "state", "resolution", "note", NULL };
    static const char *const states[] = { "reviewing", "resolved", NULL };
    static const char *const resolutions[] = { "no_issue", "suspend", "limit", "list", NULL };
    cJSON *root = NULL, *notes = NULL, *n;
    const char *note = NULL;
    int state = 0, res = -1, rc;
    int64_t cur = 0, to;
    char *ntext = NULL, *qnote = NULL;
    fw__stmt *s;

    if (!ctx || !json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and json are required");
    if ((rc = fw__authz_require(ctx, "risk.review", err)) != FW_OK)
        return rc;
    if ((rc = fw__json_parse(&root, json, json_len, err)) != FW_OK)
        return rc;
    if ((rc = fw__json_only(root, "$", fields, err)) == FW_OK &&
        (rc = fw__json_enum(root, "$", "state", FW__REQUIRED, states, &state, err)) == FW_OK &&
        (rc = fw__json_enum(root, "$", "resolution", FW__OPTIONAL, resolutions, &res, err)) == FW_OK &&
        (rc = fw__json_str(root, "$", "note", FW__REQUIRED, 1, 2000, &note, err)) == FW_OK) {
        if (state == 1 && res < 0)
            rc = fw__error_set(err, FW_EINVAL, "$.resolution", "is required to resolve: no_issue, suspend, limit or list");
        else if (state == 0 && res >= 0)
            rc = fw__error_set(err, FW_EINVAL, "$.resolution", "only a resolved case has a resolution");
    }
    to = state == 0 ? FW_RISK_CASE_REVIEWING : FW_RISK_CASE_RESOLVED;
    if (rc == FW_OK && (rc = fw__tx_begin(ctx, err)) == FW_OK) {
        rc = fw__db_query(ctx, &s, err, "SELECT state, notes FROM fw_risk_case WHERE id = ?", "i", case_id);
        if (rc == FW_OK && (rc = fw__db_step(s, err)) == FW__ROW) {
            cur = fw__db_col_i64(s, 0);
            notes = cJSON_Parse(fw__db_col_text(s, 1));
            rc = FW_OK;
        } else if (rc == FW__DONE) {
            rc = fw__error_set(err, FW_ENOTFOUND, NULL, "no risk case %lld", (long long)case_id);
        }
        fw__db_done(s);
        if (rc == FW_OK && (cur == FW_RISK_CASE_RESOLVED || cur == to))
            rc = fw__error_set(err, FW_ESTATE, NULL, "risk case %lld is %s; it cannot become %s", (long long)case_id,
                               state_names[cur], state_names[to]);
        if (rc == FW_OK && (!notes || !(n = cJSON_CreateObject())))
            rc = fw__error_nomem(err);
        if (rc == FW_OK) {
            fw__json_add_i64(n, "at", fw_ctx_now(ctx));
            cJSON_AddStringToObject(n, "by", ctx->actor_name ? ctx->actor_name : "");
            cJSON_AddStringToObject(n, "state", state_names[to]);
            if (res >= 0)
                cJSON_AddStringToObject(n, "resolution", resolutions[res]);
            cJSON_AddStringToObject(n, "note", note);
            cJSON_AddItemToArray(notes, n);
            if (!(ntext = fw__json_print(notes)) || !(qnote = fw__json_print(n)))
                rc = fw__error_nomem(err);
        }
        if (rc == FW_OK)
            rc = fw__db_exec(ctx, err, res >= 0 ? "UPDATE fw_risk_case SET state = ?, resolution = ?, notes = ?, "
                                                  "updated_ms = ? WHERE id = ?"
                                                : "UPDATE fw_risk_case SET state = ?, resolution = coalesce(?, "
                                                  "resolution), notes = ?, updated_ms = ? WHERE id = ?",
                             "ittii", to, res >= 0 ? resolutions[res] : NULL, ntext, fw_ctx_now(ctx), case_id);
        if (rc == FW_OK)
            rc = fw__risk_audit(ctx, err, "risk.case.update", "risk_case", case_id, "{\"from\":\"%s\",\"to\":\"%s\","
                                "\"entry\":%s}", state_names[cur], state_names[to], qnote);
        rc = fw__tx_end(ctx, rc, err);
    }
    free(ntext);
    free(qnote);
    cJSON_Delete(notes);
    cJSON_Delete(root);
    return rc;
}

int fw_risk_case_list(fw_ctx *ctx, const char *json, size_t json_len, char **out_json, size_t *out_len,
                      fw_error **err)
{
    static const char *const fields[] = { "state", "enterprise_id", NULL };
    static const char *const states[] = { "open", "reviewing", "resolved", NULL };
    static const char *const sources[] = { "", "inspection", "sample" };
    cJSON *root = NULL, *arr;
    int64_t ent = 0;
    int state = -1, rc = FW_OK;
    fw__stmt *s;

    if (!ctx || !out_json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and out_json are required");
    if ((rc = fw__authz_require(ctx, "risk.read", err)) != FW_OK)
        return rc;
    if (json && (rc = fw__json_parse(&root, json, json_len, err)) != FW_OK)
        return rc;
    if (root && (rc = fw__json_only(root, "$", fields, err)) == FW_OK &&
        (rc = fw__json_enum(root, "$", "state", FW__OPTIONAL, states, &state, err)) == FW_OK)
        rc = fw__json_i64(root, "$", "enterprise_id", FW__OPTIONAL, 1, INT64_MAX, &ent, err);
    cJSON_Delete(root);
    if (rc != FW_OK)
        return rc;
    if (!(arr = cJSON_CreateArray()))
        return fw__error_nomem(err);
    rc = fw__db_query(ctx, &s, err, "SELECT id, source, rule, enterprise_id, worker_id, subject_id, amount_fen, detail, "
                      "state, resolution, notes, opened_ms FROM fw_risk_case WHERE (? = 0 OR state = ?) AND "
                      "(? = 0 OR enterprise_id = ?) ORDER BY id", "iiii", (int64_t)(state + 1), (int64_t)(state + 1),
                      ent, ent);
    while (rc == FW_OK && (rc = fw__db_step(s, err)) == FW__ROW) {
        cJSON *o = cJSON_CreateObject();
        int64_t src = fw__db_col_i64(s, 1), st = fw__db_col_i64(s, 8);
        if (!o) {
            rc = fw__error_nomem(err);
            break;
        }
        fw__json_add_i64(o, "id", fw__db_col_i64(s, 0));
        cJSON_AddStringToObject(o, "source", sources[src == 2 ? 2 : 1]);
        cJSON_AddStringToObject(o, "rule", fw__db_col_text(s, 2));
        fw__json_add_i64(o, "enterprise_id", fw__db_col_i64(s, 3));
        fw__json_add_i64(o, "worker_id", fw__db_col_i64(s, 4));
        fw__json_add_i64(o, "subject_id", fw__db_col_i64(s, 5));
        fw__json_add_i64(o, "amount_fen", fw__db_col_i64(s, 6));
        cJSON_AddItemToObject(o, "detail", cJSON_Parse(fw__db_col_text(s, 7)));
        cJSON_AddStringToObject(o, "state", state_names[st >= 1 && st <= 3 ? st : 1]);
        if (fw__db_col_is_null(s, 9))
            cJSON_AddNullToObject(o, "resolution");
        else
            cJSON_AddStringToObject(o, "resolution", fw__db_col_text(s, 9));
        cJSON_AddItemToObject(o, "notes", cJSON_Parse(fw__db_col_text(s, 10)));
        fw__json_add_i64(o, "opened_ms", fw__db_col_i64(s, 11));
        cJSON_AddItemToArray(arr, o);
        rc = FW_OK;
    }
    fw__db_done(s);
    if (rc < 0) {
        cJSON_Delete(arr);
        return rc;
    }
    return fw__json_out(arr, out_json, out_len, err);
}

/* Adds {key: count} rows of a two-column query to obj. */
static int counts(fw_ctx *ctx, cJSON *obj, const char *sql, int64_t from, int64_t to, fw_error **err)
{
    fw__stmt *s;
    int rc = fw__db_query(ctx, &s, err, sql, "ii", from, to);
    while (rc == FW_OK && (rc = fw__db_step(s, err)) == FW__ROW) {
        const char *k = fw__db_col_text(s, 0);
        fw__json_add_i64(obj, k ? k : "", fw__db_col_i64(s, 1));
        rc = FW_OK;
    }
    fw__db_done(s);
    return rc < 0 ? rc : FW_OK;
}

int fw_risk_stats(fw_ctx *ctx, const char *json, size_t json_len, char **out_json, size_t *out_len, fw_error **err)
{
    static const char *const fields[] = { "from", "to", NULL };
    cJSON *root = NULL, *o;
    int64_t from = 0, to = 0, n = 0;
    int rc;

    if (!ctx || !json || !out_json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx, json and out_json are required");
    if ((rc = fw__authz_require(ctx, "risk.read", err)) != FW_OK)
        return rc;
    if ((rc = fw__json_parse(&root, json, json_len, err)) != FW_OK)
        return rc;
    if ((rc = fw__json_only(root, "$", fields, err)) == FW_OK)
        rc = fw__risk_period(root, &from, &to, err);
    cJSON_Delete(root);
    if (rc != FW_OK)
        return rc;
    if (!(o = cJSON_CreateObject()))
        return fw__error_nomem(err);
    fw__json_add_i64(o, "from_ms", from);
    fw__json_add_i64(o, "to_ms", to);
    rc = counts(ctx, cJSON_AddObjectToObject(o, "cases_by_rule"), "SELECT rule, count(*) FROM fw_risk_case WHERE "
                "opened_ms >= ? AND opened_ms < ? GROUP BY rule ORDER BY rule", from, to, err);
    if (rc == FW_OK)
        rc = counts(ctx, cJSON_AddObjectToObject(o, "cases_by_state"), "SELECT CASE state WHEN 1 THEN 'open' WHEN 2 "
                    "THEN 'reviewing' ELSE 'resolved' END, count(*) FROM fw_risk_case WHERE opened_ms >= ? AND "
                    "opened_ms < ? GROUP BY state ORDER BY state", from, to, err);
    if (rc == FW_OK)
        rc = counts(ctx, cJSON_AddObjectToObject(o, "resolutions"), "SELECT resolution, count(*) FROM fw_risk_case "
                    "WHERE opened_ms >= ? AND opened_ms < ? AND state = 3 GROUP BY resolution ORDER BY resolution",
                    from, to, err);
    if (rc == FW_OK)
        rc = counts(ctx, cJSON_AddObjectToObject(o, "gate"), "SELECT substr(action, 12), count(*) FROM fw_audit WHERE "
                    "action IN ('risk.check.deny', 'risk.check.review', 'risk.check.waived') AND at_ms >= ? AND "
                    "at_ms < ? GROUP BY action ORDER BY action", from, to, err);
    if (rc == FW_OK)
        rc = fw__db_i64(ctx, &n, err, "SELECT count(*) FROM fw_risk_sample WHERE created_ms >= ? AND created_ms < ?",
                        "ii", from, to);
    if (rc == FW_OK)
        fw__json_add_i64(o, "samples", n);
    if (rc == FW_OK)
        rc = fw__db_i64(ctx, &n, err, "SELECT count(*) FROM fw_risk_run WHERE run_ms >= ? AND run_ms < ?", "ii",
                        from, to);
    if (rc == FW_OK)
        fw__json_add_i64(o, "inspection_runs", n);
    if (rc != FW_OK) {
        cJSON_Delete(o);
        return rc;
    }
    return fw__json_out(o, out_json, out_len, err);
}
