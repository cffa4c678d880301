/* Funding (R-7.5.a) and recognition of incoming funds (R-7.5.b). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../party/fixtures.h"
#include "ledger/ledger.h"

#define PLATFORM "{\"operating_entity\":\"杭州灵工平台科技有限公司\",\"uscc\":\"91350100M000100Y43\",\"licences\":[]}"
#define CHANNEL "{\"kind\":\"bank\",\"counterparty\":\"招商银行杭州分行\",\"agreement_no\":\"CMB-2026-001\"," \
                "\"valid_from\":\"2026-01-01\",\"valid_to\":\"2026-12-31\"}"

/* money moves once the platform has a channel agreement; enterprises 1 to 3 are active. */
static int setup(void **state)
{
    fw_ctx *ctx;
    fw_error *err = NULL;
    fw_id ch = 0;

    test_setup_admin(state);
    ctx = *state;
    assert_rc(fw_party_platform_set(ctx, PLATFORM, strlen(PLATFORM), &err), FW_OK, &err);
    assert_rc(fw_party_channel_add(ctx, CHANNEL, strlen(CHANNEL), &ch, &err), FW_OK, &err);
    assert_int_equal(party_active_enterprise(ctx, ENT1), 1);
    assert_int_equal(party_active_enterprise(ctx, ENT2), 2);
    assert_int_equal(party_active_enterprise(ctx, ENT_JSON("北京海淀测试科技有限公司", "91110108551385082Q")), 3);
    return 0;
}

static int64_t posted_of(fw_ctx *ctx, uint32_t kind, fw_id owner, uint32_t type)
{
    fw_id id = 0;
    int64_t p = -1;
    fw_error *err = NULL;
    if (fw__ledger_account(ctx, kind, owner, type, "CNY", 0, &id, NULL) == FW_ENOTFOUND)
        return 0;
    assert_rc(fw_ledger_balance(ctx, id, &p, NULL, NULL, &err), FW_OK, &err);
    return p;
}

#define FUNDS(e) posted_of(ctx, FW_LEDGER_OWNER_ENTERPRISE, (e), FW_ACCT_ENTERPRISE_FUNDS)
#define BANK() posted_of(ctx, FW_LEDGER_OWNER_PLATFORM, 0, FW_ACCT_BANK_CLEARING)
#define SUSPENSE() posted_of(ctx, FW_LEDGER_OWNER_PLATFORM, 0, FW_ACCT_SUSPENSE)
#define REVENUE() posted_of(ctx, FW_LEDGER_OWNER_PLATFORM, 0, FW_ACCT_FEE_REVENUE)

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

static fw_id notice(fw_ctx *ctx, const char *json)
{
    fw_id id = 0;
    fw_error *err = NULL;
    assert_rc(fw_funding_notice(ctx, &id, json, strlen(json), &err), FW_OK, &err);
    return id;
}

static char *incoming(fw_ctx *ctx, fw_id id)
{
    char *json = NULL;
    fw_error *err = NULL;
    assert_rc(fw_funding_incoming_get(ctx, id, &json, NULL, &err), FW_OK, &err);
    return json;
}

static void register_source(fw_ctx *ctx, fw_id enterprise, const char *account)
{
    char json[200];
    fw_id id = 0;
    fw_error *err = NULL;
    snprintf(json, sizeof(json), "{\"payer_account\":\"%s\",\"payer_name\":\"北京某某科技有限公司\"}",
             account);
    assert_rc(fw_funding_register_source(ctx, &id, enterprise, json, strlen(json), &err), FW_OK, &err);
}

