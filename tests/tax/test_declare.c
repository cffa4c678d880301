/*
 * Declarations (R-7.7.b, R-5.7), payment of withheld tax and certificates (R-7.7.c),
 * with and without a tax provider.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "core/clock.h"
#include "core/db.h"
#include "tax/tax.h"
#include <flexwork/ledger.h>
#include <flexwork/party.h>

static int64_t day(int y, int m, int d)
{
    int64_t ms = 0;
    assert_int_equal(fw__cst_from_date(y, m, d, &ms), FW_OK);
    return ms + 12LL * 3600 * 1000;
}

static int64_t q(fw_ctx *ctx, const char *sql)
{
    int64_t n = -1;
    assert_int_equal(fw__db_i64(ctx, &n, NULL, sql, ""), FW_OK);
    return n;
}


/* a tax-agency authorisation in force for a worker, written as the contract module keeps it. */
static void authorise_tax(fw_ctx *ctx, fw_id worker)
{
    int64_t tpl = 0;
    if (fw__db_i64(ctx, &tpl, NULL, "SELECT id FROM fw_contract_template WHERE kind = 3", "") != FW_OK) {
        assert_int_equal(fw__db_exec(ctx, NULL, "INSERT INTO fw_contract_template(kind, name, version, body, "
                                     "placeholders, sha256, created_ms) VALUES(3, 't', 1, 'b', '[]', '', 0)", ""),
                         FW_OK);
        tpl = fw__db_last_id(ctx);
    }
    assert_int_equal(fw__db_exec(ctx, NULL, "INSERT INTO fw_contract(kind, state, template_id, enterprise_id, "
                                 "worker_id, sealed, created_ms) SELECT 3, 4, ?, 0, ?, 0, 0 WHERE NOT EXISTS "
                                 "(SELECT 1 FROM fw_contract WHERE kind = 3 AND worker_id = ?)", "iii", tpl, worker,
                                 worker), FW_OK);
}

static void withhold(fw_ctx *ctx, fw_id worker, const char *ref, int64_t gross, int64_t at)
{
    struct fw__tax_result r;
    fw_error *err = NULL;

    authorise_tax(ctx, worker);
    assert_rc(fw__tax_withhold(ctx, worker, ref, gross, at, &r, &err), FW_OK, &err);
}

/* A fake tax bureau: answers with a fixed reply and code, remembers the last request. */
struct fake {
    int rc;
    const char *reply;
    char last[4096];
    int calls;
};

static int fake_call(const char *req, size_t len, fw_reply *reply, void *payload)
{
    struct fake *f = payload;
    snprintf(f->last, sizeof(f->last), "%.*s", (int)len, req);
    f->calls++;
    if (f->reply)
        fw_reply_set(reply, f->reply, strlen(f->reply));
    return f->rc;
}

static void use_provider(fw_ctx *ctx, struct fake *f)
{
    fw_tax_provider p = { FW_TAX_PROVIDER_VERSION, f, NULL, fake_call, fake_call, fake_call };
    fw_error *err = NULL;
    assert_rc(fw_ctx_set_tax_provider(ctx, &p, &err), FW_OK, &err);
}

static fw_id build(fw_ctx *ctx, const char *period)
{
    fw_error *err = NULL;
    fw_id id = 0;
    assert_rc(fw_tax_declaration_build(ctx, period, &id, &err), FW_OK, &err);
    return id;
}

static char *get(fw_ctx *ctx, fw_id id)
{
    fw_error *err = NULL;
    char *out = NULL;
    assert_rc(fw_tax_declaration_get(ctx, id, &out, NULL, &err), FW_OK, &err);
    return out;
}

/* .b: one line per worker from the period's withholding records, reversals included. */
static void declaration_is_built_from_the_period_records(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    char *out;
    fw_id id;

    withhold(ctx, 7, "a", 2000000, day(2026, 2, 10));
    withhold(ctx, 7, "b", 2000000, day(2026, 3, 5));
    withhold(ctx, 7, "c", 1000000, day(2026, 3, 20));
    withhold(ctx, 9, "d", 10100000, day(2026, 3, 21));
    assert_rc(fw_tax_reverse(ctx, "a", day(2026, 3, 25), NULL, &err), FW_OK, &err);
    id = build(ctx, "2026-03");
    out = get(ctx, id);
    /* Worker 7: b (m2: 40,000 -> 22,000 -> 660 - 330 = 330) + c (50,000 -> 30,000 -> 900 - 660 = 240)
     * + the reversal of a (50,000 - 20,000 = 30,000 over 2 months -> 14,000 -> 420 - 900 = -480). */
    assert_non_null(strstr(out, "{\"worker_id\":7,\"records\":3,\"gross_fen\":1000000,\"income_fen\":1000000,"
                                "\"iit_fen\":9000,\"vat_fen\":0,\"city_maintenance_fen\":0,\"education_fen\":0,"
                                "\"local_education_fen\":0,\"cum_income_fen\":3000000,\"cum_expense_fen\":600000,"
                                "\"cum_deduction_fen\":1000000,\"cum_withheld_fen\":42000}"));
    /* Worker 9: 101,000 -> sales 100,000 taxed (2026 reading): VAT 1,000, surcharges 60; IIT on
     * 100,000: 80,000 - 5,000 = 75,000 -> 4,980. */
    assert_non_null(strstr(out, "{\"worker_id\":9,\"records\":1,\"gross_fen\":10100000,\"income_fen\":10000000,"
                                "\"iit_fen\":498000,\"vat_fen\":100000,\"city_maintenance_fen\":3500,"
                                "\"education_fen\":1500,\"local_education_fen\":1000"));
    assert_non_null(strstr(out, "\"totals\":{\"workers\":2,\"gross_fen\":11100000,\"income_fen\":11000000,"
                                "\"iit_fen\":507000,\"vat_fen\":100000,\"surcharge_fen\":6000,\"total_fen\":613000}"));
    assert_non_null(strstr(out, "\"period\":\"2026-03\",\"version\":1,\"state\":\"draft\",\"supersedes_id\":null"));
    fw_free(out);
    assert_int_equal(q(ctx, "SELECT COUNT(*) FROM fw_audit WHERE action = 'tax.declaration.build'"), 1);

    assert_rc(fw_tax_declaration_export_csv(ctx, id, &out, NULL, &err), FW_OK, &err);
    assert_string_equal(out, "period,version,worker_id,records,income,cum_income,cum_expense,cum_deduction,"
                             "iit_withheld,cum_iit_withheld,vat,city_maintenance,education,local_education\r\n"
                             "2026-03,1,7,3,10000.00,30000.00,6000.00,10000.00,90.00,420.00,0.00,0.00,0.00,0.00\r\n"
                             "2026-03,1,9,1,100000.00,100000.00,20000.00,5000.00,4980.00,4980.00,1000.00,35.00,"
                             "15.00,10.00\r\n");
    fw_free(out);
    assert_int_equal(fw_tax_declaration_build(ctx, "2026-13", &id, &err), FW_EINVAL);
    assert_string_equal(fw_error_message(err), "period: must be a month \"YYYY-MM\", got \"2026-13\"");
    fw_error_free(err);
}

