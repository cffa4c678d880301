/* Service quality: complaints per GB/T 19012 (R-6.e, R-8.1.c), incidents (R-6.f), KPIs and reports. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "core/clock.h"
#include "core/db.h"

#define H (3600000LL)
#define COMPLAINT "{\"kind\":\"complaint\",\"party_kind\":\"worker\",\"party_id\":7,\"channel\":\"app\"," \
                  "\"category\":\"payout\",\"title\":\"payment late\",\"description\":\"task 12 paid 5 days late\"," \
                  "\"requested_remedy\":\"pay interest\",\"contact\":\"13800138000\"}"

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

static fw_id open_case(fw_ctx *ctx, const char *json)
{
    fw_error *err = NULL;
    fw_id id = 0;
    assert_rc(fw_service_case_open(ctx, json, strlen(json), &id, &err), FW_OK, &err);
    return id;
}

typedef int (*step_fn)(fw_ctx *, fw_id, const char *, size_t, fw_error **);

static void step(fw_ctx *ctx, step_fn fn, fw_id id, const char *json)
{
    fw_error *err = NULL;
    assert_rc(fn(ctx, id, json, json ? strlen(json) : 0, &err), FW_OK, &err);
}

static char *case_json(fw_ctx *ctx, fw_id id)
{
    fw_error *err = NULL;
    char *json = NULL;
    assert_rc(fw_service_case_get(ctx, id, &json, NULL, &err), FW_OK, &err);
    return json;
}

/* Runs a complaint from acknowledgement to closing, each step at base + the given hours. */
static void handle(fw_ctx *ctx, fw_id id, int64_t base, int64_t ack_h, int64_t respond_h, int64_t close_h,
                   const char *cause, int satisfaction)
{
    char json[200];
    test_clock_set(base + ack_h * H);
    step(ctx, fw_service_case_acknowledge, id, NULL);
    step(ctx, fw_service_case_assess, id, "{\"severity\":\"normal\",\"priority\":3}");
    step(ctx, fw_service_case_investigate, id, "{\"note\":\"payout log checked\"}");
    test_clock_set(base + respond_h * H);
    snprintf(json, sizeof(json), "{\"response\":\"paid with interest\",\"remedy\":\"compensation\",\"cause\":\"%s\"}",
             cause);
    step(ctx, fw_service_case_respond, id, json);
    step(ctx, fw_service_case_decide, id, "{\"decision\":\"interest of 12.00 paid\",\"accepted\":true}");
    test_clock_set(base + close_h * H);
    snprintf(json, sizeof(json), "{\"satisfaction\":%d}", satisfaction);
    step(ctx, fw_service_case_close, id, json);
}

/* R-6.e, R-8.1.c: a complaint end to end per GB/T 19012: receipt, acknowledgement, assessment,
 * investigation, response, decision, closing with the complainant's evaluation; the complainant
 * follows it; the contact is sealed and never audited. */
