/*
 * Training: instructors, courses requested by enterprises, sessions,
 * enrolment, attendance, assessment, certificates with expiry and revocation.
 */
#include "../task/task_fixtures.h"

struct world {
    fw_ctx *ctx;
    fw_id ent, w1, w2, ins, course, session;
};

static int setup(void **state)
{
    struct world *w = calloc(1, sizeof(*w));
    fw_error *err = NULL;
    char buf[512];

    test_setup_admin((void **)&w->ctx);
    w->ent = active_enterprise(w->ctx, ENT1);
    w->w1 = verified_worker(w->ctx, WORKER_JSON("张三", ID_1990, CARD, "self"));
    w->w2 = verified_worker(w->ctx, WORKER_JSON("李四", ID_1985, CARD, "self"));
    assert_rc(fw_training_instructor_add(w->ctx, "{\"name\":\"陈静\",\"title\":\"高级讲师\",\"specialties\":[\"安全\"],"
                                         "\"qualifications\":[{\"kind\":\"teacher\",\"sha256\":"
                                         "\"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\"}]}",
                                         (size_t)-1, &w->ins, &err), FW_OK, &err);
    assert_rc(fw_training_course_add(w->ctx, "{\"code\":\"SAFE-1\",\"title\":\"高处作业安全\",\"hours\":16,"
                                     "\"pass_score\":70,\"validity_days\":365}", (size_t)-1, &w->course, &err),
              FW_OK, &err);
    snprintf(buf, sizeof(buf), "{\"course_id\":%lld,\"instructor_id\":%lld,\"starts_ms\":%lld,\"ends_ms\":%lld,"
             "\"location\":\"杭州培训中心\",\"capacity\":2}", (long long)w->course, (long long)w->ins,
             (long long)(test_clock_ms + DAY), (long long)(test_clock_ms + DAY + 8 * HOUR));
    assert_rc(fw_training_session_add(w->ctx, buf, (size_t)-1, &w->session, &err), FW_OK, &err);
    *state = w;
    return 0;
}

static int teardown(void **state)
{
    struct world *w = *state;
    fw_ctx_free(w->ctx);
    free(w);
    return 0;
}

static int has_cert(fw_ctx *ctx, fw_id worker, const char *code, int64_t at)
{
    int has = -1;
    assert_int_equal(fw__training_worker_has_certificate(ctx, worker, code, at, &has, NULL), FW_OK);
    return has;
}

/* an instructor's name is personal data: sealed, never in the audit log. */
static void instructor_name_is_sealed(void **state)
{
    struct world *w = *state;
    fw_error *err = NULL;
    fw_id id = 0;

    assert_audit_lacks(w->ctx, "陈静");
    assert_int_equal(count_rows(w->ctx, "SELECT count(*) FROM fw_training_instructor WHERE instr(pii, '陈静') > 0"), 0);
    assert_refused(fw_training_instructor_add(w->ctx, "{\"name\":\"\"}", (size_t)-1, &id, &err), FW_EINVAL, &err, "$.name");
    assert_refused(fw_training_instructor_add(w->ctx, "{\"name\":\"王\",\"qualifications\":[{\"kind\":\"x\","
                                              "\"sha256\":\"zz\"}]}", (size_t)-1, &id, &err), FW_EINVAL, &err,
                   "$.qualifications[0].sha256");
    test_actor(w->ctx, FW_ROLE_WORKER, w->w1);
    assert_refused(fw_training_instructor_add(w->ctx, "{\"name\":\"王\"}", (size_t)-1, &id, &err), FW_EPERM, &err, "");
    assert_int_equal(id, 0);
}