/* .b: draft -> submitted (no provider: an operator files it) -> accepted; amendments are
 * new versions; a rebuilt draft supersedes the old one. */
static void declaration_states_and_versions(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    fw_id d1, d2, d3, latest = 0;
    char *out;

    withhold(ctx, 7, "a", 2000000, day(2026, 3, 5));
    d1 = build(ctx, "2026-03");
    d2 = build(ctx, "2026-03");
    out = get(ctx, d1);
    assert_non_null(strstr(out, "\"state\":\"superseded\""));
    fw_free(out);
    assert_int_equal(fw_tax_declaration_submit(ctx, d1, &err), FW_ESTATE);
    assert_string_equal(fw_error_message(err), "declaration_id: declaration 1 is superseded; only a draft can be submitted");
    fw_error_free(err);
    err = NULL;
    assert_rc(fw_tax_declaration_submit(ctx, d2, &err), FW_OK, &err);
    out = get(ctx, d2);
    assert_non_null(strstr(out, "\"version\":2,\"state\":\"submitted\",\"supersedes_id\":1"));
    fw_free(out);
    assert_int_equal(fw_tax_declaration_build(ctx, "2026-03", &d3, &err), FW_ESTATE);
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw_tax_declaration_resolve(ctx, d2, "{\"status\":\"accepted\"}", (size_t)-1, &err), FW_EINVAL);
    assert_string_equal(fw_error_message(err), "$.receipt_no: is required when the declaration is accepted");
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw_tax_declaration_resolve(ctx, d2, "{\"status\":\"submitted\"}", (size_t)-1, &err), FW_EINVAL);
    fw_error_free(err);
    err = NULL;
    assert_rc(fw_tax_declaration_resolve(ctx, d2, "{\"status\":\"accepted\",\"receipt_no\":\"R-1\"}", (size_t)-1, &err),
              FW_OK, &err);
    assert_int_equal(fw_tax_declaration_resolve(ctx, d2, "{\"status\":\"rejected\",\"reason\":\"x\"}", (size_t)-1, &err),
                     FW_ESTATE);
    fw_error_free(err);
    err = NULL;
    out = get(ctx, d2);
    assert_non_null(strstr(out, "\"state\":\"accepted\",\"supersedes_id\":1,\"receipt_no\":\"R-1\",\"reason\":null"));
    fw_free(out);
    /* An amendment after acceptance. */
    d3 = build(ctx, "2026-03");
    out = get(ctx, d3);
    assert_non_null(strstr(out, "\"version\":3,\"state\":\"draft\",\"supersedes_id\":2"));
    fw_free(out);
    assert_rc(fw_tax_declaration_latest(ctx, "2026-03", &latest, &err), FW_OK, &err);
    assert_int_equal(latest, d3);
    assert_int_equal(fw_tax_declaration_latest(ctx, "2026-04", &latest, &err), FW_ENOTFOUND);
    fw_error_free(err);
    assert_int_equal(q(ctx, "SELECT COUNT(*) FROM fw_audit WHERE action LIKE 'tax.declaration.%'"), 5);
}

/* .b: through the tax provider: accepted, rejected, pending, and an unusable answer. */
static void declaration_through_the_provider(void **state)
{
    fw_ctx *ctx = *state;
    struct fake f = { FW_OK, "{\"status\":\"accepted\",\"receipt_no\":\"TB-9\"}", "", 0 };
    fw_error *err = NULL;
    fw_id id;
    char *out;

    withhold(ctx, 7, "a", 2000000, day(2026, 3, 5));
    use_provider(ctx, &f);
    id = build(ctx, "2026-03");
    assert_rc(fw_tax_declaration_submit(ctx, id, &err), FW_OK, &err);
    assert_non_null(strstr(f.last, "\"period\":\"2026-03\""));
    assert_non_null(strstr(f.last, "\"lines\":[{\"worker_id\":7"));
    out = get(ctx, id);
    assert_non_null(strstr(out, "\"state\":\"accepted\""));
    assert_non_null(strstr(out, "\"receipt_no\":\"TB-9\""));
    fw_free(out);

    f.reply = "{\"status\":\"rejected\",\"reason\":\"worker 7 not registered\"}";
    id = build(ctx, "2026-03");
    assert_rc(fw_tax_declaration_submit(ctx, id, &err), FW_OK, &err);
    out = get(ctx, id);
    assert_non_null(strstr(out, "\"state\":\"rejected\""));
    assert_non_null(strstr(out, "\"reason\":\"worker 7 not registered\""));
    fw_free(out);

    f.reply = "{\"ok\":true}";
    id = build(ctx, "2026-03");
    assert_int_equal(fw_tax_declaration_submit(ctx, id, &err), FW_EPROVIDER);
    fw_error_free(err);
    err = NULL;
    out = get(ctx, id);
    assert_non_null(strstr(out, "\"state\":\"draft\""));     /* unchanged */
    fw_free(out);
    f.rc = FW_EPENDING;
    f.reply = NULL;
    assert_rc(fw_tax_declaration_submit(ctx, id, &err), FW_OK, &err);
    out = get(ctx, id);
    assert_non_null(strstr(out, "\"state\":\"submitted\""));
    fw_free(out);
}

