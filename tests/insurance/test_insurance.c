/* Insurance and protection (R-3.3.i, R-5.8, R-7.12): products, recommendation, enrolment, premiums,
 * certificates, social-insurance contribution service. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "core/clock.h"
#include "core/db.h"
#include "insurance/insurance.h"

#define OIP "{\"code\":\"OIP-DELIVERY\",\"name\":\"职业伤害保障 即时配送\",\"type\":\"occupational_injury\"," \
            "\"insurer\":\"work-injury insurance fund\",\"coverage\":\"injury while performing platform orders\"," \
            "\"coverage_fen\":0,\"premium_rule\":\"per_order\",\"payer\":\"platform\",\"categories\":[\"instant_delivery\"]}"

static int64_t cst(int y, int m, int d)
{
    int64_t ms = 0;
    assert_int_equal(fw__cst_from_date(y, m, d, &ms), FW_OK);
    return ms;
}

static int64_t count(fw_ctx *ctx, const char *sql)
{
    int64_t n = -1;
    assert_int_equal(fw__db_i64(ctx, &n, NULL, sql, ""), FW_OK);
    return n;
}

static fw_id product(fw_ctx *ctx, const char *json)
{
    fw_error *err = NULL;
    fw_id id = 0;
    assert_rc(fw_insurance_product_create(ctx, json, strlen(json), &id, &err), FW_OK, &err);
    return id;
}

static fw_id enrol(fw_ctx *ctx, const char *json)
{
    fw_error *err = NULL;
    fw_id id = 0;
    assert_rc(fw_insurance_enrol(ctx, json, strlen(json), &id, &err), FW_OK, &err);
    return id;
}

/* rc is evaluated before the body runs, so *errp holds the call's error here. */
static void expect(int rc, int want, fw_error **errp, const char *message)
{
    assert_int_equal(rc, want);
    assert_string_equal(fw_error_message(*errp), message);
    fw_error_free(*errp);
    *errp = NULL;
}

/* .i, cn-rules.md §4: occupational injury protection is per order, paid by the platform, in its sectors. */
static void occupational_injury_product_rules(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    fw_id id = 0;
    char *json = NULL;
    const char *bad = "{\"code\":\"X\",\"name\":\"x\",\"type\":\"occupational_injury\",\"insurer\":\"f\",\"coverage\":\"c\","
                      "\"coverage_fen\":0,\"premium_rule\":\"per_day\",\"payer\":\"platform\",\"categories\":[\"ride_hailing\"]}";

    expect(fw_insurance_product_create(ctx, bad, strlen(bad), &id, &err), FW_EINVAL, &err,
           "$.premium_rule: occupational injury protection is charged per order (cn-rules.md §4), got \"per_day\"");
    bad = "{\"code\":\"X\",\"name\":\"x\",\"type\":\"occupational_injury\",\"insurer\":\"f\",\"coverage\":\"c\","
          "\"coverage_fen\":0,\"premium_rule\":\"per_order\",\"payer\":\"worker\",\"categories\":[\"ride_hailing\"]}";
    expect(fw_insurance_product_create(ctx, bad, strlen(bad), &id, &err), FW_EINVAL, &err,
           "$.payer: occupational injury protection is paid in full by the platform (cn-rules.md §4), got \"worker\"");
    bad = "{\"code\":\"X\",\"name\":\"x\",\"type\":\"occupational_injury\",\"insurer\":\"f\",\"coverage\":\"c\","
          "\"coverage_fen\":0,\"premium_rule\":\"per_order\",\"payer\":\"platform\",\"categories\":[\"ride_hailing\","
          "\"cleaning\"]}";
    assert_int_equal(fw_insurance_product_create(ctx, bad, strlen(bad), &id, &err), FW_EINVAL);
    assert_string_equal(fw_error_path(err), "$.categories[1]");
    fw_error_free(err);
    err = NULL;
    assert_int_equal(count(ctx, "SELECT count(*) FROM fw_insurance_product"), 0);

    /* The national base amount per order when none is given. */
    id = product(ctx, OIP);
    assert_rc(fw_insurance_product_get(ctx, id, &json, NULL, &err), FW_OK, &err);
    assert_string_equal(json, "{\"id\":1,\"code\":\"OIP-DELIVERY\",\"name\":\"职业伤害保障 即时配送\","
        "\"type\":\"occupational_injury\",\"insurer\":\"work-injury insurance fund\","
        "\"coverage\":\"injury while performing platform orders\",\"coverage_fen\":0,\"premium_rule\":\"per_order\","
        "\"premium_fen\":7,\"payer\":\"platform\",\"min_age\":16,\"max_age\":65,\"max_risk_level\":5,"
        "\"categories\":[\"instant_delivery\"],\"regions\":[],\"state\":\"active\"}");
    fw_free(json);
    assert_int_equal(fw__insurance_oip_base_fen("ride_hailing"), 1);
    assert_int_equal(fw__insurance_oip_base_fen("intra_city_freight"), 18);
    assert_rc(fw_insurance_product_create(ctx, OIP, strlen(OIP), &id, &err), FW_EEXISTS, &err);
}

