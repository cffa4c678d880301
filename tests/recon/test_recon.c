/* Reconciliation (R-7.9.a-d): import, matching rules and outcomes, cases, adjustments, fees, files. */
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../party/fixtures.h"
#include "ledger/ledger.h"

#define DAY 86400000LL
/* 2026-03-14 00:00 CST: the day before the test clock's. */
#define D14 (TEST_CLOCK_START - 10 * 3600000LL - DAY)
#define HOUR 3600000LL

#define GENERIC_HEADER "交易日期,交易时间,交易流水号,客户业务编号,借方发生额,贷方发生额,余额,对方户名,对方账号,摘要\n"
#define UTF8_CSV "{\"format\":\"csv\",\"profile\":\"generic_bank\",\"encoding\":\"utf-8\"}"

#define PLATFORM "{\"operating_entity\":\"杭州灵工平台科技有限公司\",\"uscc\":\"91350100M000100Y43\",\"licences\":[]}"
#define CHANNEL "{\"kind\":\"bank\",\"counterparty\":\"招商银行杭州分行\",\"agreement_no\":\"CMB-2026-001\"," \
                "\"valid_from\":\"2026-01-01\",\"valid_to\":\"2026-12-31\"}"

/* funding credits enterprises once the platform has a channel agreement and they
 * are active: enterprises 1 to 3 are. */
static int setup_funding(void **state)
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

struct mem {
    const char *p;
    size_t n, off, chunk;
};

/* Hands the text out a few bytes at a time, so that every boundary is crossed. */
static int64_t mem_read(void *payload, uint8_t *buf, size_t size)
{
    struct mem *m = payload;
    size_t k = m->n - m->off;
    if (k > size)
        k = size;
    if (k > m->chunk)
        k = m->chunk;
    memcpy(buf, m->p + m->off, k);
    m->off += k;
    return (int64_t)k;
}

static int import_text(fw_ctx *ctx, fw_id *id, const char *text, size_t n, const char *opts,
                       fw_error **err)
{
    struct mem m = { text, n, 0, 7 };
    return fw_recon_import(ctx, id, mem_read, &m, opts, strlen(opts), err);
}

static fw_id import_ok(fw_ctx *ctx, const char *text, const char *opts)
{
    fw_error *err = NULL;
    fw_id id = 0;
    assert_rc(import_text(ctx, &id, text, strlen(text), opts, &err), FW_OK, &err);
    assert_true(id > 0);
    return id;
}

static int64_t count(fw_ctx *ctx, const char *sql)
{
    int64_t n = -1;
    assert_int_equal(fw__db_i64(ctx, &n, NULL, sql, ""), FW_OK);
    return n;
}

static fw_id account(fw_ctx *ctx, uint32_t kind, fw_id owner, uint32_t type)
{
    fw_id id = 0;
    assert_int_equal(fw__ledger_account(ctx, kind, owner, type, "CNY", 1, &id, NULL), FW_OK);
    return id;
}

static fw_id bank_account(fw_ctx *ctx)
{
    return account(ctx, FW_LEDGER_OWNER_PLATFORM, 0, FW_ACCT_BANK_CLEARING);
}

/* A ledger record on bank clearing: money in (> 0) or out (< 0), with a reference. */
static fw_id book(fw_ctx *ctx, const char *ref, int64_t amount, int64_t ms)
{
    fw_id bank = bank_account(ctx), other = account(ctx, FW_LEDGER_OWNER_PLATFORM, 0, FW_ACCT_PAYOUT_CLEARING);
    char json[512];
    fw_error *err = NULL;
    fw_id id = 0;
    int64_t a = amount < 0 ? -amount : amount;
    snprintf(json, sizeof(json),
             "{\"idempotency_key\":\"book-%s-%lld\",\"reason\":\"payout.paid\",\"effective_ms\":%lld,"
             "\"ref_kind\":\"payout\",\"ref_id\":\"%s\",\"postings\":[{\"account_id\":%lld,\"%s\":%lld},"
             "{\"account_id\":%lld,\"%s\":%lld}]}",
             ref, (long long)ms, (long long)ms, ref, (long long)bank, amount > 0 ? "debit_fen" : "credit_fen",
             (long long)a, (long long)other, amount > 0 ? "credit_fen" : "debit_fen", (long long)a);
    assert_rc(fw_ledger_entry_post(ctx, &id, json, strlen(json), &err), FW_OK, &err);
    return id;
}

static fw_recon *run(fw_ctx *ctx, fw_id statement, const char *opts)
{
    fw_recon *r = NULL;
    fw_error *err = NULL;
    assert_rc(fw_recon_run(&r, ctx, statement, opts, opts ? strlen(opts) : 0, &err), FW_OK, &err);
    return r;
}

static void assert_outcome(const fw_recon *r, uint32_t outcome, int64_t want_count, int64_t want_sum)
{
    int64_t c = -1, s = -1;
    assert_int_equal(fw_recon_outcome(r, outcome, &c, &s, NULL), FW_OK);
    if (c != want_count || s != want_sum)
        fail_msg("outcome %u: count %lld sum %lld, want %lld and %lld", outcome, (long long)c,
                 (long long)s, (long long)want_count, (long long)want_sum);
}

static char *summary(const fw_recon *r)
{
    char *json = NULL;
    assert_int_equal(fw_recon_summary(r, &json, NULL, NULL), FW_OK);
    return json;
}

static void assert_contains(const char *hay, const char *needle)
{
    if (!hay || !strstr(hay, needle))
        fail_msg("expected %s\nin %s", needle, hay ? hay : "(nothing)");
}

/* .a: each outcome class, with the balance check explaining the whole difference. */
static void outcomes_and_balance_check(void **state)
{
    fw_ctx *ctx = *state;
    fw_recon *r;
    char *json;
    fw_id st;

    book(ctx, "P-1", -10000, D14 + 9 * HOUR);
    book(ctx, "P-2", -5000, D14 + 23 * HOUR + 50 * 60000);    /* paid 23:50, the bank books it 00:10 */
    book(ctx, "P-3", -7000, D14 + 10 * HOUR);                 /* the bank never paid it */
    book(ctx, "P-4", -3000, D14 + 11 * HOUR);                 /* the bank paid 31.00 */
    st = import_ok(ctx,
                   GENERIC_HEADER
                   "20260314,09:00:05,T001,P-1,100.00,,900.00,张三,6222020012345678,代发\n"
                   "20260314,11:00:00,T004,P-4,31.00,,869.00,李四,6222020012345679,代发\n"
                   "20260314,15:00:00,T005,,5.00,,864.00,,,手续费\n"
                   "20260314,09:00:05,T001,P-1,100.00,,900.00,张三,6222020012345678,代发\n"
                   "20260315,00:10:00,T002,P-2,50.00,,814.00,王五,6222020012345670,代发\n",
                   UTF8_CSV);
    r = run(ctx, st, "{\"feed_funding\":false}");
    assert_outcome(r, FW_RECON_MATCHED, 1, -10000);
    assert_outcome(r, FW_RECON_LATE, 1, -5000);
    assert_outcome(r, FW_RECON_AMOUNT_DIFFERS, 1, -3100);
    assert_outcome(r, FW_RECON_MISSING_IN_LEDGER, 1, -500);
    assert_outcome(r, FW_RECON_DUPLICATE, 1, -10000);
    assert_outcome(r, FW_RECON_MISSING_IN_STATEMENT, 1, -7000);
    json = summary(r);
    /* opening 1000.00 (first balance + first debit) - 286.00 = 714.00, but the balance column
     * counted the duplicate: the statement itself is inconsistent and says so. */
    assert_contains(json, "\"opening_fen\":100000,\"movements_fen\":-28600,\"closing_fen\":81400,"
                          "\"statement_consistent\":false");
    assert_contains(json, "\"cases_opened\":4");
    fw_free(json);
    assert_int_equal(count(ctx, "SELECT count(*) FROM fw_recon_case WHERE state = 1"), 4);
    assert_int_equal(count(ctx, "SELECT count(*) FROM fw_recon_result"), 6);
    assert_true(fw_recon_id(r) > 0);
    fw_recon_free(r);
}

