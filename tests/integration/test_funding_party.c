/*
 * Party and funding together: money is credited to an enterprise only while the platform has a
 * payment-channel agreement in force and the enterprise is active.
 */
#include "../party/fixtures.h"

#include <flexwork/funding.h>
#include <flexwork/ledger.h>
#include <flexwork/risk.h>
#include "ledger/ledger.h"

#define PLATFORM "{\"operating_entity\":\"杭州灵工平台科技有限公司\",\"uscc\":\"91350100M000100Y43\",\"licences\":[]}"
#define CHANNEL "{\"kind\":\"bank\",\"counterparty\":\"招商银行杭州分行\",\"agreement_no\":\"CMB-2026-001\"," \
                "\"valid_from\":\"2026-01-01\",\"valid_to\":\"2026-12-31\"}"
#define PAYER "6222020012345678009"

static int64_t balance_of(fw_ctx *ctx, uint32_t kind, fw_id owner, uint32_t type)
{
    fw_id id = 0;
    int64_t p = -1;
    fw_error *err = NULL;
    if (fw__ledger_account(ctx, kind, owner, type, "CNY", 0, &id, NULL) == FW_ENOTFOUND)
        return 0;
    assert_rc(fw_ledger_balance(ctx, id, &p, NULL, NULL, &err), FW_OK, &err);
    return p;
}

#define FUNDS(e) balance_of(ctx, FW_LEDGER_OWNER_ENTERPRISE, (e), FW_ACCT_ENTERPRISE_FUNDS)
#define SUSPENSE() balance_of(ctx, FW_LEDGER_OWNER_PLATFORM, 0, FW_ACCT_SUSPENSE)
#define BANK() balance_of(ctx, FW_LEDGER_OWNER_PLATFORM, 0, FW_ACCT_BANK_CLEARING)

static void assert_balanced(fw_ctx *ctx)
{
    int balanced = 0, consistent = 0;
    fw_error *err = NULL;
    assert_rc(fw__ledger_check(ctx, &balanced, &consistent, &err), FW_OK, &err);
    assert_int_equal(balanced, 1);
    assert_int_equal(consistent, 1);
}

/* The platform's profile; the channel agreement only when asked. Enterprise 1 active, its payer account known. */
static fw_id platform(fw_ctx *ctx, int with_channel)
{
    char json[128];
    fw_error *err = NULL;
    fw_id ent, ch = 0, src = 0;

    assert_rc(fw_party_platform_set(ctx, PLATFORM, strlen(PLATFORM), &err), FW_OK, &err);
    if (with_channel)
        assert_rc(fw_party_channel_add(ctx, CHANNEL, strlen(CHANNEL), &ch, &err), FW_OK, &err);
    ent = party_active_enterprise(ctx, ENT1);
    snprintf(json, sizeof(json), "{\"payer_account\":\"%s\"}", PAYER);
    assert_rc(fw_funding_register_source(ctx, &src, ent, json, strlen(json), &err), FW_OK, &err);
    return ch;
}

static fw_id notice(fw_ctx *ctx, const char *txn, int64_t fen)
{
    char json[200];
    fw_id id = 0;
    fw_error *err = NULL;
    snprintf(json, sizeof(json), "{\"bank_txn_id\":\"%s\",\"amount_fen\":%lld,\"payer_account\":\"%s\"}", txn,
             (long long)fen, PAYER);
    assert_rc(fw_funding_notice(ctx, &id, json, strlen(json), &err), FW_OK, &err);
    return id;
}

static int64_t incoming_state(fw_ctx *ctx, fw_id id)
{
    int64_t st = 0;
    assert_int_equal(fw__db_i64(ctx, &st, NULL, "SELECT state FROM fw_funding_incoming WHERE id=?", "i", id), FW_OK);
    return st;
}

/* The reason the notice's audit record gives for parking the money. */
static void assert_parked_because(fw_ctx *ctx, fw_id incoming, const char *reason)
{
    int64_t n = 0;
    assert_int_equal(fw__db_i64(ctx, &n, NULL, "SELECT count(*) FROM fw_audit WHERE action='funding.notice' AND "
                                "entity_id=? AND instr(detail, ?) > 0", "it", incoming, reason), FW_OK);
    if (n != 1)
        fail_msg("the audit record of incoming %lld does not say \"%s\"", (long long)incoming, reason);
}