/* .b: a payment from a registered account is recognised and credited; no clear account number is kept. */
static void recognised_by_payer_account(void **state)
{
    fw_ctx *ctx = *state;
    fw_id id;
    char *json;

    register_source(ctx, 1, "6222 0200 1234 5678 009");
    id = notice(ctx, "{\"bank_txn_id\":\"B-1\",\"amount_fen\":100000,\"payer_name\":\"北京某某科技有限公司\","
                     "\"payer_account\":\"6222-0200-1234-5678-009\",\"remark\":\"备付金\"}");
    json = incoming(ctx, id);
    assert_non_null(strstr(json, "\"payer_name\":\"北*********\",\"payer_account\":\"6222***********8009\""));
    assert_non_null(strstr(json, "\"state\":\"recognised\",\"enterprise_id\":1,\"matched_by\":\"payer_account\",\"fee_fen\":0"));
    fw_free(json);
    assert_int_equal(FUNDS(1), 100000);
    assert_int_equal(BANK(), 100000);
    assert_int_equal(count(ctx, "SELECT count(*) FROM fw_funding_incoming WHERE payer_mask LIKE '%12345678%'"), 0);
    assert_int_equal(count(ctx, "SELECT count(*) FROM fw_idem WHERE request LIKE '%6222%'"), 0);
    assert_int_equal(count(ctx, "SELECT count(*) FROM fw_audit WHERE detail LIKE '%12345678%'"), 0);
    assert_invariants(ctx);
}

/* .b: a reference code in the remark recognises the payer. */
static void recognised_by_reference_code(void **state)
{
    fw_ctx *ctx = *state;
    char *code = NULL, *json, remark[200], low[16];
    fw_error *err = NULL;
    fw_id id;
    size_t i;

    assert_rc(fw_funding_reference_code(ctx, 2, &code, &err), FW_OK, &err);
    assert_int_equal(strlen(code), 8);
    assert_memory_equal(code, "FW", 2);
    for (i = 0; i <= strlen(code); i++)
        low[i] = (char)(code[i] >= 'A' && code[i] <= 'Z' ? code[i] + 32 : code[i]);
    snprintf(remark, sizeof(remark), "{\"bank_txn_id\":\"B-2\",\"amount_fen\":5000,\"remark\":\"pay %s march\"}", low);
    id = notice(ctx, remark);
    json = incoming(ctx, id);
    assert_non_null(strstr(json, "\"state\":\"recognised\",\"enterprise_id\":2,\"matched_by\":\"reference\""));
    fw_free(json);
    assert_int_equal(FUNDS(2), 5000);
    {
        char *again = NULL;
        assert_rc(fw_funding_reference_code(ctx, 2, &again, &err), FW_OK, &err);
        assert_string_equal(again, code);
        fw_free(again);
    }
    fw_free(code);
    assert_invariants(ctx);
}

/* .b: a payment into an enterprise's virtual sub-account is its own, ahead of other signs. */
static void recognised_by_virtual_sub_account(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    fw_id id;
    char *json;

    assert_rc(fw_funding_register_virtual_account(ctx, 3, "9558 8000 0000 0003", &err), FW_OK, &err);
    assert_rc(fw_funding_register_virtual_account(ctx, 3, "9558800000000003", &err), FW_OK, &err);
    assert_int_equal(fw_funding_register_virtual_account(ctx, 4, "9558-8000-0000-0003", &err), FW_EEXISTS);
    assert_string_equal(fw_error_message(err),
                        "account: the virtual sub-account 9558800000000003 is registered to enterprise 3");
    fw_error_free(err);
    err = NULL;
    id = notice(ctx, "{\"bank_txn_id\":\"V-1\",\"amount_fen\":8800,\"payee_account\":\"9558800000000003\","
                     "\"payer_account\":\"6217000011112222\"}");
    json = incoming(ctx, id);
    assert_non_null(strstr(json, "\"payee_account\":\"9558800000000003\""));
    assert_non_null(strstr(json, "\"state\":\"recognised\",\"enterprise_id\":3,\"matched_by\":\"virtual_account\""));
    fw_free(json);
    assert_int_equal(FUNDS(3), 8800);

    /* The payer's registered account names another enterprise: an operator decides. */
    register_source(ctx, 1, "6222020012345678009");
    id = notice(ctx, "{\"bank_txn_id\":\"V-2\",\"amount_fen\":100,\"payee_account\":\"9558800000000003\","
                     "\"payer_account\":\"6222020012345678009\"}");
    json = incoming(ctx, id);
    assert_non_null(strstr(json, "\"state\":\"suspense\""));
    fw_free(json);
    assert_int_equal(FUNDS(3), 8800);
    assert_int_equal(SUSPENSE(), 100);
    assert_invariants(ctx);
}