/* .a: a consistent statement against a ledger that misses one bank fee: the difference is
 * fully explained by the unmatched line. */
static void balance_difference_is_explained(void **state)
{
    fw_ctx *ctx = *state;
    fw_recon *r;
    char *json;
    fw_id st;

    book(ctx, "IN-1", 100000, D14 - DAY);                       /* the opening balance */
    book(ctx, "P-1", -10000, D14 + 9 * HOUR);
    st = import_ok(ctx,
                   GENERIC_HEADER
                   "20260314,09:00:00,T001,P-1,100.00,,900.00,,,代发\n"
                   "20260314,15:00:00,T005,,5.00,,895.00,,,手续费\n",
                   UTF8_CSV);
    r = run(ctx, st, NULL);
    json = summary(r);
    assert_contains(json, "\"opening_fen\":100000,\"movements_fen\":-10500,\"closing_fen\":89500,"
                          "\"statement_consistent\":true,\"ledger_opening_fen\":100000,\"ledger_fen\":90000,"
                          "\"difference_fen\":-500,\"opening_difference_fen\":0,\"explained_fen\":-500,"
                          "\"unexplained_fen\":0");
    fw_free(json);
    fw_recon_free(r);
}

/* .a: amount + date window, and the window's edge. */
static void amount_date_rule_and_window(void **state)
{
    fw_ctx *ctx = *state;
    fw_recon *r;
    fw_id st;

    book(ctx, "X-1", -20000, D14 - DAY + 12 * HOUR);           /* a day before the line */
    st = import_ok(ctx, GENERIC_HEADER "20260314,10:00:00,T9,,200.00,,,,,代发\n", UTF8_CSV);
    r = run(ctx, st, "{\"dry_run\":true,\"rules\":[{\"kind\":\"amount_date\",\"date_window_days\":0}]}");
    assert_outcome(r, FW_RECON_MISSING_IN_LEDGER, 1, -20000);
    assert_int_equal(fw_recon_id(r), 0);
    fw_recon_free(r);
    r = run(ctx, st, "{\"dry_run\":true,\"rules\":[{\"kind\":\"amount_date\",\"date_window_days\":1}]}");
    assert_outcome(r, FW_RECON_LATE, 1, -20000);
    assert_outcome(r, FW_RECON_MISSING_IN_LEDGER, 0, 0);
    fw_recon_free(r);
    /* A dry run records nothing. */
    assert_int_equal(count(ctx, "SELECT count(*) FROM fw_recon_run"), 0);
    assert_int_equal(count(ctx, "SELECT count(*) FROM fw_recon_case"), 0);
    assert_int_equal(count(ctx, "SELECT count(*) FROM fw_recon_result"), 0);
}

/* .a: amount tolerance, absolute and in parts per million. */
static void amount_tolerances(void **state)
{
    fw_ctx *ctx = *state;
    fw_recon *r;
    char *json = NULL;
    fw_id st;

    book(ctx, "A-1", -100000, D14 + 9 * HOUR);
    book(ctx, "A-2", -100000, D14 + 10 * HOUR);
    st = import_ok(ctx, GENERIC_HEADER
                   "20260314,09:00:00,T1,A-1,1000.03,,,,,\n"
                   "20260314,10:00:00,T2,A-2,1000.20,,,,,\n", UTF8_CSV);
    r = run(ctx, st, "{\"dry_run\":true,\"rules\":[{\"kind\":\"reference\"}]}");
    assert_outcome(r, FW_RECON_AMOUNT_DIFFERS, 2, -200023);
    fw_recon_free(r);
    r = run(ctx, st, "{\"dry_run\":true,\"rules\":[{\"kind\":\"reference\",\"tolerance_fen\":5}]}");
    assert_outcome(r, FW_RECON_MATCHED, 1, -100003);
    assert_outcome(r, FW_RECON_AMOUNT_DIFFERS, 1, -100020);
    assert_int_equal(fw_recon_results(r, FW_RECON_MATCHED, 0, 10, &json, NULL, NULL), FW_OK);
    assert_contains(json, "\"ledger_fen\":-100000,\"difference_fen\":-3");
    fw_free(json);
    fw_recon_free(r);
    /* 200 ppm of 1000.00 is 0.20: both within. */
    r = run(ctx, st, "{\"dry_run\":true,\"rules\":[{\"kind\":\"reference\",\"tolerance_ppm\":200}]}");
    assert_outcome(r, FW_RECON_MATCHED, 2, -200023);
    fw_recon_free(r);
    r = run(ctx, st, "{\"dry_run\":true,\"rules\":[{\"kind\":\"reference\",\"tolerance_ppm\":199}]}");
    assert_outcome(r, FW_RECON_MATCHED, 1, -100003);
    fw_recon_free(r);
    /* amount_date honours the tolerance too */
    r = run(ctx, st, "{\"dry_run\":true,\"rules\":[{\"kind\":\"amount_date\",\"tolerance_fen\":20}]}");
    assert_outcome(r, FW_RECON_MATCHED, 2, -200023);
    fw_recon_free(r);
}

