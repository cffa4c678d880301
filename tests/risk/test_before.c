/* Before the flow: qualification reviews, ratings, signals, lists and policy (R-7.10.a-c). */
#include "risk_fixtures.h"

static int64_t audits(fw_ctx *ctx, const char *action)
{
    int64_t n = -1;
    assert_int_equal(fw__db_i64(ctx, &n, NULL, "SELECT count(*) FROM fw_audit WHERE action = ?", "t", action), FW_OK);
    return n;
}

static char *review(fw_ctx *ctx, fw_id ent, const char *json)
{
    fw_error *err = NULL;
    char *out = NULL;
    assert_rc(fw_risk_qualification_review(ctx, ent, json, json ? strlen(json) : 0, &out, NULL, &err), FW_OK, &err);
    return out;
}

static void signal(fw_ctx *ctx, const char *json)
{
    fw_error *err = NULL;
    assert_rc(fw_risk_signal_record(ctx, json, strlen(json), NULL, &err), FW_OK, &err);
}

/* .a: the industry's checklist decides, each check says why, the result is recorded. */
static void qualification_review_per_industry(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    fw_id ent = verified_enterprise(ctx, ENT1), ent2 = verified_enterprise(ctx, ENT2);
    char *out;

    assert_rc(fw_risk_checklist_set(ctx, "{\"industry\":\"I65\",\"documents\":[\"business_licence\",\"icp_licence\"],"
                                         "\"scope_keywords\":[\"软件\"]}", (size_t)-1, &err), FW_OK, &err);
    out = review(ctx, ent, NULL);
    assert_string_equal(out, "{\"checks\":["
        "{\"check\":\"scope\",\"passed\":true,\"detail\":\"the business scope matches the industry's checklist\"},"
        "{\"check\":\"licence\",\"passed\":true,\"detail\":\"business licence on file\"},"
        "{\"check\":\"uscc_verified\",\"passed\":true,\"detail\":\"the USCC was verified at onboarding\"},"
        "{\"check\":\"agreement_signed\",\"passed\":false,\"detail\":\"no cooperation agreement signed\"},"
        "{\"check\":\"document\",\"passed\":true,\"detail\":\"business_licence: on file\"},"
        "{\"check\":\"document\",\"passed\":false,\"detail\":\"icp_licence: not on file\"}],"
        "\"id\":1,\"enterprise_id\":1,\"passed\":false}");
    fw_free(out);

    assert_rc(fw_risk_checklist_set(ctx, "{\"industry\":\"I65\",\"documents\":[\"business_licence\"],"
                                         "\"scope_keywords\":[\"建筑\"]}", (size_t)-1, &err), FW_OK, &err);
    assert_int_equal(fw__tx_begin(ctx, NULL), FW_OK);
    assert_int_equal(fw__tx_end(ctx, fw__party_enterprise_agreement(ctx, ent, 1, NULL), NULL), FW_OK);
    out = review(ctx, ent, NULL);
    assert_non_null(strstr(out, "the business scope names none of the industry's keywords"));
    assert_non_null(strstr(out, "\"passed\":false}"));
    fw_free(out);
    assert_rc(fw_risk_checklist_set(ctx, "{\"industry\":\"I65\",\"documents\":[\"business_licence\"]}", (size_t)-1,
                                    &err), FW_OK, &err);
    out = review(ctx, ent, "{\"document_expiry\":{\"business_licence\":\"2026-03-15\"}}");
    assert_non_null(strstr(out, "business_licence: expired on 2026-03-15"));
    assert_non_null(strstr(out, "\"passed\":false}"));
    fw_free(out);
    out = review(ctx, ent, "{\"document_expiry\":{\"business_licence\":\"2036-03-15\"}}");
    assert_non_null(strstr(out, "business_licence: valid until 2036-03-15"));
    assert_non_null(strstr(out, "\"passed\":true}"));
    fw_free(out);

    /* the agreement may also come as a recorded signal (from the contract module or the host) */
    signal(ctx, "{\"kind\":\"agreement_signed\",\"enterprise_id\":2,\"ref\":\"HT-2026-001\"}");
    out = review(ctx, ent2, NULL);
    assert_non_null(strstr(out, "agreement signature recorded as a signal"));
    fw_free(out);
    assert_int_equal(count_rows(ctx, "SELECT count(*) FROM fw_risk_qualification"), 5);
    assert_int_equal(audits(ctx, "risk.qualification.review"), 5);
    assert_int_equal(fw_risk_qualification_review(ctx, 99, NULL, 0, &out, NULL, &err), FW_ENOTFOUND);
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw_risk_qualification_review(ctx, ent, "{\"expiry\":{}}", (size_t)-1, &out, NULL, &err), FW_EINVAL);
    assert_string_equal(fw_error_path(err), "$.expiry");
    fw_error_free(err);
    assert_int_equal(count_rows(ctx, "SELECT count(*) FROM fw_risk_qualification"), 5);   /* unchanged */
}

