/* The gate (R-7.10.h): lists, identity, qualification and limits at activation, task taking,
 * funding and payout; reservations under two concurrent contexts. */
#include <pthread.h>

#include "risk_fixtures.h"
#include "core/hook.h"

#define ENT_A ENT1
#define USCC_A "91330100799655058B"

static int64_t audits(fw_ctx *ctx, const char *action)
{
    int64_t n = -1;
    assert_int_equal(fw__db_i64(ctx, &n, NULL, "SELECT count(*) FROM fw_audit WHERE action = ?", "t", action), FW_OK);
    return n;
}

static void expect_denied(int rc, fw_error **err, const char *prefix)
{
    assert_int_equal(rc, FW_EDENIED);
    if (strncmp(fw_error_message(*err), prefix, strlen(prefix)) != 0)
        fail_msg("message '%s' does not start with '%s'", fw_error_message(*err), prefix);
    fw_error_free(*err);
    *err = NULL;
}

/* .c, R-7.10.h: a blacklisted person cannot become active; removing the entry lets them. */
static void blacklisted_person_cannot_activate(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    char idn[19], json[300];
    fw_id ent = active_enterprise(ctx, ENT_A), w = signed_worker_born(ctx, 1, ent, "19900101"), entry = 0;

    make_id_number(idn, 1, "19900101");
    snprintf(json, sizeof(json), "{\"list\":\"black\",\"kind\":\"person\",\"value\":\"%s\",\"reason\":\"冒用身份\","
             "\"source\":\"公安协查\"}", idn);
    add_list(ctx, json, &entry);
    assert_audit_lacks(ctx, idn);
    expect_denied(fw_party_worker_activate(ctx, w, &err), &err, "LIST_PERSON_BLACK: refused by the risk gate");
    assert_int_equal(worker_state(ctx, w), FW_WORKER_SIGNED);            /* unchanged */

    assert_rc(fw_risk_list_remove(ctx, entry, "协查撤销", &err), FW_OK, &err);
    assert_int_equal(fw_risk_list_remove(ctx, entry, "again", &err), FW_ESTATE);
    fw_error_free(err);
    err = NULL;
    assert_rc(fw_party_worker_activate(ctx, w, &err), FW_OK, &err);
    assert_int_equal(worker_state(ctx, w), FW_WORKER_ACTIVE);
    assert_int_equal(count_rows(ctx, "SELECT count(*) FROM fw_risk_worker_key WHERE card_blind IS NOT NULL"), 1);

    /* R-6.h: erasing the person drops the blind indexes the risk module derived */
    assert_rc(fw_party_worker_erase(ctx, w, &err), FW_OK, &err);
    assert_int_equal(count_rows(ctx, "SELECT count(*) FROM fw_risk_worker_key"), 0);
}

/* .c: a listed bank card or phone refuses activation and a change to it; a white-list
 * exception waives exactly the codes it names and is audited when used. */
