/*
 * Accounting periods (CST months). Closing one seals it: entries can no longer be dated into
 * it, and a BLAKE2b-256 hash over the previous closed period's hash and every entry and posting
 * effective in the month (in id order) is stored, so any later change to its history shows.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "core/audit.h"
#include "core/authz.h"
#include "core/clock.h"
#include "core/ctx.h"
#include "core/db.h"
#include "core/error.h"
#include "core/json.h"
#include "ledger/ledger.h"

#define HASH_BYTES 32

static int parse_month(const char *month, int64_t *start, int64_t *end, fw_error **err)
{
    int y = 0, m = 0;

    if (!month || strlen(month) != 7 || fw__month_key_parse(month, &y, &m) != FW_OK ||
        fw__cst_from_date(y, m, 1, start) != FW_OK)
        return fw__error_set(err, FW_EINVAL, "month", "must be a month \"YYYY-MM\", got \"%s\"",
                             month ? month : "(null)");
    fw__cst_period(*start, FW__PERIOD_MONTH, start, end);
    return FW_OK;
}

static void hash_str(crypto_generichash_state *st, const char *s)
{
    unsigned char sep = 0x1f;
    if (s)
        crypto_generichash_update(st, (const unsigned char *)s, strlen(s));
    crypto_generichash_update(st, &sep, 1);
}

static void hash_i64(crypto_generichash_state *st, int64_t v)
{
    char buf[24];
    snprintf(buf, sizeof(buf), "%lld", (long long)v);
    hash_str(st, buf);
}

/* The period's hash over prev and its entries; *n gets the number of entries. */
static int period_hash(fw_ctx *ctx, const char *month, int64_t start, int64_t end,
                       const unsigned char prev[HASH_BYTES], unsigned char out[HASH_BYTES],
                       int64_t *n, fw_error **err)
{
    crypto_generichash_state st;
    fw__stmt *s, *p;
    int rc;

    *n = 0;
    crypto_generichash_init(&st, NULL, 0, HASH_BYTES);
    crypto_generichash_update(&st, prev, HASH_BYTES);
    hash_str(&st, month);
    rc = fw__db_query(ctx, &s, err,
                      "SELECT id, kind, reason, effective_ms, created_ms, related_id, ref_kind, "
                      "ref_id, memo FROM fw_ledger_entry WHERE effective_ms >= ? AND "
                      "effective_ms < ? ORDER BY id", "ii", start, end);
    if (rc != FW_OK)
        return rc;
    while ((rc = fw__db_step(s, err)) == FW__ROW) {
        fw_id id = fw__db_col_i64(s, 0);
        int c;
        for (c = 0; c < 9; c++)
            hash_str(&st, fw__db_col_text(s, c));
        rc = fw__db_query(ctx, &p, err,
                          "SELECT seq, account_id, amount, pending FROM fw_ledger_posting "
                          "WHERE entry_id=? ORDER BY seq", "i", id);
        if (rc != FW_OK)
            break;
        while ((rc = fw__db_step(p, err)) == FW__ROW) {
            hash_i64(&st, fw__db_col_i64(p, 0));
            hash_i64(&st, fw__db_col_i64(p, 1));
            hash_i64(&st, fw__db_col_i64(p, 2));
            hash_i64(&st, fw__db_col_i64(p, 3));
        }
        fw__db_done(p);
        if (rc < 0)
            break;
        (*n)++;
    }
    fw__db_done(s);
    if (rc < 0)
        return rc;
    crypto_generichash_final(&st, out, HASH_BYTES);
    return FW_OK;
}

static int prev_hash(fw_ctx *ctx, int64_t start, unsigned char out[HASH_BYTES], fw_error **err)
{
    fw__stmt *s;
    int rc = fw__db_query(ctx, &s, err,
                          "SELECT hash FROM fw_ledger_period WHERE state=1 AND start_ms < ? "
                          "ORDER BY start_ms DESC LIMIT 1", "i", start);
    if (rc != FW_OK)
        return rc;
    memset(out, 0, HASH_BYTES);
    rc = fw__db_step(s, err);
    if (rc == FW__ROW && fw__db_col_bytes(s, 0) == HASH_BYTES)
        memcpy(out, fw__db_col_blob(s, 0), HASH_BYTES);
    fw__db_done(s);
    return rc < 0 ? rc : FW_OK;
}

static int period_state(fw_ctx *ctx, const char *month, int64_t *state, fw_error **err)
{
    int rc = fw__db_i64(ctx, state, err, "SELECT state FROM fw_ledger_period WHERE month=?", "t",
                        month);
    if (rc == FW_ENOTFOUND) {
        *state = 0;
        rc = FW_OK;
    }
    return rc;
}

