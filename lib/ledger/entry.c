/*
 * Journal entries: the posting engine, transfers, two-phase holds and reversals.
 *
 * The hot path writes one entry row, one posting row per leg (clustered by entry, so appends)
 * and one account-row update per leg. Each posting links to its account's previous posting,
 * which gives per-account history and past balances without a random-order index.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/audit.h"
#include "core/authz.h"
#include "core/ctx.h"
#include "core/db.h"
#include "core/error.h"
#include "core/idem.h"
#include "core/json.h"
#include "core/money.h"
#include "ledger/ledger.h"

#define MAX_CURRENCIES 8

static int expire_hold(fw_ctx *ctx, fw_id hold_id, uint32_t kind, fw_id *out_entry, fw_error **err);

/* Voids the debit account's pending holds that have expired by now; *n says how many. */
static int expire_account_holds(fw_ctx *ctx, fw_id account_id, int64_t now, int *n, fw_error **err)
{
    fw_id ids[64];
    size_t k = 0, i;
    fw__stmt *s;
    int rc;

    *n = 0;
    rc = fw__db_query(ctx, &s, err,
                      "SELECT id FROM fw_ledger_hold WHERE state=1 AND expires_ms>0 AND "
                      "expires_ms<=? AND debit_account=? ORDER BY id LIMIT 64",
                      "ii", now, account_id);
    if (rc != FW_OK)
        return rc;
    while ((rc = fw__db_step(s, err)) == FW__ROW)
        ids[k++] = fw__db_col_i64(s, 0);
    fw__db_done(s);
    if (rc < 0)
        return rc;
    for (i = 0; i < k; i++) {
        fw_id e;
        if ((rc = expire_hold(ctx, ids[i], FW_LEDGER_ENTRY_EXPIRE, &e, err)) != FW_OK)
            return rc;
    }
    *n = (int)k;
    return FW_OK;
}

static int overflow(fw_error **err, const char *path, const struct fw__account *a,
                    const char *what)
{
    return fw__error_set(err, FW_EOVERFLOW, path,
                         "account %lld's %s would leave the int64 fen range", (long long)a->id, what);
}

/*
 * Applies one posting to an account row in memory, checking state and limits.
 * A lazily expired hold may free the funds a limit needs: the caller retries once.
 */
static int apply(struct fw__account *a, int64_t amount, int pending, const char *path,
                 fw_error **err)
{
    int64_t mag = amount > 0 ? amount : -amount;
    int64_t *field;
    __int128 used;

    if (a->state != FW_LEDGER_ACCOUNT_OPEN)
        return fw__error_set(err, FW_ESTATE, path, "account %lld is closed", (long long)a->id);
    if (amount > 0) {
        field = pending ? &a->debits_pending : &a->debits_posted;
        if (fw__money_add(*field, mag, field) != FW_OK)
            return overflow(err, path, a, pending ? "pending debits" : "posted debits");
        used = (__int128)a->debits_posted + a->debits_pending;
        if ((a->flags & FW_LEDGER_DEBITS_MUST_NOT_EXCEED_CREDITS) && used > a->credits_posted) {
            *field -= mag;
            return fw__error_set(err, FW_EFUNDS, path,
                                 "account %lld has %lld fen available, %lld fen needed",
                                 (long long)a->id,
                                 (long long)(a->credits_posted - a->debits_posted - a->debits_pending),
                                 (long long)mag);
        }
    } else {
        field = pending ? &a->credits_pending : &a->credits_posted;
        if (fw__money_add(*field, mag, field) != FW_OK)
            return overflow(err, path, a, pending ? "pending credits" : "posted credits");
        used = (__int128)a->credits_posted + a->credits_pending;
        if ((a->flags & FW_LEDGER_CREDITS_MUST_NOT_EXCEED_DEBITS) && used > a->debits_posted) {
            *field -= mag;
            return fw__error_set(err, FW_EFUNDS, path,
                                 "account %lld may be credited %lld fen more, %lld fen asked",
                                 (long long)a->id,
                                 (long long)(a->debits_posted - a->credits_posted - a->credits_pending),
                                 (long long)mag);
        }
    }
    return FW_OK;
}

static int save_account(fw_ctx *ctx, const struct fw__account *a, fw_error **err)
{
    return fw__db_exec(ctx, err,
                       "UPDATE fw_ledger_balance SET debits_posted=?, credits_posted=?, "
                       "debits_pending=?, credits_pending=?, postings=?, last_entry=?, last_seq=? "
                       "WHERE account_id=?",
                       "iiiiiiii", a->debits_posted, a->credits_posted, a->debits_pending,
                       a->credits_pending, a->postings, a->last_entry, a->last_seq, a->id);
}

int fw__ledger_period_check(fw_ctx *ctx, int64_t ms, const char *path, fw_error **err)
{
    fw__stmt *s;
    int rc = fw__db_query(ctx, &s, err,
                          "SELECT month FROM fw_ledger_period WHERE state=1 AND start_ms<=? AND "
                          "end_ms>?", "ii", ms, ms);
    if (rc != FW_OK)
        return rc;
    rc = fw__db_step(s, err);
    if (rc == FW__ROW)
        rc = fw__error_set(err, FW_ECLOSED, path,
                           "the accounting period %s is closed; date the entry in an open period",
                           fw__db_col_text(s, 0));
    else if (rc == FW__DONE)
        rc = FW_OK;
    fw__db_done(s);
    return rc;
}

static int insert_entry(fw_ctx *ctx, const struct fw__entry_meta *m, int64_t effective,
                        int64_t now, fw_id *out, fw_error **err)
{
    int rc = fw__db_exec(ctx, err,
                         "INSERT INTO fw_ledger_entry(kind, reason, effective_ms, created_ms, "
                         "related_id, ref_kind, ref_id, memo) VALUES (?,?,?,?,?,?,?,?)",
                         "itiiittt", (int64_t)m->kind, m->reason, effective, now,
                         m->related_id, m->ref_kind, m->ref_id, m->memo);
    if (rc == FW_OK)
        *out = fw__db_last_id(ctx);
    return rc;
}

/*
 * An entry is checked entirely in memory before anything is written: a business failure
 * (limits, closed accounts, overflow, imbalance) leaves the store as it was, so a batch needs
 * no savepoint per transfer.
 */
