/*
 * The hash-chained audit log (R-3.3.j). Record n's hash is BLAKE2b-256 over record n-1's
 * hash and record n's canonical bytes; the first record links to 32 zero bytes. Checkpoints
 * sign (seq, hash, time) with the platform's Ed25519 key so that an exported log verifies
 * offline.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include <flexwork/audit.h>

#include "core/audit.h"
#include "core/authz.h"
#include "core/ctx.h"
#include "core/db.h"
#include "core/error.h"
#include "core/json.h"

#define HASH_BYTES 32
#define SIG_CONTEXT "flexwork-audit-checkpoint-v1"
#define EXPORT_FORMAT "flexwork-audit-1"

struct record {
    int64_t seq, at_ms, role, party, entity_id;
    const char *actor_name, *action, *entity_type;
    unsigned char digest[HASH_BYTES];
};

static void put_u64(crypto_generichash_state *st, uint64_t v)
{
    unsigned char b[8];
    int i;
    for (i = 7; i >= 0; i--, v >>= 8)
        b[i] = (unsigned char)(v & 0xff);
    crypto_generichash_update(st, b, 8);
}

static void put_str(crypto_generichash_state *st, const char *s)
{
    size_t n = strlen(s);
    put_u64(st, (uint64_t)n);
    crypto_generichash_update(st, (const unsigned char *)s, n);
}

/* hash = BLAKE2b-256(prev || canonical(record)); the canonical form is length-prefixed. */
static void record_hash(const struct record *r, const unsigned char prev[HASH_BYTES],
                        unsigned char out[HASH_BYTES])
{
    crypto_generichash_state st;
    crypto_generichash_init(&st, NULL, 0, HASH_BYTES);
    crypto_generichash_update(&st, prev, HASH_BYTES);
    put_u64(&st, (uint64_t)r->seq);
    put_u64(&st, (uint64_t)r->at_ms);
    put_u64(&st, (uint64_t)r->role);
    put_u64(&st, (uint64_t)r->party);
    put_str(&st, r->actor_name);
    put_str(&st, r->action);
    put_str(&st, r->entity_type);
    put_u64(&st, (uint64_t)r->entity_id);
    crypto_generichash_update(&st, r->digest, HASH_BYTES);
    crypto_generichash_final(&st, out, HASH_BYTES);
}

static void sig_message(int64_t seq, const unsigned char hash[HASH_BYTES], int64_t at_ms,
                        unsigned char out[sizeof(SIG_CONTEXT) - 1 + 8 + HASH_BYTES + 8])
{
    size_t off = sizeof(SIG_CONTEXT) - 1;
    int i;
    memcpy(out, SIG_CONTEXT, off);
    for (i = 0; i < 8; i++)
        out[off + i] = (unsigned char)((uint64_t)seq >> (56 - 8 * i));
    memcpy(out + off + 8, hash, HASH_BYTES);
    for (i = 0; i < 8; i++)
        out[off + 8 + HASH_BYTES + i] = (unsigned char)((uint64_t)at_ms >> (56 - 8 * i));
}

int fw__audit_append(fw_ctx *ctx, const char *action, const char *entity_type, fw_id entity_id,
                     const char *detail, size_t detail_len, fw_error **err)
{
    unsigned char prev[HASH_BYTES] = { 0 }, hash[HASH_BYTES];
    struct record r;
    fw__stmt *s;
    int rc;

    if (!detail) {
        detail = "{}";
        detail_len = 2;
    }
    rc = fw__db_query(ctx, &s, err, "SELECT seq, hash FROM fw_audit ORDER BY seq DESC LIMIT 1", "");
    if (rc != FW_OK)
        return rc;
    rc = fw__db_step(s, err);
    r.seq = 1;
    if (rc == FW__ROW) {
        r.seq = fw__db_col_i64(s, 0) + 1;
        if (fw__db_col_bytes(s, 1) == HASH_BYTES)
            memcpy(prev, fw__db_col_blob(s, 1), HASH_BYTES);
        rc = FW_OK;
    }
    fw__db_done(s);
    if (rc < 0)
        return rc;

    r.at_ms = fw_ctx_now(ctx);
    r.role = ctx->role;
    r.party = ctx->party_id;
    r.actor_name = ctx->actor_name ? ctx->actor_name : "";
    r.action = action;
    r.entity_type = entity_type;
    r.entity_id = entity_id;
    crypto_generichash(r.digest, HASH_BYTES, (const unsigned char *)detail, detail_len, NULL, 0);
    record_hash(&r, prev, hash);

    rc = fw__db_query(ctx, &s, err,
                      "INSERT INTO fw_audit(seq, at_ms, actor_role, actor_party, actor_name, action, "
                      "entity_type, entity_id, detail, digest, prev_hash, hash) "
                      "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                      "iiiitttiibbb", r.seq, r.at_ms, r.role, r.party, r.actor_name, action,
                      entity_type, entity_id, "", (const void *)r.digest, (size_t)HASH_BYTES,
                      (const void *)prev, (size_t)HASH_BYTES, (const void *)hash, (size_t)HASH_BYTES);
    if (rc != FW_OK)
        return rc;
    fw__db_bind_textn(s, 9, detail, detail_len);
    rc = fw__db_step(s, err);
    fw__db_done(s);
    return rc < 0 ? rc : FW_OK;
}