static void complaint_end_to_end(void **state)
{
    fw_ctx *ctx = *state;
    fw_id id = open_case(ctx, COMPLAINT);
    char *json;

    json = case_json(ctx, id);
    assert_non_null(strstr(json, "\"number\":\"CP-20260315-000001\",\"kind\":\"complaint\""));
    assert_non_null(strstr(json, "\"severity\":\"normal\",\"priority\":3,\"state\":\"received\","
                                 "\"received_ms\":1773540000000,\"ack_due_ms\":1773626400000,"
                                 "\"respond_due_ms\":1774144800000,\"close_due_ms\":1774836000000"));
    fw_free(json);

    handle(ctx, id, TEST_CLOCK_START, 1, 30, 48, "late_payout", 4);
    assert_int_equal(count(ctx, "SELECT state FROM fw_service_case"), FW_SERVICE_CLOSED);

    /* The complainant follows the case and sees their own contact; staff without PII clearance see it masked. */
    test_actor(ctx, FW_ROLE_WORKER, 7);
    json = case_json(ctx, id);
    assert_non_null(strstr(json, "\"contact\":\"13800138000\""));
    assert_non_null(strstr(json, "\"state\":\"closed\""));
    assert_non_null(strstr(json, "\"cause\":\"late_payout\",\"remedy\":\"compensation\",\"escalation_level\":0,"
                                 "\"reopen_count\":0,\"satisfaction\":4"));
    assert_non_null(strstr(json, "\"timeline\":[{\"at_ms\":1773540000000,\"step\":\"received\",\"note\":\"app\"},"
                                 "{\"at_ms\":1773543600000,\"step\":\"acknowledge\",\"note\":null},"
                                 "{\"at_ms\":1773543600000,\"step\":\"assess\",\"note\":null},"
                                 "{\"at_ms\":1773543600000,\"step\":\"investigate\",\"note\":\"payout log checked\"},"
                                 "{\"at_ms\":1773648000000,\"step\":\"respond\",\"note\":\"paid with interest\"},"
                                 "{\"at_ms\":1773648000000,\"step\":\"decide\",\"note\":\"interest of 12.00 paid\"},"
                                 "{\"at_ms\":1773712800000,\"step\":\"close\",\"note\":null}]"));
    fw_free(json);
    test_actor(ctx, FW_ROLE_OPERATOR, 0);
    json = case_json(ctx, id);
    assert_non_null(strstr(json, "\"contact\":\"138****8000\""));
    fw_free(json);

    /* Another worker may not see it. */
    test_actor(ctx, FW_ROLE_WORKER, 8);
    {
        fw_error *err = NULL;
        assert_rc(fw_service_case_get(ctx, id, &json, NULL, &err), FW_EPERM, &err);
    }
    assert_int_equal(count(ctx, "SELECT count(*) FROM fw_service_case WHERE contact LIKE '%13800%'"), 0);
    assert_int_equal(count(ctx, "SELECT count(*) FROM fw_audit WHERE detail LIKE '%13800%' OR detail LIKE '%late%'"), 0);
    assert_int_equal(count(ctx, "SELECT count(*) FROM fw_audit WHERE entity_type='service_case'"), 7);
    /* The closing evaluation counts as an evaluation of complaint handling. */
    assert_int_equal(count(ctx, "SELECT score FROM fw_service_evaluation WHERE process='complaint_handling'"), 4);
}

/* R-6.e: steps outside the process are refused with the state named, and change nothing. */
static void wrong_steps_are_refused(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    fw_id eq = open_case(ctx, "{\"kind\":\"enquiry\",\"party_kind\":\"enterprise\",\"party_id\":3,\"channel\":\"phone\","
                              "\"category\":\"invoice\",\"title\":\"invoice timing\",\"description\":\"when?\"}");
    fw_id cp = open_case(ctx, COMPLAINT);

    assert_int_equal(fw_service_case_assess(ctx, eq, "{\"severity\":\"low\",\"priority\":4}", (size_t)-1, &err),
                     FW_ESTATE);
    assert_string_equal(fw_error_message(err),
                        "enquiry EQ-20260315-000001 is received: it cannot assess (a step of complaints only)");
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw_service_case_investigate(ctx, cp, NULL, 0, &err), FW_ESTATE);
    assert_string_equal(fw_error_message(err), "complaint CP-20260315-000002 is received: it cannot investigate");
    fw_error_free(err);
    err = NULL;
    step(ctx, fw_service_case_acknowledge, cp, NULL);
    step(ctx, fw_service_case_assess, cp, "{\"severity\":\"high\",\"priority\":1}");
    assert_int_equal(fw_service_case_respond(ctx, cp, "{\"response\":\"sorry\"}", (size_t)-1, &err), FW_EINVAL);
    assert_string_equal(fw_error_path(err), "$.cause");
    fw_error_free(err);
    err = NULL;
    assert_int_equal(fw_service_case_respond(ctx, cp, "{\"response\":\"x\",\"cause\":\"c\",\"priority\":1}",
                                             (size_t)-1, &err), FW_EINVAL);
    assert_string_equal(fw_error_path(err), "$.priority");
    fw_error_free(err);
    err = NULL;
    assert_int_equal(count(ctx, "SELECT state FROM fw_service_case WHERE id=2"), FW_SERVICE_ASSESSED);
    assert_int_equal(count(ctx, "SELECT count(*) FROM fw_service_case WHERE responded_ms IS NOT NULL"), 0);
    /* Reassessment moved the limits: high = respond within 3 days of receipt. */
    assert_int_equal(count(ctx, "SELECT respond_due_ms - received_ms FROM fw_service_case WHERE id=2"), 72 * H);
    /* An enquiry is answered without assessment. */
    step(ctx, fw_service_case_respond, eq, "{\"response\":\"within 3 working days\",\"remedy\":\"information\"}");
    step(ctx, fw_service_case_close, eq, NULL);
    assert_int_equal(count(ctx, "SELECT state FROM fw_service_case WHERE id=1"), FW_SERVICE_CLOSED);
}