#define REPLAN 1

static int plan_postings(fw_ctx *ctx, const struct fw__posting *p, size_t n, int pending,
                         int64_t now, int may_expire, struct fw__account *acc, size_t *slot,
                         size_t *nacc, fw_error **err)
{
    struct { char cur[4]; __int128 sum; } sums[MAX_CURRENCIES];
    size_t ncur = 0, i, j;
    int rc;

    *nacc = 0;
    for (i = 0; i < n; i++) {
        struct fw__account *a;
        char path[48];

        snprintf(path, sizeof(path), "$.postings[%zu]", i);
        if (p[i].amount == 0 || p[i].amount == INT64_MIN)
            return fw__error_set(err, FW_EINVAL, path, "amount must be non-zero fen within int64");
        for (j = 0; j < *nacc && acc[j].id != p[i].account_id; j++)
            ;
        if (j == *nacc) {
            if ((rc = fw__ledger_account_load(ctx, p[i].account_id, path, &acc[j], err)) != FW_OK)
                return rc;
            (*nacc)++;
        }
        slot[i] = j;
        a = &acc[j];
        rc = apply(a, p[i].amount, pending, path, err);
        if (rc == FW_EFUNDS && may_expire && p[i].amount > 0) {
            /* A lazily expired hold may free what this debit needs: plan again if one did. */
            int freed = 0;
            if (expire_account_holds(ctx, a->id, now, &freed, NULL) == FW_OK && freed > 0)
                return REPLAN;
        }
        if (rc != FW_OK)
            return rc;
        for (j = 0; j < ncur && strcmp(sums[j].cur, a->currency) != 0; j++)
            ;
        if (j == ncur) {
            if (ncur == MAX_CURRENCIES)
                return fw__error_set(err, FW_EINVAL, "$.postings",
                                     "an entry may span at most %d currencies", MAX_CURRENCIES);
            memcpy(sums[j].cur, a->currency, 4);
            sums[j].sum = 0;
            ncur++;
        }
        sums[j].sum += p[i].amount;
    }
    for (j = 0; j < ncur; j++)
        if (sums[j].sum != 0)
            return fw__error_set(err, FW_EINVAL, "$.postings",
                                 "debits and credits differ by %lld fen in %s; each currency "
                                 "must balance",
                                 (long long)sums[j].sum, sums[j].cur);
    return FW_OK;
}

/* Writes checked postings of entry `entry` and the accounts' new balances and chain heads. */
static int write_postings(fw_ctx *ctx, fw_id entry, const struct fw__posting *p, size_t n,
                          int pending, int64_t effective, int64_t now, struct fw__account *acc,
                          const size_t *slot, size_t nacc, fw_error **err)
{
    size_t i;
    int rc;

    for (i = 0; i < n; i++) {
        struct fw__account *a = &acc[slot[i]];
        rc = fw__db_exec(ctx, err,
                         "INSERT INTO fw_ledger_posting(entry_id, seq, account_id, amount, "
                         "pending, effective_ms, created_ms, prev_entry, prev_seq) "
                         "VALUES (?,?,?,?,?,?,?,?,?)",
                         "iiiiiiiii", entry, (int64_t)i, a->id, p[i].amount, (int64_t)pending,
                         effective, now, a->last_entry, a->last_seq);
        if (rc != FW_OK)
            return rc;
        a->last_entry = entry;
        a->last_seq = (int64_t)i;
        a->postings++;
    }
    for (i = 0; i < nacc; i++)
        if ((rc = save_account(ctx, &acc[i], err)) != FW_OK)
            return rc;
    return FW_OK;
}

/* period_checked: the caller already checked that `now` lies in an open period. */
static int post_entry_ex(fw_ctx *ctx, const struct fw__posting *p, size_t n,
                         const struct fw__entry_meta *m, int pending, int period_checked,
                         fw_id *out, fw_error **err)
{
    int64_t now = fw_ctx_now(ctx), effective = m->effective_ms ? m->effective_ms : now;
    struct fw__account small[4], *acc = small;
    size_t small_slot[4], *slot = small_slot, nacc = 0;
    fw_id entry = 0;
    int rc;

    if (n < 2 || n > FW__LEDGER_MAX_POSTINGS)
        return fw__error_set(err, FW_EINVAL, "$.postings",
                             "an entry needs 2..%d postings, got %zu", FW__LEDGER_MAX_POSTINGS, n);
    if (effective > now)
        return fw__error_set(err, FW_EINVAL, "$.effective_ms",
                             "must not be in the future (now %lld), got %lld", (long long)now,
                             (long long)effective);
    if (!(period_checked && effective == now) &&
        (rc = fw__ledger_period_check(ctx, effective, "$.effective_ms", err)) != FW_OK)
        return rc;
    if (n > 4) {
        acc = malloc(n * sizeof(*acc));
        slot = malloc(n * sizeof(*slot));
        if (!acc || !slot) {
            rc = fw__error_nomem(err);
            goto done;
        }
    }
    rc = plan_postings(ctx, p, n, pending, now, 1, acc, slot, &nacc, err);
    if (rc == REPLAN) {
        if (err && *err) {
            fw_error_free(*err);
            *err = NULL;
        }
        rc = plan_postings(ctx, p, n, pending, now, 0, acc, slot, &nacc, err);
    }
    if (rc != FW_OK)
        goto done;
    if ((rc = insert_entry(ctx, m, effective, now, &entry, err)) != FW_OK)
        goto done;
    if ((rc = write_postings(ctx, entry, p, n, pending, effective, now, acc, slot, nacc, err)) != FW_OK)
        goto done;
    *out = entry;
done:
    if (acc != small)
        free(acc);
    if (slot != small_slot)
        free(slot);
    return rc;
}

static int post_entry(fw_ctx *ctx, const struct fw__posting *p, size_t n,
                      const struct fw__entry_meta *m, int pending, fw_id *out, fw_error **err)
{
    return post_entry_ex(ctx, p, n, m, pending, 0, out, err);
}

int fw__ledger_post(fw_ctx *ctx, const struct fw__posting *p, size_t n,
                    const struct fw__entry_meta *meta, fw_id *out_entry_id, fw_error **err)
{
    return post_entry(ctx, p, n, meta, 0, out_entry_id, err);
}