/* .b: the rating is explainable, falls with bad signals, changes are audited, D flags payouts. */
static void rating_from_factors(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    fw_id ent = active_enterprise(ctx, ENT1), w = active_worker(ctx, 20, ent);
    fw_risk_parties p = FW_RISK_PARTIES_INIT;
    fw_risk_decision *d = NULL;
    char *out = NULL;

    assert_rc(fw_risk_rating_compute(ctx, ent, &out, NULL, &err), FW_OK, &err);
    assert_non_null(strstr(out, "\"grade\":\"B\",\"score\":75"));
    fw_free(out);
    assert_rc(fw_risk_rating_compute(ctx, ent, &out, NULL, &err), FW_OK, &err);
    fw_free(out);
    assert_int_equal(audits(ctx, "risk.rating.change"), 1);     /* unchanged: no second record */

    signal(ctx, "{\"kind\":\"funding_late\",\"enterprise_id\":1}");
    signal(ctx, "{\"kind\":\"funding_late\",\"enterprise_id\":1}");
    signal(ctx, "{\"kind\":\"complaint\",\"enterprise_id\":1,\"worker_id\":1}");
    signal(ctx, "{\"kind\":\"dispute\",\"enterprise_id\":1}");
    signal(ctx, "{\"kind\":\"dispute\",\"enterprise_id\":1}");
    signal(ctx, "{\"kind\":\"task_flag\",\"enterprise_id\":1,\"ref\":\"task 9\"}");
    assert_rc(fw_risk_rating_compute(ctx, ent, &out, NULL, &err), FW_OK, &err);
    /* 15 + 0 + (20 - 10) + (20 - 12) + 10 + (10 - 5) = 48 */
    assert_non_null(strstr(out, "\"grade\":\"D\",\"score\":48"));
    assert_non_null(strstr(out, "{\"factor\":\"funding_behaviour\",\"points\":10,\"max\":20,\"inputs\":"
                                "{\"late_fundings_12m\":2}}"));
    fw_free(out);
    assert_int_equal(audits(ctx, "risk.rating.change"), 2);

    p.enterprise_id = ent;
    p.worker_id = w;
    assert_rc(fw_risk_check(ctx, FW_RISK_ACTION_PAYOUT, &p, 100, &d, &err), FW_OK, &err);
    assert_int_equal(fw_risk_decision_outcome(d), FW_RISK_REVIEW);
    assert_true(has_reason(d, "RATING_D", FW_RISK_FLAG));
    fw_risk_decision_free(d);
    /* rating D selects the D limits of the shipped profile: 5,000 yuan per payment */
    assert_rc(fw_risk_check(ctx, FW_RISK_ACTION_PAYOUT, &p, 500001, &d, &err), FW_OK, &err);
    assert_true(has_reason(d, "LIMIT_PER_PAYMENT", FW_RISK_BLOCK));
    fw_risk_decision_free(d);

    /* a year on, the signals age out and the enterprise has a year on the platform */
    test_clock_set(TEST_CLOCK_START + 366 * FW__MS_PER_DAY);
    assert_rc(fw_risk_rating_compute(ctx, ent, &out, NULL, &err), FW_OK, &err);
    assert_non_null(strstr(out, "\"grade\":\"A\",\"score\":95"));
    fw_free(out);
    test_clock_set(TEST_CLOCK_START);
}

/* .b: the schedule rates what is missing or older than the interval. */
static void rating_schedule(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    int64_t n = -1;

    active_enterprise(ctx, ENT1);
    verified_enterprise(ctx, ENT2);
    assert_rc(fw_risk_rating_schedule(ctx, &n, &err), FW_OK, &err);
    assert_int_equal(n, 2);
    assert_rc(fw_risk_rating_schedule(ctx, &n, &err), FW_OK, &err);
    assert_int_equal(n, 0);
    assert_rc(fw_risk_config_set(ctx, "{\"rating_interval_ms\":3600000}", (size_t)-1, &err), FW_OK, &err);
    test_clock_advance(3600000);
    assert_rc(fw_risk_rating_schedule(ctx, &n, &err), FW_OK, &err);
    assert_int_equal(n, 2);
    assert_int_equal(fw_risk_config_set(ctx, "{\"rating_interval_ms\":5}", (size_t)-1, &err), FW_EINVAL);
    assert_string_equal(fw_error_path(err), "$.rating_interval_ms");
    fw_error_free(err);
    test_clock_set(TEST_CLOCK_START);
}