/* .a: one line against a batch of payouts, and several lines against one record. */
static void one_to_many_and_many_to_one(void **state)
{
    fw_ctx *ctx = *state;
    fw_recon *r;
    char *json = NULL;
    fw_id st, e1, e2;

    e1 = book(ctx, "B0314-1", -10000, D14 + 9 * HOUR);
    e2 = book(ctx, "B0314-2", -20000, D14 + 9 * HOUR);
    book(ctx, "S9", 50000, D14 + 12 * HOUR);
    book(ctx, "C7-1", -1000, D14 + 13 * HOUR);
    book(ctx, "C7-2", -2000, D14 + 13 * HOUR);
    st = import_ok(ctx, GENERIC_HEADER
                   "20260314,09:30:00,T1,B0314,300.00,,,,,批量代发\n"
                   "20260314,12:00:00,T2,S9-a,,200.00,,,,结算\n"
                   "20260314,12:00:00,T3,S9-b,,300.00,,,,结算\n"
                   "20260314,13:00:00,T4,C7,31.00,,,,,批量代发\n", UTF8_CSV);
    r = run(ctx, st, "{\"dry_run\":true,\"rules\":[{\"kind\":\"one_to_many\"},{\"kind\":\"many_to_one\"}]}");
    assert_outcome(r, FW_RECON_MATCHED, 3, 20000);
    assert_outcome(r, FW_RECON_AMOUNT_DIFFERS, 1, -3100);
    assert_outcome(r, FW_RECON_MISSING_IN_STATEMENT, 0, 0);
    assert_int_equal(fw_recon_results(r, 0, 0, 1, &json, NULL, NULL), FW_OK);
    {
        char want[128];
        snprintf(want, sizeof(want), "\"rule\":\"one_to_many\"");
        assert_contains(json, want);
        snprintf(want, sizeof(want), "\"entry_ids\":[%lld,%lld],\"ledger_fen\":-30000,\"difference_fen\":0",
                 (long long)e1, (long long)e2);
        assert_contains(json, want);
    }
    fw_free(json);
    fw_recon_free(r);
    /* Grouped by day instead: the two settlement lines against the one record. */
    r = run(ctx, st, "{\"dry_run\":true,\"rules\":[{\"kind\":\"many_to_one\",\"group_by\":\"day\"}]}");
    assert_outcome(r, FW_RECON_MATCHED, 2, 50000);
    fw_recon_free(r);
}

/* .a: a daily net settlement against the day's payouts (one_to_many by day). */
static void one_to_many_by_day(void **state)
{
    fw_ctx *ctx = *state;
    fw_recon *r;
    fw_id st;

    book(ctx, "D-1", -10000, D14 + 9 * HOUR);
    book(ctx, "D-2", -5000, D14 + 15 * HOUR);
    book(ctx, "D-3", 7000, D14 + 15 * HOUR);                    /* the other direction stays out */
    st = import_ok(ctx, GENERIC_HEADER "20260314,23:00:00,T1,SETTLE,150.00,,,,,日结\n", UTF8_CSV);
    r = run(ctx, st, "{\"dry_run\":true,\"rules\":[{\"kind\":\"one_to_many\",\"group_by\":\"day\"}]}");
    assert_outcome(r, FW_RECON_MATCHED, 1, -15000);
    assert_outcome(r, FW_RECON_MISSING_IN_STATEMENT, 1, 7000);
    fw_recon_free(r);
    /* a day whose sum differs pairs nothing */
    st = import_ok(ctx, GENERIC_HEADER "20260314,23:00:00,T2,SETTLE2,151.00,,,,,日结\n", UTF8_CSV);
    r = run(ctx, st, "{\"dry_run\":true,\"rules\":[{\"kind\":\"one_to_many\",\"group_by\":\"day\"}]}");
    assert_outcome(r, FW_RECON_MISSING_IN_LEDGER, 1, -15100);
    assert_outcome(r, FW_RECON_MISSING_IN_STATEMENT, 3, -8000);
    fw_recon_free(r);
}

/* .a: the counterparty criterion of amount_date, by the payer's blind index. */
static void counterparty_criterion(void **state)
{
    fw_ctx *ctx = *state;
    fw_recon *r;
    fw_error *err = NULL;
    fw_id st, inc;
    const char *notice = "{\"bank_txn_id\":\"BANK-77\",\"amount_fen\":60000,\"payer_account\":\"6222 0200 0000 1111\","
                         "\"received_ms\":1773417600000}";

    assert_rc(fw_funding_notice(ctx, &inc, notice, strlen(notice), &err), FW_OK, &err);
    st = import_ok(ctx, GENERIC_HEADER
                   "20260314,09:00:00,OTHER-1,,,600.00,,某公司,6222020000001111,\n"
                   "20260314,09:00:00,OTHER-2,,,600.00,,某公司,6222020000009999,\n", UTF8_CSV);
    r = run(ctx, st, "{\"dry_run\":true,\"rules\":[{\"kind\":\"amount_date\",\"counterparty\":true}]}");
    assert_outcome(r, FW_RECON_MATCHED, 1, 60000);
    assert_outcome(r, FW_RECON_MISSING_IN_LEDGER, 1, 60000);
    fw_recon_free(r);
}

/* .a, R-7.5.b: incoming money the ledger does not know is recognised by funding. */
static void incoming_lines_feed_funding(void **state)
{
    fw_ctx *ctx = *state;
    fw_recon *r;
    fw_error *err = NULL;
    fw_id st, src;
    char *json;
    int64_t funds = -1;
    const char *reg = "{\"payer_account\":\"6222 0200 1234 5678 009\"}";

    assert_rc(fw_funding_register_source(ctx, &src, 3, reg, strlen(reg), &err), FW_OK, &err);
    st = import_ok(ctx, GENERIC_HEADER "20260314,10:00:00,BK-1,,,1000.00,,北京某某科技有限公司,6222020012345678009,备付金\n",
                   UTF8_CSV);
    r = run(ctx, st, NULL);
    assert_outcome(r, FW_RECON_MATCHED, 1, 100000);
    json = summary(r);
    assert_contains(json, "\"funding_fed\":1");
    fw_free(json);
    assert_rc(fw_ledger_balance(ctx, account(ctx, FW_LEDGER_OWNER_ENTERPRISE, 3, FW_ACCT_ENTERPRISE_FUNDS),
                                &funds, NULL, NULL, &err), FW_OK, &err);
    assert_int_equal(funds, 100000);
    assert_int_equal(count(ctx, "SELECT count(*) FROM fw_funding_incoming WHERE bank_txn_id='BK-1' AND state=1"), 1);
    /* the sealed payer is not readable in the line table */
    assert_int_equal(count(ctx, "SELECT count(*) FROM fw_recon_line WHERE cp_account LIKE '%12345678%' "
                                "OR cp_name LIKE '%科技%'"), 0);
    fw_recon_free(r);
}

/* Only one recorded run per statement; a dry run may look again. */
static void statement_reconciled_once(void **state)
{
    fw_ctx *ctx = *state;
    fw_recon *r = NULL;
    fw_error *err = NULL;
    fw_id st;

    st = import_ok(ctx, GENERIC_HEADER "20260314,10:00:00,T1,,5.00,,,,,\n", UTF8_CSV);
    fw_recon_free(run(ctx, st, NULL));
    assert_rc(fw_recon_run(&r, ctx, st, NULL, 0, &err), FW_ESTATE, &err);
    assert_null(r);
    fw_recon_free(run(ctx, st, "{\"dry_run\":true}"));
    assert_rc(fw_recon_run(&r, ctx, 999, NULL, 0, &err), FW_ENOTFOUND, &err);
    assert_rc(fw_recon_run(&r, ctx, st, "{\"rules\":[{\"kind\":\"exact\"}]}", 28, &err), FW_EINVAL, &err);
}

/* .c: a record missing from today's statement and on tomorrow's is a timing difference,
 * closed by the later run. */