static void listed_card_and_phone_and_white_exception(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    fw_id ent = active_enterprise(ctx, ENT_A), w1 = signed_worker_born(ctx, 2, ent, "19900101");
    fw_id w2 = active_worker(ctx, 3, ent), w3 = signed_worker_born(ctx, 12, ent, "19900101"), e1 = 0;
    char *json = NULL;

    add_list(ctx, "{\"list\":\"black\",\"kind\":\"bank_card\",\"value\":\"6222020000000002\",\"reason\":\"涉诈账户\","
                  "\"source\":\"银行通报\"}", &e1);
    add_list(ctx, "{\"list\":\"black\",\"kind\":\"phone\",\"value\":\"13900000012\",\"reason\":\"涉诈号码\","
                  "\"source\":\"运营商\",\"expires\":\"2027-01-01\"}", NULL);
    expect_denied(fw_party_worker_activate(ctx, w1, &err), &err, "LIST_BANK_CARD_BLACK");
    expect_denied(fw_party_worker_activate(ctx, w3, &err), &err, "LIST_PHONE_BLACK");

    /* w2 is active; changing to a listed card is refused and the card stays as it was */
    expect_denied(fw_party_worker_change(ctx, w2, "{\"bank_card\":\"6222020000000002\"}", (size_t)-1, &err), &err,
                  "LIST_BANK_CARD_BLACK");
    assert_rc(fw_party_worker_change(ctx, w2, "{\"bank_card\":\"6222020000000099\"}", (size_t)-1, &err), FW_OK, &err);

    /* a white entry on the card waives the card's black listing only */
    assert_int_equal(fw_risk_list_add(ctx, "{\"list\":\"white\",\"kind\":\"bank_card\",\"value\":\"6222020000000002\","
                                           "\"reason\":\"核实为本人\",\"source\":\"人工复核\"}", (size_t)-1, NULL, &err),
                     FW_EINVAL);
    assert_string_equal(fw_error_path(err), "$.waives");
    fw_error_free(err);
    err = NULL;
    add_list(ctx, "{\"list\":\"white\",\"kind\":\"bank_card\",\"value\":\"6222 0200 0000 0002\",\"reason\":\"核实为本人\","
                  "\"source\":\"人工复核\",\"waives\":[\"LIST_BANK_CARD_BLACK\"]}", NULL);
    assert_int_equal(audits(ctx, "risk.check.waived"), 0);
    assert_rc(fw_party_worker_activate(ctx, w1, &err), FW_OK, &err);
    assert_int_equal(audits(ctx, "risk.check.waived"), 1);

    assert_rc(fw_risk_list_query(ctx, &json, NULL, &err), FW_OK, &err);
    assert_non_null(strstr(json, "\"masked\":\"6222********0002\""));
    assert_null(strstr(json, "6222020000000002"));
    fw_free(json);
    /* the phone entry expires: after 2027-01-01 it no longer applies */
    test_clock_set(TEST_CLOCK_START + 400 * FW__MS_PER_DAY);
    assert_rc(fw_risk_list_query(ctx, &json, NULL, &err), FW_OK, &err);
    assert_null(strstr(json, "\"kind\":\"phone\""));
    fw_free(json);
    test_clock_set(TEST_CLOCK_START);
}

/* .c: a blacklisted enterprise (USCC) cannot become active, and its funding is refused. */
static void blacklisted_enterprise_refused(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    fw_id ent = verified_enterprise(ctx, ENT_A), ent2 = active_enterprise(ctx, ENT2);
    int64_t amount = 100000;

    add_list(ctx, "{\"list\":\"black\",\"kind\":\"enterprise\",\"value\":\"" USCC_A "\",\"reason\":\"虚开发票\","
                  "\"source\":\"税务通报\"}", NULL);
    add_list(ctx, "{\"list\":\"black\",\"kind\":\"enterprise\",\"value\":\"91440300708461136t\",\"reason\":\"失信\","
                  "\"source\":\"信用中国\"}", NULL);
    assert_int_equal(fw__tx_begin(ctx, NULL), FW_OK);
    assert_int_equal(fw__tx_end(ctx, fw__party_enterprise_agreement(ctx, ent, 1, NULL), NULL), FW_OK);
    expect_denied(fw_party_enterprise_activate(ctx, ent, &err), &err, "LIST_ENTERPRISE_BLACK");
    assert_int_equal(enterprise_state(ctx, ent), FW_ENTERPRISE_SIGNED);

    /* funding.receive: the funding module runs it with the amount */
    assert_int_equal(fw__tx_begin(ctx, NULL), FW_OK);
    expect_denied(fw__tx_end(ctx, fw__hook_run(ctx, "funding.receive", ent2, &amount, &err), NULL), &err,
                  "LIST_ENTERPRISE_BLACK");
}

/* .a: with the policy requiring it, activation waits for a passed qualification review. */
static void activation_requires_qualification(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    fw_id ent = verified_enterprise(ctx, ENT_A);
    char *out = NULL;

    assert_rc(fw_risk_config_set(ctx, "{\"require_qualification\":true}", (size_t)-1, &err), FW_OK, &err);
    assert_int_equal(fw__tx_begin(ctx, NULL), FW_OK);
    assert_int_equal(fw__tx_end(ctx, fw__party_enterprise_agreement(ctx, ent, 1, NULL), NULL), FW_OK);
    expect_denied(fw_party_enterprise_activate(ctx, ent, &err), &err, "QUALIFICATION_NOT_REVIEWED");
    assert_rc(fw_risk_qualification_review(ctx, ent, NULL, 0, &out, NULL, &err), FW_OK, &err);
    assert_non_null(strstr(out, "\"passed\":true"));
    fw_free(out);
    assert_rc(fw_party_enterprise_activate(ctx, ent, &err), FW_OK, &err);
}

