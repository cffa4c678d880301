/* Ledger: balances, invariants, idempotency, two-phase transfers, periods, crash safety. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support.h"
#include "core/db.h"
#include "core/clock.h"
#include "ledger/ledger.h"

#define DAY FW__MS_PER_DAY

static fw_id open_account(fw_ctx *ctx, uint32_t kind, fw_id owner, uint32_t type, const char *cur)
{
    fw_id id = 0;
    fw_error *err = NULL;
    assert_rc(fw__ledger_account(ctx, kind, owner, type, cur, 1, &id, &err), FW_OK, &err);
    return id;
}

static int64_t posted(fw_ctx *ctx, fw_id id)
{
    int64_t p = -1;
    fw_error *err = NULL;
    assert_rc(fw_ledger_balance(ctx, id, &p, NULL, NULL, &err), FW_OK, &err);
    return p;
}

static int64_t available(fw_ctx *ctx, fw_id id)
{
    int64_t a = -1;
    fw_error *err = NULL;
    assert_rc(fw_ledger_balance(ctx, id, NULL, NULL, &a, &err), FW_OK, &err);
    return a;
}

/* The trial balance is zero and every stored balance equals its postings. */
static void assert_invariants(fw_ctx *ctx)
{
    int balanced = 0, consistent = 0;
    fw_error *err = NULL;
    assert_rc(fw__ledger_check(ctx, &balanced, &consistent, &err), FW_OK, &err);
    assert_int_equal(balanced, 1);
    assert_int_equal(consistent, 1);
}

static int64_t count(fw_ctx *ctx, const char *sql)
{
    int64_t n = -1;
    assert_int_equal(fw__db_i64(ctx, &n, NULL, sql, ""), FW_OK);
    return n;
}

struct world {
    fw_id bank, ent, ent2, worker, fee;
};

/* Bank clearing, two enterprises' funds, a worker, fee revenue; enterprise 1 funded with 100000. */
static struct world make_world(fw_ctx *ctx)
{
    struct world w;
    fw_id e = 0;
    fw_error *err = NULL;

    w.bank = open_account(ctx, FW_LEDGER_OWNER_PLATFORM, 0, FW_ACCT_BANK_CLEARING, NULL);
    w.fee = open_account(ctx, FW_LEDGER_OWNER_PLATFORM, 0, FW_ACCT_FEE_REVENUE, NULL);
    w.ent = open_account(ctx, FW_LEDGER_OWNER_ENTERPRISE, 1, FW_ACCT_ENTERPRISE_FUNDS, NULL);
    w.ent2 = open_account(ctx, FW_LEDGER_OWNER_ENTERPRISE, 2, FW_ACCT_ENTERPRISE_FUNDS, NULL);
    w.worker = open_account(ctx, FW_LEDGER_OWNER_WORKER, 7, FW_ACCT_WORKER_PAYABLE, NULL);
    assert_rc(fw_ledger_transfer(ctx, &e, w.bank, w.ent, 100000, "funding.recognised", "fund-1",
                                 &err), FW_OK, &err);
    return w;
}

/* .a: a funding transfer moves exact amounts; balances on each normal side. */
static void transfer_moves_exact_balances(void **state)
{
    fw_ctx *ctx = *state;
    struct world w = make_world(ctx);
    fw_id e = 0;
    fw_error *err = NULL;
    char *json = NULL;

    assert_int_equal(posted(ctx, w.bank), 100000);     /* debit-normal asset */
    assert_int_equal(posted(ctx, w.ent), 100000);      /* credit-normal liability */
    assert_rc(fw_ledger_transfer(ctx, &e, w.ent, w.worker, 30000, "payout.earned", "pay-1", &err),
              FW_OK, &err);
    assert_int_equal(posted(ctx, w.ent), 70000);
    assert_int_equal(posted(ctx, w.worker), 30000);
    assert_rc(fw_ledger_account_get(ctx, w.ent, &json, NULL, &err), FW_OK, &err);
    assert_non_null(strstr(json, "\"type\":\"enterprise_funds\""));
    assert_non_null(strstr(json, "\"debits_posted_fen\":30000,\"credits_posted_fen\":100000"));
    assert_non_null(strstr(json, "\"flags\":[\"debits_must_not_exceed_credits\"]"));
    fw_free(json);
    assert_rc(fw_ledger_entry_get(ctx, e, &json, NULL, &err), FW_OK, &err);
    assert_non_null(strstr(json, "\"postings\":[{\"account_id\":3,\"debit_fen\":30000,\"pending\":false},"
                                 "{\"account_id\":5,\"credit_fen\":30000,\"pending\":false}]"));
    fw_free(json);
    assert_invariants(ctx);
}

/* A debit beyond the credits of a limited account is refused and changes nothing. */
static void overdraft_refused_nothing_changed(void **state)
{
    fw_ctx *ctx = *state;
    struct world w = make_world(ctx);
    int64_t entries = count(ctx, "SELECT count(*) FROM fw_ledger_entry");
    fw_id e = 0;
    fw_error *err = NULL;

    assert_int_equal(fw_ledger_transfer(ctx, &e, w.ent, w.worker, 100001, "payout.earned", "p-1",
                                        &err), FW_EFUNDS);
    assert_string_equal(fw_error_path(err), "debit_account");
    assert_string_equal(fw_error_message(err),
                        "debit_account: account 3 has 100000 fen available, 100001 fen needed");
    fw_error_free(err);
    assert_int_equal(e, 0);
    assert_int_equal(posted(ctx, w.ent), 100000);
    assert_int_equal(posted(ctx, w.worker), 0);
    assert_int_equal(count(ctx, "SELECT count(*) FROM fw_ledger_entry"), entries);
    assert_invariants(ctx);
}