/* withheld tax is paid under an accepted declaration; the result is recorded. */
static void withheld_tax_is_paid(void **state)
{
    fw_ctx *ctx = *state;
    struct fake f = { FW_OK, "{\"status\":\"paid\",\"bank_ref\":\"B-77\"}", "", 0 };
    fw_error *err = NULL;
    int64_t iit = 0, vat = 0, sur = 0;
    uint32_t st = 0;
    fw_id id, pay = 0, again = 0;
    char *out = NULL;

    withhold(ctx, 9, "d", 10100000, day(2026, 3, 21));
    id = build(ctx, "2026-03");
    assert_int_equal(fw_tax_pay(ctx, id, "k1", &pay, &err), FW_ESTATE);
    assert_string_equal(fw_error_message(err), "declaration_id: declaration 1 is draft; withheld tax is paid under an "
                                                "accepted declaration");
    fw_error_free(err);
    err = NULL;
    assert_rc(fw_tax_declaration_submit(ctx, id, &err), FW_OK, &err);
    assert_rc(fw_tax_declaration_resolve(ctx, id, "{\"status\":\"accepted\",\"receipt_no\":\"R\"}", (size_t)-1, &err),
              FW_OK, &err);
    assert_rc(fw_tax_pay(ctx, id, "k2", &pay, &err), FW_OK, &err);
    assert_rc(fw_tax_payment_get(ctx, pay, &out, NULL, &err), FW_OK, &err);
    assert_string_equal(out, "{\"id\":1,\"declaration_id\":1,\"state\":\"pending\",\"iit_fen\":498000,\"vat_fen\":100000,"
                             "\"surcharge_fen\":6000,\"total_fen\":604000,\"bank_ref\":null,\"reason\":null}");
    fw_free(out);
    assert_rc(fw_tax_pay(ctx, id, "k2", &again, &err), FW_OK, &err);       /* replay */
    assert_int_equal(again, pay);
    assert_int_equal(fw_tax_pay(ctx, id, "k3", &again, &err), FW_ESTATE);   /* one live payment */
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw_tax_payment_resolve(ctx, pay, "{\"status\":\"paid\"}", (size_t)-1, &err), FW_EINVAL);
    assert_string_equal(fw_error_path(err), "$.bank_ref");
    fw_error_free(err);
    err = NULL;
    assert_rc(fw_tax_payment_resolve(ctx, pay, "{\"status\":\"paid\",\"bank_ref\":\"B-1\"}", (size_t)-1, &err), FW_OK,
              &err);
    assert_rc(fw__tax_payment_amounts(ctx, pay, &iit, &vat, &sur, &st, &err), FW_OK, &err);
    assert_int_equal(iit, 498000);
    assert_int_equal(vat, 100000);
    assert_int_equal(sur, 6000);
    assert_int_equal(st, FW_TAX_PAY_PAID);
    assert_int_equal(fw_tax_payment_resolve(ctx, pay, "{\"status\":\"failed\",\"reason\":\"x\"}", (size_t)-1, &err),
                     FW_ESTATE);
    fw_error_free(err);
    err = NULL;

    /* Through the provider, for an amended declaration. */
    use_provider(ctx, &f);
    f.reply = "{\"status\":\"accepted\",\"receipt_no\":\"R2\"}";
    id = build(ctx, "2026-03");
    assert_rc(fw_tax_declaration_submit(ctx, id, &err), FW_OK, &err);
    f.reply = "{\"status\":\"paid\",\"bank_ref\":\"B-77\"}";
    assert_rc(fw_tax_pay(ctx, id, "k4", &pay, &err), FW_OK, &err);
    assert_non_null(strstr(f.last, "\"total_fen\":604000"));
    assert_rc(fw_tax_payment_get(ctx, pay, &out, NULL, &err), FW_OK, &err);
    assert_non_null(strstr(out, "\"state\":\"paid\""));
    assert_non_null(strstr(out, "\"bank_ref\":\"B-77\""));
    fw_free(out);
    assert_int_equal(q(ctx, "SELECT COUNT(*) FROM fw_audit WHERE action IN ('tax.pay', 'tax.payment.resolve')"), 3);
}

static int64_t platform_balance(fw_ctx *ctx, uint32_t type)
{
    fw_id id = 0;
    int64_t posted = -1;
    if (fw_ledger_account_find(ctx, &id, FW_LEDGER_OWNER_PLATFORM, 0, type, "CNY", NULL) != FW_OK)
        return 0;
    assert_int_equal(fw_ledger_balance(ctx, id, &posted, NULL, NULL, NULL), FW_OK);
    return posted;
}

/* a paid payment of withheld tax settles the tax liabilities against bank clearing, once;
 * a pending or failed one posts nothing; the trial balance stays balanced. */
