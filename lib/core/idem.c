/* Idempotency keys with TigerBeetle semantics: see idem.h. */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/ctx.h"
#include "core/db.h"
#include "core/error.h"
#include "core/idem.h"
#include "core/json.h"

int fw__idem_is_final(int rc)
{
    switch (rc) {
    case FW_EINVAL:
    case FW_ENOTFOUND:
    case FW_EEXISTS:
    case FW_ESTATE:
    case FW_EOVERFLOW:
    case FW_EFUNDS:
    case FW_ELIMIT:
    case FW_EDENIED:
    case FW_ECLOSED:
        return 1;
    default:
        return 0;
    }
}

/*
 * Requests may carry personal data (a bank card, a name), so neither the request nor an
 * unkeyed hash of it is stored: the hash is keyed (blind-index key, domain-separated), and for
 * naming the field that differs the store keeps a keyed digest per top-level field.
 */
static void request_hash(fw_ctx *ctx, const char *scope, const char *req, size_t len,
                         unsigned char out[32])
{
    crypto_generichash_state st;
    unsigned char sep = 0;
    crypto_generichash_init(&st, fw__ctx_key(ctx, FW__KEY_BLIND), 32, 32);
    crypto_generichash_update(&st, (const unsigned char *)"idem", 5);
    crypto_generichash_update(&st, (const unsigned char *)scope, strlen(scope));
    crypto_generichash_update(&st, &sep, 1);
    crypto_generichash_update(&st, (const unsigned char *)req, len);
    crypto_generichash_final(&st, out, 32);
}

static int add_digest(fw_ctx *ctx, cJSON *out, const char *name, const char *value, size_t len)
{
    crypto_generichash_state st;
    unsigned char d[16];
    crypto_generichash_init(&st, fw__ctx_key(ctx, FW__KEY_BLIND), 32, sizeof(d));
    crypto_generichash_update(&st, (const unsigned char *)"idem-field", 11);
    crypto_generichash_update(&st, (const unsigned char *)name, strlen(name) + 1);
    crypto_generichash_update(&st, (const unsigned char *)value, len);
    crypto_generichash_final(&st, d, sizeof(d));
    return fw__json_add_hex(out, name, d, sizeof(d)) != NULL;
}

/* {"<field>":"<keyed digest of its value>",...}; a request that is not an object is one field,
 * "request". NULL when out of memory. */
static char *field_digests(fw_ctx *ctx, const char *req, size_t len)
{
    cJSON *in = NULL, *out = cJSON_CreateObject();
    const cJSON *c;
    char *text = NULL;
    int ok = out != NULL;

    if (ok && fw__json_parse(&in, req, len, NULL) == FW_OK) {
        for (c = in->child; c && ok; c = c->next) {
            char *v = fw__json_print(c);
            ok = v && add_digest(ctx, out, c->string, v, strlen(v));
            free(v);
        }
    } else if (ok) {
        ok = add_digest(ctx, out, "request", req, len);
    }
    if (ok)
        text = fw__json_print(out);
    cJSON_Delete(in);
    cJSON_Delete(out);
    return text;
}

/* Names the first top-level field whose digest differs between two field-digest objects. */
static void first_difference(const char *a, const char *b, size_t b_len, char *field, size_t size)
{
    cJSON *ja = NULL, *jb = NULL;
    const cJSON *c;

    snprintf(field, size, "request");
    if (fw__json_parse(&ja, a, (size_t)-1, NULL) != FW_OK || fw__json_parse(&jb, b, b_len, NULL) != FW_OK)
        goto done;
    for (c = jb->child; c; c = c->next) {
        const cJSON *o = cJSON_GetObjectItemCaseSensitive(ja, c->string);
        if (!o || !cJSON_Compare(o, c, 1)) {
            snprintf(field, size, "%s", c->string);
            goto done;
        }
    }
    for (c = ja->child; c; c = c->next)
        if (!cJSON_GetObjectItemCaseSensitive(jb, c->string)) {
            snprintf(field, size, "%s", c->string);
            goto done;
        }
done:
    cJSON_Delete(ja);
    cJSON_Delete(jb);
}