/* Unrecognised -> suspense; an operator assigns one and returns another. */
static void suspense_then_assign_or_return(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    fw_id a, b;
    char *json;

    a = notice(ctx, "{\"bank_txn_id\":\"B-3\",\"amount_fen\":7000,\"payer_account\":\"9999888877776666\"}");
    b = notice(ctx, "{\"bank_txn_id\":\"B-4\",\"amount_fen\":300}");
    assert_int_equal(SUSPENSE(), 7300);
    assert_int_equal(BANK(), 7300);
    json = incoming(ctx, a);
    assert_non_null(strstr(json, "\"state\":\"suspense\",\"enterprise_id\":null,\"matched_by\":null"));
    fw_free(json);
    assert_rc(fw_funding_incoming_list(ctx, FW_FUNDING_SUSPENSE, 10, 0, &json, NULL, &err), FW_OK, &err);
    assert_non_null(strstr(json, "\"bank_txn_id\":\"B-4\""));
    fw_free(json);

    assert_rc(fw_funding_assign(ctx, a, 1, "as-1", &err), FW_OK, &err);
    assert_rc(fw_funding_assign(ctx, a, 1, "as-1", &err), FW_OK, &err);     /* replay */
    assert_int_equal(FUNDS(1), 7000);
    assert_int_equal(SUSPENSE(), 300);
    json = incoming(ctx, a);
    assert_non_null(strstr(json, "\"state\":\"assigned\",\"enterprise_id\":1,\"matched_by\":\"operator\""));
    fw_free(json);
    assert_int_equal(fw_funding_assign(ctx, a, 2, "as-2", &err), FW_ESTATE);
    assert_string_equal(fw_error_message(err),
                        "incoming_id: incoming transfer 1 is assigned; only one in suspense can be resolved");
    fw_error_free(err);
    err = NULL;

    assert_rc(fw_funding_return(ctx, b, "ret-1", &err), FW_OK, &err);
    assert_int_equal(SUSPENSE(), 0);
    assert_int_equal(BANK(), 7000);
    json = incoming(ctx, b);
    assert_non_null(strstr(json, "\"state\":\"returned\""));
    fw_free(json);
    assert_int_equal(count(ctx, "SELECT count(*) FROM fw_audit WHERE action IN ('funding.assign','funding.return')"), 2);
    assert_invariants(ctx);
}

/* A payer account of one enterprise with another's reference code goes to an operator. */
static void conflicting_signs_go_to_suspense(void **state)
{
    fw_ctx *ctx = *state;
    char *code = NULL, json[200], *out;
    fw_error *err = NULL;
    fw_id id;

    register_source(ctx, 1, "6222020012345678009");
    assert_rc(fw_funding_reference_code(ctx, 2, &code, &err), FW_OK, &err);
    snprintf(json, sizeof(json), "{\"bank_txn_id\":\"B-5\",\"amount_fen\":100,\"payer_account\":"
             "\"6222020012345678009\",\"remark\":\"%s\"}", code);
    id = notice(ctx, json);
    out = incoming(ctx, id);
    assert_non_null(strstr(out, "\"state\":\"suspense\""));
    fw_free(out);
    fw_free(code);
    assert_int_equal(FUNDS(1), 0);
    assert_invariants(ctx);
}

/* Idempotent by the bank's transaction id. */
static void notice_idempotent_by_bank_txn_id(void **state)
{
    fw_ctx *ctx = *state;
    static const char n1[] = "{\"bank_txn_id\":\"B-6\",\"amount_fen\":4000,\"received_ms\":1773539000000}";
    static const char n2[] = "{\"bank_txn_id\":\"B-6\",\"amount_fen\":4001,\"received_ms\":1773539000000}";
    fw_id a = 0, b = 0;
    fw_error *err = NULL;

    assert_rc(fw_funding_notice(ctx, &a, n1, strlen(n1), &err), FW_OK, &err);
    assert_rc(fw_funding_notice(ctx, &b, n1, strlen(n1), &err), FW_OK, &err);
    assert_int_equal(a, b);
    assert_int_equal(SUSPENSE(), 4000);
    b = 0;
    assert_int_equal(fw_funding_notice(ctx, &b, n2, strlen(n2), &err), FW_ECONFLICT);
    assert_string_equal(fw_error_message(err),
                        "idempotency_key: key \"B-6\" was first used with a different amount_fen; "
                        "use a new key for a new request");
    fw_error_free(err);
    assert_int_equal(b, 0);
    assert_int_equal(count(ctx, "SELECT count(*) FROM fw_funding_incoming"), 1);
    assert_invariants(ctx);
}