/* DESIGN §4: same key + same request replays; a different request conflicts; failures replay. */
static void idempotency_replay_conflict_and_failure(void **state)
{
    fw_ctx *ctx = *state;
    struct world w = make_world(ctx);
    fw_id e1 = 0, e2 = 0, e3 = 0;
    fw_error *err = NULL;

    assert_rc(fw_ledger_transfer(ctx, &e1, w.ent, w.worker, 500, "payout.earned", "k1", &err), FW_OK, &err);
    assert_rc(fw_ledger_transfer(ctx, &e2, w.ent, w.worker, 500, "payout.earned", "k1", &err), FW_OK, &err);
    assert_int_equal(e1, e2);
    assert_int_equal(posted(ctx, w.worker), 500);

    assert_int_equal(fw_ledger_transfer(ctx, &e3, w.ent, w.worker, 501, "payout.earned", "k1", &err),
                     FW_ECONFLICT);
    assert_string_equal(fw_error_message(err),
                        "idempotency_key: key \"k1\" was first used with a different amount_fen; "
                        "use a new key for a new request");
    fw_error_free(err);
    err = NULL;
    assert_int_equal(e3, 0);

    /* A business failure is final for its key, even once the funds are there. */
    assert_int_equal(fw_ledger_transfer(ctx, &e3, w.ent2, w.worker, 10, "payout.earned", "k2", &err),
                     FW_EFUNDS);
    fw_error_free(err);
    err = NULL;
    assert_rc(fw_ledger_transfer(ctx, &e3, w.bank, w.ent2, 1000, "funding.recognised", "k3", &err),
              FW_OK, &err);
    assert_int_equal(fw_ledger_transfer(ctx, &e3, w.ent2, w.worker, 10, "payout.earned", "k2", &err),
                     FW_EFUNDS);
    assert_string_equal(fw_error_path(err), "debit_account");
    fw_error_free(err);
    assert_int_equal(posted(ctx, w.ent2), 1000);
    assert_int_equal(posted(ctx, w.worker), 500);
    assert_invariants(ctx);
}

static void bad_arguments_name_the_field(void **state)
{
    fw_ctx *ctx = *state;
    struct world w = make_world(ctx);
    fw_id e = 0;
    fw_error *err = NULL;

    assert_int_equal(fw_ledger_transfer(ctx, &e, w.ent, w.worker, 0, "x", "k", &err), FW_EINVAL);
    assert_string_equal(fw_error_path(err), "amount_fen");
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw_ledger_transfer(ctx, &e, w.ent, w.ent, 5, "x", "k", &err), FW_EINVAL);
    assert_string_equal(fw_error_path(err), "credit_account");
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw_ledger_transfer(ctx, &e, w.ent, w.worker, 5, "Bad Reason", "k", &err), FW_EINVAL);
    assert_string_equal(fw_error_path(err), "reason");
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw_ledger_transfer(ctx, &e, w.ent, w.worker, 5, "x", "", &err), FW_EINVAL);
    assert_string_equal(fw_error_path(err), "idem_key");
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw_ledger_transfer(ctx, &e, w.ent, 999, 5, "x", "k9", &err), FW_ENOTFOUND);
    assert_string_equal(fw_error_message(err), "credit_account: no ledger account 999");
    fw_error_free(err);
    assert_int_equal(posted(ctx, w.ent), 100000);
    assert_invariants(ctx);
}

/* Financial history is append-only: the store itself refuses updates and deletes. */
static void journal_is_append_only(void **state)
{
    fw_ctx *ctx = *state;
    struct world w = make_world(ctx);
    (void)w;
    assert_int_equal(fw__db_exec(ctx, NULL, "UPDATE fw_ledger_entry SET reason='x'", ""), FW_EPERM);
    assert_int_equal(fw__db_exec(ctx, NULL, "DELETE FROM fw_ledger_entry", ""), FW_EPERM);
    assert_int_equal(fw__db_exec(ctx, NULL, "UPDATE fw_ledger_posting SET amount=1", ""), FW_EPERM);
    assert_int_equal(fw__db_exec(ctx, NULL, "DELETE FROM fw_ledger_posting", ""), FW_EPERM);
    assert_int_equal(count(ctx, "SELECT count(*) FROM fw_ledger_posting"), 2);
    assert_invariants(ctx);
}

/* A correction is a reversing entry linked to the original; an entry reverses once. */
static void reversal_links_original(void **state)
{
    fw_ctx *ctx = *state;
    struct world w = make_world(ctx);
    fw_id e = 0, r = 0, r2 = 0;
    fw_error *err = NULL;
    char *json = NULL;

    assert_rc(fw_ledger_transfer(ctx, &e, w.ent, w.worker, 4000, "payout.earned", "p", &err), FW_OK, &err);
    assert_rc(fw_ledger_entry_reverse(ctx, &r, e, "payout.returned", "rev-1", &err), FW_OK, &err);
    assert_int_equal(posted(ctx, w.ent), 100000);
    assert_int_equal(posted(ctx, w.worker), 0);
    assert_rc(fw_ledger_entry_get(ctx, r, &json, NULL, &err), FW_OK, &err);
    assert_non_null(strstr(json, "\"kind\":\"reversal\""));
    char want[64];
    snprintf(want, sizeof(want), "\"related_id\":%lld", (long long)e);
    assert_non_null(strstr(json, want));
    fw_free(json);
    assert_int_equal(fw_ledger_entry_reverse(ctx, &r2, e, "payout.returned", "rev-2", &err), FW_ESTATE);
    fw_error_free(err);
    assert_int_equal(r2, 0);
    assert_invariants(ctx);
}