static void read_record(fw__stmt *s, struct record *r)
{
    r->seq = fw__db_col_i64(s, 0);
    r->at_ms = fw__db_col_i64(s, 1);
    r->role = fw__db_col_i64(s, 2);
    r->party = fw__db_col_i64(s, 3);
    r->actor_name = fw__db_col_text(s, 4);
    r->action = fw__db_col_text(s, 5);
    r->entity_type = fw__db_col_text(s, 6);
    r->entity_id = fw__db_col_i64(s, 7);
    if (!r->actor_name) r->actor_name = "";
    if (!r->action) r->action = "";
    if (!r->entity_type) r->entity_type = "";
}

#define RECORD_COLUMNS \
    "seq, at_ms, actor_role, actor_party, actor_name, action, entity_type, entity_id, " \
    "detail, digest, prev_hash, hash"

/*
 * Checks one stored row against the running chain: its detail's digest, its link to the
 * previous hash and its own hash. Returns 1 when it verifies.
 */
static int row_verifies(fw__stmt *s, const unsigned char prev[HASH_BYTES], int64_t expect_seq,
                        unsigned char out_hash[HASH_BYTES])
{
    struct record r;
    unsigned char want[HASH_BYTES];
    const char *detail = fw__db_col_text(s, 8);

    read_record(s, &r);
    crypto_generichash(r.digest, HASH_BYTES, (const unsigned char *)(detail ? detail : ""),
                       fw__db_col_bytes(s, 8), NULL, 0);
    if (r.seq != expect_seq || fw__db_col_bytes(s, 9) != HASH_BYTES ||
        sodium_memcmp(r.digest, fw__db_col_blob(s, 9), HASH_BYTES) != 0 ||
        fw__db_col_bytes(s, 10) != HASH_BYTES ||
        sodium_memcmp(prev, fw__db_col_blob(s, 10), HASH_BYTES) != 0 ||
        fw__db_col_bytes(s, 11) != HASH_BYTES)
        return 0;
    record_hash(&r, prev, want);
    if (sodium_memcmp(want, fw__db_col_blob(s, 11), HASH_BYTES) != 0)
        return 0;
    memcpy(out_hash, want, HASH_BYTES);
    return 1;
}

/*
 * The chain alone cannot catch a log rewritten from some record on with every hash recomputed,
 * nor records cut off its end: the signed checkpoints can. Each must carry a valid signature
 * of the platform key and match the (already verified) chain at its record.
 */
static int verify_checkpoints(fw_ctx *ctx, int64_t last_seq, int64_t *bad, fw_error **err)
{
    unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
    unsigned char msg[sizeof(SIG_CONTEXT) - 1 + 8 + HASH_BYTES + 8];
    fw__stmt *s;
    int rc;

    crypto_sign_seed_keypair(pk, sk, fw__ctx_key(ctx, FW__KEY_SIGN));
    sodium_memzero(sk, sizeof(sk));
    rc = fw__db_query(ctx, &s, err, "SELECT c.seq, c.hash, c.at_ms, c.signature, a.hash "
                      "FROM fw_audit_checkpoint c LEFT JOIN fw_audit a ON a.seq = c.seq "
                      "ORDER BY c.seq, c.id", "");
    if (rc != FW_OK)
        return rc;
    while ((rc = fw__db_step(s, err)) == FW__ROW) {
        int64_t seq = fw__db_col_i64(s, 0);
        if (seq > last_seq) {
            *bad = last_seq + 1;
            rc = fw__error_set(err, FW_ECORRUPT, NULL,
                               "the audit log ends at record %lld but a checkpoint signed record "
                               "%lld: records were removed outside the library",
                               (long long)last_seq, (long long)seq);
            break;
        }
        if (fw__db_col_bytes(s, 1) != HASH_BYTES || fw__db_col_bytes(s, 3) != crypto_sign_BYTES ||
            fw__db_col_bytes(s, 4) != HASH_BYTES)
            goto broken;
        sig_message(seq, fw__db_col_blob(s, 1), fw__db_col_i64(s, 2), msg);
        if (crypto_sign_verify_detached(fw__db_col_blob(s, 3), msg, sizeof(msg), pk) != 0 ||
            sodium_memcmp(fw__db_col_blob(s, 1), fw__db_col_blob(s, 4), HASH_BYTES) != 0)
            goto broken;
        continue;
    broken:
        *bad = seq;
        rc = fw__error_set(err, FW_ECORRUPT, NULL,
                           "the audit log does not match the checkpoint signed at record %lld: "
                           "records up to it were rewritten outside the library", (long long)seq);
        break;
    }
    fw__db_done(s);
    return rc < 0 ? rc : FW_OK;
}