static void catalogue(fw_ctx *ctx)
{
    product(ctx, OIP);                                                              /* 1 */
    product(ctx, "{\"code\":\"ACC-DAY\",\"name\":\"daily accident\",\"type\":\"accident\",\"insurer\":\"PICC\","
                 "\"coverage\":\"death, disability, medical\",\"coverage_fen\":60000000,\"premium_rule\":\"per_day\","
                 "\"premium_fen\":150,\"payer\":\"enterprise\",\"max_risk_level\":4}");   /* 2 */
    product(ctx, "{\"code\":\"ACC-MONTH\",\"name\":\"monthly accident\",\"type\":\"accident\",\"insurer\":\"Ping An\","
                 "\"coverage\":\"accident\",\"coverage_fen\":30000000,\"premium_rule\":\"per_person_month\","
                 "\"premium_fen\":2500,\"payer\":\"worker\",\"min_age\":18,\"max_age\":60,\"max_risk_level\":3}"); /* 3 */
    product(ctx, "{\"code\":\"EL-FREIGHT\",\"name\":\"employer liability\",\"type\":\"employer_liability\","
                 "\"insurer\":\"CPIC\",\"coverage\":\"liability\",\"coverage_fen\":100000000,\"premium_rule\":"
                 "\"per_order\",\"premium_fen\":20,\"payer\":\"enterprise\",\"categories\":[\"intra_city_freight\"]}"); /* 4 */
    product(ctx, "{\"code\":\"ACC-SH\",\"name\":\"Shanghai accident\",\"type\":\"accident\",\"insurer\":\"PICC\","
                 "\"coverage\":\"accident\",\"coverage_fen\":50000000,\"premium_rule\":\"per_day\",\"premium_fen\":100,"
                 "\"payer\":\"enterprise\",\"regions\":[\"310000\"]}");            /* 5 */
    product(ctx, "{\"code\":\"ACC-DAY-LITE\",\"name\":\"daily accident lite\",\"type\":\"accident\",\"insurer\":"
                 "\"Taiping\",\"coverage\":\"accident\",\"coverage_fen\":40000000,\"premium_rule\":\"per_day\","
                 "\"premium_fen\":120,\"payer\":\"enterprise\"}");                   /* 6 */
}

#define WORKER "{\"worker_id\":7,\"birth_date\":\"1990-05-01\",\"on\":\"2026-03-15\",\"region\":\"440300\"," \
               "\"hours_per_week\":50,\"work\":[{\"category\":\"instant_delivery\",\"risk_level\":4," \
               "\"orders_per_month\":300,\"days_per_month\":26}]"

/* recommendation matched to age, work categories and risk, hours, region and existing cover,
 * ranked with the reasons shown. */