/* Two-phase: holds reduce available, post in part, post twice, void after post. */
static void two_phase_post_partial_and_edges(void **state)
{
    fw_ctx *ctx = *state;
    struct world w = make_world(ctx);
    fw_id h = 0, h2 = 0, e = 0, e2 = 0;
    int64_t p, q, a;
    fw_error *err = NULL;

    assert_rc(fw_ledger_hold(ctx, &h, w.ent, w.worker, 30000, 0, "payout.hold", "h1", &err), FW_OK, &err);
    assert_rc(fw_ledger_balance(ctx, w.ent, &p, &q, &a, &err), FW_OK, &err);
    assert_int_equal(p, 100000);
    assert_int_equal(q, 70000);
    assert_int_equal(a, 70000);
    assert_rc(fw_ledger_balance(ctx, w.worker, &p, &q, &a, &err), FW_OK, &err);
    assert_int_equal(p, 0);
    assert_int_equal(q, 30000);
    assert_int_equal(a, 0);
    /* The hold counts against what else may be spent. */
    assert_int_equal(fw_ledger_transfer(ctx, &e, w.ent, w.worker, 70001, "payout.earned", "t1", &err),
                     FW_EFUNDS);
    fw_error_free(err);
    err = NULL;
    assert_invariants(ctx);

    assert_rc(fw_ledger_hold_post(ctx, &e, h, 20000, "hp1", &err), FW_OK, &err);
    assert_int_equal(posted(ctx, w.ent), 80000);
    assert_int_equal(available(ctx, w.ent), 80000);
    assert_int_equal(posted(ctx, w.worker), 20000);
    assert_rc(fw_ledger_hold_post(ctx, &e2, h, 20000, "hp1", &err), FW_OK, &err);   /* replay */
    assert_int_equal(e2, e);
    assert_int_equal(fw_ledger_hold_post(ctx, &e2, h, 1000, "hp2", &err), FW_ESTATE);
    assert_non_null(strstr(fw_error_message(err), "is already posted"));
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw_ledger_hold_void(ctx, h, "hv1", &err), FW_ESTATE);
    fw_error_free(err);
    err = NULL;

    assert_rc(fw_ledger_hold(ctx, &h2, w.ent, w.worker, 5000, 0, "payout.hold", "h2", &err), FW_OK, &err);
    assert_int_equal(fw_ledger_hold_post(ctx, &e2, h2, 5001, "hp3", &err), FW_EINVAL);
    assert_string_equal(fw_error_path(err), "amount_fen");
    fw_error_free(err);
    err = NULL;
    assert_rc(fw_ledger_hold_void(ctx, h2, "hv2", &err), FW_OK, &err);
    assert_int_equal(available(ctx, w.ent), 80000);
    assert_int_equal(fw_ledger_hold_post(ctx, &e2, h2, FW_LEDGER_AMOUNT_FULL, "hp4", &err), FW_ESTATE);
    fw_error_free(err);
    assert_invariants(ctx);
}

/* Expiry by the injected clock: the sweep, and lazily when the funds are needed. */
static void holds_expire_by_clock(void **state)
{
    fw_ctx *ctx = *state;
    struct world w = make_world(ctx);
    fw_id h = 0, h2 = 0, e = 0;
    int64_t n = -1;
    fw_error *err = NULL;

    assert_rc(fw_ledger_hold(ctx, &h, w.ent, w.worker, 60000, test_clock_ms + 1000, "payout.hold",
                             "h1", &err), FW_OK, &err);
    assert_int_equal(available(ctx, w.ent), 40000);
    test_clock_advance(1000);
    assert_int_equal(fw_ledger_hold_post(ctx, &e, h, FW_LEDGER_AMOUNT_FULL, "hp", &err), FW_ESTATE);
    assert_non_null(strstr(fw_error_message(err), "expired"));
    fw_error_free(err);
    err = NULL;
    assert_rc(fw_ledger_expire_holds(ctx, test_clock_ms, &n, &err), FW_OK, &err);
    assert_int_equal(n, 1);
    assert_int_equal(available(ctx, w.ent), 100000);
    assert_int_equal(count(ctx, "SELECT state FROM fw_ledger_hold"), FW_LEDGER_HOLD_EXPIRED);
    assert_invariants(ctx);

    /* Lazy: an expired hold gives way to a transfer that needs its funds. */
    assert_rc(fw_ledger_hold(ctx, &h2, w.ent, w.worker, 90000, test_clock_ms + 500, "payout.hold",
                             "h2", &err), FW_OK, &err);
    test_clock_advance(600);
    assert_rc(fw_ledger_transfer(ctx, &e, w.ent, w.worker, 50000, "payout.earned", "t", &err), FW_OK, &err);
    assert_int_equal(posted(ctx, w.ent), 50000);
    assert_int_equal(available(ctx, w.ent), 50000);
    assert_int_equal(count(ctx, "SELECT count(*) FROM fw_ledger_hold WHERE state=4"), 2);
    assert_invariants(ctx);
}

/* A host batch where call 2 fails: its changes are gone, the others stay. */
static void host_batch_failure_mid_batch(void **state)
{
    fw_ctx *ctx = *state;
    struct world w = make_world(ctx);
    fw_id e = 0;
    fw_error *err = NULL;

    assert_rc(fw_ctx_begin(ctx, &err), FW_OK, &err);
    assert_rc(fw_ledger_transfer(ctx, &e, w.ent, w.worker, 60000, "payout.earned", "b1", &err), FW_OK, &err);
    assert_int_equal(fw_ledger_transfer(ctx, &e, w.ent, w.worker, 60000, "payout.earned", "b2", &err),
                     FW_EFUNDS);
    fw_error_free(err);
    err = NULL;
    assert_rc(fw_ledger_transfer(ctx, &e, w.ent, w.fee, 1000, "fee.charged", "b3", &err), FW_OK, &err);
    assert_rc(fw_ctx_commit(ctx, &err), FW_OK, &err);
    assert_int_equal(posted(ctx, w.ent), 39000);
    assert_int_equal(posted(ctx, w.worker), 60000);
    assert_int_equal(posted(ctx, w.fee), 1000);
    assert_int_equal(count(ctx, "SELECT count(*) FROM fw_ledger_entry"), 3);
    assert_invariants(ctx);

    /* A rolled-back host batch leaves nothing. */
    assert_rc(fw_ctx_begin(ctx, &err), FW_OK, &err);
    assert_rc(fw_ledger_transfer(ctx, &e, w.ent, w.worker, 100, "payout.earned", "b4", &err), FW_OK, &err);
    assert_rc(fw_ctx_rollback(ctx, &err), FW_OK, &err);
    assert_int_equal(posted(ctx, w.ent), 39000);
    assert_invariants(ctx);
}

