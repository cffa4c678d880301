/*
 * Training: instructors, course requests from enterprises, courses,
 * sessions, enrolment, attendance, assessment and certificates. The schema is in
 * sql/001_training.sql.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/audit.h"
#include "core/authz.h"
#include "core/clock.h"
#include "core/ctx.h"
#include "core/db.h"
#include "core/error.h"
#include "core/json.h"
#include "core/vault.h"
#include "party/party.h"
#include "training/training.h"

#define T_INSTRUCTOR "fw_training_instructor"

static const char *enrolment_state_name(int64_t st)
{
    static const char *const names[] = { "unknown", "enrolled", "attended", "absent", "passed",
                                         "failed" };
    return st >= 0 && st < (int64_t)(sizeof(names) / sizeof(names[0])) ? names[st] : "unknown";
}

static int audit(fw_ctx *ctx, fw_error **err, const char *action, const char *entity, fw_id id,
                 const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static int audit(fw_ctx *ctx, fw_error **err, const char *action, const char *entity, fw_id id,
                 const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof(buf))
        return fw__error_set(err, FW_ERROR, NULL, "%s: audit detail too long", action);
    return fw__audit_append(ctx, action, entity, id, buf, (size_t)n, err);
}

/* An array of at most max strings of 1..max_len bytes, printed back as JSON text (malloc'd). */
static int str_array(const cJSON *root, const char *name, size_t max, size_t max_len, char **out,
                     fw_error **err)
{
    const cJSON *arr = NULL, *it;
    char base[64], p[80];
    size_t i = 0;
    int rc = fw__json_arr(root, "$", name, FW__OPTIONAL, max, &arr, err);

    if (rc != FW_OK)
        return rc;
    fw__json_path(base, sizeof(base), "$", name);
    cJSON_ArrayForEach(it, arr) {
        fw__json_path_index(p, sizeof(p), base, i++);
        if (!cJSON_IsString(it) || !*it->valuestring || strlen(it->valuestring) > max_len)
            return fw__error_set(err, FW_EINVAL, p, "must be text of 1 to %zu bytes", max_len);
    }
    *out = arr ? fw__json_print(arr) : strdup("[]");
    return *out ? FW_OK : fw__error_nomem(err);
}

static int check_quals(const cJSON *root, char **out, fw_error **err)
{
    static const char *const fields[] = { "kind", "sha256", NULL };
    const cJSON *arr = NULL, *q;
    const char *s;
    char p[64];
    size_t i = 0;
    int rc = fw__json_arr(root, "$", "qualifications", FW__OPTIONAL, 20, &arr, err);

    if (rc != FW_OK)
        return rc;
    cJSON_ArrayForEach(q, arr) {
        fw__json_path_index(p, sizeof(p), "$.qualifications", i++);
        if (!cJSON_IsObject(q))
            return fw__error_set(err, FW_EINVAL, p, "must be an object {\"kind\",\"sha256\"}");
        if ((rc = fw__json_only(q, p, fields, err)) != FW_OK ||
            (rc = fw__json_str(q, p, "kind", FW__REQUIRED, 1, 64, &s, err)) != FW_OK ||
            (rc = fw__json_hex(q, p, "sha256", FW__REQUIRED, 32, &s, err)) != FW_OK)
            return rc;
    }
    *out = arr ? fw__json_print(arr) : strdup("[]");
    return *out ? FW_OK : fw__error_nomem(err);
}

/* ---- instructors ---------------------------------------------------------------------- */

int fw_training_instructor_add(fw_ctx *ctx, const char *json, size_t json_len, fw_id *out_id,
                               fw_error **err)
{
    static const char *const fields[] = { "name", "title", "specialties", "qualifications", NULL };
    cJSON *root = NULL, *pii = NULL;
    const char *name = NULL, *title = NULL;
    char *spec = NULL, *quals = NULL, *plain = NULL, subject[48];
    unsigned char *sealed = NULL;
    size_t sealed_len = 0;
    fw_id id = 0;
    int rc;

    if (!ctx || !json || !out_id)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx, json and out_id are required");
    if ((rc = fw__authz_require(ctx, "training.instructor.add", err)) != FW_OK)
        return rc;
    rc = fw__json_parse(&root, json, json_len, err);
    if (rc == FW_OK && (rc = fw__json_only(root, "$", fields, err)) == FW_OK &&
        (rc = fw__json_str(root, "$", "name", FW__REQUIRED, 1, 100, &name, err)) == FW_OK &&
        (rc = fw__json_str(root, "$", "title", FW__OPTIONAL, 1, 100, &title, err)) == FW_OK &&
        (rc = str_array(root, "specialties", 20, 100, &spec, err)) == FW_OK)
        rc = check_quals(root, &quals, err);
    if (rc == FW_OK) {
        pii = cJSON_CreateObject();
        if (!pii || !cJSON_AddStringToObject(pii, "name", name) ||
            !(plain = fw__json_print(pii)))
            rc = fw__error_nomem(err);
    }
    if (rc == FW_OK && (rc = fw__tx_begin(ctx, err)) == FW_OK) {
        rc = fw__db_exec(ctx, err, "INSERT INTO fw_training_instructor(title, specialties, quals, pii, "
                         "created_ms) VALUES (?,?,?,?,?)", "tttbi", title, spec, quals, "", (size_t)0,
                         fw_ctx_now(ctx));
        if (rc == FW_OK) {
            id = fw__db_last_id(ctx);
            snprintf(subject, sizeof(subject), "instructor:%lld", (long long)id);
            rc = fw__vault_seal(ctx, subject, T_INSTRUCTOR, "pii", id, plain, strlen(plain), &sealed,
                                &sealed_len, err);
        }
        if (rc == FW_OK)
            rc = fw__db_exec(ctx, err, "UPDATE fw_training_instructor SET pii=? WHERE id=?", "bi",
                             sealed, sealed_len, id);
        if (rc == FW_OK)
            rc = audit(ctx, err, "training.instructor.add", "instructor", id, "{\"specialties\":%s}",
                       spec);
        rc = fw__tx_end(ctx, rc, err);
    }
    if (rc == FW_OK)
        *out_id = id;
    if (plain) {
        sodium_memzero(plain, strlen(plain));
        free(plain);
    }
    free(sealed);
    free(spec);
    free(quals);
    cJSON_Delete(pii);
    cJSON_Delete(root);
    return rc;
}