static void recommendation_is_ranked_with_reasons(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    char *json = NULL;

    catalogue(ctx);
    assert_rc(fw_insurance_recommend(ctx, WORKER "}", (size_t)-1, &json, NULL, &err), FW_OK, &err);
    assert_string_equal(json, "{\"worker_id\":7,\"age\":35,\"recommended\":["
        "{\"product_id\":1,\"code\":\"OIP-DELIVERY\",\"name\":\"职业伤害保障 即时配送\",\"type\":\"occupational_injury\","
        "\"insurer\":\"work-injury insurance fund\",\"required\":true,\"score\":1140,\"monthly_premium_fen\":2100,"
        "\"reasons\":[\"occupational injury protection is required for every order in instant_delivery "
        "(人社部发〔2025〕24号); the platform pays it in full\",\"about 21.00 CNY a month (300 orders at 7 fen), paid by "
        "the platform\"]},"
        "{\"product_id\":6,\"code\":\"ACC-DAY-LITE\",\"name\":\"daily accident lite\",\"type\":\"accident\","
        "\"insurer\":\"Taiping\",\"required\":false,\"score\":160,\"monthly_premium_fen\":3120,\"reasons\":["
        "\"covers instant_delivery at risk level 4\",\"works 50 h a week, above 44 h: more exposure to accidents\","
        "\"about 31.20 CNY a month (26 days at 120 fen), paid by the enterprise\"]},"
        "{\"product_id\":2,\"code\":\"ACC-DAY\",\"name\":\"daily accident\",\"type\":\"accident\",\"insurer\":\"PICC\","
        "\"required\":false,\"score\":160,\"monthly_premium_fen\":3900,\"reasons\":[\"covers instant_delivery at risk "
        "level 4\",\"works 50 h a week, above 44 h: more exposure to accidents\",\"about 39.00 CNY a month (26 days at "
        "150 fen), paid by the enterprise\"]}],"
        "\"excluded\":[{\"product_id\":3,\"code\":\"ACC-MONTH\",\"reasons\":[\"instant_delivery is risk level 4, above "
        "the product's limit 3\"]},"
        "{\"product_id\":4,\"code\":\"EL-FREIGHT\",\"reasons\":[\"covers intra_city_freight only; the worker takes none "
        "of that work\"]},"
        "{\"product_id\":5,\"code\":\"ACC-SH\",\"reasons\":[\"offered only in 310000; the worker's region is 440300\"]}]}");
    fw_free(json);

    /* Existing accident cover moves accident products behind; mandatory protection stays first. */
    assert_rc(fw_insurance_recommend(ctx, WORKER ",\"existing_cover\":[\"accident\"]}", (size_t)-1, &json, NULL, &err),
              FW_OK, &err);
    assert_non_null(strstr(json, "\"recommended\":[{\"product_id\":1,"));
    assert_non_null(strstr(json, "\"score\":-340,\"monthly_premium_fen\":3120"));
    assert_non_null(strstr(json, "\"the worker already has accident cover\""));
    fw_free(json);

    /* Under 16: no one may engage the worker. */
    assert_int_equal(fw_insurance_recommend(ctx, "{\"worker_id\":7,\"birth_date\":\"2011-01-01\",\"on\":\"2026-03-15\","
                                                 "\"work\":[{\"category\":\"instant_delivery\",\"risk_level\":1}]}",
                                            (size_t)-1, &json, NULL, &err), FW_EDENIED);
    assert_string_equal(fw_error_message(err), "$.birth_date: the worker is 15: no one under 16 may be engaged "
                                               "(《禁止使用童工规定》 art. 2), so no cover is recommended");
    fw_error_free(err);
    err = NULL;
    assert_rc(fw_insurance_recommend(ctx, "{\"worker_id\":7,\"birth_date\":\"1990-05-01\",\"work\":[]}", (size_t)-1,
                                     &json, NULL, &err), FW_EINVAL, &err);
    test_actor(ctx, FW_ROLE_WORKER, 8);
    assert_rc(fw_insurance_recommend(ctx, WORKER "}", (size_t)-1, &json, NULL, &err), FW_EPERM, &err);
}