/* The batch form: independent outcomes, or all-or-nothing. */
static void batch_independent_and_atomic(void **state)
{
    fw_ctx *ctx = *state;
    struct world w = make_world(ctx);
    fw_ledger_transfer_item it[3] = {
        { w.ent, w.worker, 40000, "payout.earned", "x1" },
        { w.ent, w.worker, 70000, "payout.earned", "x2" },      /* exceeds */
        { w.ent, w.fee, 500, "fee.charged", "x3" },
    };
    fw_id ids[3];
    int rcs[3];
    fw_error *err = NULL;

    assert_rc(fw_ledger_transfer_batch(ctx, it, 3, 0, ids, rcs, &err), FW_OK, &err);
    assert_int_equal(rcs[0], FW_OK);
    assert_int_equal(rcs[1], FW_EFUNDS);
    assert_int_equal(rcs[2], FW_OK);
    assert_true(ids[0] > 0);
    assert_int_equal(ids[1], 0);
    assert_int_equal(posted(ctx, w.ent), 59500);
    assert_invariants(ctx);

    it[0].idem_key = "y1";
    it[1].idem_key = "y2";
    it[2].idem_key = "y3";
    assert_int_equal(fw_ledger_transfer_batch(ctx, it, 3, FW_LEDGER_BATCH_ATOMIC, ids, rcs, &err),
                     FW_EFUNDS);
    assert_string_equal(fw_error_path(err), "$[1].debit_account");
    fw_error_free(err);
    assert_int_equal(ids[0], 0);
    assert_int_equal(posted(ctx, w.ent), 59500);
    assert_int_equal(count(ctx, "SELECT count(*) FROM fw_ledger_transfer_key WHERE key LIKE 'y%'"), 0);
    assert_invariants(ctx);
}

/* Amounts at the int64 edges overflow cleanly: FW_EOVERFLOW and nothing changed. */
static void overflow_at_int64_edges(void **state)
{
    fw_ctx *ctx = *state;
    fw_id bank = open_account(ctx, FW_LEDGER_OWNER_PLATFORM, 0, FW_ACCT_BANK_CLEARING, NULL);
    fw_id fee = open_account(ctx, FW_LEDGER_OWNER_PLATFORM, 0, FW_ACCT_FEE_REVENUE, NULL);
    fw_id ins = open_account(ctx, FW_LEDGER_OWNER_PLATFORM, 0, FW_ACCT_INSURANCE_PAYABLE, NULL);
    fw_id e = 0;
    fw_error *err = NULL;

    assert_rc(fw_ledger_transfer(ctx, &e, bank, fee, INT64_MAX - 5, "x", "o1", &err), FW_OK, &err);
    assert_int_equal(fw_ledger_transfer(ctx, &e, bank, ins, 10, "x", "o2", &err), FW_EOVERFLOW);
    assert_string_equal(fw_error_message(err),
                        "debit_account: account 1's posted debits would leave the int64 fen range");
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw_ledger_transfer(ctx, &e, ins, fee, 6, "x", "o3", &err), FW_EOVERFLOW);
    assert_string_equal(fw_error_path(err), "credit_account");
    fw_error_free(err);
    err = NULL;
    assert_rc(fw_ledger_transfer(ctx, &e, ins, fee, 5, "x", "o4", &err), FW_OK, &err);
    assert_int_equal(posted(ctx, fee), INT64_MAX);
    assert_int_equal(posted(ctx, bank), INT64_MAX - 5);
    assert_int_equal(posted(ctx, ins), -5);
    assert_int_equal(count(ctx, "SELECT count(*) FROM fw_ledger_entry"), 2);
    assert_invariants(ctx);
}

/* Balances at past instants, including an entry back-dated into the past. */
static void balance_at_past_times(void **state)
{
    fw_ctx *ctx = *state;
    struct world w = make_world(ctx);        /* funded at T0 */
    int64_t t0 = test_clock_ms, b = -1;
    fw_id e = 0;
    fw_error *err = NULL;
    char json[300];

    test_clock_advance(DAY);
    assert_rc(fw_ledger_transfer(ctx, &e, w.ent, w.worker, 1000, "payout.earned", "a", &err), FW_OK, &err);
    test_clock_advance(DAY);
    assert_rc(fw_ledger_transfer(ctx, &e, w.ent, w.worker, 2000, "payout.earned", "b", &err), FW_OK, &err);
    test_clock_advance(DAY);
    /* Recorded now, effective half a day after T0. */
    snprintf(json, sizeof(json),
             "{\"idempotency_key\":\"c\",\"reason\":\"payout.earned\",\"effective_ms\":%lld,"
             "\"postings\":[{\"account_id\":%lld,\"debit_fen\":400},{\"account_id\":%lld,"
             "\"credit_fen\":400}]}",
             (long long)(t0 + DAY / 2), (long long)w.ent, (long long)w.worker);
    assert_rc(fw_ledger_entry_post(ctx, &e, json, strlen(json), &err), FW_OK, &err);

    assert_rc(fw_ledger_balance_at(ctx, w.ent, t0 - 1, &b, &err), FW_OK, &err);
    assert_int_equal(b, 0);
    assert_rc(fw_ledger_balance_at(ctx, w.ent, t0, &b, &err), FW_OK, &err);
    assert_int_equal(b, 100000);
    assert_rc(fw_ledger_balance_at(ctx, w.ent, t0 + DAY / 2, &b, &err), FW_OK, &err);
    assert_int_equal(b, 99600);
    assert_rc(fw_ledger_balance_at(ctx, w.ent, t0 + DAY, &b, &err), FW_OK, &err);
    assert_int_equal(b, 98600);
    assert_rc(fw_ledger_balance_at(ctx, w.worker, t0 + 2 * DAY, &b, &err), FW_OK, &err);
    assert_int_equal(b, 3400);
    assert_rc(fw_ledger_balance_at(ctx, w.ent, test_clock_ms, &b, &err), FW_OK, &err);
    assert_int_equal(b, posted(ctx, w.ent));
    assert_int_equal(b, 96600);
    assert_invariants(ctx);
}