int fw_ledger_period_close(fw_ctx *ctx, const char *month, char **out_json, size_t *out_len,
                           fw_error **err)
{
    unsigned char prev[HASH_BYTES], hash[HASH_BYTES];
    int64_t start, end, state = 0, n = 0;
    char detail[200], hex[2 * HASH_BYTES + 1];
    cJSON *o = NULL;
    int rc;

    if (!ctx)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx is required");
    if ((rc = fw__authz_require(ctx, "ledger.period_close", err)) != FW_OK)
        return rc;
    if ((rc = parse_month(month, &start, &end, err)) != FW_OK)
        return rc;
    if (end > fw_ctx_now(ctx))
        return fw__error_set(err, FW_EINVAL, "month", "%s is not over yet; a period closes after its "
                             "last day", month);
    if ((rc = fw__tx_begin(ctx, err)) != FW_OK)
        return rc;
    rc = period_state(ctx, month, &state, err);
    if (rc == FW_OK && state == 1)
        rc = fw__error_set(err, FW_ESTATE, "month", "the period %s is already closed", month);
    if (rc == FW_OK)
        rc = prev_hash(ctx, start, prev, err);
    if (rc == FW_OK)
        rc = period_hash(ctx, month, start, end, prev, hash, &n, err);
    if (rc == FW_OK)
        rc = fw__db_exec(ctx, err,
                         "INSERT INTO fw_ledger_period(month, start_ms, end_ms, state, entries, "
                         "hash, prev_hash, closed_ms) VALUES (?,?,?,1,?,?,?,?) "
                         "ON CONFLICT(month) DO UPDATE SET state=1, entries=excluded.entries, "
                         "hash=excluded.hash, prev_hash=excluded.prev_hash, "
                         "closed_ms=excluded.closed_ms",
                         "tiiibbi", month, start, end, n, (const void *)hash, (size_t)HASH_BYTES,
                         (const void *)prev, (size_t)HASH_BYTES, fw_ctx_now(ctx));
    if (rc == FW_OK) {
        sodium_bin2hex(hex, sizeof(hex), hash, HASH_BYTES);
        snprintf(detail, sizeof(detail), "{\"month\":\"%s\",\"entries\":%lld,\"hash\":\"%s\"}",
                 month, (long long)n, hex);
        rc = fw__audit_append(ctx, "ledger.period_close", "ledger_period", start, detail,
                              strlen(detail), err);
    }
    if (rc == FW_OK && out_json) {
        if (!(o = cJSON_CreateObject()))
            rc = fw__error_nomem(err);
        else {
            cJSON_AddStringToObject(o, "month", month);
            cJSON_AddStringToObject(o, "state", "closed");
            fw__json_add_i64(o, "entries", n);
            fw__json_add_hex(o, "hash", hash, HASH_BYTES);
            fw__json_add_hex(o, "prev_hash", prev, HASH_BYTES);
        }
    }
    rc = fw__tx_end(ctx, rc, err);
    if (rc == FW_OK && o)
        return fw__json_out(o, out_json, out_len, err);
    cJSON_Delete(o);
    return rc;
}

int fw_ledger_period_reopen(fw_ctx *ctx, const char *month, const char *reason, fw_error **err)
{
    int64_t start, end, state = 0;
    cJSON *d;
    char *detail = NULL;
    size_t n = reason ? strlen(reason) : 0;
    int rc;

    if (!ctx)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx is required");
    if ((rc = fw__authz_require(ctx, "ledger.period_reopen", err)) != FW_OK)
        return rc;
    if ((rc = parse_month(month, &start, &end, err)) != FW_OK)
        return rc;
    if (n == 0 || n > 500)
        return fw__error_set(err, FW_EINVAL, "reason",
                             "reopening a period needs a reason of 1..500 bytes, got %zu", n);
    if ((rc = fw__tx_begin(ctx, err)) != FW_OK)
        return rc;
    rc = period_state(ctx, month, &state, err);
    if (rc == FW_OK && state != 1)
        rc = fw__error_set(err, FW_ESTATE, "month", "the period %s is not closed", month);
    if (rc == FW_OK)
        rc = fw__db_exec(ctx, err, "UPDATE fw_ledger_period SET state=2 WHERE month=?", "t", month);
    if (rc == FW_OK) {
        d = cJSON_CreateObject();
        if (d) {
            cJSON_AddStringToObject(d, "month", month);
            cJSON_AddStringToObject(d, "reason", reason);
            detail = fw__json_print(d);
            cJSON_Delete(d);
        }
        rc = detail ? fw__audit_append(ctx, "ledger.period_reopen", "ledger_period", start, detail,
                                       strlen(detail), err)
                    : fw__error_nomem(err);
        cJSON_free(detail);
    }
    return fw__tx_end(ctx, rc, err);
}

int fw_ledger_period_verify(fw_ctx *ctx, const char *month, fw_error **err)
{
    unsigned char prev[HASH_BYTES], hash[HASH_BYTES], stored[HASH_BYTES];
    int64_t start, end, n = 0, sealed_n = 0;
    fw__stmt *s;
    int rc;

    if (!ctx)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx is required");
    if ((rc = fw__authz_require(ctx, "ledger.period_verify", err)) != FW_OK)
        return rc;
    if ((rc = parse_month(month, &start, &end, err)) != FW_OK)
        return rc;
    rc = fw__db_query(ctx, &s, err,
                      "SELECT hash, prev_hash, entries FROM fw_ledger_period WHERE month=? AND state=1",
                      "t", month);
    if (rc != FW_OK)
        return rc;
    rc = fw__db_step(s, err);
    if (rc == FW__ROW && fw__db_col_bytes(s, 0) == HASH_BYTES && fw__db_col_bytes(s, 1) == HASH_BYTES) {
        memcpy(stored, fw__db_col_blob(s, 0), HASH_BYTES);
        memcpy(prev, fw__db_col_blob(s, 1), HASH_BYTES);
        sealed_n = fw__db_col_i64(s, 2);
        rc = FW_OK;
    } else if (rc >= 0) {
        rc = fw__error_set(err, FW_ESTATE, "month", "the period %s is not closed", month);
    }
    fw__db_done(s);
    if (rc != FW_OK)
        return rc;
    if ((rc = period_hash(ctx, month, start, end, prev, hash, &n, err)) != FW_OK)
        return rc;
    if (sodium_memcmp(hash, stored, HASH_BYTES) != 0)
        return fw__error_set(err, FW_ECORRUPT, "month",
                             "the period %s's entries no longer match its seal (%lld entries "
                             "sealed, %lld now)", month, (long long)sealed_n, (long long)n);
    return FW_OK;
}
