/*
 * Insurance and the ledger: due premiums become journal entries from the payer's
 * account to the platform's insurance payable, each exactly once, and the books balance.
 */
#include "../party/fixtures.h"

#include <flexwork/insurance.h>
#include <flexwork/ledger.h>
#include "insurance/insurance.h"
#include "ledger/ledger.h"

#define OIP "{\"code\":\"OIP-DELIVERY\",\"name\":\"职业伤害保障 即时配送\",\"type\":\"occupational_injury\"," \
            "\"insurer\":\"work-injury insurance fund\",\"coverage\":\"injury while performing platform orders\"," \
            "\"coverage_fen\":0,\"premium_rule\":\"per_order\",\"payer\":\"platform\",\"categories\":[\"instant_delivery\"]}"
#define ACC_DAY "{\"code\":\"ACC-DAY\",\"name\":\"daily accident\",\"type\":\"accident\",\"insurer\":\"PICC\"," \
                "\"coverage\":\"death, disability, medical\",\"coverage_fen\":60000000,\"premium_rule\":\"per_day\"," \
                "\"premium_fen\":150,\"payer\":\"enterprise\",\"max_risk_level\":4}"
#define ACC_MONTH "{\"code\":\"ACC-MONTH\",\"name\":\"monthly accident\",\"type\":\"accident\",\"insurer\":\"Ping An\"," \
                  "\"coverage\":\"accident\",\"coverage_fen\":30000000,\"premium_rule\":\"per_person_month\"," \
                  "\"premium_fen\":2500,\"payer\":\"worker\",\"min_age\":18,\"max_age\":60,\"max_risk_level\":3}"

struct world {
    fw_ctx *ctx;
    fw_id ent, worker, bank, funds, wpay;
    fw_id oip, day, month;    /* enrolments */
};

static fw_id add(fw_ctx *ctx, const char *json, int product)
{
    fw_error *err = NULL;
    fw_id id = 0;
    if (product)
        assert_rc(fw_insurance_product_create(ctx, json, strlen(json), &id, &err), FW_OK, &err);
    else
        assert_rc(fw_insurance_enrol(ctx, json, strlen(json), &id, &err), FW_OK, &err);
    return id;
}

static int64_t balance(fw_ctx *ctx, fw_id account)
{
    int64_t b = -1;
    fw_error *err = NULL;
    assert_rc(fw_ledger_balance(ctx, account, &b, NULL, NULL, &err), FW_OK, &err);
    return b;
}

static int64_t platform_balance(fw_ctx *ctx, uint32_t type)
{
    fw_id id = 0;
    if (fw__ledger_account(ctx, FW_LEDGER_OWNER_PLATFORM, 0, type, "CNY", 0, &id, NULL) == FW_ENOTFOUND)
        return 0;
    return balance(ctx, id);
}

static void assert_books_balance(fw_ctx *ctx)
{
    int balanced = 0, consistent = 0;
    fw_error *err = NULL;
    assert_rc(fw__ledger_check(ctx, &balanced, &consistent, &err), FW_OK, &err);
    assert_int_equal(balanced, 1);
    assert_int_equal(consistent, 1);
}

static void charge(fw_ctx *ctx, fw_id enrolment, const char *order, int64_t at_ms)
{
    fw_error *err = NULL;
    assert_rc(fw_insurance_charge(ctx, enrolment, order, at_ms, NULL, NULL, NULL, &err), FW_OK, &err);
}

/*
 * An active enterprise with 100.00 in its funds, a worker with 10.00 payable; the worker is
 * enrolled in the platform's occupational injury protection (3 orders: 0.21), the enterprise's
 * daily accident cover (1 day: 1.50) and the worker's own monthly cover (25.00).
 */
