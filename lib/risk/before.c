/*
 * Before the flow (事前, R-7.10.a-c): black and white lists, qualification reviews against a
 * checklist per industry, signals, the explainable enterprise rating, and the limits the
 * rating selects.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/authz.h"
#include "core/clock.h"
#include "core/ctx.h"
#include "core/db.h"
#include "core/error.h"
#include "core/vault.h"
#include "party/party.h"
#include "risk/risk_int.h"

static char *quote(const char *s)
{
    cJSON *j = cJSON_CreateString(s ? s : "");
    char *q = j ? fw__json_print(j) : NULL;
    cJSON_Delete(j);
    return q;
}

/* 1 when code is a reason the gate gives (a white entry may waive only those). */
static int gate_code(const char *code)
{
    static const char *const known[] = {
        "ENTERPRISE_NOT_VERIFIED", "ENTERPRISE_NOT_ACTIVE", "ENTERPRISE_SUSPENDED", "ENTERPRISE_CANCELLED",
        "QUALIFICATION_FAILED", "QUALIFICATION_NOT_REVIEWED", "RATING_D", "LIST_PERSON_BLACK",
        "LIST_BANK_CARD_BLACK", "LIST_PHONE_BLACK", "LIST_ENTERPRISE_BLACK", "WORKER_NOT_VERIFIED",
        "WORKER_SUSPENDED", "WORKER_CLOSED", "LIMIT_PER_PAYMENT", "LIMIT_WORKER_DAY", "LIMIT_WORKER_MONTH",
        "LIMIT_WORKER_12M", "LIMIT_WORKER_DAY_COUNT", "LIMIT_WORKER_MONTH_COUNT", "LIMIT_ENTERPRISE_DAY",
        "LIMIT_ENTERPRISE_MONTH", "LIMIT_ENTERPRISE_DAY_COUNT", "VAT_THRESHOLD_REACHED",
        "THRESHOLD_12M_REACHED", NULL };
    int i;
    for (i = 0; known[i]; i++)
        if (strcmp(known[i], code) == 0)
            return 1;
    return 0;
}

/* ---- lists (R-7.10.c) -------------------------------------------------------------------- */