static int check_pair(fw_id debit, fw_id credit, int64_t amount, fw_error **err)
{
    if (amount <= 0)
        return fw__error_set(err, FW_EINVAL, "amount_fen",
                             "must be a positive number of fen, got %lld", (long long)amount);
    if (debit == credit)
        return fw__error_set(err, FW_EINVAL, "credit_account",
                             "must differ from the debit account (%lld)", (long long)debit);
    return FW_OK;
}

/* Maps the generic posting paths of a two-leg transfer to the caller's argument names. */
static int rename_leg_error(int rc, fw_error **err)
{
    const char *path, *name;
    char *copy;

    if (rc == FW_OK || !err || !*err)
        return rc;
    path = fw_error_path(*err);
    if (strcmp(path, "$.postings") == 0)
        return fw__error_set(err, rc, "credit_account",
                             "must be in the debit account's currency; a transfer does not "
                             "exchange currencies");
    name = strcmp(path, "$.postings[0]") == 0 ? "debit_account"
         : strcmp(path, "$.postings[1]") == 0 ? "credit_account" : NULL;
    if (name) {
        const char *msg = fw_error_message(*err), *colon = strstr(msg, ": ");
        if ((copy = strdup(colon ? colon + 2 : msg)) != NULL) {
            fw__error_set(err, rc, name, "%s", copy);
            free(copy);
        }
    }
    return rc;
}

int fw__ledger_transfer(fw_ctx *ctx, fw_id *out_entry_id, fw_id debit_account,
                        fw_id credit_account, int64_t amount, const char *reason,
                        const char *ref_kind, const char *ref_id, fw_error **err)
{
    struct fw__posting p[2] = { { debit_account, amount }, { credit_account, -amount } };
    struct fw__entry_meta m = { FW_LEDGER_ENTRY_POSTED, reason, 0, 0, ref_kind, ref_id, NULL };
    int rc = check_pair(debit_account, credit_account, amount, err);

    if (rc == FW_OK)
        rc = rename_leg_error(post_entry(ctx, p, 2, &m, 0, out_entry_id, err), err);
    return rc;
}

int fw__ledger_hold(fw_ctx *ctx, fw_id *out_hold_id, fw_id debit_account, fw_id credit_account,
                    int64_t amount, int64_t expires_ms, const char *reason, const char *ref_kind,
                    const char *ref_id, fw_error **err)
{
    struct fw__posting p[2] = { { debit_account, amount }, { credit_account, -amount } };
    struct fw__entry_meta m = { FW_LEDGER_ENTRY_HOLD, reason, 0, 0, ref_kind, ref_id, NULL };
    fw_id id = 0;
    int rc = check_pair(debit_account, credit_account, amount, err);

    if (rc == FW_OK && expires_ms != 0 && expires_ms <= fw_ctx_now(ctx))
        rc = fw__error_set(err, FW_EINVAL, "expires_ms",
                           "must be 0 (never) or later than now (%lld), got %lld",
                           (long long)fw_ctx_now(ctx), (long long)expires_ms);
    if (rc == FW_OK)
        rc = rename_leg_error(post_entry(ctx, p, 2, &m, 1, &id, err), err);
    if (rc == FW_OK)
        rc = fw__db_exec(ctx, err,
                         "INSERT INTO fw_ledger_hold(id, debit_account, credit_account, amount, "
                         "state, expires_ms) VALUES (?,?,?,?,1,?)",
                         "iiiii", id, debit_account, credit_account, amount, expires_ms);
    if (rc == FW_OK)
        *out_hold_id = id;
    return rc;
}

struct hold {
    fw_id id, debit, credit, resolved;
    int64_t amount, expires_ms, posted;
    uint32_t state;
    char reason[FW__LEDGER_REASON_MAX + 1];
};

static int load_hold(fw_ctx *ctx, fw_id id, struct hold *h, fw_error **err)
{
    fw__stmt *s;
    int rc = fw__db_query(ctx, &s, err,
                          "SELECT h.debit_account, h.credit_account, h.amount, h.state, "
                          "h.expires_ms, h.posted_fen, h.resolved_entry, e.reason "
                          "FROM fw_ledger_hold h JOIN fw_ledger_entry e ON e.id = h.id "
                          "WHERE h.id=?", "i", id);
    if (rc != FW_OK)
        return rc;
    rc = fw__db_step(s, err);
    if (rc == FW__ROW) {
        h->id = id;
        h->debit = fw__db_col_i64(s, 0);
        h->credit = fw__db_col_i64(s, 1);
        h->amount = fw__db_col_i64(s, 2);
        h->state = (uint32_t)fw__db_col_i64(s, 3);
        h->expires_ms = fw__db_col_i64(s, 4);
        h->posted = fw__db_col_i64(s, 5);
        h->resolved = fw__db_col_i64(s, 6);
        snprintf(h->reason, sizeof(h->reason), "%s", fw__db_col_text(s, 7));
        rc = FW_OK;
    } else if (rc == FW__DONE) {
        rc = fw__error_set(err, FW_ENOTFOUND, "hold_id", "no hold %lld", (long long)id);
    }
    fw__db_done(s);
    return rc;
}

static const char *hold_state_name(uint32_t state)
{
    switch (state) {
    case FW_LEDGER_HOLD_PENDING: return "pending";
    case FW_LEDGER_HOLD_POSTED: return "posted";
    case FW_LEDGER_HOLD_VOIDED: return "voided";
    default: return "expired";
    }
}

/* A hold is resolvable while pending and not past its expiry. */
static int check_resolvable(fw_ctx *ctx, const struct hold *h, fw_error **err)
{
    if (h->state != FW_LEDGER_HOLD_PENDING)
        return fw__error_set(err, FW_ESTATE, "hold_id", "hold %lld is already %s (entry %lld)",
                             (long long)h->id, hold_state_name(h->state), (long long)h->resolved);
    if (h->expires_ms != 0 && fw_ctx_now(ctx) >= h->expires_ms)
        return fw__error_set(err, FW_ESTATE, "hold_id", "hold %lld expired at %lld",
                             (long long)h->id, (long long)h->expires_ms);
    return FW_OK;
}

