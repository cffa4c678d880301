/*
 * Contracts (R-3.3.b, R-5.1, R-5.2, R-7.4): templates, rendering into canonical document
 * bytes, signing in order with Ed25519, verification, termination, expiry and supersession.
 *
 * The signing text of a signature (what Ed25519 signs) is, line by line:
 *   flexwork-signature-v1
 *   contract:<id>
 *   document_sha256:<hex>
 *   seq:<n>
 *   signer:<platform|enterprise:<id>|worker:<id>>
 *   public_key:<hex>
 *   signed_ms:<ms>
 *   intent:<text>
 *   consent_sha256:<hex or ->
 *   prev_sha256:<hex of the SHA-256 of the previous signature, or ->
 * so a signature binds the document, the signer, its key, the time and the intent, and chains
 * to the one before it.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include <flexwork/contract.h>

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

#define BODY_MAX (256u * 1024u)
#define DEFAULT_INTENT "I have read and agree to this contract"

#define SIGNER_PLATFORM   0
#define SIGNER_ENTERPRISE 1
#define SIGNER_WORKER     2

static const char *const kind_names[] = { "cooperation", "service", "tax_authorisation", NULL };

const char *fw__contract_state_name(uint32_t st)
{
    static const char *const names[] = { "unknown", "draft", "sent", "partially_signed", "signed",
                                         "terminated", "expired", "superseded" };
    return st < sizeof(names) / sizeof(names[0]) ? names[st] : "unknown";
}

static const char *kind_name(uint32_t k)
{
    return k >= 1 && k <= 3 ? kind_names[k - 1] : "unknown";
}

static int audit(fw_ctx *ctx, fw_error **err, const char *action, fw_id id, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static int audit(fw_ctx *ctx, fw_error **err, const char *action, fw_id id, const char *fmt, ...)
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

/* ---- templates -------------------------------------------------------------------------- */

static int system_placeholder(const char *name, size_t n)
{
    static const char *const names[] = { "contract_no", "platform_name", "enterprise_name", "enterprise_uscc",
                                         "worker_name", "worker_id_number", NULL };
    int i;
    for (i = 0; names[i]; i++)
        if (strlen(names[i]) == n && memcmp(names[i], name, n) == 0)
            return 1;
    return 0;
}

static int placeholder_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

/* Finds the next "{{name}}" at or after p: returns its start, sets the name, its length and the end. */
static const char *next_placeholder(const char *p, const char **name, size_t *n, const char **end)
{
    const char *s, *q;
    for (s = strstr(p, "{{"); s; s = strstr(s + 2, "{{")) {
        for (q = s + 2; placeholder_char(*q); q++)
            ;
        if (q > s + 2 && q[0] == '}' && q[1] == '}') {
            *name = s + 2;
            *n = (size_t)(q - s - 2);
            *end = q + 2;
            return s;
        }
    }
    return NULL;
}

static const cJSON *declared(const cJSON *placeholders, const char *name, size_t n)
{
    const cJSON *p;
    cJSON_ArrayForEach(p, placeholders) {
        const char *pn = cJSON_GetObjectItem(p, "name")->valuestring;
        if (strlen(pn) == n && memcmp(pn, name, n) == 0)
            return p;
    }
    return NULL;
}