static void missing_record_matched_later_resolves_as_timing(void **state)
{
    fw_ctx *ctx = *state;
    fw_id st1, st2, case_id = 0;
    char *json = NULL;
    fw_recon *r;

    book(ctx, "P-9", -4000, D14 - 2 * DAY + 20 * HOUR);
    st1 = import_ok(ctx, GENERIC_HEADER "20260312,10:00:00,T1,,5.00,,,,,\n", UTF8_CSV);
    fw_recon_free(run(ctx, st1, "{\"rules\":[{\"kind\":\"reference\"}]}"));
    assert_int_equal(fw__db_i64(ctx, &case_id, NULL, "SELECT id FROM fw_recon_case WHERE kind = 3", ""), FW_OK);
    st2 = import_ok(ctx, GENERIC_HEADER "20260314,10:00:00,T2,P-9,40.00,,,,,\n", UTF8_CSV);
    r = run(ctx, st2, "{\"rules\":[{\"kind\":\"reference\"}]}");
    assert_outcome(r, FW_RECON_LATE, 1, -4000);
    assert_outcome(r, FW_RECON_MISSING_IN_STATEMENT, 0, 0);
    fw_recon_free(r);
    assert_int_equal(fw_recon_case_get(ctx, case_id, &json, NULL, NULL), FW_OK);
    assert_contains(json, "\"state\":\"resolved_timing\"");
    assert_contains(json, "\"action\":\"matched_later\"");
    fw_free(json);
}

/* .a: a later statement repeating a payment an earlier run matched reports a duplicate. */
static void line_repeated_in_later_statement_is_duplicate(void **state)
{
    fw_ctx *ctx = *state;
    fw_recon *r;

    book(ctx, "P-1", -10000, D14 + 9 * HOUR);
    fw_recon_free(run(ctx, import_ok(ctx, GENERIC_HEADER "20260314,09:00:00,T1,P-1,100.00,,,,,\n", UTF8_CSV), NULL));
    r = run(ctx, import_ok(ctx, GENERIC_HEADER "20260314,09:00:00,T1,P-1,100.00,,,,,\n"
                                "20260314,10:00:00,T2,,1.00,,,,,\n", UTF8_CSV), NULL);
    assert_outcome(r, FW_RECON_DUPLICATE, 1, -10000);
    assert_outcome(r, FW_RECON_MATCHED, 0, 0);
    assert_outcome(r, FW_RECON_MISSING_IN_LEDGER, 1, -100);
    fw_recon_free(r);
}

static fw_id first_case(fw_ctx *ctx, int kind)
{
    char sql[128];
    int64_t id = 0;
    snprintf(sql, sizeof(sql), "SELECT min(id) FROM fw_recon_case WHERE kind = %d", kind);
    assert_int_equal(fw__db_i64(ctx, &id, NULL, sql, ""), FW_OK);
    assert_true(id > 0);
    return id;
}

/* .c: open -> investigating -> written off; resolved cases do not change. */
static void case_lifecycle(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    char *json = NULL;
    fw_id st, c;

    st = import_ok(ctx, GENERIC_HEADER "20260314,10:00:00,T1,,5.00,,,,,\n20260314,11:00:00,T2,,6.00,,,,,\n", UTF8_CSV);
    fw_recon_free(run(ctx, st, NULL));
    c = first_case(ctx, FW_RECON_MISSING_IN_LEDGER);
    fw_ctx_set_actor(ctx, FW_ROLE_OPERATOR, 0, "alice", NULL);
    assert_rc(fw_recon_case_act(ctx, c, "{\"action\":\"investigate\"}", strlen("{\"action\":\"investigate\"}"), &err), FW_OK, &err);
    assert_rc(fw_recon_case_act(ctx, c, "{\"action\":\"investigate\"}", strlen("{\"action\":\"investigate\"}"), &err), FW_ESTATE, &err);
    assert_rc(fw_recon_case_act(ctx, c, "{\"action\":\"note\"}", strlen("{\"action\":\"note\"}"), &err), FW_EINVAL, &err);
    assert_rc(fw_recon_case_act(ctx, c, "{\"action\":\"note\",\"note\":\"asked the bank\"}", strlen("{\"action\":\"note\",\"note\":\"asked the bank\"}"), &err), FW_OK, &err);
    assert_rc(fw_recon_case_act(ctx, c, "{\"action\":\"write_off\",\"note\":\"below threshold\"}", strlen("{\"action\":\"write_off\",\"note\":\"below threshold\"}"), &err), FW_OK, &err);
    assert_rc(fw_recon_case_act(ctx, c, "{\"action\":\"resolve_timing\",\"note\":\"x\"}", strlen("{\"action\":\"resolve_timing\",\"note\":\"x\"}"), &err), FW_ESTATE, &err);
    assert_int_equal(fw_recon_case_get(ctx, c, &json, NULL, NULL), FW_OK);
    assert_contains(json, "\"state\":\"written_off\"");
    assert_contains(json, "\"actor\":\"alice\",\"role\":\"operator\",\"action\":\"investigate\",\"from\":\"open\","
                          "\"to\":\"investigating\",\"note\":null}");
    assert_contains(json, "\"action\":\"write_off\",\"from\":\"investigating\",\"to\":\"written_off\","
                          "\"note\":\"below threshold\"");
    fw_free(json);
    assert_int_equal(fw_recon_case_list(ctx, "{\"state\":\"open\"}", strlen("{\"state\":\"open\"}"), &json, NULL, NULL), FW_OK);
    assert_contains(json, "\"kind\":\"missing_in_ledger\",\"state\":\"open\",\"amount_fen\":-600");
    assert_null(strstr(json, "written_off"));
    fw_free(json);
    /* a worker may not touch cases */
    fw_ctx_set_actor(ctx, FW_ROLE_WORKER, 5, "w", NULL);
    assert_rc(fw_recon_case_act(ctx, c + 1, "{\"action\":\"investigate\"}", strlen("{\"action\":\"investigate\"}"), &err), FW_EPERM, &err);
}

