/*
 * The PII vault. Each subject (a person) has a random 32-byte data key, stored wrapped by the
 * vault key (derived from the master key) with XChaCha20-Poly1305 and the subject as
 * associated data. A sealed value is: 0x01 || nonce (24) || ciphertext+tag, with associated
 * data "table|column|row|subject". Shredding deletes the wrapped key.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>
#include <cjson/cJSON.h>

#include <flexwork/vault.h>

#include "core/audit.h"
#include "core/authz.h"
#include "core/ctx.h"
#include "core/db.h"
#include "core/error.h"
#include "core/json.h"
#include "core/vault.h"

#define NONCE crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define TAG   crypto_aead_xchacha20poly1305_ietf_ABYTES
#define KEYB  crypto_aead_xchacha20poly1305_ietf_KEYBYTES
#define FORMAT_V1 0x01

static int check_subject(const char *subject, fw_error **err)
{
    if (!subject || !*subject || strlen(subject) > 128)
        return fw__error_set(err, FW_EINVAL, "subject", "must be 1 to 128 bytes, e.g. \"worker:17\"");
    return FW_OK;
}

/* Loads (or, when create is set and none exists, makes) the subject's data key. */
static int data_key(fw_ctx *ctx, const char *subject, int create, unsigned char key[KEYB],
                    fw_error **err)
{
    unsigned char wrapped[1 + NONCE + KEYB + TAG];
    unsigned long long n;
    fw__stmt *s;
    int rc, shredded = 0, found = 0;

    rc = fw__db_query(ctx, &s, err, "SELECT wrapped FROM fw_vault_key WHERE subject=?", "t", subject);
    if (rc != FW_OK)
        return rc;
    rc = fw__db_step(s, err);
    if (rc == FW__ROW) {
        found = 1;
        if (fw__db_col_is_null(s, 0))
            shredded = 1;
        else if (fw__db_col_bytes(s, 0) == sizeof(wrapped))
            memcpy(wrapped, fw__db_col_blob(s, 0), sizeof(wrapped));
        else
            found = -1;
        rc = FW_OK;
    }
    fw__db_done(s);
    if (rc < 0)
        return rc;
    if (shredded)
        return fw__error_set(err, FW_ESHREDDED, NULL, "the personal data of %s was erased", subject);
    if (found < 0)
        return fw__error_set(err, FW_ECORRUPT, NULL, "vault: the key of %s is damaged", subject);

    if (found) {
        if (crypto_aead_xchacha20poly1305_ietf_decrypt(key, &n, NULL, wrapped + 1 + NONCE,
                                                       KEYB + TAG, (const unsigned char *)subject,
                                                       strlen(subject), wrapped + 1,
                                                       fw__ctx_key(ctx, FW__KEY_VAULT)) != 0)
            return fw__error_set(err, FW_EAUTH, NULL, "vault: the key of %s does not unwrap", subject);
        return FW_OK;
    }
    if (!create)
        return fw__error_set(err, FW_ENOTFOUND, "subject", "%s has no personal data in the vault", subject);

    crypto_aead_xchacha20poly1305_ietf_keygen(key);
    wrapped[0] = FORMAT_V1;
    randombytes_buf(wrapped + 1, NONCE);
    crypto_aead_xchacha20poly1305_ietf_encrypt(wrapped + 1 + NONCE, &n, key, KEYB,
                                               (const unsigned char *)subject, strlen(subject), NULL,
                                               wrapped + 1, fw__ctx_key(ctx, FW__KEY_VAULT));
    return fw__db_exec(ctx, err, "INSERT INTO fw_vault_key(subject, wrapped, created_ms) VALUES (?,?,?)",
                       "tbi", subject, (const void *)wrapped, sizeof(wrapped), fw_ctx_now(ctx));
}

static int make_ad(char *buf, size_t size, const char *table, const char *column, fw_id row,
                   const char *subject)
{
    int n = snprintf(buf, size, "%s|%s|%lld|%s", table, column, (long long)row, subject);
    return n > 0 && (size_t)n < size ? n : -1;
}