int fw__idem_begin(fw_ctx *ctx, fw__idem *idem, const char *scope, const char *key,
                   const char *request, size_t request_len, fw_error **err)
{
    fw__stmt *s;
    int rc;

    memset(idem, 0, sizeof(*idem));
    idem->scope = scope;
    if (!key || !*key)
        return FW_OK;
    if (strlen(key) > FW__IDEM_KEY_MAX)
        return fw__error_set(err, FW_EINVAL, "idempotency_key", "must be at most %d bytes, got %zu",
                             FW__IDEM_KEY_MAX, strlen(key));
    idem->active = 1;
    strcpy(idem->key, key);
    request_hash(ctx, scope, request, request_len, idem->hash);
    idem->request = field_digests(ctx, request, request_len);
    if (!idem->request)
        return fw__error_nomem(err);
    idem->request_len = strlen(idem->request);

    rc = fw__db_query(ctx, &s, err, "SELECT hash, request, rc, result_id, result_json, err_path, "
                      "err_message FROM fw_idem WHERE scope=? AND key=?", "tt", scope, key);
    if (rc != FW_OK)
        return rc;
    rc = fw__db_step(s, err);
    if (rc == FW__ROW) {
        if (fw__db_col_bytes(s, 0) != 32 || sodium_memcmp(fw__db_col_blob(s, 0), idem->hash, 32) != 0) {
            char field[128];
            first_difference(fw__db_col_text(s, 1), idem->request, idem->request_len, field,
                             sizeof(field));
            rc = fw__error_set(err, FW_ECONFLICT, "idempotency_key",
                               "key \"%s\" was first used with a different %s; use a new key for a "
                               "new request", key, field);
        } else {
            const char *json = fw__db_col_text(s, 4);
            idem->replayed = 1;
            idem->rc = (int)fw__db_col_i64(s, 2);
            idem->result_id = fw__db_col_i64(s, 3);
            idem->result_json = json ? strdup(json) : NULL;
            if (idem->rc != FW_OK)
                fw__error_copy(err, idem->rc, fw__db_col_text(s, 5), fw__db_col_text(s, 6));
            rc = FW_OK;
        }
    } else if (rc == FW__DONE) {
        rc = FW_OK;
    }
    fw__db_done(s);
    return rc;
}

static int store(fw_ctx *ctx, fw__idem *idem, int rc, fw_id result_id, const char *result_json,
                 const fw_error *e, fw_error **err)
{
    return fw__db_exec(ctx, err,
                       "INSERT INTO fw_idem(scope, key, hash, request, rc, result_id, result_json, "
                       "err_path, err_message, created_ms) VALUES (?,?,?,?,?,?,?,?,?,?)",
                       "ttbtiittti", idem->scope, idem->key,
                       (const void *)idem->hash, (size_t)32, idem->request, (int64_t)rc,
                       (int64_t)result_id, result_json, e ? fw_error_path(e) : NULL,
                       e ? fw_error_message(e) : (rc ? fw_strerror(rc) : NULL), fw_ctx_now(ctx));
}

static void idem_clear(fw__idem *idem)
{
    free(idem->request);
    free(idem->result_json);
    idem->request = NULL;
    idem->result_json = NULL;
}

int fw__idem_end(fw_ctx *ctx, fw__idem *idem, int rc, fw_id result_id, const char *result_json,
                 fw_error **err)
{
    if (!idem->active || idem->replayed) {
        /* A replay changed nothing: end the transaction cleanly and return the stored outcome. */
        int trc = fw__tx_end(ctx, idem->replayed ? FW_OK : rc, idem->replayed ? NULL : err);
        idem_clear(idem);
        return idem->replayed ? rc : trc;
    }
    if (rc == FW_OK) {
        rc = store(ctx, idem, FW_OK, result_id, result_json, NULL, err);
        rc = fw__tx_end(ctx, rc, err);
    } else if (fw__idem_is_final(rc)) {
        fw__tx_end(ctx, rc, NULL);                 /* undo the work ... */
        if (fw__tx_begin(ctx, NULL) == FW_OK)      /* ... and remember the failure */
            fw__tx_end(ctx, store(ctx, idem, rc, 0, NULL, err ? *err : NULL, NULL), NULL);
    } else {
        fw__tx_end(ctx, rc, NULL);
    }
    idem_clear(idem);
    return rc;
}