int fw_risk_list_add(fw_ctx *ctx, const char *json, size_t json_len, fw_id *out_id, fw_error **err)
{
    static const char *const fields[] = { "list", "kind", "value", "reason", "source", "expires", "waives", NULL };
    static const char *const lists[] = { "black", "white", NULL };
    static const char *const kinds[] = { "person", "bank_card", "phone", "enterprise", NULL };
    cJSON *root = NULL, *waives = NULL;
    const cJSON *arr = NULL, *it;
    const char *value = NULL, *why = NULL, *source = NULL;
    unsigned char blind[32];
    char masked[64], path[64], *waives_text = NULL, *qr = NULL, *qs = NULL;
    int list = 0, kind = 0, rc;
    int64_t expires = 0, dup = 0;
    size_t i = 0;
    fw_id id = 0;

    if (!ctx || !json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and json are required");
    if ((rc = fw__authz_require(ctx, "risk.list", err)) != FW_OK)
        return rc;
    if ((rc = fw__json_parse(&root, json, json_len, err)) != FW_OK)
        return rc;
    if ((rc = fw__json_only(root, "$", fields, err)) == FW_OK &&
        (rc = fw__json_enum(root, "$", "list", FW__REQUIRED, lists, &list, err)) == FW_OK &&
        (rc = fw__json_enum(root, "$", "kind", FW__REQUIRED, kinds, &kind, err)) == FW_OK &&
        (rc = fw__json_str(root, "$", "value", FW__REQUIRED, 1, 40, &value, err)) == FW_OK &&
        (rc = fw__json_str(root, "$", "reason", FW__REQUIRED, 1, 500, &why, err)) == FW_OK &&
        (rc = fw__json_str(root, "$", "source", FW__REQUIRED, 1, 100, &source, err)) == FW_OK &&
        (rc = fw__json_date(root, "$", "expires", FW__OPTIONAL, &expires, err)) == FW_OK &&
        (rc = fw__json_arr(root, "$", "waives", list == 1 ? FW__REQUIRED : FW__OPTIONAL, 30, &arr, err)) == FW_OK)
        rc = fw__risk_blind(ctx, (uint32_t)kind + 1, value, "$.value", blind, masked, sizeof(masked), err);
    if (rc == FW_OK && list == 0 && arr)
        rc = fw__error_set(err, FW_EINVAL, "$.waives", "only a white-list entry waives reason codes");
    if (rc == FW_OK && list == 1 && cJSON_GetArraySize(arr) == 0)
        rc = fw__error_set(err, FW_EINVAL, "$.waives", "a white-list entry must name the reason codes it waives");
    if (rc == FW_OK && !(waives = cJSON_CreateArray()))
        rc = fw__error_nomem(err);
    cJSON_ArrayForEach(it, arr) {
        if (rc != FW_OK)
            break;
        fw__json_path_index(path, sizeof(path), "$.waives", i++);
        if (!cJSON_IsString(it) || !gate_code(it->valuestring))
            rc = fw__error_set(err, FW_EINVAL, path, "must be a reason code of the gate (docs/api/risk.md)");
        else
            cJSON_AddItemToArray(waives, cJSON_CreateString(it->valuestring));
    }
    if (rc == FW_OK && !(waives_text = fw__json_print(waives)))
        rc = fw__error_nomem(err);
    if (rc == FW_OK && (!(qr = quote(why)) || !(qs = quote(source))))
        rc = fw__error_nomem(err);
    if (rc == FW_OK && (rc = fw__tx_begin(ctx, err)) == FW_OK) {
        rc = fw__db_i64(ctx, &dup, err, "SELECT id FROM fw_risk_list WHERE blind = ? AND list = ? AND removed_ms IS NULL",
                        "bi", blind, (size_t)32, (int64_t)list + 1);
        if (rc == FW_OK)
            rc = fw__error_set(err, FW_EEXISTS, "$.value", "already on the %s list as entry %lld", lists[list],
                               (long long)dup);
        else if (rc == FW_ENOTFOUND)
            rc = fw__db_exec(ctx, err, "INSERT INTO fw_risk_list(list, kind, blind, masked, reason, source, waives, "
                             "expires_ms, created_ms, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, nullif(?, 0), ?, ?)",
                             "iibttttiit", (int64_t)list + 1, (int64_t)kind + 1, blind, (size_t)32, masked, why,
                             source, waives_text, expires, fw_ctx_now(ctx), ctx->actor_name ? ctx->actor_name : "");
        if (rc == FW_OK) {
            id = fw__db_last_id(ctx);
            rc = fw__risk_audit(ctx, err, "risk.list.add", "risk_list", id,
                                "{\"list\":\"%s\",\"kind\":\"%s\",\"masked\":\"%s\",\"reason\":%s,\"source\":%s,"
                                "\"waives\":%s,\"expires_ms\":%lld}", lists[list], kinds[kind], masked, qr, qs,
                                waives_text, (long long)expires);
        }
        rc = fw__tx_end(ctx, rc, err);
    }
    if (rc == FW_OK && out_id)
        *out_id = id;
    free(qr);
    free(qs);
    free(waives_text);
    cJSON_Delete(waives);
    cJSON_Delete(root);
    return rc;
}

int fw_risk_list_remove(fw_ctx *ctx, fw_id entry_id, const char *reason, fw_error **err)
{
    int64_t removed = 0;
    char *q;
    int rc;

    if (!ctx)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx is required");
    if (!reason || !*reason || strlen(reason) > 500)
        return fw__error_set(err, FW_EINVAL, "reason", "a reason of 1 to 500 bytes is required");
    if ((rc = fw__authz_require(ctx, "risk.list", err)) != FW_OK)
        return rc;
    if (!(q = quote(reason)))
        return fw__error_nomem(err);
    if ((rc = fw__tx_begin(ctx, err)) == FW_OK) {
        rc = fw__db_i64(ctx, &removed, err, "SELECT removed_ms IS NOT NULL FROM fw_risk_list WHERE id = ?", "i", entry_id);
        if (rc == FW_ENOTFOUND)
            rc = fw__error_set(err, FW_ENOTFOUND, NULL, "no list entry %lld", (long long)entry_id);
        if (rc == FW_OK && removed)
            rc = fw__error_set(err, FW_ESTATE, NULL, "list entry %lld is already removed", (long long)entry_id);
        if (rc == FW_OK)
            rc = fw__db_exec(ctx, err, "UPDATE fw_risk_list SET removed_ms = ?, removed_why = ? WHERE id = ?", "iti",
                             fw_ctx_now(ctx), reason, entry_id);
        if (rc == FW_OK)
            rc = fw__risk_audit(ctx, err, "risk.list.remove", "risk_list", entry_id, "{\"reason\":%s}", q);
        rc = fw__tx_end(ctx, rc, err);
    }
    free(q);
    return rc;
}

int fw_risk_list_query(fw_ctx *ctx, char **out_json, size_t *out_len, fw_error **err)
{
    static const char *const lists[] = { "", "black", "white" };
    static const char *const kinds[] = { "", "person", "bank_card", "phone", "enterprise" };
    cJSON *arr;
    fw__stmt *s;
    int rc;

    if (!ctx || !out_json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and out_json are required");
    if ((rc = fw__authz_require(ctx, "risk.read", err)) != FW_OK)
        return rc;
    if (!(arr = cJSON_CreateArray()))
        return fw__error_nomem(err);
    rc = fw__db_query(ctx, &s, err, "SELECT id, list, kind, masked, reason, source, waives, expires_ms, created_ms "
                      "FROM fw_risk_list WHERE removed_ms IS NULL AND (expires_ms IS NULL OR expires_ms > ?) "
                      "ORDER BY id", "i", fw_ctx_now(ctx));
    while (rc == FW_OK && (rc = fw__db_step(s, err)) == FW__ROW) {
        cJSON *o = cJSON_CreateObject();
        int64_t l = fw__db_col_i64(s, 1), k = fw__db_col_i64(s, 2);
        if (!o) {
            rc = fw__error_nomem(err);
            break;
        }
        fw__json_add_i64(o, "id", fw__db_col_i64(s, 0));
        cJSON_AddStringToObject(o, "list", lists[l == 2 ? 2 : 1]);
        cJSON_AddStringToObject(o, "kind", kinds[k >= 1 && k <= 4 ? k : 0]);
        cJSON_AddStringToObject(o, "masked", fw__db_col_text(s, 3));
        cJSON_AddStringToObject(o, "reason", fw__db_col_text(s, 4));
        cJSON_AddStringToObject(o, "source", fw__db_col_text(s, 5));
        cJSON_AddItemToObject(o, "waives", cJSON_Parse(fw__db_col_text(s, 6)));
        if (fw__db_col_is_null(s, 7))
            cJSON_AddNullToObject(o, "expires_ms");
        else
            fw__json_add_i64(o, "expires_ms", fw__db_col_i64(s, 7));
        fw__json_add_i64(o, "created_ms", fw__db_col_i64(s, 8));
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

/* ---- qualification (R-7.10.a) ------------------------------------------------------------ */

static int string_array(const cJSON *root, const char *name, int required, cJSON **out, fw_error **err)
{
    const cJSON *arr = NULL, *it;
    char path[64];
    size_t i = 0;
    int rc = fw__json_arr(root, "$", name, required, 50, &arr, err);

    if (rc != FW_OK)
        return rc;
    cJSON_ArrayForEach(it, arr) {
        snprintf(path, sizeof(path), "$.%s[%zu]", name, i++);
        if (!cJSON_IsString(it) || !*it->valuestring || strlen(it->valuestring) > 100)
            return fw__error_set(err, FW_EINVAL, path, "must be a string of 1 to 100 bytes");
    }
    *out = arr ? cJSON_Duplicate(arr, 1) : cJSON_CreateArray();
    return *out ? FW_OK : fw__error_nomem(err);
}

int fw_risk_checklist_set(fw_ctx *ctx, const char *json, size_t json_len, fw_error **err)
{
    static const char *const fields[] = { "industry", "documents", "scope_keywords", NULL };
    cJSON *root = NULL, *docs = NULL, *kw = NULL, *items = NULL;
    const char *industry = NULL;
    char *text = NULL, *qi = NULL;
    int rc;

    if (!ctx || !json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and json are required");
    if ((rc = fw__authz_require(ctx, "risk.configure", err)) != FW_OK)
        return rc;
    if ((rc = fw__json_parse(&root, json, json_len, err)) != FW_OK)
        return rc;
    if ((rc = fw__json_only(root, "$", fields, err)) == FW_OK &&
        (rc = fw__json_str(root, "$", "industry", FW__REQUIRED, 1, 20, &industry, err)) == FW_OK &&
        (rc = string_array(root, "documents", FW__REQUIRED, &docs, err)) == FW_OK &&
        (rc = string_array(root, "scope_keywords", FW__OPTIONAL, &kw, err)) == FW_OK) {
        items = cJSON_CreateObject();
        if (items) {
            cJSON_AddItemToObject(items, "documents", docs);
            cJSON_AddItemToObject(items, "scope_keywords", kw);
            docs = kw = NULL;
        }
        if (!items || !(text = fw__json_print(items)) || !(qi = quote(industry)))
            rc = fw__error_nomem(err);
    }
    if (rc == FW_OK && (rc = fw__tx_begin(ctx, err)) == FW_OK) {
        rc = fw__db_exec(ctx, err, "INSERT INTO fw_risk_checklist(industry, items, updated_ms) VALUES (?, ?, ?) "
                         "ON CONFLICT(industry) DO UPDATE SET items = excluded.items, updated_ms = excluded.updated_ms",
                         "tti", industry, text, fw_ctx_now(ctx));
        if (rc == FW_OK)
            rc = fw__risk_audit(ctx, err, "risk.checklist.set", "risk_checklist", 0, "{\"industry\":%s,\"items\":%s}",
                                qi, text);
        rc = fw__tx_end(ctx, rc, err);
    }
    free(text);
    free(qi);
    cJSON_Delete(items);
    cJSON_Delete(docs);
    cJSON_Delete(kw);
    cJSON_Delete(root);
    return rc;
}

static void check_item(cJSON *checks, int *passed, const char *name, int ok, const char *detail)
{
    cJSON *c = cJSON_CreateObject();
    if (!c)
        return;
    cJSON_AddStringToObject(c, "check", name);
    cJSON_AddBoolToObject(c, "passed", ok);
    cJSON_AddStringToObject(c, "detail", detail);
    cJSON_AddItemToArray(checks, c);
    if (!ok)
        *passed = 0;
}

static int has_kind(const cJSON *quals, const char *kind)
{
    const cJSON *q;
    cJSON_ArrayForEach(q, quals) {
        const cJSON *k = cJSON_GetObjectItemCaseSensitive(q, "kind");
        if (cJSON_IsString(k) && strcmp(k->valuestring, kind) == 0)
            return 1;
    }
    return 0;
}

/* Runs the checks on what the store holds; fills checks and *passed. */
static int run_review(fw_ctx *ctx, fw_id id, const cJSON *expiry, cJSON *checks, int *passed, fw_error **err)
{
    cJSON *quals = NULL, *items = NULL;
    const cJSON *docs, *kws, *it;
    char detail[300];
    int64_t st = 0, agreed = 0, signals = 0, today;
    fw__stmt *s;
    int rc, ok;

    rc = fw__db_query(ctx, &s, err, "SELECT e.state, e.business_scope, e.qualifications, e.agreement_ms IS NOT NULL, "
                      "coalesce((SELECT items FROM fw_risk_checklist WHERE industry = e.industry), "
                      "(SELECT items FROM fw_risk_checklist WHERE industry = '*')) FROM fw_party_enterprise e "
                      "WHERE e.id = ?", "i", id);
    if (rc == FW_OK && (rc = fw__db_step(s, err)) == FW__ROW) {
        const char *scope = fw__db_col_text(s, 1);
        st = fw__db_col_i64(s, 0);
        quals = cJSON_Parse(fw__db_col_text(s, 2));
        agreed = fw__db_col_i64(s, 3);
        items = cJSON_Parse(fw__db_col_text(s, 4) ? fw__db_col_text(s, 4) : "{}");
        kws = cJSON_GetObjectItemCaseSensitive(items, "scope_keywords");
        ok = cJSON_GetArraySize(kws) == 0;
        cJSON_ArrayForEach(it, kws)
            if (cJSON_IsString(it) && strstr(scope, it->valuestring))
                ok = 1;
        rc = FW_OK;
        check_item(checks, passed, "scope", ok, ok ? "the business scope matches the industry's checklist"
                                                   : "the business scope names none of the industry's keywords");
    } else if (rc == FW__DONE) {
        rc = fw__error_set(err, FW_ENOTFOUND, NULL, "no enterprise %lld", (long long)id);
    }
    fw__db_done(s);
    if (rc != FW_OK)
        goto done;
    if (!quals || !items) {
        rc = fw__error_nomem(err);
        goto done;
    }
    check_item(checks, passed, "licence", has_kind(quals, "business_licence"),
               has_kind(quals, "business_licence") ? "business licence on file" : "no business licence on file");
    ok = st == FW_ENTERPRISE_VERIFIED || st == FW_ENTERPRISE_SIGNED || st == FW_ENTERPRISE_ACTIVE;
    check_item(checks, passed, "uscc_verified", ok, ok ? "the USCC was verified at onboarding"
                                                       : "the enterprise is not verified");
    if (!agreed && (rc = fw__db_i64(ctx, &signals, err, "SELECT count(*) FROM fw_risk_signal WHERE enterprise_id = ? "
                                    "AND kind = 'agreement_signed'", "i", id)) != FW_OK)
        goto done;
    check_item(checks, passed, "agreement_signed", agreed || signals > 0,
               agreed ? "cooperation agreement in force" : signals ? "agreement signature recorded as a signal"
                                                               : "no cooperation agreement signed");
    today = fw_ctx_now(ctx);
    docs = cJSON_GetObjectItemCaseSensitive(items, "documents");
    cJSON_ArrayForEach(it, docs) {
        const cJSON *exp;
        if (!cJSON_IsString(it))
            continue;
        exp = expiry ? cJSON_GetObjectItemCaseSensitive(expiry, it->valuestring) : NULL;
        if (!has_kind(quals, it->valuestring)) {
            snprintf(detail, sizeof(detail), "%s: not on file", it->valuestring);
            check_item(checks, passed, "document", 0, detail);
        } else if (exp) {
            int64_t ms = 0;
            int y, m, d, n = 0;
            if (!cJSON_IsString(exp) || sscanf(exp->valuestring, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || n != 10 ||
                fw__cst_from_date(y, m, d, &ms) != FW_OK) {
                rc = fw__error_set(err, FW_EINVAL, "$.document_expiry", "must map kinds to dates YYYY-MM-DD");
                goto done;
            }
            snprintf(detail, sizeof(detail), "%s: %s %s", it->valuestring,
                     ms <= today ? "expired on" : "valid until", exp->valuestring);
            check_item(checks, passed, "document", ms > today, detail);
        } else {
            snprintf(detail, sizeof(detail), "%s: on file", it->valuestring);
            check_item(checks, passed, "document", 1, detail);
        }
    }
done:
    cJSON_Delete(quals);
    cJSON_Delete(items);
    return rc;
}

int fw_risk_qualification_review(fw_ctx *ctx, fw_id enterprise_id, const char *json, size_t json_len,
                                 char **out_json, size_t *out_len, fw_error **err)
{
    static const char *const fields[] = { "document_expiry", NULL };
    cJSON *root = NULL, *out = NULL, *checks;
    const cJSON *expiry = NULL;
    char *text = NULL;
    int passed = 1, rc;
    fw_id id = 0;

    if (!ctx || !out_json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and out_json are required");
    if ((rc = fw__authz_require(ctx, "risk.review", err)) != FW_OK)
        return rc;
    if (json && (rc = fw__json_parse(&root, json, json_len, err)) != FW_OK)
        return rc;
    if (root && (rc = fw__json_only(root, "$", fields, err)) == FW_OK)
        rc = fw__json_obj(root, "$", "document_expiry", FW__OPTIONAL, &expiry, err);
    if (rc == FW_OK && !(out = cJSON_CreateObject()))
        rc = fw__error_nomem(err);
    if (rc == FW_OK && (rc = fw__tx_begin(ctx, err)) == FW_OK) {
        checks = cJSON_AddArrayToObject(out, "checks");
        rc = checks ? run_review(ctx, enterprise_id, expiry, checks, &passed, err) : fw__error_nomem(err);
        if (rc == FW_OK && !(text = fw__json_print(checks)))
            rc = fw__error_nomem(err);
        if (rc == FW_OK)
            rc = fw__db_exec(ctx, err, "INSERT INTO fw_risk_qualification(enterprise_id, passed, result, reviewed_ms, "
                             "reviewed_by) VALUES (?, ?, ?, ?, ?)", "iitit", enterprise_id, (int64_t)passed, text,
                             fw_ctx_now(ctx), ctx->actor_name ? ctx->actor_name : "");
        if (rc == FW_OK) {
            id = fw__db_last_id(ctx);
            rc = fw__risk_audit(ctx, err, "risk.qualification.review", "enterprise", enterprise_id,
                                "{\"review_id\":%lld,\"passed\":%s,\"checks\":%s}", (long long)id,
                                passed ? "true" : "false", text);
        }
        rc = fw__tx_end(ctx, rc, err);
    }
    free(text);
    cJSON_Delete(root);
    if (rc != FW_OK) {
        cJSON_Delete(out);
        return rc;
    }
    fw__json_add_i64(out, "id", id);
    fw__json_add_i64(out, "enterprise_id", enterprise_id);
    cJSON_AddBoolToObject(out, "passed", passed);
    return fw__json_out(out, out_json, out_len, err);
}

/* ---- signals ----------------------------------------------------------------------------- */

int fw_risk_signal_record(fw_ctx *ctx, const char *json, size_t json_len, fw_id *out_id, fw_error **err)
{
    static const char *const fields[] = { "kind", "enterprise_id", "worker_id", "amount_fen", "value", "category",
                                          "ref", "at", NULL };
    static const char *const kinds[] = { "dispute", "complaint", "funding_late", "funding_ok", "task_flag",
                                         "inspection_finding", "agreement_signed", "task_taken", "task_completed",
                                         "fund_return", NULL };
    cJSON *root = NULL;
    const char *category = "", *ref = "";
    int64_t ent = 0, worker = 0, amount = 0, value = 0, at = 0;
    int kind = 0, rc;
    fw_id id = 0;

    if (!ctx || !json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and json are required");
    if ((rc = fw__authz_require(ctx, "risk.signal", err)) != FW_OK)
        return rc;
    if ((rc = fw__json_parse(&root, json, json_len, err)) != FW_OK)
        return rc;
    at = fw_ctx_now(ctx);
    if ((rc = fw__json_only(root, "$", fields, err)) == FW_OK &&
        (rc = fw__json_enum(root, "$", "kind", FW__REQUIRED, kinds, &kind, err)) == FW_OK &&
        (rc = fw__json_i64(root, "$", "enterprise_id", FW__OPTIONAL, 0, INT64_MAX, &ent, err)) == FW_OK &&
        (rc = fw__json_i64(root, "$", "worker_id", FW__OPTIONAL, 0, INT64_MAX, &worker, err)) == FW_OK &&
        (rc = fw__json_i64(root, "$", "amount_fen", FW__OPTIONAL, 0, FW__JSON_MAX_INT, &amount, err)) == FW_OK &&
        (rc = fw__json_i64(root, "$", "value", FW__OPTIONAL, 0, FW__JSON_MAX_INT, &value, err)) == FW_OK &&
        (rc = fw__json_str(root, "$", "category", FW__OPTIONAL, 1, 64, &category, err)) == FW_OK &&
        (rc = fw__json_str(root, "$", "ref", FW__OPTIONAL, 1, 128, &ref, err)) == FW_OK &&
        (rc = fw__json_i64(root, "$", "at", FW__OPTIONAL, 0, FW__JSON_MAX_INT, &at, err)) == FW_OK &&
        ent == 0 && worker == 0)
        rc = fw__error_set(err, FW_EINVAL, "$", "a signal concerns an enterprise_id, a worker_id or both");
    if (rc == FW_OK && (rc = fw__tx_begin(ctx, err)) == FW_OK) {
        rc = fw__db_exec(ctx, err, "INSERT INTO fw_risk_signal(kind, enterprise_id, worker_id, amount_fen, value, "
                         "category, ref, at_ms, created_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", "tiiiittii",
                         kinds[kind], ent, worker, amount, value, category, ref, at, fw_ctx_now(ctx));
        if (rc == FW_OK) {
            id = fw__db_last_id(ctx);
            rc = fw__risk_audit(ctx, err, "risk.signal", ent ? "enterprise" : "worker", ent ? ent : worker,
                                "{\"signal_id\":%lld,\"kind\":\"%s\",\"worker_id\":%lld,\"amount_fen\":%lld,"
                                "\"value\":%lld,\"at\":%lld}", (long long)id, kinds[kind], (long long)worker,
                                (long long)amount, (long long)value, (long long)at);
        }
        rc = fw__tx_end(ctx, rc, err);
    }
    cJSON_Delete(root);
    if (rc == FW_OK && out_id)
        *out_id = id;
    return rc;
}

/* ---- rating (R-7.10.b) ------------------------------------------------------------------- */

static void factor(cJSON *arr, int *score, const char *name, int points, int max, const char *inputs)
{
    cJSON *f = cJSON_CreateObject();
    if (points < 0)
        points = 0;
    *score += points;
    if (!f)
        return;
    cJSON_AddStringToObject(f, "factor", name);
    cJSON_AddNumberToObject(f, "points", points);
    cJSON_AddNumberToObject(f, "max", max);
    cJSON_AddItemToObject(f, "inputs", cJSON_Parse(inputs));
    cJSON_AddItemToArray(arr, f);
}

/* Computes, stores and (on a change) audits one enterprise's rating; *out gets the record. */
static int rate(fw_ctx *ctx, fw_id id, cJSON **out, fw_error **err)
{
    int64_t st = 0, activated = 0, qual = -1, late = 0, disputes = 0, findings = 0, flags = 0, cases = 0;
    int64_t now = fw_ctx_now(ctx), since = now - 365 * FW__MS_PER_DAY, days, old_grade = 0, old_score = -1;
    int score = 0, grade, rc, pts;
    char in[200], *ftext = NULL;
    cJSON *o = NULL, *arr;
    fw__stmt *s = NULL;

    rc = fw__db_query(ctx, &s, err, "SELECT state, coalesce(activated_ms, 0), coalesce((SELECT passed FROM "
                      "fw_risk_qualification WHERE enterprise_id = e.id ORDER BY id DESC LIMIT 1), -1) "
                      "FROM fw_party_enterprise e WHERE id = ?", "i", id);
    if (rc == FW_OK && (rc = fw__db_step(s, err)) == FW__ROW) {
        st = fw__db_col_i64(s, 0);
        activated = fw__db_col_i64(s, 1);
        qual = fw__db_col_i64(s, 2);
        rc = FW_OK;
    } else if (rc == FW__DONE) {
        rc = fw__error_set(err, FW_ENOTFOUND, NULL, "no enterprise %lld", (long long)id);
    }
    fw__db_done(s);
    if (rc == FW_OK)
        rc = fw__db_query(ctx, &s, err, "SELECT kind, count(*) FROM fw_risk_signal WHERE enterprise_id = ? AND "
                          "at_ms >= ? GROUP BY kind", "ii", id, since);
    while (rc == FW_OK && (rc = fw__db_step(s, err)) == FW__ROW) {
        const char *k = fw__db_col_text(s, 0);
        int64_t n = fw__db_col_i64(s, 1);
        if (strcmp(k, "funding_late") == 0)
            late = n;
        else if (strcmp(k, "dispute") == 0 || strcmp(k, "complaint") == 0)
            disputes += n;
        else if (strcmp(k, "inspection_finding") == 0)
            findings += n;
        else if (strcmp(k, "task_flag") == 0)
            flags = n;
        rc = FW_OK;
    }
    fw__db_done(s);
    s = NULL;
    if (rc < 0)
        return rc;
    rc = fw__db_i64(ctx, &cases, err, "SELECT count(*) FROM fw_risk_case WHERE enterprise_id = ? AND state = 3 "
                    "AND resolution <> 'no_issue' AND updated_ms >= ?", "ii", id, since);
    if (rc != FW_OK)
        return rc;
    findings += cases;

    if (!(o = cJSON_CreateObject()) || !(arr = cJSON_AddArrayToObject(o, "factors"))) {
        cJSON_Delete(o);
        return fw__error_nomem(err);
    }
    pts = (st == FW_ENTERPRISE_VERIFIED || st == FW_ENTERPRISE_SIGNED || st == FW_ENTERPRISE_ACTIVE) ? 15
          : st == FW_ENTERPRISE_SUSPENDED ? 5 : 0;
    pts += qual == 1 ? 5 : 0;
    snprintf(in, sizeof(in), "{\"state\":%lld,\"qualification_passed\":%lld}", (long long)st, (long long)qual);
    factor(arr, &score, "verification", pts, 20, in);
    days = activated ? (now - activated) / FW__MS_PER_DAY : 0;
    pts = days >= 365 ? 20 : days >= 180 ? 15 : days >= 90 ? 10 : days >= 30 ? 5 : 0;
    snprintf(in, sizeof(in), "{\"days_active\":%lld}", (long long)days);
    factor(arr, &score, "age_on_platform", pts, 20, in);
    snprintf(in, sizeof(in), "{\"late_fundings_12m\":%lld}", (long long)late);
    factor(arr, &score, "funding_behaviour", (int)(20 - 5 * (late > 4 ? 4 : late)), 20, in);
    snprintf(in, sizeof(in), "{\"disputes_and_complaints_12m\":%lld}", (long long)disputes);
    factor(arr, &score, "disputes", (int)(20 - 4 * (disputes > 5 ? 5 : disputes)), 20, in);
    snprintf(in, sizeof(in), "{\"findings_12m\":%lld}", (long long)findings);
    factor(arr, &score, "inspection_findings", (int)(10 - 5 * (findings > 2 ? 2 : findings)), 10, in);
    snprintf(in, sizeof(in), "{\"task_flags_12m\":%lld}", (long long)flags);
    factor(arr, &score, "task_authenticity", (int)(10 - 5 * (flags > 2 ? 2 : flags)), 10, in);
    grade = score >= 85 ? FW_RISK_GRADE_A : score >= 70 ? FW_RISK_GRADE_B : score >= 50 ? FW_RISK_GRADE_C
                                                                          : FW_RISK_GRADE_D;
    if (!(ftext = fw__json_print(arr))) {
        cJSON_Delete(o);
        return fw__error_nomem(err);
    }
    rc = fw__db_query(ctx, &s, err, "SELECT grade, score FROM fw_risk_rating WHERE enterprise_id = ?", "i", id);
    if (rc == FW_OK && (rc = fw__db_step(s, err)) == FW__ROW) {
        old_grade = fw__db_col_i64(s, 0);
        old_score = fw__db_col_i64(s, 1);
    }
    fw__db_done(s);
    rc = rc < 0 ? rc : FW_OK;
    if (rc == FW_OK)
        rc = fw__db_exec(ctx, err, "INSERT INTO fw_risk_rating(enterprise_id, grade, score, factors, computed_ms) "
                         "VALUES (?, ?, ?, ?, ?) ON CONFLICT(enterprise_id) DO UPDATE SET grade = excluded.grade, "
                         "score = excluded.score, factors = excluded.factors, computed_ms = excluded.computed_ms",
                         "iiiti", id, (int64_t)grade, (int64_t)score, ftext, now);
    if (rc == FW_OK && (old_grade != grade || old_score != score))
        rc = fw__risk_audit(ctx, err, "risk.rating.change", "enterprise", id,
                            "{\"from\":\"%s\",\"to\":\"%s\",\"score_from\":%lld,\"score\":%d,\"factors\":%s}",
                            fw__risk_grade_name(old_grade), fw__risk_grade_name(grade), (long long)old_score,
                            score, ftext);
    free(ftext);
    if (rc != FW_OK) {
        cJSON_Delete(o);
        return rc;
    }
    fw__json_add_i64(o, "enterprise_id", id);
    cJSON_AddStringToObject(o, "grade", fw__risk_grade_name(grade));
    cJSON_AddNumberToObject(o, "score", score);
    fw__json_add_i64(o, "computed_ms", now);
    *out = o;
    return FW_OK;
}

int fw_risk_rating_compute(fw_ctx *ctx, fw_id enterprise_id, char **out_json, size_t *out_len, fw_error **err)
{
    cJSON *o = NULL;
    int rc;

    if (!ctx || !out_json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and out_json are required");
    if ((rc = fw__authz_require(ctx, "risk.rate", err)) != FW_OK)
        return rc;
    if ((rc = fw__tx_begin(ctx, err)) != FW_OK)
        return rc;
    rc = fw__tx_end(ctx, rate(ctx, enterprise_id, &o, err), err);
    if (rc != FW_OK) {
        cJSON_Delete(o);
        return rc;
    }
    return fw__json_out(o, out_json, out_len, err);
}

int fw_risk_rating_schedule(fw_ctx *ctx, int64_t *out_count, fw_error **err)
{
    fw_id ids[256];
    int64_t n = 0, interval = 0, now;
    size_t k, got;
    fw__stmt *s;
    int rc;

    if (!ctx)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx is required");
    if ((rc = fw__authz_require(ctx, "risk.rate", err)) != FW_OK)
        return rc;
    if ((rc = fw__tx_begin(ctx, err)) != FW_OK)
        return rc;
    now = fw_ctx_now(ctx);
    rc = fw__db_i64(ctx, &interval, err, "SELECT rating_interval_ms FROM fw_risk_config WHERE id = 1", "");
    /* In rounds: a rated enterprise leaves the due set, so each round sees the next ones. */
    do {
        got = 0;
        if (rc == FW_OK)
            rc = fw__db_query(ctx, &s, err, "SELECT e.id FROM fw_party_enterprise e LEFT JOIN fw_risk_rating r "
                              "ON r.enterprise_id = e.id WHERE e.state <> 8 AND (r.computed_ms IS NULL OR "
                              "r.computed_ms <= ?) ORDER BY e.id LIMIT 256", "i", now - interval);
        else
            s = NULL;
        while (rc == FW_OK && (rc = fw__db_step(s, err)) == FW__ROW) {
            ids[got++] = fw__db_col_i64(s, 0);
            rc = FW_OK;
        }
        fw__db_done(s);
        rc = rc < 0 ? rc : FW_OK;
        for (k = 0; rc == FW_OK && k < got; k++) {
            cJSON *o = NULL;
            rc = rate(ctx, ids[k], &o, err);
            cJSON_Delete(o);
            n++;
        }
    } while (rc == FW_OK && got == 256 && interval > 0);
    rc = fw__tx_end(ctx, rc, err);
    if (rc == FW_OK && out_count)
        *out_count = n;
    return rc;
}

/* ---- limits (R-7.10.e) ------------------------------------------------------------------- */

static const char *const limit_names[] = {
    "per_payment_fen", "worker_day_fen", "worker_month_fen", "worker_12m_fen", "worker_day_count",
    "worker_month_count", "enterprise_day_fen", "enterprise_month_fen", "enterprise_day_count", NULL
};

int fw_risk_limits_set(fw_ctx *ctx, const char *json, size_t json_len, fw_error **err)
{
    static const char *const fields[] = { "scope", "rating", "enterprise_id", "limits", NULL };
    static const char *const scopes[] = { "platform", "rating", "enterprise", NULL };
    static const char *const grades[] = { "A", "B", "C", "D", NULL };
    static const char *const updates[] = {
        "UPDATE fw_risk_limit SET per_payment_fen = ? WHERE scope = ? AND key = ?",
        "UPDATE fw_risk_limit SET worker_day_fen = ? WHERE scope = ? AND key = ?",
        "UPDATE fw_risk_limit SET worker_month_fen = ? WHERE scope = ? AND key = ?",
        "UPDATE fw_risk_limit SET worker_12m_fen = ? WHERE scope = ? AND key = ?",
        "UPDATE fw_risk_limit SET worker_day_count = ? WHERE scope = ? AND key = ?",
        "UPDATE fw_risk_limit SET worker_month_count = ? WHERE scope = ? AND key = ?",
        "UPDATE fw_risk_limit SET enterprise_day_fen = ? WHERE scope = ? AND key = ?",
        "UPDATE fw_risk_limit SET enterprise_month_fen = ? WHERE scope = ? AND key = ?",
        "UPDATE fw_risk_limit SET enterprise_day_count = ? WHERE scope = ? AND key = ?",
    };
    cJSON *root = NULL;
    const cJSON *limits = NULL, *v;
    int64_t key = 0, val[9];
    int scope = 0, grade = 0, isnull[9], set[9], i, rc;
    char path[64], *text = NULL;

    if (!ctx || !json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and json are required");
    if ((rc = fw__authz_require(ctx, "risk.configure", err)) != FW_OK)
        return rc;
    if ((rc = fw__json_parse(&root, json, json_len, err)) != FW_OK)
        return rc;
    if ((rc = fw__json_only(root, "$", fields, err)) == FW_OK &&
        (rc = fw__json_enum(root, "$", "scope", FW__REQUIRED, scopes, &scope, err)) == FW_OK &&
        (rc = fw__json_obj(root, "$", "limits", FW__REQUIRED, &limits, err)) == FW_OK)
        rc = fw__json_only(limits, "$.limits", limit_names, err);
    if (rc == FW_OK && scope == 1 && (rc = fw__json_enum(root, "$", "rating", FW__REQUIRED, grades, &grade, err)) == FW_OK)
        key = grade + 1;
    if (rc == FW_OK && scope == 2)
        rc = fw__json_i64(root, "$", "enterprise_id", FW__REQUIRED, 1, INT64_MAX, &key, err);
    if (rc == FW_OK && scope != 1 && cJSON_GetObjectItemCaseSensitive(root, "rating"))
        rc = fw__error_set(err, FW_EINVAL, "$.rating", "only the rating scope names a rating");
    if (rc == FW_OK && scope != 2 && cJSON_GetObjectItemCaseSensitive(root, "enterprise_id"))
        rc = fw__error_set(err, FW_EINVAL, "$.enterprise_id", "only the enterprise scope names an enterprise");
    for (i = 0; rc == FW_OK && i < 9; i++) {
        set[i] = isnull[i] = 0;
        val[i] = 0;
        v = cJSON_GetObjectItemCaseSensitive(limits, limit_names[i]);
        if (!v)
            continue;
        set[i] = 1;
        if (cJSON_IsNull(v)) {
            isnull[i] = 1;
            if (scope == 0)
                rc = fw__error_set(err, FW_EINVAL, fw__json_path(path, sizeof(path), "$.limits", limit_names[i]),
                                   "the platform's limits cannot inherit: give 0 for no limit");
        } else {
            rc = fw__json_i64(limits, "$.limits", limit_names[i], FW__REQUIRED, 0, FW__JSON_MAX_INT, &val[i], err);
        }
    }
    if (rc == FW_OK && scope == 2) {
        int64_t found = 0;
        rc = fw__db_i64(ctx, &found, NULL, "SELECT id FROM fw_party_enterprise WHERE id = ?", "i", key);
        if (rc == FW_ENOTFOUND)
            rc = fw__error_set(err, FW_ENOTFOUND, "$.enterprise_id", "no enterprise %lld", (long long)key);
    }
    if (rc == FW_OK && !(text = fw__json_print(limits)))
        rc = fw__error_nomem(err);
    if (rc == FW_OK && (rc = fw__tx_begin(ctx, err)) == FW_OK) {
        rc = fw__db_exec(ctx, err, "INSERT INTO fw_risk_limit(scope, key, updated_ms) VALUES (?, ?, ?) "
                         "ON CONFLICT(scope, key) DO UPDATE SET updated_ms = excluded.updated_ms", "iii",
                         (int64_t)scope + 1, key, fw_ctx_now(ctx));
        for (i = 0; rc == FW_OK && i < 9; i++)
            if (set[i])
                rc = isnull[i] ? fw__db_exec(ctx, err, updates[i], "nii", (int64_t)scope + 1, key)
                               : fw__db_exec(ctx, err, updates[i], "iii", val[i], (int64_t)scope + 1, key);
        if (rc == FW_OK)
            rc = fw__risk_audit(ctx, err, "risk.limits.set", "risk_limit", key, "{\"scope\":\"%s\",\"key\":%lld,"
                                "\"limits\":%s}", scopes[scope], (long long)key, text);
        rc = fw__tx_end(ctx, rc, err);
    }
    free(text);
    cJSON_Delete(root);
    return rc;
}

int fw_risk_limits_get(fw_ctx *ctx, fw_id enterprise_id, char **out_json, size_t *out_len, fw_error **err)
{
    static const char *const scope_names[] = { "", "platform", "rating", "enterprise" };
    cJSON *o, *lim, *src;
    int64_t grade = 0, v[9] = { 0 };
    int sc[9] = { 0 }, i, rc;
    fw__stmt *s;

    if (!ctx || !out_json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and out_json are required");
    if ((rc = fw__authz_require(ctx, "risk.read", err)) != FW_OK)
        return rc;
    if (enterprise_id) {
        rc = fw__db_i64(ctx, &grade, err, "SELECT coalesce((SELECT grade FROM fw_risk_rating WHERE enterprise_id = "
                        "e.id), 0) FROM fw_party_enterprise e WHERE e.id = ?", "i", enterprise_id);
        if (rc == FW_ENOTFOUND)
            return fw__error_set(err, FW_ENOTFOUND, NULL, "no enterprise %lld", (long long)enterprise_id);
        if (rc != FW_OK)
            return rc;
    }
    rc = fw__db_query(ctx, &s, err, "SELECT scope, per_payment_fen, worker_day_fen, worker_month_fen, worker_12m_fen, "
                      "worker_day_count, worker_month_count, enterprise_day_fen, enterprise_month_fen, "
                      "enterprise_day_count FROM fw_risk_limit WHERE (scope = 1 AND key = 0) OR (scope = 2 AND key = ?) "
                      "OR (scope = 3 AND key = ?) ORDER BY scope", "ii", grade, enterprise_id);
    while (rc == FW_OK && (rc = fw__db_step(s, err)) == FW__ROW) {
        for (i = 0; i < 9; i++)
            if (!fw__db_col_is_null(s, i + 1)) {
                v[i] = fw__db_col_i64(s, i + 1);
                sc[i] = (int)fw__db_col_i64(s, 0);
            }
        rc = FW_OK;
    }
    fw__db_done(s);
    if (rc < 0)
        return rc;
    if (!(o = cJSON_CreateObject()))
        return fw__error_nomem(err);
    lim = cJSON_AddObjectToObject(o, "limits");
    src = cJSON_AddObjectToObject(o, "sources");
    for (i = 0; lim && src && i < 9; i++) {
        fw__json_add_i64(lim, limit_names[i], v[i]);
        cJSON_AddStringToObject(src, limit_names[i], scope_names[sc[i] >= 1 && sc[i] <= 3 ? sc[i] : 1]);
    }
    if (grade)
        cJSON_AddStringToObject(o, "grade", fw__risk_grade_name(grade));
    else
        cJSON_AddNullToObject(o, "grade");
    return fw__json_out(o, out_json, out_len, err);
}