/* .i, R-7.12: enrolment checks eligibility; occupational injury protection is charged per order, once each. */
static void enrolment_and_per_order_premiums(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    fw_id oip, day, p1 = 0, p2 = 0, p3 = 0, again = 0;
    int64_t fen = 0, total = 0;
    char *json = NULL;

    catalogue(ctx);
    oip = enrol(ctx, "{\"product_id\":1,\"worker_id\":7,\"birth_date\":\"1990-05-01\",\"enterprise_id\":3,"
                     "\"categories\":[\"instant_delivery\"]}");
    assert_rc(fw_insurance_enrol(ctx, "{\"product_id\":1,\"worker_id\":7,\"birth_date\":\"1990-05-01\"}", (size_t)-1,
                                 &p1, &err), FW_EEXISTS, &err);
    assert_int_equal(fw_insurance_enrol(ctx, "{\"product_id\":3,\"worker_id\":8,\"birth_date\":\"2009-01-01\"}",
                                        (size_t)-1, &p1, &err), FW_EDENIED);
    assert_string_equal(fw_error_message(err), "$.birth_date: the worker is 17 on the start date; product ACC-MONTH "
                                               "accepts 18 to 60");
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw_insurance_enrol(ctx, "{\"product_id\":4,\"worker_id\":8,\"birth_date\":\"1990-01-01\","
                                             "\"categories\":[\"ride_hailing\"]}", (size_t)-1, &p1, &err), FW_EDENIED);
    assert_string_equal(fw_error_message(err), "$.categories: product EL-FREIGHT covers intra_city_freight only");
    fw_error_free(err);
    err = NULL;
    assert_int_equal(count(ctx, "SELECT count(*) FROM fw_insurance_enrolment"), 1);

    assert_rc(fw_insurance_charge(ctx, oip, "O-1", TEST_CLOCK_START, "k1", &fen, &p1, &err), FW_OK, &err);
    assert_int_equal(fen, 7);
    assert_rc(fw_insurance_charge(ctx, oip, "O-1", TEST_CLOCK_START + 60000, NULL, &fen, &again, &err), FW_OK, &err);
    assert_int_equal(again, p1);                        /* every order charged once */
    assert_rc(fw_insurance_charge(ctx, oip, "O-2", TEST_CLOCK_START + 120000, "k2", &fen, &p2, &err), FW_OK, &err);
    assert_rc(fw_insurance_charge(ctx, oip, "O-2", TEST_CLOCK_START + 120000, "k2", &fen, &again, &err), FW_OK, &err);
    assert_int_equal(again, p2);                        /* replayed */
    assert_rc(fw_insurance_charge(ctx, oip, "O-3", TEST_CLOCK_START, "k2", &fen, &again, &err), FW_ECONFLICT, &err);
    assert_rc(fw_insurance_charge(ctx, oip, NULL, TEST_CLOCK_START, NULL, &fen, &again, &err), FW_EINVAL, &err);
    assert_int_equal(fw_insurance_charge(ctx, oip, "O-0", cst(2026, 3, 14), "k0", &fen, &again, &err), FW_ESTATE);
    assert_string_equal(fw_error_message(err), "at_ms: enrolment 1 covers 2026-03-15 to (open); the work on 2026-03-14 "
                                               "is outside it");
    fw_error_free(err);
    err = NULL;
    /* A key whose first attempt failed for a business reason keeps failing the same way. */
    assert_int_equal(fw_insurance_charge(ctx, oip, "O-0", cst(2026, 3, 14), "k0", &fen, &again, &err), FW_ESTATE);
    assert_string_equal(fw_error_message(err), "at_ms: enrolment 1 covers 2026-03-15 to (open); the work on 2026-03-14 "
                                               "is outside it");
    fw_error_free(err);
    err = NULL;
    assert_int_equal(count(ctx, "SELECT count(*) FROM fw_insurance_premium"), 2);

    /* Per day of work: all orders of one CST day share one premium. */
    day = enrol(ctx, "{\"product_id\":2,\"worker_id\":7,\"birth_date\":\"1990-05-01\",\"end\":\"2026-04-15\"}");
    assert_rc(fw_insurance_charge(ctx, day, "O-1", TEST_CLOCK_START, NULL, &fen, &p3, &err), FW_OK, &err);
    assert_rc(fw_insurance_charge(ctx, day, "O-2", TEST_CLOCK_START + 5 * 3600000LL, NULL, &fen, &again, &err), FW_OK,
              &err);
    assert_int_equal(again, p3);
    assert_int_equal(fen, 150);
    assert_rc(fw_insurance_charge(ctx, day, "O-9", cst(2026, 3, 16), NULL, &fen, &again, &err), FW_OK, &err);
    assert_int_not_equal(again, p3);
    assert_rc(fw_insurance_charge(ctx, day, "O-9", cst(2026, 4, 15), NULL, &fen, &again, &err), FW_ESTATE, &err);

    assert_rc(fw_insurance_premiums(ctx, 0, 0, &json, NULL, &err), FW_OK, &err);
    assert_non_null(strstr(json, "{\"total_fen\":314,\"due_fen\":314,\"posted_fen\":0,\"premiums\":[{\"id\":1,"
                                 "\"enrolment_id\":1,\"product_id\":1,\"worker_id\":7,\"enterprise_id\":3,\"basis\":"
                                 "\"order\",\"basis_ref\":\"O-1\",\"units\":1,\"amount_fen\":7,\"payer\":\"platform\","
                                 "\"at_ms\":1773540000000,\"state\":\"due\",\"journal_ref\":null}"));
    assert_non_null(strstr(json, "\"basis\":\"day\",\"basis_ref\":\"2026-03-15\""));
    fw_free(json);

    /* The ledger posts due premiums through the internal API. */
    assert_rc(fw__insurance_due_total(ctx, "platform", &total, &err), FW_OK, &err);
    assert_int_equal(total, 14);
    assert_rc(fw__insurance_premium_mark_posted(ctx, p1, "J-100", &err), FW_OK, &err);
    assert_rc(fw__insurance_premium_mark_posted(ctx, p1, "J-101", &err), FW_ESTATE, &err);
    assert_rc(fw__insurance_due_total(ctx, "platform", &total, &err), FW_OK, &err);
    assert_int_equal(total, 7);
    assert_int_not_equal(fw__db_exec(ctx, NULL, "UPDATE fw_insurance_premium SET amount_fen=1 WHERE id=2", ""), FW_OK);
    assert_int_not_equal(fw__db_exec(ctx, NULL, "DELETE FROM fw_insurance_premium", ""), FW_OK);
    assert_int_equal(count(ctx, "SELECT sum(amount_fen) FROM fw_insurance_premium"), 314);

    assert_rc(fw_insurance_enrolment_cancel(ctx, oip, "{\"reason\":\"left the platform\"}", (size_t)-1, &err), FW_OK, &err);
    assert_rc(fw_insurance_charge(ctx, oip, "O-7", TEST_CLOCK_START, NULL, &fen, &again, &err), FW_ESTATE, &err);
}