static void paid_tax_is_posted_once(void **state)
{
    fw_ctx *ctx = *state;
    struct fake f = { FW_OK, "", "", 0 };
    fw_error *err = NULL;
    fw_id id, pay = 0, again = 0;
    char *out = NULL;

    withhold(ctx, 9, "b", 10100000, day(2026, 3, 6));
    id = build(ctx, "2026-03");
    assert_rc(fw_tax_declaration_submit(ctx, id, &err), FW_OK, &err);
    assert_rc(fw_tax_declaration_resolve(ctx, id, "{\"status\":\"accepted\",\"receipt_no\":\"R\"}", (size_t)-1, &err),
              FW_OK, &err);
    /* a failed payment posts nothing */
    assert_rc(fw_tax_pay(ctx, id, "p1", &pay, &err), FW_OK, &err);
    assert_int_equal(q(ctx, "SELECT COUNT(*) FROM fw_ledger_entry"), 0);
    assert_rc(fw_tax_payment_resolve(ctx, pay, "{\"status\":\"failed\",\"reason\":\"insufficient funds\"}",
                                     (size_t)-1, &err), FW_OK, &err);
    assert_int_equal(q(ctx, "SELECT COUNT(*) FROM fw_ledger_entry"), 0);
    /* paid by hand: one entry, debit the three liabilities, credit bank clearing */
    assert_rc(fw_tax_pay(ctx, id, "p2", &pay, &err), FW_OK, &err);
    assert_rc(fw_tax_payment_resolve(ctx, pay, "{\"status\":\"paid\",\"bank_ref\":\"B-1\"}", (size_t)-1, &err),
              FW_OK, &err);
    assert_int_equal(q(ctx, "SELECT COUNT(*) FROM fw_ledger_entry WHERE reason = 'tax.paid' AND ref_kind = "
                            "'tax_payment' AND ref_id = '2' AND memo = 'withheld tax of declaration 1'"), 1);
    assert_int_equal(q(ctx, "SELECT COUNT(*) FROM fw_ledger_posting"), 4);
    assert_int_equal(platform_balance(ctx, FW_ACCT_IIT_WITHHELD), -498000);
    assert_int_equal(platform_balance(ctx, FW_ACCT_VAT_PAYABLE), -100000);
    assert_int_equal(platform_balance(ctx, FW_ACCT_SURCHARGES_PAYABLE), -6000);
    assert_int_equal(platform_balance(ctx, FW_ACCT_BANK_CLEARING), -604000);
    /* a replayed pay and a second answer post nothing more */
    assert_rc(fw_tax_pay(ctx, id, "p2", &again, &err), FW_OK, &err);
    assert_int_equal(again, pay);
    assert_int_equal(fw_tax_payment_resolve(ctx, pay, "{\"status\":\"paid\",\"bank_ref\":\"B-2\"}", (size_t)-1,
                                            &err), FW_ESTATE);
    fw_error_free(err);
    err = NULL;
    assert_int_equal(q(ctx, "SELECT COUNT(*) FROM fw_ledger_entry"), 1);
    /* through the provider, for an amendment: a second entry */
    use_provider(ctx, &f);
    f.reply = "{\"status\":\"accepted\",\"receipt_no\":\"R2\"}";
    id = build(ctx, "2026-03");
    assert_rc(fw_tax_declaration_submit(ctx, id, &err), FW_OK, &err);
    f.reply = "{\"status\":\"paid\",\"bank_ref\":\"B-77\"}";
    assert_rc(fw_tax_pay(ctx, id, "p3", &pay, &err), FW_OK, &err);
    assert_int_equal(q(ctx, "SELECT COUNT(*) FROM fw_ledger_entry WHERE reason = 'tax.paid' AND ref_id = '3'"), 1);
    assert_int_equal(platform_balance(ctx, FW_ACCT_BANK_CLEARING), -1208000);
    test_actor(ctx, FW_ROLE_ADMIN, 0);
    assert_rc(fw_ledger_trial_balance(ctx, &out, NULL, &err), FW_OK, &err);
    assert_non_null(strstr(out, "\"balanced\":true,\"consistent\":true"));
    assert_non_null(strstr(out, "\"debits_fen\":1208000,\"credits_fen\":1208000"));
    fw_free(out);
}

