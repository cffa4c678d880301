/*
 * Tax registration of workers: only for a worker whose tax-agency authorisation is in
 * force; through the tax provider's register_taxpayer, or pending for an operator. The
 * registration number of a person is personal data (usually the ID number): it is sealed under
 * the worker's subject.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "contract/contract.h"
#include "core/audit.h"
#include "core/authz.h"
#include "core/clock.h"
#include "core/ctx.h"
#include "core/db.h"
#include "core/error.h"
#include "core/json.h"
#include "core/vault.h"
#include "party/party.h"

static const char *taxreg_state_name(uint32_t st)
{
    static const char *const names[] = { "unknown", "pending", "registered", "rejected" };
    return st < 4 ? names[st] : "unknown";
}

static int seal_no(fw_ctx *ctx, fw_id worker, const char *no, unsigned char **out, size_t *n, fw_error **err)
{
    char subject[48];
    snprintf(subject, sizeof(subject), "worker:%lld", (long long)worker);
    return fw__vault_seal(ctx, subject, "fw_contract_taxreg", "registration_no", worker, no, strlen(no), out, n, err);
}

/* Records the outcome: registered (with number and date) or rejected (with reason). */
static int record(fw_ctx *ctx, fw_id worker, uint32_t from, int registered, const char *no, int64_t on_ms,
                  const char *reason, const char *method, fw_error **err)
{
    unsigned char *sealed = NULL;
    size_t n = 0;
    char detail[200];
    int rc = FW_OK;

    if (registered)
        rc = seal_no(ctx, worker, no, &sealed, &n, err);
    if (rc == FW_OK)
        rc = fw__db_exec(ctx, err, "UPDATE fw_contract_taxreg SET state=?, registration_no=?, registered_on_ms=?, "
                         "reason=?, updated_ms=? WHERE worker_id=?", "ibitii",
                         (int64_t)(registered ? FW_TAXREG_REGISTERED : FW_TAXREG_REJECTED), (const void *)sealed, n,
                         registered ? on_ms : (int64_t)0, reason, fw_ctx_now(ctx), worker);
    free(sealed);
    if (rc == FW_OK) {
        snprintf(detail, sizeof(detail), "{\"from\":\"%s\",\"to\":\"%s\",\"method\":\"%s\"}", taxreg_state_name(from),
                 registered ? "registered" : "rejected", method);
        rc = fw__audit_append(ctx, "contract.taxreg", "worker", worker, detail, strlen(detail), err);
    }
    return rc;
}