/* R-6.e, R-8.2.a: time limits on the injected clock, overdue detection, escalation. */
static void overdue_detection_and_escalation(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    fw_id id = open_case(ctx, COMPLAINT);
    char *json = NULL;

    test_clock_advance(23 * H);
    assert_rc(fw_service_overdue(ctx, &json, NULL, &err), FW_OK, &err);
    assert_string_equal(json, "[]");
    fw_free(json);

    test_clock_advance(2 * H);   /* 25 h: the 24 h acknowledgement limit is 1 h past */
    assert_rc(fw_service_overdue(ctx, &json, NULL, &err), FW_OK, &err);
    assert_string_equal(json, "[{\"case_id\":1,\"number\":\"CP-20260315-000001\",\"kind\":\"complaint\","
                              "\"step\":\"acknowledge\",\"due_ms\":1773626400000,\"late_ms\":3600000,"
                              "\"escalation_level\":0}]");
    fw_free(json);

    step(ctx, fw_service_case_escalate, id, "{\"reason\":\"acknowledgement late\",\"to\":\"duty manager\"}");
    step(ctx, fw_service_case_escalate, id, "{\"reason\":\"still late\"}");
    test_actor(ctx, FW_ROLE_WORKER, 7);     /* the complainant may escalate too */
    step(ctx, fw_service_case_escalate, id, "{\"reason\":\"no answer\"}");
    test_actor(ctx, FW_ROLE_ADMIN, 0);
    assert_int_equal(fw_service_case_escalate(ctx, id, "{\"reason\":\"again\"}", (size_t)-1, &err), FW_ESTATE);
    assert_string_equal(fw_error_message(err), "case CP-20260315-000001 is already at the highest escalation level 3");
    fw_error_free(err);
    err = NULL;

    step(ctx, fw_service_case_acknowledge, id, NULL);
    assert_rc(fw_service_overdue(ctx, &json, NULL, &err), FW_OK, &err);
    assert_string_equal(json, "[]");
    fw_free(json);
    test_clock_set(TEST_CLOCK_START + 8 * 24 * H);   /* respond limit (7 days) passed by 1 day */
    assert_rc(fw_service_overdue(ctx, &json, NULL, &err), FW_OK, &err);
    assert_string_equal(json, "[{\"case_id\":1,\"number\":\"CP-20260315-000001\",\"kind\":\"complaint\","
                              "\"step\":\"respond\",\"due_ms\":1774144800000,\"late_ms\":86400000,"
                              "\"escalation_level\":3}]");
    fw_free(json);
}

