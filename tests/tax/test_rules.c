/*
 * Tax rules as data: shipped rule sets with sources, host rule files validated strictly and
 * taking precedence on their dates, policies, the calculator's explanations. .h, R-7.7.a.
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

static int64_t count_rows(fw_ctx *ctx, const char *sql)
{
    int64_t n = -1;
    assert_int_equal(fw__db_i64(ctx, &n, NULL, sql, ""), FW_OK);
    return n;
}

/* .a: the shipped rules in force on a date, each citing its source. */
static void shipped_rules_in_force_cite_their_sources(void **state)
{
    fw_tax_calc *calc = NULL;
    fw_error *err = NULL;
    char *out = NULL;
    cJSON *arr, *r;
    int n = 0;

    (void)state;
    assert_rc(fw_tax_calc_new(&calc, NULL, day(2026, 3, 15), &err), FW_OK, &err);
    assert_rc(fw_tax_calc_rules(calc, &out, NULL, &err), FW_OK, &err);
    arr = cJSON_Parse(out);
    cJSON_ArrayForEach(r, arr) {
        assert_true(strlen(cJSON_GetObjectItem(r, "source")->valuestring) > 10);
        assert_string_equal(cJSON_GetObjectItem(r, "origin")->valuestring, "shipped");
        n++;
    }
    assert_int_equal(n, 9);
    assert_non_null(strstr(out, "\"id\":\"cn.iit.labour.cumulative.2025\""));
    assert_non_null(strstr(out, "国家税务总局公告2025年第16号"));
    assert_non_null(strstr(out, "\"id\":\"cn.vat.small_scale_relief.2026\""));
    assert_null(strstr(out, "cn.vat.small_scale_relief.2023"));
    cJSON_Delete(arr);
    fw_free(out);

    /* 2025-06: the 2023 VAT relief, no cumulative IIT rule yet. */
    fw_tax_calc_free(calc);
    assert_rc(fw_tax_calc_new(&calc, NULL, day(2025, 6, 1), &err), FW_OK, &err);
    assert_rc(fw_tax_calc_rules(calc, &out, NULL, &err), FW_OK, &err);
    assert_non_null(strstr(out, "cn.vat.small_scale_relief.2023"));
    assert_null(strstr(out, "cn.iit.labour.cumulative.2025"));
    fw_free(out);
    fw_tax_calc_free(calc);
}

/* .h: every step of a computation names its rule and source; rounding is stated. */
static void explanation_names_rule_and_source_of_every_step(void **state)
{
    fw_tax_calc *calc = NULL;
    fw_error *err = NULL;
    char *out = NULL;
    int64_t tax = -1;
    cJSON *ex, *steps, *s;

    (void)state;
    assert_rc(fw_tax_calc_new(&calc, NULL, day(2026, 4, 15), &err), FW_OK, &err);
    assert_int_equal(fw_tax_calc_explain(calc, &out, NULL, &err), FW_ESTATE);
    assert_string_equal(fw_error_message(err), "the calculator has not computed anything yet");
    fw_error_free(err);
    err = NULL;
    assert_rc(fw_tax_calc_labour_cumulative(calc, 8000000, 4, 99000, &tax, &err), FW_OK, &err);
    assert_int_equal(tax, 89000);
    assert_rc(fw_tax_calc_explain(calc, &out, NULL, &err), FW_OK, &err);
    ex = cJSON_Parse(out);
    assert_string_equal(cJSON_GetObjectItem(ex, "kind")->valuestring, "labour_cumulative");
    assert_string_equal(cJSON_GetObjectItem(ex, "date")->valuestring, "2026-04-15");
    assert_int_equal((int64_t)cJSON_GetObjectItem(ex, "result_fen")->valuedouble, 89000);
    steps = cJSON_GetObjectItem(ex, "steps");
    assert_int_equal(cJSON_GetArraySize(steps), 6);
    cJSON_ArrayForEach(s, steps) {
        assert_string_equal(cJSON_GetObjectItem(s, "rule")->valuestring, "cn.iit.labour.cumulative.2025");
        assert_non_null(strstr(cJSON_GetObjectItem(s, "source")->valuestring, "2025年第16号"));
    }
    s = cJSON_GetArrayItem(steps, 4);
    assert_string_equal(cJSON_GetObjectItem(s, "step")->valuestring, "cumulative_tax");
    assert_string_equal(cJSON_GetObjectItem(s, "formula")->valuestring,
                        "44000.00 x 10% - 2520.00 (quick deduction), rate rounded half-up to the fen, floored at 0");
    assert_int_equal((int64_t)cJSON_GetObjectItem(s, "value_fen")->valuedouble, 188000);
    cJSON_Delete(ex);
    fw_free(out);
    fw_tax_calc_free(calc);
}