/* .d, R-6.g: task taking needs a verified worker and an active enterprise. */
static void task_take_gates_identity_and_enterprise(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    fw_id ent = active_enterprise(ctx, ENT_A), w = active_worker(ctx, 4, ent);
    fw_id unverified = register_worker(ctx, WORKER_JSON("赵六", ID_1985, "6222020200112233445", "self"));
    struct fw__risk_subject s = { 77, unverified, ent, 5000 };

    assert_int_equal(fw__tx_begin(ctx, NULL), FW_OK);
    expect_denied(fw__tx_end(ctx, fw__hook_run(ctx, "task.take", 77, &s, &err), NULL), &err,
                  "WORKER_NOT_VERIFIED: refused by the risk gate ({\"worker_id\":");
    s.worker_id = w;
    assert_int_equal(fw__tx_begin(ctx, NULL), FW_OK);
    assert_rc(fw__tx_end(ctx, fw__hook_run(ctx, "task.take", 77, &s, &err), NULL), FW_OK, &err);
    assert_rc(fw_party_enterprise_suspend(ctx, ent, "整改", &err), FW_OK, &err);
    assert_int_equal(fw__tx_begin(ctx, NULL), FW_OK);
    expect_denied(fw__tx_end(ctx, fw__hook_run(ctx, "task.take", 77, &s, &err), NULL), &err, "ENTERPRISE_SUSPENDED");
    assert_int_equal(fw__tx_begin(ctx, NULL), FW_OK);
    assert_int_equal(fw__tx_end(ctx, fw__hook_run(ctx, "task.take", 77, NULL, &err), NULL), FW_EINVAL);
    fw_error_free(err);
}

#define LIMITS(x) assert_rc(fw_risk_limits_set(ctx, x, (size_t)-1, &err), FW_OK, &err)