/* R-6.f: incidents with an emergency plan, escalation levels, actions and closure. */
static void incident_with_plan_and_escalation(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    fw_id id = 0;
    char *json = NULL;

    assert_rc(fw_service_plan_set(ctx, "{\"code\":\"PAY-DOWN\",\"title\":\"payment channel outage\","
                                       "\"severity\":\"critical\",\"steps\":[\"switch channel\",\"notify enterprises\"]}",
                                  (size_t)-1, &err), FW_OK, &err);
    assert_rc(fw_service_incident_open(ctx, "{\"kind\":\"emergency\",\"severity\":\"critical\",\"title\":\"bank "
                                            "channel down\",\"plan\":\"NOPE\",\"note\":\"x\"}", (size_t)-1, &id, &err),
              FW_ENOTFOUND, &err);
    assert_rc(fw_service_incident_open(ctx, "{\"kind\":\"emergency\",\"severity\":\"critical\",\"title\":\"bank "
                                            "channel down\",\"plan\":\"PAY-DOWN\",\"note\":\"payouts failing\"}",
                                       (size_t)-1, &id, &err), FW_OK, &err);
    test_clock_advance(H);
    assert_rc(fw_service_incident_escalate(ctx, id, "{\"level\":2,\"note\":\"over 1 h\"}", (size_t)-1, &err),
              FW_OK, &err);
    assert_rc(fw_service_incident_escalate(ctx, id, "{\"level\":1,\"note\":\"down\"}", (size_t)-1, &err),
              FW_ESTATE, &err);
    assert_rc(fw_service_incident_log(ctx, id, "{\"action\":\"switch channel\",\"note\":\"backup bank\"}",
                                      (size_t)-1, &err), FW_OK, &err);
    assert_rc(fw_service_incident_close(ctx, id, "{\"resolution\":\"channel restored\"}", (size_t)-1, &err),
              FW_OK, &err);
    assert_rc(fw_service_incident_close(ctx, id, "{\"resolution\":\"again\"}", (size_t)-1, &err), FW_ESTATE, &err);
    assert_rc(fw_service_incident_get(ctx, id, &json, NULL, &err), FW_OK, &err);
    assert_string_equal(json, "{\"id\":1,\"kind\":\"emergency\",\"severity\":\"critical\",\"title\":\"bank channel down\","
        "\"plan\":\"PAY-DOWN\",\"plan_steps\":[\"switch channel\",\"notify enterprises\"],\"level\":2,"
        "\"opened_ms\":1773540000000,\"closed_ms\":1773543600000,\"resolution\":\"channel restored\",\"events\":["
        "{\"at_ms\":1773540000000,\"action\":\"opened\",\"level\":0,\"note\":\"payouts failing\"},"
        "{\"at_ms\":1773543600000,\"action\":\"escalated\",\"level\":2,\"note\":\"over 1 h\"},"
        "{\"at_ms\":1773543600000,\"action\":\"switch channel\",\"level\":2,\"note\":\"backup bank\"},"
        "{\"at_ms\":1773543600000,\"action\":\"closed\",\"level\":2,\"note\":\"channel restored\"}]}");
    fw_free(json);
}

/* .c: corrective actions with verification of effect; an ineffective one reopens. */
static void corrective_action_follow_up(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    fw_id a = 0;

    open_case(ctx, COMPLAINT);
    assert_rc(fw_service_action_open(ctx, "{\"cause\":\"late_payout\",\"description\":\"daily payout batch\","
                                          "\"owner\":\"ops lead\",\"due\":\"2026-04-15\",\"case_ids\":[1,9]}",
                                     (size_t)-1, &a, &err), FW_ENOTFOUND, &err);
    assert_int_equal(count(ctx, "SELECT count(*) FROM fw_service_action"), 0);
    assert_rc(fw_service_action_open(ctx, "{\"cause\":\"late_payout\",\"description\":\"daily payout batch\","
                                          "\"owner\":\"ops lead\",\"due\":\"2026-04-15\",\"case_ids\":[1]}",
                                     (size_t)-1, &a, &err), FW_OK, &err);
    assert_rc(fw_service_action_verify(ctx, a, "{\"effective\":true,\"note\":\"x\"}", (size_t)-1, &err), FW_ESTATE, &err);
    assert_rc(fw_service_action_complete(ctx, a, "{\"result\":\"batch runs at 10:00\"}", (size_t)-1, &err), FW_OK, &err);
    assert_rc(fw_service_action_verify(ctx, a, "{\"effective\":false,\"note\":\"still late\"}", (size_t)-1, &err),
              FW_EINVAL, &err);
    assert_rc(fw_service_action_verify(ctx, a, "{\"effective\":false,\"note\":\"still late\",\"due\":\"2026-05-15\"}",
                                       (size_t)-1, &err), FW_OK, &err);
    assert_int_equal(count(ctx, "SELECT state FROM fw_service_action"), 1);
    assert_int_equal(count(ctx, "SELECT rounds FROM fw_service_action"), 2);
    assert_rc(fw_service_action_complete(ctx, a, "{\"result\":\"two batches a day\"}", (size_t)-1, &err), FW_OK, &err);
    assert_rc(fw_service_action_verify(ctx, a, "{\"effective\":true,\"note\":\"no late payouts in April\"}",
                                       (size_t)-1, &err), FW_OK, &err);
    assert_int_equal(count(ctx, "SELECT state FROM fw_service_action"), 3);
}

/* The crafted month of the KPI and report tests: four complaints and an enquiry in March 2026,
 * one complaint in February. */
