/*
 * Withholding at payout and its corrections: records with explanations, year-to-date figures,
 * idempotency by payment reference, reversals under the original period's rules, closed
 * periods, warnings, quotes and access. .a, R-5.7, R-6.d.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "core/clock.h"
#include "core/db.h"
#include "tax/tax.h"

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

static struct fw__tax_result withhold(fw_ctx *ctx, fw_id worker, const char *ref, int64_t gross, int64_t at)
{
    struct fw__tax_result r;
    fw_error *err = NULL;

    memset(&r, 0, sizeof(r));
    assert_rc(fw__tax_withhold(ctx, worker, ref, gross, at, &r, &err), FW_OK, &err);
    return r;
}

/* .a: a withholding is recorded with its explanation, the figures updated, audited. */
static void withholding_is_recorded_explained_and_audited(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    int64_t withheld = -1;
    char *out = NULL;
    cJSON *o, *w;

    assert_rc(fw_tax_withhold(ctx, 7, "po-1", 2000000, day(2026, 1, 10), &withheld, &err), FW_OK, &err);
    assert_int_equal(withheld, 33000);
    assert_rc(fw_tax_withholding_get(ctx, "po-1", &out, NULL, &err), FW_OK, &err);
    o = cJSON_Parse(out);
    w = cJSON_GetObjectItem(o, "withholding");
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(o, "reversal")));
    assert_string_equal(cJSON_GetObjectItem(w, "period")->valuestring, "2026-01");
    assert_string_equal(cJSON_GetObjectItem(w, "method")->valuestring, "cumulative");
    assert_string_equal(cJSON_GetObjectItem(w, "vat_collection")->valuestring, "agency");
    assert_int_equal((int64_t)cJSON_GetObjectItem(w, "iit_fen")->valuedouble, 33000);
    assert_int_equal((int64_t)cJSON_GetObjectItem(w, "vat_fen")->valuedouble, 0);
    assert_int_equal((int64_t)cJSON_GetObjectItem(w, "income_fen")->valuedouble, 2000000);
    assert_non_null(strstr(out, "\"rule\":\"cn.iit.labour.cumulative.2025\""));
    assert_non_null(strstr(out, "\"rule\":\"cn.vat.small_scale_relief.2026\""));
    assert_non_null(strstr(out, "month sales 19801.98 < threshold 100000.00: exempt"));
    cJSON_Delete(o);
    fw_free(out);

    assert_rc(fw_tax_cumulative_get(ctx, 7, 2026, &out, NULL, &err), FW_OK, &err);
    assert_string_equal(out, "{\"worker_id\":7,\"year\":2026,\"last_month\":1,\"month_count\":1,"
                             "\"income_fen\":2000000,\"expense_fen\":400000,\"deduction_fen\":500000,"
                             "\"withheld_fen\":33000}");
    fw_free(out);
    assert_int_equal(q(ctx, "SELECT COUNT(*) FROM fw_audit WHERE action = 'tax.withhold' AND entity_type = "
                            "'tax_withholding'"), 1);
    /* Financial history is append-only. */
    assert_int_not_equal(fw__db_exec(ctx, NULL, "UPDATE fw_tax_withholding SET iit_fen = 0", ""), FW_OK);
    assert_int_not_equal(fw__db_exec(ctx, NULL, "DELETE FROM fw_tax_withholding", ""), FW_OK);
}