/* ---- course requests ------------------------------------------------------------------ */

int fw_training_course_request(fw_ctx *ctx, fw_id enterprise_id, const char *json, size_t json_len,
                               fw_id *out_id, fw_error **err)
{
    static const char *const fields[] = { "title", "reason", "headcount", "task_categories", NULL };
    cJSON *root = NULL;
    const char *title = NULL, *reason = NULL;
    char *cats = NULL;
    int64_t headcount = 0;
    fw_id id = 0;
    int rc;

    if (!ctx || !json || !out_id)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx, json and out_id are required");
    if ((rc = fw__authz_require_owner(ctx, "training.course.request", enterprise_id, 0, err)) != FW_OK)
        return rc;
    rc = fw__json_parse(&root, json, json_len, err);
    if (rc == FW_OK && (rc = fw__json_only(root, "$", fields, err)) == FW_OK &&
        (rc = fw__json_str(root, "$", "title", FW__REQUIRED, 1, 200, &title, err)) == FW_OK &&
        (rc = fw__json_str(root, "$", "reason", FW__REQUIRED, 1, 2000, &reason, err)) == FW_OK &&
        (rc = fw__json_i64(root, "$", "headcount", FW__REQUIRED, 1, 100000, &headcount, err)) == FW_OK)
        rc = str_array(root, "task_categories", 20, 32, &cats, err);
    if (rc == FW_OK && (rc = fw__tx_begin(ctx, err)) == FW_OK) {
        rc = fw__party_require_verified_enterprise(ctx, enterprise_id, err);
        if (rc == FW_OK)
            rc = fw__db_exec(ctx, err, "INSERT INTO fw_training_request(enterprise_id, title, reason, "
                             "headcount, categories, state, created_ms) VALUES (?,?,?,?,?,?,?)",
                             "ittitii", enterprise_id, title, reason, headcount, cats,
                             (int64_t)FW_TRAINING_REQUEST_OPEN, fw_ctx_now(ctx));
        if (rc == FW_OK) {
            id = fw__db_last_id(ctx);
            rc = audit(ctx, err, "training.course.request", "training_request", id,
                       "{\"enterprise_id\":%lld,\"headcount\":%lld,\"task_categories\":%s}",
                       (long long)enterprise_id, (long long)headcount, cats);
        }
        rc = fw__tx_end(ctx, rc, err);
    }
    if (rc == FW_OK)
        *out_id = id;
    free(cats);
    cJSON_Delete(root);
    return rc;
}