static void crafted_month(fw_ctx *ctx)
{
    int64_t base = cst(2026, 3, 2);
    fw_id c3, c4, e1, dummy = 0;
    fw_error *err = NULL;

    test_clock_set(cst(2026, 2, 10));
    handle(ctx, open_case(ctx, COMPLAINT), cst(2026, 2, 10), 1, 2, 3, "late_payout", 5);

    test_clock_set(base);
    handle(ctx, open_case(ctx, COMPLAINT), base, 1, 48, 72, "late_payout", 5);
    test_clock_set(base + 24 * H);
    handle(ctx, open_case(ctx, COMPLAINT), base + 24 * H, 30, 96, 120, "late_payout", 3);
    test_clock_set(base + 48 * H);
    c3 = open_case(ctx, COMPLAINT);
    handle(ctx, c3, base + 48 * H, 2, 24, 48, "rude_support", 4);
    test_clock_set(base + 98 * H);
    step(ctx, fw_service_case_reopen, c3, "{\"reason\":\"the answer was wrong\"}");
    test_clock_set(base + 48 * H + 55 * H);
    step(ctx, fw_service_case_respond, c3, "{\"response\":\"corrected\",\"remedy\":\"apology\",\"cause\":\"rude_support\"}");
    step(ctx, fw_service_case_decide, c3, "{\"decision\":\"apology\",\"accepted\":true}");
    test_clock_set(base + 48 * H + 60 * H);
    step(ctx, fw_service_case_close, c3, "{\"satisfaction\":2}");
    test_clock_set(base + 110 * H);
    c4 = open_case(ctx, COMPLAINT);
    test_clock_set(base + 111 * H);
    step(ctx, fw_service_case_escalate, c4, "{\"reason\":\"urgent\"}");
    test_clock_set(base + 112 * H);
    e1 = open_case(ctx, "{\"kind\":\"enquiry\",\"party_kind\":\"enterprise\",\"party_id\":3,\"channel\":\"web\","
                        "\"category\":\"invoice\",\"title\":\"q\",\"description\":\"q\"}");
    test_clock_set(base + 113 * H);
    step(ctx, fw_service_case_respond, e1, "{\"response\":\"a\"}");
    step(ctx, fw_service_case_close, e1, NULL);
    assert_rc(fw_service_evaluate(ctx, "{\"party_kind\":\"enterprise\",\"party_id\":3,\"process\":\"payout\","
                                       "\"score\":4}", (size_t)-1, &dummy, &err), FW_OK, &err);
    test_clock_set(cst(2026, 3, 31) + 12 * H);
}

/* .d, R-8.2.a: KPI figures of a crafted month. */
static void kpis_of_a_crafted_month(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    char *json = NULL;

    crafted_month(ctx);
    assert_rc(fw_service_kpis(ctx, "2026-03", "{\"orders\":2000}", (size_t)-1, &json, NULL, &err), FW_OK, &err);
    assert_string_equal(json, "{\"period\":\"2026-03\",\"complaints\":4,\"enquiries\":1,\"acknowledged\":3,"
        "\"ack_in_time_pct_x100\":5000,\"ack_ms_median\":7200000,\"ack_ms_p90\":108000000,"
        "\"respond_ms_median\":198000000,\"respond_ms_p90\":345600000,"
        "\"close_ms_median\":259200000,\"close_ms_p90\":432000000,\"closed\":3,"
        "\"closed_in_time_pct_x100\":7500,\"reopen_rate_pct_x100\":2500,\"escalation_rate_pct_x100\":2500,"
        "\"satisfaction_count\":3,\"satisfaction_avg_x100\":333,\"complaints_per_1000_orders_x100\":200,"
        "\"overdue_open\":1}");
    fw_free(json);
    assert_rc(fw_service_kpis(ctx, "2026-3", NULL, 0, &json, NULL, &err), FW_EINVAL, &err);
    assert_rc(fw_service_kpis(ctx, "2026-03", "{\"orders\":-1}", (size_t)-1, &json, NULL, &err), FW_EINVAL, &err);
}

