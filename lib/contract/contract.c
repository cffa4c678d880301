/*
 * Contracts (R-3.3.b, R-5.1, R-5.2, R-7.4): creation from a template for the parties, the
 * fw_contract handle, sending, termination, expiry, and the agreement gates other modules call.
 * Signing and verification are in sign.c, templates and rendering in template.c.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "contract/contract_int.h"
#include "core/audit.h"
#include "core/authz.h"
#include "core/clock.h"
#include "core/ctx.h"
#include "core/db.h"
#include "core/error.h"
#include "core/hook.h"
#include "core/json.h"
#include "core/vault.h"
#include "party/party.h"

const char *const fw__contract_kind_names[] = { "cooperation", "service", "tax_authorisation", NULL };

const char *fw__contract_state_name(uint32_t st)
{
    static const char *const names[] = { "unknown", "draft", "sent", "partially_signed", "signed",
                                         "terminated", "expired", "superseded" };
    return st < sizeof(names) / sizeof(names[0]) ? names[st] : "unknown";
}

const char *fw__contract_kind_name(uint32_t k)
{
    return k >= 1 && k <= 3 ? fw__contract_kind_names[k - 1] : "unknown";
}

int fw__contract_audit(fw_ctx *ctx, fw_error **err, const char *action, fw_id id, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof(buf))
        return fw__error_set(err, FW_ERROR, NULL, "%s: audit detail too long", action);
    return fw__audit_append(ctx, action, "contract", id, buf, (size_t)n, err);
}

/* ---- creation --------------------------------------------------------------------------- */

void fw__contract_subject(int kind, fw_id id, char *buf, size_t size)
{
    snprintf(buf, size, "%s:%lld", kind == FW__SIGNER_WORKER ? "worker" : "enterprise", (long long)id);
}

static int store_document(fw_ctx *ctx, fw_id id, fw_id worker_id, const struct fw__cbuf *doc, fw_error **err)
{
    unsigned char h[32], *sealed = NULL;
    size_t n = 0;
    char subject[48];
    int rc;

    crypto_hash_sha256(h, (const unsigned char *)doc->p, doc->len);
    if (!worker_id)
        return fw__db_exec(ctx, err, "UPDATE fw_contract SET document=?, sealed=0, doc_sha256=? WHERE id=?", "bbi",
                           (const void *)doc->p, doc->len, (const void *)h, sizeof(h), id);
    fw__contract_subject(FW__SIGNER_WORKER, worker_id, subject, sizeof(subject));
    rc = fw__vault_seal(ctx, subject, "fw_contract", "document", id, doc->p, doc->len, &sealed, &n, err);
    if (rc == FW_OK)
        rc = fw__db_exec(ctx, err, "UPDATE fw_contract SET document=?, sealed=1, doc_sha256=? WHERE id=?", "bbi",
                         (const void *)sealed, n, (const void *)h, sizeof(h), id);
    free(sealed);
    return rc;
}

/* Fills the values the library knows: names of the parties. */
static int fill_system_values(fw_ctx *ctx, cJSON *values, fw_id id, fw_id ent, fw_id worker, fw_error **err)
{
    char no[32], *s = NULL, *name = NULL, *idn = NULL;
    fw__stmt *st;
    int rc = FW_OK;

    snprintf(no, sizeof(no), "%lld", (long long)id);
    cJSON_AddStringToObject(values, "contract_no", no);
    if (fw__db_query(ctx, &st, NULL, "SELECT operating_entity FROM fw_party_platform WHERE id=1", "") == FW_OK &&
        fw__db_step(st, NULL) == FW__ROW)
        cJSON_AddStringToObject(values, "platform_name", fw__db_col_text(st, 0));
    fw__db_done(st);
    if (ent) {
        rc = fw__party_enterprise_name(ctx, ent, &s, err);
        if (rc == FW_OK) {
            cJSON_AddStringToObject(values, "enterprise_name", s);
            free(s);
            if (fw__db_query(ctx, &st, NULL, "SELECT uscc FROM fw_party_enterprise WHERE id=?", "i", ent) == FW_OK &&
                fw__db_step(st, NULL) == FW__ROW)
                cJSON_AddStringToObject(values, "enterprise_uscc", fw__db_col_text(st, 0));
            fw__db_done(st);
        }
    }
    if (rc == FW_OK && worker) {
        rc = fw__party_worker_identity(ctx, worker, &name, &idn, err);
        if (rc == FW_OK) {
            cJSON_AddStringToObject(values, "worker_name", name);
            cJSON_AddStringToObject(values, "worker_id_number", idn);
            sodium_memzero(name, strlen(name));
            sodium_memzero(idn, strlen(idn));
        }
        free(name);
        free(idn);
    }
    return rc;
}