/* Multi-posting entries balance per currency; currencies do not mix in a transfer. */
static void entries_balance_per_currency(void **state)
{
    fw_ctx *ctx = *state;
    struct world w = make_world(ctx);
    fw_id ubank = open_account(ctx, FW_LEDGER_OWNER_PLATFORM, 0, FW_ACCT_BANK_CLEARING, "USD");
    fw_id uent = open_account(ctx, FW_LEDGER_OWNER_ENTERPRISE, 1, FW_ACCT_ENTERPRISE_FUNDS, "USD");
    fw_id e = 0;
    fw_error *err = NULL;
    char json[600];

    snprintf(json, sizeof(json),
             "{\"idempotency_key\":\"m1\",\"reason\":\"payout.earned\",\"ref_kind\":\"payout\","
             "\"ref_id\":\"P-1\",\"postings\":[{\"account_id\":%lld,\"debit_fen\":1000},"
             "{\"account_id\":%lld,\"credit_fen\":900},{\"account_id\":%lld,\"credit_fen\":50}]}",
             (long long)w.ent, (long long)w.worker, (long long)w.fee);
    assert_int_equal(fw_ledger_entry_post(ctx, &e, json, strlen(json), &err), FW_EINVAL);
    assert_string_equal(fw_error_message(err),
                        "$.postings: debits and credits differ by 50 fen in CNY; each currency must balance");
    fw_error_free(err);
    err = NULL;
    assert_int_equal(posted(ctx, w.ent), 100000);

    snprintf(json, sizeof(json),
             "{\"idempotency_key\":\"m2\",\"reason\":\"funding.recognised\",\"postings\":["
             "{\"account_id\":%lld,\"debit_fen\":700},{\"account_id\":%lld,\"credit_fen\":700},"
             "{\"account_id\":%lld,\"debit_fen\":100},{\"account_id\":%lld,\"credit_fen\":100}]}",
             (long long)ubank, (long long)uent, (long long)w.bank, (long long)w.ent);
    assert_rc(fw_ledger_entry_post(ctx, &e, json, strlen(json), &err), FW_OK, &err);
    assert_int_equal(posted(ctx, uent), 700);
    assert_int_equal(posted(ctx, w.ent), 100100);

    assert_int_equal(fw_ledger_transfer(ctx, &e, w.ent, uent, 10, "x", "cx", &err), FW_EINVAL);
    assert_string_equal(fw_error_message(err),
                        "credit_account: must be in the debit account's currency; a transfer does "
                        "not exchange currencies");
    fw_error_free(err);
    err = NULL;
    snprintf(json, sizeof(json), "{\"idempotency_key\":\"m3\",\"reason\":\"x\",\"postings\":["
             "{\"account_id\":1,\"debit_fen\":5,\"credit_fen\":5},{\"account_id\":2,\"credit_fen\":5}]}");
    assert_int_equal(fw_ledger_entry_post(ctx, &e, json, strlen(json), &err), FW_EINVAL);
    assert_string_equal(fw_error_path(err), "$.postings[0]");
    fw_error_free(err);
    assert_invariants(ctx);
}

/* Period close seals the month: no back-dated entries; reopening is the admin's audited act. */
static void period_close_and_reopen(void **state)
{
    fw_ctx *ctx = *state;
    struct world w = make_world(ctx);         /* 2026-03-15 */
    int64_t march = test_clock_ms;
    fw_id e = 0;
    fw_error *err = NULL;
    char *out = NULL, json[300];

    assert_int_equal(fw_ledger_period_close(ctx, "2026-03", NULL, NULL, &err), FW_EINVAL);
    assert_string_equal(fw_error_message(err),
                        "month: 2026-03 is not over yet; a period closes after its last day");
    fw_error_free(err);
    err = NULL;
    test_clock_advance(20 * DAY);             /* April */
    assert_rc(fw_ledger_period_close(ctx, "2026-03", &out, NULL, &err), FW_OK, &err);
    assert_non_null(strstr(out, "\"month\":\"2026-03\",\"state\":\"closed\",\"entries\":1"));
    fw_free(out);
    assert_int_equal(fw_ledger_period_close(ctx, "2026-03", NULL, NULL, &err), FW_ESTATE);
    fw_error_free(err);
    err = NULL;
    assert_rc(fw_ledger_period_verify(ctx, "2026-03", &err), FW_OK, &err);

    snprintf(json, sizeof(json),
             "{\"idempotency_key\":\"bd\",\"reason\":\"adjust\",\"effective_ms\":%lld,\"postings\":["
             "{\"account_id\":%lld,\"debit_fen\":10},{\"account_id\":%lld,\"credit_fen\":10}]}",
             (long long)march, (long long)w.ent, (long long)w.worker);
    assert_int_equal(fw_ledger_entry_post(ctx, &e, json, strlen(json), &err), FW_ECLOSED);
    assert_string_equal(fw_error_message(err),
                        "$.effective_ms: the accounting period 2026-03 is closed; date the entry "
                        "in an open period");
    fw_error_free(err);
    err = NULL;

    test_actor(ctx, FW_ROLE_FINANCE, 0);
    assert_int_equal(fw_ledger_period_reopen(ctx, "2026-03", "late bank fee", &err), FW_EPERM);
    fw_error_free(err);
    err = NULL;
    test_actor(ctx, FW_ROLE_ADMIN, 0);
    assert_int_equal(fw_ledger_period_reopen(ctx, "2026-03", "", &err), FW_EINVAL);
    fw_error_free(err);
    err = NULL;
    assert_rc(fw_ledger_period_reopen(ctx, "2026-03", "late bank fee", &err), FW_OK, &err);
    assert_int_equal(count(ctx, "SELECT count(*) FROM fw_audit WHERE action='ledger.period_reopen'"), 1);
    /* The same key was refused for a closed period: a business failure, so it replays; a new key works. */
    memcpy(strstr(json, "\"bd\""), "\"be\"", 4);
    assert_rc(fw_ledger_entry_post(ctx, &e, json, strlen(json), &err), FW_OK, &err);
    assert_rc(fw_ledger_period_close(ctx, "2026-03", &out, NULL, &err), FW_OK, &err);
    assert_non_null(strstr(out, "\"entries\":2"));
    fw_free(out);
    assert_rc(fw_ledger_period_verify(ctx, "2026-03", &err), FW_OK, &err);
    assert_invariants(ctx);
}