/* .e: each limit refuses exactly when the amount would pass it, naming limit and usage. */
static void limits_refuse_at_the_boundary(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    fw_id ent = active_enterprise(ctx, ENT_A), w = active_worker(ctx, 5, ent), w2 = active_worker(ctx, 6, ent);
    fw_risk_parties p = FW_RISK_PARTIES_INIT;
    fw_risk_decision *d = NULL;
    char *json = NULL;
    int64_t a0 = audits(ctx, "risk.check.deny");

    LIMITS("{\"scope\":\"platform\",\"limits\":{\"per_payment_fen\":100000,\"worker_day_fen\":150000,"
           "\"worker_month_fen\":250000,\"worker_12m_fen\":400000,\"worker_day_count\":3,\"worker_month_count\":0,"
           "\"enterprise_day_fen\":0,\"enterprise_month_fen\":0,\"enterprise_day_count\":0}}");
    assert_int_equal(check_payout(ctx, ent, w, 100000, 0, NULL), FW_RISK_ALLOW);
    assert_int_equal(audits(ctx, "risk.check.deny"), a0);                 /* an allow is not audited */

    p.enterprise_id = ent;
    p.worker_id = w;
    assert_rc(fw_risk_check(ctx, FW_RISK_ACTION_PAYOUT, &p, 100001, &d, &err), FW_OK, &err);
    assert_int_equal(fw_risk_decision_outcome(d), FW_RISK_DENY);
    assert_rc(fw_risk_decision_to_json(d, &json, NULL, &err), FW_OK, &err);
    assert_string_equal(json, "{\"action\":\"payout\",\"outcome\":\"deny\",\"reservation_id\":0,\"reasons\":[{\"code\":"
                        "\"LIMIT_PER_PAYMENT\",\"severity\":\"deny\",\"rule\":\"limit.per_payment\",\"clause\":"
                        "\"R-7.10.e\",\"inputs\":{\"limit\":100000,\"used\":0,\"adding\":100001,\"scope\":\"platform\"}}]}");
    fw_free(json);
    fw_risk_decision_free(d);
    assert_int_equal(audits(ctx, "risk.check.deny"), a0 + 1);

    record_payout(ctx, w, ent, 100000, fw_ctx_now(ctx));
    assert_int_equal(check_payout(ctx, ent, w, 50000, 0, NULL), FW_RISK_ALLOW);
    assert_rc(fw_risk_check(ctx, FW_RISK_ACTION_PAYOUT, &p, 50001, &d, &err), FW_OK, &err);
    assert_true(has_reason(d, "LIMIT_WORKER_DAY", FW_RISK_BLOCK));
    fw_risk_decision_free(d);
    record_payout(ctx, w, ent, 50000, fw_ctx_now(ctx));
    /* the next day: the day resets, the month (150,000 used) does not */
    test_clock_advance(FW__MS_PER_DAY);
    record_payout(ctx, w, ent, 50000, fw_ctx_now(ctx));
    assert_int_equal(check_payout(ctx, ent, w, 50000, 0, NULL), FW_RISK_ALLOW);
    assert_rc(fw_risk_check(ctx, FW_RISK_ACTION_PAYOUT, &p, 50001, &d, &err), FW_OK, &err);
    assert_true(has_reason(d, "LIMIT_WORKER_MONTH", FW_RISK_BLOCK));
    assert_false(has_reason(d, "LIMIT_WORKER_DAY", FW_RISK_BLOCK));
    fw_risk_decision_free(d);
    /* 12 months: 200,000 used this month and 200,000 last month: one more fen passes 400,000 */
    record_payout(ctx, w, ent, 200000, fw_ctx_now(ctx) - 31 * FW__MS_PER_DAY);
    assert_rc(fw_risk_check(ctx, FW_RISK_ACTION_PAYOUT, &p, 1, &d, &err), FW_OK, &err);
    assert_true(has_reason(d, "LIMIT_WORKER_12M", FW_RISK_BLOCK));
    fw_risk_decision_free(d);
    /* counts: three payouts a day */
    record_payout(ctx, w2, ent, 1, fw_ctx_now(ctx));
    record_payout(ctx, w2, ent, 1, fw_ctx_now(ctx));
    assert_int_equal(check_payout(ctx, ent, w2, 1, 0, NULL), FW_RISK_ALLOW);
    record_payout(ctx, w2, ent, 1, fw_ctx_now(ctx));
    p.worker_id = w2;
    assert_rc(fw_risk_check(ctx, FW_RISK_ACTION_PAYOUT, &p, 1, &d, &err), FW_OK, &err);
    assert_true(has_reason(d, "LIMIT_WORKER_DAY_COUNT", FW_RISK_BLOCK));
    fw_risk_decision_free(d);
    /* a reversal gives the room back */
    record_payout(ctx, w2, ent, -1, fw_ctx_now(ctx));
    assert_int_equal(check_payout(ctx, ent, w2, 1, 0, NULL), FW_RISK_ALLOW);
    test_clock_set(TEST_CLOCK_START);
}

/* .b, R-7.10.e: limits by rating, overridden per enterprise; enterprise day limits. */
static void limits_by_rating_and_enterprise(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    fw_id ent = active_enterprise(ctx, ENT_A), w = active_worker(ctx, 7, ent);
    fw_risk_parties p = FW_RISK_PARTIES_INIT;
    fw_risk_decision *d = NULL;
    char *json = NULL;

    assert_rc(fw_risk_rating_compute(ctx, ent, &json, NULL, &err), FW_OK, &err);
    if (!strstr(json, "\"grade\":\"B\",\"score\":75"))
        fail_msg("%s", json);
    fw_free(json);
    LIMITS("{\"scope\":\"rating\",\"rating\":\"B\",\"limits\":{\"enterprise_day_fen\":200000,\"per_payment_fen\":null}}");
    LIMITS("{\"scope\":\"enterprise\",\"enterprise_id\":1,\"limits\":{\"enterprise_day_count\":2}}");
    assert_rc(fw_risk_limits_get(ctx, ent, &json, NULL, &err), FW_OK, &err);
    assert_non_null(strstr(json, "\"enterprise_day_fen\":200000"));
    assert_non_null(strstr(json, "\"per_payment_fen\":5000000"));
    assert_non_null(strstr(json, "\"enterprise_day_fen\":\"rating\""));
    assert_non_null(strstr(json, "\"enterprise_day_count\":\"enterprise\""));
    assert_non_null(strstr(json, "\"grade\":\"B\""));
    fw_free(json);

    p.enterprise_id = ent;
    p.worker_id = w;
    assert_rc(fw_risk_check(ctx, FW_RISK_ACTION_PAYOUT, &p, 200001, &d, &err), FW_OK, &err);
    assert_true(has_reason(d, "LIMIT_ENTERPRISE_DAY", FW_RISK_BLOCK));
    fw_risk_decision_free(d);
    record_payout(ctx, w, ent, 10, fw_ctx_now(ctx));
    record_payout(ctx, w, ent, 10, fw_ctx_now(ctx));
    assert_rc(fw_risk_check(ctx, FW_RISK_ACTION_PAYOUT, &p, 10, &d, &err), FW_OK, &err);
    assert_true(has_reason(d, "LIMIT_ENTERPRISE_DAY_COUNT", FW_RISK_BLOCK));
    fw_risk_decision_free(d);

    /* bad requests name the field */
    assert_int_equal(fw_risk_limits_set(ctx, "{\"scope\":\"platform\",\"limits\":{\"per_payment_fen\":null}}",
                                        (size_t)-1, &err), FW_EINVAL);
    assert_string_equal(fw_error_path(err), "$.limits.per_payment_fen");
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw_risk_limits_set(ctx, "{\"scope\":\"rating\",\"rating\":\"E\",\"limits\":{}}", (size_t)-1, &err),
                     FW_EINVAL);
    assert_string_equal(fw_error_path(err), "$.rating");
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw_risk_limits_set(ctx, "{\"scope\":\"platform\",\"limits\":{\"daily\":1}}", (size_t)-1, &err),
                     FW_EINVAL);
    assert_string_equal(fw_error_path(err), "$.limits.daily");
    fw_error_free(err);
}