/* May these parties contract? */
static int parties_ready(fw_ctx *ctx, uint32_t kind, fw_id ent, fw_id worker, fw_error **err)
{
    int rc = FW_OK;
    if (kind == FW_CONTRACT_COOPERATION)
        return fw__party_require_verified_enterprise(ctx, ent, err);
    if (ent)
        rc = fw__party_require_active_enterprise(ctx, ent, err);
    if (rc == FW_OK)
        rc = fw__party_require_verified_worker(ctx, worker, err);
    return rc;
}

static int load(fw_contract **out, fw_ctx *ctx, fw_id id, fw_error **err);

int fw_contract_create(fw_contract **out, fw_ctx *ctx, const char *json, size_t json_len, fw_error **err)
{
    static const char *const fields[] = { "template_id", "enterprise_id", "worker_id", "values", "expires",
                                          "supersedes", "external_ref", NULL };
    cJSON *root = NULL, *values = NULL;
    const cJSON *given = NULL;
    const char *ext = NULL;
    char *tname = NULL, *tbody = NULL, *thash = NULL, *ptext = NULL;
    cJSON *tph = NULL;
    fw_contract *c = NULL;
    struct fw__cbuf doc = { NULL, 0, 0 };
    int64_t tid = 0, ent = 0, worker = 0, expires = 0, sup = 0, tversion = 0;
    uint32_t kind = 0;
    fw__stmt *s;
    fw_id id = 0;
    int rc;

    if (!out || !ctx || !json)
        return fw__error_set(err, FW_EINVAL, NULL, "out, ctx and json are required");
    if ((rc = fw__json_parse(&root, json, json_len, err)) != FW_OK)
        return rc;
    if ((rc = fw__json_only(root, "$", fields, err)) == FW_OK &&
        (rc = fw__json_i64(root, "$", "template_id", FW__REQUIRED, 1, FW__JSON_MAX_INT, &tid, err)) == FW_OK &&
        (rc = fw__json_i64(root, "$", "enterprise_id", FW__OPTIONAL, 1, FW__JSON_MAX_INT, &ent, err)) == FW_OK &&
        (rc = fw__json_i64(root, "$", "worker_id", FW__OPTIONAL, 1, FW__JSON_MAX_INT, &worker, err)) == FW_OK &&
        (rc = fw__json_obj(root, "$", "values", FW__OPTIONAL, &given, err)) == FW_OK &&
        (rc = fw__json_date(root, "$", "expires", FW__OPTIONAL, &expires, err)) == FW_OK &&
        (rc = fw__json_i64(root, "$", "supersedes", FW__OPTIONAL, 1, FW__JSON_MAX_INT, &sup, err)) == FW_OK)
        rc = fw__json_str(root, "$", "external_ref", FW__OPTIONAL, 1, 255, &ext, err);
    if (rc == FW_OK)
        rc = fw__authz_require_owner(ctx, "contract.create", ent, worker, err);
    if (rc == FW_OK && ctx->role == FW_ROLE_WORKER)
        rc = fw__error_set(err, FW_EPERM, NULL, "contract.create: a worker signs contracts but does not draw them up");
    if (rc != FW_OK) {
        cJSON_Delete(root);
        return rc;
    }
    rc = fw__db_query(ctx, &s, err, "SELECT kind, name, version, body, placeholders, sha256 FROM fw_contract_template "
                      "WHERE id=?", "i", tid);
    if (rc == FW_OK) {
        rc = fw__db_step(s, err);
        if (rc == FW__ROW) {
            kind = (uint32_t)fw__db_col_i64(s, 0);
            tname = strdup(fw__db_col_text(s, 1));
            tversion = fw__db_col_i64(s, 2);
            tbody = strdup(fw__db_col_text(s, 3));
            ptext = strdup(fw__db_col_text(s, 4));
            thash = strdup(fw__db_col_text(s, 5));
            rc = tname && tbody && ptext && thash ? FW_OK : fw__error_nomem(err);
        } else if (rc == FW__DONE) {
            rc = fw__error_set(err, FW_ENOTFOUND, "$.template_id", "no contract template %lld", (long long)tid);
        }
        fw__db_done(s);
    }
    if (rc == FW_OK) {
        if (kind == FW_CONTRACT_COOPERATION && (!ent || worker))
            rc = fw__error_set(err, FW_EINVAL, ent ? "$.worker_id" : "$.enterprise_id",
                               "a cooperation agreement is between the platform and one enterprise: give "
                               "enterprise_id and no worker_id");
        else if (kind != FW_CONTRACT_COOPERATION && !worker)
            rc = fw__error_set(err, FW_EINVAL, "$.worker_id", "a %s contract needs worker_id", fw__contract_kind_name(kind));
        else if (kind == FW_CONTRACT_TAX_AUTHORISATION && ent)
            rc = fw__error_set(err, FW_EINVAL, "$.enterprise_id",
                               "a tax-agency authorisation is between the worker and the platform");
    }
    if (rc == FW_OK && expires && expires + FW__MS_PER_DAY <= fw_ctx_now(ctx))
        rc = fw__error_set(err, FW_EINVAL, "$.expires", "must not be in the past");
    if (rc == FW_OK) {
        tph = cJSON_Parse(ptext);
        values = cJSON_CreateObject();
        if (!tph || !values)
            rc = fw__error_nomem(err);
    }
    if (rc == FW_OK) {
        const cJSON *g = given;
        cJSON *tmp = NULL;
        if (!g)
            g = tmp = cJSON_CreateObject();
        rc = fw__contract_check_values(tph, g, values, err);
        cJSON_Delete(tmp);
    }
    if (rc == FW_OK && (rc = fw__tx_begin(ctx, err)) == FW_OK) {
        uint32_t i = 0;
        rc = parties_ready(ctx, kind, ent, worker, err);
        if (rc == FW_OK && sup) {
            int64_t sk = 0, se = -1, sw = -1, sst = 0;
            fw__stmt *q;
            rc = fw__db_query(ctx, &q, err, "SELECT kind, enterprise_id, worker_id, state FROM fw_contract WHERE id=?",
                              "i", sup);
            if (rc == FW_OK && fw__db_step(q, NULL) == FW__ROW) {
                sk = fw__db_col_i64(q, 0);
                se = fw__db_col_i64(q, 1);
                sw = fw__db_col_i64(q, 2);
                sst = fw__db_col_i64(q, 3);
            }
            fw__db_done(q);
            if (rc == FW_OK && (sk != (int64_t)kind || se != ent || sw != worker))
                rc = fw__error_set(err, FW_EINVAL, "$.supersedes",
                                   "contract %lld is not a %s contract between the same parties", (long long)sup,
                                   fw__contract_kind_name(kind));
            else if (rc == FW_OK && sst != FW_CONTRACT_SIGNED)
                rc = fw__error_set(err, FW_ESTATE, "$.supersedes", "contract %lld is %s; only a signed contract is "
                                   "superseded", (long long)sup, fw__contract_state_name((uint32_t)sst));
        }
        if (rc == FW_OK)
            rc = fw__db_exec(ctx, err, "INSERT INTO fw_contract(kind, state, template_id, enterprise_id, worker_id, sealed, "
                             "expires_ms, supersedes, external_ref, created_ms) VALUES (?,1,?,?,?,0,?,?,?,?)",
                             "iiiiiiti", (int64_t)kind, tid, ent, worker, expires ? expires + FW__MS_PER_DAY : 0, sup,
                             ext, fw_ctx_now(ctx));
        if (rc == FW_OK) {
            id = fw__db_last_id(ctx);
            /* 0 means "none": the columns take NULL instead */
            rc = fw__db_exec(ctx, err, "UPDATE fw_contract SET expires_ms=nullif(expires_ms,0), "
                             "supersedes=nullif(supersedes,0) WHERE id=?", "i", id);
        }
        /* signing order */
        if (rc == FW_OK && kind == FW_CONTRACT_COOPERATION) {
            rc = fw__db_exec(ctx, err, "INSERT INTO fw_contract_signer VALUES (?,1,1,?)", "ii", id, ent);
            if (rc == FW_OK)
                rc = fw__db_exec(ctx, err, "INSERT INTO fw_contract_signer VALUES (?,2,0,0)", "i", id);
        } else if (rc == FW_OK) {
            if (kind == FW_CONTRACT_SERVICE)
                rc = fw__db_exec(ctx, err, "INSERT INTO fw_contract_signer VALUES (?,?,?,?)", "iiii", id,
                                 (int64_t)++i, (int64_t)(ent ? FW__SIGNER_ENTERPRISE : FW__SIGNER_PLATFORM), ent);
            if (rc == FW_OK)
                rc = fw__db_exec(ctx, err, "INSERT INTO fw_contract_signer VALUES (?,?,2,?)", "iii", id, (int64_t)++i,
                                 worker);
        }
        if (rc == FW_OK)
            rc = fill_system_values(ctx, values, id, ent, worker, err);
        if (rc == FW_OK)
            rc = fw__contract_render(tbody, values, id, kind, tname, tversion, thash, &doc, err);
        if (rc == FW_OK)
            rc = store_document(ctx, id, worker, &doc, err);
        if (rc == FW_OK)
            rc = fw__contract_audit(ctx, err, "contract.create", id,
                       "{\"kind\":\"%s\",\"template_id\":%lld,\"enterprise_id\":%lld,\"worker_id\":%lld}",
                       fw__contract_kind_name(kind), (long long)tid, (long long)ent, (long long)worker);
        if (rc == FW_OK)
            rc = load(&c, ctx, id, err);
        rc = fw__tx_end(ctx, rc, err);
        if (rc == FW_OK)
            *out = c;
        else
            fw_contract_free(c);
    }
    fw__cbuf_wipe(&doc);
    cJSON_Delete(tph);
    if (values) {
        cJSON *w = cJSON_GetObjectItem(values, "worker_id_number");
        if (cJSON_IsString(w))
            sodium_memzero(w->valuestring, strlen(w->valuestring));
        w = cJSON_GetObjectItem(values, "worker_name");
        if (cJSON_IsString(w))
            sodium_memzero(w->valuestring, strlen(w->valuestring));
    }
    cJSON_Delete(values);
    free(tname);
    free(tbody);
    free(ptext);
    free(thash);
    cJSON_Delete(root);
    return rc;
}