/* R-6.a: party accounts open once; an account closes only at zero. */
static void party_accounts_and_close_at_zero(void **state)
{
    fw_ctx *ctx = *state;
    struct world w = make_world(ctx);
    fw_id id = 0, e = 0;
    int zero = -1;
    fw_error *err = NULL;
    char json[200];

    assert_rc(fw_ledger_open_party_accounts(ctx, FW_LEDGER_OWNER_ENTERPRISE, 9, &err), FW_OK, &err);
    assert_rc(fw_ledger_open_party_accounts(ctx, FW_LEDGER_OWNER_ENTERPRISE, 9, &err), FW_OK, &err);
    assert_int_equal(count(ctx, "SELECT count(*) FROM fw_ledger_account WHERE owner_kind=2 AND owner_id=9"), 2);
    assert_rc(fw_ledger_account_find(ctx, &id, FW_LEDGER_OWNER_ENTERPRISE, 9, FW_ACCT_FEE_RECEIVABLE,
                                     NULL, &err), FW_OK, &err);
    assert_true(id > 0);
    assert_int_equal(fw_ledger_open_party_accounts(ctx, FW_LEDGER_OWNER_PLATFORM, 0, &err), FW_EINVAL);
    fw_error_free(err);
    err = NULL;

    snprintf(json, sizeof(json), "{\"owner_kind\":\"enterprise\",\"owner_id\":1,\"type\":\"enterprise_funds\"}");
    assert_int_equal(fw_ledger_account_open(ctx, &id, json, strlen(json), &err), FW_EEXISTS);
    assert_string_equal(fw_error_message(err),
                        "$.type: enterprise 1 already has a enterprise_funds account in CNY: account 3");
    fw_error_free(err);
    err = NULL;
    snprintf(json, sizeof(json), "{\"owner_kind\":\"enterprise\",\"owner_id\":1,\"type\":\"nope\"}");
    assert_int_equal(fw_ledger_account_open(ctx, &id, json, strlen(json), &err), FW_EINVAL);
    assert_string_equal(fw_error_path(err), "$.type");
    fw_error_free(err);
    err = NULL;

    assert_rc(fw__ledger_party_balances_zero(ctx, FW_LEDGER_OWNER_ENTERPRISE, 1, &zero, &err), FW_OK, &err);
    assert_int_equal(zero, 0);
    assert_int_equal(fw_ledger_account_close(ctx, w.ent, &err), FW_ESTATE);
    assert_string_equal(fw_error_message(err),
                        "account_id: account 3 closes only at zero; its posted balance is 100000 fen "
                        "and 100000 fen pending in 0 fen of holds");
    fw_error_free(err);
    err = NULL;
    assert_rc(fw_ledger_transfer(ctx, &e, w.ent, w.bank, 100000, "funding.refund", "r", &err), FW_OK, &err);
    assert_rc(fw__ledger_party_balances_zero(ctx, FW_LEDGER_OWNER_ENTERPRISE, 1, &zero, &err), FW_OK, &err);
    assert_int_equal(zero, 1);
    assert_rc(fw_ledger_account_close(ctx, w.ent, &err), FW_OK, &err);
    assert_int_equal(fw_ledger_transfer(ctx, &e, w.bank, w.ent, 1, "x", "r2", &err), FW_ESTATE);
    assert_string_equal(fw_error_message(err), "credit_account: account 3 is closed");
    fw_error_free(err);
    assert_invariants(ctx);
}

/* .c, R-7.5.e: income per worker and entry queries with filters and paging. */
static void worker_income_and_entry_queries(void **state)
{
    fw_ctx *ctx = *state;
    struct world w = make_world(ctx);
    int64_t t0 = test_clock_ms;
    fw_id e = 0;
    fw_error *err = NULL;
    char *out = NULL, key[16], q[200];
    int i;

    for (i = 0; i < 5; i++) {
        snprintf(key, sizeof(key), "w%d", i);
        test_clock_advance(1000);
        assert_rc(fw_ledger_transfer(ctx, &e, w.ent, w.worker, 1000 + i, "payout.earned", key, &err),
                  FW_OK, &err);
    }
    assert_rc(fw_ledger_transfer(ctx, &e, w.worker, w.bank, 2000, "payout.paid", "wp", &err), FW_OK, &err);
    assert_rc(fw_ledger_worker_income(ctx, 7, t0, test_clock_ms + 1, &out, NULL, &err), FW_OK, &err);
    assert_non_null(strstr(out, "\"credited_fen\":5010,\"debited_fen\":2000,\"net_fen\":3010,\"entries\":6"));
    assert_non_null(strstr(out, "{\"reason\":\"payout.earned\",\"credited_fen\":5010,\"debited_fen\":0}"));
    assert_non_null(strstr(out, "\"balance_fen\":3010"));
    fw_free(out);
    assert_rc(fw_ledger_worker_income(ctx, 7, t0 + 2500, t0 + 4500, &out, NULL, &err), FW_OK, &err);
    assert_non_null(strstr(out, "\"credited_fen\":2005,\"debited_fen\":0"));
    fw_free(out);

    /* A worker sees only their own. */
    test_actor(ctx, FW_ROLE_WORKER, 8);
    assert_int_equal(fw_ledger_worker_income(ctx, 7, t0, test_clock_ms, &out, NULL, &err), FW_EPERM);
    fw_error_free(err);
    err = NULL;
    snprintf(q, sizeof(q), "{\"account_id\":%lld}", (long long)w.worker);
    assert_int_equal(fw_ledger_entries(ctx, q, strlen(q), &out, NULL, &err), FW_EPERM);
    fw_error_free(err);
    err = NULL;
    test_actor(ctx, FW_ROLE_WORKER, 7);
    snprintf(q, sizeof(q), "{\"owner_kind\":\"worker\",\"owner_id\":7,\"limit\":4}");
    assert_rc(fw_ledger_entries(ctx, q, strlen(q), &out, NULL, &err), FW_OK, &err);
    assert_non_null(strstr(out, "{\"entries\":[{\"id\":7,"));
    assert_non_null(strstr(out, "\"next_before_id\":4}"));
    fw_free(out);
    snprintf(q, sizeof(q), "{\"owner_kind\":\"worker\",\"owner_id\":7,\"limit\":4,\"before_id\":4}");
    assert_rc(fw_ledger_entries(ctx, q, strlen(q), &out, NULL, &err), FW_OK, &err);
    assert_non_null(strstr(out, "{\"entries\":[{\"id\":3,"));
    assert_non_null(strstr(out, "\"next_before_id\":null}"));
    fw_free(out);
    test_actor(ctx, FW_ROLE_ADMIN, 0);
    snprintf(q, sizeof(q), "{\"reason\":\"payout.paid\"}");
    assert_rc(fw_ledger_entries(ctx, q, strlen(q), &out, NULL, &err), FW_OK, &err);
    assert_non_null(strstr(out, "{\"entries\":[{\"id\":7,\"kind\":\"posted\",\"reason\":\"payout.paid\""));
    assert_null(strstr(out, "\"id\":6"));
    fw_free(out);
    snprintf(q, sizeof(q), "{\"limit\":0}");
    assert_int_equal(fw_ledger_entries(ctx, q, strlen(q), &out, NULL, &err), FW_EINVAL);
    assert_string_equal(fw_error_path(err), "$.limit");
    fw_error_free(err);
    assert_invariants(ctx);
}