int fw_audit_verify(fw_ctx *ctx, int64_t *first_bad, fw_error **err)
{
    unsigned char prev[HASH_BYTES] = { 0 };
    int64_t expect = 1, bad = 0;
    fw__stmt *s;
    int rc;

    if (!ctx)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx is required");
    if ((rc = fw__authz_require(ctx, "audit.verify", err)) != FW_OK)
        return rc;
    rc = fw__db_query(ctx, &s, err, "SELECT " RECORD_COLUMNS " FROM fw_audit ORDER BY seq", "");
    if (rc != FW_OK)
        return rc;
    while ((rc = fw__db_step(s, err)) == FW__ROW) {
        if (!row_verifies(s, prev, expect, prev)) {
            bad = expect;
            break;
        }
        expect++;
    }
    fw__db_done(s);
    if (rc < 0)
        return rc;
    if (bad) {
        if (first_bad)
            *first_bad = bad;
        return fw__error_set(err, FW_ECORRUPT, NULL,
                             "audit record %lld does not verify: it or its link to record %lld was "
                             "changed outside the library", (long long)bad, (long long)(bad - 1));
    }
    rc = verify_checkpoints(ctx, expect - 1, &bad, err);
    if (first_bad && (rc == FW_OK || rc == FW_ECORRUPT))
        *first_bad = bad;
    return rc;
}

int fw_audit_public_key(fw_ctx *ctx, uint8_t out[32], fw_error **err)
{
    unsigned char sk[crypto_sign_SECRETKEYBYTES];

    if (!ctx || !out)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and out are required");
    crypto_sign_seed_keypair(out, sk, fw__ctx_key(ctx, FW__KEY_SIGN));
    sodium_memzero(sk, sizeof(sk));
    return FW_OK;
}

static cJSON *checkpoint_json(int64_t seq, const unsigned char *hash, int64_t at_ms,
                              const unsigned char *pk, const unsigned char *sig)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    fw__json_add_i64(o, "seq", seq);
    fw__json_add_hex(o, "hash", hash, HASH_BYTES);
    fw__json_add_i64(o, "at_ms", at_ms);
    fw__json_add_hex(o, "public_key", pk, crypto_sign_PUBLICKEYBYTES);
    fw__json_add_hex(o, "signature", sig, crypto_sign_BYTES);
    return o;
}

