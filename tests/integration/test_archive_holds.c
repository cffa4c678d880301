/*
 * The archive with the modules below it: hold checks belong to the context they were
 * registered on, and a party's documents are held while the ledger or the task module still has
 * something open for the party.
 */
#include "../task/task_fixtures.h"

#include <flexwork/archive.h>
#include <flexwork/ledger.h>
#include "core/clock.h"

#define DOC(kind, id) "{\"party_kind\":\"" kind "\",\"party_id\":" #id ",\"category\":\"tax\"," \
                      "\"title\":\"IIT return 2026-02\",\"source\":\"tax\",\"retention\":\"tax_record\"}"
#define DESTROY "{\"decision\":\"destroy\",\"opinion\":\"retention ended\"}"

static fw_id file_kept(fw_ctx *ctx, const char *json)
{
    fw_error *err = NULL;
    fw_id id = 0;
    assert_rc(fw_archive_file(ctx, json, strlen(json), (const uint8_t *)"return", 6, &id, &err), FW_OK, &err);
    assert_rc(fw_archive_arrange(ctx, id, NULL, 0, &err), FW_OK, &err);
    return id;
}

/* Moves the clock past the tax_record retention of a document filed in 2026. */
static void past_retention(void)
{
    int64_t ms = 0;
    assert_int_equal(fw__cst_from_date(2037, 1, 2, &ms), FW_OK);
    test_clock_set(ms);
}

/* An appraisal refused with the message; the document is still kept and nothing was audited. */
static void appraise_refused(fw_ctx *ctx, fw_id doc, const char *message)
{
    fw_error *err = NULL;
    int64_t audits = audit_count(ctx);

    assert_int_equal(fw_archive_appraise(ctx, doc, DESTROY, strlen(DESTROY), &err), FW_EDENIED);
    assert_string_equal(fw_error_message(err), message);
    fw_error_free(err);
    assert_int_equal(audit_count(ctx), audits);
    {
        int64_t st = 0;
        assert_int_equal(fw__db_i64(ctx, &st, NULL, "SELECT state FROM fw_archive_doc WHERE id=?", "i", doc), FW_OK);
        assert_int_equal(st, FW_ARCHIVE_KEPT);
    }
}

static int calls_a, calls_b;
static int counting_check(fw_ctx *ctx, const char *party_kind, fw_id party_id, fw_id doc_id, const char *category,
                          char *why, size_t why_size, void *payload)
{
    (void)ctx; (void)party_kind; (void)party_id; (void)doc_id; (void)category;
    ++*(int *)payload;
    snprintf(why, why_size, "refund claim R-88 is open");
    return 1;
}

/* a hold check lives on the context it was registered on; another context does not run it. */
static void hold_checks_are_per_context(void **state)
{
    char path[512];
    fw_ctx *a, *b;
    fw_error *err = NULL;
    fw_id doc;

    (void)state;
    test_path("archive-holds", path, sizeof(path));
    a = test_open(path);
    b = test_open(path);
    test_actor(a, FW_ROLE_ADMIN, 0);
    test_actor(b, FW_ROLE_ADMIN, 0);
    doc = file_kept(a, DOC("enterprise", 3));
    past_retention();

    calls_a = calls_b = 0;
    assert_rc(fw_archive_register_hold_check(a, "claims", counting_check, &calls_a, &err), FW_OK, &err);
    appraise_refused(a, doc, "document 1 is held by the claims check: refund claim R-88 is open");
    assert_int_equal(calls_a, 1);
    /* replaced under the same name, still on a only */
    assert_rc(fw_archive_register_hold_check(a, "claims", counting_check, &calls_b, &err), FW_OK, &err);
    appraise_refused(a, doc, "document 1 is held by the claims check: refund claim R-88 is open");
    assert_int_equal(calls_a, 1);
    assert_int_equal(calls_b, 1);

    assert_rc(fw_archive_appraise(b, doc, DESTROY, strlen(DESTROY), &err), FW_OK, &err);
    assert_int_equal(calls_b, 1);
    assert_int_equal(fw_archive_register_hold_check(NULL, "claims", counting_check, NULL, &err), FW_EINVAL);
    fw_error_free(err);
    fw_ctx_free(a);
    fw_ctx_free(b);
    test_clock_set(TEST_CLOCK_START);
}