/* Typed entry points refuse bad arguments naming them; outputs untouched. */
static void calculator_refuses_bad_arguments_naming_them(void **state)
{
    fw_tax_calc *calc = NULL;
    fw_error *err = NULL;
    char *out = NULL;
    int64_t tax = 77;

    (void)state;
    assert_int_equal(fw_tax_calc_new(&calc, NULL, -1, &err), FW_EINVAL);
    assert_string_equal(fw_error_path(err), "at_ms");
    fw_error_free(err);
    err = NULL;
    assert_rc(fw_tax_calc_new(&calc, NULL, day(2026, 1, 1), &err), FW_OK, &err);
    assert_int_equal(fw_tax_calc_labour_cumulative(calc, 100, 13, 0, &tax, &err), FW_EINVAL);
    assert_string_equal(fw_error_message(err), "months: must be 1..12, got 13");
    assert_int_equal(tax, 77);
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw_tax_calc_labour_payment(calc, -5, &tax, &err), FW_EINVAL);
    assert_string_equal(fw_error_message(err), "gross_fen: must be a non-negative number of fen, got -5");
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw_tax_calc_set_method(calc, 3, &err), FW_EINVAL);
    assert_string_equal(fw_error_path(err), "method");
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw_tax_calc_business(calc, 100, 2000000, 0, &tax, &err), FW_EINVAL);
    assert_string_equal(fw_error_path(err), "deemed_rate_ppm");
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw_tax_calc_compute(calc, "{\"kind\":\"vat\",\"month_gross_fen\":1,\"x\":2}", (size_t)-1,
                                         &out, NULL, &err), FW_EINVAL);
    assert_string_equal(fw_error_path(err), "$.x");
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw_tax_calc_compute(calc, "{\"kind\":\"salary\"}", (size_t)-1, &out, NULL, &err), FW_EINVAL);
    assert_string_equal(fw_error_path(err), "$.kind");
    assert_null(out);
    fw_error_free(err);
    err = NULL;
    /* Withholding quotes need the worker's stored figures. */
    assert_int_equal(fw_tax_calc_withholding(calc, 1, 100, &tax, &err), FW_EINVAL);
    fw_error_free(err);
    assert_int_equal(tax, 77);
    fw_tax_calc_free(calc);
}

/* The per-payment method can be forced where the cumulative rule is in force. */
static void method_can_be_chosen(void **state)
{
    fw_tax_calc *calc = NULL;
    fw_error *err = NULL;

    (void)state;
    assert_rc(fw_tax_calc_new(&calc, NULL, day(2026, 1, 1), &err), FW_OK, &err);
    assert_int_equal(fw__tax_use_cumulative(calc), 1);
    assert_rc(fw_tax_calc_set_method(calc, FW_TAX_METHOD_PER_PAYMENT, &err), FW_OK, &err);
    assert_int_equal(fw__tax_use_cumulative(calc), 0);
    assert_rc(fw_tax_calc_set_method(calc, FW_TAX_METHOD_AUTO, &err), FW_OK, &err);
    assert_rc(fw_tax_calc_set_policy(calc, "iit.labour_method", "per_payment", &err), FW_OK, &err);
    assert_int_equal(fw__tax_use_cumulative(calc), 0);
    fw_tax_calc_free(calc);
}