int fw_training_request_list(fw_ctx *ctx, fw_id enterprise_id, char **out_json, size_t *out_len,
                             fw_error **err)
{
    cJSON *arr, *o;
    fw__stmt *s = NULL;
    int rc;

    if (!ctx || !out_json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and out_json are required");
    if ((rc = fw__authz_require_owner(ctx, "training.request.list", enterprise_id, 0, err)) != FW_OK)
        return rc;
    if (!(arr = cJSON_CreateArray()))
        return fw__error_nomem(err);
    rc = fw__db_query(ctx, &s, err, "SELECT id, enterprise_id, title, reason, headcount, categories, "
                      "state, course_id, created_ms, fulfilled_ms FROM fw_training_request "
                      "WHERE ?=0 OR enterprise_id=? ORDER BY id DESC", "ii", enterprise_id, enterprise_id);
    while (rc == FW_OK && (rc = fw__db_step(s, err)) == FW__ROW) {
        int64_t st = fw__db_col_i64(s, 6);
        o = cJSON_CreateObject();
        cJSON_AddItemToArray(arr, o);
        fw__json_add_i64(o, "id", fw__db_col_i64(s, 0));
        fw__json_add_i64(o, "enterprise_id", fw__db_col_i64(s, 1));
        cJSON_AddStringToObject(o, "title", fw__db_col_text(s, 2));
        cJSON_AddStringToObject(o, "reason", fw__db_col_text(s, 3));
        fw__json_add_i64(o, "headcount", fw__db_col_i64(s, 4));
        cJSON_AddItemToObject(o, "task_categories", cJSON_Parse(fw__db_col_text(s, 5)));
        fw__json_add_i64(o, "state", st);
        cJSON_AddStringToObject(o, "state_name", st == FW_TRAINING_REQUEST_OPEN ? "open" : "fulfilled");
        if (fw__db_col_is_null(s, 7))
            cJSON_AddNullToObject(o, "course_id");
        else
            fw__json_add_i64(o, "course_id", fw__db_col_i64(s, 7));
        fw__json_add_i64(o, "created_ms", fw__db_col_i64(s, 8));
        if (fw__db_col_is_null(s, 9))
            cJSON_AddNullToObject(o, "fulfilled_ms");
        else
            fw__json_add_i64(o, "fulfilled_ms", fw__db_col_i64(s, 9));
        rc = FW_OK;
    }
    fw__db_done(s);
    if (rc != FW__DONE) {
        cJSON_Delete(arr);
        return rc;
    }
    return fw__json_out(arr, out_json, out_len, err);
}

/* ---- courses -------------------------------------------------------------------------- */

static int check_code(const char *code, fw_error **err)
{
    const char *c;
    for (c = code; *c; c++)
        if (!((*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '_' || *c == '-'))
            return fw__error_set(err, FW_EINVAL, "$.code",
                                 "must be 1 to 32 of A-Z, 0-9, '_' and '-', got \"%s\"", code);
    return FW_OK;
}

int fw_training_course_add(fw_ctx *ctx, const char *json, size_t json_len, fw_id *out_id,
                           fw_error **err)
{
    static const char *const fields[] = { "code", "title", "description", "hours", "pass_score",
                                          "validity_days", "request_id", NULL };
    cJSON *root = NULL;
    const char *code = NULL, *title = NULL, *desc = NULL;
    int64_t hours = 0, pass = 0, days = 0, request_id = 0, n = 0, st = 0;
    fw_id id = 0;
    int rc;

    if (!ctx || !json || !out_id)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx, json and out_id are required");
    if ((rc = fw__authz_require(ctx, "training.course.add", err)) != FW_OK)
        return rc;
    rc = fw__json_parse(&root, json, json_len, err);
    if (rc == FW_OK && (rc = fw__json_only(root, "$", fields, err)) == FW_OK &&
        (rc = fw__json_str(root, "$", "code", FW__REQUIRED, 1, 32, &code, err)) == FW_OK &&
        (rc = check_code(code, err)) == FW_OK &&
        (rc = fw__json_str(root, "$", "title", FW__REQUIRED, 1, 200, &title, err)) == FW_OK &&
        (rc = fw__json_str(root, "$", "description", FW__OPTIONAL, 0, 4000, &desc, err)) == FW_OK &&
        (rc = fw__json_i64(root, "$", "hours", FW__REQUIRED, 1, 1000, &hours, err)) == FW_OK &&
        (rc = fw__json_i64(root, "$", "pass_score", FW__REQUIRED, 0, 100, &pass, err)) == FW_OK &&
        (rc = fw__json_i64(root, "$", "validity_days", FW__REQUIRED, 0, 3650, &days, err)) == FW_OK)
        rc = fw__json_i64(root, "$", "request_id", FW__OPTIONAL, 1, FW__JSON_MAX_INT, &request_id, err);
    if (rc == FW_OK && (rc = fw__tx_begin(ctx, err)) == FW_OK) {
        if ((rc = fw__db_i64(ctx, &n, err, "SELECT count(*) FROM fw_training_course WHERE code=?", "t",
                             code)) == FW_OK && n > 0)
            rc = fw__error_set(err, FW_EEXISTS, "$.code", "a course with code \"%s\" exists", code);
        if (rc == FW_OK && request_id) {
            rc = fw__db_i64(ctx, &st, err, "SELECT state FROM fw_training_request WHERE id=?", "i",
                            request_id);
            if (rc == FW_ENOTFOUND)
                rc = fw__error_set(err, FW_ENOTFOUND, "$.request_id", "no course request %lld",
                                   (long long)request_id);
            else if (rc == FW_OK && st != FW_TRAINING_REQUEST_OPEN)
                rc = fw__error_set(err, FW_ESTATE, "$.request_id",
                                   "course request %lld is already fulfilled", (long long)request_id);
        }
        if (rc == FW_OK)
            rc = fw__db_exec(ctx, err, "INSERT INTO fw_training_course(code, title, description, hours, "
                             "pass_score, validity_days, created_ms) VALUES (?,?,?,?,?,?,?)",
                             "tttiiii", code, title, desc, hours, pass, days, fw_ctx_now(ctx));
        if (rc == FW_OK) {
            id = fw__db_last_id(ctx);
            if (request_id)
                rc = fw__db_exec(ctx, err, "UPDATE fw_training_course SET request_id=? WHERE id=?", "ii",
                                 request_id, id);
            if (rc == FW_OK && request_id)
                rc = fw__db_exec(ctx, err, "UPDATE fw_training_request SET state=?, course_id=?, "
                                 "fulfilled_ms=? WHERE id=?", "iiii",
                                 (int64_t)FW_TRAINING_REQUEST_FULFILLED, id, fw_ctx_now(ctx), request_id);
        }
        if (rc == FW_OK)
            rc = audit(ctx, err, "training.course.add", "course", id,
                       "{\"code\":\"%s\",\"pass_score\":%lld,\"validity_days\":%lld,\"request_id\":%lld}",
                       code, (long long)pass, (long long)days, (long long)request_id);
        rc = fw__tx_end(ctx, rc, err);
    }
    if (rc == FW_OK)
        *out_id = id;
    cJSON_Delete(root);
    return rc;
}

int fw_training_course_get(fw_ctx *ctx, fw_id course_id, char **out_json, size_t *out_len,
                           fw_error **err)
{
    cJSON *o;
    fw__stmt *s = NULL;
    int rc;

    if (!ctx || !out_json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and out_json are required");
    if ((rc = fw__authz_require(ctx, "training.course.get", err)) != FW_OK)
        return rc;
    rc = fw__db_query(ctx, &s, err, "SELECT code, title, description, hours, pass_score, validity_days, "
                      "request_id, created_ms FROM fw_training_course WHERE id=?", "i", course_id);
    if (rc == FW_OK)
        rc = fw__db_step(s, err);
    if (rc == FW__DONE)
        rc = fw__error_set(err, FW_ENOTFOUND, NULL, "no course %lld", (long long)course_id);
    if (rc != FW__ROW) {
        fw__db_done(s);
        return rc;
    }
    o = cJSON_CreateObject();
    fw__json_add_i64(o, "id", course_id);
    cJSON_AddStringToObject(o, "code", fw__db_col_text(s, 0));
    cJSON_AddStringToObject(o, "title", fw__db_col_text(s, 1));
    if (fw__db_col_is_null(s, 2))
        cJSON_AddNullToObject(o, "description");
    else
        cJSON_AddStringToObject(o, "description", fw__db_col_text(s, 2));
    fw__json_add_i64(o, "hours", fw__db_col_i64(s, 3));
    fw__json_add_i64(o, "pass_score", fw__db_col_i64(s, 4));
    fw__json_add_i64(o, "validity_days", fw__db_col_i64(s, 5));
    if (fw__db_col_is_null(s, 6))
        cJSON_AddNullToObject(o, "request_id");
    else
        fw__json_add_i64(o, "request_id", fw__db_col_i64(s, 6));
    fw__json_add_i64(o, "created_ms", fw__db_col_i64(s, 7));
    fw__db_done(s);
    return fw__json_out(o, out_json, out_len, err);
}

/* ---- sessions and enrolment ------------------------------------------------------------- */

static int exists(fw_ctx *ctx, const char *sql, fw_id id)
{
    int64_t n = 0;
    return fw__db_i64(ctx, &n, NULL, sql, "i", id) == FW_OK;
}

int fw_training_session_add(fw_ctx *ctx, const char *json, size_t json_len, fw_id *out_id,
                            fw_error **err)
{
    static const char *const fields[] = { "course_id", "instructor_id", "starts_ms", "ends_ms",
                                          "location", "capacity", NULL };
    cJSON *root = NULL;
    const char *location = NULL;
    int64_t course = 0, instructor = 0, starts = 0, ends = 0, capacity = 0;
    fw_id id = 0;
    int rc;

    if (!ctx || !json || !out_id)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx, json and out_id are required");
    if ((rc = fw__authz_require(ctx, "training.session.add", err)) != FW_OK)
        return rc;
    rc = fw__json_parse(&root, json, json_len, err);
    if (rc == FW_OK && (rc = fw__json_only(root, "$", fields, err)) == FW_OK &&
        (rc = fw__json_i64(root, "$", "course_id", FW__REQUIRED, 1, FW__JSON_MAX_INT, &course, err)) == FW_OK &&
        (rc = fw__json_i64(root, "$", "instructor_id", FW__REQUIRED, 1, FW__JSON_MAX_INT, &instructor,
                           err)) == FW_OK &&
        (rc = fw__json_i64(root, "$", "starts_ms", FW__REQUIRED, 0, FW__JSON_MAX_INT, &starts, err)) == FW_OK &&
        (rc = fw__json_i64(root, "$", "ends_ms", FW__REQUIRED, 0, FW__JSON_MAX_INT, &ends, err)) == FW_OK &&
        (rc = fw__json_str(root, "$", "location", FW__REQUIRED, 1, 200, &location, err)) == FW_OK)
        rc = fw__json_i64(root, "$", "capacity", FW__REQUIRED, 1, 10000, &capacity, err);
    if (rc == FW_OK && ends <= starts)
        rc = fw__error_set(err, FW_EINVAL, "$.ends_ms", "must be after starts_ms (%lld), got %lld",
                           (long long)starts, (long long)ends);
    if (rc == FW_OK && (rc = fw__tx_begin(ctx, err)) == FW_OK) {
        if (!exists(ctx, "SELECT 1 FROM fw_training_course WHERE id=?", course))
            rc = fw__error_set(err, FW_ENOTFOUND, "$.course_id", "no course %lld", (long long)course);
        else if (!exists(ctx, "SELECT 1 FROM fw_training_instructor WHERE id=?", instructor))
            rc = fw__error_set(err, FW_ENOTFOUND, "$.instructor_id", "no instructor %lld",
                               (long long)instructor);
        if (rc == FW_OK)
            rc = fw__db_exec(ctx, err, "INSERT INTO fw_training_session(course_id, instructor_id, "
                             "starts_ms, ends_ms, location, capacity, created_ms) VALUES (?,?,?,?,?,?,?)",
                             "iiiitii", course, instructor, starts, ends, location, capacity,
                             fw_ctx_now(ctx));
        if (rc == FW_OK) {
            id = fw__db_last_id(ctx);
            rc = audit(ctx, err, "training.session.add", "session", id,
                       "{\"course_id\":%lld,\"instructor_id\":%lld,\"starts_ms\":%lld,\"capacity\":%lld}",
                       (long long)course, (long long)instructor, (long long)starts, (long long)capacity);
        }
        rc = fw__tx_end(ctx, rc, err);
    }
    if (rc == FW_OK)
        *out_id = id;
    cJSON_Delete(root);
    return rc;
}

int fw_training_enrol(fw_ctx *ctx, fw_id session_id, fw_id worker_id, fw_id *out_id, fw_error **err)
{
    int64_t starts = 0, capacity = 0, n = 0;
    uint32_t wst = 0;
    fw__stmt *s = NULL;
    fw_id id = 0;
    int rc;

    if (!ctx || !out_id)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and out_id are required");
    if ((rc = fw__authz_require_owner(ctx, "training.enrol", 0, worker_id, err)) != FW_OK)
        return rc;
    if ((rc = fw__tx_begin(ctx, err)) != FW_OK)
        return rc;
    rc = fw__db_query(ctx, &s, err, "SELECT starts_ms, capacity FROM fw_training_session WHERE id=?", "i",
                      session_id);
    if (rc == FW_OK && (rc = fw__db_step(s, err)) == FW__ROW) {
        starts = fw__db_col_i64(s, 0);
        capacity = fw__db_col_i64(s, 1);
        rc = FW_OK;
    } else if (rc == FW__DONE) {
        rc = fw__error_set(err, FW_ENOTFOUND, NULL, "no training session %lld", (long long)session_id);
    }
    fw__db_done(s);
    if (rc == FW_OK)
        rc = fw__party_worker_state(ctx, worker_id, &wst, err);
    if (rc == FW_OK && wst == FW_WORKER_SUSPENDED)
        rc = fw__error_set(err, FW_EDENIED, NULL, "WORKER_SUSPENDED: worker %lld is suspended",
                           (long long)worker_id);
    if (rc == FW_OK && wst == FW_WORKER_CLOSED)
        rc = fw__error_set(err, FW_EDENIED, NULL, "WORKER_CLOSED: worker %lld is closed",
                           (long long)worker_id);
    if (rc == FW_OK && fw_ctx_now(ctx) >= starts)
        rc = fw__error_set(err, FW_ESTATE, NULL, "training session %lld has started; enrolment is closed",
                           (long long)session_id);
    if (rc == FW_OK &&
        (rc = fw__db_i64(ctx, &n, err, "SELECT count(*) FROM fw_training_enrolment WHERE session_id=? "
                         "AND worker_id=?", "ii", session_id, worker_id)) == FW_OK && n > 0)
        rc = fw__error_set(err, FW_EEXISTS, NULL, "worker %lld is already enrolled in session %lld",
                           (long long)worker_id, (long long)session_id);
    if (rc == FW_OK &&
        (rc = fw__db_i64(ctx, &n, err, "SELECT count(*) FROM fw_training_enrolment WHERE session_id=?",
                         "i", session_id)) == FW_OK && n >= capacity)
        rc = fw__error_set(err, FW_ELIMIT, NULL, "training session %lld is full (%lld places)",
                           (long long)session_id, (long long)capacity);
    if (rc == FW_OK)
        rc = fw__db_exec(ctx, err, "INSERT INTO fw_training_enrolment(session_id, worker_id, state, "
                         "enrolled_ms, updated_ms) VALUES (?,?,?,?,?)", "iiiii", session_id, worker_id,
                         (int64_t)FW_ENROLMENT_ENROLLED, fw_ctx_now(ctx), fw_ctx_now(ctx));
    if (rc == FW_OK) {
        id = fw__db_last_id(ctx);
        rc = audit(ctx, err, "training.enrol", "enrolment", id, "{\"session_id\":%lld,\"worker_id\":%lld}",
                   (long long)session_id, (long long)worker_id);
    }
    rc = fw__tx_end(ctx, rc, err);
    if (rc == FW_OK)
        *out_id = id;
    return rc;
}

/* Loads an enrolment's state, its session's start and its course's rules. */
struct enrolment {
    int64_t state, worker_id, starts_ms, course_id, pass_score, validity_days;
    char code[40];
};

static int enrolment_load(fw_ctx *ctx, fw_id id, struct enrolment *e, fw_error **err)
{
    fw__stmt *s = NULL;
    int rc = fw__db_query(ctx, &s, err,
                          "SELECT e.state, e.worker_id, s.starts_ms, c.id, c.pass_score, c.validity_days, "
                          "c.code FROM fw_training_enrolment e JOIN fw_training_session s ON s.id=e.session_id "
                          "JOIN fw_training_course c ON c.id=s.course_id WHERE e.id=?", "i", id);
    if (rc == FW_OK && (rc = fw__db_step(s, err)) == FW__ROW) {
        e->state = fw__db_col_i64(s, 0);
        e->worker_id = fw__db_col_i64(s, 1);
        e->starts_ms = fw__db_col_i64(s, 2);
        e->course_id = fw__db_col_i64(s, 3);
        e->pass_score = fw__db_col_i64(s, 4);
        e->validity_days = fw__db_col_i64(s, 5);
        snprintf(e->code, sizeof(e->code), "%s", fw__db_col_text(s, 6));
        rc = FW_OK;
    } else if (rc == FW__DONE) {
        rc = fw__error_set(err, FW_ENOTFOUND, NULL, "no enrolment %lld", (long long)id);
    }
    fw__db_done(s);
    return rc;
}

static int set_enrolment_state(fw_ctx *ctx, fw_id id, int64_t from, int64_t to, const char *action,
                               int64_t score, fw_error **err)
{
    /* score < 0: attendance, no score yet */
    int rc = score < 0 ? fw__db_exec(ctx, err, "UPDATE fw_training_enrolment SET state=?, updated_ms=? "
                                     "WHERE id=?", "iii", to, fw_ctx_now(ctx), id)
                       : fw__db_exec(ctx, err, "UPDATE fw_training_enrolment SET state=?, score=?, "
                                     "updated_ms=? WHERE id=?", "iiii", to, score, fw_ctx_now(ctx), id);
    if (rc == FW_OK && score < 0)
        rc = audit(ctx, err, action, "enrolment", id, "{\"from\":\"%s\",\"to\":\"%s\"}",
                   enrolment_state_name(from), enrolment_state_name(to));
    else if (rc == FW_OK)
        rc = audit(ctx, err, action, "enrolment", id, "{\"from\":\"%s\",\"to\":\"%s\",\"score\":%lld}",
                   enrolment_state_name(from), enrolment_state_name(to), (long long)score);
    return rc;
}

int fw_training_attend(fw_ctx *ctx, fw_id enrolment_id, uint32_t attended, fw_error **err)
{
    struct enrolment e;
    int rc;

    if (!ctx)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx is required");
    if (attended > 1)
        return fw__error_set(err, FW_EINVAL, "attended", "must be 0 (absent) or 1 (attended), got %u",
                             attended);
    if ((rc = fw__authz_require(ctx, "training.attend", err)) != FW_OK)
        return rc;
    if ((rc = fw__tx_begin(ctx, err)) != FW_OK)
        return rc;
    rc = enrolment_load(ctx, enrolment_id, &e, err);
    if (rc == FW_OK && fw_ctx_now(ctx) < e.starts_ms)
        rc = fw__error_set(err, FW_ESTATE, NULL,
                           "the session of enrolment %lld has not started; attendance is taken from its start",
                           (long long)enrolment_id);
    if (rc == FW_OK && e.state != FW_ENROLMENT_ENROLLED)
        rc = fw__error_set(err, FW_ESTATE, NULL, "enrolment %lld is %s; attendance is recorded once, "
                           "on an enrolled place", (long long)enrolment_id, enrolment_state_name(e.state));
    if (rc == FW_OK)
        rc = set_enrolment_state(ctx, enrolment_id, e.state,
                                 attended ? FW_ENROLMENT_ATTENDED : FW_ENROLMENT_ABSENT, "training.attend",
                                 -1, err);
    return fw__tx_end(ctx, rc, err);
}

int fw_training_assess(fw_ctx *ctx, fw_id enrolment_id, uint32_t score, fw_id *out_certificate_id,
                       fw_error **err)
{
    struct enrolment e;
    int64_t now, expires = 0;
    fw_id cert = 0;
    int rc, passed;

    if (!ctx)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx is required");
    if (score > 100)
        return fw__error_set(err, FW_EINVAL, "score", "must be 0 to 100, got %u", score);
    if ((rc = fw__authz_require(ctx, "training.assess", err)) != FW_OK)
        return rc;
    if ((rc = fw__tx_begin(ctx, err)) != FW_OK)
        return rc;
    now = fw_ctx_now(ctx);
    rc = enrolment_load(ctx, enrolment_id, &e, err);
    if (rc == FW_OK && e.state != FW_ENROLMENT_ATTENDED)
        rc = fw__error_set(err, FW_ESTATE, NULL, "enrolment %lld is %s; only an attended enrolment is assessed",
                           (long long)enrolment_id, enrolment_state_name(e.state));
    passed = rc == FW_OK && (int64_t)score >= e.pass_score;
    if (rc == FW_OK)
        rc = set_enrolment_state(ctx, enrolment_id, e.state, passed ? FW_ENROLMENT_PASSED : FW_ENROLMENT_FAILED,
                                 "training.assess", score, err);
    if (rc == FW_OK && passed) {
        if (e.validity_days > 0)
            expires = now + e.validity_days * FW__MS_PER_DAY;
        rc = fw__db_exec(ctx, err, "INSERT INTO fw_training_certificate(worker_id, course_id, course_code, "
                         "enrolment_id, score, issued_ms) VALUES (?,?,?,?,?,?)", "iitiii",
                         e.worker_id, e.course_id, e.code, enrolment_id, (int64_t)score, now);
        if (rc == FW_OK) {
            cert = fw__db_last_id(ctx);
            if (expires)
                rc = fw__db_exec(ctx, err, "UPDATE fw_training_certificate SET expires_ms=? WHERE id=?",
                                 "ii", expires, cert);
        }
        if (rc == FW_OK)
            rc = audit(ctx, err, "training.certificate.issue", "certificate", cert,
                       "{\"worker_id\":%lld,\"course_code\":\"%s\",\"expires_ms\":%lld}",
                       (long long)e.worker_id, e.code, (long long)expires);
    }
    rc = fw__tx_end(ctx, rc, err);
    if (rc == FW_OK && out_certificate_id)
        *out_certificate_id = cert;
    return rc;
}

int fw_training_certificate_revoke(fw_ctx *ctx, fw_id certificate_id, const char *reason,
                                   fw_error **err)
{
    int64_t revoked = 0;
    cJSON *r;
    char *q;
    int rc;
    size_t n = reason ? strlen(reason) : 0;

    if (!ctx)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx is required");
    if (n == 0 || n > 500)
        return fw__error_set(err, FW_EINVAL, "reason", "a reason of 1 to 500 bytes is required");
    if ((rc = fw__authz_require(ctx, "training.certificate.revoke", err)) != FW_OK)
        return rc;
    if ((rc = fw__tx_begin(ctx, err)) != FW_OK)
        return rc;
    rc = fw__db_i64(ctx, &revoked, err, "SELECT coalesce(revoked_ms, 0) FROM fw_training_certificate "
                    "WHERE id=?", "i", certificate_id);
    if (rc == FW_ENOTFOUND)
        rc = fw__error_set(err, FW_ENOTFOUND, NULL, "no certificate %lld", (long long)certificate_id);
    if (rc == FW_OK && revoked)
        rc = fw__error_set(err, FW_ESTATE, NULL, "certificate %lld is already revoked",
                           (long long)certificate_id);
    if (rc == FW_OK)
        rc = fw__db_exec(ctx, err, "UPDATE fw_training_certificate SET revoked_ms=?, revoke_reason=? "
                         "WHERE id=?", "iti", fw_ctx_now(ctx), reason, certificate_id);
    if (rc == FW_OK) {
        r = cJSON_CreateString(reason);
        q = r ? fw__json_print(r) : NULL;
        rc = q ? audit(ctx, err, "training.certificate.revoke", "certificate", certificate_id,
                       "{\"reason\":%s}", q)
               : fw__error_nomem(err);
        free(q);
        cJSON_Delete(r);
    }
    return fw__tx_end(ctx, rc, err);
}

/* Readers of a worker's training record: staff, the worker, or a linked enterprise's user. */
static int may_read_worker(fw_ctx *ctx, const char *action, fw_id worker_id, fw_error **err)
{
    uint32_t st;
    int rc;

    if (ctx->role == FW_ROLE_ENTERPRISE_USER) {
        if ((rc = fw__authz_require(ctx, action, err)) != FW_OK)
            return rc;
        if (!fw__party_worker_linked(ctx, worker_id, ctx->party_id))
            return fw__error_set(err, FW_EPERM, NULL,
                                 "%s: worker %lld is not linked to enterprise %lld", action,
                                 (long long)worker_id, (long long)ctx->party_id);
    } else if ((rc = fw__authz_require_owner(ctx, action, 0, worker_id, err)) != FW_OK) {
        return rc;
    }
    return fw__party_worker_state(ctx, worker_id, &st, err);
}

int fw_training_certificates(fw_ctx *ctx, fw_id worker_id, char **out_json, size_t *out_len,
                             fw_error **err)
{
    cJSON *arr, *o;
    fw__stmt *s = NULL;
    int64_t now;
    int rc;

    if (!ctx || !out_json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and out_json are required");
    if ((rc = may_read_worker(ctx, "training.certificates", worker_id, err)) != FW_OK)
        return rc;
    if (!(arr = cJSON_CreateArray()))
        return fw__error_nomem(err);
    now = fw_ctx_now(ctx);
    rc = fw__db_query(ctx, &s, err, "SELECT id, course_id, course_code, score, issued_ms, expires_ms, "
                      "revoked_ms FROM fw_training_certificate WHERE worker_id=? ORDER BY id DESC", "i",
                      worker_id);
    while (rc == FW_OK && (rc = fw__db_step(s, err)) == FW__ROW) {
        int valid = fw__db_col_i64(s, 4) <= now &&
                    (fw__db_col_is_null(s, 5) || fw__db_col_i64(s, 5) > now) && fw__db_col_is_null(s, 6);
        o = cJSON_CreateObject();
        cJSON_AddItemToArray(arr, o);
        fw__json_add_i64(o, "id", fw__db_col_i64(s, 0));
        fw__json_add_i64(o, "course_id", fw__db_col_i64(s, 1));
        cJSON_AddStringToObject(o, "course_code", fw__db_col_text(s, 2));
        fw__json_add_i64(o, "score", fw__db_col_i64(s, 3));
        fw__json_add_i64(o, "issued_ms", fw__db_col_i64(s, 4));
        if (fw__db_col_is_null(s, 5))
            cJSON_AddNullToObject(o, "expires_ms");
        else
            fw__json_add_i64(o, "expires_ms", fw__db_col_i64(s, 5));
        if (fw__db_col_is_null(s, 6))
            cJSON_AddNullToObject(o, "revoked_ms");
        else
            fw__json_add_i64(o, "revoked_ms", fw__db_col_i64(s, 6));
        cJSON_AddBoolToObject(o, "valid", valid);
        rc = FW_OK;
    }
    fw__db_done(s);
    if (rc != FW__DONE) {
        cJSON_Delete(arr);
        return rc;
    }
    return fw__json_out(arr, out_json, out_len, err);
}

int fw_training_enrolments(fw_ctx *ctx, fw_id worker_id, char **out_json, size_t *out_len,
                           fw_error **err)
{
    cJSON *arr, *o;
    fw__stmt *s = NULL;
    int rc;

    if (!ctx || !out_json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and out_json are required");
    if ((rc = may_read_worker(ctx, "training.enrolments", worker_id, err)) != FW_OK)
        return rc;
    if (!(arr = cJSON_CreateArray()))
        return fw__error_nomem(err);
    rc = fw__db_query(ctx, &s, err, "SELECT e.id, e.session_id, c.id, c.code, e.state, e.score, "
                      "e.enrolled_ms FROM fw_training_enrolment e JOIN fw_training_session s ON "
                      "s.id=e.session_id JOIN fw_training_course c ON c.id=s.course_id WHERE e.worker_id=? "
                      "ORDER BY e.id DESC", "i", worker_id);
    while (rc == FW_OK && (rc = fw__db_step(s, err)) == FW__ROW) {
        o = cJSON_CreateObject();
        cJSON_AddItemToArray(arr, o);
        fw__json_add_i64(o, "id", fw__db_col_i64(s, 0));
        fw__json_add_i64(o, "session_id", fw__db_col_i64(s, 1));
        fw__json_add_i64(o, "course_id", fw__db_col_i64(s, 2));
        cJSON_AddStringToObject(o, "course_code", fw__db_col_text(s, 3));
        fw__json_add_i64(o, "state", fw__db_col_i64(s, 4));
        cJSON_AddStringToObject(o, "state_name", enrolment_state_name(fw__db_col_i64(s, 4)));
        if (fw__db_col_is_null(s, 5))
            cJSON_AddNullToObject(o, "score");
        else
            fw__json_add_i64(o, "score", fw__db_col_i64(s, 5));
        fw__json_add_i64(o, "enrolled_ms", fw__db_col_i64(s, 6));
        rc = FW_OK;
    }
    fw__db_done(s);
    if (rc != FW__DONE) {
        cJSON_Delete(arr);
        return rc;
    }
    return fw__json_out(arr, out_json, out_len, err);
}

/* ---- internal --------------------------------------------------------------------------- */

int fw__training_worker_has_certificate(fw_ctx *ctx, fw_id worker_id, const char *course_code,
                                        int64_t at_ms, int *has, fw_error **err)
{
    int64_t n = 0;
    int rc = fw__db_i64(ctx, &n, err,
                        "SELECT count(*) FROM fw_training_certificate WHERE worker_id=? AND course_code=? "
                        "AND issued_ms<=? AND (expires_ms IS NULL OR expires_ms>?) "
                        "AND (revoked_ms IS NULL OR revoked_ms>?)",
                        "itiii", worker_id, course_code, at_ms, at_ms, at_ms);
    if (rc == FW_OK)
        *has = n > 0;
    return rc;
}

int fw__training_course_exists(fw_ctx *ctx, const char *course_code)
{
    int64_t n = 0;
    return fw__db_i64(ctx, &n, NULL, "SELECT count(*) FROM fw_training_course WHERE code=?", "t",
                      course_code) == FW_OK && n > 0;
}
