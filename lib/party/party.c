/*
 * What the party files share: the hook events higher modules take part in, audit and sealing helpers,
 * and the gates other modules call.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/audit.h"
#include "core/ctx.h"
#include "core/db.h"
#include "core/error.h"
#include "core/hook.h"
#include "core/json.h"
#include "core/vault.h"
#include "party/party.h"
#include "party/party_int.h"

static const char *event_name(int kind, int activate)
{
    if (kind == FW__PARTY_ENTERPRISE)
        return activate ? "party.enterprise.activate" : "party.enterprise.cancel";
    return activate ? "party.worker.activate" : "party.worker.cancel";
}

int fw__party_run_cancel_checks(fw_ctx *ctx, int kind, fw_id id, fw_error **err)
{
    return fw__hook_run(ctx, event_name(kind, 0), id, NULL, err);
}

int fw__party_run_activate_hooks(fw_ctx *ctx, int kind, fw_id id, fw_error **err)
{
    return fw__hook_run(ctx, event_name(kind, 1), id, NULL, err);
}

int fw__party_audit(fw_ctx *ctx, fw_error **err, const char *action, const char *entity, fw_id id,
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

int fw__party_seal_json(fw_ctx *ctx, const char *subject, const char *table, fw_id row,
                        const char *json, unsigned char **out, size_t *out_len, fw_error **err)
{
    return fw__vault_seal(ctx, subject, table, "pii", row, json, strlen(json), out, out_len, err);
}

/* Reads and opens the sealed pii column of a row into a parsed cJSON object. */
int fw__party_open_pii(fw_ctx *ctx, const char *table, const char *kind, fw_id id, cJSON **out,
                       fw_error **err)
{
    const char *sql;
    char subject[64], *plain = NULL;
    fw__stmt *s;
    unsigned char *blob = NULL;
    size_t n = 0;
    int rc;

    /* literals, so that the statement cache keys them by address */
    if (strcmp(table, "fw_party_enterprise") == 0)
        sql = "SELECT pii FROM fw_party_enterprise WHERE id=?";
    else if (strcmp(table, "fw_party_worker") == 0)
        sql = "SELECT pii FROM fw_party_worker WHERE id=?";
    else if (strcmp(table, "fw_party_enterprise_user") == 0)
        sql = "SELECT pii FROM fw_party_enterprise_user WHERE id=?";
    else
        sql = "SELECT pii FROM fw_party_staff WHERE id=?";
    snprintf(subject, sizeof(subject), "%s:%lld", kind, (long long)id);
    rc = fw__db_prepare(ctx, &s, sql, err);
    if (rc != FW_OK)
        return rc;
    fw__db_bind_i64(s, 1, id);
    rc = fw__db_step(s, err);
    if (rc == FW__ROW) {
        n = fw__db_col_bytes(s, 0);
        blob = malloc(n ? n : 1);
        if (!blob)
            rc = fw__error_nomem(err);
        else {
            memcpy(blob, fw__db_col_blob(s, 0), n);
            rc = FW_OK;
        }
    } else if (rc == FW__DONE) {
        rc = fw__error_set(err, FW_ENOTFOUND, NULL, "no %s %lld", kind, (long long)id);
    }
    fw__db_done(s);
    if (rc == FW_OK)
        rc = fw__vault_open(ctx, subject, table, "pii", id, blob, n, &plain, err);
    free(blob);
    if (rc == FW_OK) {
        *out = cJSON_Parse(plain);
        sodium_memzero(plain, strlen(plain));
        free(plain);
        if (!*out)
            rc = fw__error_set(err, FW_ECORRUPT, NULL, "%s %lld: sealed record is not JSON", kind,
                               (long long)id);
    }
    return rc;
}

const char *fw__pii_str(const cJSON *o, const char *a, const char *b)
{
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(o, a);
    if (b)
        c = cJSON_GetObjectItemCaseSensitive(c, b);
    return cJSON_IsString(c) ? c->valuestring : NULL;
}