/* Takes the hold's amount off both accounts' pending sides. */
static int release_pending(fw_ctx *ctx, const struct hold *h, fw_error **err)
{
    struct fw__account a;
    int rc;

    if ((rc = fw__ledger_account_load(ctx, h->debit, NULL, &a, err)) != FW_OK)
        return rc;
    a.debits_pending -= h->amount;
    if ((rc = save_account(ctx, &a, err)) != FW_OK)
        return rc;
    if ((rc = fw__ledger_account_load(ctx, h->credit, NULL, &a, err)) != FW_OK)
        return rc;
    a.credits_pending -= h->amount;
    return save_account(ctx, &a, err);
}

static int resolve_hold(fw_ctx *ctx, const struct hold *h, uint32_t state, int64_t posted,
                        fw_id entry, fw_error **err)
{
    return fw__db_exec(ctx, err,
                       "UPDATE fw_ledger_hold SET state=?, posted_fen=?, resolved_entry=? WHERE id=?",
                       "iiii", (int64_t)state, posted, entry, h->id);
}

/* Voids (or expires) a hold: an entry without postings that releases the reservation. */
static int expire_hold(fw_ctx *ctx, fw_id hold_id, uint32_t kind, fw_id *out_entry, fw_error **err)
{
    struct hold h;
    struct fw__entry_meta m = { kind, NULL, 0, hold_id, NULL, NULL, NULL };
    int64_t now = fw_ctx_now(ctx);
    fw_id entry = 0;
    int rc;

    if ((rc = load_hold(ctx, hold_id, &h, err)) != FW_OK)
        return rc;
    if (kind == FW_LEDGER_ENTRY_VOID && (rc = check_resolvable(ctx, &h, err)) != FW_OK)
        return rc;
    m.reason = h.reason;
    if ((rc = insert_entry(ctx, &m, now, now, &entry, err)) != FW_OK)
        return rc;
    if ((rc = release_pending(ctx, &h, err)) != FW_OK)
        return rc;
    rc = resolve_hold(ctx, &h, kind == FW_LEDGER_ENTRY_VOID ? FW_LEDGER_HOLD_VOIDED
                                                             : FW_LEDGER_HOLD_EXPIRED, 0, entry, err);
    if (rc == FW_OK && out_entry)
        *out_entry = entry;
    return rc;
}

int fw__ledger_hold_void(fw_ctx *ctx, fw_id hold_id, fw_error **err)
{
    return expire_hold(ctx, hold_id, FW_LEDGER_ENTRY_VOID, NULL, err);
}

int fw__ledger_hold_post(fw_ctx *ctx, fw_id *out_entry_id, fw_id hold_id, int64_t amount,
                         fw_error **err)
{
    struct hold h;
    struct fw__posting p[2];
    struct fw__entry_meta m = { FW_LEDGER_ENTRY_POST, NULL, 0, hold_id, NULL, NULL, NULL };
    fw_id entry = 0;
    int rc;

    if ((rc = load_hold(ctx, hold_id, &h, err)) != FW_OK)
        return rc;
    if ((rc = check_resolvable(ctx, &h, err)) != FW_OK)
        return rc;
    if (amount == FW_LEDGER_AMOUNT_FULL)
        amount = h.amount;
    if (amount <= 0 || amount > h.amount)
        return fw__error_set(err, FW_EINVAL, "amount_fen",
                             "must be 1..%lld fen (the hold) or FW_LEDGER_AMOUNT_FULL, got %lld",
                             (long long)h.amount, (long long)amount);
    /* The reservation goes first, so the posted amount passes the limits it was held under. */
    if ((rc = release_pending(ctx, &h, err)) != FW_OK)
        return rc;
    p[0].account_id = h.debit;
    p[0].amount = amount;
    p[1].account_id = h.credit;
    p[1].amount = -amount;
    m.reason = h.reason;
    if ((rc = post_entry(ctx, p, 2, &m, 0, &entry, err)) != FW_OK)
        return rc;
    if ((rc = resolve_hold(ctx, &h, FW_LEDGER_HOLD_POSTED, amount, entry, err)) != FW_OK)
        return rc;
    *out_entry_id = entry;
    return FW_OK;
}

int fw__ledger_reverse(fw_ctx *ctx, fw_id *out_entry_id, fw_id entry_id, const char *reason,
                       fw_error **err)
{
    struct fw__posting p[FW__LEDGER_MAX_POSTINGS];
    struct fw__entry_meta m = { FW_LEDGER_ENTRY_REVERSAL, reason, 0, entry_id, NULL, NULL, NULL };
    int64_t kind = 0, reversed = 0;
    size_t n = 0;
    fw__stmt *s;
    int rc;

    rc = fw__db_i64(ctx, &kind, err, "SELECT kind FROM fw_ledger_entry WHERE id=?", "i", entry_id);
    if (rc == FW_ENOTFOUND)
        return fw__error_set(err, FW_ENOTFOUND, "entry_id", "no ledger entry %lld",
                             (long long)entry_id);
    if (rc != FW_OK)
        return rc;
    if (kind != FW_LEDGER_ENTRY_POSTED && kind != FW_LEDGER_ENTRY_POST &&
        kind != FW_LEDGER_ENTRY_REVERSAL)
        return fw__error_set(err, FW_ESTATE, "entry_id",
                             "entry %lld is not a posted entry; void a hold instead of reversing it",
                             (long long)entry_id);
    rc = fw__db_i64(ctx, &reversed, err,
                    "SELECT id FROM fw_ledger_entry WHERE kind=6 AND related_id=?", "i", entry_id);
    if (rc == FW_OK)
        return fw__error_set(err, FW_ESTATE, "entry_id", "entry %lld was already reversed by %lld",
                             (long long)entry_id, (long long)reversed);
    if (rc != FW_ENOTFOUND)
        return rc;
    rc = fw__db_query(ctx, &s, err,
                      "SELECT account_id, amount FROM fw_ledger_posting WHERE entry_id=? "
                      "ORDER BY seq", "i", entry_id);
    if (rc != FW_OK)
        return rc;
    while ((rc = fw__db_step(s, err)) == FW__ROW && n < FW__LEDGER_MAX_POSTINGS) {
        p[n].account_id = fw__db_col_i64(s, 0);
        p[n].amount = -fw__db_col_i64(s, 1);
        n++;
    }
    fw__db_done(s);
    if (rc < 0)
        return rc;
    return post_entry(ctx, p, n, &m, 0, out_entry_id, err);
}