int fw__vault_seal(fw_ctx *ctx, const char *subject, const char *table, const char *column,
                   fw_id row, const char *plain, size_t len, unsigned char **out,
                   size_t *out_len, fw_error **err)
{
    unsigned char *key, *buf;
    unsigned long long n;
    char ad[512];
    int ad_len, rc;

    if ((rc = check_subject(subject, err)) != FW_OK)
        return rc;
    if ((ad_len = make_ad(ad, sizeof(ad), table, column, row, subject)) < 0)
        return fw__error_set(err, FW_EINVAL, NULL, "vault: table and column names are too long");
    key = sodium_malloc(KEYB);
    if (!key)
        return fw__error_nomem(err);
    rc = data_key(ctx, subject, 1, key, err);
    if (rc == FW_OK) {
        buf = malloc(1 + NONCE + len + TAG);
        if (!buf) {
            rc = fw__error_nomem(err);
        } else {
            buf[0] = FORMAT_V1;
            randombytes_buf(buf + 1, NONCE);
            crypto_aead_xchacha20poly1305_ietf_encrypt(buf + 1 + NONCE, &n, (const unsigned char *)plain,
                                                       len, (const unsigned char *)ad, (size_t)ad_len,
                                                       NULL, buf + 1, key);
            *out = buf;
            *out_len = 1 + NONCE + (size_t)n;
        }
    }
    sodium_free(key);
    return rc;
}

int fw__vault_open(fw_ctx *ctx, const char *subject, const char *table, const char *column,
                   fw_id row, const unsigned char *sealed, size_t len, char **out, fw_error **err)
{
    unsigned char *key;
    unsigned long long n;
    char ad[512], *plain;
    int ad_len, rc;

    if ((rc = check_subject(subject, err)) != FW_OK)
        return rc;
    if (!sealed || len < 1 + NONCE + TAG || sealed[0] != FORMAT_V1)
        return fw__error_set(err, FW_ECORRUPT, NULL, "vault: %s.%s of row %lld is not a sealed value",
                             table, column, (long long)row);
    if ((ad_len = make_ad(ad, sizeof(ad), table, column, row, subject)) < 0)
        return fw__error_set(err, FW_EINVAL, NULL, "vault: table and column names are too long");
    key = sodium_malloc(KEYB);
    if (!key)
        return fw__error_nomem(err);
    rc = data_key(ctx, subject, 0, key, err);
    if (rc == FW_ENOTFOUND)
        rc = fw__error_set(err, FW_ECORRUPT, NULL, "vault: no key for %s", subject);
    if (rc == FW_OK) {
        plain = malloc(len - 1 - NONCE - TAG + 1);
        if (!plain) {
            rc = fw__error_nomem(err);
        } else if (crypto_aead_xchacha20poly1305_ietf_decrypt((unsigned char *)plain, &n, NULL,
                                                              sealed + 1 + NONCE, len - 1 - NONCE,
                                                              (const unsigned char *)ad, (size_t)ad_len,
                                                              sealed + 1, key) != 0) {
            free(plain);
            rc = fw__error_set(err, FW_EAUTH, NULL,
                               "vault: %s.%s of row %lld does not decrypt (moved or altered)",
                               table, column, (long long)row);
        } else {
            plain[n] = '\0';
            *out = plain;
        }
    }
    sodium_free(key);
    return rc;
}

void fw__vault_blind(fw_ctx *ctx, const char *domain, const char *value, size_t len,
                     unsigned char out[FW__BLIND_BYTES])
{
    crypto_generichash_state st;
    unsigned char sep = 0;

    crypto_generichash_init(&st, fw__ctx_key(ctx, FW__KEY_BLIND), 32, FW__BLIND_BYTES);
    crypto_generichash_update(&st, (const unsigned char *)domain, strlen(domain));
    crypto_generichash_update(&st, &sep, 1);
    crypto_generichash_update(&st, (const unsigned char *)value, len);
    crypto_generichash_final(&st, out, FW__BLIND_BYTES);
}