int fw_contract_template_add(fw_ctx *ctx, const char *json, size_t json_len, fw_id *out_id, fw_error **err)
{
    static const char *const fields[] = { "kind", "name", "version", "body", "placeholders", NULL };
    static const char *const pfields[] = { "name", "type", NULL };
    static const char *const types[] = { "text", "int", "fen", "date", NULL };
    cJSON *root = NULL;
    const cJSON *phs = NULL, *p;
    const char *name = NULL, *body = NULL, *pn, *s, *ph, *e;
    char path[64], *ptext = NULL, hex[65];
    unsigned char h[32];
    int64_t version = 0, dup = 0;
    int kind = 0, type = 0, rc;
    size_t i = 0, n;
    fw_id id = 0;

    if (!ctx || !json || !out_id)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx, json and out_id are required");
    if ((rc = fw__authz_require(ctx, "contract.template_add", err)) != FW_OK)
        return rc;
    if ((rc = fw__json_parse(&root, json, json_len, err)) != FW_OK)
        return rc;
    if ((rc = fw__json_only(root, "$", fields, err)) == FW_OK &&
        (rc = fw__json_enum(root, "$", "kind", FW__REQUIRED, kind_names, &kind, err)) == FW_OK &&
        (rc = fw__json_str(root, "$", "name", FW__REQUIRED, 1, 100, &name, err)) == FW_OK &&
        (rc = fw__json_i64(root, "$", "version", FW__REQUIRED, 1, 1000000, &version, err)) == FW_OK &&
        (rc = fw__json_str(root, "$", "body", FW__REQUIRED, 1, BODY_MAX, &body, err)) == FW_OK)
        rc = fw__json_arr(root, "$", "placeholders", FW__REQUIRED, 100, &phs, err);
    cJSON_ArrayForEach(p, phs) {
        if (rc != FW_OK)
            break;
        fw__json_path_index(path, sizeof(path), "$.placeholders", i++);
        if (!cJSON_IsObject(p)) {
            rc = fw__error_set(err, FW_EINVAL, path, "must be an object {\"name\",\"type\"}");
            break;
        }
        if ((rc = fw__json_only(p, path, pfields, err)) != FW_OK ||
            (rc = fw__json_str(p, path, "name", FW__REQUIRED, 1, 40, &pn, err)) != FW_OK ||
            (rc = fw__json_enum(p, path, "type", FW__REQUIRED, types, &type, err)) != FW_OK)
            break;
        for (s = pn; *s && placeholder_char(*s); s++)
            ;
        if (*s || system_placeholder(pn, strlen(pn))) {
            char q[96];
            rc = fw__error_set(err, FW_EINVAL, fw__json_path(q, sizeof(q), path, "name"),
                               "must be [a-z0-9_] and not a filled-in placeholder, got \"%s\"", pn);
        } else if (declared(phs, pn, strlen(pn)) != p) {
            char q[96];
            rc = fw__error_set(err, FW_EINVAL, fw__json_path(q, sizeof(q), path, "name"),
                               "\"%s\" is declared twice", pn);
        }
    }
    for (s = body; rc == FW_OK && (ph = next_placeholder(s, &pn, &n, &e)) != NULL; s = e)
        if (!system_placeholder(pn, n) && !declared(phs, pn, n))
            rc = fw__error_set(err, FW_EINVAL, "$.body", "placeholder {{%.*s}} is not declared in $.placeholders",
                               (int)n, pn);
    if (rc == FW_OK) {
        ptext = cJSON_PrintUnformatted(phs);
        crypto_hash_sha256(h, (const unsigned char *)body, strlen(body));
        sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
        if (!ptext)
            rc = fw__error_nomem(err);
    }
    if (rc == FW_OK && (rc = fw__tx_begin(ctx, err)) == FW_OK) {
        if (fw__db_i64(ctx, &dup, NULL, "SELECT id FROM fw_contract_template WHERE kind=? AND name=? AND version=?",
                       "iti", (int64_t)(kind + 1), name, version) == FW_OK)
            rc = fw__error_set(err, FW_EEXISTS, "$.version", "template \"%s\" version %lld already exists (template %lld)",
                               name, (long long)version, (long long)dup);
        if (rc == FW_OK)
            rc = fw__db_exec(ctx, err, "INSERT INTO fw_contract_template(kind, name, version, body, placeholders, "
                             "sha256, created_ms) VALUES (?,?,?,?,?,?,?)", "itittti", (int64_t)(kind + 1), name,
                             version, body, ptext, hex, fw_ctx_now(ctx));
        if (rc == FW_OK) {
            id = fw__db_last_id(ctx);
            rc = fw__audit_append(ctx, "contract.template_add", "contract_template", id, "{}", 2, err);
        }
        rc = fw__tx_end(ctx, rc, err);
    }
    if (rc == FW_OK)
        *out_id = id;
    free(ptext);
    cJSON_Delete(root);
    return rc;
}