static const char host_rules[] =
    "{\"format\":\"flexwork-tax-rules\",\"version\":1,\"rules\":["
    "{\"id\":\"host.vat.relief.2028\",\"kind\":\"vat_small_scale_relief\",\"valid_from\":\"2028-01-01\","
    "\"valid_to\":\"2028-12-31\",\"source\":\"hypothetical extension notice\",\"params\":{\"reduced_rate_ppm\":10000,"
    "\"monthly_threshold_fen\":10000000,\"threshold\":\"taxable_from_threshold\"}},"
    "{\"id\":\"host.surcharge.relief.2028\",\"kind\":\"surcharge_relief\",\"valid_from\":\"2028-01-01\","
    "\"valid_to\":null,\"source\":\"hypothetical extension notice\",\"params\":{\"relief_ppm\":500000}}]}";

/* .a: a host rule file is data: it applies on its dates, older dates keep their rules. */
static void host_rule_file_applies_on_its_dates_only(void **state)
{
    fw_ctx *ctx = *state;
    fw_tax_calc *calc = NULL;
    fw_error *err = NULL;
    int64_t vat = -1, sur = -1;
    fw_id id = 0;
    char *out = NULL;

    assert_rc(fw_tax_calc_new(&calc, ctx, day(2028, 6, 15), &err), FW_OK, &err);
    assert_rc(fw_tax_calc_vat(calc, 10300000, &vat, &sur, &err), FW_OK, &err);
    assert_int_equal(vat, 300000);      /* 3%, no relief: nothing shipped covers 2028 */
    assert_int_equal(sur, 36000);
    fw_tax_calc_free(calc);

    assert_rc(fw_tax_rules_load(ctx, host_rules, strlen(host_rules), &id, &err), FW_OK, &err);
    assert_int_equal(id, 1);
    assert_rc(fw_tax_calc_new(&calc, ctx, day(2028, 6, 15), &err), FW_OK, &err);
    assert_rc(fw_tax_calc_vat(calc, 10300000, &vat, &sur, &err), FW_OK, &err);
    assert_int_equal(vat, 101980);      /* 103,000 / 1.01 = 101,980.20 -> 1% */
    assert_int_equal(sur, 6119);        /* halved again: 35.69 + 15.30 + 10.20 */
    assert_rc(fw_tax_calc_rules(calc, &out, NULL, &err), FW_OK, &err);
    assert_non_null(strstr(out, "\"id\":\"host.vat.relief.2028\""));
    assert_non_null(strstr(out, "\"origin\":\"host\""));
    fw_free(out);
    fw_tax_calc_free(calc);

    /* 2026 is untouched. */
    assert_rc(fw_tax_calc_new(&calc, ctx, day(2026, 6, 15), &err), FW_OK, &err);
    assert_rc(fw_tax_calc_vat(calc, 10300000, &vat, &sur, &err), FW_OK, &err);
    assert_int_equal(vat, 101980);
    fw_tax_calc_free(calc);
    assert_int_equal(count_rows(ctx, "SELECT COUNT(*) FROM fw_audit WHERE action = 'tax.rules_load'"), 1);
}

struct bad_file {
    const char *params;     /* spliced into one rule of kind iit_business */
    const char *extra;      /* a second rule, or "" */
    int code;
    const char *message;
};

