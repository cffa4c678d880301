/* After the flow: inspection rules, host rules, sampling and cases (R-7.10.f, R-7.10.g). */
#include "risk_fixtures.h"

#define MAR 1772294400000LL          /* 2026-03-01 00:00 CST */
#define DAY FW__MS_PER_DAY
#define PERIOD "{\"from\":\"2026-03-01\",\"to\":\"2026-04-01\"}"

static void inspect(fw_ctx *ctx, const fw_risk_host_rule *rules, size_t n)
{
    fw_error *err = NULL;
    char *out = NULL;
    assert_rc(fw_risk_inspect(ctx, PERIOD, strlen(PERIOD), rules, n, &out, NULL, &err), FW_OK, &err);
    fw_free(out);
}

static int64_t cases(fw_ctx *ctx, const char *rule, fw_id worker)
{
    int64_t n = -1;
    assert_int_equal(fw__db_i64(ctx, &n, NULL, "SELECT count(*) FROM fw_risk_case WHERE rule = ? AND worker_id = ?",
                                "ti", rule, worker), FW_OK);
    return n;
}

static void sig(fw_ctx *ctx, const char *json)
{
    fw_error *err = NULL;
    assert_rc(fw_risk_signal_record(ctx, json, strlen(json), NULL, &err), FW_OK, &err);
}

/* .f: a worker paid by many enterprises. */
static void rule_many_enterprises(void **state)
{
    fw_ctx *ctx = *state;
    record_payout(ctx, 101, 1, 10000, MAR + DAY);
    record_payout(ctx, 101, 2, 10001, MAR + DAY);
    record_payout(ctx, 102, 1, 10002, MAR + DAY);
    record_payout(ctx, 102, 2, 10003, MAR + 2 * DAY);
    record_payout(ctx, 102, 3, 10004, MAR + 3 * DAY);
    record_payout(ctx, 103, 4, 10005, MAR - DAY);            /* outside the period */
    record_payout(ctx, 103, 5, 10006, MAR - DAY);
    record_payout(ctx, 103, 6, 10007, MAR + DAY);
    inspect(ctx, NULL, 0);
    assert_int_equal(cases(ctx, "MANY_ENTERPRISES", 101), 0);
    assert_int_equal(cases(ctx, "MANY_ENTERPRISES", 102), 1);
    assert_int_equal(cases(ctx, "MANY_ENTERPRISES", 103), 0);
    assert_int_equal(count_rows(ctx, "SELECT amount_fen FROM fw_risk_case WHERE rule = 'MANY_ENTERPRISES'"), 30009);
}

/* .f: repeated payments just under the per-payment limit (5,000,000 fen in the profile). */
static void rule_structuring(void **state)
{
    fw_ctx *ctx = *state;
    record_payout(ctx, 111, 1, 4600001, MAR + DAY);
    record_payout(ctx, 111, 1, 4600002, MAR + DAY);
    record_payout(ctx, 111, 1, 4000003, MAR + DAY);
    record_payout(ctx, 112, 1, 4900001, MAR + DAY);
    record_payout(ctx, 112, 1, 4800002, MAR + 2 * DAY);
    record_payout(ctx, 112, 1, 4950003, MAR + 3 * DAY);
    inspect(ctx, NULL, 0);
    assert_int_equal(cases(ctx, "STRUCTURING", 111), 0);
    assert_int_equal(cases(ctx, "STRUCTURING", 112), 1);
}

/* .f: same-amount or all-round series to one worker (disguised payroll). */
static void rule_same_amount_series(void **state)
{
    fw_ctx *ctx = *state;
    record_payout(ctx, 121, 1, 123456, MAR + DAY);
    record_payout(ctx, 121, 1, 234567, MAR + 2 * DAY);
    record_payout(ctx, 121, 1, 345678, MAR + 3 * DAY);
    record_payout(ctx, 122, 1, 123456, MAR + DAY);
    record_payout(ctx, 122, 1, 123456, MAR + 8 * DAY);
    record_payout(ctx, 122, 1, 123456, MAR + 15 * DAY);
    record_payout(ctx, 123, 1, 100000, MAR + DAY);
    record_payout(ctx, 123, 1, 200000, MAR + 2 * DAY);
    record_payout(ctx, 123, 1, 500000, MAR + 3 * DAY);
    inspect(ctx, NULL, 0);
    assert_int_equal(cases(ctx, "SAME_AMOUNT_SERIES", 121), 0);
    assert_int_equal(cases(ctx, "SAME_AMOUNT_SERIES", 122), 1);
    assert_int_equal(cases(ctx, "SAME_AMOUNT_SERIES", 123), 1);
}