/* an enterprise requests a course for its tasks' demand; a course fulfils the request. */
static void enterprise_requests_a_course(void **state)
{
    struct world *w = *state;
    fw_error *err = NULL;
    fw_id req = 0, other = 0, course = 0;
    char buf[256], *out = NULL;
    cJSON *o;

    test_actor(w->ctx, FW_ROLE_ENTERPRISE_USER, w->ent);
    assert_rc(fw_training_course_request(w->ctx, w->ent, "{\"title\":\"UI 规范培训\",\"reason\":\"下季度设计任务\","
                                         "\"headcount\":20,\"task_categories\":[\"DESIGN\"]}", (size_t)-1, &req, &err),
              FW_OK, &err);
    assert_refused(fw_training_course_request(w->ctx, 99, "{\"title\":\"x\",\"reason\":\"y\",\"headcount\":1}",
                                              (size_t)-1, &other, &err), FW_EPERM, &err, "another enterprise");
    o = get_json(fw_training_request_list(w->ctx, w->ent, &out, NULL, NULL), &out);
    assert_int_equal(cJSON_GetArraySize(o), 1);
    assert_string_equal(jstr(cJSON_GetArrayItem(o, 0), "state_name", NULL), "open");
    cJSON_Delete(o);
    assert_refused(fw_training_course_add(w->ctx, "{\"code\":\"UI-1\",\"title\":\"t\",\"hours\":1,\"pass_score\":1,"
                                          "\"validity_days\":0}", (size_t)-1, &course, &err), FW_EPERM, &err, "");

    test_actor(w->ctx, FW_ROLE_ADMIN, 0);
    snprintf(buf, sizeof(buf), "{\"code\":\"UI-1\",\"title\":\"UI 规范\",\"hours\":4,\"pass_score\":60,"
             "\"validity_days\":0,\"request_id\":%lld}", (long long)req);
    assert_rc(fw_training_course_add(w->ctx, buf, (size_t)-1, &course, &err), FW_OK, &err);
    o = get_json(fw_training_request_list(w->ctx, 0, &out, NULL, NULL), &out);
    assert_string_equal(jstr(cJSON_GetArrayItem(o, 0), "state_name", NULL), "fulfilled");
    assert_int_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(o, 0), "course_id")->valuedouble, course);
    cJSON_Delete(o);
    o = get_json(fw_training_course_get(w->ctx, course, &out, NULL, NULL), &out);
    assert_int_equal(cJSON_GetObjectItem(o, "request_id")->valuedouble, req);
    cJSON_Delete(o);
    snprintf(buf, sizeof(buf), "{\"code\":\"UI-2\",\"title\":\"t\",\"hours\":4,\"pass_score\":60,\"validity_days\":0,"
             "\"request_id\":%lld}", (long long)req);
    assert_refused(fw_training_course_add(w->ctx, buf, (size_t)-1, &other, &err), FW_ESTATE, &err, "already fulfilled");
    assert_refused(fw_training_course_add(w->ctx, "{\"code\":\"UI-1\",\"title\":\"t\",\"hours\":4,\"pass_score\":60,"
                                          "\"validity_days\":0}", (size_t)-1, &other, &err), FW_EEXISTS, &err, "UI-1");
    assert_refused(fw_training_course_add(w->ctx, "{\"code\":\"ui 1\",\"title\":\"t\",\"hours\":4,\"pass_score\":60,"
                                          "\"validity_days\":0}", (size_t)-1, &other, &err), FW_EINVAL, &err, "$.code");
    assert_int_equal(other, 0);
}

/* enrol, attend, pass: a certificate valid until it expires or is revoked. */
static void pass_issues_an_expiring_certificate(void **state)
{
    struct world *w = *state;
    fw_error *err = NULL;
    fw_id e1 = 0, e2 = 0, cert = 0, none = 7;
    int64_t issued;
    char *out = NULL;
    cJSON *o;

    test_actor(w->ctx, FW_ROLE_WORKER, w->w1);
    assert_rc(fw_training_enrol(w->ctx, w->session, w->w1, &e1, &err), FW_OK, &err);
    assert_refused(fw_training_enrol(w->ctx, w->session, w->w2, &e2, &err), FW_EPERM, &err, "another person");
    test_actor(w->ctx, FW_ROLE_ADMIN, 0);
    assert_refused(fw_training_enrol(w->ctx, w->session, w->w1, &e2, &err), FW_EEXISTS, &err, "already enrolled");
    assert_rc(fw_training_enrol(w->ctx, w->session, w->w2, &e2, &err), FW_OK, &err);
    assert_refused(fw_training_attend(w->ctx, e1, 1, &err), FW_ESTATE, &err, "has not started");
    assert_refused(fw_training_assess(w->ctx, e1, 90, &cert, &err), FW_ESTATE, &err, "is enrolled");

    test_clock_advance(DAY + HOUR);
    assert_rc(fw_training_attend(w->ctx, e1, 1, &err), FW_OK, &err);
    assert_rc(fw_training_attend(w->ctx, e2, 1, &err), FW_OK, &err);
    assert_refused(fw_training_attend(w->ctx, e1, 0, &err), FW_ESTATE, &err, "is attended");
    assert_refused(fw_training_assess(w->ctx, e2, 101, &none, &err), FW_EINVAL, &err, "0 to 100");
    assert_rc(fw_training_assess(w->ctx, e2, 69, &none, &err), FW_OK, &err);       /* one point short */
    assert_int_equal(none, 0);
    issued = test_clock_ms;
    assert_rc(fw_training_assess(w->ctx, e1, 70, &cert, &err), FW_OK, &err);
    assert_true(cert > 0);
    assert_refused(fw_training_assess(w->ctx, e1, 80, &cert, &err), FW_ESTATE, &err, "is passed");

    assert_int_equal(has_cert(w->ctx, w->w1, "SAFE-1", issued - 1), 0);
    assert_int_equal(has_cert(w->ctx, w->w1, "SAFE-1", issued), 1);
    assert_int_equal(has_cert(w->ctx, w->w1, "SAFE-1", issued + 365 * DAY - 1), 1);
    assert_int_equal(has_cert(w->ctx, w->w1, "SAFE-1", issued + 365 * DAY), 0);
    assert_int_equal(has_cert(w->ctx, w->w2, "SAFE-1", issued), 0);
    assert_int_equal(has_cert(w->ctx, w->w1, "OTHER", issued), 0);

    o = get_json(fw_training_certificates(w->ctx, w->w1, &out, NULL, NULL), &out);
    assert_int_equal(cJSON_GetArraySize(o), 1);
    assert_int_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(o, 0), "expires_ms")->valuedouble,
                     (double)(issued + 365 * DAY));
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetArrayItem(o, 0), "valid")));
    cJSON_Delete(o);
    o = get_json(fw_training_enrolments(w->ctx, w->w2, &out, NULL, NULL), &out);
    assert_string_equal(jstr(cJSON_GetArrayItem(o, 0), "state_name", NULL), "failed");
    assert_int_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(o, 0), "score")->valuedouble, 69);
    cJSON_Delete(o);

    test_clock_advance(HOUR);
    assert_rc(fw_training_certificate_revoke(w->ctx, cert, "考核舞弊", &err), FW_OK, &err);
    assert_refused(fw_training_certificate_revoke(w->ctx, cert, "again", &err), FW_ESTATE, &err, "already revoked");
    assert_int_equal(has_cert(w->ctx, w->w1, "SAFE-1", test_clock_ms), 0);
    assert_int_equal(has_cert(w->ctx, w->w1, "SAFE-1", issued), 1);   /* it was valid before the revocation */
}

