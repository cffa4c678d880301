/*
 * A reconciliation run: one statement's lines against the ledger's bank-clearing postings.
 *
 * Both sides are loaded into compact arrays (48 bytes a record; references as 64-bit SipHash
 * digests), the rules run in order over what is still unpaired, and the outcome is written in
 * one transaction (or only kept in the handle for a dry run). Digest equality stands for text
 * equality: with 2^64 values, a false pair among millions of references has a probability
 * below 10^-7.
 */
#define _GNU_SOURCE          /* qsort_r */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/audit.h"
#include "core/authz.h"
#include "core/clock.h"
#include "core/ctx.h"
#include "core/db.h"
#include "core/error.h"
#include "core/money.h"
#include "core/vault.h"
#include "ledger/ledger.h"
#include <flexwork/funding.h>
#include "recon/recon.h"

#define NONE UINT32_MAX
#define MAX_RULES 16
#define SCAN_CAP 4096           /* candidates examined per line by amount_date */
#define BOOK_IN_WINDOW 0x1
#define BOOK_CARRIED   0x2      /* left missing by an earlier run, case still open */
#define DONE 0xFF               /* outcome of a record an earlier recorded run matched */

struct lrec {
    uint64_t ref, txn;
    int64_t amount;
    int32_t sec;                /* seconds from the run's base */
    uint32_t cp;
    uint32_t partner;           /* a book index, or NONE */
    uint8_t outcome, rule;
};

struct brec {
    uint64_t ref;
    int64_t entry_id, amount;
    int32_t sec;
    uint32_t cp;
    uint32_t partner;           /* a line index, or NONE */
    uint8_t outcome, rule, flags;
};

struct rule {
    int kind;
    int64_t tol_fen, tol_ppm, window_days;
    int counterparty, by_day;
};

struct fw_recon {
    fw_ctx *ctx;
    fw_id run_id, statement_id, first_line;
    int dry_run, feed_funding;
    struct rule rules[MAX_RULES];
    size_t nrules;
    int64_t base_ms, from_ms, to_ms;
    char currency[4];
    struct lrec *lines;
    size_t nlines;
    /* Batch references, allocated at the first one: most statements and ledgers have none. */
    uint64_t *line_batch, *book_batch;
    /* Other names a record goes by (a payout order's request number and channel reference):
     * two per record, allocated at the first one. */
    uint64_t *book_alt;
    struct brec *books;
    size_t nbooks, cap_books, ndone;
    int64_t opening, closing, in_fen, out_fen;
    int has_opening, has_closing, has_account;
    int64_t ledger_opening, ledger_end;
    int64_t counts[FW_RECON_OUTCOME_COUNT + 1], sums[FW_RECON_OUTCOME_COUNT + 1];
    int64_t funding_fed, cases_opened, timing_resolved, explained;
};

static const unsigned char hash_key[crypto_shorthash_KEYBYTES] = "flexwork-recon-1";

static uint64_t key_of(const char *s, size_t n)
{
    unsigned char out[crypto_shorthash_BYTES];
    uint64_t v;
    if (!s || n == 0)
        return 0;
    crypto_shorthash(out, (const unsigned char *)s, n, hash_key);
    memcpy(&v, out, sizeof(v));
    return v ? v : 1;
}

/* The batch part of "<batch><sep><item>": the text before the last separator. */
static uint64_t batch_of(const char *s)
{
    const char *p, *last = NULL;
    if (!s)
        return 0;
    for (p = s; *p; p++)
        if (*p == '-' || *p == '/' || *p == ':' || *p == '#')
            last = p;
    return last && last > s ? key_of(s, (size_t)(last - s)) : 0;
}

static int set_batch(uint64_t **arr, size_t cap, size_t i, uint64_t batch, fw_error **err)
{
    if (!batch)
        return FW_OK;
    if (!*arr && !(*arr = calloc(cap ? cap : 1, sizeof(**arr))))
        return fw__error_nomem(err);
    (*arr)[i] = batch;
    return FW_OK;
}

#define LINE_BATCH(r, i) ((r)->line_batch ? (r)->line_batch[i] : 0)
#define BOOK_BATCH(r, i) ((r)->book_batch ? (r)->book_batch[i] : 0)

static int64_t cst_day(int64_t ms)
{
    int64_t t = ms + FW__CST_OFFSET_MS;
    return t >= 0 ? t / FW__MS_PER_DAY : -((-t + FW__MS_PER_DAY - 1) / FW__MS_PER_DAY);
}

static int64_t ms_of(const struct fw_recon *r, int32_t sec)
{
    return r->base_ms + (int64_t)sec * 1000;
}

static int64_t tolerance(const struct rule *ru, int64_t amount)
{
    int64_t rel = 0, a = amount < 0 ? -amount : amount;
    if (ru->tol_ppm)
        fw__money_ppm(a, ru->tol_ppm, FW__ROUND_DOWN, &rel);
    return rel > ru->tol_fen ? rel : ru->tol_fen;
}

/* ---- options ---- */

static int parse_rules(struct fw_recon *r, const char *json, size_t len, fw_error **err)
{
    static const char *const fields[] = { "dry_run", "feed_funding", "rules", NULL };
    static const char *const rfields[] = { "kind", "tolerance_fen", "tolerance_ppm",
                                           "date_window_days", "counterparty", "group_by", NULL };
    static const char *const kinds[] = { "reference", "amount_date", "one_to_many", "many_to_one", NULL };
    static const char *const groups[] = { "reference", "day", NULL };
    const cJSON *rules = NULL, *it;
    cJSON *root = NULL;
    int rc, feed = 1, dry = 0;

    r->nrules = 0;
    if (json) {
        if ((rc = fw__json_parse(&root, json, len, err)) != FW_OK)
            return rc;
        rc = fw__json_only(root, "$", fields, err);
        if (rc == FW_OK)
            rc = fw__json_bool(root, "$", "dry_run", FW__OPTIONAL, &dry, err);
        if (rc == FW_OK)
            rc = fw__json_bool(root, "$", "feed_funding", FW__OPTIONAL, &feed, err);
        if (rc == FW_OK)
            rc = fw__json_arr(root, "$", "rules", FW__OPTIONAL, MAX_RULES, &rules, err);
        if (rc == FW_OK && rules && cJSON_GetArraySize(rules) == 0)
            rc = fw__error_set(err, FW_EINVAL, "$.rules", "must hold at least one rule");
        cJSON_ArrayForEach(it, rules) {
            struct rule *ru = &r->rules[r->nrules];
            char path[64];
            int kind = 0, group = 0;
            if (rc != FW_OK)
                break;
            fw__json_path_index(path, sizeof(path), "$.rules", r->nrules);
            memset(ru, 0, sizeof(*ru));
            ru->window_days = 1;
            if (!cJSON_IsObject(it)) {
                rc = fw__error_set(err, FW_EINVAL, path, "must be an object");
                break;
            }
            rc = fw__json_only(it, path, rfields, err);
            if (rc == FW_OK)
                rc = fw__json_enum(it, path, "kind", FW__REQUIRED, kinds, &kind, err);
            if (rc == FW_OK)
                rc = fw__json_i64(it, path, "tolerance_fen", FW__OPTIONAL, 0, FW__JSON_MAX_INT,
                                  &ru->tol_fen, err);
            if (rc == FW_OK)
                rc = fw__json_i64(it, path, "tolerance_ppm", FW__OPTIONAL, 0, FW__PPM, &ru->tol_ppm, err);
            if (rc == FW_OK)
                rc = fw__json_i64(it, path, "date_window_days", FW__OPTIONAL, 0, 31, &ru->window_days, err);
            if (rc == FW_OK)
                rc = fw__json_bool(it, path, "counterparty", FW__OPTIONAL, &ru->counterparty, err);
            if (rc == FW_OK)
                rc = fw__json_enum(it, path, "group_by", FW__OPTIONAL, groups, &group, err);
            if (rc == FW_OK && group && kind < 2)
                rc = fw__error_set(err, FW_EINVAL, path, "group_by applies to one_to_many and many_to_one");
            ru->kind = kind + 1;
            ru->by_day = group == 1;
            r->nrules++;
        }
        cJSON_Delete(root);
        if (rc != FW_OK)
            return rc;
    }
    r->dry_run = dry;
    r->feed_funding = feed;
    if (r->nrules == 0) {
        static const struct rule defaults[] = {
            { FW_RECON_RULE_REFERENCE, 0, 0, 1, 0, 0 },
            { FW_RECON_RULE_AMOUNT_DATE, 0, 0, 1, 0, 0 },
            { FW_RECON_RULE_ONE_TO_MANY, 0, 0, 1, 0, 0 },
            { FW_RECON_RULE_MANY_TO_ONE, 0, 0, 1, 0, 0 },
        };
        memcpy(r->rules, defaults, sizeof(defaults));
        r->nrules = 4;
    }
    return FW_OK;
}