/* .d: four eyes: the proposer cannot approve; another person posts it and closes the case. */
static void adjustment_needs_four_eyes(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    char json[512], *out = NULL;
    fw_id st, c, adj = 0, adj2 = 0, entry = 0, bank, revenue;
    int64_t bal = -1, entries_before;
    fw_recon *r;

    bank = bank_account(ctx);
    revenue = account(ctx, FW_LEDGER_OWNER_PLATFORM, 0, FW_ACCT_FEE_REVENUE);
    st = import_ok(ctx, GENERIC_HEADER "20260314,15:00:00,T5,,5.00,,,,,手续费\n", UTF8_CSV);
    fw_recon_free(run(ctx, st, NULL));
    c = first_case(ctx, FW_RECON_MISSING_IN_LEDGER);
    snprintf(json, sizeof(json),
             "{\"idempotency_key\":\"adj-1\",\"reason\":\"recon.adjust.bank_fee\",\"memo\":\"bank charge\","
             "\"postings\":[{\"account_id\":%lld,\"debit_fen\":500},{\"account_id\":%lld,\"credit_fen\":500}]}",
             (long long)revenue, (long long)bank);
    fw_ctx_set_actor(ctx, FW_ROLE_FINANCE, 0, "alice", NULL);
    assert_rc(fw_recon_adjust_propose(ctx, &adj, c, json, strlen(json), &err), FW_OK, &err);
    assert_rc(fw_recon_adjust_propose(ctx, &adj2, c, json, strlen(json), &err), FW_OK, &err);
    assert_int_equal(adj2, adj);                                  /* the same key replays */
    entries_before = count(ctx, "SELECT count(*) FROM fw_ledger_entry");
    assert_rc(fw_recon_adjust_approve(ctx, adj, NULL, &entry, &err), FW_EDENIED, &err);
    assert_int_equal(count(ctx, "SELECT count(*) FROM fw_ledger_entry"), entries_before);
    assert_int_equal(count(ctx, "SELECT state FROM fw_recon_adjustment"), FW_RECON_ADJ_PROPOSED);
    /* the same name in another role is still the same person */
    fw_ctx_set_actor(ctx, FW_ROLE_ADMIN, 0, "alice", NULL);
    assert_rc(fw_recon_adjust_approve(ctx, adj, NULL, &entry, &err), FW_EDENIED, &err);
    fw_ctx_set_actor(ctx, FW_ROLE_FINANCE, 0, "bob", NULL);
    assert_rc(fw_recon_adjust_approve(ctx, adj, "checked the bank's advice", &entry, &err), FW_OK, &err);
    assert_true(entry > 0);
    assert_rc(fw_recon_adjust_approve(ctx, adj, NULL, NULL, &err), FW_ESTATE, &err);
    assert_rc(fw_ledger_balance(ctx, bank, &bal, NULL, NULL, &err), FW_OK, &err);
    assert_int_equal(bal, -500);
    assert_int_equal(fw_recon_case_get(ctx, c, &out, NULL, NULL), FW_OK);
    assert_contains(out, "\"state\":\"resolved_adjustment\"");
    assert_contains(out, "\"proposed_by\":\"alice\",\"approved_by\":\"bob\"");
    assert_contains(out, "\"actor\":\"alice\",\"role\":\"finance\",\"action\":\"adjust_propose\"");
    assert_contains(out, "\"actor\":\"bob\",\"role\":\"finance\",\"action\":\"adjust_approve\"");
    fw_free(out);
    assert_int_equal(count(ctx, "SELECT count(*) FROM fw_ledger_entry WHERE ref_kind='recon_case'"), 1);
    /* The adjustment booked the line: a later run over the same day does not report it missing. */
    r = run(ctx, import_ok(ctx, GENERIC_HEADER "20260314,16:00:00,T6,,1.00,,,,,\n", UTF8_CSV),
            "{\"rules\":[{\"kind\":\"reference\"}]}");
    assert_outcome(r, FW_RECON_MISSING_IN_STATEMENT, 0, 0);
    fw_recon_free(r);
}

/* .d: unbalanced proposals are refused; a rejection needs a reason and keeps the case open;
 * an anonymous actor cannot take part. */
static void adjustment_validation_and_rejection(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    char json[512];
    fw_id st, c, adj = 0, bank;

    bank = bank_account(ctx);
    st = import_ok(ctx, GENERIC_HEADER "20260314,15:00:00,T5,,5.00,,,,,\n", UTF8_CSV);
    fw_recon_free(run(ctx, st, NULL));
    c = first_case(ctx, FW_RECON_MISSING_IN_LEDGER);
    fw_ctx_set_actor(ctx, FW_ROLE_FINANCE, 0, "alice", NULL);
    snprintf(json, sizeof(json), "{\"idempotency_key\":\"a\",\"postings\":[{\"account_id\":%lld,\"debit_fen\":500},"
             "{\"account_id\":%lld,\"credit_fen\":400}]}", (long long)bank, (long long)bank);
    assert_rc(fw_recon_adjust_propose(ctx, &adj, c, json, strlen(json), &err), FW_EINVAL, &err);
    snprintf(json, sizeof(json), "{\"idempotency_key\":\"b\",\"postings\":[{\"account_id\":%lld,\"debit_fen\":500},"
             "{\"account_id\":9999,\"credit_fen\":500}]}", (long long)bank);
    assert_rc(fw_recon_adjust_propose(ctx, &adj, c, json, strlen(json), &err), FW_EINVAL, &err);
    snprintf(json, sizeof(json), "{\"idempotency_key\":\"c\",\"postings\":[{\"account_id\":%lld,\"debit_fen\":500},"
             "{\"account_id\":%lld,\"credit_fen\":500}]}",
             (long long)account(ctx, FW_LEDGER_OWNER_PLATFORM, 0, FW_ACCT_FEE_REVENUE), (long long)bank);
    assert_rc(fw_recon_adjust_propose(ctx, &adj, c, json, strlen(json), &err), FW_OK, &err);
    fw_ctx_set_actor(ctx, FW_ROLE_FINANCE, 0, "bob", NULL);
    assert_rc(fw_recon_adjust_reject(ctx, adj, NULL, &err), FW_EINVAL, &err);
    assert_rc(fw_recon_adjust_reject(ctx, adj, "wrong account", &err), FW_OK, &err);
    assert_int_equal(count(ctx, "SELECT state FROM fw_recon_case WHERE kind = 2"), FW_RECON_CASE_INVESTIGATING);
    fw_ctx_set_actor(ctx, FW_ROLE_FINANCE, 0, NULL, NULL);
    assert_rc(fw_recon_adjust_propose(ctx, &adj, c, json, strlen(json), &err), FW_EPERM, &err);
}

/* .a: the same file twice is refused by its hash; nothing is added. */
static void reimport_is_refused(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    const char *text = GENERIC_HEADER "20260314,10:00:00,T1,,5.00,,,,,\n";
    fw_id first, again = 0;

    first = import_ok(ctx, text, UTF8_CSV);
    assert_int_equal(import_text(ctx, &again, text, strlen(text), UTF8_CSV, &err), FW_EEXISTS);
    {
        char want[96];
        snprintf(want, sizeof(want), "imported before as statement %lld", (long long)first);
        assert_contains(fw_error_message(err), want);
    }
    fw_error_free(err);
    assert_int_equal(again, 0);
    assert_int_equal(count(ctx, "SELECT count(*) FROM fw_recon_statement"), 1);
    assert_int_equal(count(ctx, "SELECT count(*) FROM fw_recon_line"), 1);
}

static void assert_import_fails(fw_ctx *ctx, const char *text, size_t n, const char *opts, int code,
                                const char *message)
{
    fw_error *err = NULL;
    fw_id id = 0;
    assert_int_equal(import_text(ctx, &id, text, n, opts, &err), code);
    if (message && !strstr(fw_error_message(err), message))
        fail_msg("expected \"%s\" in \"%s\"", message, fw_error_message(err));
    fw_error_free(err);
    assert_int_equal(id, 0);
    assert_int_equal(count(ctx, "SELECT count(*) FROM fw_recon_statement"), 0);
    assert_int_equal(count(ctx, "SELECT count(*) FROM fw_recon_line"), 0);
}

#define FAILS(text, code, msg) assert_import_fails(ctx, text, strlen(text), UTF8_CSV, code, msg)