int fw__party_check_phone(const char *s, const char *path, fw_error **err)
{
    size_t i;
    if (strlen(s) != 11 || s[0] != '1')
        return fw__error_set(err, FW_EINVAL, path, "must be an 11-digit mobile number starting with 1");
    for (i = 0; i < 11; i++)
        if (s[i] < '0' || s[i] > '9')
            return fw__error_set(err, FW_EINVAL, path, "must be an 11-digit mobile number starting with 1");
    return FW_OK;
}

/* ---- gates ------------------------------------------------------------------------------ */

int fw__party_enterprise_state(fw_ctx *ctx, fw_id enterprise_id, uint32_t *out, fw_error **err)
{
    int64_t st = 0;
    int rc = fw__db_i64(ctx, &st, err, "SELECT state FROM fw_party_enterprise WHERE id=?", "i",
                        enterprise_id);
    if (rc == FW_ENOTFOUND)
        return fw__error_set(err, FW_ENOTFOUND, NULL, "no enterprise %lld", (long long)enterprise_id);
    if (rc == FW_OK)
        *out = (uint32_t)st;
    return rc;
}

int fw__party_worker_state(fw_ctx *ctx, fw_id worker_id, uint32_t *out, fw_error **err)
{
    int64_t st = 0;
    int rc = fw__db_i64(ctx, &st, err, "SELECT state FROM fw_party_worker WHERE id=?", "i", worker_id);
    if (rc == FW_ENOTFOUND)
        return fw__error_set(err, FW_ENOTFOUND, NULL, "no worker %lld", (long long)worker_id);
    if (rc == FW_OK)
        *out = (uint32_t)st;
    return rc;
}

static int enterprise_gate(fw_ctx *ctx, fw_id id, int need_active, fw_error **err)
{
    uint32_t st = 0;
    int rc = fw__party_enterprise_state(ctx, id, &st, err);
    long long e = (long long)id;

    if (rc != FW_OK)
        return rc;
    switch (st) {
    case FW_ENTERPRISE_APPLIED:
    case FW_ENTERPRISE_UNDER_REVIEW:
    case FW_ENTERPRISE_REJECTED:
        return fw__error_set(err, FW_EDENIED, NULL,
                             "ENTERPRISE_NOT_VERIFIED: enterprise %lld is %s; it must be verified first",
                             e, fw__enterprise_state_name(st));
    case FW_ENTERPRISE_VERIFIED:
        if (need_active)
            return fw__error_set(err, FW_EDENIED, NULL,
                                 "ENTERPRISE_NOT_SIGNED: enterprise %lld has not signed the cooperation "
                                 "agreement", e);
        return FW_OK;
    case FW_ENTERPRISE_SIGNED:
        if (need_active)
            return fw__error_set(err, FW_EDENIED, NULL,
                                 "ENTERPRISE_NOT_ACTIVE: enterprise %lld has signed but is not activated", e);
        return FW_OK;
    case FW_ENTERPRISE_ACTIVE:
        return FW_OK;
    case FW_ENTERPRISE_SUSPENDED:
        return fw__error_set(err, FW_EDENIED, NULL, "ENTERPRISE_SUSPENDED: enterprise %lld is suspended", e);
    default:
        return fw__error_set(err, FW_EDENIED, NULL, "ENTERPRISE_CANCELLED: enterprise %lld is cancelled", e);
    }
}

int fw__party_require_active_enterprise(fw_ctx *ctx, fw_id enterprise_id, fw_error **err)
{
    return enterprise_gate(ctx, enterprise_id, 1, err);
}

int fw__party_require_verified_enterprise(fw_ctx *ctx, fw_id enterprise_id, fw_error **err)
{
    return enterprise_gate(ctx, enterprise_id, 0, err);
}