/* The journal exports to CSV and to an hledger journal an independent tool recomputes. */
static void export_csv_and_hledger_journal(void **state)
{
    fw_ctx *ctx = *state;
    struct world w = make_world(ctx);
    fw_id e = 0;
    fw_error *err = NULL;
    char *text = NULL, *coa = NULL;
    size_t len = 0;
    static const char coa_json[] = "{\"type\":\"fee_revenue\",\"code\":\"6051.01\","
                                   "\"name\":\"其他业务收入-服务费\"}";

    assert_rc(fw_ledger_transfer(ctx, &e, w.ent, w.worker, 30000, "payout.earned", "x1", &err), FW_OK, &err);
    assert_rc(fw_ledger_transfer(ctx, &e, w.ent, w.fee, 1234, "fee.charged", "x2", &err), FW_OK, &err);
    assert_rc(fw_ledger_coa_set(ctx, coa_json, strlen(coa_json), &err), FW_OK, &err);
    assert_int_equal(fw_ledger_coa_set(ctx, "{\"type\":\"fee_revenue\",\"code\":\"60a\",\"name\":\"x\"}",
                                       (size_t)-1, &err), FW_EINVAL);
    assert_string_equal(fw_error_path(err), "$.code");
    fw_error_free(err);
    err = NULL;
    assert_rc(fw_ledger_coa_get(ctx, &coa, NULL, &err), FW_OK, &err);
    assert_non_null(strstr(coa, "{\"type\":\"fee_revenue\",\"type_code\":3,\"code\":\"6051.01\","
                                "\"name\":\"其他业务收入-服务费\",\"normal_side\":\"credit\"}"));
    fw_free(coa);

    assert_rc(fw_ledger_export(ctx, FW_LEDGER_EXPORT_LEDGER, 0, INT64_MAX, &text, &len, &err), FW_OK, &err);
    assert_string_equal(text,
        "; libflexwork journal export\n"
        "\n2026-03-15 funding.recognised  ; entry:1\n"
        "    assets:1002.01 银行存款-备付金专户:platform  CNY 1000.00\n"
        "    liabilities:2241.01 其他应付款-企业备付金:enterprise-1  CNY -1000.00\n"
        "\n2026-03-15 payout.earned  ; entry:2\n"
        "    liabilities:2241.01 其他应付款-企业备付金:enterprise-1  CNY 300.00\n"
        "    liabilities:2202.01 应付账款-应付劳务报酬:worker-7  CNY -300.00\n"
        "\n2026-03-15 fee.charged  ; entry:3\n"
        "    liabilities:2241.01 其他应付款-企业备付金:enterprise-1  CNY 12.34\n"
        "    revenues:6051.01 其他业务收入-服务费:platform  CNY -12.34\n");
    assert_int_equal(len, strlen(text));
    if (system("command -v hledger >/dev/null 2>&1") == 0) {
        char path[512], cmd[1200], line[512];
        FILE *f;
        int seen = 0;
        test_path("ledger-export", path, sizeof(path));
        f = fopen(path, "w");
        assert_non_null(f);
        fputs(text, f);
        fclose(f);
        snprintf(cmd, sizeof(cmd), "hledger -f '%s' balance --flat -N -O csv 2>&1", path);
        f = popen(cmd, "r");
        assert_non_null(f);
        while (fgets(line, sizeof(line), f)) {
            if (strstr(line, "\"assets:1002.01 银行存款-备付金专户:platform\",\"CNY 1000.00\"") ||
                strstr(line, "\"liabilities:2241.01 其他应付款-企业备付金:enterprise-1\",\"CNY -687.66\"") ||
                strstr(line, "\"liabilities:2202.01 应付账款-应付劳务报酬:worker-7\",\"CNY -300.00\"") ||
                strstr(line, "\"revenues:6051.01 其他业务收入-服务费:platform\",\"CNY -12.34\""))
                seen++;
        }
        assert_int_equal(pclose(f), 0);
        assert_int_equal(seen, 4);
        unlink(path);
    } else {
        printf("# skipped the hledger cross-check: hledger is not installed\n");
    }
    fw_free(text);

    assert_rc(fw_ledger_export(ctx, FW_LEDGER_EXPORT_CSV, 0, INT64_MAX, &text, NULL, &err), FW_OK, &err);
    assert_non_null(strstr(text, "entry_id,date,effective_ms,kind,reason,ref_kind,ref_id,account_id,"
                                 "account_code,account_name,owner_kind,owner_id,currency,debit,credit\n"
                                 "1,2026-03-15,1773540000000,posted,\"funding.recognised\",\"\",\"\",1,"
                                 "\"1002.01\",\"银行存款-备付金专户\",platform,0,CNY,1000.00,\n"));
    assert_non_null(strstr(text, "3,2026-03-15,1773540000000,posted,\"fee.charged\",\"\",\"\",2,\"6051.01\","
                                 "\"其他业务收入-服务费\",platform,0,CNY,,12.34\n"));
    fw_free(text);
    assert_int_equal(fw_ledger_export(ctx, 9, 0, 1, &text, NULL, &err), FW_EINVAL);
    fw_error_free(err);
}