static void bad_notices_name_the_field(void **state)
{
    fw_ctx *ctx = *state;
    static const struct { const char *json, *path; } cases[] = {
        { "{\"amount_fen\":1}", "$.bank_txn_id" },
        { "{\"bank_txn_id\":\"x\",\"amount_fen\":0}", "$.amount_fen" },
        { "{\"bank_txn_id\":\"x\",\"amount_fen\":5,\"payer_account\":\"12\"}", "$.payer_account" },
        { "{\"bank_txn_id\":\"x\",\"amount_fen\":5,\"received_ms\":9773540000000}", "$.received_ms" },
        { "{\"bank_txn_id\":\"x\",\"amount_fen\":5,\"payee\":\"me\"}", "$.payee" },
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        fw_id id = 0;
        fw_error *err = NULL;
        int rc = fw_funding_notice(ctx, &id, cases[i].json, strlen(cases[i].json), &err);
        if (rc != FW_EINVAL || strcmp(fw_error_path(err), cases[i].path) != 0)
            fail_msg("case %zu: rc %d path %s", i, rc, fw_error_path(err));
        fw_error_free(err);
    }
    assert_int_equal(count(ctx, "SELECT count(*) FROM fw_funding_incoming"), 0);
}

/* before: the enterprise's schedule takes its fee at funding. */
static void fee_charged_before_at_funding(void **state)
{
    fw_ctx *ctx = *state;
    static const char sched[] = "{\"enterprise_id\":1,\"valid_from\":\"2026-01-01\","
                                "\"rate_ppm\":10000,\"min_fen\":300,\"charge\":\"before\"}";
    fw_id sid = 0, id;
    fw_error *err = NULL;
    char *json;

    assert_rc(fw_fee_schedule_set(ctx, &sid, sched, strlen(sched), &err), FW_OK, &err);
    register_source(ctx, 1, "6222020012345678009");
    id = notice(ctx, "{\"bank_txn_id\":\"B-7\",\"amount_fen\":100000,\"payer_account\":\"6222020012345678009\"}");
    assert_int_equal(FUNDS(1), 99000);
    assert_int_equal(REVENUE(), 1000);
    assert_int_equal(BANK(), 100000);
    json = incoming(ctx, id);
    assert_non_null(strstr(json, "\"fee_fen\":1000"));
    fw_free(json);
    /* The minimum applies; a fee never takes more than the payment. */
    notice(ctx, "{\"bank_txn_id\":\"B-8\",\"amount_fen\":200,\"payer_account\":\"6222020012345678009\"}");
    assert_int_equal(FUNDS(1), 99000);
    assert_int_equal(REVENUE(), 1200);
    assert_invariants(ctx);
}