/* .c: certificates from the provider or recorded by an operator; download; owner access. */
static void certificates_are_stored_and_downloaded(void **state)
{
    fw_ctx *ctx = *state;
    struct fake f = { FW_OK, "{\"certificate_no\":\"WS-2\",\"content_type\":\"application/pdf\","
                             "\"document_b64\":\"JVBERi0xLjQ=\"}", "", 0 };
    fw_error *err = NULL;
    fw_id id = 0, id2 = 0;
    uint8_t *doc = NULL;
    size_t len = 0;
    char *out = NULL;

    assert_int_equal(fw_tax_certificate_query(ctx, 7, "2026-03", &id, &err), FW_EPENDING);
    fw_error_free(err);
    err = NULL;
    assert_rc(fw_tax_certificate_record(ctx, "{\"worker_id\":7,\"period\":\"2026-03\",\"certificate_no\":\"WS-1\","
                                        "\"content_type\":\"text/plain\",\"document_b64\":\"aGVsbG8=\"}", (size_t)-1,
                                        &id, &err), FW_OK, &err);
    assert_rc(fw_tax_certificate_get(ctx, id, &out, NULL, &err), FW_OK, &err);
    assert_string_equal(out, "{\"id\":1,\"worker_id\":7,\"period\":\"2026-03\",\"certificate_no\":\"WS-1\","
                             "\"origin\":\"operator\",\"content_type\":\"text/plain\",\"size\":5,\"sha256\":"
                             "\"2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824\"}");
    fw_free(out);
    assert_rc(fw_tax_certificate_download(ctx, id, &doc, &len, &err), FW_OK, &err);
    assert_int_equal(len, 5);
    assert_memory_equal(doc, "hello", 5);
    fw_free(doc);
    doc = NULL;
    assert_int_equal(fw_tax_certificate_record(ctx, "{\"worker_id\":7,\"period\":\"2026-03\",\"certificate_no\":\"WS-1\","
                                               "\"content_type\":\"text/plain\",\"document_b64\":\"aGVsbG8=\"}",
                                               (size_t)-1, &id2, &err), FW_EEXISTS);
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw_tax_certificate_record(ctx, "{\"worker_id\":7,\"period\":\"2026-03\",\"certificate_no\":\"WS-3\","
                                               "\"content_type\":\"text/plain\",\"document_b64\":\"!!\"}",
                                               (size_t)-1, &id2, &err), FW_EINVAL);
    assert_string_equal(fw_error_path(err), "$.document_b64");
    fw_error_free(err);
    err = NULL;

    use_provider(ctx, &f);
    assert_rc(fw_tax_certificate_query(ctx, 7, "2026-03", &id2, &err), FW_OK, &err);
    assert_string_equal(f.last, "{\"worker_id\":7,\"period\":\"2026-03\"}");
    assert_rc(fw_tax_certificate_get(ctx, id2, &out, NULL, &err), FW_OK, &err);
    assert_non_null(strstr(out, "\"origin\":\"provider\",\"content_type\":\"application/pdf\",\"size\":8"));
    fw_free(out);

    test_actor(ctx, FW_ROLE_WORKER, 7);
    assert_rc(fw_tax_certificate_download(ctx, id2, &doc, &len, &err), FW_OK, &err);
    assert_memory_equal(doc, "%PDF-1.4", 8);
    fw_free(doc);
    doc = NULL;
    test_actor(ctx, FW_ROLE_WORKER, 8);
    assert_int_equal(fw_tax_certificate_download(ctx, id2, &doc, &len, &err), FW_EPERM);
    assert_null(doc);
    fw_error_free(err);
    test_actor(ctx, FW_ROLE_ADMIN, 0);
    assert_int_equal(q(ctx, "SELECT COUNT(*) FROM fw_tax_certificate"), 2);
    assert_int_equal(q(ctx, "SELECT COUNT(*) FROM fw_audit WHERE action = 'tax.certificate'"), 2);
}

/* .c: the platform issues a signed certificate once the withheld tax is paid; an edited
 * or forged document fails verification. */
static void platform_certificate_is_signed_and_verifies(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    fw_id decl, pay = 0, cert = 0, again = 0;
    uint8_t pk[32], other[32], *doc = NULL;
    size_t len = 0;
    char *text = NULL, *at;

    withhold(ctx, 9, "d", 10100000, day(2026, 3, 21));
    assert_int_equal(fw_tax_certificate_issue(ctx, 9, "2026-03", &cert, &err), FW_ENOTFOUND);
    assert_string_equal(fw_error_message(err), "period: no accepted declaration of 2026-03 has a line for worker 9");
    fw_error_free(err);
    err = NULL;
    decl = build(ctx, "2026-03");
    assert_rc(fw_tax_declaration_submit(ctx, decl, &err), FW_OK, &err);
    assert_rc(fw_tax_declaration_resolve(ctx, decl, "{\"status\":\"accepted\",\"receipt_no\":\"R-3\"}", (size_t)-1,
                                         &err), FW_OK, &err);
    assert_int_equal(fw_tax_certificate_issue(ctx, 9, "2026-03", &cert, &err), FW_ESTATE);
    fw_error_free(err);
    err = NULL;
    assert_rc(fw_tax_pay(ctx, decl, "k", &pay, &err), FW_OK, &err);
    assert_rc(fw_tax_payment_resolve(ctx, pay, "{\"status\":\"paid\",\"bank_ref\":\"B-9\"}", (size_t)-1, &err),
              FW_OK, &err);
    assert_rc(fw_tax_certificate_issue(ctx, 9, "2026-03", &cert, &err), FW_OK, &err);
    assert_rc(fw_tax_certificate_issue(ctx, 9, "2026-03", &again, &err), FW_OK, &err);
    assert_int_equal(again, cert);

    assert_rc(fw_tax_certificate_download(ctx, cert, &doc, &len, &err), FW_OK, &err);
    assert_rc(fw_audit_public_key(ctx, pk, &err), FW_OK, &err);
    assert_rc(fw_tax_certificate_verify(doc, len, pk, &err), FW_OK, &err);
    assert_non_null(strstr((char *)doc, "\"iit_fen\":498000,\"vat_fen\":100000,\"surcharge_fen\":6000,"
                                        "\"total_fen\":604000"));
    /* Edit one digit of the IIT: the signature no longer verifies. */
    at = strstr((char *)doc, "\"iit_fen\":498000");
    at[11] = '1';
    assert_int_equal(fw_tax_certificate_verify(doc, len, pk, &err), FW_EAUTH);
    fw_error_free(err);
    err = NULL;
    at[11] = '9';
    assert_rc(fw_tax_certificate_verify(doc, len, pk, &err), FW_OK, &err);
    memset(other, 7, sizeof(other));
    assert_int_equal(fw_tax_certificate_verify(doc, len, other, &err), FW_EAUTH);
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw_tax_certificate_verify((const uint8_t *)"{}", 2, pk, &err), FW_EINVAL);
    fw_error_free(err);
    err = NULL;
    fw_free(doc);

    assert_rc(fw_tax_certificate_render(ctx, cert, &text, NULL, &err), FW_OK, &err);
    assert_non_null(strstr(text, "Certificate no.:      FW-2026-03-9-1\n"));
    assert_non_null(strstr(text, "IIT withheld:         4980.00\n"));
    assert_non_null(strstr(text, "Total paid:           6040.00\n"));
    assert_non_null(strstr(text, "Paid, bank reference: B-9\n"));
    fw_free(text);
    assert_int_equal(q(ctx, "SELECT origin FROM fw_tax_certificate WHERE id = 1"), 3);
    assert_int_equal(q(ctx, "SELECT COUNT(*) FROM fw_audit WHERE action = 'tax.certificate.issue'"), 1);
}