/* .b, R-8.2.d, R-8.1.b: the monthly report with trend, cause analysis, supervision, incidents, actions. */
static void quality_report_of_a_crafted_month(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    char *json = NULL, *html = NULL;
    fw_id a = 0;

    assert_rc(fw_service_checkpoint_define(ctx, "{\"code\":\"ack_in_time\",\"title\":\"cases acknowledged within 24 h\","
                                                "\"start_action\":\"service.case_open\",\"end_action\":"
                                                "\"service.case_acknowledge\",\"max_ms\":86400000}", (size_t)-1, &err),
              FW_OK, &err);
    crafted_month(ctx);
    assert_rc(fw_service_action_open(ctx, "{\"cause\":\"rude_support\",\"description\":\"training\",\"owner\":\"lead\","
                                          "\"due\":\"2026-04-15\",\"case_ids\":[4]}", (size_t)-1, &a, &err), FW_OK, &err);

    assert_rc(fw_service_report(ctx, "2026-03", "{\"orders\":2000,\"previous_orders\":1000}", (size_t)-1, &json, NULL,
                                &err), FW_OK, &err);
    assert_non_null(strstr(json, "\"previous\":{\"period\":\"2026-02\",\"complaints\":1,"));
    assert_non_null(strstr(json, "\"trend\":{\"complaints\":3,\"enquiries\":1,\"acknowledged\":2,"
                                 "\"ack_in_time_pct_x100\":-5000,"));
    assert_non_null(strstr(json, "\"complaints_per_1000_orders_x100\":100,\"overdue_open\":1}"));
    assert_non_null(strstr(json, "\"causes\":[{\"cause\":\"late_payout\",\"count\":2,\"previous\":1,\"change\":1,"
                                 "\"open_actions\":0,\"needs_action\":true},{\"cause\":\"rude_support\",\"count\":1,"
                                 "\"previous\":0,\"change\":1,\"open_actions\":1,\"needs_action\":false}]"));
    assert_non_null(strstr(json, "\"categories\":{\"payout\":4}"));
    assert_non_null(strstr(json, "\"satisfaction\":{\"complaint_handling\":{\"count\":4,\"avg_x100\":350},"
                                 "\"payout\":{\"count\":1,\"avg_x100\":400}}"));
    assert_non_null(strstr(json, "\"corrective_actions\":{\"opened\":1,\"completed\":0,\"verified_effective\":0,"
                                 "\"ineffective\":0,\"overdue_now\":0}"));
    assert_non_null(strstr(json, "\"supervision\":[{\"code\":\"ack_in_time\",\"title\":\"cases acknowledged within 24 h\","
                                 "\"max_ms\":86400000,\"started\":5,\"passed\":2,\"late\":1,\"missing\":2,\"pending\":0,"));
    fw_free(json);

    assert_rc(fw_service_report_html(ctx, "2026-03", NULL, 0, &html, NULL, &err), FW_OK, &err);
    assert_non_null(strstr(html, "<h1>Service quality report 2026-03</h1>"));
    assert_non_null(strstr(html, "<tr><td>acknowledged within the limit</td><td>50.00%</td></tr>"));
    assert_non_null(strstr(html, "<tr><td>satisfaction (1-5)</td><td>3.33</td></tr>"));
    assert_non_null(strstr(html, "<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert_non_null(strstr(html, ">late_payout</text><rect x=\"180\" y=\"6\" width=\"400\""));
    assert_null(strstr(html, "<script"));
    fw_free(html);
}

/* .a: satisfaction evaluations are validated; complaint handling is evaluated on closed cases only. */
static void evaluations_are_validated(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    fw_id id = 0, c = open_case(ctx, COMPLAINT);

    (void)c;
    assert_rc(fw_service_evaluate(ctx, "{\"party_kind\":\"worker\",\"party_id\":7,\"process\":\"payout\",\"score\":6}",
                                  (size_t)-1, &id, &err), FW_EINVAL, &err);
    assert_int_equal(fw_service_evaluate(ctx, "{\"party_kind\":\"worker\",\"party_id\":7,\"process\":"
                                              "\"complaint_handling\",\"score\":3,\"case_id\":1}", (size_t)-1, &id, &err),
                     FW_ESTATE);
    assert_string_equal(fw_error_message(err),
                        "$.case_id: case CP-20260315-000001 is received: its handling is evaluated once closed");
    fw_error_free(err);
    err = NULL;
    assert_rc(fw_service_evaluate(ctx, "{\"party_kind\":\"worker\",\"party_id\":8,\"process\":"
                                       "\"complaint_handling\",\"score\":3,\"case_id\":1}", (size_t)-1, &id, &err),
              FW_ENOTFOUND, &err);
    test_actor(ctx, FW_ROLE_WORKER, 7);
    assert_rc(fw_service_evaluate(ctx, "{\"party_kind\":\"worker\",\"party_id\":7,\"process\":\"task\",\"score\":5,"
                                       "\"comment\":\"smooth\"}", (size_t)-1, &id, &err), FW_OK, &err);
    assert_rc(fw_service_evaluate(ctx, "{\"party_kind\":\"worker\",\"party_id\":8,\"process\":\"task\",\"score\":1}",
                                  (size_t)-1, &id, &err), FW_EPERM, &err);
    assert_int_equal(count(ctx, "SELECT count(*) FROM fw_service_evaluation"), 1);
}