/* .f: money returned from workers to the enterprise's people. */
static void rule_funds_back(void **state)
{
    fw_ctx *ctx = *state;
    record_payout(ctx, 131, 2, 1000001, MAR + DAY);
    record_payout(ctx, 132, 2, 1000003, MAR + DAY);
    sig(ctx, "{\"kind\":\"fund_return\",\"enterprise_id\":2,\"worker_id\":131,\"amount_fen\":100000,\"at\":1772467200000}");
    sig(ctx, "{\"kind\":\"fund_return\",\"enterprise_id\":2,\"worker_id\":132,\"amount_fen\":500000,\"at\":1772467200000}");
    inspect(ctx, NULL, 0);
    assert_int_equal(cases(ctx, "FUNDS_BACK", 131), 0);
    assert_int_equal(cases(ctx, "FUNDS_BACK", 132), 1);
}

/* .f: tasks completed implausibly fast. */
static void rule_fast_completion(void **state)
{
    fw_ctx *ctx = *state;
    sig(ctx, "{\"kind\":\"task_completed\",\"enterprise_id\":1,\"worker_id\":141,\"value\":3600000,\"at\":1772467200000}");
    sig(ctx, "{\"kind\":\"task_completed\",\"enterprise_id\":1,\"worker_id\":142,\"value\":20000,\"at\":1772467200000}");
    inspect(ctx, NULL, 0);
    assert_int_equal(cases(ctx, "FAST_COMPLETION", 141), 0);
    assert_int_equal(cases(ctx, "FAST_COMPLETION", 142), 1);
}

/* .f: a dormant account suddenly active. */
static void rule_dormant_active(void **state)
{
    fw_ctx *ctx = *state;
    record_payout(ctx, 151, 1, 100, MAR - 30 * DAY);
    record_payout(ctx, 151, 1, 2000001, MAR + DAY);
    record_payout(ctx, 152, 1, 100, MAR - 200 * DAY);
    record_payout(ctx, 152, 1, 2000003, MAR + DAY);
    inspect(ctx, NULL, 0);
    assert_int_equal(cases(ctx, "DORMANT_ACTIVE", 151), 0);
    assert_int_equal(cases(ctx, "DORMANT_ACTIVE", 152), 1);
}

/* .f: a minor on a restricted category. */
static void rule_minor_restricted(void **state)
{
    fw_ctx *ctx = *state;
    fw_id adult = register_worker(ctx, WORKER_JSON("成年", ID_1990, "6222020200112233445", "self"));
    fw_id minor = register_worker(ctx, WORKER_JSON("未成年", ID_AGE17, "6222020200112233446", "self"));
    char j[200];

    snprintf(j, sizeof(j), "{\"kind\":\"task_taken\",\"enterprise_id\":1,\"worker_id\":%lld,\"category\":"
             "\"construction\",\"at\":1772467200000}", (long long)adult);
    sig(ctx, j);
    snprintf(j, sizeof(j), "{\"kind\":\"task_taken\",\"enterprise_id\":1,\"worker_id\":%lld,\"category\":"
             "\"design\",\"at\":1772467200000}", (long long)minor);
    sig(ctx, j);
    inspect(ctx, NULL, 0);
    assert_int_equal(cases(ctx, "MINOR_RESTRICTED", adult), 0);
    assert_int_equal(cases(ctx, "MINOR_RESTRICTED", minor), 0);
    snprintf(j, sizeof(j), "{\"kind\":\"task_taken\",\"enterprise_id\":1,\"worker_id\":%lld,\"category\":"
             "\"construction\",\"at\":1772467200000}", (long long)minor);
    sig(ctx, j);
    inspect(ctx, NULL, 0);
    assert_int_equal(cases(ctx, "MINOR_RESTRICTED", minor), 1);
}

/* .f: a clean store produces no findings at all. */
static void clean_store_is_silent(void **state)
{
    fw_ctx *ctx = *state;
    record_payout(ctx, 161, 1, 123401, MAR + DAY);
    record_payout(ctx, 162, 2, 223402, MAR + 2 * DAY);
    sig(ctx, "{\"kind\":\"task_completed\",\"enterprise_id\":1,\"worker_id\":161,\"value\":7200000,\"at\":1772467200000}");
    inspect(ctx, NULL, 0);
    assert_int_equal(count_rows(ctx, "SELECT count(*) FROM fw_risk_case"), 0);
    assert_int_equal(count_rows(ctx, "SELECT findings FROM fw_risk_run"), 0);
}