/* a declaration with workers who have not authorised the platform as tax agent is not
 * submitted; the refusal names them and nothing changes. Authorised, it goes. */
static void unauthorised_workers_are_not_declared(void **state)
{
    fw_ctx *ctx = *state;
    struct fw__tax_result r;
    fw_error *err = NULL;
    fw_id id;
    int64_t audits;
    char *out;

    withhold(ctx, 7, "a", 2000000, day(2026, 3, 5));
    assert_rc(fw__tax_withhold(ctx, 9, "b", 300000, day(2026, 3, 6), &r, &err), FW_OK, &err);
    assert_rc(fw__tax_withhold(ctx, 11, "c", 300000, day(2026, 3, 7), &r, &err), FW_OK, &err);
    id = build(ctx, "2026-03");
    audits = q(ctx, "SELECT COUNT(*) FROM fw_audit");
    assert_int_equal(fw_tax_declaration_submit(ctx, id, &err), FW_EDENIED);
    assert_string_equal(fw_error_message(err), "declaration_id: WORKER_NO_TAX_AUTHORISATION: worker(s) 9, 11 of "
                                                "declaration 1 (2026-03) have no tax-agency authorisation in force; "
                                                "the declaration stays a draft");
    fw_error_free(err);
    err = NULL;
    out = get(ctx, id);
    assert_non_null(strstr(out, "\"state\":\"draft\""));
    fw_free(out);
    assert_int_equal(q(ctx, "SELECT COUNT(*) FROM fw_audit"), audits);
    /* an authorisation that has expired does not count */
    authorise_tax(ctx, 9);
    authorise_tax(ctx, 11);
    assert_int_equal(fw__db_exec(ctx, NULL, "UPDATE fw_contract SET expires_ms = ? WHERE worker_id = 11", "i",
                                 day(2026, 1, 1)), FW_OK);
    assert_int_equal(fw_tax_declaration_submit(ctx, id, &err), FW_EDENIED);
    assert_non_null(strstr(fw_error_message(err), "worker(s) 11 of declaration 1"));
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw__db_exec(ctx, NULL, "UPDATE fw_contract SET expires_ms = NULL WHERE worker_id = 11", ""),
                     FW_OK);
    assert_rc(fw_tax_declaration_submit(ctx, id, &err), FW_OK, &err);
    assert_int_equal(q(ctx, "SELECT state FROM fw_tax_declaration WHERE id = 1"), FW_TAX_DECL_SUBMITTED);
}

/* .c: the HTML rendering of a platform certificate; values from outside are escaped. */
static void platform_certificate_renders_as_html(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    fw_id decl, pay = 0, cert = 0;
    char *html = NULL, *text = NULL;
    size_t len = 0;

    withhold(ctx, 9, "d", 10100000, day(2026, 3, 21));
    decl = build(ctx, "2026-03");
    assert_rc(fw_tax_declaration_submit(ctx, decl, &err), FW_OK, &err);
    assert_rc(fw_tax_declaration_resolve(ctx, decl, "{\"status\":\"accepted\",\"receipt_no\":"
                                         "\"<script>alert('x')</script>&\\\"\"}", (size_t)-1, &err), FW_OK, &err);
    assert_rc(fw_tax_pay(ctx, decl, "k", &pay, &err), FW_OK, &err);
    assert_rc(fw_tax_payment_resolve(ctx, pay, "{\"status\":\"paid\",\"bank_ref\":\"B<9>\"}", (size_t)-1, &err),
              FW_OK, &err);
    assert_rc(fw_tax_certificate_issue(ctx, 9, "2026-03", &cert, &err), FW_OK, &err);
    assert_rc(fw_tax_certificate_render_html(ctx, cert, &html, &len, &err), FW_OK, &err);
    assert_int_equal(len, strlen(html));
    assert_int_equal(strncmp(html, "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n", 36), 0);
    assert_non_null(strstr(html, "<tr><th>Certificate no.</th><td>FW-2026-03-9-1</td></tr>\n"));
    assert_non_null(strstr(html, "<tr><th>Tax bureau receipt</th><td>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"
                                 "&amp;&quot;</td></tr>\n"));
    assert_non_null(strstr(html, "<tr><th>Paid, bank reference</th><td>B&lt;9&gt;</td></tr>\n"));
    assert_non_null(strstr(html, "<tr><th>IIT withheld</th><td>4980.00</td></tr>\n"));
    assert_non_null(strstr(html, "<tr><th>Total paid</th><td>6040.00</td></tr>\n"));
    assert_null(strstr(html, "<script"));
    assert_int_equal(strcmp(html + len - 8, "</html>\n"), 0);
    fw_free(html);
    /* the text rendering keeps the value as it is */
    assert_rc(fw_tax_certificate_render(ctx, cert, &text, NULL, &err), FW_OK, &err);
    assert_non_null(strstr(text, "Tax bureau receipt:   <script>alert('x')</script>&\"\n"));
    fw_free(text);
    /* a certificate the platform did not issue is not rendered */
    assert_rc(fw_tax_certificate_record(ctx, "{\"worker_id\":9,\"period\":\"2026-03\",\"certificate_no\":\"WS-1\","
                                        "\"content_type\":\"text/plain\",\"document_b64\":\"aGVsbG8=\"}", (size_t)-1,
                                        &cert, &err), FW_OK, &err);
    html = NULL;
    assert_int_equal(fw_tax_certificate_render_html(ctx, cert, &html, NULL, &err), FW_ESTATE);
    assert_null(html);
    fw_error_free(err);
}