int fw_audit_checkpoint(fw_ctx *ctx, char **out_json, size_t *out_len, fw_error **err)
{
    unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
    unsigned char hash[HASH_BYTES], sig[crypto_sign_BYTES];
    unsigned char msg[sizeof(SIG_CONTEXT) - 1 + 8 + HASH_BYTES + 8];
    int64_t seq = 0, at_ms;
    fw__stmt *s;
    int rc;

    if (!ctx)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx is required");
    if ((rc = fw__authz_require(ctx, "audit.checkpoint", err)) != FW_OK)
        return rc;
    if ((rc = fw__tx_begin(ctx, err)) != FW_OK)
        return rc;
    /* Verified inside the write transaction, so the head signed is the head verified. */
    rc = fw_audit_verify(ctx, NULL, err);        /* never sign a broken chain */
    if (rc == FW_OK)
        rc = fw__db_query(ctx, &s, err, "SELECT seq, hash FROM fw_audit ORDER BY seq DESC LIMIT 1", "");
    if (rc == FW_OK) {
        rc = fw__db_step(s, err);
        if (rc == FW__ROW) {
            seq = fw__db_col_i64(s, 0);
            memcpy(hash, fw__db_col_blob(s, 1), HASH_BYTES);
            rc = FW_OK;
        } else if (rc == FW__DONE) {
            rc = fw__error_set(err, FW_ESTATE, NULL, "the audit log is empty: nothing to sign");
        }
        fw__db_done(s);
    }
    at_ms = fw_ctx_now(ctx);
    if (rc == FW_OK) {
        crypto_sign_seed_keypair(pk, sk, fw__ctx_key(ctx, FW__KEY_SIGN));
        sig_message(seq, hash, at_ms, msg);
        crypto_sign_detached(sig, NULL, msg, sizeof(msg), sk);
        sodium_memzero(sk, sizeof(sk));
        rc = fw__db_exec(ctx, err,
                         "INSERT INTO fw_audit_checkpoint(seq, hash, at_ms, public_key, signature) "
                         "VALUES (?,?,?,?,?)", "ibibb", seq, (const void *)hash, (size_t)HASH_BYTES,
                         at_ms, (const void *)pk, sizeof(pk), (const void *)sig, sizeof(sig));
    }
    rc = fw__tx_end(ctx, rc, err);
    if (rc != FW_OK)
        return rc;
    if (out_json || out_len)
        return fw__json_out(checkpoint_json(seq, hash, at_ms, pk, sig), out_json, out_len, err);
    return FW_OK;
}

int fw_audit_export(fw_ctx *ctx, int64_t from_seq, int64_t to_seq, char **out_json,
                    size_t *out_len, fw_error **err)
{
    unsigned char prev[HASH_BYTES] = { 0 };
    cJSON *root = NULL, *records, *cp = NULL;
    int64_t cp_seq = 0;
    fw__stmt *s;
    int rc;

    if (!ctx || !out_json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and out_json are required");
    if (from_seq < 1)
        from_seq = 1;
    if (to_seq != 0 && to_seq < from_seq)
        return fw__error_set(err, FW_EINVAL, "to_seq", "must be 0 or at least from_seq (%lld)",
                             (long long)from_seq);
    if ((rc = fw__authz_require(ctx, "audit.export", err)) != FW_OK)
        return rc;

    /* The earliest checkpoint at or after to_seq (the newest when to_seq is 0). */
    rc = to_seq
        ? fw__db_query(ctx, &s, err, "SELECT seq, hash, at_ms, public_key, signature FROM "
                       "fw_audit_checkpoint WHERE seq >= ? ORDER BY seq, id LIMIT 1", "i", to_seq)
        : fw__db_query(ctx, &s, err, "SELECT seq, hash, at_ms, public_key, signature FROM "
                       "fw_audit_checkpoint ORDER BY seq DESC, id DESC LIMIT 1", "");
    if (rc != FW_OK)
        return rc;
    rc = fw__db_step(s, err);
    if (rc == FW__ROW) {
        cp_seq = fw__db_col_i64(s, 0);
        cp = checkpoint_json(cp_seq, fw__db_col_blob(s, 1), fw__db_col_i64(s, 2),
                             fw__db_col_blob(s, 3), fw__db_col_blob(s, 4));
        rc = cp ? FW_OK : fw__error_nomem(err);
    } else if (rc == FW__DONE) {
        rc = fw__error_set(err, FW_ESTATE, "to_seq",
                           "no checkpoint covers record %lld; call fw_audit_checkpoint() first",
                           (long long)to_seq);
    }
    fw__db_done(s);
    if (rc != FW_OK)
        return rc;
    if (from_seq > cp_seq) {
        cJSON_Delete(cp);
        return fw__error_set(err, FW_EINVAL, "from_seq", "must be at most %lld, the checkpoint's record",
                             (long long)cp_seq);
    }

    if (from_seq > 1) {
        rc = fw__db_query(ctx, &s, err, "SELECT hash FROM fw_audit WHERE seq = ?", "i", from_seq - 1);
        if (rc == FW_OK) {
            if ((rc = fw__db_step(s, err)) == FW__ROW && fw__db_col_bytes(s, 0) == HASH_BYTES)
                memcpy(prev, fw__db_col_blob(s, 0), HASH_BYTES);
            fw__db_done(s);
        }
        if (rc < 0) {
            cJSON_Delete(cp);
            return rc;
        }
    }
    root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "format", EXPORT_FORMAT);
    fw__json_add_hex(root, "prev_hash", prev, HASH_BYTES);
    cJSON_AddItemToObject(root, "checkpoint", cp);
    records = cJSON_AddArrayToObject(root, "records");
    rc = fw__db_query(ctx, &s, err, "SELECT " RECORD_COLUMNS " FROM fw_audit WHERE seq BETWEEN ? AND ? "
                      "ORDER BY seq", "ii", from_seq, cp_seq);
    if (rc != FW_OK) {
        cJSON_Delete(root);
        return rc;
    }
    while ((rc = fw__db_step(s, err)) == FW__ROW) {
        struct record r;
        cJSON *o = cJSON_CreateObject();
        read_record(s, &r);
        fw__json_add_i64(o, "seq", r.seq);
        fw__json_add_i64(o, "at_ms", r.at_ms);
        fw__json_add_i64(o, "actor_role", r.role);
        fw__json_add_i64(o, "actor_party", r.party);
        cJSON_AddStringToObject(o, "actor_name", r.actor_name);
        cJSON_AddStringToObject(o, "action", r.action);
        cJSON_AddStringToObject(o, "entity_type", r.entity_type);
        fw__json_add_i64(o, "entity_id", r.entity_id);
        cJSON_AddStringToObject(o, "detail", fw__db_col_text(s, 8) ? fw__db_col_text(s, 8) : "");
        fw__json_add_hex(o, "hash", fw__db_col_blob(s, 11), fw__db_col_bytes(s, 11));
        cJSON_AddItemToArray(records, o);
    }
    fw__db_done(s);
    if (rc < 0) {
        cJSON_Delete(root);
        return rc;
    }
    return fw__json_out(root, out_json, out_len, err);
}

