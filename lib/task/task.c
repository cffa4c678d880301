/*
 * Tasks (R-5.5, R-6.c, R-6.g): categories and the authenticity policy, creation and change of a
 * task, submission with the business-authenticity check, review, publication, cancellation,
 * closing, the fw_task handle and the task queries. Assignments are in assign.c.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/audit.h"
#include "core/authz.h"
#include "core/clock.h"
#include "core/ctx.h"
#include "core/db.h"
#include "core/error.h"
#include "core/money.h"
#include "party/party.h"
#include "task/task_int.h"
#include "training/training.h"

#define DEFAULT_AUTO_ACCEPT_MS (7LL * FW__MS_PER_DAY)
#define MAX_AUTO_ACCEPT_MS     (30LL * FW__MS_PER_DAY)

struct fw_task {
    fw_id id, enterprise_id;
    uint32_t state;
    int64_t unit_price_fen, slots, slots_taken;
    char *json;
};

const char *fw__task_state_name(int64_t st)
{
    static const char *const names[] = { "unknown", "draft", "submitted", "approved", "rejected",
                                         "published", "in_progress", "completed", "cancelled",
                                         "expired" };
    return st >= 0 && st < (int64_t)(sizeof(names) / sizeof(names[0])) ? names[st] : "unknown";
}

static const char *risk_name(int64_t r)
{
    return r == FW_TASK_RISK_HIGH ? "high" : r == FW_TASK_RISK_MEDIUM ? "medium" : "low";
}

int fw__task_audit(fw_ctx *ctx, fw_error **err, const char *action, const char *entity, fw_id id,
                   const char *fmt, ...)
{
    char buf[2048];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof(buf))
        return fw__error_set(err, FW_ERROR, NULL, "%s: audit detail too long", action);
    return fw__audit_append(ctx, action, entity, id, buf, (size_t)n, err);
}

char *fw__task_quote(const char *s)
{
    cJSON *j = cJSON_CreateString(s ? s : "");
    char *q = j ? fw__json_print(j) : NULL;
    cJSON_Delete(j);
    return q;
}

static int check_code(const char *code, const char *path, fw_error **err)
{
    const char *c;
    for (c = code; *c; c++)
        if (!((*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '_' || *c == '-'))
            return fw__error_set(err, FW_EINVAL, path,
                                 "must be 1 to 32 of A-Z, 0-9, '_' and '-', got \"%s\"", code);
    return FW_OK;
}

/* An array of at most max strings of 1..max_len bytes, printed back (malloc'd; "[]" when absent). */
static int str_array(const cJSON *obj, const char *base, const char *name, size_t max, size_t max_len,
                     int codes, char **out, fw_error **err)
{
    const cJSON *arr = NULL, *it;
    char path[96], p[112];
    size_t i = 0;
    int rc = fw__json_arr(obj, base, name, FW__OPTIONAL, max, &arr, err);

    if (rc != FW_OK)
        return rc;
    fw__json_path(path, sizeof(path), base, name);
    cJSON_ArrayForEach(it, arr) {
        fw__json_path_index(p, sizeof(p), path, i++);
        if (!cJSON_IsString(it) || !*it->valuestring || strlen(it->valuestring) > max_len)
            return fw__error_set(err, FW_EINVAL, p, "must be text of 1 to %zu bytes", max_len);
        if (codes && (rc = check_code(it->valuestring, p, err)) != FW_OK)
            return rc;
    }
    *out = arr ? fw__json_print(arr) : strdup("[]");
    return *out ? FW_OK : fw__error_nomem(err);
}

/* [{"name","sha256"}] content-hash references; printed back (malloc'd). */
static int hash_refs(const cJSON *obj, const char *name, size_t max, char **out, fw_error **err)
{
    static const char *const fields[] = { "name", "sha256", NULL };
    const cJSON *arr = NULL, *it;
    const char *s;
    char path[64], p[80];
    size_t i = 0;
    int rc = fw__json_arr(obj, "$", name, FW__OPTIONAL, max, &arr, err);

    if (rc != FW_OK)
        return rc;
    fw__json_path(path, sizeof(path), "$", name);
    cJSON_ArrayForEach(it, arr) {
        fw__json_path_index(p, sizeof(p), path, i++);
        if (!cJSON_IsObject(it))
            return fw__error_set(err, FW_EINVAL, p, "must be an object {\"name\",\"sha256\"}");
        if ((rc = fw__json_only(it, p, fields, err)) != FW_OK ||
            (rc = fw__json_str(it, p, "name", FW__REQUIRED, 1, 200, &s, err)) != FW_OK ||
            (rc = fw__json_hex(it, p, "sha256", FW__REQUIRED, 32, &s, err)) != FW_OK)
            return rc;
    }
    *out = arr ? fw__json_print(arr) : strdup("[]");
    return *out ? FW_OK : fw__error_nomem(err);
}

int fw__task_page(const cJSON *root, int64_t *after_id, int64_t *limit, fw_error **err)
{
    int rc = fw__json_i64(root, "$", "after_id", FW__OPTIONAL, 0, FW__JSON_MAX_INT, after_id, err);
    if (rc == FW_OK)
        rc = fw__json_i64(root, "$", "limit", FW__OPTIONAL, 1, 500, limit, err);
    return rc;
}

/* ---- categories and policy -------------------------------------------------------------- */