int fw_contract_template_get(fw_ctx *ctx, fw_id template_id, char **out_json, size_t *out_len, fw_error **err)
{
    fw__stmt *s;
    cJSON *o;
    int rc;

    if (!ctx || !out_json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and out_json are required");
    if ((rc = fw__authz_require(ctx, "contract.template_get", err)) != FW_OK)
        return rc;
    rc = fw__db_query(ctx, &s, err, "SELECT kind, name, version, body, placeholders, sha256 FROM fw_contract_template "
                      "WHERE id=?", "i", template_id);
    if (rc != FW_OK)
        return rc;
    rc = fw__db_step(s, err);
    if (rc == FW__DONE)
        rc = fw__error_set(err, FW_ENOTFOUND, NULL, "no contract template %lld", (long long)template_id);
    if (rc != FW__ROW) {
        fw__db_done(s);
        return rc;
    }
    o = cJSON_CreateObject();
    fw__json_add_i64(o, "id", template_id);
    cJSON_AddStringToObject(o, "kind", kind_name((uint32_t)fw__db_col_i64(s, 0)));
    cJSON_AddStringToObject(o, "name", fw__db_col_text(s, 1));
    fw__json_add_i64(o, "version", fw__db_col_i64(s, 2));
    cJSON_AddStringToObject(o, "body", fw__db_col_text(s, 3));
    cJSON_AddItemToObject(o, "placeholders", cJSON_Parse(fw__db_col_text(s, 4)));
    cJSON_AddStringToObject(o, "sha256", fw__db_col_text(s, 5));
    fw__db_done(s);
    return fw__json_out(o, out_json, out_len, err);
}

/* ---- rendering -------------------------------------------------------------------------- */

struct buf {
    char *p;
    size_t len, cap;
};

static int buf_add(struct buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = (b->cap ? b->cap * 2 : 4096);
        char *p;
        while (cap < b->len + n + 1)
            cap *= 2;
        p = realloc(b->p, cap);
        if (!p)
            return FW_ENOMEM;
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
    return FW_OK;
}

static void buf_wipe(struct buf *b)
{
    if (b->p) {
        sodium_memzero(b->p, b->cap);
        free(b->p);
    }
    b->p = NULL;
    b->len = b->cap = 0;
}

/* Checks the values against the declared placeholders and renders each as text. */
static int check_values(const cJSON *phs, const cJSON *values, cJSON *rendered, fw_error **err)
{
    const cJSON *p, *v;
    char path[128], text[64];

    cJSON_ArrayForEach(v, values) {
        if (!declared(phs, v->string, strlen(v->string)))
            return fw__error_set(err, FW_EINVAL, fw__json_path(path, sizeof(path), "$.values", v->string),
                                 "is not a placeholder of the template");
    }
    cJSON_ArrayForEach(p, phs) {
        const char *name = cJSON_GetObjectItem(p, "name")->valuestring;
        const char *type = cJSON_GetObjectItem(p, "type")->valuestring;
        int rc;
        fw__json_path(path, sizeof(path), "$.values", name);
        if (strcmp(type, "text") == 0) {
            const char *s = NULL;
            if ((rc = fw__json_str(values, "$.values", name, FW__REQUIRED, 1, 2000, &s, err)) != FW_OK)
                return rc;
            cJSON_AddStringToObject(rendered, name, s);
        } else if (strcmp(type, "int") == 0 || strcmp(type, "fen") == 0) {
            int64_t n = 0;
            int fen = type[0] == 'f';
            if ((rc = fw__json_i64(values, "$.values", name, FW__REQUIRED, fen ? 0 : -FW__JSON_MAX_INT,
                                   FW__JSON_MAX_INT, &n, err)) != FW_OK)
                return rc;
            if (fen)
                snprintf(text, sizeof(text), "%lld.%02lld", (long long)(n / 100), (long long)(n % 100));
            else
                snprintf(text, sizeof(text), "%lld", (long long)n);
            cJSON_AddStringToObject(rendered, name, text);
        } else {
            int64_t ms = 0;
            const char *s = NULL;
            if ((rc = fw__json_date(values, "$.values", name, FW__REQUIRED, &ms, err)) != FW_OK)
                return rc;
            fw__json_str(values, "$.values", name, FW__REQUIRED, 10, 10, &s, NULL);
            cJSON_AddStringToObject(rendered, name, s);
        }
    }
    return FW_OK;
}

/* Renders body with the values (user and filled-in); the canonical document has a fixed header. */
static int render(const char *body, const cJSON *values, fw_id contract_id, uint32_t kind, const char *tname,
                  int64_t tversion, const char *thash, struct buf *out, fw_error **err)
{
    const char *s = body, *ph, *name, *e;
    const cJSON *v;
    char head[512], key[48];
    size_t n;
    int rc;

    snprintf(head, sizeof(head), "flexwork-contract-v1\ncontract_no:%lld\nkind:%s\ntemplate:%s\ntemplate_version:%lld\n"
             "template_sha256:%s\n\n", (long long)contract_id, kind_name(kind), tname, (long long)tversion, thash);
    rc = buf_add(out, head, strlen(head));
    while (rc == FW_OK && (ph = next_placeholder(s, &name, &n, &e)) != NULL) {
        rc = buf_add(out, s, (size_t)(ph - s));
        snprintf(key, sizeof(key), "%.*s", (int)n, name);
        v = cJSON_GetObjectItemCaseSensitive(values, key);
        if (rc == FW_OK)
            rc = buf_add(out, cJSON_IsString(v) ? v->valuestring : "", cJSON_IsString(v) ? strlen(v->valuestring) : 0);
        s = e;
    }
    if (rc == FW_OK)
        rc = buf_add(out, s, strlen(s));
    return rc == FW_OK ? FW_OK : fw__error_nomem(err);
}

/* ---- creation --------------------------------------------------------------------------- */

static void subject_of(int kind, fw_id id, char *buf, size_t size)
{
    snprintf(buf, size, "%s:%lld", kind == SIGNER_WORKER ? "worker" : "enterprise", (long long)id);
}

static int store_document(fw_ctx *ctx, fw_id id, fw_id worker_id, const struct buf *doc, fw_error **err)
{
    unsigned char h[32], *sealed = NULL;
    size_t n = 0;
    char subject[48];
    int rc;

    crypto_hash_sha256(h, (const unsigned char *)doc->p, doc->len);
    if (!worker_id)
        return fw__db_exec(ctx, err, "UPDATE fw_contract SET document=?, sealed=0, doc_sha256=? WHERE id=?", "bbi",
                           (const void *)doc->p, doc->len, (const void *)h, sizeof(h), id);
    subject_of(SIGNER_WORKER, worker_id, subject, sizeof(subject));
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
    struct buf doc = { NULL, 0, 0 };
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
            rc = fw__error_set(err, FW_EINVAL, "$.worker_id", "a %s contract needs worker_id", kind_name(kind));
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
        rc = check_values(tph, g, values, err);
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
                                   kind_name(kind));
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
                                 (int64_t)++i, (int64_t)(ent ? SIGNER_ENTERPRISE : SIGNER_PLATFORM), ent);
            if (rc == FW_OK)
                rc = fw__db_exec(ctx, err, "INSERT INTO fw_contract_signer VALUES (?,?,2,?)", "iii", id, (int64_t)++i,
                                 worker);
        }
        if (rc == FW_OK)
            rc = fill_system_values(ctx, values, id, ent, worker, err);
        if (rc == FW_OK)
            rc = render(tbody, values, id, kind, tname, tversion, thash, &doc, err);
        if (rc == FW_OK)
            rc = store_document(ctx, id, worker, &doc, err);
        if (rc == FW_OK)
            rc = audit(ctx, err, "contract.create", id,
                       "{\"kind\":\"%s\",\"template_id\":%lld,\"enterprise_id\":%lld,\"worker_id\":%lld}",
                       kind_name(kind), (long long)tid, (long long)ent, (long long)worker);
        if (rc == FW_OK)
            rc = load(&c, ctx, id, err);
        rc = fw__tx_end(ctx, rc, err);
        if (rc == FW_OK)
            *out = c;
        else
            fw_contract_free(c);
    }
    buf_wipe(&doc);
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

static void signer_text(int kind, fw_id id, char *buf, size_t size)
{
    if (kind == SIGNER_PLATFORM)
        snprintf(buf, size, "platform");
    else
        subject_of(kind, id, buf, size);
}

/* Reads the stored document (opening it when sealed). *doc NULL with rc FW_OK when erased. */
static int read_document(fw_ctx *ctx, fw_id id, fw_id worker, char **doc, size_t *len, fw_error **err)
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
    subject_of(SIGNER_WORKER, worker, subject, sizeof(subject));
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
        signer_text((int)fw__db_col_i64(s, 1), fw__db_col_i64(s, 2), who, sizeof(who));
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
        rc = read_document(ctx, id, c->worker_id, &c->document, &c->doc_len, err);
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
    cJSON_AddStringToObject(o, "kind", kind_name(c->kind));
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