/* ---- public entry points: authorise, validate, idempotency, audit ---- */

static int require_key(const char *key, const char *path, fw_error **err)
{
    size_t n = key ? strlen(key) : 0;
    if (n == 0 || n > FW__IDEM_KEY_MAX)
        return fw__error_set(err, FW_EINVAL, path,
                             "an idempotency key of 1..%d bytes is required, got %zu bytes",
                             FW__IDEM_KEY_MAX, n);
    return FW_OK;
}

static int audit_entry(fw_ctx *ctx, const char *action, fw_id id, const char *detail,
                       fw_error **err)
{
    return fw__audit_append(ctx, action, "ledger_entry", id, detail, strlen(detail), err);
}

/* The request a transfer key was first used with. */
struct key_row {
    int found;
    fw_id entry;
    int rc;
    fw_id debit, credit;
    int64_t amount;
    char reason[FW__LEDGER_REASON_MAX + 1];
};

static int key_lookup(fw_ctx *ctx, const char *key, struct key_row *k, fw_error **err)
{
    fw__stmt *s;
    int rc = fw__db_query(ctx, &s, err,
                          "SELECT entry_id, rc, debit_account, credit_account, amount, reason, "
                          "err_path, err_message FROM fw_ledger_transfer_key WHERE key=?", "t", key);
    if (rc != FW_OK)
        return rc;
    k->found = 0;
    rc = fw__db_step(s, err);
    if (rc == FW__ROW) {
        k->found = 1;
        k->entry = fw__db_col_i64(s, 0);
        k->rc = (int)fw__db_col_i64(s, 1);
        k->debit = fw__db_col_i64(s, 2);
        k->credit = fw__db_col_i64(s, 3);
        k->amount = fw__db_col_i64(s, 4);
        snprintf(k->reason, sizeof(k->reason), "%s",
                 fw__db_col_text(s, 5) ? fw__db_col_text(s, 5) : "");
        if (k->rc != FW_OK)
            fw__error_copy(err, k->rc, fw__db_col_text(s, 6), fw__db_col_text(s, 7));
        rc = FW_OK;
    } else if (rc == FW__DONE) {
        rc = FW_OK;
    }
    fw__db_done(s);
    if (rc == FW_OK && k->found && k->rc == FW_OK) {
        /* A success keeps no copy of the request: its entry's postings are the request. */
        rc = fw__db_query(ctx, &s, err,
                          "SELECT p.account_id, p.amount, e.reason FROM fw_ledger_posting p "
                          "JOIN fw_ledger_entry e ON e.id = p.entry_id WHERE p.entry_id=? "
                          "ORDER BY p.seq", "i", k->entry);
        if (rc != FW_OK)
            return rc;
        while ((rc = fw__db_step(s, err)) == FW__ROW) {
            if (fw__db_col_i64(s, 1) > 0) {
                k->debit = fw__db_col_i64(s, 0);
                k->amount = fw__db_col_i64(s, 1);
            } else {
                k->credit = fw__db_col_i64(s, 0);
            }
            snprintf(k->reason, sizeof(k->reason), "%s", fw__db_col_text(s, 2));
        }
        fw__db_done(s);
        rc = rc < 0 ? rc : FW_OK;
    }
    return rc;
}

static int key_store(fw_ctx *ctx, const char *key, fw_id entry, int rc, fw_id debit, fw_id credit,
                     int64_t amount, const char *reason, const fw_error *e, fw_error **err)
{
    if (rc == FW_OK)
        return fw__db_exec(ctx, err,
                           "INSERT INTO fw_ledger_transfer_key(key, entry_id, rc) VALUES (?,?,0)",
                           "ti", key, entry);
    return fw__db_exec(ctx, err,
                       "INSERT INTO fw_ledger_transfer_key(key, entry_id, rc, debit_account, "
                       "credit_account, amount, reason, err_path, err_message) "
                       "VALUES (?,0,?,?,?,?,?,?,?)",
                       "tiiiittt", key, (int64_t)rc, debit, credit, amount, reason,
                       e ? fw_error_path(e) : NULL, e ? fw_error_message(e) : fw_strerror(rc));
}

/*
 * One transfer inside the caller's transaction, idempotent by its key (DESIGN §4): a replay
 * returns the first entry, or the first final failure again; a different request under the
 * key fails with FW_ECONFLICT naming the first field that differs. A business failure writes
 * nothing but its key's record (entries are checked before they are written); any other
 * failure may leave partial writes, and the caller must roll its transaction back.
 */
static int transfer_core(fw_ctx *ctx, fw_id *out, fw_id debit, fw_id credit, int64_t amount,
                         const char *reason, const char *key, int period_checked, fw_error **err)
{
    struct fw__posting p[2] = { { debit, amount }, { credit, -amount } };
    struct fw__entry_meta m = { FW_LEDGER_ENTRY_POSTED, reason, 0, 0, NULL, NULL, NULL };
    struct key_row k;
    fw_id id = 0;
    int rc;

    if ((rc = require_key(key, "idem_key", err)) != FW_OK)
        return rc;
    if ((rc = fw__ledger_check_reason(reason, "reason", err)) != FW_OK)
        return rc;
    if ((rc = check_pair(debit, credit, amount, err)) != FW_OK)
        return rc;
    if ((rc = key_lookup(ctx, key, &k, err)) != FW_OK)
        return rc;
    if (k.found) {
        const char *field = k.debit != debit ? "debit_account"
                          : k.credit != credit ? "credit_account"
                          : k.amount != amount ? "amount_fen"
                          : strcmp(k.reason, reason) != 0 ? "reason" : NULL;
        if (field)
            return fw__error_set(err, FW_ECONFLICT, "idempotency_key",
                                 "key \"%s\" was first used with a different %s; use a new key "
                                 "for a new request", key, field);
        if (k.rc == FW_OK)
            *out = k.entry;
        return k.rc;
    }
    rc = rename_leg_error(post_entry_ex(ctx, p, 2, &m, 0, period_checked, &id, err), err);
    if (rc == FW_OK)
        rc = key_store(ctx, key, id, FW_OK, 0, 0, 0, NULL, NULL, err);
    else if (fw__idem_is_final(rc) &&
             key_store(ctx, key, 0, rc, debit, credit, amount, reason, err ? *err : NULL, NULL) != FW_OK)
        rc = FW_EIO;
    if (rc == FW_OK)
        *out = id;
    return rc;
}