/* ---- loading ---- */

static int load_statement(struct fw_recon *r, fw_error **err)
{
    fw__stmt *s;
    int64_t lines = 0, run = 0;
    int rc = fw__db_query(r->ctx, &s, err,
                          "SELECT s.first_line, s.lines, s.from_ms, s.to_ms, s.currency, s.opening, "
                          "s.closing, s.in_fen, s.out_fen, (SELECT id FROM fw_recon_run WHERE "
                          "statement_id = s.id) FROM fw_recon_statement s WHERE s.id=?",
                          "i", r->statement_id);
    if (rc != FW_OK)
        return rc;
    rc = fw__db_step(s, err);
    if (rc == FW__ROW) {
        r->first_line = fw__db_col_i64(s, 0);
        lines = fw__db_col_i64(s, 1);
        r->from_ms = fw__db_col_i64(s, 2);
        r->to_ms = fw__db_col_i64(s, 3);
        snprintf(r->currency, sizeof(r->currency), "%s", fw__db_col_text(s, 4));
        r->has_opening = !fw__db_col_is_null(s, 5);
        r->opening = fw__db_col_i64(s, 5);
        r->has_closing = !fw__db_col_is_null(s, 6);
        r->closing = fw__db_col_i64(s, 6);
        r->in_fen = fw__db_col_i64(s, 7);
        r->out_fen = fw__db_col_i64(s, 8);
        run = fw__db_col_i64(s, 9);
        rc = FW_OK;
    } else if (rc == FW__DONE) {
        rc = fw__error_set(err, FW_ENOTFOUND, "statement_id", "no statement %lld",
                           (long long)r->statement_id);
    }
    fw__db_done(s);
    if (rc == FW_OK && run && !r->dry_run)
        rc = fw__error_set(err, FW_ESTATE, "statement_id",
                           "statement %lld was reconciled by run %lld; a dry run may still report on it",
                           (long long)r->statement_id, (long long)run);
    if (rc != FW_OK)
        return rc;
    r->base_ms = r->from_ms - 40 * FW__MS_PER_DAY;
    if (lines && !(r->lines = calloc((size_t)lines, sizeof(*r->lines))))
        return fw__error_nomem(err);
    rc = fw__db_query(r->ctx, &s, err,
                      "SELECT booked_ms, amount, reference, bank_txn_id, cp_blind FROM fw_recon_line "
                      "WHERE id >= ? AND id < ? ORDER BY id",
                      "ii", r->first_line, r->first_line + lines);
    while (rc == FW_OK && (rc = fw__db_step(s, err)) == FW__ROW) {
        struct lrec *l = &r->lines[r->nlines++];
        const char *ref = fw__db_col_text(s, 2), *txn = fw__db_col_text(s, 3);
        l->sec = (int32_t)((fw__db_col_i64(s, 0) - r->base_ms) / 1000);
        l->amount = fw__db_col_i64(s, 1);
        l->ref = key_of(ref, ref ? strlen(ref) : 0);
        rc = set_batch(&r->line_batch, (size_t)lines, r->nlines - 1, batch_of(ref ? ref : txn), err);
        if (rc != FW_OK)
            break;
        l->txn = key_of(txn, txn ? strlen(txn) : 0);
        if (fw__db_col_bytes(s, 4) >= 4)
            memcpy(&l->cp, fw__db_col_blob(s, 4), 4);
        l->partner = NONE;
        rc = r->nlines < (size_t)lines ? FW_OK : FW__DONE;
    }
    fw__db_done(s);
    return rc < 0 ? rc : FW_OK;
}

static int add_book(struct fw_recon *r, int64_t entry, int64_t amount, int64_t ms, const char *ref,
                    uint32_t cp, uint8_t flags, fw_error **err)
{
    struct brec *b;
    if (r->nbooks == r->cap_books) {
        size_t cap = r->cap_books ? r->cap_books + r->cap_books / 4 + 16 : 1024;
        struct brec *nb = realloc(r->books, cap * sizeof(*nb));
        if (!nb)
            return fw__error_nomem(err);
        r->books = nb;
        if (r->book_alt) {
            uint64_t *ba = realloc(r->book_alt, 2 * cap * sizeof(*ba));
            if (!ba)
                return fw__error_nomem(err);
            memset(ba + 2 * r->cap_books, 0, 2 * (cap - r->cap_books) * sizeof(*ba));
            r->book_alt = ba;
        }
        if (r->book_batch) {
            uint64_t *bb = realloc(r->book_batch, cap * sizeof(*bb));
            if (!bb)
                return fw__error_nomem(err);
            memset(bb + r->cap_books, 0, (cap - r->cap_books) * sizeof(*bb));
            r->book_batch = bb;
        }
        r->cap_books = cap;
    }
    b = &r->books[r->nbooks++];
    memset(b, 0, sizeof(*b));
    b->entry_id = entry;
    b->amount = amount;
    b->sec = (int32_t)((ms - r->base_ms) / 1000);
    b->ref = key_of(ref, ref ? strlen(ref) : 0);
    b->cp = cp;
    b->partner = NONE;
    b->flags = flags;
    return set_batch(&r->book_batch, r->cap_books, r->nbooks - 1, batch_of(ref), err);
}

/* The bank-clearing balance at the statement's start and end (after funding booked what it fed). */
static int ledger_balances(struct fw_recon *r, fw_error **err)
{
    fw_id bank = 0;
    int rc = fw__ledger_account(r->ctx, FW_LEDGER_OWNER_PLATFORM, 0, FW_ACCT_BANK_CLEARING, r->currency,
                                0, &bank, NULL);
    if (rc == FW_ENOTFOUND)
        return FW_OK;
    if (rc == FW_OK)
        rc = fw_ledger_balance_at(r->ctx, bank, r->from_ms - 1, &r->ledger_opening, err);
    if (rc == FW_OK)
        rc = fw_ledger_balance_at(r->ctx, bank, r->to_ms - 1, &r->ledger_end, err);
    return rc;
}

/* Gives the newest record the other names it goes by. */
static int set_alt(struct fw_recon *r, const char *request_no, const char *channel_ref, fw_error **err)
{
    size_t i = r->nbooks - 1;
    if (!request_no && !channel_ref)
        return FW_OK;
    if (!r->book_alt && !(r->book_alt = calloc(2 * (r->cap_books ? r->cap_books : 1), sizeof(*r->book_alt))))
        return fw__error_nomem(err);
    r->book_alt[2 * i] = key_of(request_no, request_no ? strlen(request_no) : 0);
    r->book_alt[2 * i + 1] = key_of(channel_ref, channel_ref ? strlen(channel_ref) : 0);
    return FW_OK;
}