static int parse_date(const char *s, int64_t *ms)
{
    int y, m, d;
    if (!s || strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d", &y, &m, &d) != 3)
        return FW_EINVAL;
    return fw__cst_from_date(y, m, d, ms);
}

int fw_contract_taxreg_request(fw_ctx *ctx, fw_id worker_id, const char *json, size_t json_len, uint32_t *out_state,
                               fw_error **err)
{
    static const char *const fields[] = { "jurisdiction", NULL };
    struct fw_reply r = { NULL, 0 };
    cJSON *root = NULL, *req = NULL, *reply = NULL;
    const char *jur = NULL, *status, *no, *on, *why;
    char *name = NULL, *idn = NULL, *text = NULL;
    int64_t st = 0, on_ms = 0;
    fw_id auth = 0;
    uint32_t to = FW_TAXREG_PENDING;
    int rc;

    if (!ctx || !json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and json are required");
    if ((rc = fw__authz_require(ctx, "contract.taxreg_request", err)) != FW_OK)
        return rc;
    if ((rc = fw__json_parse(&root, json, json_len, err)) != FW_OK)
        return rc;
    if ((rc = fw__json_only(root, "$", fields, err)) == FW_OK)
        rc = fw__json_str(root, "$", "jurisdiction", FW__REQUIRED, 1, 100, &jur, err);
    if (rc != FW_OK || (rc = fw__tx_begin(ctx, err)) != FW_OK) {
        cJSON_Delete(root);
        return rc;
    }
    rc = fw__contract_tax_authorisation(ctx, worker_id, &auth, err);
    if (rc == FW_OK && fw__db_i64(ctx, &st, NULL, "SELECT state FROM fw_contract_taxreg WHERE worker_id=?", "i",
                                  worker_id) == FW_OK) {
        if (st == FW_TAXREG_REGISTERED)
            rc = fw__error_set(err, FW_ESTATE, NULL, "worker %lld is already registered for tax", (long long)worker_id);
        else
            rc = fw__db_exec(ctx, err, "UPDATE fw_contract_taxreg SET state=1, jurisdiction=?, authorisation_id=?, "
                             "reason=NULL, updated_ms=? WHERE worker_id=?", "tiii", jur, auth, fw_ctx_now(ctx), worker_id);
    } else if (rc == FW_OK) {
        rc = fw__db_exec(ctx, err, "INSERT INTO fw_contract_taxreg(worker_id, state, jurisdiction, authorisation_id, "
                         "requested_ms, updated_ms) VALUES (?,1,?,?,?,?)", "itiii", worker_id, jur, auth,
                         fw_ctx_now(ctx), fw_ctx_now(ctx));
    }
    if (rc == FW_OK) {
        char detail[160];
        snprintf(detail, sizeof(detail), "{\"state\":\"pending\",\"authorisation_id\":%lld}", (long long)auth);
        rc = fw__audit_append(ctx, "contract.taxreg_request", "worker", worker_id, detail, strlen(detail), err);
    }
    if (rc == FW_OK && ctx->tax.register_taxpayer) {
        rc = fw__party_worker_identity(ctx, worker_id, &name, &idn, err);
        if (rc == FW_OK) {
            req = cJSON_CreateObject();
            fw__json_add_i64(req, "worker_id", worker_id);
            cJSON_AddStringToObject(req, "name", name);
            cJSON_AddStringToObject(req, "id_number", idn);
            cJSON_AddStringToObject(req, "jurisdiction", jur);
            text = fw__json_print(req);
            rc = text ? FW_OK : fw__error_nomem(err);
        }
        if (rc == FW_OK) {
            rc = fw__provider_call(ctx->tax.register_taxpayer, ctx->tax.payload, text, strlen(text), &r);
            if (rc == FW_EPENDING || rc == FW_ETIMEOUT) {
                rc = FW_OK;
            } else if (rc != FW_OK) {
                rc = fw__error_set(err, FW_EPROVIDER, NULL, "the tax provider's register_taxpayer failed (%d)", rc);
            } else {
                reply = cJSON_Parse(r.json);
                status = cJSON_GetStringValue(cJSON_GetObjectItem(reply, "status"));
                no = cJSON_GetStringValue(cJSON_GetObjectItem(reply, "registration_no"));
                on = cJSON_GetStringValue(cJSON_GetObjectItem(reply, "registered_on"));
                why = cJSON_GetStringValue(cJSON_GetObjectItem(reply, "reason"));
                if (status && strcmp(status, "registered") == 0 && no && *no && strlen(no) <= 64 &&
                    parse_date(on, &on_ms) == FW_OK) {
                    to = FW_TAXREG_REGISTERED;
                    rc = record(ctx, worker_id, FW_TAXREG_PENDING, 1, no, on_ms, NULL, "provider", err);
                } else if (status && strcmp(status, "rejected") == 0) {
                    to = FW_TAXREG_REJECTED;
                    rc = record(ctx, worker_id, FW_TAXREG_PENDING, 0, NULL, 0, why ? why : "rejected by the tax bureau",
                                "provider", err);
                } else if (!(status && strcmp(status, "pending") == 0)) {
                    rc = fw__error_set(err, FW_EPROVIDER, NULL,
                                       "register_taxpayer must answer {\"status\":\"registered\",\"registration_no\","
                                       "\"registered_on\"}, {\"status\":\"rejected\"} or {\"status\":\"pending\"}");
                }
                cJSON_Delete(reply);
            }
        }
    }
    rc = fw__tx_end(ctx, rc, err);
    if (rc == FW_OK && out_state)
        *out_state = to;
    fw__reply_clear(&r);
    if (text) {
        sodium_memzero(text, strlen(text));
        free(text);
    }
    if (name) {
        sodium_memzero(name, strlen(name));
        free(name);
    }
    if (idn) {
        sodium_memzero(idn, strlen(idn));
        free(idn);
    }
    cJSON_Delete(req);
    cJSON_Delete(root);
    return rc;
}

int fw_contract_taxreg_complete(fw_ctx *ctx, fw_id worker_id, const char *json, size_t json_len, fw_error **err)
{
    static const char *const fields[] = { "status", "registration_no", "registered_on", "reason", NULL };
    static const char *const statuses[] = { "registered", "rejected", NULL };
    cJSON *root = NULL;
    const char *no = NULL, *reason = NULL;
    int64_t st = 0, on_ms = 0;
    int status = 0, rc;

    if (!ctx || !json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and json are required");
    if ((rc = fw__authz_require(ctx, "contract.taxreg_complete", err)) != FW_OK)
        return rc;
    if ((rc = fw__json_parse(&root, json, json_len, err)) != FW_OK)
        return rc;
    if ((rc = fw__json_only(root, "$", fields, err)) == FW_OK &&
        (rc = fw__json_enum(root, "$", "status", FW__REQUIRED, statuses, &status, err)) == FW_OK &&
        (rc = fw__json_str(root, "$", "registration_no", status == 0, 1, 64, &no, err)) == FW_OK &&
        (rc = fw__json_date(root, "$", "registered_on", status == 0, &on_ms, err)) == FW_OK)
        rc = fw__json_str(root, "$", "reason", status == 1, 1, 500, &reason, err);
    if (rc == FW_OK && (rc = fw__tx_begin(ctx, err)) == FW_OK) {
        rc = fw__db_i64(ctx, &st, err, "SELECT state FROM fw_contract_taxreg WHERE worker_id=?", "i", worker_id);
        if (rc == FW_ENOTFOUND)
            rc = fw__error_set(err, FW_ENOTFOUND, NULL, "no tax registration was requested for worker %lld",
                               (long long)worker_id);
        if (rc == FW_OK && st != FW_TAXREG_PENDING)
            rc = fw__error_set(err, FW_ESTATE, NULL, "the tax registration of worker %lld is %s; only a pending one "
                               "is completed", (long long)worker_id, taxreg_state_name((uint32_t)st));
        if (rc == FW_OK)
            rc = record(ctx, worker_id, (uint32_t)st, status == 0, no, on_ms, reason, "manual", err);
        rc = fw__tx_end(ctx, rc, err);
    }
    cJSON_Delete(root);
    return rc;
}

int fw_contract_taxreg_get(fw_ctx *ctx, fw_id worker_id, char **out_json, size_t *out_len, fw_error **err)
{
    cJSON *o;
    fw__stmt *s;
    unsigned char *sealed = NULL;
    size_t n = 0;
    char *no = NULL, subject[48], mask[64];
    int rc, y, m, d;

    if (!ctx || !out_json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and out_json are required");
    if ((rc = fw__authz_require_owner(ctx, "contract.taxreg_get", 0, worker_id, err)) != FW_OK)
        return rc;
    rc = fw__db_query(ctx, &s, err, "SELECT state, jurisdiction, registration_no, registered_on_ms, reason, "
                      "authorisation_id, requested_ms, updated_ms FROM fw_contract_taxreg WHERE worker_id=?", "i",
                      worker_id);
    if (rc != FW_OK)
        return rc;
    rc = fw__db_step(s, err);
    if (rc == FW__DONE)
        rc = fw__error_set(err, FW_ENOTFOUND, NULL, "no tax registration was requested for worker %lld",
                           (long long)worker_id);
    if (rc != FW__ROW) {
        fw__db_done(s);
        return rc;
    }
    o = cJSON_CreateObject();
    fw__json_add_i64(o, "worker_id", worker_id);
    fw__json_add_i64(o, "state", fw__db_col_i64(s, 0));
    cJSON_AddStringToObject(o, "state_name", taxreg_state_name((uint32_t)fw__db_col_i64(s, 0)));
    cJSON_AddStringToObject(o, "jurisdiction", fw__db_col_text(s, 1));
    n = fw__db_col_bytes(s, 2);
    if (n && (sealed = malloc(n)) != NULL)
        memcpy(sealed, fw__db_col_blob(s, 2), n);
    if (fw__db_col_i64(s, 3)) {
        fw__cst_date(fw__db_col_i64(s, 3), &y, &m, &d);
        snprintf(mask, sizeof(mask), "%04d-%02d-%02d", y, m, d);
        cJSON_AddStringToObject(o, "registered_on", mask);
    }
    if (fw__db_col_text(s, 4))
        cJSON_AddStringToObject(o, "reason", fw__db_col_text(s, 4));
    fw__json_add_i64(o, "authorisation_contract_id", fw__db_col_i64(s, 5));
    fw__json_add_i64(o, "requested_ms", fw__db_col_i64(s, 6));
    fw__json_add_i64(o, "updated_ms", fw__db_col_i64(s, 7));
    fw__db_done(s);
    if (sealed) {
        snprintf(subject, sizeof(subject), "worker:%lld", (long long)worker_id);
        if (fw__vault_open(ctx, subject, "fw_contract_taxreg", "registration_no", worker_id, sealed, n, &no, NULL) ==
            FW_OK) {
            cJSON_AddStringToObject(o, "registration_no", fw__authz_may_see_pii(ctx, worker_id)
                                                              ? no : fw__mask_id_number(no, mask, sizeof(mask)));
            sodium_memzero(no, strlen(no));
            free(no);
        } else {
            cJSON_AddNullToObject(o, "registration_no");
        }
        free(sealed);
    } else {
        cJSON_AddNullToObject(o, "registration_no");
    }
    return fw__json_out(o, out_json, out_len, err);
}