/* R-6.e: time limits are configurable per severity; a case opened as critical takes them. */
static void time_limits_are_configurable(void **state)
{
    fw_ctx *ctx = *state;
    fw_error *err = NULL;
    int64_t bad;
    fw_id id;

    assert_int_equal(fw_service_sla_set(ctx, "{\"severity\":\"critical\",\"ack_ms\":3600000,\"respond_ms\":60000,"
                                             "\"close_ms\":86400000}", (size_t)-1, &err), FW_EINVAL);
    assert_string_equal(fw_error_path(err), "$.respond_ms");
    fw_error_free(err);
    err = NULL;
    assert_rc(fw_service_sla_set(ctx, "{\"severity\":\"critical\",\"ack_ms\":1800000,\"respond_ms\":7200000,"
                                      "\"close_ms\":86400000}", (size_t)-1, &err), FW_OK, &err);
    test_actor(ctx, FW_ROLE_ENTERPRISE_USER, 3);
    id = open_case(ctx, "{\"kind\":\"complaint\",\"party_kind\":\"enterprise\",\"party_id\":3,\"channel\":\"phone\","
                        "\"category\":\"payout\",\"title\":\"batch failed\",\"description\":\"500 payouts failed\","
                        "\"severity\":\"critical\"}");
    assert_rc(fw_service_case_open(ctx, "{\"kind\":\"complaint\",\"party_kind\":\"enterprise\",\"party_id\":4,"
                                        "\"channel\":\"phone\",\"category\":\"x\",\"title\":\"x\",\"description\":\"x\"}",
                                   (size_t)-1, &bad, &err), FW_EPERM, &err);
    assert_int_equal(count(ctx, "SELECT ack_due_ms - received_ms FROM fw_service_case"), 1800000);
    assert_int_equal(count(ctx, "SELECT respond_due_ms - received_ms FROM fw_service_case"), 7200000);
    assert_int_equal(count(ctx, "SELECT priority FROM fw_service_case"), 1);
    assert_rc(fw_service_case_acknowledge(ctx, id, NULL, 0, &err), FW_EPERM, &err);
    test_actor(ctx, FW_ROLE_AUDITOR, 0);
    {
        int64_t first_bad = -1;
        assert_rc(fw_audit_verify(ctx, &first_bad, &err), FW_OK, &err);
        assert_int_equal(first_bad, 0);
    }
    assert_int_equal(fw_ctx_schema_version(ctx, "service"), 1);
}

TEST_MAIN(
    cmocka_unit_test_setup_teardown(complaint_end_to_end, test_setup_admin, test_teardown_ctx),
    cmocka_unit_test_setup_teardown(wrong_steps_are_refused, test_setup_admin, test_teardown_ctx),
    cmocka_unit_test_setup_teardown(overdue_detection_and_escalation, test_setup_admin, test_teardown_ctx),
    cmocka_unit_test_setup_teardown(incident_with_plan_and_escalation, test_setup_admin, test_teardown_ctx),
    cmocka_unit_test_setup_teardown(corrective_action_follow_up, test_setup_admin, test_teardown_ctx),
    cmocka_unit_test_setup_teardown(kpis_of_a_crafted_month, test_setup_admin, test_teardown_ctx),
    cmocka_unit_test_setup_teardown(quality_report_of_a_crafted_month, test_setup_admin, test_teardown_ctx),
    cmocka_unit_test_setup_teardown(evaluations_are_validated, test_setup_admin, test_teardown_ctx),
    cmocka_unit_test_setup_teardown(time_limits_are_configurable, test_setup_admin, test_teardown_ctx))