/* ---- the handle ------------------------------------------------------------------------- */

struct fw_contract {
    fw_id id, template_id, enterprise_id, worker_id, supersedes, superseded_by;
    uint32_t kind, state;
    int64_t created_ms, sent_ms, effective_ms, expires_ms, ended_ms;
    unsigned char hash[32];
    char *document;           /* NULL when erased */
    size_t doc_len;
    char *end_reason;
    cJSON *signers;           /* [{"seq","signer","signed"}] */
    cJSON *signatures;        /* evidence records */
};

void fw_contract_free(fw_contract *c)
{
    if (!c)
        return;
    if (c->document) {
        sodium_memzero(c->document, c->doc_len);
        free(c->document);
    }
    free(c->end_reason);
    cJSON_Delete(c->signers);
    cJSON_Delete(c->signatures);
    free(c);
}

fw_id fw_contract_id(const fw_contract *c)
{
    return c ? c->id : 0;
}

uint32_t fw_contract_state(const fw_contract *c)
{
    return c ? c->state : 0;
}

uint32_t fw_contract_kind(const fw_contract *c)
{
    return c ? c->kind : 0;
}

void fw_contract_hash(const fw_contract *c, uint8_t out[32])
{
    if (c && out)
        memcpy(out, c->hash, 32);
}