int fw_task_category_set(fw_ctx *ctx, const char *json, size_t json_len, fw_error **err)
{
    static const char *const fields[] = { "code", "name", "risk_level", "restricted", "min_unit_fen",
                                          "max_unit_fen", "scope_keywords", NULL };
    static const char *const levels[] = { "low", "medium", "high", NULL };
    cJSON *root = NULL;
    const char *code = NULL, *name = NULL;
    char *kw = NULL;
    int level = 0, restricted = 0, rc;
    int64_t min = 0, max = 0;

    if (!ctx || !json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and json are required");
    if ((rc = fw__authz_require(ctx, "task.category.set", err)) != FW_OK)
        return rc;
    rc = fw__json_parse(&root, json, json_len, err);
    if (rc == FW_OK && (rc = fw__json_only(root, "$", fields, err)) == FW_OK &&
        (rc = fw__json_str(root, "$", "code", FW__REQUIRED, 1, 32, &code, err)) == FW_OK &&
        (rc = check_code(code, "$.code", err)) == FW_OK &&
        (rc = fw__json_str(root, "$", "name", FW__REQUIRED, 1, 100, &name, err)) == FW_OK &&
        (rc = fw__json_enum(root, "$", "risk_level", FW__REQUIRED, levels, &level, err)) == FW_OK &&
        (rc = fw__json_bool(root, "$", "restricted", FW__REQUIRED, &restricted, err)) == FW_OK &&
        (rc = fw__json_i64(root, "$", "min_unit_fen", FW__REQUIRED, 0, FW__JSON_MAX_INT, &min, err)) == FW_OK &&
        (rc = fw__json_i64(root, "$", "max_unit_fen", FW__REQUIRED, 0, FW__JSON_MAX_INT, &max, err)) == FW_OK)
        rc = str_array(root, "$", "scope_keywords", 20, 50, 0, &kw, err);
    if (rc == FW_OK && max < min)
        rc = fw__error_set(err, FW_EINVAL, "$.max_unit_fen", "must be at least min_unit_fen (%lld), got %lld",
                           (long long)min, (long long)max);
    if (rc == FW_OK && (rc = fw__tx_begin(ctx, err)) == FW_OK) {
        rc = fw__db_exec(ctx, err, "INSERT INTO fw_task_category(code, name, risk_level, restricted, "
                         "min_unit_fen, max_unit_fen, scope_keywords, updated_ms) VALUES (?,?,?,?,?,?,?,?) "
                         "ON CONFLICT(code) DO UPDATE SET name=excluded.name, risk_level=excluded.risk_level, "
                         "restricted=excluded.restricted, min_unit_fen=excluded.min_unit_fen, "
                         "max_unit_fen=excluded.max_unit_fen, scope_keywords=excluded.scope_keywords, "
                         "updated_ms=excluded.updated_ms", "ttiiiiti", code, name, (int64_t)level + 1,
                         (int64_t)restricted, min, max, kw, fw_ctx_now(ctx));
        if (rc == FW_OK)
            rc = fw__task_audit(ctx, err, "task.category.set", "task_category", 0,
                                "{\"code\":\"%s\",\"risk_level\":\"%s\",\"restricted\":%s,"
                                "\"min_unit_fen\":%lld,\"max_unit_fen\":%lld,\"scope_keywords\":%s}",
                                code, levels[level], restricted ? "true" : "false", (long long)min,
                                (long long)max, kw);
        rc = fw__tx_end(ctx, rc, err);
    }
    free(kw);
    cJSON_Delete(root);
    return rc;
}

int fw_task_category_list(fw_ctx *ctx, char **out_json, size_t *out_len, fw_error **err)
{
    cJSON *arr, *o;
    fw__stmt *s = NULL;
    int rc;

    if (!ctx || !out_json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and out_json are required");
    if ((rc = fw__authz_require(ctx, "task.category.list", err)) != FW_OK)
        return rc;
    if (!(arr = cJSON_CreateArray()))
        return fw__error_nomem(err);
    rc = fw__db_query(ctx, &s, err, "SELECT code, name, risk_level, restricted, min_unit_fen, max_unit_fen, "
                      "scope_keywords FROM fw_task_category ORDER BY code", "");
    while (rc == FW_OK && (rc = fw__db_step(s, err)) == FW__ROW) {
        o = cJSON_CreateObject();
        cJSON_AddItemToArray(arr, o);
        cJSON_AddStringToObject(o, "code", fw__db_col_text(s, 0));
        cJSON_AddStringToObject(o, "name", fw__db_col_text(s, 1));
        cJSON_AddStringToObject(o, "risk_level", risk_name(fw__db_col_i64(s, 2)));
        cJSON_AddBoolToObject(o, "restricted", fw__db_col_i64(s, 3) != 0);
        fw__json_add_i64(o, "min_unit_fen", fw__db_col_i64(s, 4));
        fw__json_add_i64(o, "max_unit_fen", fw__db_col_i64(s, 5));
        cJSON_AddItemToObject(o, "scope_keywords", cJSON_Parse(fw__db_col_text(s, 6)));
        rc = FW_OK;
    }
    fw__db_done(s);
    if (rc != FW__DONE) {
        cJSON_Delete(arr);
        return rc;
    }
    return fw__json_out(arr, out_json, out_len, err);
}

int fw_task_policy_set(fw_ctx *ctx, const char *json, size_t json_len, fw_error **err)
{
    static const char *const fields[] = { "recurring_min_months", "lookback_months", NULL };
    cJSON *root = NULL;
    int64_t months = 0, lookback = 0;
    int rc;

    if (!ctx || !json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and json are required");
    if ((rc = fw__authz_require(ctx, "task.policy.set", err)) != FW_OK)
        return rc;
    rc = fw__json_parse(&root, json, json_len, err);
    if (rc == FW_OK && (rc = fw__json_only(root, "$", fields, err)) == FW_OK &&
        (rc = fw__json_i64(root, "$", "recurring_min_months", FW__REQUIRED, 2, 24, &months, err)) == FW_OK)
        rc = fw__json_i64(root, "$", "lookback_months", FW__REQUIRED, months, 36, &lookback, err);
    if (rc == FW_OK && (rc = fw__tx_begin(ctx, err)) == FW_OK) {
        rc = fw__db_exec(ctx, err, "UPDATE fw_task_policy SET recurring_min_months=?, lookback_months=?, "
                         "updated_ms=? WHERE id=1", "iii", months, lookback, fw_ctx_now(ctx));
        if (rc == FW_OK)
            rc = fw__task_audit(ctx, err, "task.policy.set", "task_policy", 1,
                                "{\"recurring_min_months\":%lld,\"lookback_months\":%lld}",
                                (long long)months, (long long)lookback);
        rc = fw__tx_end(ctx, rc, err);
    }
    cJSON_Delete(root);
    return rc;
}

/* ---- the task record -------------------------------------------------------------------- */

struct task_rec {
    fw_id enterprise_id;
    const char *title, *description, *category, *location, *external_ref;
    int remote, adult_only;
    int64_t unit, budget, slots, per_worker, min_rating, take_dl, delivery_dl, auto_ms, max_rev;
    char *certificates, *attachments;
};

static void task_rec_clear(struct task_rec *r)
{
    free(r->certificates);
    free(r->attachments);
    memset(r, 0, sizeof(*r));
}

static int task_parse(const cJSON *root, int64_t now, struct task_rec *r, fw_error **err)
{
    static const char *const fields[] = { "enterprise_id", "title", "description", "category", "remote",
                                          "location", "unit_price_fen", "budget_fen", "slots",
                                          "per_worker", "qualifications", "take_deadline_ms",
                                          "delivery_deadline_ms", "auto_accept_ms", "max_revisions",
                                          "attachments", "external_ref", NULL };
    static const char *const qfields[] = { "certificates", "min_rating_x100", "adult_only", NULL };
    const cJSON *q = NULL;
    int rc;

    memset(r, 0, sizeof(*r));
    r->per_worker = 1;
    r->auto_ms = DEFAULT_AUTO_ACCEPT_MS;
    r->max_rev = 2;
    if ((rc = fw__json_only(root, "$", fields, err)) != FW_OK ||
        (rc = fw__json_i64(root, "$", "enterprise_id", FW__REQUIRED, 1, FW__JSON_MAX_INT, &r->enterprise_id,
                           err)) != FW_OK ||
        (rc = fw__json_str(root, "$", "title", FW__REQUIRED, 1, 200, &r->title, err)) != FW_OK ||
        (rc = fw__json_str(root, "$", "description", FW__REQUIRED, 1, 10000, &r->description, err)) != FW_OK ||
        (rc = fw__json_str(root, "$", "category", FW__REQUIRED, 1, 32, &r->category, err)) != FW_OK ||
        (rc = fw__json_bool(root, "$", "remote", FW__REQUIRED, &r->remote, err)) != FW_OK ||
        (rc = fw__json_str(root, "$", "location", r->remote ? FW__OPTIONAL : FW__REQUIRED, 1, 200,
                           &r->location, err)) != FW_OK ||
        (rc = fw__json_i64(root, "$", "unit_price_fen", FW__OPTIONAL, 1, FW__JSON_MAX_INT, &r->unit,
                           err)) != FW_OK ||
        (rc = fw__json_i64(root, "$", "budget_fen", FW__OPTIONAL, 1, FW__JSON_MAX_INT, &r->budget,
                           err)) != FW_OK ||
        (rc = fw__json_i64(root, "$", "slots", FW__REQUIRED, 1, 100000, &r->slots, err)) != FW_OK ||
        (rc = fw__json_i64(root, "$", "per_worker", FW__OPTIONAL, 1, 100, &r->per_worker, err)) != FW_OK)
        return rc;
    if (!r->unit == !r->budget)
        return fw__error_set(err, FW_EINVAL, "$.unit_price_fen",
                             "give exactly one of unit_price_fen and budget_fen");
    if (r->budget) {
        if (r->budget % r->slots != 0)
            return fw__error_set(err, FW_EINVAL, "$.budget_fen",
                                 "must divide evenly among the %lld slots (a unit price in whole fen), got %lld",
                                 (long long)r->slots, (long long)r->budget);
        r->unit = r->budget / r->slots;
    } else {
        int64_t total;
        /* a unit-priced task records no budget, but its total must stay representable */
        if (fw__money_mul(r->unit, r->slots, &total) != FW_OK)
            return fw__error_set(err, FW_EINVAL, "$.unit_price_fen",
                                 "unit price times %lld slots leaves the int64 fen range", (long long)r->slots);
    }
    if ((rc = fw__json_obj(root, "$", "qualifications", FW__OPTIONAL, &q, err)) != FW_OK)
        return rc;
    if (q && ((rc = fw__json_only(q, "$.qualifications", qfields, err)) != FW_OK ||
              (rc = fw__json_i64(q, "$.qualifications", "min_rating_x100", FW__OPTIONAL, 0, 500,
                                 &r->min_rating, err)) != FW_OK ||
              (rc = fw__json_bool(q, "$.qualifications", "adult_only", FW__OPTIONAL, &r->adult_only,
                                  err)) != FW_OK))
        return rc;
    if ((rc = str_array(q, "$.qualifications", "certificates", 10, 32, 1, &r->certificates, err)) != FW_OK)
        return rc;
    if ((rc = fw__json_i64(root, "$", "take_deadline_ms", FW__REQUIRED, 0, FW__JSON_MAX_INT, &r->take_dl,
                           err)) != FW_OK ||
        (rc = fw__json_i64(root, "$", "delivery_deadline_ms", FW__REQUIRED, 0, FW__JSON_MAX_INT,
                           &r->delivery_dl, err)) != FW_OK ||
        (rc = fw__json_i64(root, "$", "auto_accept_ms", FW__OPTIONAL, 0, MAX_AUTO_ACCEPT_MS, &r->auto_ms,
                           err)) != FW_OK ||
        (rc = fw__json_i64(root, "$", "max_revisions", FW__OPTIONAL, 0, 10, &r->max_rev, err)) != FW_OK ||
        (rc = hash_refs(root, "attachments", 50, &r->attachments, err)) != FW_OK ||
        (rc = fw__json_str(root, "$", "external_ref", FW__OPTIONAL, 1, 128, &r->external_ref, err)) != FW_OK)
        return rc;
    if (r->take_dl <= now)
        return fw__error_set(err, FW_EINVAL, "$.take_deadline_ms", "must be in the future (now %lld), got %lld",
                             (long long)now, (long long)r->take_dl);
    if (r->delivery_dl < r->take_dl)
        return fw__error_set(err, FW_EINVAL, "$.delivery_deadline_ms",
                             "must not be before take_deadline_ms (%lld), got %lld", (long long)r->take_dl,
                             (long long)r->delivery_dl);
    return FW_OK;
}

/* Checks what needs the store: the category (giving its risk level and restriction), courses. */
static int task_resolve(fw_ctx *ctx, struct task_rec *r, int64_t *risk, fw_error **err)
{
    cJSON *certs;
    const cJSON *c;
    fw__stmt *s = NULL;
    char p[64];
    size_t i = 0;
    int rc = fw__db_query(ctx, &s, err, "SELECT risk_level, restricted FROM fw_task_category WHERE code=?",
                          "t", r->category);

    if (rc == FW_OK && (rc = fw__db_step(s, err)) == FW__ROW) {
        *risk = fw__db_col_i64(s, 0);
        if (fw__db_col_i64(s, 1))
            r->adult_only = 1;
        rc = FW_OK;
    } else if (rc == FW__DONE) {
        rc = fw__error_set(err, FW_EINVAL, "$.category",
                           "no category \"%s\"; fw_task_category_list() names them", r->category);
    }
    fw__db_done(s);
    if (rc != FW_OK)
        return rc;
    if (!(certs = cJSON_Parse(r->certificates)))
        return fw__error_nomem(err);
    cJSON_ArrayForEach(c, certs) {
        fw__json_path_index(p, sizeof(p), "$.qualifications.certificates", i++);
        if (!fw__training_course_exists(ctx, c->valuestring)) {
            rc = fw__error_set(err, FW_EINVAL, p, "no training course \"%s\"", c->valuestring);
            break;
        }
    }
    cJSON_Delete(certs);
    return rc;
}

/* The owner check of an action on an enterprise's task. */
static int require_owner(fw_ctx *ctx, const char *action, fw_id enterprise_id, fw_error **err)
{
    return fw__authz_require_owner(ctx, action, enterprise_id, 0, err);
}

static int task_insert(fw_ctx *ctx, const struct task_rec *r, int64_t risk, fw_id *out, fw_error **err)
{
    int64_t now = fw_ctx_now(ctx);
    int rc = fw__db_exec(ctx, err,
                         "INSERT INTO fw_task(enterprise_id, state, title, description, category, risk_level, "
                         "location, remote, unit_price_fen, slots, per_worker, certificates, min_rating_x100, "
                         "adult_only, take_deadline_ms, delivery_deadline_ms, auto_accept_ms, max_revisions, "
                         "attachments, external_ref, created_ms, updated_ms) "
                         "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                         "iitttitiiiitiiiiiittii", r->enterprise_id, (int64_t)FW_TASK_DRAFT, r->title,
                         r->description, r->category, risk, r->location, (int64_t)r->remote, r->unit,
                         r->slots, r->per_worker, r->certificates, r->min_rating, (int64_t)r->adult_only,
                         r->take_dl, r->delivery_dl, r->auto_ms, r->max_rev, r->attachments,
                         r->external_ref, now, now);
    if (rc == FW_OK) {
        *out = fw__db_last_id(ctx);
        if (r->budget)
            rc = fw__db_exec(ctx, err, "UPDATE fw_task SET budget_fen=? WHERE id=?", "ii", r->budget, *out);
    }
    return rc;
}

static int task_rewrite(fw_ctx *ctx, fw_id id, const struct task_rec *r, int64_t risk, fw_error **err)
{
    int rc = fw__db_exec(ctx, err,
                         "UPDATE fw_task SET title=?, description=?, category=?, risk_level=?, location=?, "
                         "remote=?, unit_price_fen=?, budget_fen=NULL, slots=?, per_worker=?, certificates=?, "
                         "min_rating_x100=?, adult_only=?, take_deadline_ms=?, delivery_deadline_ms=?, "
                         "auto_accept_ms=?, max_revisions=?, attachments=?, external_ref=?, flags='[]', "
                         "updated_ms=? WHERE id=?",
                         "tttitiiiitiiiiiittii", r->title, r->description, r->category, risk, r->location,
                         (int64_t)r->remote, r->unit, r->slots, r->per_worker, r->certificates,
                         r->min_rating, (int64_t)r->adult_only, r->take_dl, r->delivery_dl, r->auto_ms,
                         r->max_rev, r->attachments, r->external_ref, fw_ctx_now(ctx), id);
    if (rc == FW_OK && r->budget)
        rc = fw__db_exec(ctx, err, "UPDATE fw_task SET budget_fen=? WHERE id=?", "ii", r->budget, id);
    return rc;
}

int fw__task_row_json(fw_ctx *ctx, fw_id task_id, cJSON **out, fw_error **err)
{
    cJSON *o, *q, *rv;
    fw__stmt *s = NULL;
    int rc = fw__db_query(ctx, &s, err,
                          "SELECT enterprise_id, state, title, description, category, risk_level, remote, "
                          "location, unit_price_fen, budget_fen, slots, slots_taken, per_worker, certificates, "
                          "min_rating_x100, adult_only, take_deadline_ms, delivery_deadline_ms, auto_accept_ms, "
                          "max_revisions, attachments, external_ref, flags, review_decision, review_reasons, "
                          "review_ack, reviewed_by, reviewed_ms, cancel_reason, created_ms, updated_ms, "
                          "submitted_ms, published_ms, ended_ms FROM fw_task WHERE id=?", "i", task_id);
    int i;

    if (rc == FW_OK)
        rc = fw__db_step(s, err);
    if (rc == FW__DONE)
        rc = fw__error_set(err, FW_ENOTFOUND, NULL, "no task %lld", (long long)task_id);
    if (rc != FW__ROW) {
        fw__db_done(s);
        return rc;
    }
    o = cJSON_CreateObject();
    q = cJSON_CreateObject();
    fw__json_add_i64(o, "id", task_id);
    fw__json_add_i64(o, "enterprise_id", fw__db_col_i64(s, 0));
    fw__json_add_i64(o, "state", fw__db_col_i64(s, 1));
    cJSON_AddStringToObject(o, "state_name", fw__task_state_name(fw__db_col_i64(s, 1)));
    cJSON_AddStringToObject(o, "title", fw__db_col_text(s, 2));
    cJSON_AddStringToObject(o, "description", fw__db_col_text(s, 3));
    cJSON_AddStringToObject(o, "category", fw__db_col_text(s, 4));
    cJSON_AddStringToObject(o, "risk_level", risk_name(fw__db_col_i64(s, 5)));
    cJSON_AddBoolToObject(o, "remote", fw__db_col_i64(s, 6) != 0);
#define OPT_TEXT(name, col)                                          \
    if (fw__db_col_is_null(s, col))                                  \
        cJSON_AddNullToObject(o, name);                              \
    else                                                             \
        cJSON_AddStringToObject(o, name, fw__db_col_text(s, col));
#define OPT_I64(obj, name, col)                                      \
    if (fw__db_col_is_null(s, col))                                  \
        cJSON_AddNullToObject(obj, name);                            \
    else                                                             \
        fw__json_add_i64(obj, name, fw__db_col_i64(s, col));
    OPT_TEXT("location", 7)
    fw__json_add_i64(o, "unit_price_fen", fw__db_col_i64(s, 8));
    OPT_I64(o, "budget_fen", 9)
    fw__json_add_i64(o, "slots", fw__db_col_i64(s, 10));
    fw__json_add_i64(o, "slots_taken", fw__db_col_i64(s, 11));
    fw__json_add_i64(o, "per_worker", fw__db_col_i64(s, 12));
    cJSON_AddItemToObject(q, "certificates", cJSON_Parse(fw__db_col_text(s, 13)));
    fw__json_add_i64(q, "min_rating_x100", fw__db_col_i64(s, 14));
    cJSON_AddBoolToObject(q, "adult_only", fw__db_col_i64(s, 15) != 0);
    cJSON_AddItemToObject(o, "qualifications", q);
    fw__json_add_i64(o, "take_deadline_ms", fw__db_col_i64(s, 16));
    fw__json_add_i64(o, "delivery_deadline_ms", fw__db_col_i64(s, 17));
    fw__json_add_i64(o, "auto_accept_ms", fw__db_col_i64(s, 18));
    fw__json_add_i64(o, "max_revisions", fw__db_col_i64(s, 19));
    cJSON_AddItemToObject(o, "attachments", cJSON_Parse(fw__db_col_text(s, 20)));
    OPT_TEXT("external_ref", 21)
    cJSON_AddItemToObject(o, "flags", cJSON_Parse(fw__db_col_text(s, 22)));
    if (fw__db_col_is_null(s, 23)) {
        cJSON_AddNullToObject(o, "review");
    } else {
        rv = cJSON_CreateObject();
        cJSON_AddStringToObject(rv, "decision", fw__db_col_text(s, 23));
        cJSON_AddItemToObject(rv, "reasons", cJSON_Parse(fw__db_col_text(s, 24)));
        cJSON_AddItemToObject(rv, "acknowledged", cJSON_Parse(fw__db_col_text(s, 25)));
        cJSON_AddStringToObject(rv, "by", fw__db_col_text(s, 26));
        fw__json_add_i64(rv, "at_ms", fw__db_col_i64(s, 27));
        cJSON_AddItemToObject(o, "review", rv);
    }
    OPT_TEXT("cancel_reason", 28)
    fw__json_add_i64(o, "created_ms", fw__db_col_i64(s, 29));
    fw__json_add_i64(o, "updated_ms", fw__db_col_i64(s, 30));
    {
        static const char *const names[] = { "submitted_ms", "published_ms", "ended_ms" };
        for (i = 0; i < 3; i++) {
            OPT_I64(o, names[i], 31 + i)
        }
    }
#undef OPT_TEXT
#undef OPT_I64
    fw__db_done(s);
    *out = o;
    return FW_OK;
}

int fw__task_core_load(fw_ctx *ctx, fw_id task_id, struct fw__task_core *t, fw_error **err)
{
    fw__stmt *s = NULL;
    int64_t changed = 0;
    int rc = fw__task_timers(ctx, task_id, &changed, err);

    if (rc == FW_OK)
        rc = fw__db_query(ctx, &s, err,
                          "SELECT enterprise_id, state, unit_price_fen, slots, slots_taken, per_worker, "
                          "min_rating_x100, adult_only, take_deadline_ms, delivery_deadline_ms, auto_accept_ms, "
                          "max_revisions, risk_level, category, certificates FROM fw_task WHERE id=?", "i",
                          task_id);
    if (rc == FW_OK && (rc = fw__db_step(s, err)) == FW__ROW) {
        memset(t, 0, sizeof(*t));
        t->id = task_id;
        t->enterprise_id = fw__db_col_i64(s, 0);
        t->state = fw__db_col_i64(s, 1);
        t->unit_price_fen = fw__db_col_i64(s, 2);
        t->slots = fw__db_col_i64(s, 3);
        t->slots_taken = fw__db_col_i64(s, 4);
        t->per_worker = fw__db_col_i64(s, 5);
        t->min_rating_x100 = fw__db_col_i64(s, 6);
        t->adult_only = fw__db_col_i64(s, 7);
        t->take_deadline_ms = fw__db_col_i64(s, 8);
        t->delivery_deadline_ms = fw__db_col_i64(s, 9);
        t->auto_accept_ms = fw__db_col_i64(s, 10);
        t->max_revisions = fw__db_col_i64(s, 11);
        t->risk_level = fw__db_col_i64(s, 12);
        snprintf(t->category, sizeof(t->category), "%s", fw__db_col_text(s, 13));
        snprintf(t->certificates, sizeof(t->certificates), "%s", fw__db_col_text(s, 14));
        rc = FW_OK;
    } else if (rc == FW__DONE) {
        rc = fw__error_set(err, FW_ENOTFOUND, NULL, "no task %lld", (long long)task_id);
    }
    fw__db_done(s);
    return rc;
}

int fw__task_set_state(fw_ctx *ctx, fw_id task_id, int64_t from, int64_t to, const char *action,
                       const char *extra, fw_error **err)
{
    int64_t now = fw_ctx_now(ctx);
    int rc;
    int ends = to == FW_TASK_COMPLETED || to == FW_TASK_CANCELLED || to == FW_TASK_EXPIRED;

    rc = fw__db_exec(ctx, err, "UPDATE fw_task SET state=?, updated_ms=? WHERE id=? AND state=?", "iiii", to,
                     now, task_id, from);
    if (rc == FW_OK && fw__db_changes(ctx) != 1)
        rc = fw__error_set(err, FW_ESTATE, NULL, "task %lld changed state while being updated",
                           (long long)task_id);
    if (rc == FW_OK && to == FW_TASK_SUBMITTED)
        rc = fw__db_exec(ctx, err, "UPDATE fw_task SET submitted_ms=? WHERE id=?", "ii", now, task_id);
    if (rc == FW_OK && to == FW_TASK_PUBLISHED)
        rc = fw__db_exec(ctx, err, "UPDATE fw_task SET published_ms=? WHERE id=?", "ii", now, task_id);
    if (rc == FW_OK && ends)
        rc = fw__db_exec(ctx, err, "UPDATE fw_task SET ended_ms=? WHERE id=?", "ii", now, task_id);
    if (rc == FW_OK)
        rc = fw__task_audit(ctx, err, action, "task", task_id, "{\"from\":\"%s\",\"to\":\"%s\"%s%s}",
                            fw__task_state_name(from), fw__task_state_name(to), extra ? "," : "",
                            extra ? extra : "");
    return rc;
}

/* FW_ESTATE naming the state the task is in and the ones the action needs. */
static int wrong_state(fw_error **err, const struct fw__task_core *t, const char *what, const char *needs)
{
    return fw__error_set(err, FW_ESTATE, NULL, "task %lld is %s; %s needs a task that is %s",
                         (long long)t->id, fw__task_state_name(t->state), what, needs);
}

/* ---- the handle --------------------------------------------------------------------------- */

static int may_read_task(fw_ctx *ctx, fw_id task_id, fw_id enterprise_id, int64_t state, fw_error **err)
{
    int64_t n = 0;
    int rc;

    if (ctx->role == FW_ROLE_ENTERPRISE_USER)
        return require_owner(ctx, "task.get", enterprise_id, err);
    if (ctx->role != FW_ROLE_WORKER)
        return FW_OK;
    if (state == FW_TASK_PUBLISHED || state == FW_TASK_IN_PROGRESS || state == FW_TASK_COMPLETED)
        return FW_OK;
    rc = fw__db_i64(ctx, &n, err, "SELECT count(*) FROM fw_task_assignment WHERE task_id=? AND worker_id=?",
                    "ii", task_id, ctx->party_id);
    if (rc == FW_OK && n == 0)
        rc = fw__error_set(err, FW_EPERM, NULL, "task.get: task %lld is %s; a worker reads only open tasks "
                           "and tasks it worked on", (long long)task_id, fw__task_state_name(state));
    return rc;
}

/* Builds a handle from the stored task, inside the caller's transaction. */
static int task_handle(fw_ctx *ctx, fw_id task_id, int check_reader, fw_task **out, fw_error **err)
{
    struct fw__task_core t;
    cJSON *o = NULL;
    fw_task *h;
    int rc = fw__task_core_load(ctx, task_id, &t, err);

    if (rc == FW_OK && check_reader)
        rc = may_read_task(ctx, task_id, t.enterprise_id, t.state, err);
    if (rc == FW_OK)
        rc = fw__task_row_json(ctx, task_id, &o, err);
    if (rc != FW_OK)
        return rc;
    if (!(h = calloc(1, sizeof(*h))) || !(h->json = fw__json_print(o))) {
        free(h);
        cJSON_Delete(o);
        return fw__error_nomem(err);
    }
    cJSON_Delete(o);
    h->id = task_id;
    h->enterprise_id = t.enterprise_id;
    h->state = (uint32_t)t.state;
    h->unit_price_fen = t.unit_price_fen;
    h->slots = t.slots;
    h->slots_taken = t.slots_taken;
    *out = h;
    return FW_OK;
}

fw_id fw_task_id(const fw_task *t) { return t ? t->id : 0; }
fw_id fw_task_enterprise_id(const fw_task *t) { return t ? t->enterprise_id : 0; }
uint32_t fw_task_state(const fw_task *t) { return t ? t->state : 0; }
int64_t fw_task_unit_price_fen(const fw_task *t) { return t ? t->unit_price_fen : 0; }
int64_t fw_task_slots_left(const fw_task *t) { return t ? t->slots - t->slots_taken : 0; }

int fw_task_to_json(const fw_task *t, char **out_json, size_t *out_len, fw_error **err)
{
    char *copy;
    if (!t || !out_json)
        return fw__error_set(err, FW_EINVAL, NULL, "t and out_json are required");
    if (!(copy = strdup(t->json)))
        return fw__error_nomem(err);
    *out_json = copy;
    if (out_len)
        *out_len = strlen(copy);
    return FW_OK;
}

void fw_task_free(fw_task *t)
{
    if (t) {
        free(t->json);
        free(t);
    }
}

int fw_task_load(fw_task **out, fw_ctx *ctx, fw_id task_id, fw_error **err)
{
    fw_task *h = NULL;
    int rc;

    if (!out || !ctx)
        return fw__error_set(err, FW_EINVAL, NULL, "out and ctx are required");
    if ((rc = fw__authz_require(ctx, "task.get", err)) != FW_OK)
        return rc;
    /* a read applies the task's due timers, so it writes */
    if ((rc = fw__tx_begin(ctx, err)) != FW_OK)
        return rc;
    rc = task_handle(ctx, task_id, 1, &h, err);
    rc = fw__tx_end(ctx, rc, err);
    if (rc == FW_OK)
        *out = h;
    else
        fw_task_free(h);
    return rc;
}

int fw_task_get(fw_ctx *ctx, fw_id task_id, char **out_json, size_t *out_len, fw_error **err)
{
    fw_task *t = NULL;
    int rc;

    if (!out_json)
        return fw__error_set(err, FW_EINVAL, NULL, "out_json is required");
    rc = fw_task_load(&t, ctx, task_id, err);
    if (rc == FW_OK)
        rc = fw_task_to_json(t, out_json, out_len, err);
    fw_task_free(t);
    return rc;
}

/* ---- creation and change ------------------------------------------------------------------ */

int fw_task_create(fw_task **out, fw_ctx *ctx, const char *json, size_t json_len, fw_error **err)
{
    struct task_rec r;
    cJSON *root = NULL;
    fw_task *h = NULL;
    int64_t risk = FW_TASK_RISK_LOW;
    fw_id id = 0;
    int rc;

    if (!out || !ctx || !json)
        return fw__error_set(err, FW_EINVAL, NULL, "out, ctx and json are required");
    if ((rc = fw__authz_require(ctx, "task.create", err)) != FW_OK)
        return rc;
    memset(&r, 0, sizeof(r));
    rc = fw__json_parse(&root, json, json_len, err);
    if (rc == FW_OK)
        rc = task_parse(root, fw_ctx_now(ctx), &r, err);
    if (rc == FW_OK)
        rc = require_owner(ctx, "task.create", r.enterprise_id, err);
    if (rc == FW_OK && (rc = fw__tx_begin(ctx, err)) == FW_OK) {
        rc = fw__party_require_active_enterprise(ctx, r.enterprise_id, err);
        if (rc == FW_OK)
            rc = task_resolve(ctx, &r, &risk, err);
        if (rc == FW_OK)
            rc = task_insert(ctx, &r, risk, &id, err);
        if (rc == FW_OK)
            rc = fw__task_audit(ctx, err, "task.create", "task", id,
                                "{\"enterprise_id\":%lld,\"category\":\"%s\",\"unit_price_fen\":%lld,"
                                "\"slots\":%lld,\"state\":\"draft\"}", (long long)r.enterprise_id,
                                r.category, (long long)r.unit, (long long)r.slots);
        if (rc == FW_OK)
            rc = task_handle(ctx, id, 0, &h, err);
        rc = fw__tx_end(ctx, rc, err);
    }
    if (rc == FW_OK)
        *out = h;
    else
        fw_task_free(h);
    task_rec_clear(&r);
    cJSON_Delete(root);
    return rc;
}

int fw_task_update(fw_ctx *ctx, fw_id task_id, const char *json, size_t json_len, fw_error **err)
{
    struct task_rec r;
    struct fw__task_core t;
    cJSON *root = NULL;
    int64_t risk = FW_TASK_RISK_LOW;
    int rc;

    if (!ctx || !json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and json are required");
    if ((rc = fw__authz_require(ctx, "task.update", err)) != FW_OK)
        return rc;
    memset(&r, 0, sizeof(r));
    rc = fw__json_parse(&root, json, json_len, err);
    if (rc == FW_OK)
        rc = task_parse(root, fw_ctx_now(ctx), &r, err);
    if (rc == FW_OK && (rc = fw__tx_begin(ctx, err)) == FW_OK) {
        rc = fw__task_core_load(ctx, task_id, &t, err);
        if (rc == FW_OK)
            rc = require_owner(ctx, "task.update", t.enterprise_id, err);
        if (rc == FW_OK && t.enterprise_id != r.enterprise_id)
            rc = fw__error_set(err, FW_EINVAL, "$.enterprise_id", "must stay %lld, got %lld",
                               (long long)t.enterprise_id, (long long)r.enterprise_id);
        if (rc == FW_OK && t.state != FW_TASK_DRAFT && t.state != FW_TASK_REJECTED)
            rc = wrong_state(err, &t, "a change", "draft or rejected");
        if (rc == FW_OK)
            rc = task_resolve(ctx, &r, &risk, err);
        if (rc == FW_OK)
            rc = task_rewrite(ctx, task_id, &r, risk, err);
        if (rc == FW_OK && t.state == FW_TASK_REJECTED)
            rc = fw__task_set_state(ctx, task_id, t.state, FW_TASK_DRAFT, "task.update", "\"revised\":true", err);
        else if (rc == FW_OK)
            rc = fw__task_audit(ctx, err, "task.update", "task", task_id,
                                "{\"category\":\"%s\",\"unit_price_fen\":%lld,\"slots\":%lld}", r.category,
                                (long long)r.unit, (long long)r.slots);
        rc = fw__tx_end(ctx, rc, err);
    }
    task_rec_clear(&r);
    cJSON_Delete(root);
    return rc;
}

/* ---- the business-authenticity check (R-6.g) ---------------------------------------------- */

static void add_flag(cJSON *flags, const char *code, const char *detail)
{
    cJSON *f = cJSON_CreateObject();
    cJSON_AddStringToObject(f, "code", code);
    cJSON_AddStringToObject(f, "detail", detail);
    cJSON_AddItemToArray(flags, f);
}

static int flag_price(fw_ctx *ctx, const struct fw__task_core *t, cJSON *flags, fw_error **err)
{
    fw__stmt *s = NULL;
    char d[256], a[32], b[32], c[32];
    int rc = fw__db_query(ctx, &s, err, "SELECT min_unit_fen, max_unit_fen FROM fw_task_category WHERE code=?",
                          "t", t->category);

    if (rc == FW_OK && (rc = fw__db_step(s, err)) == FW__ROW) {
        int64_t min = fw__db_col_i64(s, 0), max = fw__db_col_i64(s, 1);
        if (max > 0 && (t->unit_price_fen < min || t->unit_price_fen > max)) {
            snprintf(d, sizeof(d), "unit price %s is outside the %s range %s to %s",
                     fw__money_format(t->unit_price_fen, a, sizeof(a)), t->category,
                     fw__money_format(min, b, sizeof(b)), fw__money_format(max, c, sizeof(c)));
            add_flag(flags, "PRICE_OUT_OF_RANGE", d);
        }
        rc = FW_OK;
    } else if (rc == FW__DONE) {
        rc = FW_OK;
    }
    fw__db_done(s);
    return rc;
}

static int flag_scope(fw_ctx *ctx, const struct fw__task_core *t, cJSON *flags, fw_error **err)
{
    fw__stmt *s = NULL;
    cJSON *kw = NULL;
    const cJSON *k;
    char *scope = NULL, d[300];
    int rc, any = 0, found = 0;

    rc = fw__db_query(ctx, &s, err, "SELECT scope_keywords FROM fw_task_category WHERE code=?", "t", t->category);
    if (rc == FW_OK && (rc = fw__db_step(s, err)) == FW__ROW) {
        kw = cJSON_Parse(fw__db_col_text(s, 0));
        rc = FW_OK;
    } else if (rc == FW__DONE) {
        rc = FW_OK;
    }
    fw__db_done(s);
    /* the enterprise's registered business scope is public registry data, not personal data */
    if (rc == FW_OK)
        rc = fw__db_query(ctx, &s, err, "SELECT business_scope FROM fw_party_enterprise WHERE id=?", "i",
                          t->enterprise_id);
    if (rc == FW_OK && (rc = fw__db_step(s, err)) == FW__ROW) {
        scope = strdup(fw__db_col_text(s, 0));
        rc = scope ? FW_OK : fw__error_nomem(err);
    } else if (rc == FW__DONE) {
        rc = fw__error_set(err, FW_ENOTFOUND, NULL, "no enterprise %lld", (long long)t->enterprise_id);
    }
    fw__db_done(s);
    cJSON_ArrayForEach(k, kw) {
        any = 1;
        if (scope && cJSON_IsString(k) && strstr(scope, k->valuestring))
            found = 1;
    }
    if (rc == FW_OK && any && !found) {
        snprintf(d, sizeof(d), "none of the keywords of category %s is in enterprise %lld's business scope",
                 t->category, (long long)t->enterprise_id);
        add_flag(flags, "OUTSIDE_BUSINESS_SCOPE", d);
    }
    free(scope);
    cJSON_Delete(kw);
    return rc;
}

static int flag_recurring(fw_ctx *ctx, const struct fw__task_core *t, cJSON *flags, fw_error **err)
{
    fw__stmt *s = NULL;
    int64_t min_months = 3, lookback = 6, workers = 0, first = 0;
    int y, m, d, rc;
    char from[16], det[300], amt[32];

    rc = fw__db_query(ctx, &s, err, "SELECT recurring_min_months, lookback_months FROM fw_task_policy WHERE id=1",
                      "");
    if (rc == FW_OK && (rc = fw__db_step(s, err)) == FW__ROW) {
        min_months = fw__db_col_i64(s, 0);
        lookback = fw__db_col_i64(s, 1);
        rc = FW_OK;
    } else if (rc == FW__DONE) {
        rc = FW_OK;
    }
    fw__db_done(s);
    if (rc != FW_OK)
        return rc;
    fw__cst_date(fw_ctx_now(ctx), &y, &m, &d);
    m -= (int)(lookback - 1);
    while (m < 1) {
        m += 12;
        y--;
    }
    snprintf(from, sizeof(from), "%04d-%02d", y, m);
    rc = fw__db_query(ctx, &s, err,
                      "SELECT worker_id FROM fw_task_assignment WHERE enterprise_id=? AND amount_fen=? AND state=? "
                      "AND accepted_month>=? GROUP BY worker_id HAVING count(DISTINCT accepted_month)>=? "
                      "ORDER BY worker_id", "iiiti", t->enterprise_id, t->unit_price_fen,
                      (int64_t)FW_ASSIGNMENT_ACCEPTED, from, min_months);
    while (rc == FW_OK && (rc = fw__db_step(s, err)) == FW__ROW) {
        if (!workers++)
            first = fw__db_col_i64(s, 0);
        rc = FW_OK;
    }
    fw__db_done(s);
    if (rc != FW__DONE)
        return rc;
    if (workers > 0) {
        snprintf(det, sizeof(det), "%lld worker(s), first worker %lld, were paid %s by enterprise %lld in at "
                 "least %lld of the last %lld months", (long long)workers, (long long)first,
                 fw__money_format(t->unit_price_fen, amt, sizeof(amt)), (long long)t->enterprise_id,
                 (long long)min_months, (long long)lookback);
        add_flag(flags, "RECURRING_FIXED_PAY", det);
    }
    return FW_OK;
}

/* Runs the check and stores the flags on the task; *out is the array (the caller's). */
static int authenticity_check(fw_ctx *ctx, const struct fw__task_core *t, cJSON **out, fw_error **err)
{
    cJSON *flags = cJSON_CreateArray();
    char *text = NULL;
    int rc = flags ? FW_OK : fw__error_nomem(err);

    if (rc == FW_OK)
        rc = flag_price(ctx, t, flags, err);
    if (rc == FW_OK)
        rc = flag_scope(ctx, t, flags, err);
    if (rc == FW_OK)
        rc = flag_recurring(ctx, t, flags, err);
    if (rc == FW_OK && !(text = fw__json_print(flags)))
        rc = fw__error_nomem(err);
    if (rc == FW_OK)
        rc = fw__db_exec(ctx, err, "UPDATE fw_task SET flags=? WHERE id=?", "ti", text, t->id);
    free(text);
    if (rc == FW_OK)
        *out = flags;
    else
        cJSON_Delete(flags);
    return rc;
}

/* The flag codes as a JSON array text into buf. */
static const char *flag_codes(const cJSON *flags, char *buf, size_t size)
{
    const cJSON *f;
    size_t n = 0;
    buf[n++] = '[';
    cJSON_ArrayForEach(f, flags) {
        const char *c = cJSON_GetObjectItem(f, "code")->valuestring;
        n += (size_t)snprintf(buf + n, size - n, "%s\"%s\"", n > 1 ? "," : "", c);
        if (n >= size - 2)
            break;
    }
    snprintf(buf + n, size - n, "]");
    return buf;
}

/* ---- transitions --------------------------------------------------------------------------- */

int fw_task_submit(fw_ctx *ctx, fw_id task_id, uint32_t *out_flags, fw_error **err)
{
    struct fw__task_core t;
    cJSON *flags = NULL;
    char codes[256], extra[300];
    int rc;

    if (!ctx)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx is required");
    if ((rc = fw__authz_require(ctx, "task.submit", err)) != FW_OK)
        return rc;
    if ((rc = fw__tx_begin(ctx, err)) != FW_OK)
        return rc;
    rc = fw__task_core_load(ctx, task_id, &t, err);
    if (rc == FW_OK)
        rc = require_owner(ctx, "task.submit", t.enterprise_id, err);
    if (rc == FW_OK && t.state != FW_TASK_DRAFT)
        rc = wrong_state(err, &t, "submission", "draft");
    if (rc == FW_OK)
        rc = fw__party_require_active_enterprise(ctx, t.enterprise_id, err);
    if (rc == FW_OK)
        rc = authenticity_check(ctx, &t, &flags, err);
    if (rc == FW_OK) {
        snprintf(extra, sizeof(extra), "\"flags\":%s", flag_codes(flags, codes, sizeof(codes)));
        rc = fw__task_set_state(ctx, task_id, t.state, FW_TASK_SUBMITTED, "task.submit", extra, err);
    }
    rc = fw__tx_end(ctx, rc, err);
    if (rc == FW_OK && out_flags)
        *out_flags = (uint32_t)cJSON_GetArraySize(flags);
    cJSON_Delete(flags);
    return rc;
}

static int in_array(const cJSON *arr, const char *s)
{
    const cJSON *it;
    cJSON_ArrayForEach(it, arr)
        if (cJSON_IsString(it) && strcmp(it->valuestring, s) == 0)
            return 1;
    return 0;
}

int fw_task_review(fw_ctx *ctx, fw_id task_id, const char *json, size_t json_len, fw_error **err)
{
    static const char *const fields[] = { "decision", "reasons", "acknowledge", NULL };
    static const char *const decisions[] = { "approve", "reject", NULL };
    struct fw__task_core t;
    cJSON *root = NULL, *flags = NULL;
    const cJSON *reasons = NULL, *ack = NULL, *f;
    char *rtext = NULL, *atext = NULL, codes[256], extra[400], missing[256] = "";
    int decision = 0, rc;

    if (!ctx || !json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and json are required");
    if ((rc = fw__authz_require(ctx, "task.review", err)) != FW_OK)
        return rc;
    rc = fw__json_parse(&root, json, json_len, err);
    if (rc == FW_OK && (rc = fw__json_only(root, "$", fields, err)) == FW_OK &&
        (rc = fw__json_enum(root, "$", "decision", FW__REQUIRED, decisions, &decision, err)) == FW_OK &&
        (rc = str_array(root, "$", "reasons", 20, 500, 0, &rtext, err)) == FW_OK)
        rc = str_array(root, "$", "acknowledge", 10, 32, 1, &atext, err);
    if (rc == FW_OK) {
        fw__json_arr(root, "$", "reasons", FW__OPTIONAL, 20, &reasons, NULL);
        fw__json_arr(root, "$", "acknowledge", FW__OPTIONAL, 10, &ack, NULL);
        if (decision == 1 && cJSON_GetArraySize(reasons) == 0)
            rc = fw__error_set(err, FW_EINVAL, "$.reasons", "a rejection needs at least one reason");
    }
    if (rc == FW_OK && (rc = fw__tx_begin(ctx, err)) == FW_OK) {
        rc = fw__task_core_load(ctx, task_id, &t, err);
        if (rc == FW_OK && t.state != FW_TASK_SUBMITTED)
            rc = wrong_state(err, &t, "a review", "submitted");
        if (rc == FW_OK)
            rc = authenticity_check(ctx, &t, &flags, err);
        if (rc == FW_OK && decision == 0) {
            size_t n = 0;
            cJSON_ArrayForEach(f, flags) {
                const char *c = cJSON_GetObjectItem(f, "code")->valuestring;
                if (!in_array(ack, c))
                    n += (size_t)snprintf(missing + n, sizeof(missing) - n, "%s%s", n ? ", " : "", c);
                if (n >= sizeof(missing) - 1)
                    break;
            }
            if (n)
                rc = fw__error_set(err, FW_EDENIED, "$.acknowledge",
                                   "AUTHENTICITY_REVIEW_REQUIRED: task %lld is flagged %s; approving it needs "
                                   "each flag in acknowledge and a reason", (long long)task_id, missing);
            else if (cJSON_GetArraySize(flags) > 0 && cJSON_GetArraySize(reasons) == 0)
                rc = fw__error_set(err, FW_EINVAL, "$.reasons",
                                   "approving a flagged task needs a reason why the work is genuine");
        }
        if (rc == FW_OK)
            rc = fw__db_exec(ctx, err, "UPDATE fw_task SET review_decision=?, review_reasons=?, review_ack=?, "
                             "reviewed_by=?, reviewed_ms=? WHERE id=?", "ttttii", decisions[decision], rtext,
                             atext, ctx->actor_name ? ctx->actor_name : fw__role_name(ctx->role),
                             fw_ctx_now(ctx), task_id);
        if (rc == FW_OK) {
            snprintf(extra, sizeof(extra), "\"decision\":\"%s\",\"flags\":%s,\"acknowledged\":%s",
                     decisions[decision], flag_codes(flags, codes, sizeof(codes)), atext);
            rc = fw__task_set_state(ctx, task_id, t.state, decision == 0 ? FW_TASK_APPROVED : FW_TASK_REJECTED,
                                    "task.review", extra, err);
        }
        rc = fw__tx_end(ctx, rc, err);
    }
    free(rtext);
    free(atext);
    cJSON_Delete(flags);
    cJSON_Delete(root);
    return rc;
}

int fw_task_publish(fw_ctx *ctx, fw_id task_id, fw_error **err)
{
    struct fw__task_core t;
    int rc;

    if (!ctx)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx is required");
    if ((rc = fw__authz_require(ctx, "task.publish", err)) != FW_OK)
        return rc;
    if ((rc = fw__tx_begin(ctx, err)) != FW_OK)
        return rc;
    rc = fw__task_core_load(ctx, task_id, &t, err);
    if (rc == FW_OK)
        rc = require_owner(ctx, "task.publish", t.enterprise_id, err);
    if (rc == FW_OK && t.state != FW_TASK_APPROVED)
        rc = wrong_state(err, &t, "publication", "approved");
    if (rc == FW_OK && t.take_deadline_ms <= fw_ctx_now(ctx))
        rc = fw__error_set(err, FW_ESTATE, NULL, "task %lld's taking deadline has passed; it cannot be "
                           "published (cancel it and create a new one)", (long long)task_id);
    if (rc == FW_OK)
        rc = fw__party_require_active_enterprise(ctx, t.enterprise_id, err);
    if (rc == FW_OK)
        rc = fw__task_set_state(ctx, task_id, t.state, FW_TASK_PUBLISHED, "task.publish", NULL, err);
    return fw__tx_end(ctx, rc, err);
}

int fw_task_cancel(fw_ctx *ctx, fw_id task_id, const char *reason, fw_error **err)
{
    struct fw__task_core t;
    char *q = NULL, extra[700];
    size_t n = reason ? strlen(reason) : 0;
    int rc;

    if (!ctx)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx is required");
    if (n == 0 || n > 500)
        return fw__error_set(err, FW_EINVAL, "reason", "a reason of 1 to 500 bytes is required");
    if ((rc = fw__authz_require(ctx, "task.cancel", err)) != FW_OK)
        return rc;
    if ((rc = fw__tx_begin(ctx, err)) != FW_OK)
        return rc;
    rc = fw__task_core_load(ctx, task_id, &t, err);
    if (rc == FW_OK)
        rc = require_owner(ctx, "task.cancel", t.enterprise_id, err);
    if (rc == FW_OK && t.state != FW_TASK_DRAFT && t.state != FW_TASK_SUBMITTED && t.state != FW_TASK_APPROVED &&
        t.state != FW_TASK_REJECTED && t.state != FW_TASK_PUBLISHED)
        rc = wrong_state(err, &t, "cancellation", "draft, submitted, approved, rejected or published "
                         "(an in-progress task is closed once its assignments end)");
    if (rc == FW_OK)
        rc = fw__db_exec(ctx, err, "UPDATE fw_task SET cancel_reason=? WHERE id=?", "ti", reason, task_id);
    if (rc == FW_OK && !(q = fw__task_quote(reason)))
        rc = fw__error_nomem(err);
    if (rc == FW_OK) {
        snprintf(extra, sizeof(extra), "\"reason\":%s", q);
        rc = fw__task_set_state(ctx, task_id, t.state, FW_TASK_CANCELLED, "task.cancel", extra, err);
    }
    free(q);
    return fw__tx_end(ctx, rc, err);
}

int fw_task_close(fw_ctx *ctx, fw_id task_id, fw_error **err)
{
    struct fw__task_core t;
    int64_t open = 0;
    int rc;

    if (!ctx)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx is required");
    if ((rc = fw__authz_require(ctx, "task.close", err)) != FW_OK)
        return rc;
    if ((rc = fw__tx_begin(ctx, err)) != FW_OK)
        return rc;
    rc = fw__task_core_load(ctx, task_id, &t, err);
    if (rc == FW_OK)
        rc = require_owner(ctx, "task.close", t.enterprise_id, err);
    if (rc == FW_OK && t.state != FW_TASK_IN_PROGRESS)
        rc = wrong_state(err, &t, "closing", "in progress");
    if (rc == FW_OK)
        rc = fw__db_i64(ctx, &open, err, "SELECT count(*) FROM fw_task_assignment WHERE task_id=? AND state IN "
                        "(1,2,3)", "i", task_id);
    if (rc == FW_OK && open > 0)
        rc = fw__error_set(err, FW_ESTATE, NULL, "task %lld has %lld open assignment(s); it closes when they "
                           "are accepted, rejected, withdrawn or overdue", (long long)task_id, (long long)open);
    if (rc == FW_OK)
        rc = fw__task_set_state(ctx, task_id, t.state, FW_TASK_COMPLETED, "task.close", "\"by\":\"enterprise\"",
                                err);
    return fw__tx_end(ctx, rc, err);
}

/* ---- queries ------------------------------------------------------------------------------- */

int fw_task_list(fw_ctx *ctx, const char *filter, size_t filter_len, char **out_json, size_t *out_len,
                 fw_error **err)
{
    static const char *const fields[] = { "enterprise_id", "state", "category", "after_id", "limit", NULL };
    cJSON *root = NULL, *res = NULL, *items = NULL, *o;
    const char *category = NULL;
    int64_t ent = 0, state = 0, after = 0, limit = 50, last = 0, n = 0;
    fw_id ids[501];
    fw__stmt *s = NULL;
    int rc, i, worker_only;

    if (!ctx || !out_json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and out_json are required");
    if ((rc = fw__authz_require(ctx, "task.list", err)) != FW_OK)
        return rc;
    if (filter) {
        rc = fw__json_parse(&root, filter, filter_len, err);
        if (rc == FW_OK && (rc = fw__json_only(root, "$", fields, err)) == FW_OK &&
            (rc = fw__json_i64(root, "$", "enterprise_id", FW__OPTIONAL, 1, FW__JSON_MAX_INT, &ent, err)) == FW_OK &&
            (rc = fw__json_i64(root, "$", "state", FW__OPTIONAL, 1, 9, &state, err)) == FW_OK &&
            (rc = fw__json_str(root, "$", "category", FW__OPTIONAL, 1, 32, &category, err)) == FW_OK)
            rc = fw__task_page(root, &after, &limit, err);
    }
    if (rc == FW_OK && ctx->role == FW_ROLE_ENTERPRISE_USER) {
        if (!ent)
            ent = ctx->party_id;
        rc = require_owner(ctx, "task.list", ent, err);
    }
    worker_only = ctx->role == FW_ROLE_WORKER;
    if (rc == FW_OK && worker_only && state && state != FW_TASK_PUBLISHED && state != FW_TASK_IN_PROGRESS)
        rc = fw__error_set(err, FW_EPERM, "$.state", "task.list: a worker lists only published and "
                           "in-progress tasks, got state %lld", (long long)state);
    if (rc == FW_OK && (rc = fw__tx_begin(ctx, err)) == FW_OK) {
        int64_t changed = 0;
        rc = fw__task_timers(ctx, 0, &changed, err);
        if (rc == FW_OK)
            rc = fw__db_query(ctx, &s, err,
                              "SELECT id FROM fw_task WHERE id>? AND (?=0 OR enterprise_id=?) AND (?=0 OR state=?) "
                              "AND (? IS NULL OR category=?) AND (?=0 OR state IN (5,6)) ORDER BY id LIMIT ?",
                              "iiiiittii", after, ent, ent, state, state, category, category,
                              (int64_t)worker_only, limit + 1);
        while (rc == FW_OK && (rc = fw__db_step(s, err)) == FW__ROW) {
            ids[n++] = fw__db_col_i64(s, 0);
            rc = FW_OK;
        }
        fw__db_done(s);
        if (rc == FW__DONE)
            rc = FW_OK;
        if (rc == FW_OK && (!(res = cJSON_CreateObject()) || !(items = cJSON_AddArrayToObject(res, "items"))))
            rc = fw__error_nomem(err);
        for (i = 0; rc == FW_OK && i < n && i < limit; i++) {
            if ((rc = fw__task_row_json(ctx, ids[i], &o, err)) == FW_OK)
                cJSON_AddItemToArray(items, o);
            last = ids[i];
        }
        if (rc == FW_OK) {
            if (n > limit)
                fw__json_add_i64(res, "next_after_id", last);
            else
                cJSON_AddNullToObject(res, "next_after_id");
        }
        rc = fw__tx_end(ctx, rc, err);
    }
    cJSON_Delete(root);
    if (rc != FW_OK) {
        cJSON_Delete(res);
        return rc;
    }
    return fw__json_out(res, out_json, out_len, err);
}