static int sum_due(fw_ctx *ctx, const struct fw__insurance_premium *p, void *payload)
{
    (void)ctx;
    *(int64_t *)payload += p->amount_fen;
    return strcmp(p->product_type, "occupational_injury") == 0 && strcmp(p->payer, "platform") == 0 ? 0 : -1;
}

/* the premiums the ledger must post are read through fw__insurance_premiums_due. */
static void due_premiums_for_the_ledger(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    fw_id e;
    int64_t sum = 0;
    int i;
    char ref[16];

    catalogue(ctx);
    e = enrol(ctx, "{\"product_id\":1,\"worker_id\":7,\"birth_date\":\"1990-05-01\"}");
    for (i = 0; i < 100; i++) {
        snprintf(ref, sizeof(ref), "O-%d", i);
        assert_rc(fw_insurance_charge(ctx, e, ref, TEST_CLOCK_START + i, NULL, NULL, NULL, &err), FW_OK, &err);
    }
    assert_rc(fw__insurance_premiums_due(ctx, 0, sum_due, &sum, &err), FW_OK, &err);
    assert_int_equal(sum, 700);                          /* 100 orders x 0.07 CNY */
    sum = 0;
    assert_rc(fw__insurance_premiums_due(ctx, TEST_CLOCK_START + 10, sum_due, &sum, &err), FW_OK, &err);
    assert_int_equal(sum, 70);
}