void fw_contract_document(const fw_contract *c, const char **doc, size_t *len)
{
    if (doc)
        *doc = c ? c->document : NULL;
    if (len)
        *len = c && c->document ? c->doc_len : 0;
}

void fw__contract_signer(int kind, fw_id id, char *buf, size_t size)
{
    if (kind == FW__SIGNER_PLATFORM)
        snprintf(buf, size, "platform");
    else
        fw__contract_subject(kind, id, buf, size);
}

/* Reads the stored document (opening it when sealed). *doc NULL with rc FW_OK when erased. */
int fw__contract_read_document(fw_ctx *ctx, fw_id id, fw_id worker, char **doc, size_t *len, fw_error **err)
{
    unsigned char *blob = NULL;
    size_t n = 0;
    int sealed = 0, rc;
    fw__stmt *s;
    char subject[48];

    *doc = NULL;
    *len = 0;
    rc = fw__db_query(ctx, &s, err, "SELECT document, sealed FROM fw_contract WHERE id=?", "i", id);
    if (rc != FW_OK)
        return rc;
    if ((rc = fw__db_step(s, err)) == FW__ROW) {
        n = fw__db_col_bytes(s, 0);
        sealed = (int)fw__db_col_i64(s, 1);
        blob = malloc(n + 1);
        if (blob) {
            if (n)
                memcpy(blob, fw__db_col_blob(s, 0), n);
            blob[n] = 0;
        }
        rc = blob ? FW_OK : fw__error_nomem(err);
    } else if (rc == FW__DONE) {
        rc = fw__error_set(err, FW_ENOTFOUND, NULL, "no contract %lld", (long long)id);
    }
    fw__db_done(s);
    if (rc != FW_OK)
        return rc;
    if (!sealed) {
        *doc = (char *)blob;
        *len = n;
        return FW_OK;
    }
    fw__contract_subject(FW__SIGNER_WORKER, worker, subject, sizeof(subject));
    rc = fw__vault_open(ctx, subject, "fw_contract", "document", id, blob, n, doc, err);
    free(blob);
    if (rc == FW_OK)
        *len = strlen(*doc);
    return rc;
}