/* .b: the withholding return: names and ID numbers from the party vault, masked for an
 * actor who may not see personal data, never stored or audited in clear. */
static void withholding_return_is_exported(void **state)
{
    fw_ctx *ctx = *state;
    static const char worker_json[] = "{\"name\":\"王五\",\"id_number\":\"110105199003071239\","
                                      "\"phone\":\"13700000001\",\"bank_card\":\"6222021000000000009\","
                                      "\"channel\":\"self\"}";
    fw_error *err = NULL;
    fw_id w = 0, id;
    int64_t audits;
    char *out = NULL, *keep;
    size_t len = 0;

    assert_rc(fw_party_worker_register(ctx, worker_json, strlen(worker_json), &w, &err), FW_OK, &err);
    withhold(ctx, w, "a", 2000000, day(2026, 3, 5));
    withhold(ctx, 5000, "b", 300000, day(2026, 3, 6));       /* no party record */
    id = build(ctx, "2026-03");
    audits = q(ctx, "SELECT COUNT(*) FROM fw_audit");

    /* the tax agent sees the names and ID numbers */
    test_actor(ctx, FW_ROLE_TAX_AGENT, 0);
    assert_rc(fw_tax_declaration_export(ctx, id, FW_TAX_EXPORT_CSV, &out, &len, &err), FW_OK, &err);
    assert_string_equal(out, "period,version,worker_id,name,id_number,income,cum_income,cum_expense,cum_deductions,cum_tax,withheld,vat,surcharges\r\n"
                             "2026-03,1,1,\"王五\",\"110105199003071239\",20000.00,20000.00,4000.00,5000.00,"
                             "330.00,330.00,0.00,0.00\r\n"
                             "2026-03,1,5000,\"\",\"\",3000.00,3000.00,600.00,5000.00,0.00,0.00,0.00,0.00\r\n");
    assert_int_equal(len, strlen(out));
    fw_free(out);
    assert_rc(fw_tax_declaration_export(ctx, id, FW_TAX_EXPORT_JSON, &out, NULL, &err), FW_OK, &err);
    assert_string_equal(out, "{\"declaration_id\":1,\"period\":\"2026-03\",\"version\":1,\"state\":\"draft\",\"lines\":["
                             "{\"worker_id\":1,\"name\":\"王五\",\"id_number\":\"110105199003071239\",\"income_fen\":2000000,"
                             "\"cum_income_fen\":2000000,\"cum_expense_fen\":400000,\"cum_deduction_fen\":500000,"
                             "\"cum_tax_fen\":33000,\"withheld_fen\":33000,\"vat_fen\":0,\"surcharge_fen\":0},"
                             "{\"worker_id\":5000,\"name\":null,\"id_number\":null,\"income_fen\":300000,\"cum_income_fen\":300000,\"cum_expense_fen\":60000,\"cum_deduction_fen\":500000,\"cum_tax_fen\":0,\"withheld_fen\":0,\"vat_fen\":0,\"surcharge_fen\":0}]}");
    fw_free(out);
    /* finance staff see them masked */
    test_actor(ctx, FW_ROLE_FINANCE, 0);
    assert_rc(fw_tax_declaration_export(ctx, id, FW_TAX_EXPORT_CSV, &out, NULL, &err), FW_OK, &err);
    assert_string_equal(out, "period,version,worker_id,name,id_number,income,cum_income,cum_expense,cum_deductions,cum_tax,withheld,vat,surcharges\r\n"
                             "2026-03,1,1,\"王*\",\"110***********1239\",20000.00,20000.00,4000.00,5000.00,"
                             "330.00,330.00,0.00,0.00\r\n"
                             "2026-03,1,5000,\"\",\"\",3000.00,3000.00,600.00,5000.00,0.00,0.00,0.00,0.00\r\n");
    fw_free(out);
    assert_rc(fw_tax_declaration_export(ctx, id, FW_TAX_EXPORT_JSON, &out, NULL, &err), FW_OK, &err);
    assert_string_equal(out, "{\"declaration_id\":1,\"period\":\"2026-03\",\"version\":1,\"state\":\"draft\",\"lines\":["
                             "{\"worker_id\":1,\"name\":\"王*\",\"id_number\":\"110***********1239\",\"income_fen\":2000000,"
                             "\"cum_income_fen\":2000000,\"cum_expense_fen\":400000,\"cum_deduction_fen\":500000,"
                             "\"cum_tax_fen\":33000,\"withheld_fen\":33000,\"vat_fen\":0,\"surcharge_fen\":0},"
                             "{\"worker_id\":5000,\"name\":null,\"id_number\":null,\"income_fen\":300000,\"cum_income_fen\":300000,\"cum_expense_fen\":60000,\"cum_deduction_fen\":500000,\"cum_tax_fen\":0,\"withheld_fen\":0,\"vat_fen\":0,\"surcharge_fen\":0}]}");
    fw_free(out);

    /* refusals leave the output untouched */
    keep = out = (char *)"untouched";
    assert_int_equal(fw_tax_declaration_export(ctx, id, 3, &out, NULL, &err), FW_EINVAL);
    assert_string_equal(fw_error_message(err), "format: must be FW_TAX_EXPORT_CSV (1) or FW_TAX_EXPORT_JSON (2), got 3");
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw_tax_declaration_export(ctx, 99, FW_TAX_EXPORT_CSV, &out, NULL, &err), FW_ENOTFOUND);
    fw_error_free(err);
    err = NULL;
    test_actor(ctx, FW_ROLE_WORKER, w);
    assert_int_equal(fw_tax_declaration_export(ctx, id, FW_TAX_EXPORT_CSV, &out, NULL, &err), FW_EPERM);
    fw_error_free(err);
    assert_ptr_equal(out, keep);
    /* nothing written; no personal data in clear anywhere */
    assert_int_equal(q(ctx, "SELECT COUNT(*) FROM fw_audit"), audits);
    assert_int_equal(q(ctx, "SELECT COUNT(*) FROM fw_audit WHERE detail LIKE '%王五%' OR detail LIKE '%110105199003071239%'"), 0);
    assert_int_equal(q(ctx, "SELECT COUNT(*) FROM fw_tax_declaration_line WHERE worker_id = 1"), 1);
}