/* .a: the same payment reference replays the first result; another request conflicts. */
static void payment_ref_is_idempotent(void **state)
{
    fw_ctx *ctx = *state;
    struct fw__tax_result a = withhold(ctx, 7, "po-1", 3000000, day(2026, 2, 1)), b;
    fw_error *err = NULL;

    b = withhold(ctx, 7, "po-1", 3000000, day(2026, 2, 1));
    assert_int_equal(b.replayed, 1);
    assert_int_equal(b.record_id, a.record_id);
    assert_int_equal(b.iit_fen, a.iit_fen);
    assert_int_equal(b.net_fen, 3000000 - a.withheld_fen);
    assert_int_equal(fw__tax_withhold(ctx, 7, "po-1", 3000001, day(2026, 2, 1), &b, &err), FW_ECONFLICT);
    assert_string_equal(fw_error_message(err), "gross_fen: payment \"po-1\" was withheld on 3000000 fen, not 3000001");
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw__tax_withhold(ctx, 8, "po-1", 3000000, day(2026, 2, 1), &b, &err), FW_ECONFLICT);
    assert_string_equal(fw_error_path(err), "worker_id");
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw__tax_withhold(ctx, 7, "", 1, day(2026, 2, 1), &b, &err), FW_EINVAL);
    assert_string_equal(fw_error_path(err), "payment_ref");
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw__tax_withhold(ctx, 7, "po-2", 0, day(2026, 2, 1), &b, &err), FW_EINVAL);
    assert_string_equal(fw_error_message(err), "gross_fen: must be a positive number of fen, got 0");
    fw_error_free(err);
    assert_int_equal(q(ctx, "SELECT COUNT(*) FROM fw_tax_withholding"), 1);
    assert_int_equal(q(ctx, "SELECT income_fen FROM fw_tax_cumulative WHERE worker_id = 7"), 3000000);
}

/* Withholdings are recorded in time order per worker: an earlier month is refused, nothing changes. */
static void earlier_month_after_a_later_one_is_refused(void **state)
{
    fw_ctx *ctx = *state;
    struct fw__tax_result r;
    fw_error *err = NULL;

    withhold(ctx, 7, "mar", 2000000, day(2026, 3, 5));
    assert_int_equal(fw__tax_withhold(ctx, 7, "feb", 2000000, day(2026, 2, 5), &r, &err), FW_ESTATE);
    assert_string_equal(fw_error_message(err), "at_ms: 2026-02 is before worker 7's last withholding month "
                                                "2026-03; withholdings are recorded in time order");
    fw_error_free(err);
    assert_int_equal(q(ctx, "SELECT COUNT(*) FROM fw_tax_withholding"), 1);
    assert_int_equal(q(ctx, "SELECT COUNT(*) FROM fw_tax_month WHERE period = '2026-02'"), 0);
}

/* .a: a reversed payment is taken out of the year-to-date figures; the difference is a
 * negative adjustment recorded in the later period; later withholdings build on it. */
static void reversal_recomputes_cumulative_figures(void **state)
{
    fw_ctx *ctx = *state;
    struct fw__tax_result r;
    fw_error *err = NULL;
    int64_t adj = 0;
    char *out = NULL;

    assert_int_equal(withhold(ctx, 7, "jan", 2000000, day(2026, 1, 10)).iit_fen, 33000);
    assert_int_equal(withhold(ctx, 7, "feb", 2000000, day(2026, 2, 10)).iit_fen, 33000);
    assert_rc(fw_tax_reverse(ctx, "feb", day(2026, 3, 2), &adj, &err), FW_OK, &err);
    /* Without February: 20,000 over 2 months -> 16,000 - 10,000 = 6,000 x 3% = 180.00; 660.00 withheld. */
    assert_int_equal(adj, -48000);
    assert_rc(fw__tax_record_get(ctx, "feb", FW_TAX_RECORD_REVERSAL, &r, &err), FW_OK, &err);
    assert_string_equal(r.period, "2026-03");
    assert_int_equal(r.gross_fen, -2000000);
    assert_int_equal(r.income_fen, -2000000);
    assert_int_equal(r.iit_fen, -48000);
    assert_rc(fw_tax_cumulative_get(ctx, 7, 2026, &out, NULL, &err), FW_OK, &err);
    assert_string_equal(out, "{\"worker_id\":7,\"year\":2026,\"last_month\":2,\"month_count\":2,"
                             "\"income_fen\":2000000,\"expense_fen\":400000,\"deduction_fen\":1000000,"
                             "\"withheld_fen\":18000}");
    fw_free(out);
    /* March continues: 40,000 over 3 months -> 32,000 - 15,000 = 17,000 -> 510.00 - 180.00. */
    assert_int_equal(withhold(ctx, 7, "mar", 2000000, day(2026, 3, 10)).iit_fen, 33000);

    assert_int_equal(fw_tax_reverse(ctx, "feb", day(2026, 3, 3), NULL, &err), FW_ESTATE);
    assert_string_equal(fw_error_path(err), "payment_ref");
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw_tax_reverse(ctx, "nope", day(2026, 3, 3), NULL, &err), FW_ENOTFOUND);
    assert_string_equal(fw_error_message(err), "payment_ref: no withholding is recorded for payment \"nope\"");
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw_tax_reverse(ctx, "mar", day(2026, 3, 1), NULL, &err), FW_ESTATE);
    assert_string_equal(fw_error_path(err), "at_ms");
    fw_error_free(err);
    assert_int_equal(q(ctx, "SELECT COUNT(*) FROM fw_tax_withholding WHERE kind = 2"), 1);
    assert_int_equal(q(ctx, "SELECT COUNT(*) FROM fw_audit WHERE action = 'tax.reverse'"), 1);
}