static int load(fw_contract **out, fw_ctx *ctx, fw_id id, fw_error **err)
{
    fw_contract *c = calloc(1, sizeof(*c));
    fw__stmt *s;
    char who[48], hex[129];
    int rc;

    if (!c)
        return fw__error_nomem(err);
    c->signers = cJSON_CreateArray();
    c->signatures = cJSON_CreateArray();
    rc = fw__db_query(ctx, &s, err, "SELECT kind, state, template_id, enterprise_id, worker_id, doc_sha256, expires_ms, "
                      "supersedes, superseded_by, created_ms, sent_ms, effective_ms, ended_ms, end_reason "
                      "FROM fw_contract WHERE id=?", "i", id);
    if (rc == FW_OK) {
        rc = fw__db_step(s, err);
        if (rc == FW__ROW) {
            c->id = id;
            c->kind = (uint32_t)fw__db_col_i64(s, 0);
            c->state = (uint32_t)fw__db_col_i64(s, 1);
            c->template_id = fw__db_col_i64(s, 2);
            c->enterprise_id = fw__db_col_i64(s, 3);
            c->worker_id = fw__db_col_i64(s, 4);
            if (fw__db_col_bytes(s, 5) == 32)
                memcpy(c->hash, fw__db_col_blob(s, 5), 32);
            c->expires_ms = fw__db_col_i64(s, 6);
            c->supersedes = fw__db_col_i64(s, 7);
            c->superseded_by = fw__db_col_i64(s, 8);
            c->created_ms = fw__db_col_i64(s, 9);
            c->sent_ms = fw__db_col_i64(s, 10);
            c->effective_ms = fw__db_col_i64(s, 11);
            c->ended_ms = fw__db_col_i64(s, 12);
            if (fw__db_col_text(s, 13))
                c->end_reason = strdup(fw__db_col_text(s, 13));
            rc = FW_OK;
        } else if (rc == FW__DONE) {
            rc = fw__error_set(err, FW_ENOTFOUND, NULL, "no contract %lld", (long long)id);
        }
        fw__db_done(s);
    }
    if (rc == FW_OK)
        rc = fw__db_query(ctx, &s, err, "SELECT g.seq, g.party_kind, g.party_id, "
                          "(SELECT count(*) FROM fw_contract_signature x WHERE x.contract_id=g.contract_id AND x.seq=g.seq) "
                          "FROM fw_contract_signer g WHERE g.contract_id=? ORDER BY g.seq", "i", id);
    while (rc == FW_OK && (rc = fw__db_step(s, err)) == FW__ROW) {
        cJSON *o = cJSON_CreateObject();
        fw__contract_signer((int)fw__db_col_i64(s, 1), fw__db_col_i64(s, 2), who, sizeof(who));
        fw__json_add_i64(o, "seq", fw__db_col_i64(s, 0));
        cJSON_AddStringToObject(o, "signer", who);
        cJSON_AddBoolToObject(o, "signed", fw__db_col_i64(s, 3) > 0);
        cJSON_AddItemToArray(c->signers, o);
        rc = FW_OK;
    }
    if (rc == FW__DONE || rc == FW_OK) {
        fw__db_done(s);
        rc = fw__db_query(ctx, &s, err, "SELECT seq, signer, public_key, signature, signed_ms, intent, consent_sha256, "
                          "prev_sha256, auth_method, ip, user_agent, session_id, actor, minor "
                          "FROM fw_contract_signature WHERE contract_id=? ORDER BY seq", "i", id);
        while (rc == FW_OK && (rc = fw__db_step(s, err)) == FW__ROW) {
            cJSON *o = cJSON_CreateObject();
            static const char *const opt[] = { "consent_sha256", "prev_sha256", "auth_method", "ip", "user_agent",
                                               "session_id" };
            int k;
            fw__json_add_i64(o, "seq", fw__db_col_i64(s, 0));
            cJSON_AddStringToObject(o, "signer", fw__db_col_text(s, 1));
            sodium_bin2hex(hex, sizeof(hex), fw__db_col_blob(s, 2), fw__db_col_bytes(s, 2) <= 64 ? fw__db_col_bytes(s, 2) : 64);
            cJSON_AddStringToObject(o, "public_key", hex);
            sodium_bin2hex(hex, sizeof(hex), fw__db_col_blob(s, 3), fw__db_col_bytes(s, 3) <= 64 ? fw__db_col_bytes(s, 3) : 64);
            cJSON_AddStringToObject(o, "signature", hex);
            fw__json_add_i64(o, "signed_ms", fw__db_col_i64(s, 4));
            cJSON_AddStringToObject(o, "intent", fw__db_col_text(s, 5));
            for (k = 0; k < 6; k++)
                if (fw__db_col_text(s, 6 + k))
                    cJSON_AddStringToObject(o, opt[k], fw__db_col_text(s, 6 + k));
            cJSON_AddStringToObject(o, "actor", fw__db_col_text(s, 12));
            cJSON_AddBoolToObject(o, "minor", fw__db_col_i64(s, 13) != 0);
            cJSON_AddItemToArray(c->signatures, o);
            rc = FW_OK;
        }
        fw__db_done(s);
        if (rc == FW__DONE)
            rc = FW_OK;
    } else {
        fw__db_done(s);
    }
    if (rc == FW_OK) {
        rc = fw__contract_read_document(ctx, id, c->worker_id, &c->document, &c->doc_len, err);
        if (rc == FW_ESHREDDED) {
            rc = FW_OK;
            if (err && *err) {
                fw_error_free(*err);
                *err = NULL;
            }
        }
    }
    if (rc != FW_OK) {
        fw_contract_free(c);
        return rc;
    }
    *out = c;
    return FW_OK;
}