static int setup(void **state)
{
    struct world *w = calloc(1, sizeof(*w));
    const char *bank = "{\"owner_kind\":\"platform\",\"owner_id\":0,\"type\":\"bank_clearing\"}";
    fw_error *err = NULL;
    fw_id e = 0;
    char json[256];

    test_setup_admin((void **)&w->ctx);
    w->ent = party_active_enterprise(w->ctx, ENT1);
    w->worker = verified_worker(w->ctx, WORKER_JSON("张三", ID_1990, "6222021000000000009", "self"));
    assert_rc(fw_ledger_account_open(w->ctx, &w->bank, bank, strlen(bank), &err), FW_OK, &err);
    assert_rc(fw_ledger_account_find(w->ctx, &w->funds, FW_LEDGER_OWNER_ENTERPRISE, w->ent, FW_ACCT_ENTERPRISE_FUNDS,
                                     "CNY", &err), FW_OK, &err);
    assert_rc(fw__ledger_account(w->ctx, FW_LEDGER_OWNER_WORKER, w->worker, FW_ACCT_WORKER_PAYABLE, "CNY", 1,
                                 &w->wpay, &err), FW_OK, &err);
    assert_rc(fw_ledger_transfer(w->ctx, &e, w->bank, w->funds, 10000, "funding", "f1", &err), FW_OK, &err);
    assert_rc(fw_ledger_transfer(w->ctx, &e, w->bank, w->wpay, 1000, "payout.accrual", "f2", &err), FW_OK, &err);

    add(w->ctx, OIP, 1);
    add(w->ctx, ACC_DAY, 1);
    add(w->ctx, ACC_MONTH, 1);
    snprintf(json, sizeof(json), "{\"product_id\":1,\"worker_id\":%lld,\"birth_date\":\"1990-03-07\","
             "\"enterprise_id\":%lld}", (long long)w->worker, (long long)w->ent);
    w->oip = add(w->ctx, json, 0);
    snprintf(json, sizeof(json), "{\"product_id\":2,\"worker_id\":%lld,\"birth_date\":\"1990-03-07\","
             "\"enterprise_id\":%lld}", (long long)w->worker, (long long)w->ent);
    w->day = add(w->ctx, json, 0);
    snprintf(json, sizeof(json), "{\"product_id\":3,\"worker_id\":%lld,\"birth_date\":\"1990-03-07\"}",
             (long long)w->worker);
    w->month = add(w->ctx, json, 0);
    charge(w->ctx, w->oip, "O-1", TEST_CLOCK_START);
    charge(w->ctx, w->oip, "O-2", TEST_CLOCK_START + 1000);
    charge(w->ctx, w->oip, "O-3", TEST_CLOCK_START + 2000);
    charge(w->ctx, w->day, NULL, TEST_CLOCK_START);
    charge(w->ctx, w->month, NULL, TEST_CLOCK_START);
    *state = w;
    return 0;
}

static int teardown(void **state)
{
    struct world *w = *state;
    fw_ctx_free(w->ctx);
    free(w);
    return 0;
}

/* each payer's account pays the insurance payable; every premium is marked with its entry. */
static void premiums_post_to_the_ledger(void **state)
{
    struct world *w = *state;
    fw_ctx *ctx = w->ctx;
    fw_error *err = NULL;
    int64_t due = -1;

    assert_rc(fw__insurance_due_total(ctx, NULL, &due, &err), FW_OK, &err);
    assert_int_equal(due, 21 + 150 + 2500);
    assert_rc(fw_insurance_post_premiums(ctx, 0, "post-1", &err), FW_OK, &err);

    assert_int_equal(platform_balance(ctx, FW_ACCT_INSURANCE_PAYABLE), 171);
    assert_int_equal(platform_balance(ctx, FW_ACCT_FEE_REVENUE), -21);      /* the platform bears OIP */
    assert_int_equal(balance(ctx, w->funds), 10000 - 150);
    /* the worker's 25.00 exceeds the 10.00 payable: left due, nothing taken */
    assert_int_equal(balance(ctx, w->wpay), 1000);
    assert_rc(fw__insurance_due_total(ctx, NULL, &due, &err), FW_OK, &err);
    assert_int_equal(due, 2500);
    assert_int_equal(count_rows(ctx, "SELECT count(*) FROM fw_insurance_premium WHERE state=2"), 4);
    assert_int_equal(count_rows(ctx, "SELECT count(*) FROM fw_insurance_premium p JOIN fw_ledger_entry e ON "
                                "p.journal_ref = 'ledger_entry:' || e.id WHERE e.ref_kind='insurance_premium' AND "
                                "e.ref_id = CAST(p.id AS TEXT) AND e.reason='insurance.premium'"), 4);
    assert_int_equal(count_rows(ctx, "SELECT count(*) FROM fw_audit WHERE action='insurance.post' AND detail="
                                "'{\"before_ms\":0,\"posted\":4,\"amount_fen\":171,\"left_due\":1}'"), 1);
    assert_books_balance(ctx);
}