int fw__party_require_verified_worker(fw_ctx *ctx, fw_id worker_id, fw_error **err)
{
    uint32_t st = 0;
    int rc = fw__party_worker_state(ctx, worker_id, &st, err);
    long long w = (long long)worker_id;

    if (rc != FW_OK)
        return rc;
    switch (st) {
    case FW_WORKER_VERIFIED:
    case FW_WORKER_SIGNED:
    case FW_WORKER_ACTIVE:
        return FW_OK;
    case FW_WORKER_SUSPENDED:
        return fw__error_set(err, FW_EDENIED, NULL, "WORKER_SUSPENDED: worker %lld is suspended", w);
    case FW_WORKER_CLOSED:
        return fw__error_set(err, FW_EDENIED, NULL, "WORKER_CLOSED: worker %lld is closed", w);
    default:
        return fw__error_set(err, FW_EDENIED, NULL,
                             "WORKER_NOT_VERIFIED: worker %lld is %s; real-name verification is required",
                             w, fw__worker_state_name(st));
    }
}

int fw__party_link_worker(fw_ctx *ctx, fw_id worker_id, fw_id enterprise_id, fw_error **err)
{
    return fw__db_exec(ctx, err,
                       "INSERT INTO fw_party_worker_link(worker_id, enterprise_id, linked_ms) "
                       "VALUES (?,?,?) ON CONFLICT DO NOTHING",
                       "iii", worker_id, enterprise_id, fw_ctx_now(ctx));
}

int fw__party_worker_linked(fw_ctx *ctx, fw_id worker_id, fw_id enterprise_id)
{
    int64_t n = 0;
    if (fw__db_i64(ctx, &n, NULL, "SELECT count(*) FROM fw_party_worker_link WHERE worker_id=? "
                   "AND enterprise_id=?", "ii", worker_id, enterprise_id) != FW_OK)
        return 0;
    return n > 0;
}

int fw__party_verification_record(fw_ctx *ctx, int worker, fw_id party_id, char **out, fw_error **err)
{
    static const char *const names[] = { "method", "result", "reasons", "evidence" };
    fw__stmt *s;
    cJSON *o = NULL;
    char *text = NULL;
    int rc, i;

    rc = worker ? fw__db_query(ctx, &s, err, "SELECT verify_method, verify_result, verify_reason, verify_evidence "
                               "FROM fw_party_worker WHERE id=?", "i", party_id)
                : fw__db_query(ctx, &s, err, "SELECT review_method, NULL, review_reasons, review_evidence "
                               "FROM fw_party_enterprise WHERE id=?", "i", party_id);
    if (rc != FW_OK)
        return rc;
    rc = fw__db_step(s, err);
    if (rc == FW__DONE) {
        rc = fw__error_set(err, FW_ENOTFOUND, NULL, "no %s %lld", worker ? "worker" : "enterprise",
                           (long long)party_id);
    } else if (rc == FW__ROW && fw__db_col_is_null(s, 0)) {
        rc = FW_OK;             /* never verified: nothing to file */
    } else if (rc == FW__ROW) {
        rc = (o = cJSON_CreateObject()) ? FW_OK : fw__error_nomem(err);
        if (rc == FW_OK) {
            cJSON_AddStringToObject(o, "format", "flexwork-verification");
            fw__json_add_i64(o, "version", 1);
            cJSON_AddStringToObject(o, "party_kind", worker ? "worker" : "enterprise");
            fw__json_add_i64(o, "party_id", party_id);
            for (i = 0; i < 4; i++) {
                if (i == 1 && !worker)
                    continue;
                if (fw__db_col_is_null(s, i))
                    cJSON_AddNullToObject(o, names[i]);
                else
                    cJSON_AddStringToObject(o, names[i], fw__db_col_text(s, i));
            }
            if (!(text = fw__json_print(o)))
                rc = fw__error_nomem(err);
        }
    }
    fw__db_done(s);
    cJSON_Delete(o);
    if (rc == FW_OK)
        *out = text;
    return rc;
}