/* a certificate of cover verifies offline and fails once altered. */
static void certificate_of_cover(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    uint8_t pk[32], other[32] = { 0 };
    char *json = NULL, *p;
    fw_id e;

    catalogue(ctx);
    e = enrol(ctx, "{\"product_id\":2,\"worker_id\":7,\"birth_date\":\"1990-05-01\"}");
    assert_rc(fw_audit_public_key(ctx, pk, &err), FW_OK, &err);
    test_actor(ctx, FW_ROLE_WORKER, 7);
    assert_rc(fw_insurance_certificate(ctx, e, &json, NULL, &err), FW_OK, &err);
    assert_non_null(strstr(json, "{\"certificate\":{\"enrolment_id\":1,\"worker_id\":7,\"product\":{\"code\":\"ACC-DAY\","
                                 "\"name\":\"daily accident\",\"type\":\"accident\",\"insurer\":\"PICC\","
                                 "\"coverage\":\"death, disability, medical\",\"coverage_fen\":60000000},"
                                 "\"start_ms\":1773504000000,\"end_ms\":0,\"issued_ms\":1773540000000},"));
    assert_rc(fw_insurance_certificate_verify(json, strlen(json), pk, &err), FW_OK, &err);
    assert_rc(fw_insurance_certificate_verify(json, strlen(json), other, &err), FW_EAUTH, &err);
    p = strstr(json, "60000000");
    p[0] = '9';
    assert_rc(fw_insurance_certificate_verify(json, strlen(json), pk, &err), FW_EAUTH, &err);
    fw_free(json);
    test_actor(ctx, FW_ROLE_WORKER, 8);
    assert_rc(fw_insurance_certificate(ctx, e, &json, NULL, &err), FW_EPERM, &err);
}

/* social-insurance contributions made on a worker's behalf, with their status. */
static void social_insurance_contribution_service(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    fw_id id = 0, dup = 0;
    char *json = NULL;

    test_actor(ctx, FW_ROLE_WORKER, 7);
    assert_rc(fw_insurance_social_request(ctx, "{\"worker_id\":7,\"kind\":\"pension\",\"region\":\"440300\","
                                               "\"month\":\"2026-03\",\"base_fen\":512345,\"rate_ppm\":200000}",
                                          (size_t)-1, &id, &err), FW_OK, &err);
    assert_rc(fw_insurance_social_request(ctx, "{\"worker_id\":7,\"kind\":\"pension\",\"region\":\"440300\","
                                               "\"month\":\"2026-03\",\"base_fen\":1,\"rate_ppm\":1}",
                                          (size_t)-1, &dup, &err), FW_EEXISTS, &err);
    assert_rc(fw_insurance_social_request(ctx, "{\"worker_id\":8,\"kind\":\"pension\",\"region\":\"440300\","
                                               "\"month\":\"2026-03\",\"base_fen\":1,\"rate_ppm\":1}",
                                          (size_t)-1, &dup, &err), FW_EPERM, &err);
    assert_rc(fw_insurance_social_update(ctx, id, "{\"state\":\"paid\"}", (size_t)-1, &err), FW_EPERM, &err);
    test_actor(ctx, FW_ROLE_OPERATOR, 0);
    assert_int_equal(fw_insurance_social_update(ctx, id, "{\"state\":\"paid\"}", (size_t)-1, &err), FW_ESTATE);
    assert_string_equal(fw_error_message(err), "$.state: contribution request 1 is requested: it cannot become paid");
    fw_error_free(err);
    err = NULL;
    assert_rc(fw_insurance_social_update(ctx, id, "{\"state\":\"submitted\"}", (size_t)-1, &err), FW_OK, &err);
    assert_rc(fw_insurance_social_update(ctx, id, "{\"state\":\"paid\",\"reference\":\"SB-2026-03-0001\"}", (size_t)-1,
                                         &err), FW_OK, &err);
    test_actor(ctx, FW_ROLE_WORKER, 7);
    assert_rc(fw_insurance_social_list(ctx, 7, &json, NULL, &err), FW_OK, &err);
    assert_string_equal(json, "[{\"id\":1,\"kind\":\"pension\",\"region\":\"440300\",\"month\":\"2026-03\","
                              "\"base_fen\":512345,\"rate_ppm\":200000,\"amount_fen\":102469,\"state\":\"paid\","
                              "\"reference\":\"SB-2026-03-0001\",\"note\":null,\"updated_ms\":1773540000000}]");
    fw_free(json);
}

