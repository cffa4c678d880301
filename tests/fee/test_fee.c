/* Fee engine: golden vectors, breakdowns, schedule versions, refusals. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "support.h"
#include "core/clock.h"
#include "core/db.h"

static int code_of(const char *name)
{
    if (strcmp(name, "FW_ELIMIT") == 0)
        return FW_ELIMIT;
    if (strcmp(name, "FW_EINVAL") == 0)
        return FW_EINVAL;
    if (strcmp(name, "FW_EOVERFLOW") == 0)
        return FW_EOVERFLOW;
    fail_msg("unknown error name %s", name);
    return 0;
}

static int64_t num(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    assert_non_null(v);
    return (int64_t)v->valuedouble;
}

/* every golden case, in every mode, to the fen. */
static void golden_vectors(void **state)
{
    size_t len = 0;
    char *text = test_read_vector("fee_cases.json", &len);
    cJSON *root = cJSON_ParseWithLength(text, len), *c;
    int n = 0;
    (void)state;

    assert_non_null(root);
    cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(root, "cases")) {
        const char *name = cJSON_GetObjectItemCaseSensitive(c, "name")->valuestring;
        char *sched = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(c, "schedule"));
        const cJSON *want_err = cJSON_GetObjectItemCaseSensitive(c, "error");
        fw_fee_calc *calc = NULL;
        fw_error *err = NULL;
        int64_t fee = -7, pays = -7, gets = -7;
        int rc;

        rc = fw_fee_calc_from_json(&calc, sched, strlen(sched), &err);
        if (rc != FW_OK)
            fail_msg("%s: %s", name, fw_error_message(err));
        rc = fw_fee_calc_compute(calc, num(c, "amount_fen"), num(c, "volume_fen"), &fee, &pays,
                                 &gets, &err);
        if (want_err) {
            if (rc != code_of(want_err->valuestring))
                fail_msg("%s: got %d, want %s", name, rc, want_err->valuestring);
            assert_int_equal(fee, -7);                 /* outputs untouched */
            fw_error_free(err);
        } else {
            if (rc != FW_OK)
                fail_msg("%s: %s", name, fw_error_message(err));
            if (fee != num(c, "fee_fen") || pays != num(c, "enterprise_pays_fen") ||
                gets != num(c, "worker_receives_fen"))
                fail_msg("%s: fee %lld pays %lld receives %lld", name, (long long)fee,
                         (long long)pays, (long long)gets);
        }
        fw_fee_calc_free(calc);
        cJSON_free(sched);
        n++;
    }
    assert_true(n >= 15);
    cJSON_Delete(root);
    free(text);
}

/* The breakdown explains the tier bands, the exact value, the one rounding and the clamp. */
static void breakdown_explains_each_part(void **state)
{
    static const char sched[] =
        "{\"tiers\":[{\"from_volume_fen\":0,\"rate_ppm\":30000},{\"from_volume_fen\":10,"
        "\"rate_ppm\":20000}],\"tier_mode\":\"marginal\",\"min_fen\":0,\"charge\":\"after\"}";
    fw_fee_calc *calc = NULL;
    fw_error *err = NULL;
    char *json = NULL;
    (void)state;

    assert_rc(fw_fee_calc_from_json(&calc, sched, strlen(sched), &err), FW_OK, &err);
    assert_int_equal(fw_fee_calc_charge(calc), FW_FEE_CHARGE_AFTER);
    assert_int_equal(fw_fee_calc_bearer(calc), FW_FEE_ON_TOP);
    assert_rc(fw_fee_calc_breakdown(calc, 25, 0, &json, NULL, &err), FW_OK, &err);
    assert_string_equal(json,
        "{\"amount_fen\":25,\"volume_before_fen\":0,\"tier_mode\":\"marginal\",\"base\":\"gross\","
        "\"bearer\":\"on_top\",\"charge\":\"after\",\"parts\":[{\"tier\":0,\"from_volume_fen\":0,"
        "\"portion_fen\":10,\"rate_ppm\":30000},{\"tier\":1,\"from_volume_fen\":10,\"portion_fen\":15,"
        "\"rate_ppm\":20000}],\"rate_part_exact_fen\":\"0.600000\",\"fixed_fen\":0,"
        "\"unrounded_fen\":\"0.600000\",\"rounded_fen\":1,\"clamp\":null,\"fee_fen\":1,"
        "\"enterprise_pays_fen\":26,\"worker_receives_fen\":25,\"schedule_id\":null,\"version\":null}");
    fw_free(json);
    fw_fee_calc_free(calc);
}