/* Reads the owners of a contract for the authorisation check. */
static int owners(fw_ctx *ctx, fw_id id, int64_t *ent, int64_t *worker, fw_error **err)
{
    fw__stmt *s;
    int rc = fw__db_query(ctx, &s, err, "SELECT enterprise_id, worker_id FROM fw_contract WHERE id=?", "i", id);
    if (rc != FW_OK)
        return rc;
    rc = fw__db_step(s, err);
    if (rc == FW__ROW) {
        *ent = fw__db_col_i64(s, 0);
        *worker = fw__db_col_i64(s, 1);
        rc = FW_OK;
    } else if (rc == FW__DONE) {
        rc = fw__error_set(err, FW_ENOTFOUND, NULL, "no contract %lld", (long long)id);
    }
    fw__db_done(s);
    return rc;
}

int fw_contract_load(fw_contract **out, fw_ctx *ctx, fw_id contract_id, fw_error **err)
{
    int64_t ent = 0, worker = 0;
    int rc;

    if (!out || !ctx)
        return fw__error_set(err, FW_EINVAL, NULL, "out and ctx are required");
    if ((rc = fw__authz_require(ctx, "contract.load", err)) != FW_OK)
        return rc;
    if ((rc = owners(ctx, contract_id, &ent, &worker, err)) != FW_OK)
        return rc;
    if ((rc = fw__authz_require_owner(ctx, "contract.load", ent, worker, err)) != FW_OK)
        return rc;
    return load(out, ctx, contract_id, err);
}

static void add_opt_i64(cJSON *o, const char *name, int64_t v)
{
    if (v)
        fw__json_add_i64(o, name, v);
    else
        cJSON_AddNullToObject(o, name);
}

int fw_contract_to_json(const fw_contract *c, char **out_json, size_t *out_len, fw_error **err)
{
    cJSON *o;
    if (!c || !out_json)
        return fw__error_set(err, FW_EINVAL, NULL, "c and out_json are required");
    o = cJSON_CreateObject();
    fw__json_add_i64(o, "id", c->id);
    cJSON_AddStringToObject(o, "kind", fw__contract_kind_name(c->kind));
    fw__json_add_i64(o, "state", c->state);
    cJSON_AddStringToObject(o, "state_name", fw__contract_state_name(c->state));
    fw__json_add_i64(o, "template_id", c->template_id);
    add_opt_i64(o, "enterprise_id", c->enterprise_id);
    add_opt_i64(o, "worker_id", c->worker_id);
    fw__json_add_hex(o, "document_sha256", c->hash, 32);
    cJSON_AddBoolToObject(o, "document_erased", c->document == NULL);
    cJSON_AddItemToObject(o, "signers", cJSON_Duplicate(c->signers, 1));
    cJSON_AddItemToObject(o, "signatures", cJSON_Duplicate(c->signatures, 1));
    fw__json_add_i64(o, "created_ms", c->created_ms);
    add_opt_i64(o, "sent_ms", c->sent_ms);
    add_opt_i64(o, "effective_ms", c->effective_ms);
    add_opt_i64(o, "expires_ms", c->expires_ms);
    add_opt_i64(o, "ended_ms", c->ended_ms);
    if (c->end_reason)
        cJSON_AddStringToObject(o, "end_reason", c->end_reason);
    add_opt_i64(o, "supersedes", c->supersedes);
    add_opt_i64(o, "superseded_by", c->superseded_by);
    return fw__json_out(o, out_json, out_len, err);
}

/* ---- state changes ---------------------------------------------------------------------- */

int fw__contract_read_row(fw_ctx *ctx, fw_id id, struct fw__contract_row *r, fw_error **err)
{
    fw__stmt *s;
    int rc = fw__db_query(ctx, &s, err, "SELECT kind, state, enterprise_id, worker_id, coalesce(expires_ms,0), "
                          "coalesce(supersedes,0), doc_sha256 FROM fw_contract WHERE id=?", "i", id);
    if (rc != FW_OK)
        return rc;
    rc = fw__db_step(s, err);
    if (rc == FW__ROW) {
        r->kind = (uint32_t)fw__db_col_i64(s, 0);
        r->state = (uint32_t)fw__db_col_i64(s, 1);
        r->ent = fw__db_col_i64(s, 2);
        r->worker = fw__db_col_i64(s, 3);
        r->expires = fw__db_col_i64(s, 4);
        r->supersedes = fw__db_col_i64(s, 5);
        memset(r->hash, 0, 32);
        if (fw__db_col_bytes(s, 6) == 32)
            memcpy(r->hash, fw__db_col_blob(s, 6), 32);
        rc = FW_OK;
    } else if (rc == FW__DONE) {
        rc = fw__error_set(err, FW_ENOTFOUND, NULL, "no contract %lld", (long long)id);
    }
    fw__db_done(s);
    return rc;
}