static int load_books(struct fw_recon *r, fw_error **err)
{
    int64_t widen = 0, lo, hi, count = 0;
    fw_id bank = 0;
    fw__stmt *s;
    size_t i;
    int rc;

    for (i = 0; i < r->nrules; i++)
        if (r->rules[i].window_days > widen)
            widen = r->rules[i].window_days;
    lo = r->from_ms - widen * FW__MS_PER_DAY;
    hi = r->to_ms + widen * FW__MS_PER_DAY;
    rc = fw__ledger_account(r->ctx, FW_LEDGER_OWNER_PLATFORM, 0, FW_ACCT_BANK_CLEARING, r->currency,
                            0, &bank, err);
    if (rc == FW_ENOTFOUND) {
        if (err && *err) {
            fw_error_free(*err);
            *err = NULL;
        }
        return FW_OK;
    }
    if (rc != FW_OK)
        return rc;
    r->has_account = 1;
    /* Sized once: growing by doubling would hold two copies at the peak. */
    rc = fw__db_i64(r->ctx, &count, err,
                    "SELECT count(*) FROM fw_ledger_entry e JOIN fw_ledger_posting p ON p.entry_id = e.id "
                    "WHERE e.effective_ms >= ? AND e.effective_ms < ? AND p.account_id = ? AND p.pending = 0",
                    "iii", lo, hi, bank);
    if (rc != FW_OK)
        return rc;
    if (count > 0 && !(r->books = malloc(((size_t)count + 64) * sizeof(*r->books))))
        return fw__error_nomem(err);
    r->cap_books = count > 0 ? (size_t)count + 64 : 0;
    /*
     * The payer's blind index, for incoming transfers funding recorded. Records an earlier run
     * matched come along only to recognise duplicates; records with an open case are carried.
     * No ORDER BY: the effective-time index gives a stable order without a sorter holding a
     * million rows.
     */
    rc = fw__db_query(r->ctx, &s, err,
                      "SELECT e.id, p.amount, e.effective_ms, coalesce(e.ref_id, o.ref_id), "
                      "(SELECT payer_blind FROM fw_funding_incoming f WHERE "
                      "coalesce(e.ref_kind, o.ref_kind) = 'bank_txn' AND f.bank_txn_id = coalesce(e.ref_id, o.ref_id)), "
                      "EXISTS (SELECT 1 FROM fw_recon_result x WHERE x.entry_id = e.id AND "
                      "x.outcome IN (1, 4, 6)), "
                      "EXISTS (SELECT 1 FROM fw_recon_case c WHERE c.entry_id = e.id AND c.kind = 3 "
                      "AND c.state IN (1, 2)), "
                      "po.id, po.channel_ref "
                      "FROM fw_ledger_entry e JOIN fw_ledger_posting p ON p.entry_id = e.id "
                      "LEFT JOIN fw_ledger_entry o ON e.kind = 6 AND o.id = e.related_id "
                      "LEFT JOIN fw_payout_order po ON coalesce(e.ref_kind, o.ref_kind) = 'payout' AND "
                      "po.id = CAST(coalesce(e.ref_id, o.ref_id) AS INTEGER) "
                      "WHERE e.effective_ms >= ? AND e.effective_ms < ? AND p.account_id = ? "
                      "AND p.pending = 0",
                      "iii", lo, hi, bank);
    while (rc == FW_OK && (rc = fw__db_step(s, err)) == FW__ROW) {
        int64_t ms = fw__db_col_i64(s, 2);
        uint32_t cp = 0;
        uint8_t flags = ms >= r->from_ms && ms < r->to_ms ? BOOK_IN_WINDOW : 0;
        if (fw__db_col_bytes(s, 4) >= 4)
            memcpy(&cp, fw__db_col_blob(s, 4), 4);
        if (fw__db_col_i64(s, 6))
            flags |= BOOK_CARRIED;
        rc = add_book(r, fw__db_col_i64(s, 0), fw__db_col_i64(s, 1), ms, fw__db_col_text(s, 3), cp,
                      flags, err);
        if (rc == FW_OK && !fw__db_col_is_null(s, 7)) {
            /* what the payment channel was sent (payout.h) and what it answered */
            char request_no[32];
            snprintf(request_no, sizeof(request_no), "FWP%lld", (long long)fw__db_col_i64(s, 7));
            rc = set_alt(r, request_no, fw__db_col_text(s, 8), err);
        }
        if (rc == FW_OK && fw__db_col_i64(s, 5)) {
            r->books[r->nbooks - 1].outcome = DONE;
            r->ndone++;
        }
    }
    fw__db_done(s);
    if (rc < 0)
        return rc;
    /* Earlier differences still open come along: a late statement line may explain them. */
    rc = fw__db_query(r->ctx, &s, err,
                      "SELECT e.id, p.amount, e.effective_ms, e.ref_id FROM fw_recon_case c "
                      "JOIN fw_ledger_entry e ON e.id = c.entry_id "
                      "JOIN fw_ledger_posting p ON p.entry_id = e.id AND p.account_id = ? "
                      "WHERE c.kind = 3 AND c.state IN (1, 2) AND (e.effective_ms < ? OR "
                      "e.effective_ms >= ?) ORDER BY e.id",
                      "iii", bank, lo, hi);
    while (rc == FW_OK && (rc = fw__db_step(s, err)) == FW__ROW)
        rc = add_book(r, fw__db_col_i64(s, 0), fw__db_col_i64(s, 1),
                      r->base_ms > fw__db_col_i64(s, 2) ? r->base_ms : fw__db_col_i64(s, 2),
                      fw__db_col_text(s, 3), 0, BOOK_CARRIED, err);
    fw__db_done(s);
    return rc < 0 ? rc : FW_OK;
}

/* ---- pairing ---- */

static int cmp_book_ref(const void *a, const void *b, void *arg)
{
    const struct fw_recon *sort_ctx = arg;
    const struct brec *x = &sort_ctx->books[*(const uint32_t *)a], *y = &sort_ctx->books[*(const uint32_t *)b];
    if (x->ref != y->ref)
        return x->ref < y->ref ? -1 : 1;
    return *(const uint32_t *)a < *(const uint32_t *)b ? -1 : 1;
}

static int cmp_book_batch(const void *a, const void *b, void *arg)
{
    const struct fw_recon *sort_ctx = arg;
    uint32_t i = *(const uint32_t *)a, j = *(const uint32_t *)b;
    uint64_t bx = BOOK_BATCH(sort_ctx, i), by = BOOK_BATCH(sort_ctx, j);
    if (bx != by)
        return bx < by ? -1 : 1;
    return i < j ? -1 : 1;
}

static int cmp_book_amount(const void *a, const void *b, void *arg)
{
    const struct fw_recon *sort_ctx = arg;
    const struct brec *x = &sort_ctx->books[*(const uint32_t *)a], *y = &sort_ctx->books[*(const uint32_t *)b];
    if (x->amount != y->amount)
        return x->amount < y->amount ? -1 : 1;
    if (x->sec != y->sec)
        return x->sec < y->sec ? -1 : 1;
    return *(const uint32_t *)a < *(const uint32_t *)b ? -1 : 1;
}

static int cmp_book_partner(const void *a, const void *b, void *arg)
{
    const struct fw_recon *sort_ctx = arg;
    const struct brec *x = &sort_ctx->books[*(const uint32_t *)a], *y = &sort_ctx->books[*(const uint32_t *)b];
    if (x->partner != y->partner)
        return x->partner < y->partner ? -1 : 1;
    return *(const uint32_t *)a < *(const uint32_t *)b ? -1 : 1;
}

static int cmp_line_batch(const void *a, const void *b, void *arg)
{
    const struct fw_recon *sort_ctx = arg;
    uint32_t i = *(const uint32_t *)a, j = *(const uint32_t *)b;
    uint64_t bx = LINE_BATCH(sort_ctx, i), by = LINE_BATCH(sort_ctx, j);
    if (bx != by)
        return bx < by ? -1 : 1;
    return i < j ? -1 : 1;
}

static int cmp_line_key(const void *a, const void *b, void *arg)
{
    const struct fw_recon *sort_ctx = arg;
    const struct lrec *x = &sort_ctx->lines[*(const uint32_t *)a], *y = &sort_ctx->lines[*(const uint32_t *)b];
    uint64_t kx = x->txn ? x->txn : x->ref, ky = y->txn ? y->txn : y->ref;
    if (kx != ky)
        return kx < ky ? -1 : 1;
    if (x->amount != y->amount)
        return x->amount < y->amount ? -1 : 1;
    return *(const uint32_t *)a < *(const uint32_t *)b ? -1 : 1;
}

/* Indices of the books (or lines) selected, sorted with cmp. */
static uint32_t *index_books(struct fw_recon *r, int (*cmp)(const void *, const void *, void *), size_t *n,
                             int unmatched_only)
{
    uint32_t *idx = malloc((r->nbooks ? r->nbooks : 1) * sizeof(*idx));
    size_t i, k = 0;
    if (!idx)
        return NULL;
    for (i = 0; i < r->nbooks; i++)
        if (!unmatched_only || !r->books[i].outcome)
            idx[k++] = (uint32_t)i;
    qsort_r(idx, k, sizeof(*idx), cmp, r);
    *n = k;
    return idx;
}

static uint32_t *index_lines(struct fw_recon *r, int (*cmp)(const void *, const void *, void *), size_t *n)
{
    uint32_t *idx = malloc((r->nlines ? r->nlines : 1) * sizeof(*idx));
    size_t i, k = 0;
    if (!idx)
        return NULL;
    for (i = 0; i < r->nlines; i++)
        if (!r->lines[i].outcome)
            idx[k++] = (uint32_t)i;
    qsort_r(idx, k, sizeof(*idx), cmp, r);
    *n = k;
    return idx;
}

static void pair(struct fw_recon *r, uint32_t li, uint32_t bi, int rule, int64_t tol)
{
    struct lrec *l = &r->lines[li];
    struct brec *b = &r->books[bi];
    int64_t diff = l->amount - b->amount;
    uint8_t outcome = (diff > tol || -diff > tol) ? FW_RECON_AMOUNT_DIFFERS
                      : cst_day(ms_of(r, l->sec)) != cst_day(ms_of(r, b->sec)) ? FW_RECON_LATE
                                                                               : FW_RECON_MATCHED;
    l->partner = bi;
    b->partner = li;
    l->outcome = b->outcome = outcome;
    l->rule = b->rule = (uint8_t)rule;
}