/* An assignment refused with the message; the store is unchanged. */
static void assign_refused(fw_ctx *ctx, fw_id incoming, fw_id ent, const char *key, int code, const char *message)
{
    fw_error *err = NULL;
    int64_t audits = audit_count(ctx), suspense = SUSPENSE(), funds = FUNDS(ent);

    assert_int_equal(fw_funding_assign(ctx, incoming, ent, key, &err), code);
    assert_string_equal(fw_error_message(err), message);
    fw_error_free(err);
    assert_int_equal(incoming_state(ctx, incoming), FW_FUNDING_SUSPENSE);
    assert_int_equal(SUSPENSE(), suspense);
    assert_int_equal(FUNDS(ent), funds);
    assert_int_equal(audit_count(ctx), audits);
}

/* without a channel agreement a payment is booked in suspense, not credited; nor can it be assigned. */
static void no_channel_agreement_parks_the_money(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    fw_id in, ch = 0;

    platform(ctx, 0);
    in = notice(ctx, "B-1", 50000);
    assert_int_equal(incoming_state(ctx, in), FW_FUNDING_SUSPENSE);
    assert_int_equal(FUNDS(1), 0);
    assert_int_equal(SUSPENSE(), 50000);
    assert_int_equal(BANK(), 50000);
    assert_parked_because(ctx, in, "PLATFORM_NO_CHANNEL_AGREEMENT: no payment-channel agreement is in force today");
    assign_refused(ctx, in, 1, "a1", FW_EDENIED, "PLATFORM_NO_CHANNEL_AGREEMENT: no payment-channel agreement is in force today; "
                   "money cannot move");

    /* with the agreement recorded, the operator assigns it (a new key: a refused key keeps its answer) */
    assert_rc(fw_party_channel_add(ctx, CHANNEL, strlen(CHANNEL), &ch, &err), FW_OK, &err);
    assign_refused(ctx, in, 1, "a1", FW_EDENIED, "PLATFORM_NO_CHANNEL_AGREEMENT: no payment-channel agreement is in force today; "
                   "money cannot move");
    assert_rc(fw_funding_assign(ctx, in, 1, "a2", &err), FW_OK, &err);
    assert_int_equal(FUNDS(1), 50000);
    assert_int_equal(SUSPENSE(), 0);
    /* and later payments are credited directly */
    in = notice(ctx, "B-2", 700);
    assert_int_equal(incoming_state(ctx, in), FW_FUNDING_RECOGNISED);
    assert_int_equal(FUNDS(1), 50700);
    assert_balanced(ctx);
}

/* a suspended enterprise receives nothing until resumed; its payment waits in suspense. */
static void suspended_enterprise_is_not_credited(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    fw_id in;

    platform(ctx, 1);
    assert_rc(fw_party_enterprise_suspend(ctx, 1, "资料核查", &err), FW_OK, &err);
    in = notice(ctx, "B-1", 12000);
    assert_int_equal(incoming_state(ctx, in), FW_FUNDING_SUSPENSE);
    assert_int_equal(FUNDS(1), 0);
    assert_int_equal(SUSPENSE(), 12000);
    assert_parked_because(ctx, in, "ENTERPRISE_SUSPENDED: enterprise 1 is suspended");
    assign_refused(ctx, in, 1, "a1", FW_EDENIED, "ENTERPRISE_SUSPENDED: enterprise 1 is suspended");

    assert_rc(fw_party_enterprise_resume(ctx, 1, &err), FW_OK, &err);
    assert_rc(fw_funding_assign(ctx, in, 1, "a2", &err), FW_OK, &err);
    assert_int_equal(FUNDS(1), 12000);
    assert_int_equal(SUSPENSE(), 0);
    assert_balanced(ctx);
}