/* .c: list entries are validated, unique per list, and never hold the value in clear. */
static void list_entries_validated(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    char *out = NULL;
    fw_id id = 0;

    assert_int_equal(fw_risk_list_add(ctx, "{\"list\":\"black\",\"kind\":\"person\",\"value\":\"110105199003071230\","
                                           "\"reason\":\"r\",\"source\":\"s\"}", (size_t)-1, &id, &err), FW_EINVAL);
    assert_string_equal(fw_error_path(err), "$.value");
    fw_error_free(err);
    err = NULL;
    add_list(ctx, "{\"list\":\"black\",\"kind\":\"person\",\"value\":\"" ID_1990 "\",\"reason\":\"r\",\"source\":\"s\"}",
             &id);
    assert_int_equal(fw_risk_list_add(ctx, "{\"list\":\"black\",\"kind\":\"person\",\"value\":\"" ID_1990 "\","
                                           "\"reason\":\"r2\",\"source\":\"s2\"}", (size_t)-1, NULL, &err), FW_EEXISTS);
    assert_string_equal(fw_error_message(err), "$.value: already on the black list as entry 1");
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw_risk_list_add(ctx, "{\"list\":\"white\",\"kind\":\"person\",\"value\":\"" ID_1990 "\","
                                           "\"reason\":\"r\",\"source\":\"s\",\"waives\":[\"NO_SUCH\"]}", (size_t)-1,
                                      NULL, &err), FW_EINVAL);
    assert_string_equal(fw_error_path(err), "$.waives[0]");
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw_risk_list_add(ctx, "{\"list\":\"black\",\"kind\":\"phone\",\"value\":\"23800000000\","
                                           "\"reason\":\"r\",\"source\":\"s\"}", (size_t)-1, NULL, &err), FW_EINVAL);
    assert_string_equal(fw_error_path(err), "$.value");
    fw_error_free(err);
    err = NULL;
    assert_int_equal(count_rows(ctx, "SELECT count(*) FROM fw_risk_list"), 1);
    assert_rc(fw_risk_list_query(ctx, &out, NULL, &err), FW_OK, &err);
    assert_non_null(strstr(out, "\"masked\":\"110***********1239\""));
    fw_free(out);
    assert_audit_lacks(ctx, ID_1990);
    test_actor(ctx, FW_ROLE_WORKER, 1);
    assert_int_equal(fw_risk_list_add(ctx, "{\"list\":\"black\",\"kind\":\"phone\",\"value\":\"13800000000\","
                                           "\"reason\":\"r\",\"source\":\"s\"}", (size_t)-1, NULL, &err), FW_EPERM);
    fw_error_free(err);
}

/* Signals are validated and name the bad field. */
static void signals_validated(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    fw_id id = 0;

    assert_int_equal(fw_risk_signal_record(ctx, "{\"kind\":\"rumour\",\"enterprise_id\":1}", (size_t)-1, &id, &err),
                     FW_EINVAL);
    assert_string_equal(fw_error_path(err), "$.kind");
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw_risk_signal_record(ctx, "{\"kind\":\"dispute\"}", (size_t)-1, &id, &err), FW_EINVAL);
    assert_string_equal(fw_error_path(err), "$");
    fw_error_free(err);
    err = NULL;
    assert_rc(fw_risk_signal_record(ctx, "{\"kind\":\"task_completed\",\"enterprise_id\":1,\"worker_id\":2,"
                                         "\"value\":30000,\"category\":\"delivery\"}", (size_t)-1, &id, &err), FW_OK, &err);
    assert_int_equal(id, 1);
}

static int setup(void **state)
{
    test_clock_set(TEST_CLOCK_START);
    return test_setup_admin(state);
}

TEST_MAIN(
    cmocka_unit_test_setup_teardown(qualification_review_per_industry, setup, test_teardown_ctx),
    cmocka_unit_test_setup_teardown(rating_from_factors, setup, test_teardown_ctx),
    cmocka_unit_test_setup_teardown(rating_schedule, setup, test_teardown_ctx),
    cmocka_unit_test_setup_teardown(list_entries_validated, setup, test_teardown_ctx),
    cmocka_unit_test_setup_teardown(signals_validated, setup, test_teardown_ctx),
)