static void int64_edges_overflow(void **state)
{
    static const char sched[] = "{\"rate_ppm\":1000000}";
    fw_fee_calc *calc = NULL;
    fw_error *err = NULL;
    int64_t fee = -7;
    (void)state;

    assert_rc(fw_fee_calc_from_json(&calc, sched, strlen(sched), &err), FW_OK, &err);
    assert_int_equal(fw_fee_calc_compute(calc, INT64_MAX, 0, &fee, NULL, NULL, &err), FW_EOVERFLOW);
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw_fee_calc_compute(calc, 10, INT64_MAX - 5, &fee, NULL, NULL, &err), FW_EOVERFLOW);
    assert_string_equal(fw_error_path(err), "volume_fen");
    fw_error_free(err);
    assert_int_equal(fee, -7);
    fw_fee_calc_free(calc);
}

static void bad_schedules_name_the_field(void **state)
{
    static const struct { const char *json, *path; } cases[] = {
        { "{}", "$.rate_ppm" },
        { "{\"rate_ppm\":1000001}", "$.rate_ppm" },
        { "{\"rate_ppm\":1,\"tiers\":[{\"from_volume_fen\":0,\"rate_ppm\":1}]}", "$.rate_ppm" },
        { "{\"tiers\":[{\"from_volume_fen\":5,\"rate_ppm\":1}]}", "$.tiers[0]" },
        { "{\"tiers\":[{\"from_volume_fen\":0,\"rate_ppm\":1},{\"from_volume_fen\":0,\"rate_ppm\":2}]}", "$.tiers[1]" },
        { "{\"rate_ppm\":1,\"min_fen\":10,\"max_fen\":5}", "$.max_fen" },
        { "{\"rate_ppm\":1,\"bearer\":\"worker\"}", "$.bearer" },
        { "{\"rate_ppm\":1,\"charge\":\"later\"}", "$.charge" },
        { "{\"rate_ppm\":1,\"colour\":\"red\"}", "$.colour" },
        { "{\"tiers\":[{\"from_volume_fen\":0,\"rate_ppm\":1},{\"from_volume_fen\":9,\"rate_ppm\":2}],"
          "\"tier_mode\":\"marginal\",\"base\":\"net\"}", "$.base" },
        { "{\"rate_ppm\":1,\"valid_from\":\"2026-02-01\",\"valid_to\":\"2026-01-31\"}", "$.valid_to" },
    };
    size_t i;
    (void)state;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        fw_fee_calc *calc = NULL;
        fw_error *err = NULL;
        int rc = fw_fee_calc_from_json(&calc, cases[i].json, strlen(cases[i].json), &err);
        if (rc != FW_EINVAL || strcmp(fw_error_path(err), cases[i].path) != 0)
            fail_msg("case %zu: rc %d path %s (%s)", i, rc, fw_error_path(err), fw_error_message(err));
        assert_null(calc);
        fw_error_free(err);
    }
}

