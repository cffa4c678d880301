/*
 * Golden tax vectors (tests/vectors/tax_cases.json), shared with the Python and Go tests:
 * every worked example of cn-rules.md §1.1-§1.4 and §2.4 and the boundaries of every bracket
 * and threshold. .a, R-3.3.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "core/clock.h"
#include "tax/tax.h"

static int64_t noon(const char *date)
{
    int y = 0, m = 0, d = 0;
    int64_t ms = 0;

    assert_int_equal(sscanf(date, "%d-%d-%d", &y, &m, &d), 3);
    assert_int_equal(fw__cst_from_date(y, m, d, &ms), FW_OK);
    return ms + 12LL * 3600 * 1000;
}

static int64_t num(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    assert_non_null(v);
    return (int64_t)v->valuedouble;
}

static int set_policies(fw_tax_calc *calc, fw_ctx *ctx, const cJSON *c)
{
    const cJSON *pol = cJSON_GetObjectItemCaseSensitive(c, "policies"), *p;
    fw_error *err = NULL;

    cJSON_ArrayForEach(p, pol) {
        if (calc)
            assert_rc(fw_tax_calc_set_policy(calc, p->string, p->valuestring, &err), FW_OK, &err);
        else
            assert_rc(fw_tax_set_policy(ctx, p->string, p->valuestring, &err), FW_OK, &err);
    }
    return 0;
}

/* One calc case: the request through fw_tax_calc_compute(), then the expected figures. */
static int run_calc(const cJSON *c, const char *name)
{
    const cJSON *exp = cJSON_GetObjectItemCaseSensitive(c, "expect");
    const cJSON *want_err = cJSON_GetObjectItemCaseSensitive(exp, "error");
    const cJSON *amounts = cJSON_GetObjectItemCaseSensitive(exp, "amounts"), *a;
    char *req = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(c, "request"));
    fw_tax_calc *calc = NULL;
    fw_error *err = NULL;
    char *out = NULL;
    cJSON *res, *got;
    int bad = 0, rc;

    assert_rc(fw_tax_calc_new(&calc, NULL, noon(cJSON_GetObjectItemCaseSensitive(c, "date")->valuestring), &err),
              FW_OK, &err);
    set_policies(calc, NULL, c);
    rc = fw_tax_calc_compute(calc, req, strlen(req), &out, NULL, &err);
    if (want_err) {
        if (rc != FW_ENOTFOUND || strcmp(want_err->valuestring, "FW_ENOTFOUND") != 0) {
            print_message("# case \"%s\": want %s, got %d\n", name, want_err->valuestring, rc);
            bad = 1;
        }
        fw_error_free(err);
        goto done;
    }
    if (rc != FW_OK) {
        print_message("# case \"%s\": rc %d: %s\n", name, rc, fw_error_message(err));
        fw_error_free(err);
        bad = 1;
        goto done;
    }
    res = cJSON_Parse(out);
    if (num(res, "result_fen") != num(exp, "result_fen")) {
        print_message("# case \"%s\": result_fen %lld, want %lld\n%s\n", name, (long long)num(res, "result_fen"),
                      (long long)num(exp, "result_fen"), out);
        bad = 1;
    }
    cJSON_ArrayForEach(a, amounts) {
        got = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(res, "amounts"), a->string);
        if (!got || (int64_t)got->valuedouble != (int64_t)a->valuedouble) {
            print_message("# case \"%s\": amounts.%s %lld, want %lld\n", name, a->string,
                          got ? (long long)got->valuedouble : -1LL, (long long)a->valuedouble);
            bad = 1;
        }
    }
    cJSON_Delete(res);
done:
    fw_free(out);
    cJSON_free(req);
    fw_tax_calc_free(calc);
    return bad;
}

/* One withholding case: payments to one worker on a fresh store, in order. */
static int run_withholding(const cJSON *c, const char *name)
{
    const cJSON *exp = cJSON_GetObjectItemCaseSensitive(c, "expect");
    const cJSON *pays = cJSON_GetObjectItemCaseSensitive(c, "payments"), *p;
    const cJSON *iit = cJSON_GetObjectItemCaseSensitive(exp, "iit_fen");
    const cJSON *vat = cJSON_GetObjectItemCaseSensitive(exp, "vat_fen");
    const cJSON *sur = cJSON_GetObjectItemCaseSensitive(exp, "surcharge_fen");
    const cJSON *total = cJSON_GetObjectItemCaseSensitive(exp, "iit_total_fen");
    struct fw__tax_result r;
    fw_ctx *ctx = test_open(":memory:");
    fw_error *err = NULL;
    int64_t sum = 0;
    char ref[32];
    int i = 0, bad = 0;

    test_actor(ctx, FW_ROLE_ADMIN, 0);
    set_policies(NULL, ctx, c);
    cJSON_ArrayForEach(p, pays) {
        snprintf(ref, sizeof(ref), "pay-%d", i);
        if (fw__tax_withhold(ctx, 1, ref, num(p, "gross_fen"),
                             noon(cJSON_GetObjectItemCaseSensitive(p, "date")->valuestring), &r, &err) != FW_OK) {
            print_message("# case \"%s\" payment %d: %s\n", name, i, fw_error_message(err));
            fw_error_free(err);
            fw_ctx_free(ctx);
            return 1;
        }
        sum += r.iit_fen;
        if (r.iit_fen != (int64_t)cJSON_GetArrayItem(iit, i)->valuedouble) {
            print_message("# case \"%s\" payment %d: iit %lld, want %lld\n", name, i, (long long)r.iit_fen,
                          (long long)cJSON_GetArrayItem(iit, i)->valuedouble);
            bad = 1;
        }
        if (vat && r.vat_fen != (int64_t)cJSON_GetArrayItem(vat, i)->valuedouble) {
            print_message("# case \"%s\" payment %d: vat %lld\n", name, i, (long long)r.vat_fen);
            bad = 1;
        }
        if (sur && r.surcharge_fen != (int64_t)cJSON_GetArrayItem(sur, i)->valuedouble) {
            print_message("# case \"%s\" payment %d: surcharges %lld\n", name, i, (long long)r.surcharge_fen);
            bad = 1;
        }
        i++;
    }
    if (total && sum != (int64_t)total->valuedouble) {
        print_message("# case \"%s\": year total %lld, want %lld\n", name, (long long)sum,
                      (long long)total->valuedouble);
        bad = 1;
    }
    fw_ctx_free(ctx);
    return bad;
}

/* .a .h: every golden vector gives its exact fen. */
static void golden_vectors_pass(void **state)
{
    size_t len = 0;
    char *text = test_read_vector("tax_cases.json", &len);
    cJSON *root = cJSON_ParseWithLength(text, len), *c;
    int failures = 0, n = 0, calcs = 0;

    (void)state;
    assert_non_null(root);
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(root, "format")->valuestring, "flexwork-tax-cases");
    cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(root, "cases")) {
        const char *type = cJSON_GetObjectItemCaseSensitive(c, "type")->valuestring;
        const char *name = cJSON_GetObjectItemCaseSensitive(c, "name")->valuestring;
        if (strcmp(type, "calc") == 0) {
            failures += run_calc(c, name);
            calcs++;
        } else {
            assert_string_equal(type, "withholding");
            failures += run_withholding(c, name);
        }
        n++;
    }
    print_message("# %d tax vectors (%d calc, %d withholding)\n", n, calcs, n - calcs);
    assert_true(n >= 80);
    assert_int_equal(failures, 0);
    cJSON_Delete(root);
    free(text);
}

TEST_MAIN(cmocka_unit_test(golden_vectors_pass))