/* .a: recomputing a past period uses that period's rules. November 2025 sales of exactly
 * 100,000.00 are exempt under the 2023-2025 rule; under the 2026 reading they would be taxed. */
static void reversal_uses_the_rules_of_the_original_period(void **state)
{
    fw_ctx *ctx = *state;
    struct fw__tax_result r;
    fw_error *err = NULL;

    assert_int_equal(withhold(ctx, 9, "a", 10100000, day(2025, 11, 5)).vat_fen, 0);
    r = withhold(ctx, 9, "b", 50000, day(2025, 11, 20));
    assert_int_equal(r.vat_fen, 100495);        /* 101,500 / 1.01 = 100,495.05 -> 1% */
    assert_int_equal(r.surcharge_fen, 6029);    /* 35.17 + 15.07 + 10.05 */
    assert_rc(fw__tax_reverse_ex(ctx, "b", day(2026, 2, 10), &r, &err), FW_OK, &err);
    assert_string_equal(r.period, "2026-02");
    assert_int_equal(r.vat_fen, -100495);       /* back to exempt, not to 2026's 1,000.00 */
    assert_int_equal(r.surcharge_fen, -6029);
    assert_int_equal(q(ctx, "SELECT vat_fen FROM fw_tax_month WHERE worker_id = 9 AND period = '2025-11'"), 0);
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

/* .b: a submitted or accepted period takes no more withholdings; corrections go later. */
static void declared_period_is_closed(void **state)
{
    fw_ctx *ctx = *state;
    struct fw__tax_result r;
    fw_error *err = NULL;
    fw_id decl = 0;

    withhold(ctx, 7, "jan", 2000000, day(2026, 1, 10));
    authorise_tax(ctx, 7);
    assert_rc(fw_tax_declaration_build(ctx, "2026-01", &decl, &err), FW_OK, &err);
    assert_rc(fw_tax_declaration_submit(ctx, decl, &err), FW_OK, &err);
    assert_int_equal(fw__tax_withhold(ctx, 8, "late", 100000, day(2026, 1, 30), &r, &err), FW_ECLOSED);
    assert_string_equal(fw_error_message(err), "at_ms: the tax period 2026-01 is declared (submitted); record the "
                                                "change in a later period");
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw_tax_reverse(ctx, "jan", day(2026, 1, 31), NULL, &err), FW_ECLOSED);
    fw_error_free(err);
    err = NULL;
    assert_rc(fw_tax_reverse(ctx, "jan", day(2026, 2, 1), NULL, &err), FW_OK, &err);
    assert_int_equal(q(ctx, "SELECT COUNT(*) FROM fw_tax_withholding WHERE worker_id = 8"), 0);
}

/* .a: the VAT threshold and the 5,000,000-in-12-months guidance produce warnings. */
static void thresholds_produce_warnings(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    char *out = NULL;

    withhold(ctx, 7, "m1", 200000000, day(2026, 1, 10));
    withhold(ctx, 7, "m2", 200000000, day(2026, 2, 10));
    assert_rc(fw_tax_warnings(ctx, 7, &out, NULL, &err), FW_OK, &err);
    assert_null(strstr(out, "market_entity_guidance"));
    assert_non_null(strstr(out, "{\"code\":\"vat_threshold_reached\",\"period\":\"2026-01\",\"amount_fen\":200000000"));
    fw_free(out);
    withhold(ctx, 7, "m3", 200000000, day(2026, 3, 10));
    assert_rc(fw_tax_warnings(ctx, 7, &out, NULL, &err), FW_OK, &err);
    assert_non_null(strstr(out, "{\"code\":\"market_entity_guidance\",\"period\":\"2026-03\",\"amount_fen\":600000000"));
    fw_free(out);
    assert_rc(fw_tax_warnings(ctx, 8, &out, NULL, &err), FW_OK, &err);
    assert_string_equal(out, "[]");
    fw_free(out);
}