/* .e: warnings near the VAT threshold and the 5,000,000-in-12-months threshold. */
static void threshold_warnings(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    fw_id ent = active_enterprise(ctx, ENT_A), w = active_worker(ctx, 8, ent);
    fw_risk_parties p = FW_RISK_PARTIES_INIT;
    fw_risk_decision *d = NULL;
    int m;

    LIMITS("{\"scope\":\"platform\",\"limits\":{\"per_payment_fen\":0,\"worker_day_fen\":0,\"worker_month_fen\":0,"
           "\"worker_12m_fen\":0,\"worker_day_count\":0,\"worker_month_count\":0}}");
    p.enterprise_id = ent;
    p.worker_id = w;
    record_payout(ctx, w, ent, 8900000, fw_ctx_now(ctx));
    assert_rc(fw_risk_check(ctx, FW_RISK_ACTION_PAYOUT, &p, 99999, &d, &err), FW_OK, &err);
    assert_int_equal(fw_risk_decision_count(d), 0);
    fw_risk_decision_free(d);
    assert_rc(fw_risk_check(ctx, FW_RISK_ACTION_PAYOUT, &p, 100000, &d, &err), FW_OK, &err);
    assert_int_equal(fw_risk_decision_outcome(d), FW_RISK_ALLOW);
    assert_true(has_reason(d, "VAT_THRESHOLD_NEAR", FW_RISK_WARN));
    fw_risk_decision_free(d);
    assert_rc(fw_risk_check(ctx, FW_RISK_ACTION_PAYOUT, &p, 1100000, &d, &err), FW_OK, &err);
    assert_int_equal(fw_risk_decision_outcome(d), FW_RISK_REVIEW);
    assert_true(has_reason(d, "VAT_THRESHOLD_REACHED", FW_RISK_FLAG));
    fw_risk_decision_free(d);
    /* 11 earlier months of 410,000 yuan: with this month's 89,000 the 12 months hold 4,599,000 */
    for (m = 1; m <= 11; m++)
        record_payout(ctx, w, ent, 41000000, fw_ctx_now(ctx) - (int64_t)m * 30 * FW__MS_PER_DAY);
    assert_rc(fw_risk_check(ctx, FW_RISK_ACTION_PAYOUT, &p, 100, &d, &err), FW_OK, &err);
    assert_true(has_reason(d, "THRESHOLD_12M_NEAR", FW_RISK_WARN));
    fw_risk_decision_free(d);
    {
        /* the window is this CST month and the 11 before it: month M-12 does not count */
        int y, mo, day;
        int64_t old_ms = 0;
        fw__cst_date(fw_ctx_now(ctx), &y, &mo, &day);
        assert_int_equal(fw__cst_from_date(y - 1, mo, 1, &old_ms), FW_OK);
        record_payout(ctx, w, ent, 100000000, old_ms + FW__MS_PER_DAY - 1);
        record_payout(ctx, w, ent, 100000000, old_ms - 1);
        assert_rc(fw_risk_check(ctx, FW_RISK_ACTION_PAYOUT, &p, 100, &d, &err), FW_OK, &err);
        assert_true(has_reason(d, "THRESHOLD_12M_NEAR", FW_RISK_WARN));
        assert_false(has_reason(d, "THRESHOLD_12M_REACHED", FW_RISK_FLAG));
        fw_risk_decision_free(d);
    }
    assert_rc(fw_risk_check(ctx, FW_RISK_ACTION_PAYOUT, &p, 40100000, &d, &err), FW_OK, &err);
    assert_true(has_reason(d, "THRESHOLD_12M_REACHED", FW_RISK_FLAG));
    assert_int_equal(fw_risk_decision_outcome(d), FW_RISK_REVIEW);
    fw_risk_decision_free(d);
}