static void roles_are_enforced(void **state)
{
    fw_ctx *ctx = *state;
    struct world w = make_world(ctx);
    fw_id e = 0;
    int64_t p;
    fw_error *err = NULL;

    test_actor(ctx, FW_ROLE_ENTERPRISE_USER, 1);
    assert_int_equal(fw_ledger_transfer(ctx, &e, w.ent, w.worker, 1, "x", "z", &err), FW_EPERM);
    fw_error_free(err);
    err = NULL;
    assert_rc(fw_ledger_balance(ctx, w.ent, &p, NULL, NULL, &err), FW_OK, &err);
    assert_int_equal(p, 100000);
    assert_int_equal(fw_ledger_balance(ctx, w.ent2, &p, NULL, NULL, &err), FW_EPERM);
    fw_error_free(err);
}

/* A process killed in the middle of large batches on a file store leaves no partial entry. */
static void sigkill_mid_batch_leaves_consistent_store(void **state)
{
    char path[512];
    pid_t pid;
    int status = 0, i;
    fw_ctx *ctx;
    (void)state;

    test_path("ledger-kill", path, sizeof(path));
    ctx = test_open(path);
    test_actor(ctx, FW_ROLE_ADMIN, 0);
    {
        fw_id bank = open_account(ctx, FW_LEDGER_OWNER_PLATFORM, 0, FW_ACCT_BANK_CLEARING, NULL), e;
        fw_error *err = NULL;
        for (i = 1; i <= 100; i++) {
            fw_id a = open_account(ctx, FW_LEDGER_OWNER_ENTERPRISE, i, FW_ACCT_ENTERPRISE_FUNDS, NULL);
            char key[16];
            snprintf(key, sizeof(key), "f%d", i);
            assert_rc(fw_ledger_transfer(ctx, &e, bank, a, 1000000000, "funding", key, &err), FW_OK, &err);
        }
    }
    fw_ctx_free(ctx);

    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        fw_ledger_transfer_item items[1000];
        char keys[1000][24];
        unsigned long long seed = 88172645463325252ULL;
        long n = 0;
        fw_ctx *c = test_open(path);
        fw_ctx_set_actor(c, FW_ROLE_SYSTEM, 0, "child", NULL);
        for (;;) {
            for (i = 0; i < 1000; i++, n++) {
                seed ^= seed << 13; seed ^= seed >> 7; seed ^= seed << 17;
                items[i].debit_account = 2 + (fw_id)(seed % 100);
                items[i].credit_account = 2 + (fw_id)((seed >> 20) % 100);
                if (items[i].credit_account == items[i].debit_account)
                    items[i].credit_account = 2 + (items[i].debit_account - 1) % 100;
                items[i].amount_fen = 1 + (int64_t)(seed % 1000);
                items[i].reason = "kill.test";
                snprintf(keys[i], sizeof(keys[i]), "k%ld", n);
                items[i].idem_key = keys[i];
            }
            fw_ledger_transfer_batch(c, items, 1000, 0, NULL, NULL, NULL);
        }
    }
    /* Let it commit a few batches, then kill it wherever it is. */
    usleep(1500 * 1000);
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    assert_true(WIFSIGNALED(status));

    ctx = test_open(path);
    test_actor(ctx, FW_ROLE_ADMIN, 0);
    assert_invariants(ctx);
    assert_int_equal(count(ctx, "SELECT count(*) FROM fw_ledger_entry e WHERE kind=1 AND "
                                "(SELECT count(*) FROM fw_ledger_posting p WHERE p.entry_id=e.id) <> 2"), 0);
    assert_int_equal(count(ctx, "SELECT count(*) FROM fw_ledger_entry") % 1000, 100);
    assert_int_equal(count(ctx, "SELECT count(*) FROM fw_ledger_transfer_key") % 1000, 100);
    fw_ctx_free(ctx);
}

TEST_MAIN(
    cmocka_unit_test_setup_teardown(transfer_moves_exact_balances, test_setup_admin, test_teardown_ctx),
    cmocka_unit_test_setup_teardown(overdraft_refused_nothing_changed, test_setup_admin, test_teardown_ctx),
    cmocka_unit_test_setup_teardown(idempotency_replay_conflict_and_failure, test_setup_admin, test_teardown_ctx),
    cmocka_unit_test_setup_teardown(bad_arguments_name_the_field, test_setup_admin, test_teardown_ctx),
    cmocka_unit_test_setup_teardown(journal_is_append_only, test_setup_admin, test_teardown_ctx),
    cmocka_unit_test_setup_teardown(reversal_links_original, test_setup_admin, test_teardown_ctx),
    cmocka_unit_test_setup_teardown(two_phase_post_partial_and_edges, test_setup_admin, test_teardown_ctx),
    cmocka_unit_test_setup_teardown(holds_expire_by_clock, test_setup_admin, test_teardown_ctx),
    cmocka_unit_test_setup_teardown(host_batch_failure_mid_batch, test_setup_admin, test_teardown_ctx),
    cmocka_unit_test_setup_teardown(batch_independent_and_atomic, test_setup_admin, test_teardown_ctx),
    cmocka_unit_test_setup_teardown(overflow_at_int64_edges, test_setup_admin, test_teardown_ctx),
    cmocka_unit_test_setup_teardown(balance_at_past_times, test_setup_admin, test_teardown_ctx),
    cmocka_unit_test_setup_teardown(entries_balance_per_currency, test_setup_admin, test_teardown_ctx),
    cmocka_unit_test_setup_teardown(period_close_and_reopen, test_setup_admin, test_teardown_ctx),
    cmocka_unit_test_setup_teardown(party_accounts_and_close_at_zero, test_setup_admin, test_teardown_ctx),
    cmocka_unit_test_setup_teardown(worker_income_and_entry_queries, test_setup_admin, test_teardown_ctx),
    cmocka_unit_test_setup_teardown(export_csv_and_hledger_journal, test_setup_admin, test_teardown_ctx),
    cmocka_unit_test_setup_teardown(roles_are_enforced, test_setup_admin, test_teardown_ctx),
    cmocka_unit_test(sigkill_mid_batch_leaves_consistent_store))