int fw_vault_shred(fw_ctx *ctx, const char *subject, fw_error **err)
{
    int64_t n = 0;
    int rc;

    if (!ctx)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx is required");
    if ((rc = check_subject(subject, err)) != FW_OK)
        return rc;
    if ((rc = fw__authz_require(ctx, "vault.shred", err)) != FW_OK)
        return rc;
    if ((rc = fw__tx_begin(ctx, err)) != FW_OK)
        return rc;
    rc = fw__db_i64(ctx, &n, err, "SELECT count(*) FROM fw_vault_key WHERE subject=?", "t", subject);
    if (rc == FW_OK && n == 0)
        rc = fw__error_set(err, FW_ENOTFOUND, "subject", "%s has no personal data in the vault", subject);
    if (rc == FW_OK)
        rc = fw__db_exec(ctx, err, "UPDATE fw_vault_key SET wrapped=NULL, shredded_ms=coalesce(shredded_ms, ?) "
                         "WHERE subject=?", "it", fw_ctx_now(ctx), subject);
    if (rc == FW_OK) {
        cJSON *o = cJSON_CreateObject();
        char *detail = NULL;
        if (o && cJSON_AddStringToObject(o, "subject", subject))
            detail = fw__json_print(o);
        cJSON_Delete(o);
        rc = detail ? fw__audit_append(ctx, "vault.shred", "vault_key", 0, detail, strlen(detail), err)
                    : fw__error_nomem(err);
        free(detail);
    }
    rc = fw__tx_end(ctx, rc, err);
    /* The wrapped key is gone from the table and, with secure_delete, zeroed in the page; an
     * older copy of the page may still sit in the WAL. Outside a host batch, checkpoint and
     * truncate the WAL now (best effort: a reader elsewhere may hold it, and then the frames
     * are overwritten by later writes instead). */
    if (rc == FW_OK && ctx->tx_depth == 0)
        fw__db_script(ctx, "PRAGMA wal_checkpoint(TRUNCATE)", NULL);
    return rc;
}

/* Masking: keeps `head` leading and `tail` trailing characters, stars in between. */
static const char *mask_ascii(const char *v, size_t head, size_t tail, char *buf, size_t size)
{
    size_t n = v ? strlen(v) : 0, i;
    if (!v || size < 2) {
        if (size)
            buf[0] = '\0';
        return buf;
    }
    if (n <= head + tail) {          /* too short to show anything safely */
        for (i = 0; i < n && i + 1 < size; i++)
            buf[i] = '*';
        buf[i] = '\0';
        return buf;
    }
    for (i = 0; i < n && i + 1 < size; i++)
        buf[i] = (i < head || i >= n - tail) ? v[i] : '*';
    buf[i] = '\0';
    return buf;
}

const char *fw__mask_id_number(const char *v, char *buf, size_t size)
{
    return mask_ascii(v, 3, 4, buf, size);
}

const char *fw__mask_phone(const char *v, char *buf, size_t size)
{
    return mask_ascii(v, 3, 4, buf, size);
}

const char *fw__mask_bank_card(const char *v, char *buf, size_t size)
{
    return mask_ascii(v, 4, 4, buf, size);
}

const char *fw__mask_name(const char *v, char *buf, size_t size)
{
    /* Keeps the first character (the family name, UTF-8 aware), one '*' per other character. */
    size_t first, out, i;
    const unsigned char *p = (const unsigned char *)v;
    if (!v || !*v || size < 8) {
        if (size)
            buf[0] = '\0';
        return buf;
    }
    first = *p < 0x80 ? 1 : (*p >> 5) == 6 ? 2 : (*p >> 4) == 14 ? 3 : 4;
    for (i = 0; i < first && v[i]; i++)
        buf[i] = v[i];
    out = i;
    for (p = (const unsigned char *)v + i; *p && out + 1 < size; p++)
        if ((*p & 0xC0) != 0x80)
            buf[out++] = '*';
    buf[out] = '\0';
    return buf;
}