struct host {
    int calls;
    int fail;
};

static int host_rule(void *payload, fw_ctx *ctx, int64_t from, int64_t to, fw_risk_findings *f)
{
    struct host *h = payload;
    (void)ctx;
    h->calls++;
    if (h->fail)
        return -1;
    assert_int_equal(from, MAR);
    assert_int_equal(fw_risk_finding_add(f, 7, 0, 0, "not json"), FW_EINVAL);
    return fw_risk_finding_add(f, 7, 171, 99, "{\"why\":\"host says so\"}");
}

/* .f: rules are data (parameters, enabling) and the host adds its own. */
static void rules_are_data_and_host_rules(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    struct host h = { 0, 0 };
    fw_risk_host_rule r = { FW_RISK_HOST_RULE_VERSION, "HOST_PAYROLL", host_rule, &h };
    char *out = NULL;

    record_payout(ctx, 101, 1, 10000, MAR + DAY);
    record_payout(ctx, 101, 2, 10001, MAR + DAY);
    assert_rc(fw_risk_rule_set(ctx, "{\"code\":\"TWO_PAYERS\",\"type\":\"many_enterprises\",\"params\":"
                                    "{\"min_enterprises\":2}}", (size_t)-1, &err), FW_OK, &err);
    inspect(ctx, &r, 1);
    assert_int_equal(cases(ctx, "TWO_PAYERS", 101), 1);
    assert_int_equal(cases(ctx, "MANY_ENTERPRISES", 101), 0);
    assert_int_equal(cases(ctx, "HOST_PAYROLL", 171), 1);
    assert_rc(fw_risk_rule_set(ctx, "{\"code\":\"TWO_PAYERS\",\"type\":\"many_enterprises\",\"params\":"
                                    "{\"min_enterprises\":2},\"enabled\":false}", (size_t)-1, &err), FW_OK, &err);
    inspect(ctx, NULL, 0);
    assert_int_equal(cases(ctx, "TWO_PAYERS", 101), 1);
    assert_int_equal(fw_risk_rule_set(ctx, "{\"code\":\"X\",\"type\":\"astrology\",\"params\":{}}", (size_t)-1, &err),
                     FW_EINVAL);
    assert_string_equal(fw_error_path(err), "$.type");
    fw_error_free(err);
    err = NULL;
    /* a failing host rule records nothing */
    h.fail = 1;
    assert_int_equal(fw_risk_inspect(ctx, PERIOD, strlen(PERIOD), &r, 1, &out, NULL, &err), FW_EUSER);
    fw_error_free(err);
    assert_null(out);
    assert_int_equal(count_rows(ctx, "SELECT count(*) FROM fw_risk_run"), 2);
}

static char *sample(fw_ctx *ctx, const char *json)
{
    fw_error *err = NULL;
    char *out = NULL;
    assert_rc(fw_risk_sample(ctx, json, strlen(json), &out, NULL, &err), FW_OK, &err);
    return out;
}

/* Extracts the "drawn" member's text from an answer. */
static void drawn_of(const char *answer, char *buf, size_t size)
{
    cJSON *o = cJSON_Parse(answer);
    char *t = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(o, "drawn"));
    snprintf(buf, size, "%s", t);
    free(t);
    cJSON_Delete(o);
}

#define SEED_A "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
#define SEED_B "ff0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"

