/* Party and ledger together: activation opens accounts, cancellation needs zero balances. */
#include "../party/fixtures.h"

#include <flexwork/ledger.h>

/* .a: an enterprise that becomes active has its funds and fee accounts. */
static void activation_opens_enterprise_accounts(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    fw_id acct = 0, eid = party_active_enterprise(ctx, ENT1);

    assert_rc(fw_ledger_account_find(ctx, &acct, FW_LEDGER_OWNER_ENTERPRISE, eid,
                                     FW_ACCT_ENTERPRISE_FUNDS, "CNY", &err), FW_OK, &err);
    assert_true(acct > 0);
    assert_rc(fw_ledger_account_find(ctx, &acct, FW_LEDGER_OWNER_ENTERPRISE, eid,
                                     FW_ACCT_FEE_RECEIVABLE, "CNY", &err), FW_OK, &err);
    assert_int_equal(count_rows(ctx, "SELECT count(*) FROM fw_ledger_account WHERE owner_kind=2"), 2);
}

/* R-6.a: cancellation is refused while the enterprise holds money, and nothing changes. */
static void cancel_refused_while_funds_remain(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    fw_id funds = 0, bank = 0, entry = 0, back = 0, eid = party_active_enterprise(ctx, ENT1);
    const char *bank_json = "{\"owner_kind\":\"platform\",\"owner_id\":0,\"type\":\"bank_clearing\"}";
    int64_t audits;

    assert_rc(fw_ledger_account_find(ctx, &funds, FW_LEDGER_OWNER_ENTERPRISE, eid,
                                     FW_ACCT_ENTERPRISE_FUNDS, "CNY", &err), FW_OK, &err);
    assert_rc(fw_ledger_account_open(ctx, &bank, bank_json, strlen(bank_json), &err), FW_OK, &err);
    assert_rc(fw_ledger_transfer(ctx, &entry, bank, funds, 12000, "funding", "k1", &err), FW_OK, &err);

    audits = audit_count(ctx);
    assert_int_equal(fw_party_enterprise_cancel(ctx, eid, &err), FW_EDENIED);
    assert_string_equal(fw_error_message(err),
                        "BALANCES_NOT_ZERO: enterprise 1 still has a balance or a pending hold in the "
                        "ledger; settle or refund it first");
    fw_error_free(err);
    err = NULL;
    assert_int_equal(enterprise_state(ctx, eid), FW_ENTERPRISE_ACTIVE);
    assert_int_equal(audit_count(ctx), audits);

    /* Once the money is returned, the enterprise can be cancelled. */
    assert_rc(fw_ledger_transfer(ctx, &back, funds, bank, 12000, "refund", "k2", &err), FW_OK, &err);
    assert_rc(fw_party_enterprise_cancel(ctx, eid, &err), FW_OK, &err);
    assert_int_equal(enterprise_state(ctx, eid), FW_ENTERPRISE_CANCELLED);
}

TEST_MAIN(cmocka_unit_test_setup_teardown(activation_opens_enterprise_accounts, test_setup_admin, test_teardown_ctx),
          cmocka_unit_test_setup_teardown(cancel_refused_while_funds_remain, test_setup_admin, test_teardown_ctx))