/* A quote gives what the next withholding takes, and writes nothing. */
static void quote_matches_the_next_withholding(void **state)
{
    fw_ctx *ctx = *state;
    fw_tax_calc *calc = NULL;
    fw_error *err = NULL;
    int64_t quote = -1;
    char *out = NULL;

    withhold(ctx, 7, "jan", 5000000, day(2026, 1, 10));
    assert_rc(fw_tax_calc_new(&calc, ctx, day(2026, 2, 10), &err), FW_OK, &err);
    assert_rc(fw_tax_calc_withholding(calc, 7, 5000000, &quote, &err), FW_OK, &err);
    assert_int_equal(quote, 343000);
    assert_rc(fw_tax_calc_explain(calc, &out, NULL, &err), FW_OK, &err);
    assert_non_null(strstr(out, "\"kind\":\"withholding\""));
    fw_free(out);
    fw_tax_calc_free(calc);
    assert_int_equal(q(ctx, "SELECT COUNT(*) FROM fw_tax_withholding"), 1);
    assert_int_equal(withhold(ctx, 7, "feb", 5000000, day(2026, 2, 10)).withheld_fen, quote);
}

/* R-6.h: workers read only their own tax records and cannot withhold. */
static void workers_see_only_their_own(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    char *out = NULL;

    withhold(ctx, 7, "jan", 2000000, day(2026, 1, 10));
    test_actor(ctx, FW_ROLE_WORKER, 7);
    assert_rc(fw_tax_withholding_get(ctx, "jan", &out, NULL, &err), FW_OK, &err);
    fw_free(out);
    out = NULL;
    test_actor(ctx, FW_ROLE_WORKER, 8);
    assert_int_equal(fw_tax_withholding_get(ctx, "jan", &out, NULL, &err), FW_EPERM);
    assert_null(out);
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw_tax_cumulative_get(ctx, 7, 2026, &out, NULL, &err), FW_EPERM);
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw_tax_withhold(ctx, 8, "x", 100, day(2026, 1, 11), NULL, &err), FW_EPERM);
    fw_error_free(err);
    test_actor(ctx, FW_ROLE_ADMIN, 0);
    assert_int_equal(q(ctx, "SELECT COUNT(*) FROM fw_tax_withholding"), 1);
}

/* The VAT collection mode (agency filing or payer withholding, cn-rules §2.3) is a policy
 * recorded on each withholding; the amounts are the same. */
static void vat_collection_mode_is_recorded(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    char *out = NULL;

    assert_rc(fw_tax_set_policy(ctx, "vat.collection", "withholding", &err), FW_OK, &err);
    assert_int_equal(withhold(ctx, 7, "nov", 10100000, day(2026, 11, 2)).vat_fen, 100000);
    assert_rc(fw_tax_withholding_get(ctx, "nov", &out, NULL, &err), FW_OK, &err);
    assert_non_null(strstr(out, "\"vat_collection\":\"withholding\""));
    fw_free(out);
    /* From 2028 no threshold is in force: VAT is due, yet no threshold warning. */
    assert_int_equal(withhold(ctx, 8, "y28", 103000, day(2028, 1, 5)).vat_fen, 3000);
    assert_rc(fw_tax_warnings(ctx, 8, &out, NULL, &err), FW_OK, &err);
    assert_string_equal(out, "[]");
    fw_free(out);
}

#define T(f) cmocka_unit_test_setup_teardown(f, test_setup_admin, test_teardown_ctx)
TEST_MAIN(T(withholding_is_recorded_explained_and_audited), T(payment_ref_is_idempotent),
          T(earlier_month_after_a_later_one_is_refused), T(reversal_recomputes_cumulative_figures),
          T(reversal_uses_the_rules_of_the_original_period), T(declared_period_is_closed),
          T(thresholds_produce_warnings), T(quote_matches_the_next_withholding),
          T(workers_see_only_their_own), T(vat_collection_mode_is_recorded))