/* .a: a party's documents are not destroyed while it holds money in the ledger. */
static void ledger_balance_holds_documents(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    fw_id funds = 0, bank = 0, entry = 0, eid = active_enterprise(ctx, ENT1), doc;
    const char *bank_json = "{\"owner_kind\":\"platform\",\"owner_id\":0,\"type\":\"bank_clearing\"}";

    assert_rc(fw_ledger_account_find(ctx, &funds, FW_LEDGER_OWNER_ENTERPRISE, eid, FW_ACCT_ENTERPRISE_FUNDS, "CNY",
                                     &err), FW_OK, &err);
    assert_rc(fw_ledger_account_open(ctx, &bank, bank_json, strlen(bank_json), &err), FW_OK, &err);
    assert_rc(fw_ledger_transfer(ctx, &entry, bank, funds, 12000, "funding", "k1", &err), FW_OK, &err);
    doc = file_kept(ctx, DOC("enterprise", 1));
    past_retention();

    appraise_refused(ctx, doc, "document 1 is held by the ledger: enterprise 1 still has a balance or a pending hold");
    assert_rc(fw_ledger_transfer(ctx, &entry, funds, bank, 12000, "refund", "k2", &err), FW_OK, &err);
    assert_rc(fw_archive_appraise(ctx, doc, DESTROY, strlen(DESTROY), &err), FW_OK, &err);
}

/* open work and unpaid accepted work hold the worker's and the enterprise's documents. */
static void open_work_holds_documents(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    fw_id ent, wk, t, a, wdoc, edoc;
    char buf[1024];

    set_categories(ctx);
    ent = active_enterprise(ctx, ENT1);
    wk = contracted_worker(ctx, ent, WORKER_JSON("张三", ID_1990, CARD, "self"));
    t = make_task(ctx, task_json(buf, sizeof(buf), ent, "DESIGN", 50000, 1, NULL));
    publish_task(ctx, t);
    a = take(ctx, t, wk);
    wdoc = file_kept(ctx, DOC("worker", 1));
    edoc = file_kept(ctx, DOC("enterprise", 1));
    deliver(ctx, a);
    assert_int_equal(count_rows(ctx, "SELECT count(*) FROM fw_task_assignment WHERE state=2"), 1);

    /* the assignment is delivered, not yet accepted: still open; the task is in progress */
    {
        int64_t now = fw_ctx_now(ctx);
        past_retention();
        appraise_refused(ctx, wdoc, "document 1 is held by the task module: worker 1 has 1 assignment(s) open");
        appraise_refused(ctx, edoc, "document 2 is held by the task module: enterprise 1 has 1 task(s) open");
        test_clock_set(now);
    }
    assert_rc(fw_task_accept(ctx, a, "acc-1", NULL, &err), FW_OK, &err);
    assert_int_equal(task_state(ctx, t), FW_TASK_COMPLETED);
    past_retention();
    appraise_refused(ctx, wdoc, "document 1 is held by the task module: worker 1 has 1 accepted work item(s) not yet "
                     "paid");
    appraise_refused(ctx, edoc, "document 2 is held by the task module: enterprise 1 has 1 accepted work item(s) not "
                     "yet paid");

    /* once a payout order has claimed the item, the payout module's own checks take over */
    assert_int_equal(fw__tx_begin(ctx, NULL), FW_OK);
    assert_int_equal(fw__tx_end(ctx, fw__task_payable_claim(ctx, 1, 9, &err), &err), FW_OK);
    assert_rc(fw_archive_appraise(ctx, wdoc, DESTROY, strlen(DESTROY), &err), FW_OK, &err);
    assert_rc(fw_archive_appraise(ctx, edoc, DESTROY, strlen(DESTROY), &err), FW_OK, &err);
}

static int teardown(void **state)
{
    test_clock_set(TEST_CLOCK_START);
    return test_teardown_ctx(state);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, test_setup_admin, teardown)
TEST_MAIN(cmocka_unit_test(hold_checks_are_per_context), T(ledger_balance_holds_documents),
          T(open_work_holds_documents))