/* money is not assigned to an enterprise that has not been activated. */
static void inactive_enterprise_cannot_be_assigned(void **state)
{
    fw_ctx *ctx = *state;
    fw_id in, ent;

    platform(ctx, 1);
    ent = verified_enterprise(ctx, ENT2);
    {
        const char *json = "{\"bank_txn_id\":\"B-1\",\"amount_fen\":400}";
        fw_error *err = NULL;
        assert_rc(fw_funding_notice(ctx, &in, json, strlen(json), &err), FW_OK, &err);
    }
    assert_int_equal(incoming_state(ctx, in), FW_FUNDING_SUSPENSE);
    assign_refused(ctx, in, ent, "a1", FW_EDENIED,
                   "ENTERPRISE_NOT_SIGNED: enterprise 2 has not signed the cooperation agreement");
    assign_refused(ctx, in, 99, "a2", FW_ENOTFOUND, "no enterprise 99");
    assert_int_equal(count_rows(ctx, "SELECT count(*) FROM fw_ledger_account WHERE owner_kind=2 AND owner_id=2"), 0);
}

/* a refund goes out through the channel: refused without an agreement in force, nothing held. */
static void refund_needs_the_channel(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    fw_id ch = platform(ctx, 1), refund = 77;
    int64_t audits;

    notice(ctx, "B-1", 9000);
    assert_rc(fw_party_channel_revoke(ctx, ch, &err), FW_OK, &err);
    audits = audit_count(ctx);
    assert_int_equal(fw_funding_refund(ctx, &refund, 1, 4000, "rf1", &err), FW_EDENIED);
    assert_string_equal(fw_error_message(err), "PLATFORM_NO_CHANNEL_AGREEMENT: no payment-channel agreement is in "
                        "force today; money cannot move");
    fw_error_free(err);
    err = NULL;
    assert_int_equal(refund, 77);
    assert_int_equal(audit_count(ctx), audits);
    assert_int_equal(count_rows(ctx, "SELECT count(*) FROM fw_funding_refund"), 0);
    assert_int_equal(count_rows(ctx, "SELECT count(*) FROM fw_ledger_hold"), 0);

    /* under a new agreement a suspended enterprise still gets its own money back */
    {
        const char *renewed = "{\"kind\":\"bank\",\"counterparty\":\"招商银行杭州分行\",\"agreement_no\":"
                              "\"CMB-2026-002\",\"valid_from\":\"2026-03-01\",\"valid_to\":\"2027-02-28\"}";
        assert_rc(fw_party_channel_add(ctx, renewed, strlen(renewed), &ch, &err), FW_OK, &err);
    }
    assert_rc(fw_party_enterprise_suspend(ctx, 1, "停止合作", &err), FW_OK, &err);
    assert_rc(fw_funding_refund(ctx, &refund, 1, 4000, "rf2", &err), FW_OK, &err);
    assert_rc(fw_funding_refund_complete(ctx, refund, 1, "rc2", &err), FW_OK, &err);
    assert_int_equal(FUNDS(1), 5000);
    assert_balanced(ctx);
}

/* .c, R-7.10.h: risk takes part in funding: a black-listed enterprise's payment waits in suspense. */
static void black_listed_enterprise_is_not_credited(void **state)
{
    fw_ctx *ctx = *state;
    const char *entry = "{\"list\":\"black\",\"kind\":\"enterprise\",\"value\":\"91330100799655058B\","
                        "\"reason\":\"涉嫌虚开发票\",\"source\":\"税务机关通报\"}";
    fw_error *err = NULL;
    fw_id in, id = 0;

    platform(ctx, 1);
    assert_rc(fw_risk_list_add(ctx, entry, strlen(entry), &id, &err), FW_OK, &err);
    in = notice(ctx, "L-1", 30000);
    assert_int_equal(incoming_state(ctx, in), FW_FUNDING_SUSPENSE);
    assert_int_equal(FUNDS(1), 0);
    assert_int_equal(SUSPENSE(), 30000);
    assert_int_equal(BANK(), 30000);
    assert_parked_because(ctx, in, "LIST_ENTERPRISE_BLACK");
    assert_balanced(ctx);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, test_setup_admin, test_teardown_ctx)
TEST_MAIN(T(no_channel_agreement_parks_the_money), T(suspended_enterprise_is_not_credited),
          T(inactive_enterprise_cannot_be_assigned), T(refund_needs_the_channel),
          T(black_listed_enterprise_is_not_credited))