/* retired products take no new enrolments; a worker lists their own enrolments. */
static void product_retirement_and_enrolment_list(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    char *json = NULL;
    fw_id id = 0;
    int64_t fen = 0;

    catalogue(ctx);
    enrol(ctx, "{\"product_id\":2,\"worker_id\":7,\"birth_date\":\"1990-05-01\",\"start\":\"2026-03-20\","
               "\"end\":\"2026-06-20\"}");
    assert_rc(fw_insurance_product_retire(ctx, 6, &err), FW_OK, &err);
    assert_rc(fw_insurance_product_retire(ctx, 6, &err), FW_ESTATE, &err);
    assert_rc(fw_insurance_enrol(ctx, "{\"product_id\":6,\"worker_id\":7,\"birth_date\":\"1990-05-01\"}", (size_t)-1,
                                 &id, &err), FW_ESTATE, &err);
    assert_rc(fw_insurance_enrol(ctx, "{\"product_id\":99,\"worker_id\":7,\"birth_date\":\"1990-05-01\"}", (size_t)-1,
                                 &id, &err), FW_ENOTFOUND, &err);
    assert_rc(fw_insurance_product_list(ctx, &json, NULL, &err), FW_OK, &err);
    assert_non_null(strstr(json, "\"code\":\"ACC-DAY-LITE\""));
    assert_non_null(strstr(json, "\"state\":\"retired\"}]"));       /* retired last */
    fw_free(json);
    assert_rc(fw_insurance_premium_fen(ctx, 2, 22, &fen, &err), FW_OK, &err);
    assert_int_equal(fen, 3300);
    assert_rc(fw_insurance_premium_fen(ctx, 2, -1, &fen, &err), FW_EINVAL, &err);

    test_actor(ctx, FW_ROLE_WORKER, 7);
    assert_rc(fw_insurance_enrolments(ctx, 7, &json, NULL, &err), FW_OK, &err);
    assert_string_equal(json, "[{\"id\":1,\"product_id\":2,\"code\":\"ACC-DAY\",\"type\":\"accident\","
                              "\"enterprise_id\":0,\"start_ms\":1773936000000,\"end_ms\":1781884800000,"
                              "\"state\":\"active\",\"age\":35}]");
    fw_free(json);
    assert_rc(fw_insurance_enrolments(ctx, 8, &json, NULL, &err), FW_EPERM, &err);
    assert_int_equal(fw_ctx_schema_version(ctx, "insurance"), 1);
}

TEST_MAIN(
    cmocka_unit_test_setup_teardown(occupational_injury_product_rules, test_setup_admin, test_teardown_ctx),
    cmocka_unit_test_setup_teardown(recommendation_is_ranked_with_reasons, test_setup_admin, test_teardown_ctx),
    cmocka_unit_test_setup_teardown(enrolment_and_per_order_premiums, test_setup_admin, test_teardown_ctx),
    cmocka_unit_test_setup_teardown(due_premiums_for_the_ledger, test_setup_admin, test_teardown_ctx),
    cmocka_unit_test_setup_teardown(certificate_of_cover, test_setup_admin, test_teardown_ctx),
    cmocka_unit_test_setup_teardown(social_insurance_contribution_service, test_setup_admin, test_teardown_ctx),
    cmocka_unit_test_setup_teardown(product_retirement_and_enrolment_list, test_setup_admin, test_teardown_ctx))