/* .a: malformed files name the line and column, and import nothing. */
static void malformed_csv_files(void **state)
{
    fw_ctx *ctx = *state;
    const char gb[] = "\xd6\xd0\xce\xc4";     /* 中文 in GB18030: not UTF-8 */
    char buf[512];

    FAILS(GENERIC_HEADER "20260314,10:00:00,T1,,5.00,,,,,\n20260314,10:00:00,T2,,6.0",
          FW_EINVAL, "line 3: has 5 fields, the header has 10");
    FAILS(GENERIC_HEADER "20260314,10:00:00,T1,,5.00,,,,,\n20260314,10:00:00,T2,,6.00,,,\"open,,\n",
          FW_EINVAL, "line 3, column 8 (?): the file ends inside a quoted field");
    FAILS(GENERIC_HEADER "20260314,10:00:00,T1,,5.005,,,,,\n", FW_EINVAL,
          "line 2, column 5 (debit): 5.005: has more than two decimals");
    FAILS(GENERIC_HEADER "20260314,10:00:00,T1,,abc,,,,,\n", FW_EINVAL,
          "line 2, column 5 (debit): abc: is not a decimal number of yuan");
    FAILS(GENERIC_HEADER "20260314,10:00:00,T1,,,,,,,\n", FW_EINVAL,
          "line 2, column 6 (amount): a line must move money");
    FAILS(GENERIC_HEADER "20260332,10:00:00,T1,,5.00,,,,,\n", FW_EINVAL,
          "line 2, column 1 (date): is not a calendar date");
    FAILS("交易日期,交易流水号,余额\n20260314,T1,5.00\n", FW_EINVAL,
          "line 1: the header has no column \"贷方发生额\" (credit) that profile generic_bank needs");
    FAILS("", FW_EINVAL, "the file has no header line");
    snprintf(buf, sizeof(buf), GENERIC_HEADER "20260314,10:00:00,T1,,5.00,,,%s,,\n", gb);
    FAILS(buf, FW_EINVAL, "line 2, column 30: the bytes are not valid UTF-8 (is the file GB18030?)");
    /* the same bytes as GB18030, but cut inside a character */
    snprintf(buf, sizeof(buf), "%s", "\xbd\xbb\xd2\xd7\xc8\xd5\xc6\xda\xd6");
    assert_import_fails(ctx, buf, strlen(buf), "{\"format\":\"csv\"}", FW_EINVAL,
                        "line 1, column 5: the file ends inside a GB18030 character");
    assert_import_fails(ctx, "x", 1, "{\"format\":\"csv\",\"profile\":\"nope\"}", FW_ENOTFOUND,
                        "no CSV profile \"nope\"");
    assert_import_fails(ctx, "x", 1, "{\"format\":\"pdf\"}", FW_EINVAL, "$.format");
}

static char *to_gb18030(const char *utf8, size_t *out_len)
{
    iconv_t cd = iconv_open("GB18030", "UTF-8");
    size_t inleft = strlen(utf8), cap = inleft * 2 + 16, outleft = cap;
    char *out = malloc(cap), *o = out, *in = (char *)utf8;
    assert_true(cd != (iconv_t)-1);
    assert_true(iconv(cd, &in, &inleft, &o, &outleft) != (size_t)-1);
    iconv_close(cd);
    *out_len = cap - outleft;
    return out;
}

/* .a: a GB18030 bank export (the generic profile's default) and a payment institution's bill. */
static void gb18030_and_shipped_profiles(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    size_t n;
    fw_id id = 0;
    char *gb = to_gb18030(GENERIC_HEADER "20260314,10:00:00,T1,P-1,100.00,,900.00,张三,6222020012345678,代发工资\n", &n);
    char *json = NULL;

    assert_rc(import_text(ctx, &id, gb, n, "{\"format\":\"csv\"}", &err), FW_OK, &err);
    free(gb);
    assert_int_equal(count(ctx, "SELECT count(*) FROM fw_recon_line WHERE remark='代发工资' AND cp_name='张*' "
                                "AND amount=-10000"), 1);
    assert_rc(fw_recon_statement_get(ctx, id, &json, NULL, &err), FW_OK, &err);
    assert_contains(json, "\"profile\":\"generic_bank\"");
    assert_contains(json, "\"lines\":1,\"from_ms\":1773417600000,\"to_ms\":1773504000000,\"opening_fen\":100000,"
                          "\"closing_fen\":90000,\"in_fen\":0,\"out_fen\":10000");
    fw_free(json);
    gb = to_gb18030("#支付宝账务明细查询\n#账号：[20880000000000000156]\n"
                    "账务流水号,业务流水号,商户订单号,发生时间,对方账号,收入金额（+元）,支出金额（-元）,账户余额（元）,业务类型,备注\n"
                    "2026031400001\t,20260314xyz\t,P-7\t,2026-03-14 10:00:00,a***@x.com,,-12.50,987.50,转账,\n"
                    "#结束\n", &n);
    assert_rc(import_text(ctx, &id, gb, n, "{\"format\":\"csv\",\"profile\":\"payment_daily_bill\"}", &err), FW_OK, &err);
    free(gb);
    assert_int_equal(count(ctx, "SELECT count(*) FROM fw_recon_line WHERE reference='P-7' AND "
                                "bank_txn_id='2026031400001' AND amount=-1250"), 1);
    assert_rc(fw_recon_profile_get(ctx, "payment_daily_bill", &json, NULL, &err), FW_OK, &err);
    assert_contains(json, "\"comment\":\"#\",\"encoding\":\"gb18030\"");
    fw_free(json);
}

/* .a: a UTF-8 byte-order mark, CRLF line ends, quoted fields with commas, quotes and a line
 * break are read as a spreadsheet writes them. */
static void csv_dialect(void **state)
{
    fw_ctx *ctx = *state;
    const char *text = "\xEF\xBB\xBF" "交易日期,交易时间,交易流水号,客户业务编号,借方发生额,贷方发生额,余额,对方户名,对方账号,摘要\r\n"
                       "20260314,09:00:00,T1,=\"P-1\",\"1,000.00\",,,\"某\"\"公司\"\"\",,\"工资\r\n三月\"\r\n"
                       "\r\n"
                       "20260314,10:00:00,T2,P-2,,  12.5 ,,,,\r\n";

    import_ok(ctx, text, UTF8_CSV);
    assert_int_equal(count(ctx, "SELECT count(*) FROM fw_recon_line WHERE reference='P-1' AND amount=-100000 "
                                "AND remark='工资' || char(13, 10) || '三月' AND cp_name='某****' AND seq=2"), 1);
    assert_int_equal(count(ctx, "SELECT count(*) FROM fw_recon_line WHERE reference='P-2' AND amount=1250 AND seq=5"), 1);
}