/* .a: rule files are validated strictly; a refused file changes nothing. */
static void host_rule_files_are_validated_strictly(void **state)
{
    static const struct bad_file cases[] = {
        { "{\"brackets\":[{\"up_to_fen\":100,\"rate_ppm\":50000,\"quick_deduction_fen\":0},"
          "{\"up_to_fen\":null,\"rate_ppm\":100000,\"quick_deduction_fen\":6}]}", "", FW_EINVAL,
          "$.rules[0].params.brackets[1].quick_deduction_fen: must be 5 for the table to be continuous at 100 fen, got 6" },
        { "{\"brackets\":[{\"up_to_fen\":100,\"rate_ppm\":50000,\"quick_deduction_fen\":0},"
          "{\"up_to_fen\":100,\"rate_ppm\":100000,\"quick_deduction_fen\":5}]}", "", FW_EINVAL,
          "$.rules[0].params.brackets[1].up_to_fen: must be null on the last bracket (no upper bound), got 100" },
        { "{\"brackets\":[{\"up_to_fen\":null,\"rate_ppm\":50000,\"quick_deduction_fen\":0}],\"cap\":1}", "",
          FW_EINVAL, NULL },
        { "{\"brackets\":[{\"up_to_fen\":null,\"rate_ppm\":1000001,\"quick_deduction_fen\":0}]}", "", FW_EINVAL, NULL },
        { "{\"brackets\":[{\"up_to_fen\":null,\"rate_ppm\":50000,\"quick_deduction_fen\":0}]}",
          ",{\"id\":\"h.b2\",\"kind\":\"iit_business\",\"valid_from\":\"2030-06-01\",\"valid_to\":null,"
          "\"source\":\"s\",\"params\":{\"brackets\":[{\"up_to_fen\":null,\"rate_ppm\":1,\"quick_deduction_fen\":0}]}}",
          FW_EINVAL, "$.rules[1].valid_from: rule \"h.b2\" overlaps rule \"h.b1\" of the same kind iit_business in this file" },
        { "{\"brackets\":[{\"up_to_fen\":null,\"rate_ppm\":50000,\"quick_deduction_fen\":0}]}",
          ",{\"id\":\"cn.iit.business.2019\",\"kind\":\"iit_business\",\"valid_from\":\"2031-01-01\",\"valid_to\":null,"
          "\"source\":\"s\",\"params\":{\"brackets\":[{\"up_to_fen\":null,\"rate_ppm\":1,\"quick_deduction_fen\":0}]}}",
          FW_EEXISTS, "$.rules[1].id: rule id \"cn.iit.business.2019\" is already in use" },
    };
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    char json[2048];
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        snprintf(json, sizeof(json),
                 "{\"format\":\"flexwork-tax-rules\",\"version\":1,\"rules\":[{\"id\":\"h.b1\",\"kind\":\"iit_business\","
                 "\"valid_from\":\"2030-01-01\",\"valid_to\":\"2030-12-31\",\"source\":\"s\",\"params\":%s}%s]}",
                 cases[i].params, cases[i].extra);
        assert_int_equal(fw_tax_rules_load(ctx, json, strlen(json), NULL, &err), cases[i].code);
        if (cases[i].message)
            assert_string_equal(fw_error_message(err), cases[i].message);
        fw_error_free(err);
        err = NULL;
    }
    assert_int_equal(fw_tax_rules_load(ctx, "{\"format\":\"flexwork-tax-rules\",\"version\":2,\"rules\":[]}",
                                       (size_t)-1, NULL, &err), FW_EVERSION);
    assert_string_equal(fw_error_path(err), "$.version");
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw_tax_rules_load(ctx, "{\"format\":\"flexwork-tax-rules\",\"version\":1,\"rules\":[{\"id\":\"x\","
                                       "\"kind\":\"vat_small_scale\",\"valid_from\":\"2030-02-01\",\"valid_to\":\"2030-01-31\","
                                       "\"source\":\"s\",\"params\":{\"levy_rate_ppm\":1}}]}", (size_t)-1, NULL, &err),
                     FW_EINVAL);
    assert_string_equal(fw_error_message(err), "$.rules[0].valid_to: must not be before valid_from 2030-02-01, got 2030-01-31");
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw_tax_rules_load(ctx, "{\"format\":\"x\",\"version\":1,\"rules\":[]}", (size_t)-1, NULL, &err),
                     FW_EINVAL);
    assert_string_equal(fw_error_path(err), "$.format");
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw_tax_rules_load(ctx, "{\"format\":", (size_t)-1, NULL, &err), FW_EJSON);
    fw_error_free(err);
    assert_int_equal(count_rows(ctx, "SELECT COUNT(*) FROM fw_tax_rule_file"), 0);
    assert_int_equal(count_rows(ctx, "SELECT COUNT(*) FROM fw_audit WHERE action = 'tax.rules_load'"), 0);
}