struct row {
    uint32_t kind, state;
    int64_t ent, worker, expires, supersedes;
    unsigned char hash[32];
};

static int read_row(fw_ctx *ctx, fw_id id, struct row *r, fw_error **err)
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

static int set_state(fw_ctx *ctx, fw_id id, uint32_t from, uint32_t to, const char *action, fw_error **err)
{
    int rc = fw__db_exec(ctx, err, "UPDATE fw_contract SET state=? WHERE id=?", "ii", (int64_t)to, id);
    if (rc == FW_OK)
        rc = audit(ctx, err, action, id, "{\"from\":\"%s\",\"to\":\"%s\"}", fw__contract_state_name(from),
                   fw__contract_state_name(to));
    return rc;
}

int fw_contract_send(fw_ctx *ctx, fw_id contract_id, fw_error **err)
{
    struct row r;
    int rc;

    if (!ctx)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx is required");
    if ((rc = fw__authz_require(ctx, "contract.send", err)) != FW_OK)
        return rc;
    if ((rc = fw__tx_begin(ctx, err)) != FW_OK)
        return rc;
    rc = read_row(ctx, contract_id, &r, err);
    if (rc == FW_OK)
        rc = fw__authz_require_owner(ctx, "contract.send", r.ent, r.worker, err);
    if (rc == FW_OK && r.state != FW_CONTRACT_DRAFT)
        rc = fw__error_set(err, FW_ESTATE, NULL, "contract %lld is %s; only a draft is sent", (long long)contract_id,
                           fw__contract_state_name(r.state));
    if (rc == FW_OK)
        rc = fw__db_exec(ctx, err, "UPDATE fw_contract SET sent_ms=? WHERE id=?", "ii", fw_ctx_now(ctx), contract_id);
    if (rc == FW_OK)
        rc = set_state(ctx, contract_id, r.state, FW_CONTRACT_SENT, "contract.send", err);
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
static int end_contract(fw_ctx *ctx, fw_id id, const struct row *r, uint32_t to, const char *reason,
                        const char *action, fw_error **err)
{
    int rc = fw__db_exec(ctx, err, "UPDATE fw_contract SET ended_ms=?, end_reason=? WHERE id=?", "iti",
                         fw_ctx_now(ctx), reason, id);
    if (rc == FW_OK)
        rc = set_state(ctx, id, r->state, to, action, err);
    if (rc == FW_OK && r->kind == FW_CONTRACT_COOPERATION && r->state == FW_CONTRACT_SIGNED &&
        !other_cooperation(ctx, r->ent, id))
        rc = fw__party_enterprise_agreement(ctx, r->ent, 0, err);
    return rc;
}

int fw_contract_terminate(fw_ctx *ctx, fw_id contract_id, const char *reason, fw_error **err)
{
    struct row r;
    int rc;

    if (!ctx)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx is required");
    if (!reason || !*reason || strlen(reason) > 500)
        return fw__error_set(err, FW_EINVAL, "reason", "a reason of 1 to 500 bytes is required");
    if ((rc = fw__authz_require(ctx, "contract.terminate", err)) != FW_OK)
        return rc;
    if ((rc = fw__tx_begin(ctx, err)) != FW_OK)
        return rc;
    rc = read_row(ctx, contract_id, &r, err);
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
            struct row r;
            rc = read_row(ctx, ids[i], &r, err);
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

/* ---- signing ---------------------------------------------------------------------------- */

#define SEED_SEALED_LEN (1 + 24 + 32 + 16)

/*
 * The signing key of a party: the platform's from the context; an enterprise's or worker's
 * from fw_contract_key, generated on first use (only ever for a verified party: the callers
 * check that first) with its seed sealed under the party's subject.
 */
static int signing_key(fw_ctx *ctx, int kind, fw_id party, unsigned char pk[32], unsigned char *sk,
                       fw_error **err)
{
    unsigned char seed[32], stored_pk[32], *sealed = NULL;
    char subject[48], *plain = NULL, hex[65];
    size_t n = 0;
    fw__stmt *s;
    int rc, found = 0;

    if (kind == SIGNER_PLATFORM) {
        crypto_sign_seed_keypair(pk, sk, fw__ctx_key(ctx, FW__KEY_SIGN));
        return FW_OK;
    }
    subject_of(kind, party, subject, sizeof(subject));
    rc = fw__db_query(ctx, &s, err, "SELECT public_key, seed FROM fw_contract_key WHERE subject=?", "t", subject);
    if (rc != FW_OK)
        return rc;
    if ((rc = fw__db_step(s, err)) == FW__ROW) {
        if (fw__db_col_bytes(s, 0) == 32 && fw__db_col_bytes(s, 1) == SEED_SEALED_LEN) {
            memcpy(stored_pk, fw__db_col_blob(s, 0), 32);
            sealed = malloc(SEED_SEALED_LEN);
            if (sealed)
                memcpy(sealed, fw__db_col_blob(s, 1), SEED_SEALED_LEN);
            found = sealed ? 1 : -2;
        } else {
            found = -1;
        }
        rc = FW_OK;
    } else if (rc == FW__DONE) {
        rc = FW_OK;
    }
    fw__db_done(s);
    if (rc != FW_OK)
        return rc;
    if (found == -1)
        return fw__error_set(err, FW_ECORRUPT, NULL, "the signing key of %s is damaged", subject);
    if (found == -2)
        return fw__error_nomem(err);
    if (found) {
        rc = fw__vault_open(ctx, subject, "fw_contract_key", "seed", party, sealed, SEED_SEALED_LEN, &plain, err);
        free(sealed);
        if (rc != FW_OK)
            return rc;
        crypto_sign_seed_keypair(pk, sk, (const unsigned char *)plain);
        sodium_memzero(plain, 32);
        free(plain);
        if (sodium_memcmp(pk, stored_pk, 32) != 0)
            return fw__error_set(err, FW_ECORRUPT, NULL, "the signing key of %s does not match its public key", subject);
        return FW_OK;
    }
    randombytes_buf(seed, sizeof(seed));
    crypto_sign_seed_keypair(pk, sk, seed);
    rc = fw__vault_seal(ctx, subject, "fw_contract_key", "seed", party, (const char *)seed, sizeof(seed), &sealed, &n,
                        err);
    sodium_memzero(seed, sizeof(seed));
    if (rc == FW_OK)
        rc = fw__db_exec(ctx, err, "INSERT INTO fw_contract_key(subject, public_key, seed, created_ms) VALUES (?,?,?,?)",
                         "tbbi", subject, (const void *)pk, (size_t)32, (const void *)sealed, n, fw_ctx_now(ctx));
    free(sealed);
    sodium_bin2hex(hex, sizeof(hex), pk, 32);
    if (rc == FW_OK) {
        char detail[200];
        snprintf(detail, sizeof(detail), "{\"subject\":\"%s\",\"public_key\":\"%s\"}", subject, hex);
        rc = fw__audit_append(ctx, "contract.key_issue", "contract_key", party, detail, strlen(detail), err);
    }
    return rc;
}

/* The canonical signing text (see the top of this file). */
static int signing_text(char *buf, size_t size, fw_id contract, const unsigned char hash[32], int64_t seq,
                        const char *signer, const unsigned char pk[32], int64_t signed_ms, const char *intent,
                        const char *consent, const char *prev)
{
    char h[65], p[65];
    int n;
    sodium_bin2hex(h, sizeof(h), hash, 32);
    sodium_bin2hex(p, sizeof(p), pk, 32);
    n = snprintf(buf, size, "flexwork-signature-v1\ncontract:%lld\ndocument_sha256:%s\nseq:%lld\nsigner:%s\n"
                 "public_key:%s\nsigned_ms:%lld\nintent:%s\nconsent_sha256:%s\nprev_sha256:%s\n",
                 (long long)contract, h, (long long)seq, signer, p, (long long)signed_ms, intent,
                 consent ? consent : "-", prev ? prev : "-");
    return n > 0 && (size_t)n < size ? n : -1;
}

/* Who the actor signs as: SIGNER_* and party id; -1 when the role does not sign. */
static int actor_signer(const fw_ctx *ctx, fw_id *party)
{
    *party = ctx->party_id;
    switch (ctx->role) {
    case FW_ROLE_WORKER:
        return SIGNER_WORKER;
    case FW_ROLE_ENTERPRISE_USER:
        return SIGNER_ENTERPRISE;
    case FW_ROLE_ADMIN:
    case FW_ROLE_OPERATOR:
        *party = 0;
        return SIGNER_PLATFORM;
    default:
        return -1;
    }
}

struct evidence {
    const char *intent, *consent, *auth, *ip, *agent, *session;
};

static int parse_evidence(const char *json, size_t len, cJSON **root, struct evidence *ev, fw_error **err)
{
    static const char *const fields[] = { "intent", "consent_sha256", "auth_method", "ip", "user_agent",
                                          "session_id", NULL };
    static const char *const methods[] = { "password", "sms_code", "face", "in_person", "ukey", NULL };
    int m = -1, rc;

    memset(ev, 0, sizeof(*ev));
    ev->intent = DEFAULT_INTENT;
    *root = NULL;
    if (!json)
        return FW_OK;
    if ((rc = fw__json_parse(root, json, len, err)) != FW_OK)
        return rc;
    if ((rc = fw__json_only(*root, "$", fields, err)) == FW_OK &&
        (rc = fw__json_str(*root, "$", "intent", FW__OPTIONAL, 1, 200, &ev->intent, err)) == FW_OK &&
        (rc = fw__json_hex(*root, "$", "consent_sha256", FW__OPTIONAL, 32, &ev->consent, err)) == FW_OK &&
        (rc = fw__json_enum(*root, "$", "auth_method", FW__OPTIONAL, methods, &m, err)) == FW_OK &&
        (rc = fw__json_str(*root, "$", "ip", FW__OPTIONAL, 2, 45, &ev->ip, err)) == FW_OK &&
        (rc = fw__json_str(*root, "$", "user_agent", FW__OPTIONAL, 1, 500, &ev->agent, err)) == FW_OK)
        rc = fw__json_str(*root, "$", "session_id", FW__OPTIONAL, 1, 128, &ev->session, err);
    if (rc == FW_OK && m >= 0)
        ev->auth = methods[m];
    if (rc == FW_OK && strchr(ev->intent, '\n'))
        rc = fw__error_set(err, FW_EINVAL, "$.intent", "must be one line");
    return rc;
}

/* Party checks at signing time (R-7.2, cn-rules §6: age at signing). */
static int signer_ready(fw_ctx *ctx, const struct row *r, int kind, fw_id party, int *minor, fw_error **err)
{
    int rc = FW_OK, y, m, d, by = 0, bm = 0, bd = 0, age;

    *minor = 0;
    if (kind == SIGNER_ENTERPRISE)
        return r->kind == FW_CONTRACT_COOPERATION ? fw__party_require_verified_enterprise(ctx, party, err)
                                                  : fw__party_require_active_enterprise(ctx, party, err);
    if (kind != SIGNER_WORKER)
        return FW_OK;
    rc = fw__party_require_verified_worker(ctx, party, err);
    if (rc == FW_OK)
        rc = fw__party_worker_birth_date(ctx, party, &by, &bm, &bd, err);
    if (rc != FW_OK)
        return rc;
    fw__cst_date(fw_ctx_now(ctx), &y, &m, &d);
    age = fw__age_years(by, bm, bd, y, m, d);
    if (age < 16)
        return fw__error_set(err, FW_EDENIED, NULL,
                             "WORKER_UNDER_16: worker %lld is %d years old at signing; workers must be at least 16",
                             (long long)party, age);
    *minor = age < 18;
    return FW_OK;
}

/* The SHA-256 (hex) of the last signature of the contract, or "" when none. */
static int last_signature(fw_ctx *ctx, fw_id id, int64_t *count, char prev[65], fw_error **err)
{
    fw__stmt *s;
    unsigned char h[32];
    int rc = fw__db_query(ctx, &s, err, "SELECT seq, signature FROM fw_contract_signature WHERE contract_id=? "
                          "ORDER BY seq DESC LIMIT 1", "i", id);
    prev[0] = '\0';
    *count = 0;
    if (rc != FW_OK)
        return rc;
    rc = fw__db_step(s, err);
    if (rc == FW__ROW) {
        *count = fw__db_col_i64(s, 0);
        crypto_hash_sha256(h, fw__db_col_blob(s, 1), fw__db_col_bytes(s, 1));
        sodium_bin2hex(prev, 65, h, sizeof(h));
        rc = FW_OK;
    } else if (rc == FW__DONE) {
        rc = FW_OK;
    }
    fw__db_done(s);
    return rc;
}

/* The contract is in force: supersede the earlier one, tell the party module. */
static int took_effect(fw_ctx *ctx, fw_id id, const struct row *r, fw_error **err)
{
    int rc = fw__db_exec(ctx, err, "UPDATE fw_contract SET effective_ms=? WHERE id=?", "ii", fw_ctx_now(ctx), id);
    if (rc == FW_OK && r->supersedes) {
        rc = fw__db_exec(ctx, err, "UPDATE fw_contract SET state=7, superseded_by=?, ended_ms=? WHERE id=? AND state=4",
                         "iii", id, fw_ctx_now(ctx), r->supersedes);
        if (rc == FW_OK)
            rc = audit(ctx, err, "contract.supersede", r->supersedes, "{\"superseded_by\":%lld}", (long long)id);
    }
    if (rc == FW_OK && r->kind == FW_CONTRACT_COOPERATION)
        rc = fw__party_enterprise_agreement(ctx, r->ent, 1, err);
    if (rc == FW_OK && r->kind == FW_CONTRACT_SERVICE)
        rc = fw__party_worker_agreement(ctx, r->worker, r->ent, err);
    return rc;
}

int fw_contract_sign(fw_ctx *ctx, fw_id contract_id, const char *json, size_t json_len, uint32_t *out_state,
                     fw_error **err)
{
    cJSON *root = NULL;
    struct evidence ev;
    struct row r;
    fw__stmt *s;
    unsigned char pk[32], sig[64], *sk = NULL;
    char text[1024], prev[65], signer[48], actor[160];
    int64_t count = 0, total = 0, next_seq = 0, next_kind = -1, next_party = 0, now;
    fw_id party = 0;
    uint32_t to = 0;
    int kind, minor = 0, n, rc;

    if (!ctx)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx is required");
    if ((rc = fw__authz_require(ctx, "contract.sign", err)) != FW_OK)
        return rc;
    kind = actor_signer(ctx, &party);
    if (kind < 0)
        return fw__error_set(err, FW_EPERM, NULL, "contract.sign: the role %s does not sign contracts",
                             fw__role_name(ctx->role));
    if ((rc = parse_evidence(json, json_len, &root, &ev, err)) != FW_OK) {
        cJSON_Delete(root);
        return rc;
    }
    if (!(sk = sodium_malloc(crypto_sign_SECRETKEYBYTES))) {
        cJSON_Delete(root);
        return fw__error_nomem(err);
    }
    if ((rc = fw__tx_begin(ctx, err)) != FW_OK) {
        sodium_free(sk);
        cJSON_Delete(root);
        return rc;
    }
    now = fw_ctx_now(ctx);
    signer_text(kind, party, signer, sizeof(signer));
    rc = read_row(ctx, contract_id, &r, err);
    if (rc == FW_OK) {
        int64_t mine = 0;
        fw__db_i64(ctx, &mine, NULL, "SELECT count(*) FROM fw_contract_signer WHERE contract_id=? AND party_kind=? "
                   "AND party_id=?", "iii", contract_id, (int64_t)kind, party);
        if (!mine)
            rc = fw__error_set(err, FW_EPERM, NULL, "contract.sign: %s is not a party to contract %lld", signer,
                               (long long)contract_id);
    }
    if (rc == FW_OK && r.state != FW_CONTRACT_SENT && r.state != FW_CONTRACT_PARTIALLY_SIGNED)
        rc = fw__error_set(err, FW_ESTATE, NULL, "contract %lld is %s; only a sent contract is signed",
                           (long long)contract_id, fw__contract_state_name(r.state));
    if (rc == FW_OK && r.expires && now >= r.expires)
        rc = fw__error_set(err, FW_ESTATE, NULL, "contract %lld has expired; it can no longer be signed",
                           (long long)contract_id);
    if (rc == FW_OK)
        rc = last_signature(ctx, contract_id, &count, prev, err);
    if (rc == FW_OK)
        rc = fw__db_i64(ctx, &total, err, "SELECT count(*) FROM fw_contract_signer WHERE contract_id=?", "i", contract_id);
    if (rc == FW_OK) {
        rc = fw__db_query(ctx, &s, err, "SELECT seq, party_kind, party_id FROM fw_contract_signer WHERE contract_id=? "
                          "AND seq=?", "ii", contract_id, count + 1);
        if (rc == FW_OK && fw__db_step(s, NULL) == FW__ROW) {
            next_seq = fw__db_col_i64(s, 0);
            next_kind = fw__db_col_i64(s, 1);
            next_party = fw__db_col_i64(s, 2);
        }
        fw__db_done(s);
    }
    if (rc == FW_OK && (next_kind != kind || next_party != party)) {
        char who[48];
        int64_t done = 0;
        fw__db_i64(ctx, &done, NULL, "SELECT count(*) FROM fw_contract_signer WHERE contract_id=? AND party_kind=? "
                   "AND party_id=? AND seq<=?", "iiii", contract_id, (int64_t)kind, party, count);
        signer_text((int)next_kind, next_party, who, sizeof(who));
        rc = done ? fw__error_set(err, FW_ESTATE, NULL, "%s has already signed contract %lld", signer,
                                  (long long)contract_id)
                  : fw__error_set(err, FW_ESTATE, NULL, "contract %lld waits for the signature of %s first",
                                  (long long)contract_id, who);
    }
    if (rc == FW_OK)
        rc = signer_ready(ctx, &r, kind, party, &minor, err);
    if (rc == FW_OK)
        rc = signing_key(ctx, kind, party, pk, sk, err);
    if (rc == FW_OK) {
        n = signing_text(text, sizeof(text), contract_id, r.hash, next_seq, signer, pk, now, ev.intent, ev.consent,
                         prev[0] ? prev : NULL);
        if (n < 0)
            rc = fw__error_set(err, FW_EINVAL, "$", "the signing evidence is too long");
        else
            crypto_sign_detached(sig, NULL, (const unsigned char *)text, (unsigned long long)n, sk);
    }
    if (rc == FW_OK) {
        snprintf(actor, sizeof(actor), "%s:%.100s", fw__role_name(ctx->role), ctx->actor_name ? ctx->actor_name : "");
        rc = fw__db_exec(ctx, err, "INSERT INTO fw_contract_signature(contract_id, seq, signer, public_key, signature, "
                         "signed_ms, intent, consent_sha256, prev_sha256, auth_method, ip, user_agent, session_id, actor, "
                         "minor) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", "iitbbi" "tttttttt" "i",
                         contract_id, next_seq, signer, (const void *)pk, (size_t)32, (const void *)sig, (size_t)64, now,
                         ev.intent, ev.consent, prev[0] ? prev : NULL, ev.auth, ev.ip, ev.agent, ev.session, actor,
                         (int64_t)minor);
    }
    if (rc == FW_OK)
        rc = audit(ctx, err, "contract.sign", contract_id, "{\"seq\":%lld,\"signer\":\"%s\",\"minor\":%s}",
                   (long long)next_seq, signer, minor ? "true" : "false");
    if (rc == FW_OK) {
        to = next_seq == total ? FW_CONTRACT_SIGNED : FW_CONTRACT_PARTIALLY_SIGNED;
        if (to != r.state)
            rc = set_state(ctx, contract_id, r.state, to, "contract.state", err);
    }
    if (rc == FW_OK && to == FW_CONTRACT_SIGNED)
        rc = took_effect(ctx, contract_id, &r, err);
    rc = fw__tx_end(ctx, rc, err);
    if (rc == FW_OK && out_state)
        *out_state = to;
    sodium_free(sk);
    cJSON_Delete(root);
    return rc;
}

/* ---- verification ----------------------------------------------------------------------- */

int fw_contract_verify(fw_ctx *ctx, fw_id contract_id, char **out_report, size_t *out_len, fw_error **err)
{
    cJSON *rep, *sigs, *o;
    struct row r;
    fw__stmt *s;
    char *doc = NULL, text[1024], first[300] = "", who[48], platform_hex[65];
    unsigned char h[32], prev[32], plat_pk[32], *plat_sk = NULL;
    size_t len = 0;
    int64_t expect = 1, total = 0;
    int rc, bad_doc = 0, bad_sig = 0, have_prev = 0;

    if (!ctx)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx is required");
    if ((rc = fw__authz_require(ctx, "contract.verify", err)) != FW_OK)
        return rc;
    if ((rc = read_row(ctx, contract_id, &r, err)) != FW_OK)
        return rc;
    if ((rc = fw__authz_require_owner(ctx, "contract.verify", r.ent, r.worker, err)) != FW_OK)
        return rc;
    plat_sk = sodium_malloc(crypto_sign_SECRETKEYBYTES);
    if (!plat_sk)
        return fw__error_nomem(err);
    crypto_sign_seed_keypair(plat_pk, plat_sk, fw__ctx_key(ctx, FW__KEY_SIGN));
    sodium_free(plat_sk);
    sodium_bin2hex(platform_hex, sizeof(platform_hex), plat_pk, 32);

    rep = cJSON_CreateObject();
    fw__json_add_i64(rep, "contract_id", contract_id);
    rc = read_document(ctx, contract_id, r.worker, &doc, &len, NULL);
    if (rc == FW_ESHREDDED) {
        cJSON_AddStringToObject(rep, "document", "erased");
    } else if (rc == FW_OK) {
        crypto_hash_sha256(h, (const unsigned char *)doc, len);
        bad_doc = sodium_memcmp(h, r.hash, 32) != 0;
        cJSON_AddStringToObject(rep, "document", bad_doc ? "altered" : "ok");
    } else {
        bad_doc = 1;       /* a sealed document that no longer opens was altered in place */
        cJSON_AddStringToObject(rep, "document", "altered");
    }
    if (doc) {
        sodium_memzero(doc, len);
        free(doc);
    }
    if (bad_doc)
        snprintf(first, sizeof(first), "contract %lld: the stored document does not match its SHA-256",
                 (long long)contract_id);

    sigs = cJSON_AddArrayToObject(rep, "signatures");
    fw__db_i64(ctx, &total, NULL, "SELECT count(*) FROM fw_contract_signer WHERE contract_id=?", "i", contract_id);
    rc = fw__db_query(ctx, &s, err, "SELECT seq, signer, public_key, signature, signed_ms, intent, consent_sha256, "
                      "prev_sha256 FROM fw_contract_signature WHERE contract_id=? ORDER BY seq", "i", contract_id);
    while (rc == FW_OK && (rc = fw__db_step(s, err)) == FW__ROW) {
        const char *signer = fw__db_col_text(s, 1), *problem = NULL;
        const char *prev_txt = fw__db_col_text(s, 7);
        int64_t seq = fw__db_col_i64(s, 0), pkind = -1, pparty = 0;
        unsigned char pk[32], reg_pk[32];
        char prev_hex[65];
        int n;
        fw__stmt *q;

        rc = FW_OK;
        o = cJSON_CreateObject();
        fw__json_add_i64(o, "seq", seq);
        cJSON_AddStringToObject(o, "signer", signer);
        if (seq != expect || fw__db_col_bytes(s, 2) != 32 || fw__db_col_bytes(s, 3) != 64) {
            problem = "the record is malformed or out of sequence";
        } else {
            memcpy(pk, fw__db_col_blob(s, 2), 32);
            /* the signer must be the party at that position, with its registered key */
            if (fw__db_query(ctx, &q, NULL, "SELECT party_kind, party_id FROM fw_contract_signer WHERE contract_id=? "
                             "AND seq=?", "ii", contract_id, seq) == FW_OK && fw__db_step(q, NULL) == FW__ROW) {
                pkind = fw__db_col_i64(q, 0);
                pparty = fw__db_col_i64(q, 1);
            }
            fw__db_done(q);
            signer_text((int)pkind, pparty, who, sizeof(who));
            if (pkind < 0 || strcmp(who, signer) != 0) {
                problem = "the signer is not the party at this position";
            } else if (pkind == SIGNER_PLATFORM) {
                if (sodium_memcmp(pk, plat_pk, 32) != 0)
                    problem = "the public key is not the platform's";
            } else {
                int found = 0;
                if (fw__db_query(ctx, &q, NULL, "SELECT public_key FROM fw_contract_key WHERE subject=?", "t", who) ==
                        FW_OK && fw__db_step(q, NULL) == FW__ROW && fw__db_col_bytes(q, 0) == 32) {
                    memcpy(reg_pk, fw__db_col_blob(q, 0), 32);
                    found = 1;
                }
                fw__db_done(q);
                if (!found || sodium_memcmp(pk, reg_pk, 32) != 0)
                    problem = "the public key is not the one issued to the signer";
            }
            if (!problem) {
                if (have_prev)
                    sodium_bin2hex(prev_hex, sizeof(prev_hex), prev, 32);
                if (have_prev ? !prev_txt || strcmp(prev_txt, prev_hex) != 0 : prev_txt != NULL)
                    problem = "the chain to the previous signature is broken";
            }
            if (!problem) {
                n = signing_text(text, sizeof(text), contract_id, r.hash, seq, signer, pk, fw__db_col_i64(s, 4),
                                 fw__db_col_text(s, 5), fw__db_col_text(s, 6), prev_txt);
                if (n < 0 || crypto_sign_verify_detached(fw__db_col_blob(s, 3), (const unsigned char *)text,
                                                         (unsigned long long)n, pk) != 0)
                    problem = "the Ed25519 signature does not verify over the document hash and signing record";
            }
            crypto_hash_sha256(prev, fw__db_col_blob(s, 3), fw__db_col_bytes(s, 3));
            have_prev = 1;
        }
        cJSON_AddBoolToObject(o, "ok", problem == NULL);
        if (problem) {
            cJSON_AddStringToObject(o, "problem", problem);
            if (!bad_sig && !bad_doc)
                snprintf(first, sizeof(first), "contract %lld: signature %lld (%s): %s", (long long)contract_id,
                         (long long)seq, signer, problem);
            bad_sig = 1;
        }
        cJSON_AddItemToArray(sigs, o);
        expect++;
    }
    fw__db_done(s);
    if (rc == FW__DONE)
        rc = FW_OK;
    if (rc == FW_OK && r.state == FW_CONTRACT_SIGNED && expect - 1 != total && !bad_sig) {
        bad_sig = 1;
        if (!bad_doc)
            snprintf(first, sizeof(first), "contract %lld: signed, but %lld of %lld signatures are present",
                     (long long)contract_id, (long long)(expect - 1), (long long)total);
    }
    cJSON_AddStringToObject(rep, "platform_public_key", platform_hex);
    cJSON_AddBoolToObject(rep, "valid", !bad_doc && !bad_sig);
    if (rc != FW_OK) {
        cJSON_Delete(rep);
        return rc;
    }
    if (out_report)
        rc = fw__json_out(rep, out_report, out_len, err);
    else
        cJSON_Delete(rep);
    if (rc != FW_OK)
        return rc;
    if (bad_doc)
        return fw__error_set(err, FW_ECORRUPT, NULL, "%s", first);
    if (bad_sig)
        return fw__error_set(err, FW_EAUTH, NULL, "%s", first);
    return FW_OK;
}