/* Sessions have a capacity and close for enrolment when they start; absent is recorded too. */
static void capacity_start_and_absence(void **state)
{
    struct world *w = *state;
    fw_error *err = NULL;
    fw_id e = 0, w3 = verified_worker(w->ctx, WORKER_JSON("王五", "110105197001011233", CARD, "self")), cert = 5;

    assert_rc(fw_training_enrol(w->ctx, w->session, w->w1, &e, &err), FW_OK, &err);
    assert_rc(fw_training_enrol(w->ctx, w->session, w->w2, &e, &err), FW_OK, &err);
    assert_refused(fw_training_enrol(w->ctx, w->session, w3, &e, &err), FW_ELIMIT, &err, "is full (2 places)");
    test_clock_advance(DAY);
    assert_rc(fw_training_attend(w->ctx, e, 0, &err), FW_OK, &err);
    assert_refused(fw_training_assess(w->ctx, e, 100, &cert, &err), FW_ESTATE, &err, "is absent");
    assert_int_equal(cert, 5);
    assert_refused(fw_training_enrol(w->ctx, w->session, w3, &e, &err), FW_ESTATE, &err, "has started");
    assert_refused(fw_training_enrol(w->ctx, 99, w3, &e, &err), FW_ENOTFOUND, &err, "no training session 99");
    assert_refused(fw_training_attend(w->ctx, e, 2, &err), FW_EINVAL, &err, "must be 0");
}

/* A user of an enterprise the worker is not linked to may not read the worker's certificates. */
static void certificates_readers(void **state)
{
    struct world *w = *state;
    fw_error *err = NULL;
    char *out = NULL;

    test_actor(w->ctx, FW_ROLE_ENTERPRISE_USER, w->ent);
    assert_refused(fw_training_certificates(w->ctx, w->w1, &out, NULL, &err), FW_EPERM, &err, "is not linked");
    test_actor(w->ctx, FW_ROLE_ADMIN, 0);
    assert_rc(fw__party_link_worker(w->ctx, w->w1, w->ent, &err), FW_OK, &err);
    test_actor(w->ctx, FW_ROLE_ENTERPRISE_USER, w->ent);
    assert_rc(fw_training_certificates(w->ctx, w->w1, &out, NULL, &err), FW_OK, &err);
    assert_string_equal(out, "[]");
    fw_free(out);
    out = NULL;
    test_actor(w->ctx, FW_ROLE_WORKER, w->w2);
    assert_refused(fw_training_certificates(w->ctx, w->w1, &out, NULL, &err), FW_EPERM, &err, "another person");
    assert_null(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(instructor_name_is_sealed, setup, teardown),
        cmocka_unit_test_setup_teardown(enterprise_requests_a_course, setup, teardown),
        cmocka_unit_test_setup_teardown(pass_issues_an_expiring_certificate, setup, teardown),
        cmocka_unit_test_setup_teardown(capacity_start_and_absence, setup, teardown),
        cmocka_unit_test_setup_teardown(certificates_readers, setup, teardown),
    };
    cmocka_set_message_output(CM_OUTPUT_TAP);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
