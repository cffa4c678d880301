/*
 * Contract templates: versioned texts with typed placeholders and a content hash, and
 * their rendering for the parties into the canonical document bytes that signatures cover.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "contract/contract_int.h"
#include "core/audit.h"
#include "core/authz.h"
#include "core/ctx.h"
#include "core/db.h"
#include "core/error.h"
#include "core/json.h"

#define BODY_MAX (256u * 1024u)

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
        (rc = fw__json_enum(root, "$", "kind", FW__REQUIRED, fw__contract_kind_names, &kind, err)) == FW_OK &&
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
        ptext = fw__json_print(phs);
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
    cJSON_AddStringToObject(o, "kind", fw__contract_kind_name((uint32_t)fw__db_col_i64(s, 0)));
    cJSON_AddStringToObject(o, "name", fw__db_col_text(s, 1));
    fw__json_add_i64(o, "version", fw__db_col_i64(s, 2));
    cJSON_AddStringToObject(o, "body", fw__db_col_text(s, 3));
    cJSON_AddItemToObject(o, "placeholders", cJSON_Parse(fw__db_col_text(s, 4)));
    cJSON_AddStringToObject(o, "sha256", fw__db_col_text(s, 5));
    fw__db_done(s);
    return fw__json_out(o, out_json, out_len, err);
}

/* ---- rendering -------------------------------------------------------------------------- */

static int buf_add(struct fw__cbuf *b, const char *s, size_t n)
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

void fw__cbuf_wipe(struct fw__cbuf *b)
{
    if (b->p) {
        sodium_memzero(b->p, b->cap);
        free(b->p);
    }
    b->p = NULL;
    b->len = b->cap = 0;
}

/* Checks the values against the declared placeholders and renders each as text. */
int fw__contract_check_values(const cJSON *phs, const cJSON *values, cJSON *rendered, fw_error **err)
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
int fw__contract_render(const char *body, const cJSON *values, fw_id contract_id, uint32_t kind, const char *tname,
                  int64_t tversion, const char *thash, struct fw__cbuf *out, fw_error **err)
{
    const char *s = body, *ph, *name, *e;
    const cJSON *v;
    char head[512], key[48];
    size_t n;
    int rc;

    snprintf(head, sizeof(head), "flexwork-contract-v1\ncontract_no:%lld\nkind:%s\ntemplate:%s\ntemplate_version:%lld\n"
             "template_sha256:%s\n\n", (long long)contract_id, fw__contract_kind_name(kind), tname, (long long)tversion, thash);
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