int fw__contract_set_state(fw_ctx *ctx, fw_id id, uint32_t from, uint32_t to, const char *action, fw_error **err)
{
    int rc = fw__db_exec(ctx, err, "UPDATE fw_contract SET state=? WHERE id=?", "ii", (int64_t)to, id);
    if (rc == FW_OK)
        rc = fw__contract_audit(ctx, err, action, id, "{\"from\":\"%s\",\"to\":\"%s\"}", fw__contract_state_name(from),
                   fw__contract_state_name(to));
    return rc;
}

int fw_contract_send(fw_ctx *ctx, fw_id contract_id, fw_error **err)
{
    struct fw__contract_row r;
    int rc;

    if (!ctx)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx is required");
    if ((rc = fw__authz_require(ctx, "contract.send", err)) != FW_OK)
        return rc;
    if ((rc = fw__tx_begin(ctx, err)) != FW_OK)
        return rc;
    rc = fw__contract_read_row(ctx, contract_id, &r, err);
    if (rc == FW_OK)
        rc = fw__authz_require_owner(ctx, "contract.send", r.ent, r.worker, err);
    if (rc == FW_OK && r.state != FW_CONTRACT_DRAFT)
        rc = fw__error_set(err, FW_ESTATE, NULL, "contract %lld is %s; only a draft is sent", (long long)contract_id,
                           fw__contract_state_name(r.state));
    if (rc == FW_OK)
        rc = fw__db_exec(ctx, err, "UPDATE fw_contract SET sent_ms=? WHERE id=?", "ii", fw_ctx_now(ctx), contract_id);
    if (rc == FW_OK)
        rc = fw__contract_set_state(ctx, contract_id, r.state, FW_CONTRACT_SENT, "contract.send", err);
    return fw__tx_end(ctx, rc, err);
}

/* Another agreement of this kind in force for the enterprise, besides `except`? */
static int other_cooperation(fw_ctx *ctx, int64_t ent, fw_id except)
{
    int64_t n = 0;
    fw__db_i64(ctx, &n, NULL, "SELECT count(*) FROM fw_contract WHERE kind=1 AND state=4 AND enterprise_id=? AND id<>?",
               "ii", ent, except);
    return n > 0;
}

/* Ends a contract (terminated or expired) and tells the party module when it mattered. */
static int end_contract(fw_ctx *ctx, fw_id id, const struct fw__contract_row *r, uint32_t to, const char *reason,
                        const char *action, fw_error **err)
{
    int rc = fw__db_exec(ctx, err, "UPDATE fw_contract SET ended_ms=?, end_reason=? WHERE id=?", "iti",
                         fw_ctx_now(ctx), reason, id);
    if (rc == FW_OK)
        rc = fw__contract_set_state(ctx, id, r->state, to, action, err);
    if (rc == FW_OK && r->kind == FW_CONTRACT_COOPERATION && r->state == FW_CONTRACT_SIGNED &&
        !other_cooperation(ctx, r->ent, id))
        rc = fw__party_enterprise_agreement(ctx, r->ent, 0, err);
    return rc;
}

int fw_contract_terminate(fw_ctx *ctx, fw_id contract_id, const char *reason, fw_error **err)
{
    struct fw__contract_row r;
    int rc;

    if (!ctx)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx is required");
    if (!reason || !*reason || strlen(reason) > 500)
        return fw__error_set(err, FW_EINVAL, "reason", "a reason of 1 to 500 bytes is required");
    if ((rc = fw__authz_require(ctx, "contract.terminate", err)) != FW_OK)
        return rc;
    if ((rc = fw__tx_begin(ctx, err)) != FW_OK)
        return rc;
    rc = fw__contract_read_row(ctx, contract_id, &r, err);
    if (rc == FW_OK && r.state >= FW_CONTRACT_TERMINATED)
        rc = fw__error_set(err, FW_ESTATE, NULL, "contract %lld is already %s", (long long)contract_id,
                           fw__contract_state_name(r.state));
    if (rc == FW_OK)
        rc = end_contract(ctx, contract_id, &r, FW_CONTRACT_TERMINATED, reason, "contract.terminate", err);
    return fw__tx_end(ctx, rc, err);
}