/* exactly once: a replayed key posts nothing; a new run finds nothing new; a new premium alone is posted. */
static void premiums_post_exactly_once(void **state)
{
    struct world *w = *state;
    fw_ctx *ctx = w->ctx;
    fw_error *err = NULL;
    int64_t entries, audits;

    assert_rc(fw_insurance_post_premiums(ctx, 0, "post-1", &err), FW_OK, &err);
    entries = count_rows(ctx, "SELECT count(*) FROM fw_ledger_entry");
    audits = audit_count(ctx);
    assert_rc(fw_insurance_post_premiums(ctx, 0, "post-1", &err), FW_OK, &err);
    assert_int_equal(count_rows(ctx, "SELECT count(*) FROM fw_ledger_entry"), entries);
    assert_int_equal(audit_count(ctx), audits);
    /* the same key for another request */
    assert_int_equal(fw_insurance_post_premiums(ctx, TEST_CLOCK_START, "post-1", &err), FW_ECONFLICT);
    fw_error_free(err);
    err = NULL;
    assert_rc(fw_insurance_post_premiums(ctx, 0, "post-2", &err), FW_OK, &err);
    assert_int_equal(count_rows(ctx, "SELECT count(*) FROM fw_ledger_entry"), entries);
    assert_int_equal(platform_balance(ctx, FW_ACCT_INSURANCE_PAYABLE), 171);

    /* once the worker's payable covers it, the worker's premium is posted, and only it */
    {
        fw_id e = 0;
        assert_rc(fw_ledger_transfer(ctx, &e, w->bank, w->wpay, 2000, "payout.accrual", "f3", &err), FW_OK, &err);
    }
    charge(ctx, w->oip, "O-4", TEST_CLOCK_START + 3000);
    assert_rc(fw_insurance_post_premiums(ctx, TEST_CLOCK_START + 3000, "post-3", &err), FW_OK, &err);
    assert_int_equal(balance(ctx, w->wpay), 3000 - 2500);
    assert_int_equal(platform_balance(ctx, FW_ACCT_INSURANCE_PAYABLE), 171 + 2500);
    assert_int_equal(count_rows(ctx, "SELECT count(*) FROM fw_insurance_premium WHERE state=1"), 1);   /* O-4 */
    assert_rc(fw_insurance_post_premiums(ctx, 0, "post-4", &err), FW_OK, &err);
    assert_int_equal(platform_balance(ctx, FW_ACCT_INSURANCE_PAYABLE), 171 + 2500 + 7);
    assert_int_equal(count_rows(ctx, "SELECT count(*) FROM fw_insurance_premium WHERE state=1"), 0);
    assert_int_equal(count_rows(ctx, "SELECT count(*) FROM fw_ledger_entry WHERE reason='insurance.premium'"), 6);
    assert_books_balance(ctx);
}

/* Refusals change nothing. */
static void refusals(void **state)
{
    struct world *w = *state;
    fw_ctx *ctx = w->ctx;
    fw_error *err = NULL;
    int64_t audits = audit_count(ctx), entries = count_rows(ctx, "SELECT count(*) FROM fw_ledger_entry");

    assert_int_equal(fw_insurance_post_premiums(ctx, 0, NULL, &err), FW_EINVAL);
    assert_string_equal(fw_error_path(err), "idem_key");
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw_insurance_post_premiums(ctx, -1, "k", &err), FW_EINVAL);
    assert_string_equal(fw_error_message(err), "before_ms: must be 0 (every due premium) or a time in ms, got -1");
    fw_error_free(err);
    err = NULL;
    test_actor(ctx, FW_ROLE_ENTERPRISE_USER, w->ent);
    assert_int_equal(fw_insurance_post_premiums(ctx, 0, "k", &err), FW_EPERM);
    fw_error_free(err);
    test_actor(ctx, FW_ROLE_ADMIN, 0);
    assert_int_equal(audit_count(ctx), audits);
    assert_int_equal(count_rows(ctx, "SELECT count(*) FROM fw_ledger_entry"), entries);
    assert_int_equal(count_rows(ctx, "SELECT count(*) FROM fw_insurance_premium WHERE state=1"), 5);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
TEST_MAIN(T(premiums_post_to_the_ledger), T(premiums_post_exactly_once), T(refusals))