static int hex_decode(const char *hex, unsigned char *out, size_t n)
{
    size_t bin_len = 0;
    if (!hex || strlen(hex) != 2 * n)
        return -1;
    return sodium_hex2bin(out, n, hex, 2 * n, NULL, &bin_len, NULL) == 0 && bin_len == n ? 0 : -1;
}

static int bad_export(fw_error **err, const char *path, const char *what)
{
    return fw__error_set(err, FW_EINVAL, path, "%s", what);
}

int fw_audit_verify_export(const char *json, size_t json_len, const uint8_t *expected_public_key,
                           int64_t *first_bad, fw_error **err)
{
    unsigned char prev[HASH_BYTES], cp_hash[HASH_BYTES], pk[32], sig[crypto_sign_BYTES];
    unsigned char msg[sizeof(SIG_CONTEXT) - 1 + 8 + HASH_BYTES + 8];
    const cJSON *cp, *records, *item;
    int64_t cp_seq = 0, cp_at = 0, last_seq = 0, bad = 0;
    const char *s = NULL;
    cJSON *root;
    size_t i = 0;
    int rc;

    if (fw_init() != FW_OK)
        return fw__error_set(err, FW_ERROR, NULL, "libsodium failed to initialise");
    rc = fw__json_parse(&root, json, json_len, err);
    if (rc != FW_OK) {
        fw_shutdown();
        return rc;
    }
    rc = fw__json_str(root, "$", "format", FW__REQUIRED, 1, 64, &s, err);
    if (rc == FW_OK && strcmp(s, EXPORT_FORMAT) != 0)
        rc = fw__error_set(err, FW_EVERSION, "$.format", "must be \"%s\", got \"%s\"", EXPORT_FORMAT, s);
    if (rc == FW_OK)
        rc = fw__json_str(root, "$", "prev_hash", FW__REQUIRED, 64, 64, &s, err);
    if (rc == FW_OK && hex_decode(s, prev, HASH_BYTES))
        rc = bad_export(err, "$.prev_hash", "must be 64 hex digits");
    if (rc == FW_OK)
        rc = fw__json_obj(root, "$", "checkpoint", FW__REQUIRED, &cp, err);
    if (rc == FW_OK)
        rc = fw__json_i64(cp, "$.checkpoint", "seq", FW__REQUIRED, 1, INT64_MAX, &cp_seq, err);
    if (rc == FW_OK)
        rc = fw__json_i64(cp, "$.checkpoint", "at_ms", FW__REQUIRED, INT64_MIN, INT64_MAX, &cp_at, err);
    if (rc == FW_OK && (fw__json_str(cp, "$.checkpoint", "hash", FW__REQUIRED, 64, 64, &s, err) ||
                        hex_decode(s, cp_hash, HASH_BYTES)))
        rc = bad_export(err, "$.checkpoint.hash", "must be 64 hex digits");
    if (rc == FW_OK && (fw__json_str(cp, "$.checkpoint", "public_key", FW__REQUIRED, 64, 64, &s, err) ||
                        hex_decode(s, pk, 32)))
        rc = bad_export(err, "$.checkpoint.public_key", "must be 64 hex digits");
    if (rc == FW_OK && (fw__json_str(cp, "$.checkpoint", "signature", FW__REQUIRED, 128, 128, &s, err) ||
                        hex_decode(s, sig, sizeof(sig))))
        rc = bad_export(err, "$.checkpoint.signature", "must be 128 hex digits");
    if (rc == FW_OK)
        rc = fw__json_arr(root, "$", "records", FW__REQUIRED, SIZE_MAX, &records, err);

    if (rc == FW_OK && expected_public_key && sodium_memcmp(pk, expected_public_key, 32) != 0)
        rc = fw__error_set(err, FW_EAUTH, "$.checkpoint.public_key",
                           "the export is signed by another key than the one expected");
    if (rc == FW_OK) {
        sig_message(cp_seq, cp_hash, cp_at, msg);
        if (crypto_sign_verify_detached(sig, msg, sizeof(msg), pk) != 0)
            rc = fw__error_set(err, FW_EAUTH, "$.checkpoint.signature",
                               "the checkpoint's signature does not verify");
    }

    cJSON_ArrayForEach(item, (rc == FW_OK ? records : (const cJSON *)NULL)) {
        struct record r;
        unsigned char hash[HASH_BYTES], stored[HASH_BYTES];
        const char *detail = "";
        char path[64];
        fw__json_path_index(path, sizeof(path), "$.records", i++);
        memset(&r, 0, sizeof(r));
        if (!cJSON_IsObject(item) ||
            fw__json_i64(item, path, "seq", FW__REQUIRED, 1, INT64_MAX, &r.seq, err) ||
            fw__json_i64(item, path, "at_ms", FW__REQUIRED, INT64_MIN, INT64_MAX, &r.at_ms, err) ||
            fw__json_i64(item, path, "actor_role", FW__REQUIRED, 0, 64, &r.role, err) ||
            fw__json_i64(item, path, "actor_party", FW__REQUIRED, 0, INT64_MAX, &r.party, err) ||
            fw__json_str(item, path, "actor_name", FW__REQUIRED, 0, 255, &r.actor_name, err) ||
            fw__json_str(item, path, "action", FW__REQUIRED, 1, 255, &r.action, err) ||
            fw__json_str(item, path, "entity_type", FW__REQUIRED, 0, 255, &r.entity_type, err) ||
            fw__json_i64(item, path, "entity_id", FW__REQUIRED, INT64_MIN, INT64_MAX, &r.entity_id, err) ||
            fw__json_str(item, path, "detail", FW__REQUIRED, 0, SIZE_MAX, &detail, err) ||
            fw__json_str(item, path, "hash", FW__REQUIRED, 64, 64, &s, err) ||
            hex_decode(s, stored, HASH_BYTES)) {
            rc = fw__error_set(err, FW_EINVAL, path, "is not a complete audit record");
            break;
        }
        crypto_generichash(r.digest, HASH_BYTES, (const unsigned char *)detail, strlen(detail), NULL, 0);
        record_hash(&r, prev, hash);
        if (last_seq && r.seq != last_seq + 1) {
            bad = last_seq + 1;          /* a record is missing (or out of order) here */
            break;
        }
        if (sodium_memcmp(hash, stored, HASH_BYTES) != 0) {
            bad = r.seq;
            break;
        }
        memcpy(prev, hash, HASH_BYTES);
        last_seq = r.seq;
    }
    if (rc == FW_OK && bad)
        rc = fw__error_set(err, FW_ECORRUPT, NULL, "exported audit record %lld does not verify",
                           (long long)bad);
    if (rc == FW_OK && (last_seq != cp_seq || sodium_memcmp(prev, cp_hash, HASH_BYTES) != 0)) {
        bad = last_seq < cp_seq ? last_seq + 1 : cp_seq;
        rc = fw__error_set(err, FW_ECORRUPT, NULL,
                           "the exported records do not end at the signed checkpoint (record %lld)",
                           (long long)cp_seq);
    }
    if (first_bad && (rc == FW_OK || rc == FW_ECORRUPT))
        *first_bad = bad;
    cJSON_Delete(root);
    fw_shutdown();
    return rc;
}