static size_t lower_ref(struct fw_recon *r, const uint32_t *idx, size_t n, uint64_t key, int batch)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        uint64_t v = batch ? BOOK_BATCH(r, idx[mid]) : r->books[idx[mid]].ref;
        if (v < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

struct keyed {
    uint64_t key;
    uint32_t i;
};

static int cmp_keyed(const void *a, const void *b)
{
    const struct keyed *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return x->i < y->i ? -1 : (x->i > y->i);
}

/* The other names unmatched records go by (payout orders' request numbers and channel
 * references), sorted; none when no record has one. */
static struct keyed *index_alt(struct fw_recon *r, size_t *n)
{
    size_t i, k = 0;
    struct keyed *kv = malloc((r->book_alt ? 2 * r->nbooks : 0) * sizeof(*kv) + sizeof(*kv));
    if (!kv)
        return NULL;
    for (i = 0; r->book_alt && i < r->nbooks; i++) {
        if (r->books[i].outcome)
            continue;
        if (r->book_alt[2 * i])
            kv[k++] = (struct keyed){ r->book_alt[2 * i], (uint32_t)i };
        if (r->book_alt[2 * i + 1])
            kv[k++] = (struct keyed){ r->book_alt[2 * i + 1], (uint32_t)i };
    }
    qsort(kv, k, sizeof(*kv), cmp_keyed);
    *n = k;
    return kv;
}

/* Keeps bi as the best candidate when it is unmatched, of the line's direction and nearer in amount. */
static void nearer(const struct fw_recon *r, const struct lrec *l, uint32_t bi, uint32_t *best,
                   int64_t *best_d)
{
    const struct brec *b = &r->books[bi];
    int64_t d = l->amount - b->amount;
    if (b->outcome || (b->amount < 0) != (l->amount < 0))
        return;
    d = d < 0 ? -d : d;
    if (d < *best_d) {
        *best_d = d;
        *best = bi;
    }
}

/* The unmatched record of the line's direction with the nearest amount among those named key. */
static uint32_t best_named(struct fw_recon *r, const struct lrec *l, uint64_t key, const uint32_t *idx,
                           size_t n, const struct keyed *kv, size_t nkv)
{
    uint32_t best = NONE;
    int64_t best_d = INT64_MAX;
    size_t k, lo = 0, hi = nkv;

    for (k = lower_ref(r, idx, n, key, 0); k < n && r->books[idx[k]].ref == key; k++)
        nearer(r, l, idx[k], &best, &best_d);
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (kv[mid].key < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (k = lo; k < nkv && kv[k].key == key; k++)
        nearer(r, l, kv[k].i, &best, &best_d);
    return best;
}

static int rule_reference(struct fw_recon *r, const struct rule *ru, fw_error **err)
{
    size_t n = 0, nkv = 0, i;
    uint32_t *idx = index_books(r, cmp_book_ref, &n, 1);
    struct keyed *kv = idx ? index_alt(r, &nkv) : NULL;

    if (!idx || !kv) {
        free(idx);
        return fw__error_nomem(err);
    }
    for (i = 0; i < r->nlines; i++) {
        struct lrec *l = &r->lines[i];
        uint64_t keys[2] = { l->ref, l->txn };
        int t;
        for (t = 0; t < 2 && !l->outcome; t++) {
            uint32_t best;
            if (!keys[t])
                continue;
            best = best_named(r, l, keys[t], idx, n, kv, nkv);
            if (best != NONE)
                pair(r, (uint32_t)i, best, FW_RECON_RULE_REFERENCE, tolerance(ru, l->amount));
        }
    }
    free(kv);
    free(idx);
    return FW_OK;
}

static int rule_amount_date(struct fw_recon *r, const struct rule *ru, fw_error **err)
{
    size_t n, i;
    uint32_t *idx = index_books(r, cmp_book_amount, &n, 1);
    int64_t window = ru->window_days;

    if (!idx)
        return fw__error_nomem(err);
    for (i = 0; i < r->nlines; i++) {
        struct lrec *l = &r->lines[i];
        int64_t tol, lo_amt, day = cst_day(ms_of(r, l->sec));
        size_t lo = 0, hi = n, k, scanned = 0;
        uint32_t best = NONE;
        int64_t best_amt = INT64_MAX, best_dt = INT64_MAX;
        if (l->outcome || (ru->counterparty && !l->cp))
            continue;
        tol = tolerance(ru, l->amount);
        lo_amt = l->amount - tol;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (r->books[idx[mid]].amount < lo_amt)
                lo = mid + 1;
            else
                hi = mid;
        }
        /* The nearest amount wins, then the nearest time. */
        for (k = lo; k < n && r->books[idx[k]].amount <= l->amount + tol && scanned < SCAN_CAP; k++, scanned++) {
            const struct brec *b = &r->books[idx[k]];
            int64_t dd = cst_day(ms_of(r, b->sec)) - day, da, dt;
            if (b->outcome || dd > window || -dd > window)
                continue;
            if (ru->counterparty && b->cp != l->cp)
                continue;
            da = b->amount > l->amount ? b->amount - l->amount : l->amount - b->amount;
            dt = b->sec > l->sec ? (int64_t)b->sec - l->sec : (int64_t)l->sec - b->sec;
            if (da < best_amt || (da == best_amt && dt < best_dt)) {
                best_amt = da;
                best_dt = dt;
                best = idx[k];
            }
        }
        if (best != NONE)
            pair(r, (uint32_t)i, best, FW_RECON_RULE_AMOUNT_DATE, tol);
    }
    free(idx);
    return FW_OK;
}

/* The outcome of a group: its sum against the single side's amount, and the days. */
static uint8_t group_outcome(int64_t single, int64_t sum, int64_t tol, int late)
{
    int64_t d = single - sum;
    if (d > tol || -d > tol)
        return FW_RECON_AMOUNT_DIFFERS;
    return late ? FW_RECON_LATE : FW_RECON_MATCHED;
}

/*
 * Grouping by day: the unmatched items of one side on one CST day and in one direction form a
 * group; a single item of the other side equal to a group's sum (within tolerance) pairs with all
 * of it. members_are_books: books group against single lines (one_to_many), else lines against
 * single books (many_to_one).
 */
struct day_key {
    int64_t day;
    int neg;
    uint32_t i;
};

static int cmp_day_key(const void *a, const void *b)
{
    const struct day_key *x = a, *y = b;
    if (x->day != y->day)
        return x->day < y->day ? -1 : 1;
    if (x->neg != y->neg)
        return x->neg < y->neg ? -1 : 1;
    return x->i < y->i ? -1 : 1;
}

static int rule_by_day(struct fw_recon *r, const struct rule *ru, int members_are_books, fw_error **err)
{
    size_t nm = members_are_books ? r->nbooks : r->nlines, ns = members_are_books ? r->nlines : r->nbooks;
    struct day_key *keys = malloc((nm ? nm : 1) * sizeof(*keys));
    unsigned char *used;
    size_t n = 0, i, k;

    if (!keys)
        return fw__error_nomem(err);
    for (i = 0; i < nm; i++) {
        uint8_t out = members_are_books ? r->books[i].outcome : r->lines[i].outcome;
        int32_t sec = members_are_books ? r->books[i].sec : r->lines[i].sec;
        int64_t amount = members_are_books ? r->books[i].amount : r->lines[i].amount;
        if (out)
            continue;
        keys[n].day = cst_day(ms_of(r, sec));
        keys[n].neg = amount < 0;
        keys[n].i = (uint32_t)i;
        n++;
    }
    qsort(keys, n, sizeof(*keys), cmp_day_key);
    if (!(used = calloc(n ? n : 1, 1))) {
        free(keys);
        return fw__error_nomem(err);
    }
    for (i = 0; i < ns; i++) {
        uint8_t *out = members_are_books ? &r->lines[i].outcome : &r->books[i].outcome;
        uint8_t *rule = members_are_books ? &r->lines[i].rule : &r->books[i].rule;
        uint32_t *partner = members_are_books ? &r->lines[i].partner : &r->books[i].partner;
        int32_t sec = members_are_books ? r->lines[i].sec : r->books[i].sec;
        int64_t amount = members_are_books ? r->lines[i].amount : r->books[i].amount, sum = 0;
        struct day_key want = { cst_day(ms_of(r, sec)), amount < 0, 0 };
        size_t lo = 0, hi = n, end;
        if (*out)
            continue;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (cmp_day_key(&keys[mid], &want) < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        for (end = lo; end < n && keys[end].day == want.day && keys[end].neg == want.neg; end++)
            sum += members_are_books ? r->books[keys[end].i].amount : r->lines[keys[end].i].amount;
        if (end - lo < 2 || used[lo] || group_outcome(amount, sum, tolerance(ru, amount), 0) != FW_RECON_MATCHED)
            continue;
        used[lo] = 1;
        for (k = lo; k < end; k++) {
            if (members_are_books) {
                r->books[keys[k].i].outcome = FW_RECON_MATCHED;
                r->books[keys[k].i].rule = FW_RECON_RULE_ONE_TO_MANY;
                r->books[keys[k].i].partner = (uint32_t)i;
            } else {
                r->lines[keys[k].i].outcome = FW_RECON_MATCHED;
                r->lines[keys[k].i].rule = FW_RECON_RULE_MANY_TO_ONE;
                r->lines[keys[k].i].partner = (uint32_t)i;
            }
        }
        *out = FW_RECON_MATCHED;
        *rule = members_are_books ? FW_RECON_RULE_ONE_TO_MANY : FW_RECON_RULE_MANY_TO_ONE;
        *partner = NONE;
    }
    free(used);
    free(keys);
    return FW_OK;
}

/* One line against several records: by batch reference, or all of a day in one direction. */
static int rule_one_to_many(struct fw_recon *r, const struct rule *ru, fw_error **err)
{
    size_t n, i, k, start;
    uint32_t *idx;

    if (ru->by_day)
        return rule_by_day(r, ru, 1, err);
    if (!(idx = index_books(r, cmp_book_batch, &n, 1)))
        return fw__error_nomem(err);
    for (i = 0; i < r->nlines; i++) {
        struct lrec *l = &r->lines[i];
        int64_t sum = 0, day = cst_day(ms_of(r, l->sec));
        uint64_t key = l->ref ? l->ref : l->txn;
        size_t members = 0;
        int late = 0;
        uint8_t out;
        if (l->outcome || !key)
            continue;
        start = lower_ref(r, idx, n, key, 1);
        for (k = start; k < n && BOOK_BATCH(r, idx[k]) == key; k++) {
            const struct brec *b = &r->books[idx[k]];
            if (b->outcome || (b->amount < 0) != (l->amount < 0))
                continue;
            if (fw__money_add(sum, b->amount, &sum) != FW_OK)
                break;
            members++;
            late |= cst_day(ms_of(r, b->sec)) != day;
        }
        if (members < 2)
            continue;
        out = group_outcome(l->amount, sum, tolerance(ru, l->amount), late);
        for (k = start; k < n && BOOK_BATCH(r, idx[k]) == key; k++) {
            struct brec *b = &r->books[idx[k]];
            if (b->outcome || (b->amount < 0) != (l->amount < 0))
                continue;
            b->outcome = out;
            b->rule = FW_RECON_RULE_ONE_TO_MANY;
            b->partner = (uint32_t)i;
        }
        l->outcome = out;
        l->rule = FW_RECON_RULE_ONE_TO_MANY;
        l->partner = NONE;
    }
    free(idx);
    return FW_OK;
}

/* Several lines against one record. */
static int rule_many_to_one(struct fw_recon *r, const struct rule *ru, fw_error **err)
{
    size_t n, i, k, start;
    uint32_t *idx;

    if (ru->by_day)
        return rule_by_day(r, ru, 0, err);
    if (!(idx = index_lines(r, cmp_line_batch, &n)))
        return fw__error_nomem(err);
    for (i = 0; i < r->nbooks; i++) {
        struct brec *b = &r->books[i];
        int64_t sum = 0, day = cst_day(ms_of(r, b->sec));
        size_t members = 0;
        int late = 0;
        uint8_t out;
        if (b->outcome)
            continue;
        size_t lo = 0, hi = n;
        if (!b->ref)
            continue;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (LINE_BATCH(r, idx[mid]) < b->ref)
                lo = mid + 1;
            else
                hi = mid;
        }
        start = lo;
        for (k = start; k < n && LINE_BATCH(r, idx[k]) == b->ref; k++) {
            const struct lrec *l = &r->lines[idx[k]];
            if (l->outcome || (b->amount < 0) != (l->amount < 0))
                continue;
            if (fw__money_add(sum, l->amount, &sum) != FW_OK)
                break;
            members++;
            late |= cst_day(ms_of(r, l->sec)) != day;
        }
        if (members < 2)
            continue;
        out = group_outcome(b->amount, sum, tolerance(ru, b->amount), late);
        for (k = start; k < n && LINE_BATCH(r, idx[k]) == b->ref; k++) {
            struct lrec *l = &r->lines[idx[k]];
            if (l->outcome || (b->amount < 0) != (l->amount < 0))
                continue;
            l->outcome = out;
            l->rule = FW_RECON_RULE_MANY_TO_ONE;
            l->partner = (uint32_t)i;
        }
        b->outcome = out;
        b->rule = FW_RECON_RULE_MANY_TO_ONE;
        b->partner = NONE;
    }
    free(idx);
    return FW_OK;
}

/* A line repeating an earlier line of the statement (same bank transaction, or the same
 * reference and amount) is a duplicate. */
static int mark_duplicates(struct fw_recon *r, fw_error **err)
{
    size_t n, k;
    uint32_t *idx = index_lines(r, cmp_line_key, &n);

    if (!idx)
        return fw__error_nomem(err);
    for (k = 1; k < n; k++) {
        struct lrec *a = &r->lines[idx[k - 1]], *b = &r->lines[idx[k]];
        uint64_t ka = a->txn ? a->txn : a->ref, kb = b->txn ? b->txn : b->ref;
        if (kb && ka == kb && a->amount == b->amount && a->sec == b->sec) {
            b->outcome = FW_RECON_DUPLICATE;
            b->partner = NONE;
        }
    }
    free(idx);
    return FW_OK;
}

/* A line whose reference names a ledger record an earlier run already matched is a duplicate. */
static int mark_rematched(struct fw_recon *r, fw_error **err)
{
    size_t n = 0, i, k;
    uint32_t *idx;

    if (!r->ndone)
        return FW_OK;
    if (!(idx = malloc(r->ndone * sizeof(*idx))))
        return fw__error_nomem(err);
    for (i = 0; i < r->nbooks; i++)
        if (r->books[i].outcome == DONE)
            idx[n++] = (uint32_t)i;
    qsort_r(idx, n, sizeof(*idx), cmp_book_ref, r);
    for (i = 0; i < r->nlines; i++) {
        struct lrec *l = &r->lines[i];
        uint64_t keys[2] = { l->ref, l->txn };
        int t;
        for (t = 0; t < 2 && !l->outcome; t++) {
            if (!keys[t])
                continue;
            k = lower_ref(r, idx, n, keys[t], 0);
            if (k < n && r->books[idx[k]].ref == keys[t])
                l->outcome = FW_RECON_DUPLICATE;
        }
    }
    free(idx);
    return FW_OK;
}

/* Incoming money nothing in the ledger explains is an enterprise's funding: funding's
 * recognition books it (to the enterprise, or to suspense), and the line matches that entry. */
static int feed_funding(struct fw_recon *r, fw_error **err)
{
    fw__stmt *s;
    size_t i;
    int rc = FW_OK;

    for (i = 0; i < r->nlines && rc == FW_OK; i++) {
        struct lrec *l = &r->lines[i];
        char subject[48], txn[160];
        cJSON *req = NULL, *cp = NULL, *out = NULL;
        char *text = NULL, *clear = NULL, *got = NULL;
        int64_t booked = 0;
        fw_id incoming = 0;
        if (l->outcome || l->amount <= 0)
            continue;
        rc = fw__db_query(r->ctx, &s, err,
                          "SELECT seq, booked_ms, reference, bank_txn_id, remark, cp_sealed FROM "
                          "fw_recon_line WHERE id=?", "i", r->first_line + (int64_t)i);
        if (rc == FW_OK && (rc = fw__db_step(s, err)) == FW__ROW) {
            int64_t seq = fw__db_col_i64(s, 0);
            rc = FW_OK;
            booked = fw__db_col_i64(s, 1);
            if (!(req = cJSON_CreateObject()))
                rc = fw__error_nomem(err);
            if (rc == FW_OK) {
                if (!fw__db_col_is_null(s, 3))
                    snprintf(txn, sizeof(txn), "%s", fw__db_col_text(s, 3));
                else if (!fw__db_col_is_null(s, 2))
                    snprintf(txn, sizeof(txn), "%s", fw__db_col_text(s, 2));
                else
                    snprintf(txn, sizeof(txn), "recon:%lld:%lld", (long long)r->statement_id,
                             (long long)seq);
                cJSON_AddStringToObject(req, "bank_txn_id", txn);
                fw__json_add_i64(req, "amount_fen", l->amount);
                cJSON_AddStringToObject(req, "currency", r->currency);
                if (!fw__db_col_is_null(s, 4))
                    cJSON_AddStringToObject(req, "remark", fw__db_col_text(s, 4));
                fw__json_add_i64(req, "received_ms", booked < fw_ctx_now(r->ctx) ? booked
                                                                                  : fw_ctx_now(r->ctx));
                snprintf(subject, sizeof(subject), "recon_statement:%lld", (long long)r->statement_id);
                if (!fw__db_col_is_null(s, 5))
                    rc = fw__vault_open(r->ctx, subject, "fw_recon_line", "cp_sealed", seq,
                                        fw__db_col_blob(s, 5), fw__db_col_bytes(s, 5), &clear, err);
            }
        }
        fw__db_done(s);
        if (rc == FW_OK && clear && fw__json_parse(&cp, clear, (size_t)-1, NULL) == FW_OK) {
            cJSON *a = cJSON_GetObjectItemCaseSensitive(cp, "account");
            cJSON *nm = cJSON_GetObjectItemCaseSensitive(cp, "name");
            if (cJSON_IsString(a))
                cJSON_AddStringToObject(req, "payer_account", a->valuestring);
            if (cJSON_IsString(nm))
                cJSON_AddStringToObject(req, "payer_name", nm->valuestring);
        }
        if (rc == FW_OK && !(text = cJSON_PrintUnformatted(req)))
            rc = fw__error_nomem(err);
        if (rc == FW_OK)
            rc = fw_funding_notice(r->ctx, &incoming, text, strlen(text), err);
        if (rc == FW_OK)
            rc = fw_funding_incoming_get(r->ctx, incoming, &got, NULL, err);
        if (rc == FW_OK && fw__json_parse(&out, got, (size_t)-1, err) == FW_OK) {
            int64_t entry = 0;
            rc = fw__json_i64(out, "$", "entry_id", FW__REQUIRED, 1, INT64_MAX, &entry, err);
            if (rc == FW_OK)
                rc = add_book(r, entry, l->amount, booked, txn, 0, BOOK_IN_WINDOW, err);
            if (rc == FW_OK) {
                pair(r, (uint32_t)i, (uint32_t)(r->nbooks - 1), FW_RECON_RULE_FUNDING, 0);
                r->funding_fed++;
            }
        }
        if (clear) {
            sodium_memzero(clear, strlen(clear));
            fw_free(clear);
        }
        if (text) {
            sodium_memzero(text, strlen(text));
            cJSON_free(text);
        }
        fw_free(got);
        cJSON_Delete(out);
        cJSON_Delete(cp);
        cJSON_Delete(req);
    }
    return rc;
}

static void tally(struct fw_recon *r)
{
    size_t i;
    memset(r->counts, 0, sizeof(r->counts));
    memset(r->sums, 0, sizeof(r->sums));
    r->explained = 0;
    for (i = 0; i < r->nlines; i++) {
        struct lrec *l = &r->lines[i];
        if (!l->outcome)
            l->outcome = FW_RECON_MISSING_IN_LEDGER;
        r->counts[l->outcome]++;
        r->sums[l->outcome] += l->amount;
        if (l->outcome == FW_RECON_MISSING_IN_LEDGER || l->outcome == FW_RECON_DUPLICATE)
            r->explained += l->amount;
        else if (l->partner != NONE && !(r->books[l->partner].flags & BOOK_IN_WINDOW))
            r->explained += l->amount;        /* its record lies outside the statement's days */
        else if (l->partner != NONE)
            r->explained += l->amount - r->books[l->partner].amount;
        else if (l->rule == FW_RECON_RULE_ONE_TO_MANY)
            r->explained += l->amount;        /* members subtract themselves below */
    }
    for (i = 0; i < r->nbooks; i++) {
        struct brec *b = &r->books[i];
        if (!b->outcome && (b->flags & (BOOK_IN_WINDOW | BOOK_CARRIED)))
            b->outcome = FW_RECON_MISSING_IN_STATEMENT;
        if (b->outcome == FW_RECON_MISSING_IN_STATEMENT) {
            r->counts[b->outcome]++;
            r->sums[b->outcome] += b->amount;
            if (b->flags & BOOK_IN_WINDOW)
                r->explained -= b->amount;
        } else if (b->rule == FW_RECON_RULE_ONE_TO_MANY && (b->flags & BOOK_IN_WINDOW)) {
            r->explained -= b->amount;
        } else if (b->rule == FW_RECON_RULE_MANY_TO_ONE && (b->flags & BOOK_IN_WINDOW)) {
            r->explained -= b->amount;
        }
    }
    for (i = 0; i < r->nlines; i++)
        if (r->lines[i].rule == FW_RECON_RULE_MANY_TO_ONE)
            r->explained += r->lines[i].amount;
}

static cJSON *summary_json(const struct fw_recon *r)
{
    cJSON *o = cJSON_CreateObject(), *oc, *bal;
    int64_t movements = r->in_fen - r->out_fen;
    int k;

    if (!o)
        return NULL;
    if (r->run_id)
        fw__json_add_i64(o, "run_id", r->run_id);
    else
        cJSON_AddNullToObject(o, "run_id");
    fw__json_add_i64(o, "statement_id", r->statement_id);
    cJSON_AddBoolToObject(o, "dry_run", r->dry_run);
    fw__json_add_i64(o, "lines", (int64_t)r->nlines);
    fw__json_add_i64(o, "records", (int64_t)(r->nbooks - r->ndone));
    oc = cJSON_AddObjectToObject(o, "outcomes");
    for (k = 1; k <= FW_RECON_OUTCOME_COUNT; k++) {
        cJSON *it = cJSON_AddObjectToObject(oc, fw__recon_outcome_names[k]);
        fw__json_add_i64(it, "count", r->counts[k]);
        fw__json_add_i64(it, "sum_fen", r->sums[k]);
    }
    fw__json_add_i64(o, "funding_fed", r->funding_fed);
    bal = cJSON_AddObjectToObject(o, "balance");
    if (r->has_opening)
        fw__json_add_i64(bal, "opening_fen", r->opening);
    else
        cJSON_AddNullToObject(bal, "opening_fen");
    fw__json_add_i64(bal, "movements_fen", movements);
    if (r->has_closing)
        fw__json_add_i64(bal, "closing_fen", r->closing);
    else
        cJSON_AddNullToObject(bal, "closing_fen");
    if (r->has_opening && r->has_closing)
        cJSON_AddBoolToObject(bal, "statement_consistent", r->opening + movements == r->closing);
    else
        cJSON_AddNullToObject(bal, "statement_consistent");
    fw__json_add_i64(bal, "ledger_opening_fen", r->ledger_opening);
    fw__json_add_i64(bal, "ledger_fen", r->ledger_end);
    if (r->has_closing && r->has_opening) {
        int64_t diff = r->closing - r->ledger_end, open_diff = r->opening - r->ledger_opening;
        fw__json_add_i64(bal, "difference_fen", diff);
        fw__json_add_i64(bal, "opening_difference_fen", open_diff);
        fw__json_add_i64(bal, "explained_fen", r->explained);
        fw__json_add_i64(bal, "unexplained_fen", diff - open_diff - r->explained);
    }
    fw__json_add_i64(o, "cases_opened", r->cases_opened);
    fw__json_add_i64(o, "cases_resolved_timing", r->timing_resolved);
    return o;
}

/* ---- recording ---- */

static int64_t group_no(const struct fw_recon *r, const struct lrec *l, size_t li)
{
    if (l->rule == FW_RECON_RULE_ONE_TO_MANY)
        return (int64_t)li + 1;
    if (l->rule == FW_RECON_RULE_MANY_TO_ONE)
        return (int64_t)r->nlines + l->partner + 1;
    return 0;
}

static int write_result(fw_ctx *ctx, fw_id run, int64_t line, int64_t entry, int outcome, int rule,
                        int64_t group, int64_t diff, fw_error **err)
{
    return fw__db_exec(ctx, err,
                       "INSERT INTO fw_recon_result(run_id, line_id, entry_id, outcome, rule, group_no, "
                       "difference) VALUES (?, NULLIF(?, 0), NULLIF(?, 0), ?, NULLIF(?, 0), NULLIF(?, 0), ?)",
                       "iiiiiii", run, line, entry, (int64_t)outcome, (int64_t)rule, group, diff);
}

static int record(struct fw_recon *r, const char *options, fw_error **err)
{
    fw_ctx *ctx = r->ctx;
    size_t i;
    int rc;
    cJSON *sum;
    char *text;

    rc = fw__db_exec(ctx, err,
                     "INSERT INTO fw_recon_run(statement_id, options, summary, created_ms, actor) "
                     "VALUES (?,?,'{}',?,?)",
                     "itit", r->statement_id, options ? options : "{}", fw_ctx_now(ctx), ctx->actor_name);
    if (rc != FW_OK)
        return rc;
    r->run_id = fw__db_last_id(ctx);
    for (i = 0; i < r->nlines && rc == FW_OK; i++) {
        const struct lrec *l = &r->lines[i];
        const struct brec *b = l->partner != NONE ? &r->books[l->partner] : NULL;
        int64_t line_id = r->first_line + (int64_t)i, diff = b ? l->amount - b->amount : 0;
        char summary[200];
        if (l->rule == FW_RECON_RULE_ONE_TO_MANY)
            continue;                             /* written with its members below */
        if (l->rule == FW_RECON_RULE_MANY_TO_ONE)
            diff = 0;
        rc = write_result(ctx, r->run_id, line_id, b ? b->entry_id : 0, l->outcome, l->rule,
                          group_no(r, l, i), diff, err);
        if (rc != FW_OK)
            break;
        if (l->outcome == FW_RECON_MISSING_IN_LEDGER || l->outcome == FW_RECON_DUPLICATE ||
            (l->outcome == FW_RECON_AMOUNT_DIFFERS && l->rule != FW_RECON_RULE_MANY_TO_ONE)) {
            char a[32], d[32];
            if (l->outcome == FW_RECON_AMOUNT_DIFFERS)
                snprintf(summary, sizeof(summary), "statement line %lld: %s yuan, ledger entry %lld differs by %s",
                         (long long)line_id, fw__money_format(l->amount, a, sizeof(a)),
                         (long long)b->entry_id, fw__money_format(diff, d, sizeof(d)));
            else
                snprintf(summary, sizeof(summary), "statement line %lld: %s yuan %s", (long long)line_id,
                         fw__money_format(l->amount, a, sizeof(a)),
                         l->outcome == FW_RECON_DUPLICATE ? "repeats a line already matched"
                                                          : "is not in the ledger (长款)");
            rc = fw__recon_case_open(ctx, r->run_id, l->outcome,
                                     l->outcome == FW_RECON_AMOUNT_DIFFERS ? diff : l->amount, line_id,
                                     b ? b->entry_id : 0, 0, summary, NULL, err);
            r->cases_opened++;
        }
    }
    for (i = 0; i < r->nbooks && rc == FW_OK; i++) {
        const struct brec *b = &r->books[i];
        char summary[200], a[32], d[32];
        if (b->rule == FW_RECON_RULE_ONE_TO_MANY) {
            const struct lrec *l = &r->lines[b->partner];
            rc = write_result(ctx, r->run_id, r->first_line + b->partner, b->entry_id, b->outcome,
                              b->rule, (int64_t)b->partner + 1, 0, err);
            /* one case per group, on its first member */
            if (rc == FW_OK && b->outcome == FW_RECON_AMOUNT_DIFFERS && l->outcome == FW_RECON_AMOUNT_DIFFERS &&
                l->partner == NONE) {
                int64_t total = 0;
                size_t k;
                for (k = i; k < r->nbooks; k++)
                    if (r->books[k].rule == FW_RECON_RULE_ONE_TO_MANY && r->books[k].partner == b->partner)
                        total += r->books[k].amount;
                snprintf(summary, sizeof(summary),
                         "statement line %lld: %s yuan against a batch of ledger entries summing to %s",
                         (long long)(r->first_line + b->partner), fw__money_format(l->amount, a, sizeof(a)),
                         fw__money_format(total, d, sizeof(d)));
                rc = fw__recon_case_open(ctx, r->run_id, FW_RECON_AMOUNT_DIFFERS, l->amount - total,
                                         r->first_line + b->partner, b->entry_id, 0, summary, NULL, err);
                r->lines[b->partner].partner = NONE - 1;     /* the group's case is open */
                r->cases_opened++;
            }
        } else if (b->rule == FW_RECON_RULE_MANY_TO_ONE && b->outcome == FW_RECON_AMOUNT_DIFFERS) {
            int64_t total = 0;
            size_t k;
            for (k = 0; k < r->nlines; k++)
                if (r->lines[k].rule == FW_RECON_RULE_MANY_TO_ONE && r->lines[k].partner == i)
                    total += r->lines[k].amount;
            snprintf(summary, sizeof(summary), "ledger entry %lld: %s yuan against statement lines summing to %s",
                     (long long)b->entry_id, fw__money_format(b->amount, a, sizeof(a)),
                     fw__money_format(total, d, sizeof(d)));
            rc = fw__recon_case_open(ctx, r->run_id, FW_RECON_AMOUNT_DIFFERS, total - b->amount, 0,
                                     b->entry_id, 0, summary, NULL, err);
            r->cases_opened++;
        } else if (b->outcome == FW_RECON_MISSING_IN_STATEMENT) {
            rc = write_result(ctx, r->run_id, 0, b->entry_id, b->outcome, 0, 0, 0, err);
            if (rc == FW_OK && !(b->flags & BOOK_CARRIED)) {
                snprintf(summary, sizeof(summary), "ledger entry %lld: %s yuan is not on the statement (短款)",
                         (long long)b->entry_id, fw__money_format(b->amount, a, sizeof(a)));
                rc = fw__recon_case_open(ctx, r->run_id, FW_RECON_MISSING_IN_STATEMENT, b->amount, 0,
                                         b->entry_id, 0, summary, NULL, err);
                r->cases_opened++;
            }
        }
        /* A difference an earlier run left open is now explained by time alone. */
        if (rc == FW_OK && (b->flags & BOOK_CARRIED) && b->outcome != FW_RECON_MISSING_IN_STATEMENT &&
            b->outcome != DONE) {
            fw__stmt *s;
            int64_t cid = 0, state = 0;
            rc = fw__db_query(ctx, &s, err,
                              "SELECT id, state FROM fw_recon_case WHERE kind = 3 AND entry_id = ? AND "
                              "state IN (1, 2)", "i", b->entry_id);
            while (rc == FW_OK && (rc = fw__db_step(s, err)) == FW__ROW) {
                cid = fw__db_col_i64(s, 0);
                state = fw__db_col_i64(s, 1);
                rc = FW_OK;
            }
            fw__db_done(s);
            if (rc == FW__DONE)
                rc = FW_OK;
            if (rc == FW_OK && cid) {
                snprintf(summary, sizeof(summary), "matched by run %lld", (long long)r->run_id);
                rc = fw__recon_case_event(ctx, cid, "matched_later", state, FW_RECON_CASE_RESOLVED_TIMING,
                                          summary, err);
                r->timing_resolved++;
            }
        }
    }
    if (rc != FW_OK)
        return rc;
    if (!(sum = summary_json(r)) || !(text = cJSON_PrintUnformatted(sum))) {
        cJSON_Delete(sum);
        return fw__error_nomem(err);
    }
    rc = fw__db_exec(ctx, err, "UPDATE fw_recon_run SET summary=? WHERE id=?", "ti", text, r->run_id);
    cJSON_free(text);
    if (rc == FW_OK)
        return fw__recon_audit(ctx, "recon.run", "recon_run", r->run_id, sum, err);
    cJSON_Delete(sum);
    return rc;
}

static int execute(struct fw_recon *r, const char *options, fw_error **err)
{
    size_t i;
    int rc;

    if ((rc = load_statement(r, err)) != FW_OK || (rc = load_books(r, err)) != FW_OK ||
        (rc = mark_duplicates(r, err)) != FW_OK)
        return rc;
    for (i = 0; i < r->nrules && rc == FW_OK; i++) {
        const struct rule *ru = &r->rules[i];
        switch (ru->kind) {
        case FW_RECON_RULE_REFERENCE: rc = rule_reference(r, ru, err); break;
        case FW_RECON_RULE_AMOUNT_DATE: rc = rule_amount_date(r, ru, err); break;
        case FW_RECON_RULE_ONE_TO_MANY: rc = rule_one_to_many(r, ru, err); break;
        default: rc = rule_many_to_one(r, ru, err); break;
        }
    }
    if (rc == FW_OK)
        rc = mark_rematched(r, err);
    if (rc == FW_OK && r->feed_funding && !r->dry_run)
        rc = feed_funding(r, err);
    if (rc == FW_OK)
        rc = ledger_balances(r, err);
    if (rc != FW_OK)
        return rc;
    tally(r);
    return r->dry_run ? FW_OK : record(r, options, err);
}

static void recon_release(struct fw_recon *r)
{
    if (!r)
        return;
    free(r->lines);
    free(r->books);
    free(r->line_batch);
    free(r->book_batch);
    free(r->book_alt);
    free(r);
}

int fw_recon_run(fw_recon **out, fw_ctx *ctx, fw_id statement_id, const char *options_json,
                 size_t options_len, fw_error **err)
{
    struct fw_recon *r;
    char *canon = NULL;
    int rc;

    if (!out || !ctx)
        return fw__error_set(err, FW_EINVAL, NULL, "out and ctx are required");
    if ((rc = fw__authz_require(ctx, "recon.run", err)) != FW_OK)
        return rc;
    if (!(r = calloc(1, sizeof(*r))))
        return fw__error_nomem(err);
    r->ctx = ctx;
    r->statement_id = statement_id;
    if ((rc = parse_rules(r, options_json, options_len, err)) != FW_OK) {
        recon_release(r);
        return rc;
    }
    if (options_json && !(canon = strndup(options_json, options_len))) {
        recon_release(r);
        return fw__error_nomem(err);
    }
    if (r->dry_run) {
        rc = execute(r, canon, err);
    } else if ((rc = fw__tx_begin(ctx, err)) == FW_OK) {
        rc = execute(r, canon, err);
        rc = fw__tx_end(ctx, rc, err);
    }
    free(canon);
    if (rc != FW_OK) {
        recon_release(r);
        return rc;
    }
    *out = r;
    return FW_OK;
}

fw_id fw_recon_id(const fw_recon *r)
{
    return r ? r->run_id : 0;
}

int fw_recon_outcome(const fw_recon *r, uint32_t outcome, int64_t *count, int64_t *sum_fen,
                     fw_error **err)
{
    if (!r)
        return fw__error_set(err, FW_EINVAL, NULL, "r is required");
    if (outcome < 1 || outcome > FW_RECON_OUTCOME_COUNT)
        return fw__error_set(err, FW_EINVAL, "outcome", "must be one of FW_RECON_MATCHED..FW_RECON_LATE, got %u",
                             outcome);
    if (count)
        *count = r->counts[outcome];
    if (sum_fen)
        *sum_fen = r->sums[outcome];
    return FW_OK;
}

int fw_recon_summary(const fw_recon *r, char **out_json, size_t *out_len, fw_error **err)
{
    if (!r || !out_json)
        return fw__error_set(err, FW_EINVAL, NULL, "r and out_json are required");
    return fw__json_out(summary_json(r), out_json, out_len, err);
}

static cJSON *line_json(const struct fw_recon *r, size_t i, fw_error **err, int *rc)
{
    fw__stmt *s;
    cJSON *o = NULL;
    *rc = fw__db_query(r->ctx, &s, err,
                       "SELECT id, seq, booked_ms, amount, reference, bank_txn_id FROM fw_recon_line "
                       "WHERE id=?", "i", r->first_line + (int64_t)i);
    if (*rc == FW_OK && (*rc = fw__db_step(s, err)) == FW__ROW) {
        *rc = FW_OK;
        if ((o = cJSON_CreateObject()) != NULL) {
            fw__json_add_i64(o, "id", fw__db_col_i64(s, 0));
            fw__json_add_i64(o, "seq", fw__db_col_i64(s, 1));
            fw__json_add_i64(o, "booked_ms", fw__db_col_i64(s, 2));
            fw__json_add_i64(o, "amount_fen", fw__db_col_i64(s, 3));
            if (fw__db_col_is_null(s, 4))
                cJSON_AddNullToObject(o, "reference");
            else
                cJSON_AddStringToObject(o, "reference", fw__db_col_text(s, 4));
            if (fw__db_col_is_null(s, 5))
                cJSON_AddNullToObject(o, "bank_txn_id");
            else
                cJSON_AddStringToObject(o, "bank_txn_id", fw__db_col_text(s, 5));
        } else {
            *rc = fw__error_nomem(err);
        }
    } else if (*rc == FW__DONE) {
        *rc = fw__error_set(err, FW_ENOTFOUND, NULL, "statement line %lld is gone",
                            (long long)(r->first_line + (int64_t)i));
    }
    fw__db_done(s);
    return o;
}

int fw_recon_results(const fw_recon *r, uint32_t outcome, size_t offset, size_t limit,
                     char **out_json, size_t *out_len, fw_error **err)
{
    cJSON *o, *arr;
    size_t i, seen = 0, n = r ? r->nlines + r->nbooks : 0, nmembers = 0;
    uint32_t *members;
    int rc = FW_OK;

    if (!r || !out_json)
        return fw__error_set(err, FW_EINVAL, NULL, "r and out_json are required");
    if (outcome > FW_RECON_OUTCOME_COUNT)
        return fw__error_set(err, FW_EINVAL, "outcome", "must be 0 or a FW_RECON_* outcome, got %u", outcome);
    if (limit < 1 || limit > 10000)
        return fw__error_set(err, FW_EINVAL, "limit", "must be 1..10000, got %zu", limit);
    /* The members of one_to_many groups, by their line. */
    if (!(members = malloc((r->nbooks ? r->nbooks : 1) * sizeof(*members))))
        return fw__error_nomem(err);
    for (i = 0; i < r->nbooks; i++)
        if (r->books[i].rule == FW_RECON_RULE_ONE_TO_MANY)
            members[nmembers++] = (uint32_t)i;
    qsort_r(members, nmembers, sizeof(*members), cmp_book_partner, (void *)r);
    if (!(o = cJSON_CreateObject())) {
        free(members);
        return fw__error_nomem(err);
    }
    arr = cJSON_AddArrayToObject(o, "results");
    for (i = 0; i < n && rc == FW_OK; i++) {
        int is_line = i < r->nlines;
        const struct lrec *l = is_line ? &r->lines[i] : NULL;
        const struct brec *b = is_line ? NULL : &r->books[i - r->nlines];
        uint8_t oc = is_line ? l->outcome : b->outcome;
        uint8_t rule = is_line ? l->rule : b->rule;
        cJSON *it, *ids;
        int64_t ledger = 0, diff = 0, group = 0;
        int has_ledger = 0;
        if (!is_line && (oc != FW_RECON_MISSING_IN_STATEMENT))
            continue;
        if (outcome && oc != outcome)
            continue;
        if (seen++ < offset || cJSON_GetArraySize(arr) >= (int)limit)
            continue;
        if (!(it = cJSON_CreateObject())) {
            rc = fw__error_nomem(err);
            break;
        }
        cJSON_AddItemToArray(arr, it);
        cJSON_AddStringToObject(it, "outcome", fw__recon_outcome_names[oc]);
        if (rule)
            cJSON_AddStringToObject(it, "rule", fw__recon_rule_names[rule]);
        else
            cJSON_AddNullToObject(it, "rule");
        if (is_line)
            cJSON_AddItemToObject(it, "line", line_json(r, i, err, &rc));
        else
            cJSON_AddNullToObject(it, "line");
        ids = cJSON_AddArrayToObject(it, "entry_ids");
        if (!is_line) {
            cJSON_AddItemToArray(ids, cJSON_CreateNumber((double)b->entry_id));
            ledger = b->amount;
            has_ledger = 1;
        } else if (l->rule == FW_RECON_RULE_ONE_TO_MANY) {
            size_t lo = 0, hi = nmembers, k;
            while (lo < hi) {
                size_t mid = (lo + hi) / 2;
                if (r->books[members[mid]].partner < i)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            for (k = lo; k < nmembers && r->books[members[k]].partner == i; k++) {
                cJSON_AddItemToArray(ids, cJSON_CreateNumber((double)r->books[members[k]].entry_id));
                ledger += r->books[members[k]].amount;
            }
            has_ledger = 1;
            diff = l->amount - ledger;
            group = group_no(r, l, i);
        } else if (l->partner != NONE && l->partner != NONE - 1) {
            const struct brec *p = &r->books[l->partner];
            cJSON_AddItemToArray(ids, cJSON_CreateNumber((double)p->entry_id));
            ledger = p->amount;
            has_ledger = 1;
            diff = l->rule == FW_RECON_RULE_MANY_TO_ONE ? 0 : l->amount - ledger;
            group = group_no(r, l, i);
        }
        if (has_ledger)
            fw__json_add_i64(it, "ledger_fen", ledger);
        else
            cJSON_AddNullToObject(it, "ledger_fen");
        fw__json_add_i64(it, "difference_fen", diff);
        if (group)
            fw__json_add_i64(it, "group", group);
        else
            cJSON_AddNullToObject(it, "group");
    }
    fw__json_add_i64(o, "total", (int64_t)seen);
    free(members);
    if (rc != FW_OK) {
        cJSON_Delete(o);
        return rc;
    }
    return fw__json_out(o, out_json, out_len, err);
}

void fw_recon_free(fw_recon *r)
{
    recon_release(r);
}

int fw_recon_run_get(fw_ctx *ctx, fw_id run_id, char **out_json, size_t *out_len, fw_error **err)
{
    fw__stmt *s;
    char *text = NULL;
    int rc;

    if (!ctx || !out_json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and out_json are required");
    if ((rc = fw__authz_require(ctx, "recon.read", err)) != FW_OK)
        return rc;
    rc = fw__db_query(ctx, &s, err, "SELECT summary FROM fw_recon_run WHERE id=?", "i", run_id);
    if (rc != FW_OK)
        return rc;
    rc = fw__db_step(s, err);
    if (rc == FW__ROW) {
        rc = (text = strdup(fw__db_col_text(s, 0))) ? FW_OK : fw__error_nomem(err);
    } else if (rc == FW__DONE) {
        rc = fw__error_set(err, FW_ENOTFOUND, "run_id", "no reconciliation run %lld", (long long)run_id);
    }
    fw__db_done(s);
    if (rc != FW_OK)
        return rc;
    if (out_len)
        *out_len = strlen(text);
    *out_json = text;
    return FW_OK;
}