int fw_contract_expire_due(fw_ctx *ctx, int64_t *out_count, fw_error **err)
{
    fw__stmt *s;
    fw_id ids[256];
    int64_t total = 0;
    int n, i, rc;

    if (!ctx)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx is required");
    if ((rc = fw__authz_require(ctx, "contract.expire_due", err)) != FW_OK)
        return rc;
    if ((rc = fw__tx_begin(ctx, err)) != FW_OK)
        return rc;
    do {  /* in batches: ending a contract changes the rows being read */
        n = 0;
        rc = fw__db_query(ctx, &s, err, "SELECT id FROM fw_contract WHERE state=4 AND expires_ms IS NOT NULL AND "
                          "expires_ms<=? ORDER BY id LIMIT 256", "i", fw_ctx_now(ctx));
        while (rc == FW_OK && (rc = fw__db_step(s, err)) == FW__ROW) {
            ids[n++] = fw__db_col_i64(s, 0);
            rc = FW_OK;
        }
        fw__db_done(s);
        if (rc == FW__DONE)
            rc = FW_OK;
        for (i = 0; i < n && rc == FW_OK; i++) {
            struct fw__contract_row r;
            rc = fw__contract_read_row(ctx, ids[i], &r, err);
            if (rc == FW_OK)
                rc = end_contract(ctx, ids[i], &r, FW_CONTRACT_EXPIRED, NULL, "contract.expire", err);
        }
        total += n;
    } while (rc == FW_OK && n == 256);
    rc = fw__tx_end(ctx, rc, err);
    if (rc == FW_OK && out_count)
        *out_count = total;
    return rc;
}

int fw__contract_require_signed(fw_ctx *ctx, fw_id enterprise_id, fw_id worker_id, fw_error **err)
{
    int64_t n = 0, now = fw_ctx_now(ctx);
    int rc;

    if (worker_id) {
        rc = fw__db_i64(ctx, &n, err, "SELECT count(*) FROM fw_contract WHERE kind=2 AND state=4 AND worker_id=? AND "
                        "(enterprise_id=? OR enterprise_id=0) AND (expires_ms IS NULL OR expires_ms>?)", "iii",
                        worker_id, enterprise_id, now);
        if (rc == FW_OK && n == 0)
            return fw__error_set(err, FW_EDENIED, NULL,
                                 "WORKER_NO_SERVICE_AGREEMENT: worker %lld has no service agreement in force with "
                                 "enterprise %lld", (long long)worker_id, (long long)enterprise_id);
        return rc;
    }
    rc = fw__db_i64(ctx, &n, err, "SELECT count(*) FROM fw_contract WHERE kind=1 AND state=4 AND enterprise_id=? AND "
                    "(expires_ms IS NULL OR expires_ms>?)", "ii", enterprise_id, now);
    if (rc == FW_OK && n == 0)
        return fw__error_set(err, FW_EDENIED, NULL,
                             "ENTERPRISE_NO_COOPERATION_AGREEMENT: enterprise %lld has no cooperation agreement in force",
                             (long long)enterprise_id);
    return rc;
}

int fw__contract_tax_authorisation(fw_ctx *ctx, fw_id worker_id, fw_id *out_id, fw_error **err)
{
    int64_t id = 0;
    int rc = fw__db_i64(ctx, &id, err, "SELECT id FROM fw_contract WHERE kind=3 AND state=4 AND worker_id=? AND "
                        "(expires_ms IS NULL OR expires_ms>?) ORDER BY id DESC LIMIT 1", "ii", worker_id,
                        fw_ctx_now(ctx));
    if (rc == FW_ENOTFOUND)
        return fw__error_set(err, FW_EDENIED, NULL,
                             "WORKER_NO_TAX_AUTHORISATION: worker %lld has not authorised the platform as tax agent",
                             (long long)worker_id);
    if (rc == FW_OK)
        *out_id = id;
    return rc;
}

/*
 * Activation re-reads the agreements themselves: a cooperation agreement past its
 * expiry date no longer counts, even before fw_contract_expire_due() has ended it and told the
 * party module.
 */
static int on_enterprise_activate(fw_ctx *ctx, const char *event, fw_id id, const void *data, fw_error **err)
{
    int64_t lapsed = 0;
    int rc;

    (void)event;
    (void)data;
    rc = fw__db_i64(ctx, &lapsed, err, "SELECT count(*) FROM fw_contract WHERE kind=1 AND state=4 AND enterprise_id=? "
                    "AND expires_ms IS NOT NULL AND expires_ms<=?", "ii", id, fw_ctx_now(ctx));
    if (rc == FW_OK && lapsed > 0)
        rc = fw__contract_require_signed(ctx, id, 0, err);
    return rc;
}

int fw__contract_init(fw_ctx *ctx, fw_error **err)
{
    if (fw__hook_add(ctx, "party.enterprise.activate", on_enterprise_activate) != FW_OK)
        return fw__error_set(err, FW_ELIMIT, NULL, "contract: the context's hook table is full");
    return FW_OK;
}