/* A final failure keeps its key's record: the transaction commits around it. */
static int end_keeping_failure(fw_ctx *ctx, int rc, fw_error **err)
{
    if (rc != FW_OK && fw__idem_is_final(rc)) {
        int crc = fw__tx_end(ctx, FW_OK, NULL);
        return crc != FW_OK ? crc : rc;
    }
    return fw__tx_end(ctx, rc, err);
}

int fw_ledger_transfer(fw_ctx *ctx, fw_id *out_entry_id, fw_id debit_account,
                       fw_id credit_account, int64_t amount_fen, const char *reason,
                       const char *idem_key, fw_error **err)
{
    char detail[200];
    fw_id id = 0;
    int rc;

    if (!ctx || !out_entry_id)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and out_entry_id are required");
    if ((rc = fw__authz_require(ctx, "ledger.transfer", err)) != FW_OK)
        return rc;
    if ((rc = fw__tx_begin(ctx, err)) != FW_OK)
        return rc;
    rc = transfer_core(ctx, &id, debit_account, credit_account, amount_fen, reason, idem_key, 0, err);
    if (rc == FW_OK) {
        snprintf(detail, sizeof(detail),
                 "{\"debit_account\":%lld,\"credit_account\":%lld,\"amount_fen\":%lld,"
                 "\"reason\":\"%s\"}", (long long)debit_account, (long long)credit_account,
                 (long long)amount_fen, reason);
        rc = audit_entry(ctx, "ledger.transfer", id, detail, err);
    }
    rc = end_keeping_failure(ctx, rc, err);
    if (rc == FW_OK)
        *out_entry_id = id;
    return rc;
}

int fw_ledger_transfer_batch(fw_ctx *ctx, const fw_ledger_transfer_item *items, size_t n,
                             uint32_t flags, fw_id *out_entry_ids, int *out_rcs, fw_error **err)
{
    fw_id first = 0, last = 0;
    size_t i, ok = 0;
    char detail[160];
    int rc;

    if (!ctx || (!items && n > 0))
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and items are required");
    if (n > 100000)
        return fw__error_set(err, FW_EINVAL, "n", "a batch holds at most 100000 transfers, got %zu", n);
    if (flags & ~FW_LEDGER_BATCH_ATOMIC)
        return fw__error_set(err, FW_EINVAL, "flags", "unknown flags 0x%x", flags);
    if ((rc = fw__authz_require(ctx, "ledger.transfer", err)) != FW_OK)
        return rc;
    if ((rc = fw__tx_begin(ctx, err)) != FW_OK)
        return rc;
    /* The batch's instant is one: its period is checked once. */
    if ((rc = fw__ledger_period_check(ctx, fw_ctx_now(ctx), "$", err)) != FW_OK)
        return fw__tx_end(ctx, rc, err);
    for (i = 0; i < n; i++) {
        fw_error *e = NULL;
        fw_id id = 0;
        int irc = transfer_core(ctx, &id, items[i].debit_account, items[i].credit_account,
                                items[i].amount_fen, items[i].reason, items[i].idem_key, 1, &e);
        if (irc == FW_OK) {
            ok++;
            if (!first)
                first = id;
            last = id;
        }
        if (out_rcs)
            out_rcs[i] = irc;
        if (out_entry_ids)
            out_entry_ids[i] = irc == FW_OK ? id : 0;
        if (irc != FW_OK && ((flags & FW_LEDGER_BATCH_ATOMIC) || !fw__idem_is_final(irc))) {
            char path[64];
            const char *p = e ? fw_error_path(e) : "";
            const char *msg = e ? fw_error_message(e) : fw_strerror(irc);
            const char *colon = *p ? strstr(msg, ": ") : NULL;
            snprintf(path, sizeof(path), "$[%zu]%s%s", i, *p ? "." : "", p);
            rc = fw__error_set(err, irc, path, "%s", colon ? colon + 2 : msg);
            fw_error_free(e);
            if (out_entry_ids)
                memset(out_entry_ids, 0, n * sizeof(*out_entry_ids));
            return fw__tx_end(ctx, rc, NULL);
        }
        fw_error_free(e);
    }
    snprintf(detail, sizeof(detail), "{\"count\":%zu,\"ok\":%zu,\"first_entry\":%lld,"
             "\"last_entry\":%lld}", n, ok, (long long)first, (long long)last);
    rc = fw__audit_append(ctx, "ledger.transfer_batch", "ledger_entry", first, detail,
                          strlen(detail), err);
    return fw__tx_end(ctx, rc, err);
}

