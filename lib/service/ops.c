/*
 * Incidents and emergency plans (R-6.f), supervision of key links from the audit log
 * (R-8.1.b), corrective actions with verification of effect (R-8.2.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/audit.h"
#include "core/authz.h"
#include "core/ctx.h"
#include "core/db.h"
#include "core/error.h"
#include "core/json.h"
#include "service/service.h"

static const char *const incident_kinds[] = { "emergency", "anomaly", NULL };

static int audit_json(fw_ctx *ctx, const char *action, const char *type, fw_id id, cJSON *detail,
                      fw_error **err)
{
    char *text = detail ? fw__json_print(detail) : NULL;
    int rc;
    cJSON_Delete(detail);
    if (!text)
        return fw__error_nomem(err);
    rc = fw__audit_append(ctx, action, type, id, text, strlen(text), err);
    free(text);
    return rc;
}

/* ---- plans and incidents -------------------------------------------------------------- */

int fw_service_plan_set(fw_ctx *ctx, const char *json, size_t json_len, fw_error **err)
{
    static const char *const fields[] = { "code", "title", "severity", "steps", NULL };
    const char *code = NULL, *title = NULL;
    const cJSON *steps = NULL, *st;
    char path[48], *steps_text = NULL;
    cJSON *root, *detail;
    int sev = 0, rc;
    size_t i;

    if (!ctx || !json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and json are required");
    if ((rc = fw__authz_require(ctx, "service.plan_set", err)) != FW_OK)
        return rc;
    if ((rc = fw__service_parse(&root, json, json_len, fields, err)) != FW_OK)
        return rc;
    rc = fw__json_str(root, "$", "code", FW__REQUIRED, 1, 32, &code, err);
    if (rc == FW_OK)
        rc = fw__json_str(root, "$", "title", FW__REQUIRED, 1, 200, &title, err);
    if (rc == FW_OK)
        rc = fw__json_enum(root, "$", "severity", FW__REQUIRED, fw__service_severities, &sev, err);
    if (rc == FW_OK)
        rc = fw__json_arr(root, "$", "steps", FW__REQUIRED, 50, &steps, err);
    if (rc == FW_OK && cJSON_GetArraySize(steps) == 0)
        rc = fw__error_set(err, FW_EINVAL, "$.steps", "must list at least one step");
    for (i = 0, st = steps ? steps->child : NULL; rc == FW_OK && st; st = st->next, i++)
        if (!cJSON_IsString(st) || !*st->valuestring || strlen(st->valuestring) > 2000)
            rc = fw__error_set(err, FW_EINVAL, fw__json_path_index(path, sizeof(path), "$.steps", i),
                               "must be a non-empty string of at most 500 characters");
    if (rc == FW_OK && !(steps_text = fw__json_print(steps)))
        rc = fw__error_nomem(err);
    if (rc == FW_OK && (rc = fw__tx_begin(ctx, err)) == FW_OK) {
        rc = fw__db_exec(ctx, err, "INSERT INTO fw_service_plan(code, title, severity, steps) VALUES (?,?,?,?) "
                         "ON CONFLICT(code) DO UPDATE SET title=excluded.title, severity=excluded.severity, "
                         "steps=excluded.steps", "tttt", code, title, fw__service_severities[sev], steps_text);
        if (rc == FW_OK) {
            detail = cJSON_CreateObject();
            cJSON_AddStringToObject(detail, "code", code);
            fw__json_add_i64(detail, "steps", cJSON_GetArraySize(steps));
            rc = audit_json(ctx, "service.plan_set", "service_plan", 0, detail, err);
        }
        rc = fw__tx_end(ctx, rc, err);
    }
    free(steps_text);
    cJSON_Delete(root);
    return rc;
}

static int incident_event(fw_ctx *ctx, fw_id id, const char *action, int64_t level, const char *note,
                          fw_error **err)
{
    cJSON *detail;
    int rc = fw__db_exec(ctx, err, "INSERT INTO fw_service_incident_event(incident_id, at_ms, action, level, note) "
                         "VALUES (?,?,?,?,?)", "iitit", id, fw_ctx_now(ctx), action, level, note);
    char audit_action[64];
    if (rc != FW_OK)
        return rc;
    snprintf(audit_action, sizeof(audit_action), "service.incident_%s",
             strcmp(action, "opened") == 0 ? "open" : strcmp(action, "escalated") == 0 ? "escalate"
             : strcmp(action, "closed") == 0 ? "close" : "log");
    /* The action's name and note are staff's free text: they stay in the incident's events. */
    detail = cJSON_CreateObject();
    fw__json_add_i64(detail, "event_id", fw__db_last_id(ctx));
    fw__json_add_i64(detail, "level", level);
    return audit_json(ctx, audit_action, "service_incident", id, detail, err);
}

int fw_service_incident_open(fw_ctx *ctx, const char *json, size_t json_len, fw_id *out_id, fw_error **err)
{
    static const char *const fields[] = { "kind", "severity", "title", "plan", "note", NULL };
    const char *title = NULL, *plan = NULL, *note = NULL;
    int kind = 0, sev = 0, rc;
    int64_t found = 0;
    fw_id id = 0;
    cJSON *root;

    if (!ctx || !json || !out_id)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx, json and out_id are required");
    if ((rc = fw__authz_require(ctx, "service.incident", err)) != FW_OK)
        return rc;
    if ((rc = fw__service_parse(&root, json, json_len, fields, err)) != FW_OK)
        return rc;
    rc = fw__json_enum(root, "$", "kind", FW__REQUIRED, incident_kinds, &kind, err);
    if (rc == FW_OK)
        rc = fw__json_enum(root, "$", "severity", FW__REQUIRED, fw__service_severities, &sev, err);
    if (rc == FW_OK)
        rc = fw__json_str(root, "$", "title", FW__REQUIRED, 1, 200, &title, err);
    if (rc == FW_OK)
        rc = fw__json_str(root, "$", "plan", FW__OPTIONAL, 1, 32, &plan, err);
    if (rc == FW_OK)
        rc = fw__json_str(root, "$", "note", FW__REQUIRED, 1, 1000, &note, err);
    if (rc == FW_OK && (rc = fw__tx_begin(ctx, err)) == FW_OK) {
        if (plan && (rc = fw__db_i64(ctx, &found, err, "SELECT count(*) FROM fw_service_plan WHERE code=?", "t",
                                     plan)) == FW_OK && !found)
            rc = fw__error_set(err, FW_ENOTFOUND, "$.plan", "no emergency plan \"%s\"", plan);
        if (rc == FW_OK)
            rc = fw__db_exec(ctx, err, "INSERT INTO fw_service_incident(kind, severity, title, plan_code, opened_ms) "
                             "VALUES (?,?,?,?,?)", "tttti", incident_kinds[kind],
                             fw__service_severities[sev], title, plan, fw_ctx_now(ctx));
        if (rc == FW_OK) {
            id = fw__db_last_id(ctx);
            rc = incident_event(ctx, id, "opened", 0, note, err);
        }
        rc = fw__tx_end(ctx, rc, err);
    }
    cJSON_Delete(root);
    if (rc == FW_OK)
        *out_id = id;
    return rc;
}

/* Loads an open incident's level; FW_ESTATE when closed. */
static int incident_open_level(fw_ctx *ctx, fw_id id, int64_t *level, fw_error **err)
{
    fw__stmt *s;
    int rc = fw__db_query(ctx, &s, err, "SELECT level, closed_ms FROM fw_service_incident WHERE id=?", "i", id);
    int closed = 0;
    if (rc != FW_OK)
        return rc;
    rc = fw__db_step(s, err);
    if (rc == FW__ROW) {
        *level = fw__db_col_i64(s, 0);
        closed = !fw__db_col_is_null(s, 1);
    }
    fw__db_done(s);
    if (rc == FW__DONE)
        return fw__error_set(err, FW_ENOTFOUND, "incident_id", "no incident %lld", (long long)id);
    if (rc < 0)
        return rc;
    if (closed)
        return fw__error_set(err, FW_ESTATE, "incident_id", "incident %lld is closed", (long long)id);
    return FW_OK;
}

static int incident_step(fw_ctx *ctx, fw_id id, const char *json, size_t json_len, int which, fw_error **err)
{
    static const char *const f_log[] = { "action", "note", NULL };
    static const char *const f_esc[] = { "level", "note", NULL };
    static const char *const f_close[] = { "resolution", NULL };
    const char *action = NULL, *note = NULL;
    int64_t level = 0, to = 0;
    cJSON *root;
    int rc;

    if (!ctx || !json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and json are required");
    if ((rc = fw__authz_require(ctx, "service.incident", err)) != FW_OK)
        return rc;
    if ((rc = fw__service_parse(&root, json, json_len, which == 0 ? f_log : which == 1 ? f_esc : f_close,
                                err)) != FW_OK)
        return rc;
    if (which == 0) {
        rc = fw__json_str(root, "$", "action", FW__REQUIRED, 1, 64, &action, err);
        if (rc == FW_OK)
            rc = fw__json_str(root, "$", "note", FW__REQUIRED, 1, 1000, &note, err);
    } else if (which == 1) {
        rc = fw__json_i64(root, "$", "level", FW__REQUIRED, 1, 4, &to, err);
        if (rc == FW_OK)
            rc = fw__json_str(root, "$", "note", FW__REQUIRED, 1, 1000, &note, err);
    } else {
        rc = fw__json_str(root, "$", "resolution", FW__REQUIRED, 1, 1000, &note, err);
    }
    if (rc == FW_OK && (rc = fw__tx_begin(ctx, err)) == FW_OK) {
        rc = incident_open_level(ctx, id, &level, err);
        if (rc == FW_OK && which == 1 && to <= level)
            rc = fw__error_set(err, FW_ESTATE, "$.level", "incident %lld is at level %lld; escalation goes higher",
                               (long long)id, (long long)level);
        if (rc == FW_OK && which == 1) {
            level = to;
            rc = fw__db_exec(ctx, err, "UPDATE fw_service_incident SET level=? WHERE id=?", "ii", level, id);
        }
        if (rc == FW_OK && which == 2)
            rc = fw__db_exec(ctx, err, "UPDATE fw_service_incident SET closed_ms=?, resolution=? WHERE id=?", "iti",
                             fw_ctx_now(ctx), note, id);
        if (rc == FW_OK)
            rc = incident_event(ctx, id, which == 0 ? action : which == 1 ? "escalated" : "closed", level, note, err);
        rc = fw__tx_end(ctx, rc, err);
    }
    cJSON_Delete(root);
    return rc;
}

int fw_service_incident_log(fw_ctx *ctx, fw_id id, const char *json, size_t len, fw_error **err)
{
    return incident_step(ctx, id, json, len, 0, err);
}

int fw_service_incident_escalate(fw_ctx *ctx, fw_id id, const char *json, size_t len, fw_error **err)
{
    return incident_step(ctx, id, json, len, 1, err);
}

int fw_service_incident_close(fw_ctx *ctx, fw_id id, const char *json, size_t len, fw_error **err)
{
    return incident_step(ctx, id, json, len, 2, err);
}

int fw_service_incident_get(fw_ctx *ctx, fw_id id, char **out_json, size_t *out_len, fw_error **err)
{
    cJSON *o, *arr;
    fw__stmt *s;
    int rc;

    if (!ctx || !out_json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and out_json are required");
    if ((rc = fw__authz_require(ctx, "service.incident_get", err)) != FW_OK)
        return rc;
    rc = fw__db_query(ctx, &s, err, "SELECT i.id, i.kind, i.severity, i.title, i.plan_code, p.steps, i.level, "
                      "i.opened_ms, coalesce(i.closed_ms, 0), i.resolution FROM fw_service_incident i "
                      "LEFT JOIN fw_service_plan p ON p.code = i.plan_code WHERE i.id=?", "i", id);
    if (rc != FW_OK)
        return rc;
    if ((rc = fw__db_step(s, err)) != FW__ROW) {
        fw__db_done(s);
        return rc < 0 ? rc : fw__error_set(err, FW_ENOTFOUND, "incident_id", "no incident %lld", (long long)id);
    }
    o = cJSON_CreateObject();
    fw__json_add_i64(o, "id", fw__db_col_i64(s, 0));
    cJSON_AddStringToObject(o, "kind", fw__db_col_text(s, 1));
    cJSON_AddStringToObject(o, "severity", fw__db_col_text(s, 2));
    cJSON_AddStringToObject(o, "title", fw__db_col_text(s, 3));
    if (fw__db_col_is_null(s, 4)) {
        cJSON_AddNullToObject(o, "plan");
        cJSON_AddArrayToObject(o, "plan_steps");
    } else {
        cJSON_AddStringToObject(o, "plan", fw__db_col_text(s, 4));
        cJSON_AddItemToObject(o, "plan_steps", cJSON_Parse(fw__db_col_text(s, 5)));
    }
    fw__json_add_i64(o, "level", fw__db_col_i64(s, 6));
    fw__json_add_i64(o, "opened_ms", fw__db_col_i64(s, 7));
    fw__json_add_i64(o, "closed_ms", fw__db_col_i64(s, 8));
    if (fw__db_col_is_null(s, 9))
        cJSON_AddNullToObject(o, "resolution");
    else
        cJSON_AddStringToObject(o, "resolution", fw__db_col_text(s, 9));
    fw__db_done(s);
    arr = cJSON_AddArrayToObject(o, "events");
    rc = fw__db_query(ctx, &s, err, "SELECT at_ms, action, level, note FROM fw_service_incident_event "
                      "WHERE incident_id=? ORDER BY id", "i", id);
    if (rc == FW_OK) {
        while ((rc = fw__db_step(s, err)) == FW__ROW) {
            cJSON *e = cJSON_CreateObject();
            fw__json_add_i64(e, "at_ms", fw__db_col_i64(s, 0));
            cJSON_AddStringToObject(e, "action", fw__db_col_text(s, 1));
            fw__json_add_i64(e, "level", fw__db_col_i64(s, 2));
            cJSON_AddStringToObject(e, "note", fw__db_col_text(s, 3));
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

/* ---- supervision of key links --------------------------------------------------------- */

int fw_service_checkpoint_define(fw_ctx *ctx, const char *json, size_t json_len, fw_error **err)
{
    static const char *const fields[] = { "code", "title", "start_action", "end_action", "max_ms", NULL };
    const char *code = NULL, *title = NULL, *start = NULL, *end = NULL;
    int64_t max_ms = 0;
    cJSON *root, *detail;
    int rc;

    if (!ctx || !json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and json are required");
    if ((rc = fw__authz_require(ctx, "service.checkpoint_define", err)) != FW_OK)
        return rc;
    if ((rc = fw__service_parse(&root, json, json_len, fields, err)) != FW_OK)
        return rc;
    rc = fw__json_str(root, "$", "code", FW__REQUIRED, 1, 64, &code, err);
    if (rc == FW_OK)
        rc = fw__json_str(root, "$", "title", FW__REQUIRED, 1, 200, &title, err);
    if (rc == FW_OK)
        rc = fw__json_str(root, "$", "start_action", FW__REQUIRED, 1, 64, &start, err);
    if (rc == FW_OK)
        rc = fw__json_str(root, "$", "end_action", FW__REQUIRED, 1, 64, &end, err);
    if (rc == FW_OK)
        rc = fw__json_i64(root, "$", "max_ms", FW__REQUIRED, 1, 31536000000LL, &max_ms, err);
    if (rc == FW_OK && (rc = fw__tx_begin(ctx, err)) == FW_OK) {
        rc = fw__db_exec(ctx, err, "INSERT INTO fw_service_checkpoint(code, title, start_action, end_action, max_ms) "
                         "VALUES (?,?,?,?,?) ON CONFLICT(code) DO UPDATE SET title=excluded.title, "
                         "start_action=excluded.start_action, end_action=excluded.end_action, max_ms=excluded.max_ms",
                         "tttti", code, title, start, end, max_ms);
        if (rc == FW_OK) {
            detail = cJSON_CreateObject();
            cJSON_AddStringToObject(detail, "code", code);
            fw__json_add_i64(detail, "max_ms", max_ms);
            rc = audit_json(ctx, "service.checkpoint_define", "service_checkpoint", 0, detail, err);
        }
        rc = fw__tx_end(ctx, rc, err);
    }
    cJSON_Delete(root);
    return rc;
}

/* Results of one checkpoint over starts in [from, to). */
static int checkpoint_results(fw_ctx *ctx, const char *start, const char *end, int64_t max_ms, int64_t from,
                              int64_t to, cJSON *o, fw_error **err)
{
    int64_t now = fw_ctx_now(ctx), started = 0, passed = 0, late = 0, missing = 0, pending = 0;
    cJSON *failures = cJSON_CreateArray();
    fw__stmt *s;
    int rc = fw__db_query(ctx, &s, err,
                          "SELECT x.entity_type, x.entity_id, x.at_ms, (SELECT min(e.at_ms) FROM fw_audit e "
                          "WHERE e.action=? AND e.entity_type=x.entity_type AND e.entity_id=x.entity_id "
                          "AND e.seq > x.seq) FROM fw_audit x WHERE x.action=? AND x.at_ms >= ? AND x.at_ms < ? "
                          "ORDER BY x.seq", "ttii", end, start, from, to);
    if (rc != FW_OK) {
        cJSON_Delete(failures);
        return rc;
    }
    while ((rc = fw__db_step(s, err)) == FW__ROW) {
        int64_t at = fw__db_col_i64(s, 2), ended = fw__db_col_is_null(s, 3) ? 0 : fw__db_col_i64(s, 3);
        int failed = 0;
        started++;
        if (ended && ended - at <= max_ms)
            passed++;
        else if (ended)
            late++, failed = 1;
        else if (now - at > max_ms)
            missing++, failed = 1;
        else
            pending++;
        if (failed && cJSON_GetArraySize(failures) < 20) {
            cJSON *f = cJSON_CreateObject();
            cJSON_AddStringToObject(f, "entity_type", fw__db_col_text(s, 0));
            fw__json_add_i64(f, "entity_id", fw__db_col_i64(s, 1));
            fw__json_add_i64(f, "started_ms", at);
            fw__json_add_i64(f, "ended_ms", ended);
            cJSON_AddItemToArray(failures, f);
        }
    }
    fw__db_done(s);
    fw__json_add_i64(o, "started", started);
    fw__json_add_i64(o, "passed", passed);
    fw__json_add_i64(o, "late", late);
    fw__json_add_i64(o, "missing", missing);
    fw__json_add_i64(o, "pending", pending);
    cJSON_AddItemToObject(o, "failures", failures);
    return rc;
}

int fw__service_supervision(fw_ctx *ctx, int64_t from, int64_t to, cJSON **out, fw_error **err)
{
    struct cp { char code[260], title[820], start[260], end[260]; int64_t max_ms; } *cps = NULL;
    size_t n = 0, i;
    cJSON *arr = cJSON_CreateArray();
    fw__stmt *s;
    int rc = fw__db_query(ctx, &s, err, "SELECT code, title, start_action, end_action, max_ms "
                          "FROM fw_service_checkpoint ORDER BY code", "");

    /* Definitions first: the results query runs statements of its own. */
    while (rc == FW_OK && (rc = fw__db_step(s, err)) == FW__ROW) {
        struct cp *p = realloc(cps, (n + 1) * sizeof(*cps));
        rc = FW_OK;
        if (!p) {
            rc = fw__error_nomem(err);
            break;
        }
        cps = p;
        snprintf(cps[n].code, sizeof(cps[n].code), "%s", fw__db_col_text(s, 0));
        snprintf(cps[n].title, sizeof(cps[n].title), "%s", fw__db_col_text(s, 1));
        snprintf(cps[n].start, sizeof(cps[n].start), "%s", fw__db_col_text(s, 2));
        snprintf(cps[n].end, sizeof(cps[n].end), "%s", fw__db_col_text(s, 3));
        cps[n].max_ms = fw__db_col_i64(s, 4);
        n++;
    }
    fw__db_done(s);
    for (i = 0; rc == FW_OK && i < n; i++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "code", cps[i].code);
        cJSON_AddStringToObject(o, "title", cps[i].title);
        fw__json_add_i64(o, "max_ms", cps[i].max_ms);
        cJSON_AddItemToArray(arr, o);
        rc = checkpoint_results(ctx, cps[i].start, cps[i].end, cps[i].max_ms, from, to, o, err);
    }
    free(cps);
    if (rc != FW_OK) {
        cJSON_Delete(arr);
        return rc;
    }
    *out = arr;
    return FW_OK;
}

int fw_service_supervise(fw_ctx *ctx, const char *month, char **out_json, size_t *out_len, fw_error **err)
{
    int64_t from, to;
    cJSON *arr = NULL;
    int rc;

    if (!ctx || !out_json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and out_json are required");
    if ((rc = fw__service_month(month, &from, &to, err)) != FW_OK)
        return rc;
    if ((rc = fw__authz_require(ctx, "service.report", err)) != FW_OK)
        return rc;
    if ((rc = fw__service_supervision(ctx, from, to, &arr, err)) != FW_OK)
        return rc;
    return fw__json_out(arr, out_json, out_len, err);
}

/* ---- corrective actions --------------------------------------------------------------- */

int fw_service_action_open(fw_ctx *ctx, const char *json, size_t json_len, fw_id *out_id, fw_error **err)
{
    static const char *const fields[] = { "cause", "description", "owner", "due", "case_ids", NULL };
    const char *cause = NULL, *description = NULL, *owner = NULL;
    const cJSON *cases = NULL, *c;
    int64_t due = 0, found = 0;
    fw_id id = 0;
    char path[48];
    cJSON *root, *detail;
    size_t i;
    int rc;

    if (!ctx || !json || !out_id)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx, json and out_id are required");
    if ((rc = fw__authz_require(ctx, "service.action", err)) != FW_OK)
        return rc;
    if ((rc = fw__service_parse(&root, json, json_len, fields, err)) != FW_OK)
        return rc;
    rc = fw__json_str(root, "$", "cause", FW__REQUIRED, 1, 64, &cause, err);
    if (rc == FW_OK)
        rc = fw__json_str(root, "$", "description", FW__REQUIRED, 1, 1000, &description, err);
    if (rc == FW_OK)
        rc = fw__json_str(root, "$", "owner", FW__REQUIRED, 1, 100, &owner, err);
    if (rc == FW_OK)
        rc = fw__json_date(root, "$", "due", FW__REQUIRED, &due, err);
    if (rc == FW_OK)
        rc = fw__json_arr(root, "$", "case_ids", FW__OPTIONAL, 500, &cases, err);
    if (rc == FW_OK && (rc = fw__tx_begin(ctx, err)) == FW_OK) {
        rc = fw__db_exec(ctx, err, "INSERT INTO fw_service_action(cause, description, owner, due_ms, state, created_ms) "
                         "VALUES (?,?,?,?,1,?)", "tttii", cause, description, owner, due, fw_ctx_now(ctx));
        id = fw__db_last_id(ctx);
        for (i = 0, c = cases ? cases->child : NULL; rc == FW_OK && c; c = c->next, i++) {
            fw__json_path_index(path, sizeof(path), "$.case_ids", i);
            if (!cJSON_IsNumber(c) || c->valuedouble < 1 || c->valuedouble > (double)FW__JSON_MAX_INT ||
                c->valuedouble != (double)(int64_t)c->valuedouble) {
                rc = fw__error_set(err, FW_EINVAL, path, "must be a case id");
                break;
            }
            rc = fw__db_i64(ctx, &found, err, "SELECT count(*) FROM fw_service_case WHERE id=?", "i",
                            (int64_t)c->valuedouble);
            if (rc == FW_OK && !found)
                rc = fw__error_set(err, FW_ENOTFOUND, path, "no service case %lld", (long long)c->valuedouble);
            if (rc == FW_OK)
                rc = fw__db_exec(ctx, err, "INSERT INTO fw_service_action_case(action_id, case_id) VALUES (?,?) "
                                 "ON CONFLICT DO NOTHING", "ii", id, (int64_t)c->valuedouble);
        }
        if (rc == FW_OK) {
            detail = cJSON_CreateObject();
            cJSON_AddStringToObject(detail, "cause", cause);
            fw__json_add_i64(detail, "due_ms", due);
            fw__json_add_i64(detail, "cases", cases ? cJSON_GetArraySize(cases) : 0);
            rc = audit_json(ctx, "service.action_open", "service_action", id, detail, err);
        }
        rc = fw__tx_end(ctx, rc, err);
    }
    cJSON_Delete(root);
    if (rc == FW_OK)
        *out_id = id;
    return rc;
}

static int action_state(fw_ctx *ctx, fw_id id, int64_t *state, fw_error **err)
{
    int rc = fw__db_i64(ctx, state, err, "SELECT state FROM fw_service_action WHERE id=?", "i", id);
    if (rc == FW_ENOTFOUND)
        return fw__error_set(err, FW_ENOTFOUND, "action_id", "no corrective action %lld", (long long)id);
    return rc;
}

int fw_service_action_complete(fw_ctx *ctx, fw_id id, const char *json, size_t json_len, fw_error **err)
{
    static const char *const fields[] = { "result", NULL };
    const char *result = NULL;
    int64_t state = 0;
    cJSON *root;
    int rc;

    if (!ctx || !json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and json are required");
    if ((rc = fw__authz_require(ctx, "service.action", err)) != FW_OK)
        return rc;
    if ((rc = fw__service_parse(&root, json, json_len, fields, err)) != FW_OK)
        return rc;
    rc = fw__json_str(root, "$", "result", FW__REQUIRED, 1, 1000, &result, err);
    if (rc == FW_OK && (rc = fw__tx_begin(ctx, err)) == FW_OK) {
        rc = action_state(ctx, id, &state, err);
        if (rc == FW_OK && state != 1)
            rc = fw__error_set(err, FW_ESTATE, "action_id", "corrective action %lld is not open", (long long)id);
        if (rc == FW_OK)
            rc = fw__db_exec(ctx, err, "UPDATE fw_service_action SET state=2, completed_ms=?, result=? WHERE id=?",
                             "iti", fw_ctx_now(ctx), result, id);
        if (rc == FW_OK)
            rc = fw__audit_append(ctx, "service.action_complete", "service_action", id, "{\"state\":\"completed\"}",
                                  strlen("{\"state\":\"completed\"}"), err);
        rc = fw__tx_end(ctx, rc, err);
    }
    cJSON_Delete(root);
    return rc;
}

int fw_service_action_verify(fw_ctx *ctx, fw_id id, const char *json, size_t json_len, fw_error **err)
{
    static const char *const fields[] = { "effective", "note", "due", NULL };
    const char *note = NULL;
    int64_t state = 0, due = 0;
    int effective = 0, rc;
    cJSON *root;
    char detail[64];

    if (!ctx || !json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and json are required");
    if ((rc = fw__authz_require(ctx, "service.action", err)) != FW_OK)
        return rc;
    if ((rc = fw__service_parse(&root, json, json_len, fields, err)) != FW_OK)
        return rc;
    rc = fw__json_bool(root, "$", "effective", FW__REQUIRED, &effective, err);
    if (rc == FW_OK)
        rc = fw__json_str(root, "$", "note", FW__REQUIRED, 1, 1000, &note, err);
    if (rc == FW_OK)
        rc = fw__json_date(root, "$", "due", effective ? FW__OPTIONAL : FW__REQUIRED, &due, err);
    if (rc == FW_OK && effective && due)
        rc = fw__error_set(err, FW_EINVAL, "$.due", "applies only when the action was not effective");
    if (rc == FW_OK && (rc = fw__tx_begin(ctx, err)) == FW_OK) {
        rc = action_state(ctx, id, &state, err);
        if (rc == FW_OK && state != 2)
            rc = fw__error_set(err, FW_ESTATE, "action_id", "corrective action %lld is not completed", (long long)id);
        if (rc == FW_OK)
            rc = effective
                 ? fw__db_exec(ctx, err, "UPDATE fw_service_action SET state=3, verified_ms=?, verify_note=? WHERE id=?",
                               "iti", fw_ctx_now(ctx), note, id)
                 : fw__db_exec(ctx, err, "UPDATE fw_service_action SET state=1, verified_ms=?, verify_note=?, "
                               "due_ms=?, rounds=rounds+1 WHERE id=?", "itii", fw_ctx_now(ctx),
                               note, due, id);
        if (rc == FW_OK) {
            snprintf(detail, sizeof(detail), "{\"effective\":%s}", effective ? "true" : "false");
            rc = fw__audit_append(ctx, "service.action_verify", "service_action", id, detail, strlen(detail), err);
        }
        rc = fw__tx_end(ctx, rc, err);
    }
    cJSON_Delete(root);
    return rc;
}