/* Refund of unused funds: held, then paid or failed; never beyond what is available. */
static void refund_of_unused_funds(void **state)
{
    fw_ctx *ctx = *state;
    fw_id r1 = 0, r2 = 0, r3 = 0, acct = 0;
    int64_t avail = -1;
    fw_error *err = NULL;

    register_source(ctx, 1, "6222020012345678009");
    notice(ctx, "{\"bank_txn_id\":\"B-9\",\"amount_fen\":100000,\"payer_account\":\"6222020012345678009\"}");
    assert_rc(fw__ledger_account(ctx, FW_LEDGER_OWNER_ENTERPRISE, 1, FW_ACCT_ENTERPRISE_FUNDS, NULL, 0,
                                 &acct, &err), FW_OK, &err);
    assert_rc(fw_funding_refund(ctx, &r1, 1, 30000, "rf-1", &err), FW_OK, &err);
    assert_rc(fw_ledger_balance(ctx, acct, NULL, NULL, &avail, &err), FW_OK, &err);
    assert_int_equal(avail, 70000);
    assert_int_equal(fw_funding_refund(ctx, &r2, 1, 80000, "rf-2", &err), FW_EFUNDS);
    assert_string_equal(fw_error_message(err),
                        "amount_fen: enterprise 1's funds: account 1 has 70000 fen available, 80000 fen needed");
    fw_error_free(err);
    err = NULL;
    assert_rc(fw_funding_refund_complete(ctx, r1, 1, "rc-1", &err), FW_OK, &err);
    assert_int_equal(FUNDS(1), 70000);
    assert_int_equal(BANK(), 70000);
    assert_int_equal(fw_funding_refund_complete(ctx, r1, 0, "rc-2", &err), FW_ESTATE);
    fw_error_free(err);
    err = NULL;

    assert_rc(fw_funding_refund(ctx, &r3, 1, 10000, "rf-3", &err), FW_OK, &err);
    assert_rc(fw_funding_refund_complete(ctx, r3, 0, "rc-3", &err), FW_OK, &err);
    assert_rc(fw_ledger_balance(ctx, acct, NULL, NULL, &avail, &err), FW_OK, &err);
    assert_int_equal(avail, 70000);
    assert_int_equal(FUNDS(1), 70000);

    /* An enterprise user may ask for its own refund only. */
    test_actor(ctx, FW_ROLE_ENTERPRISE_USER, 2);
    assert_int_equal(fw_funding_refund(ctx, &r2, 1, 10, "rf-4", &err), FW_EPERM);
    fw_error_free(err);
    assert_invariants(ctx);
}

static void sources_belong_to_one_enterprise(void **state)
{
    fw_ctx *ctx = *state;
    static const char src[] = "{\"payer_account\":\"6222020012345678009\"}";
    fw_id a = 0, b = 0;
    fw_error *err = NULL;
    char *json = NULL;

    assert_rc(fw_funding_register_source(ctx, &a, 1, src, strlen(src), &err), FW_OK, &err);
    assert_rc(fw_funding_register_source(ctx, &b, 1, src, strlen(src), &err), FW_OK, &err);
    assert_int_equal(a, b);
    assert_int_equal(fw_funding_register_source(ctx, &b, 2, src, strlen(src), &err), FW_EEXISTS);
    assert_string_equal(fw_error_message(err),
                        "$.payer_account: the account 6222***********8009 is registered to enterprise 1");
    fw_error_free(err);
    err = NULL;

    /* An enterprise user sees its own incoming transfers only. */
    a = notice(ctx, "{\"bank_txn_id\":\"B-10\",\"amount_fen\":10,\"payer_account\":\"6222020012345678009\"}");
    test_actor(ctx, FW_ROLE_ENTERPRISE_USER, 2);
    assert_int_equal(fw_funding_incoming_get(ctx, a, &json, NULL, &err), FW_EPERM);
    fw_error_free(err);
    err = NULL;
    test_actor(ctx, FW_ROLE_ENTERPRISE_USER, 1);
    assert_rc(fw_funding_incoming_get(ctx, a, &json, NULL, &err), FW_OK, &err);
    fw_free(json);
}

TEST_MAIN(
    cmocka_unit_test_setup_teardown(recognised_by_payer_account, setup, test_teardown_ctx),
    cmocka_unit_test_setup_teardown(recognised_by_reference_code, setup, test_teardown_ctx),
    cmocka_unit_test_setup_teardown(recognised_by_virtual_sub_account, setup, test_teardown_ctx),
    cmocka_unit_test_setup_teardown(suspense_then_assign_or_return, setup, test_teardown_ctx),
    cmocka_unit_test_setup_teardown(conflicting_signs_go_to_suspense, setup, test_teardown_ctx),
    cmocka_unit_test_setup_teardown(notice_idempotent_by_bank_txn_id, setup, test_teardown_ctx),
    cmocka_unit_test_setup_teardown(bad_notices_name_the_field, setup, test_teardown_ctx),
    cmocka_unit_test_setup_teardown(fee_charged_before_at_funding, setup, test_teardown_ctx),
    cmocka_unit_test_setup_teardown(refund_of_unused_funds, setup, test_teardown_ctx),
    cmocka_unit_test_setup_teardown(sources_belong_to_one_enterprise, setup, test_teardown_ctx))