/* .a: a host adds its own profile. */
static void host_profile(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    const char *p = "{\"name\":\"mybank\",\"delimiter\":\";\",\"skip_lines\":1,\"encoding\":\"utf-8\","
                    "\"date_format\":\"YYYY/MM/DD\",\"columns\":{\"date\":\"Date\",\"amount\":\"Amount\","
                    "\"direction\":\"D/C\",\"reference\":\"Ref\"},\"direction_out\":\"D\"}";
    fw_id id;

    assert_rc(fw_recon_profile_set(ctx, p, strlen(p), &err), FW_OK, &err);
    id = import_ok(ctx, "My Bank export\nDate;Amount;D/C;Ref\n2026/03/14;\"1,200.00\";D;P-1\n2026/03/14;3;C;R-2\n",
                   "{\"format\":\"csv\",\"profile\":\"mybank\"}");
    assert_true(id > 0);
    assert_int_equal(count(ctx, "SELECT sum(amount) FROM fw_recon_line"), -120000 + 300);
    assert_rc(fw_recon_profile_set(ctx, "{\"name\":\"generic_bank\",\"columns\":{\"date\":\"d\",\"amount\":\"a\"}}", strlen("{\"name\":\"generic_bank\",\"columns\":{\"date\":\"d\",\"amount\":\"a\"}}"), &err), FW_EINVAL, &err);
    assert_rc(fw_recon_profile_set(ctx, "{\"name\":\"x\",\"columns\":{\"date\":\"d\"}}", strlen("{\"name\":\"x\",\"columns\":{\"date\":\"d\"}}"), &err), FW_EINVAL, &err);
}