/* Disputed points are policies with defaults; setting one is audited; bad names are named. */
static void policies_have_defaults_and_refuse_unknown_values(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    char *out = NULL;

    assert_rc(fw_tax_policies(ctx, &out, NULL, &err), FW_OK, &err);
    assert_non_null(strstr(out, "{\"name\":\"iit.gap_month\",\"value\":\"reset_all\",\"default\":\"reset_all\","
                                "\"values\":[\"reset_all\",\"reset_count\",\"continue\"]"));
    assert_non_null(strstr(out, "\"name\":\"vat.threshold_boundary\",\"value\":\"rule\""));
    fw_free(out);
    assert_int_equal(fw_tax_set_policy(ctx, "iit.gap", "x", &err), FW_EINVAL);
    assert_string_equal(fw_error_path(err), "name");
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw_tax_set_policy(ctx, "iit.gap_month", "forget", &err), FW_EINVAL);
    assert_string_equal(fw_error_message(err),
                        "value: iit.gap_month must be one of reset_all, reset_count, continue, got \"forget\"");
    fw_error_free(err);
    err = NULL;
    assert_rc(fw_tax_set_policy(ctx, "iit.gap_month", "continue", &err), FW_OK, &err);
    assert_rc(fw_tax_policies(ctx, &out, NULL, &err), FW_OK, &err);
    assert_non_null(strstr(out, "{\"name\":\"iit.gap_month\",\"value\":\"continue\",\"default\":\"reset_all\""));
    fw_free(out);
    assert_int_equal(count_rows(ctx, "SELECT COUNT(*) FROM fw_audit WHERE action = 'tax.policy'"), 1);

    test_actor(ctx, FW_ROLE_WORKER, 5);
    assert_int_equal(fw_tax_set_policy(ctx, "iit.gap_month", "reset_all", &err), FW_EPERM);
    fw_error_free(err);
    test_actor(ctx, FW_ROLE_ADMIN, 0);
    assert_int_equal(count_rows(ctx, "SELECT COUNT(*) FROM fw_tax_policy WHERE value = 'continue'"), 1);
}

/* The rule parser refuses every truncation and many byte flips of a valid file without crashing
 * (run under ASan and valgrind); only the intact file parses. */
static void rule_parser_survives_truncation_and_corruption(void **state)
{
    const char *json = fw__tax_builtin_files[0].json;
    size_t len = strlen(json), i;
    struct fw__tax_rule *rules = NULL;
    char *copy = malloc(len + 1);
    size_t n = 0;
    int ok = 0;

    (void)state;
    assert_non_null(copy);
    for (i = 0; i < len; i += 3) {
        assert_int_not_equal(fw__tax_rules_parse(json, i, 1, NULL, 0, &rules, &n, NULL), FW_OK);
    }
    for (i = 0; i < len; i += 7) {
        memcpy(copy, json, len + 1);
        copy[i] = (char)(copy[i] ^ 0x5a);
        if (fw__tax_rules_parse(copy, len, 1, NULL, 0, &rules, &n, NULL) == FW_OK) {
            free(rules);    /* a flip inside a source text may still be a valid file */
            rules = NULL;
            ok++;
        }
    }
    assert_int_equal(fw__tax_rules_parse(json, len, 1, NULL, 0, &rules, &n, NULL), FW_OK);
    assert_int_equal(n, 5);
    assert_true(ok < (int)(len / 7) / 2);
    free(rules);
    free(copy);
}

TEST_MAIN(cmocka_unit_test(shipped_rules_in_force_cite_their_sources),
          cmocka_unit_test(rule_parser_survives_truncation_and_corruption),
          cmocka_unit_test(explanation_names_rule_and_source_of_every_step),
          cmocka_unit_test(calculator_refuses_bad_arguments_naming_them),
          cmocka_unit_test(method_can_be_chosen),
          cmocka_unit_test_setup_teardown(host_rule_file_applies_on_its_dates_only, test_setup_admin, test_teardown_ctx),
          cmocka_unit_test_setup_teardown(host_rule_files_are_validated_strictly, test_setup_admin, test_teardown_ctx),
          cmocka_unit_test_setup_teardown(policies_have_defaults_and_refuse_unknown_values, test_setup_admin,
                                          test_teardown_ctx))