/* .e: a reserving check counts the amount; a release gives it back, once. */
static void reservations_count_and_release(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    fw_id ent = active_enterprise(ctx, ENT_A), w = active_worker(ctx, 9, ent), r1 = 0, r2 = 0, r3 = 0;

    LIMITS("{\"scope\":\"platform\",\"limits\":{\"worker_day_fen\":1000}}");
    assert_int_equal(check_payout(ctx, ent, w, 600, FW_RISK_RESERVE, &r1), FW_RISK_ALLOW);
    assert_true(r1 > 0);
    assert_int_equal(check_payout(ctx, ent, w, 600, FW_RISK_RESERVE, &r2), FW_RISK_DENY);
    assert_int_equal(r2, 0);
    assert_int_equal(check_payout(ctx, ent, w, 400, FW_RISK_RESERVE, &r2), FW_RISK_ALLOW);
    assert_int_equal(check_payout(ctx, ent, w, 1, 0, NULL), FW_RISK_DENY);
    assert_rc(fw_risk_release(ctx, r1, &err), FW_OK, &err);
    assert_int_equal(fw_risk_release(ctx, r1, &err), FW_ESTATE);
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw_risk_release(ctx, 999, &err), FW_ENOTFOUND);
    fw_error_free(err);
    assert_int_equal(check_payout(ctx, ent, w, 600, FW_RISK_RESERVE, &r3), FW_RISK_ALLOW);
    assert_int_equal(count_rows(ctx, "SELECT sum(amount_fen) FROM fw_risk_counter WHERE party_kind = 2 AND period = 1"),
                     1000);
}

struct racer {
    fw_ctx *ctx;
    fw_id ent, worker;
    int allowed;
    int errors;
};

static void *race(void *arg)
{
    struct racer *r = arg;
    int i;
    for (i = 0; i < 60; i++) {
        fw_risk_parties p = FW_RISK_PARTIES_INIT;
        fw_risk_decision *d = NULL;
        p.enterprise_id = r->ent;
        p.worker_id = r->worker;
        p.flags = FW_RISK_RESERVE;
        if (fw_risk_check(r->ctx, FW_RISK_ACTION_PAYOUT, &p, 1000, &d, NULL) != FW_OK) {
            r->errors++;
            continue;
        }
        r->allowed += fw_risk_decision_outcome(d) == FW_RISK_ALLOW;
        fw_risk_decision_free(d);
    }
    return NULL;
}

/* .e: two contexts on one file reserving at once never overshoot a limit. */
static void two_contexts_never_overshoot(void **state)
{
    char path[512];
    fw_ctx *a, *b;
    fw_error *err = NULL;
    struct racer ra, rb;
    pthread_t ta, tb;
    fw_id ent, w;

    (void)state;
    test_path("risk_race", path, sizeof(path));
    a = test_open(path);
    test_actor(a, FW_ROLE_ADMIN, 0);
    ent = active_enterprise(a, ENT_A);
    w = active_worker(a, 10, ent);
    assert_rc(fw_risk_limits_set(a, "{\"scope\":\"platform\",\"limits\":{\"worker_day_fen\":50000,"
                                    "\"worker_day_count\":0}}", (size_t)-1, &err), FW_OK, &err);
    b = test_open(path);
    test_actor(b, FW_ROLE_SYSTEM, 0);
    test_actor(a, FW_ROLE_FINANCE, 0);
    ra = (struct racer){ a, ent, w, 0, 0 };
    rb = (struct racer){ b, ent, w, 0, 0 };
    assert_int_equal(pthread_create(&ta, NULL, race, &ra), 0);
    assert_int_equal(pthread_create(&tb, NULL, race, &rb), 0);
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    assert_int_equal(ra.errors + rb.errors, 0);
    assert_int_equal(ra.allowed + rb.allowed, 50);
    assert_int_equal(count_rows(a, "SELECT amount_fen FROM fw_risk_counter WHERE party_kind = 2 AND period = 1"), 50000);
    assert_int_equal(count_rows(a, "SELECT count(*) FROM fw_risk_reservation"), 50);
    fw_ctx_free(a);
    fw_ctx_free(b);
}