static const char camt[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.02\">\n"
    " <BkToCstmrStmt>\n"
    "  <GrpHdr><MsgId>M1</MsgId><CreDtTm>2026-03-15T06:00:00+08:00</CreDtTm></GrpHdr>\n"
    "  <Stmt>\n"
    "   <Id>S1</Id>\n"
    "   <Acct><Id><Othr><Id>110000000001</Id></Othr></Id><Ccy>CNY</Ccy></Acct>\n"
    "   <Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy=\"CNY\">1000.00</Amt>"
    "<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-03-14</Dt></Dt></Bal>\n"
    "   <Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy=\"CNY\">900.00</Amt>"
    "<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-03-14</Dt></Dt></Bal>\n"
    "   <Ntry><Amt Ccy=\"CNY\">100.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts>"
    "<BookgDt><Dt>2026-03-14</Dt></BookgDt><AcctSvcrRef>BK-1</AcctSvcrRef>"
    "<NtryDtls><TxDtls><Refs><EndToEndId>P-1</EndToEndId></Refs>"
    "<RltdPties><Cdtr><Nm>张三</Nm></Cdtr><CdtrAcct><Id><Othr><Id>6222020012345678</Id></Othr></Id></CdtrAcct></RltdPties>"
    "<RmtInf><Ustrd>代发</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>\n"
    "   <Ntry><Amt Ccy=\"CNY\">5.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>PDNG</Sts>"
    "<BookgDt><DtTm>2026-03-14T02:00:00Z</DtTm></BookgDt></Ntry>\n"
    "  </Stmt>\n"
    " </BkToCstmrStmt>\n"
    "</Document>\n";

/* .a: ISO 20022 camt.053, matched by its end-to-end reference; broken XML names its place. */
static void camt053_import_and_errors(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    char *json = NULL, *bad;
    fw_recon *r;
    fw_id id = 0;

    book(ctx, "P-1", -10000, D14 + 9 * HOUR);
    assert_rc(import_text(ctx, &id, camt, strlen(camt) - 40, "{\"format\":\"camt053\"}", &err), FW_EINVAL, &err);
    assert_int_equal(import_text(ctx, &id, camt, strlen(camt) - 40, "{\"format\":\"camt053\"}", &err), FW_EINVAL);
    assert_contains(fw_error_message(err), "line 12, column 1: no element found");
    fw_error_free(err);
    err = NULL;
    bad = strdup(camt);
    memcpy(strstr(bad, "100.00"), "1x0.00", 6);
    assert_int_equal(import_text(ctx, &id, bad, strlen(bad), "{\"format\":\"camt053\"}", &err), FW_EINVAL);
    assert_contains(fw_error_message(err), "line 10, column 31");
    assert_contains(fw_error_message(err), "Amt 1x0.00 is not a decimal number of yuan");
    fw_error_free(err);
    err = NULL;
    free(bad);
    assert_int_equal(count(ctx, "SELECT count(*) FROM fw_recon_statement"), 0);
    assert_rc(import_text(ctx, &id, camt, strlen(camt), "{\"format\":\"camt053\"}", &err), FW_OK, &err);
    assert_rc(fw_recon_statement_get(ctx, id, &json, NULL, &err), FW_OK, &err);
    assert_contains(json, "\"format\":\"camt053\",\"profile\":null,\"account\":\"110000000001\",\"currency\":\"CNY\"");
    assert_contains(json, "\"lines\":1,");
    assert_contains(json, "\"opening_fen\":100000,\"closing_fen\":90000");
    fw_free(json);
    r = run(ctx, id, NULL);
    assert_outcome(r, FW_RECON_MATCHED, 1, -10000);
    json = summary(r);
    assert_contains(json, "\"statement_consistent\":true");
    fw_free(json);
    fw_recon_free(r);
}

/* .b: the fee check recomputes each fee from the schedule and finds the planted wrong one. */
static void fee_check_finds_planted_wrong_fee(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    fw_id id = 0, bank, funds, revenue;
    char json[768], *out = NULL;
    const char *sched = "{\"enterprise_id\":2,\"valid_from\":\"2026-01-01\",\"rate_ppm\":10000,\"charge\":\"before\"}";
    const char *reg = "{\"payer_account\":\"6222 0200 4444 4444\"}";
    const char *n1 = "{\"bank_txn_id\":\"F-1\",\"amount_fen\":100000,\"payer_account\":\"6222020044444444\","
                     "\"received_ms\":1773450000000}";

    assert_rc(fw_fee_schedule_set(ctx, &id, sched, strlen(sched), &err), FW_OK, &err);
    assert_rc(fw_funding_register_source(ctx, &id, 2, reg, strlen(reg), &err), FW_OK, &err);
    assert_rc(fw_funding_notice(ctx, &id, n1, strlen(n1), &err), FW_OK, &err);
    /* planted: 200000 fen recognised with a fee of 500 where the schedule gives 2000 */
    bank = bank_account(ctx);
    funds = account(ctx, FW_LEDGER_OWNER_ENTERPRISE, 2, FW_ACCT_ENTERPRISE_FUNDS);
    revenue = account(ctx, FW_LEDGER_OWNER_PLATFORM, 0, FW_ACCT_FEE_REVENUE);
    snprintf(json, sizeof(json),
             "{\"idempotency_key\":\"planted\",\"reason\":\"funding.recognised\",\"effective_ms\":1773460000000,"
             "\"ref_kind\":\"bank_txn\",\"ref_id\":\"F-2\",\"postings\":[{\"account_id\":%lld,\"debit_fen\":200000},"
             "{\"account_id\":%lld,\"credit_fen\":200000},{\"account_id\":%lld,\"debit_fen\":500},"
             "{\"account_id\":%lld,\"credit_fen\":500}]}",
             (long long)bank, (long long)funds, (long long)funds, (long long)revenue);
    assert_rc(fw_ledger_entry_post(ctx, &id, json, strlen(json), &err), FW_OK, &err);
    assert_rc(fw_recon_fee_check(ctx, D14 - 13 * DAY, D14 + 2 * DAY, 0, FW_RECON_FEE_OPEN_CASES, &out, NULL, &err),
              FW_OK, &err);
    assert_contains(out, "\"differences\":[{\"entry_id\":");
    assert_contains(out, "\"enterprise_id\":2,\"charged_at\":\"before\",\"effective_ms\":1773460000000,"
                         "\"base_fen\":200000,\"volume_before_fen\":100000,\"booked\":{\"fee_fen\":500,"
                         "\"reason\":\"funding.recognised\"");
    assert_contains(out, "\"rounded_fen\":2000");
    assert_contains(out, "\"schedule\":{\"id\":1,\"version\":1},\"expected_fen\":2000,\"difference_fen\":-1500,"
                         "\"note\":null,\"case_id\":");
    assert_contains(out, "\"checked\":2,\"booked_fen\":1500,\"expected_fen\":3000");
    assert_null(strstr(out, "\"entry_id\":1,"));    /* the correct fee is not listed */
    fw_free(out);
    assert_int_equal(count(ctx, "SELECT count(*) FROM fw_recon_case WHERE kind = 7 AND amount = -1500"), 1);
    /* checking again does not open a second case */
    assert_rc(fw_recon_fee_check(ctx, D14 - 13 * DAY, D14 + 2 * DAY, 2, FW_RECON_FEE_OPEN_CASES, &out, NULL, &err),
              FW_OK, &err);
    fw_free(out);
    assert_int_equal(count(ctx, "SELECT count(*) FROM fw_recon_case WHERE kind = 7"), 1);
    test_actor(ctx, FW_ROLE_AUDITOR, 0);
    assert_rc(fw_recon_fee_check(ctx, D14, D14 + DAY, 0, FW_RECON_FEE_OPEN_CASES, &out, NULL, &err), FW_EPERM, &err);
    assert_rc(fw_recon_fee_check(ctx, D14, D14 + DAY, 0, 0, &out, NULL, &err), FW_OK, &err);
    fw_free(out);
}

/* .a: reconciliation files per enterprise and period; an enterprise user gets only its own. */
static void reconciliation_files(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    fw_id id = 0;
    char *out = NULL;
    const char *sched = "{\"enterprise_id\":1,\"valid_from\":\"2026-01-01\",\"rate_ppm\":10000,\"charge\":\"before\"}";
    const char *reg = "{\"payer_account\":\"6222 0200 6666 6666\"}";
    const char *n1 = "{\"bank_txn_id\":\"G-1\",\"amount_fen\":100000,\"payer_account\":\"6222020066666666\","
                     "\"received_ms\":1773450000000}";

    assert_rc(fw_fee_schedule_set(ctx, &id, sched, strlen(sched), &err), FW_OK, &err);
    assert_rc(fw_funding_register_source(ctx, &id, 1, reg, strlen(reg), &err), FW_OK, &err);
    assert_rc(fw_funding_notice(ctx, &id, n1, strlen(n1), &err), FW_OK, &err);
    assert_rc(fw_recon_file(ctx, 1, "2026-03", FW_RECON_FILE_JSON, &out, NULL, &err), FW_OK, &err);
    assert_contains(out, "\"section\":\"funding\",\"entry_id\":1");
    assert_contains(out, "\"reason\":\"funding.recognised\",\"ref_kind\":\"bank_txn\",\"ref_id\":\"G-1\"");
    assert_contains(out, "\"section\":\"fees\"");
    assert_contains(out, "\"totals\":{\"orders_fen\":0,\"fees_fen\":-1000,\"taxes_fen\":0,\"funding_fen\":100000,"
                         "\"other_fen\":0}");
    assert_contains(out, "\"account_type\":\"enterprise_funds\",\"opening_fen\":0,\"debits_fen\":1000,"
                         "\"credits_fen\":100000,\"closing_fen\":99000");
    fw_free(out);
    assert_rc(fw_recon_file(ctx, 1, "2026-03-14", FW_RECON_FILE_CSV, &out, NULL, &err), FW_OK, &err);
    assert_contains(out, "section,date,entry_id,reason,ref_kind,ref_id,account_id,account_type,amount,opening,closing\n"
                         "funding,2026-03-14,1,funding.recognised,bank_txn,G-1,");
    assert_contains(out, "balance,2026-03-14,,,,,");
    assert_contains(out, ",enterprise_funds,990.00,0.00,990.00\n");
    fw_free(out);
    assert_rc(fw_recon_file_index(ctx, 1, "2026-03", &out, NULL, &err), FW_OK, &err);
    assert_contains(out, "\"days\":[{\"date\":\"2026-03-14\",\"entries\":2,\"in_fen\":100000,\"out_fen\":1000}]");
    fw_free(out);
    test_actor(ctx, FW_ROLE_ENTERPRISE_USER, 1);
    assert_rc(fw_recon_file(ctx, 1, "2026-03", FW_RECON_FILE_CSV, &out, NULL, &err), FW_OK, &err);
    fw_free(out);
    out = NULL;
    test_actor(ctx, FW_ROLE_ENTERPRISE_USER, 2);
    assert_rc(fw_recon_file(ctx, 1, "2026-03", FW_RECON_FILE_CSV, &out, NULL, &err), FW_EPERM, &err);
    assert_null(out);
    test_actor(ctx, FW_ROLE_ADMIN, 0);
    assert_rc(fw_recon_file(ctx, 1, "2026-3", FW_RECON_FILE_CSV, &out, NULL, &err), FW_EINVAL, &err);
    assert_rc(fw_recon_file(ctx, 1, "2026-03-32", FW_RECON_FILE_CSV, &out, NULL, &err), FW_EINVAL, &err);
}

/* An enterprise user may not import or run. */
static void authorisation(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    fw_recon *r = NULL;
    fw_id id = 0;

    test_actor(ctx, FW_ROLE_ENTERPRISE_USER, 1);
    assert_rc(import_text(ctx, &id, "x", 1, UTF8_CSV, &err), FW_EPERM, &err);
    assert_rc(fw_recon_run(&r, ctx, 1, NULL, 0, &err), FW_EPERM, &err);
}

#define T(f) cmocka_unit_test_setup_teardown(f, test_setup_admin, test_teardown_ctx)
#define TF(f) cmocka_unit_test_setup_teardown(f, setup_funding, test_teardown_ctx)
TEST_MAIN(T(outcomes_and_balance_check), T(balance_difference_is_explained),
          T(amount_date_rule_and_window), T(amount_tolerances), T(one_to_many_and_many_to_one), T(one_to_many_by_day),
          TF(counterparty_criterion), TF(incoming_lines_feed_funding), T(statement_reconciled_once),
          T(missing_record_matched_later_resolves_as_timing), T(line_repeated_in_later_statement_is_duplicate),
          T(case_lifecycle),
          T(adjustment_needs_four_eyes), T(adjustment_validation_and_rejection),
          T(reimport_is_refused), T(malformed_csv_files), T(gb18030_and_shipped_profiles),
          T(csv_dialect), T(host_profile), T(camt053_import_and_errors), TF(fee_check_finds_planted_wrong_fee),
          TF(reconciliation_files), T(authorisation))