/* Versions by effective date: the highest version whose range holds the date is in force. */
static void schedule_versions_by_date(void **state)
{
    fw_ctx *ctx = *state;
    fw_fee_calc *calc = NULL;
    fw_error *err = NULL;
    fw_id id1 = 0, id2 = 0;
    int64_t fee = 0, jan = 0, mar = 0, jun = 0;
    char *json = NULL;
    static const char v1[] = "{\"enterprise_id\":5,\"valid_from\":\"2026-01-01\",\"rate_ppm\":60000}";
    static const char v2[] = "{\"enterprise_id\":5,\"valid_from\":\"2026-03-01\",\"valid_to\":\"2026-05-31\","
                             "\"rate_ppm\":50000,\"charge\":\"before\"}";

    assert_int_equal(fw__cst_from_date(2026, 1, 15, &jan), FW_OK);
    assert_int_equal(fw__cst_from_date(2026, 3, 1, &mar), FW_OK);
    assert_int_equal(fw__cst_from_date(2026, 6, 1, &jun), FW_OK);
    assert_rc(fw_fee_schedule_set(ctx, &id1, v1, strlen(v1), &err), FW_OK, &err);
    assert_rc(fw_fee_schedule_set(ctx, &id2, v2, strlen(v2), &err), FW_OK, &err);

    assert_rc(fw_fee_calc_new(&calc, ctx, 5, jan, &err), FW_OK, &err);
    assert_rc(fw_fee_calc_compute(calc, 10000, 0, &fee, NULL, NULL, &err), FW_OK, &err);
    assert_int_equal(fee, 600);
    assert_int_equal(fw_fee_calc_schedule_id(calc), id1);
    fw_fee_calc_free(calc);

    assert_rc(fw_fee_calc_new(&calc, ctx, 5, mar, &err), FW_OK, &err);
    assert_rc(fw_fee_calc_compute(calc, 10000, 0, &fee, NULL, NULL, &err), FW_OK, &err);
    assert_int_equal(fee, 500);
    assert_int_equal(fw_fee_calc_charge(calc), FW_FEE_CHARGE_BEFORE);
    fw_fee_calc_free(calc);

    assert_rc(fw_fee_calc_new(&calc, ctx, 5, jun, &err), FW_OK, &err);   /* v2 has ended */
    assert_int_equal(fw_fee_calc_schedule_id(calc), id1);
    fw_fee_calc_free(calc);

    assert_rc(fw_fee_schedule_get(ctx, 5, mar, &json, NULL, &err), FW_OK, &err);
    assert_non_null(strstr(json, "\"rate_ppm\":50000"));
    assert_non_null(strstr(json, "\"version\":2"));
    fw_free(json);

    calc = NULL;
    assert_int_equal(fw_fee_calc_new(&calc, ctx, 6, mar, &err), FW_ENOTFOUND);
    assert_null(calc);
    fw_error_free(err);
    err = NULL;

    /* Schedules are append-only history; finance may set them, an enterprise user may not. */
    assert_int_equal(fw__db_exec(ctx, NULL, "UPDATE fw_fee_schedule SET schedule='{}'", ""), FW_EPERM);
    assert_int_equal(fw__db_exec(ctx, NULL, "DELETE FROM fw_fee_schedule", ""), FW_EPERM);
    test_actor(ctx, FW_ROLE_ENTERPRISE_USER, 5);
    assert_int_equal(fw_fee_schedule_set(ctx, &id1, v1, strlen(v1), &err), FW_EPERM);
    fw_error_free(err);
    err = NULL;
    assert_rc(fw_fee_calc_new(&calc, ctx, 5, mar, &err), FW_OK, &err);
    fw_fee_calc_free(calc);
    assert_int_equal(fw_fee_calc_new(&calc, ctx, 6, mar, &err), FW_EPERM);
    fw_error_free(err);
}

TEST_MAIN(
    cmocka_unit_test(golden_vectors),
    cmocka_unit_test(breakdown_explains_each_part),
    cmocka_unit_test(int64_edges_overflow),
    cmocka_unit_test(bad_schedules_name_the_field),
    cmocka_unit_test_setup_teardown(schedule_versions_by_date, test_setup_admin, test_teardown_ctx))