/* .h: the JSON gate validates strictly and answers the same decision. */
static void json_gate(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    fw_id ent = active_enterprise(ctx, ENT_A), w = active_worker(ctx, 11, ent);
    char *out = NULL, req[200];

    snprintf(req, sizeof(req), "{\"action\":\"payout\",\"enterprise_id\":%lld,\"worker_id\":%lld,\"amount_fen\":500,"
             "\"reserve\":true}", (long long)ent, (long long)w);
    assert_rc(fw_risk_check_json(ctx, req, strlen(req), &out, NULL, &err), FW_OK, &err);
    assert_string_equal(out, "{\"action\":\"payout\",\"outcome\":\"allow\",\"reservation_id\":1,\"reasons\":[]}");
    fw_free(out);
    out = NULL;
    assert_int_equal(fw_risk_check_json(ctx, "{\"action\":\"payout\",\"enterprise_id\":1,\"amount_fen\":5}", (size_t)-1,
                                        &out, NULL, &err), FW_EINVAL);
    assert_string_equal(fw_error_path(err), "$.worker_id");
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw_risk_check_json(ctx, "{\"action\":\"funding\",\"enterprise_id\":1,\"reserve\":true}", (size_t)-1,
                                        &out, NULL, &err), FW_EINVAL);
    assert_string_equal(fw_error_path(err), "$.reserve");
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw_risk_check_json(ctx, "{\"action\":\"payout\",\"enterprise_id\":1,\"worker_id\":99,"
                                             "\"amount_fen\":5}", (size_t)-1, &out, NULL, &err), FW_ENOTFOUND);
    assert_string_equal(fw_error_message(err), "$.worker_id: no worker 99");
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw_risk_check_json(ctx, "{\"action\":\"pay\"}", (size_t)-1, &out, NULL, &err), FW_EINVAL);
    assert_string_equal(fw_error_path(err), "$.action");
    fw_error_free(err);
    err = NULL;
    assert_null(out);
    test_actor(ctx, FW_ROLE_WORKER, w);
    assert_int_equal(fw_risk_check_json(ctx, req, strlen(req), &out, NULL, &err), FW_EPERM);
    fw_error_free(err);
}

static int setup(void **state)
{
    test_clock_set(TEST_CLOCK_START);
    return test_setup_admin(state);
}

TEST_MAIN(
    cmocka_unit_test_setup_teardown(blacklisted_person_cannot_activate, setup, test_teardown_ctx),
    cmocka_unit_test_setup_teardown(listed_card_and_phone_and_white_exception, setup, test_teardown_ctx),
    cmocka_unit_test_setup_teardown(blacklisted_enterprise_refused, setup, test_teardown_ctx),
    cmocka_unit_test_setup_teardown(activation_requires_qualification, setup, test_teardown_ctx),
    cmocka_unit_test_setup_teardown(task_take_gates_identity_and_enterprise, setup, test_teardown_ctx),
    cmocka_unit_test_setup_teardown(limits_refuse_at_the_boundary, setup, test_teardown_ctx),
    cmocka_unit_test_setup_teardown(limits_by_rating_and_enterprise, setup, test_teardown_ctx),
    cmocka_unit_test_setup_teardown(threshold_warnings, setup, test_teardown_ctx),
    cmocka_unit_test_setup_teardown(reservations_count_and_release, setup, test_teardown_ctx),
    cmocka_unit_test(two_contexts_never_overshoot),
    cmocka_unit_test_setup_teardown(json_gate, setup, test_teardown_ctx),
)