/* .g: a sample stratified by enterprise reproduces from its recorded seed. */
static void sampling_reproduces_from_seed(void **state)
{
    fw_ctx *ctx = *state;
    char a[2000], b[2000], c[2000], *out;
    int i;

    for (i = 0; i < 20; i++)
        record_payout(ctx, 200 + i, 1 + i % 3, 1000 + i, MAR + DAY);
    record_payout(ctx, 300, 4, 5000, MAR + DAY);              /* a stratum of one */
    out = sample(ctx, "{\"population\":\"payouts\",\"from\":\"2026-03-01\",\"to\":\"2026-04-01\","
                      "\"per_enterprise\":3,\"seed\":\"" SEED_A "\"}");
    drawn_of(out, a, sizeof(a));
    assert_non_null(strstr(out, "\"seed\":\"" SEED_A "\""));
    fw_free(out);
    out = sample(ctx, "{\"population\":\"payouts\",\"from\":\"2026-03-01\",\"to\":\"2026-04-01\","
                      "\"per_enterprise\":3,\"seed\":\"" SEED_A "\"}");
    drawn_of(out, b, sizeof(b));
    fw_free(out);
    assert_string_equal(a, b);
    out = sample(ctx, "{\"population\":\"payouts\",\"from\":\"2026-03-01\",\"to\":\"2026-04-01\","
                      "\"per_enterprise\":3,\"seed\":\"" SEED_B "\"}");
    drawn_of(out, c, sizeof(c));
    fw_free(out);
    assert_string_not_equal(a, c);
    /* every enterprise is a stratum: 3 + 3 + 3 + 1 drawn, each a case */
    assert_int_equal(count_rows(ctx, "SELECT count(*) FROM fw_risk_case WHERE source = 2 AND source_id = 1"), 10);
    assert_int_equal(count_rows(ctx, "SELECT count(DISTINCT enterprise_id) FROM fw_risk_case WHERE source_id = 1 "
                                     "AND source = 2"), 4);
    assert_int_equal(count_rows(ctx, "SELECT count(*) FROM fw_risk_sample WHERE seed = '" SEED_A "'"), 2);
    /* without a seed a fresh one is drawn and recorded */
    out = sample(ctx, "{\"population\":\"workers\",\"from\":\"2026-03-01\",\"to\":\"2026-04-01\",\"per_enterprise\":1}");
    assert_non_null(strstr(out, "\"seed\":\""));
    fw_free(out);
    assert_int_equal(count_rows(ctx, "SELECT count(*) FROM fw_risk_case WHERE source = 2 AND rule = 'SAMPLE_WORKER'"), 4);
}

/* .d, R-7.10.f, R-7.10.g: a case moves open -> reviewing -> resolved with notes; statistics count it. */
static void cases_flow_and_stats(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    char *out = NULL;

    record_payout(ctx, 102, 1, 10002, MAR + DAY);
    record_payout(ctx, 102, 2, 10003, MAR + DAY);
    record_payout(ctx, 102, 3, 10004, MAR + DAY);
    inspect(ctx, NULL, 0);
    assert_int_equal(fw_risk_case_update(ctx, 1, "{\"state\":\"resolved\",\"note\":\"ok\"}", (size_t)-1, &err), FW_EINVAL);
    assert_string_equal(fw_error_path(err), "$.resolution");
    fw_error_free(err);
    err = NULL;
    assert_rc(fw_risk_case_update(ctx, 1, "{\"state\":\"reviewing\",\"note\":\"调取合同\"}", (size_t)-1, &err), FW_OK, &err);
    assert_rc(fw_risk_case_update(ctx, 1, "{\"state\":\"resolved\",\"resolution\":\"suspend\",\"note\":\"暂停结算\"}",
                                  (size_t)-1, &err), FW_OK, &err);
    assert_int_equal(fw_risk_case_update(ctx, 1, "{\"state\":\"reviewing\",\"note\":\"x\"}", (size_t)-1, &err), FW_ESTATE);
    assert_string_equal(fw_error_message(err), "risk case 1 is resolved; it cannot become reviewing");
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw_risk_case_update(ctx, 9, "{\"state\":\"reviewing\",\"note\":\"x\"}", (size_t)-1, &err), FW_ENOTFOUND);
    fw_error_free(err);
    err = NULL;
    assert_rc(fw_risk_case_list(ctx, "{\"state\":\"resolved\"}", (size_t)-1, &out, NULL, &err), FW_OK, &err);
    assert_non_null(strstr(out, "\"state\":\"resolved\",\"resolution\":\"suspend\""));
    assert_non_null(strstr(out, "\"note\":\"调取合同\""));
    fw_free(out);
    assert_rc(fw_risk_stats(ctx, PERIOD, strlen(PERIOD), &out, NULL, &err), FW_OK, &err);
    assert_non_null(strstr(out, "\"cases_by_rule\":{\"MANY_ENTERPRISES\":1}"));
    assert_non_null(strstr(out, "\"cases_by_state\":{\"resolved\":1}"));
    assert_non_null(strstr(out, "\"resolutions\":{\"suspend\":1}"));
    assert_non_null(strstr(out, "\"inspection_runs\":1"));
    fw_free(out);
}

static int setup(void **state)
{
    test_clock_set(TEST_CLOCK_START);
    return test_setup_admin(state);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, test_teardown_ctx)
TEST_MAIN(T(rule_many_enterprises), T(rule_structuring), T(rule_same_amount_series), T(rule_funds_back),
          T(rule_fast_completion), T(rule_dormant_active), T(rule_minor_restricted), T(clean_store_is_silent),
          T(rules_are_data_and_host_rules), T(sampling_reproduces_from_seed), T(cases_flow_and_stats))