/* Decree 810 art. 4: the quarterly income report sums the quarter's three months per worker, goes
 * through draft -> submitted -> accepted like a declaration, exports, and carries no tax to pay. */
static void quarterly_income_report(void **state)
{
    fw_ctx *ctx = *state;
    struct fw__tax_result r;
    fw_error *err = NULL;
    fw_id id = 0, pay = 0, again = 0, monthly;
    char *out = NULL;

    withhold(ctx, 7, "a", 2000000, day(2026, 1, 5));
    withhold(ctx, 7, "b", 2000000, day(2026, 3, 5));
    withhold(ctx, 7, "c", 1000000, day(2026, 4, 1));          /* Q2: not in the report */
    assert_rc(fw__tax_withhold(ctx, 9, "d", 300000, day(2026, 2, 6), &r, &err), FW_OK, &err); /* unauthorised */
    monthly = build(ctx, "2026-03");
    assert_int_equal(fw_tax_income_report_build(ctx, "2026-Q5", &id, &err), FW_EINVAL);
    assert_string_equal(fw_error_message(err), "quarter: must be a quarter \"YYYY-Qn\" (n 1..4), got \"2026-Q5\"");
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw_tax_income_report_build(ctx, "2026-03", &id, &err), FW_EINVAL);
    fw_error_free(err);
    err = NULL;
    assert_int_equal(id, 0);
    assert_rc(fw_tax_income_report_build(ctx, "2026-Q1", &id, &err), FW_OK, &err);
    assert_int_equal(id, monthly + 1);
    out = get(ctx, id);
    assert_non_null(strstr(out, "{\"id\":2,\"kind\":\"income_report\",\"period\":\"2026-Q1\",\"version\":1,"
                                "\"state\":\"draft\""));
    assert_non_null(strstr(out, "\"totals\":{\"workers\":2,\"gross_fen\":4300000,\"income_fen\":4300000,"));
    assert_non_null(strstr(out, "{\"worker_id\":7,\"records\":2,\"gross_fen\":4000000,\"income_fen\":4000000,"));
    fw_free(out);
    out = get(ctx, monthly);
    assert_non_null(strstr(out, "{\"id\":1,\"kind\":\"withholding\",\"period\":\"2026-03\""));
    fw_free(out);
    assert_rc(fw_tax_declaration_export(ctx, id, FW_TAX_EXPORT_CSV, &out, NULL, &err), FW_OK, &err);
    assert_non_null(strstr(out, "\r\n2026-Q1,1,7,\"\",\"\",40000.00,"));
    assert_non_null(strstr(out, "\r\n2026-Q1,1,9,\"\",\"\",3000.00,"));
    fw_free(out);
    /* filed by hand; the report needs no tax-agency authorisation (worker 9 has none) */
    assert_rc(fw_tax_declaration_submit(ctx, id, &err), FW_OK, &err);
    assert_int_equal(fw_tax_income_report_build(ctx, "2026-Q1", &again, &err), FW_ESTATE);
    fw_error_free(err);
    err = NULL;
    assert_rc(fw_tax_declaration_resolve(ctx, id, "{\"status\":\"accepted\",\"receipt_no\":\"Q-1\"}", (size_t)-1,
                                         &err), FW_OK, &err);
    assert_int_equal(q(ctx, "SELECT state FROM fw_tax_declaration WHERE id = 2"), FW_TAX_DECL_ACCEPTED);
    /* it pays nothing and changes nothing */
    assert_int_equal(fw_tax_pay(ctx, id, "q", &pay, &err), FW_ESTATE);
    assert_string_equal(fw_error_message(err), "declaration_id: declaration 2 is an income information report; tax is "
                                                "paid under the month's withholding declaration");
    fw_error_free(err);
    assert_int_equal(pay, 0);
    assert_int_equal(q(ctx, "SELECT COUNT(*) FROM fw_tax_payment"), 0);
    /* the month is not closed by the quarter's report: the monthly declaration stays a draft */
    assert_int_equal(q(ctx, "SELECT state FROM fw_tax_declaration WHERE id = 1"), FW_TAX_DECL_DRAFT);
    assert_int_equal(q(ctx, "SELECT COUNT(*) FROM fw_audit WHERE action = 'tax.report.build'"), 1);
}

#define T(f) cmocka_unit_test_setup_teardown(f, test_setup_admin, test_teardown_ctx)
TEST_MAIN(T(declaration_is_built_from_the_period_records), T(declaration_states_and_versions), T(unauthorised_workers_are_not_declared),
          T(declaration_through_the_provider), T(withheld_tax_is_paid), T(paid_tax_is_posted_once),
          T(certificates_are_stored_and_downloaded), T(platform_certificate_is_signed_and_verifies),
          T(platform_certificate_renders_as_html),
          T(withholding_return_is_exported),
          T(quarterly_income_report))