int fw_ledger_entry_post(fw_ctx *ctx, fw_id *out_entry_id, const char *json, size_t json_len,
                         fw_error **err)
{
    static const char *const fields[] = { "idempotency_key", "reason", "effective_ms",
                                          "ref_kind", "ref_id", "memo", "postings", NULL };
    static const char *const pfields[] = { "account_id", "debit_fen", "credit_fen", NULL };
    struct fw__entry_meta m = { FW_LEDGER_ENTRY_POSTED, NULL, 0, 0, NULL, NULL, NULL };
    struct fw__posting *p = NULL;
    const cJSON *arr = NULL, *it;
    const char *key = NULL;
    cJSON *root = NULL;
    char *canon = NULL;
    fw__idem idem;
    size_t n = 0, i = 0;
    fw_id id = 0;
    int rc;

    if (!ctx || !out_entry_id || !json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx, out_entry_id and json are required");
    if ((rc = fw__authz_require(ctx, "ledger.entry_post", err)) != FW_OK)
        return rc;
    if ((rc = fw__json_parse(&root, json, json_len, err)) != FW_OK)
        return rc;
    rc = fw__json_only(root, "$", fields, err);
    if (rc == FW_OK)
        rc = fw__json_str(root, "$", "idempotency_key", FW__REQUIRED, 1, FW__IDEM_KEY_MAX, &key, err);
    if (rc == FW_OK)
        rc = fw__json_str(root, "$", "reason", FW__REQUIRED, 1, FW__LEDGER_REASON_MAX, &m.reason, err);
    if (rc == FW_OK)
        rc = fw__ledger_check_reason(m.reason, "$.reason", err);
    if (rc == FW_OK)
        rc = fw__json_i64(root, "$", "effective_ms", FW__OPTIONAL, 1, INT64_MAX, &m.effective_ms, err);
    if (rc == FW_OK)
        rc = fw__json_str(root, "$", "ref_kind", FW__OPTIONAL, 1, FW__LEDGER_REF_MAX, &m.ref_kind, err);
    if (rc == FW_OK)
        rc = fw__json_str(root, "$", "ref_id", FW__OPTIONAL, 1, FW__LEDGER_REF_MAX, &m.ref_id, err);
    if (rc == FW_OK && (!m.ref_kind) != (!m.ref_id))
        rc = fw__error_set(err, FW_EINVAL, m.ref_kind ? "$.ref_id" : "$.ref_kind",
                           "ref_kind and ref_id go together");
    if (rc == FW_OK)
        rc = fw__json_str(root, "$", "memo", FW__OPTIONAL, 1, FW__LEDGER_MEMO_MAX, &m.memo, err);
    if (rc == FW_OK)
        rc = fw__json_arr(root, "$", "postings", FW__REQUIRED, FW__LEDGER_MAX_POSTINGS, &arr, err);
    if (rc == FW_OK) {
        n = (size_t)cJSON_GetArraySize(arr);
        if (n < 2)
            rc = fw__error_set(err, FW_EINVAL, "$.postings", "an entry needs 2..%d postings, got %zu",
                               FW__LEDGER_MAX_POSTINGS, n);
        else if (!(p = calloc(n, sizeof(*p))))
            rc = fw__error_nomem(err);
    }
    if (rc == FW_OK) {
        cJSON_ArrayForEach(it, arr) {
            char path[48];
            int64_t d = 0, c = 0;
            fw__json_path_index(path, sizeof(path), "$.postings", i);
            if (!cJSON_IsObject(it)) {
                rc = fw__error_set(err, FW_EINVAL, path, "must be an object");
                break;
            }
            rc = fw__json_only(it, path, pfields, err);
            if (rc == FW_OK)
                rc = fw__json_i64(it, path, "account_id", FW__REQUIRED, 1, INT64_MAX,
                                  &p[i].account_id, err);
            if (rc == FW_OK)
                rc = fw__json_i64(it, path, "debit_fen", FW__OPTIONAL, 1, INT64_MAX, &d, err);
            if (rc == FW_OK)
                rc = fw__json_i64(it, path, "credit_fen", FW__OPTIONAL, 1, INT64_MAX, &c, err);
            if (rc == FW_OK && (d > 0) == (c > 0))
                rc = fw__error_set(err, FW_EINVAL, path,
                                   "must have exactly one of debit_fen and credit_fen (> 0)");
            if (rc != FW_OK)
                break;
            p[i++].amount = d > 0 ? d : -c;
        }
    }
    if (rc == FW_OK) {
        /* The request without its key, canonical: what a replay must match. */
        cJSON *copy = cJSON_Duplicate(root, 1);
        if (copy)
            cJSON_DeleteItemFromObjectCaseSensitive(copy, "idempotency_key");
        canon = copy ? fw__json_print(copy) : NULL;
        cJSON_Delete(copy);
        if (!canon)
            rc = fw__error_nomem(err);
    }
    if (rc == FW_OK)
        rc = fw__tx_begin(ctx, err);
    if (rc != FW_OK) {
        free(p);
        cJSON_free(canon);
        cJSON_Delete(root);
        return rc;
    }
    rc = fw__idem_begin(ctx, &idem, "ledger.entry_post", key, canon, strlen(canon), err);
    if (rc == FW_OK && idem.replayed) {
        id = idem.result_id;
        rc = idem.rc;
    } else if (rc == FW_OK) {
        rc = fw__ledger_post(ctx, p, n, &m, &id, err);
        if (rc == FW_OK)
            rc = audit_entry(ctx, "ledger.entry_post", id, canon, err);
    }
    rc = fw__idem_end(ctx, &idem, rc, id, NULL, err);
    free(p);
    cJSON_free(canon);
    cJSON_Delete(root);
    if (rc == FW_OK)
        *out_entry_id = id;
    return rc;
}

int fw_ledger_entry_reverse(fw_ctx *ctx, fw_id *out_entry_id, fw_id entry_id, const char *reason,
                            const char *idem_key, fw_error **err)
{
    char req[160];
    fw__idem idem;
    fw_id id = 0;
    int rc, n;

    if (!ctx || !out_entry_id)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and out_entry_id are required");
    if ((rc = fw__authz_require(ctx, "ledger.entry_reverse", err)) != FW_OK)
        return rc;
    if ((rc = require_key(idem_key, "idem_key", err)) != FW_OK)
        return rc;
    if ((rc = fw__ledger_check_reason(reason, "reason", err)) != FW_OK)
        return rc;
    n = snprintf(req, sizeof(req), "{\"entry_id\":%lld,\"reason\":\"%s\"}", (long long)entry_id,
                 reason);
    if ((rc = fw__tx_begin(ctx, err)) != FW_OK)
        return rc;
    rc = fw__idem_begin(ctx, &idem, "ledger.entry_reverse", idem_key, req, (size_t)n, err);
    if (rc == FW_OK && idem.replayed) {
        id = idem.result_id;
        rc = idem.rc;
    } else if (rc == FW_OK) {
        rc = fw__ledger_reverse(ctx, &id, entry_id, reason, err);
        if (rc == FW_OK)
            rc = audit_entry(ctx, "ledger.entry_reverse", id, req, err);
    }
    rc = fw__idem_end(ctx, &idem, rc, id, NULL, err);
    if (rc == FW_OK)
        *out_entry_id = id;
    return rc;
}

int fw_ledger_hold(fw_ctx *ctx, fw_id *out_hold_id, fw_id debit_account, fw_id credit_account,
                   int64_t amount_fen, int64_t expires_ms, const char *reason,
                   const char *idem_key, fw_error **err)
{
    char req[256];
    fw__idem idem;
    fw_id id = 0;
    int rc, n;

    if (!ctx || !out_hold_id)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and out_hold_id are required");
    if ((rc = fw__authz_require(ctx, "ledger.hold", err)) != FW_OK)
        return rc;
    if ((rc = require_key(idem_key, "idem_key", err)) != FW_OK)
        return rc;
    if ((rc = fw__ledger_check_reason(reason, "reason", err)) != FW_OK)
        return rc;
    if ((rc = check_pair(debit_account, credit_account, amount_fen, err)) != FW_OK)
        return rc;
    if (expires_ms != 0 && expires_ms <= fw_ctx_now(ctx))
        return fw__error_set(err, FW_EINVAL, "expires_ms",
                             "must be 0 (never) or later than now (%lld), got %lld",
                             (long long)fw_ctx_now(ctx), (long long)expires_ms);
    n = snprintf(req, sizeof(req),
                 "{\"debit_account\":%lld,\"credit_account\":%lld,\"amount_fen\":%lld,"
                 "\"expires_ms\":%lld,\"reason\":\"%s\"}",
                 (long long)debit_account, (long long)credit_account, (long long)amount_fen,
                 (long long)expires_ms, reason);
    if ((rc = fw__tx_begin(ctx, err)) != FW_OK)
        return rc;
    rc = fw__idem_begin(ctx, &idem, "ledger.hold", idem_key, req, (size_t)n, err);
    if (rc == FW_OK && idem.replayed) {
        id = idem.result_id;
        rc = idem.rc;
    } else if (rc == FW_OK) {
        rc = fw__ledger_hold(ctx, &id, debit_account, credit_account, amount_fen, expires_ms,
                             reason, NULL, NULL, err);
        if (rc == FW_OK)
            rc = audit_entry(ctx, "ledger.hold", id, req, err);
    }
    rc = fw__idem_end(ctx, &idem, rc, id, NULL, err);
    if (rc == FW_OK)
        *out_hold_id = id;
    return rc;
}

int fw_ledger_hold_post(fw_ctx *ctx, fw_id *out_entry_id, fw_id hold_id, int64_t amount_fen,
                        const char *idem_key, fw_error **err)
{
    char req[128];
    fw__idem idem;
    fw_id id = 0;
    int rc, n;

    if (!ctx || !out_entry_id)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and out_entry_id are required");
    if ((rc = fw__authz_require(ctx, "ledger.hold", err)) != FW_OK)
        return rc;
    if ((rc = require_key(idem_key, "idem_key", err)) != FW_OK)
        return rc;
    if (amount_fen <= 0)
        return fw__error_set(err, FW_EINVAL, "amount_fen",
                             "must be a positive number of fen or FW_LEDGER_AMOUNT_FULL, got %lld",
                             (long long)amount_fen);
    n = snprintf(req, sizeof(req), "{\"hold_id\":%lld,\"amount_fen\":%lld}", (long long)hold_id,
                 (long long)amount_fen);
    if ((rc = fw__tx_begin(ctx, err)) != FW_OK)
        return rc;
    rc = fw__idem_begin(ctx, &idem, "ledger.hold_post", idem_key, req, (size_t)n, err);
    if (rc == FW_OK && idem.replayed) {
        id = idem.result_id;
        rc = idem.rc;
    } else if (rc == FW_OK) {
        rc = fw__ledger_hold_post(ctx, &id, hold_id, amount_fen, err);
        if (rc == FW_OK)
            rc = audit_entry(ctx, "ledger.hold_post", id, req, err);
    }
    rc = fw__idem_end(ctx, &idem, rc, id, NULL, err);
    if (rc == FW_OK)
        *out_entry_id = id;
    return rc;
}

int fw_ledger_hold_void(fw_ctx *ctx, fw_id hold_id, const char *idem_key, fw_error **err)
{
    char req[64];
    fw__idem idem;
    int rc, n;

    if (!ctx)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx is required");
    if ((rc = fw__authz_require(ctx, "ledger.hold", err)) != FW_OK)
        return rc;
    if ((rc = require_key(idem_key, "idem_key", err)) != FW_OK)
        return rc;
    n = snprintf(req, sizeof(req), "{\"hold_id\":%lld}", (long long)hold_id);
    if ((rc = fw__tx_begin(ctx, err)) != FW_OK)
        return rc;
    rc = fw__idem_begin(ctx, &idem, "ledger.hold_void", idem_key, req, (size_t)n, err);
    if (rc == FW_OK && idem.replayed) {
        rc = idem.rc;
    } else if (rc == FW_OK) {
        rc = fw__ledger_hold_void(ctx, hold_id, err);
        if (rc == FW_OK)
            rc = audit_entry(ctx, "ledger.hold_void", hold_id, req, err);
    }
    return fw__idem_end(ctx, &idem, rc, hold_id, NULL, err);
}

int fw_ledger_expire_holds(fw_ctx *ctx, int64_t now_ms, int64_t *out_count, fw_error **err)
{
    fw_id ids[256];
    int64_t total = 0;
    size_t k, i;
    fw__stmt *s;
    int rc;

    if (!ctx)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx is required");
    if ((rc = fw__authz_require(ctx, "ledger.expire_holds", err)) != FW_OK)
        return rc;
    if ((rc = fw__tx_begin(ctx, err)) != FW_OK)
        return rc;
    do {
        k = 0;
        rc = fw__db_query(ctx, &s, err,
                          "SELECT id FROM fw_ledger_hold WHERE state=1 AND expires_ms>0 AND "
                          "expires_ms<=? ORDER BY expires_ms, id LIMIT 256", "i", now_ms);
        if (rc != FW_OK)
            break;
        while ((rc = fw__db_step(s, err)) == FW__ROW)
            ids[k++] = fw__db_col_i64(s, 0);
        fw__db_done(s);
        if (rc < 0)
            break;
        rc = FW_OK;
        for (i = 0; i < k && rc == FW_OK; i++) {
            fw_id e = 0;
            char detail[64];
            rc = expire_hold(ctx, ids[i], FW_LEDGER_ENTRY_EXPIRE, &e, err);
            snprintf(detail, sizeof(detail), "{\"hold_id\":%lld}", (long long)ids[i]);
            if (rc == FW_OK)
                rc = audit_entry(ctx, "ledger.hold_expire", e, detail, err);
        }
        total += (int64_t)k;
    } while (rc == FW_OK && k == 256);
    rc = fw__tx_end(ctx, rc, err);
    if (rc == FW_OK && out_count)
        *out_count = total;
    return rc;
}
