/*
 * fwk training: instructors, courses, sessions, enrolment, attendance and assessment.
 * A passing score issues a certificate that tasks may require.
 */
#include <stdio.h>
#include <string.h>

#include "fwk.h"

/* The verbs that add a record from --json and print its id. */
static int add_with(struct fwk *f, fw_error **err, const char *what,
                    int (*add)(fw_ctx *, const char *, size_t, fw_id *, fw_error **))
{
    const char *json;
    size_t len;
    fw_id id = 0;
    int rc;

    if ((rc = fwk_json(f, &json, &len)) != FW_OK || (rc = add(f->ctx, json, len, &id, err)) != FW_OK)
        return rc;
    return fwk_printf("{\"%s_id\":%lld}", what, (long long)id);
}

static int instructor_add(struct fwk *f, fw_error **err)
{
    return add_with(f, err, "instructor", fw_training_instructor_add);
}

static int course_add(struct fwk *f, fw_error **err)
{
    return add_with(f, err, "course", fw_training_course_add);
}

static int session_add(struct fwk *f, fw_error **err)
{
    return add_with(f, err, "session", fw_training_session_add);
}

static int course_get(struct fwk *f, fw_error **err)
{
    char *out = NULL;
    size_t len = 0;
    int64_t id;
    int rc;

    if ((rc = fwk_arg_i64(f, 0, &id)) != FW_OK || (rc = fw_training_course_get(f->ctx, id, &out, &len, err)) != FW_OK)
        return rc;
    return fwk_print_owned(out, len);
}

static int enrol(struct fwk *f, fw_error **err)
{
    int64_t session, worker;
    fw_id id = 0;
    int rc;

    if ((rc = fwk_arg_i64(f, 0, &session)) != FW_OK || (rc = fwk_arg_i64(f, 1, &worker)) != FW_OK ||
        (rc = fw_training_enrol(f->ctx, session, worker, &id, err)) != FW_OK)
        return rc;
    return fwk_printf("{\"enrolment_id\":%lld,\"session_id\":%lld,\"worker_id\":%lld}", (long long)id,
                      (long long)session, (long long)worker);
}

/* ATTENDED is "yes" or "no". */
static int attend(struct fwk *f, fw_error **err)
{
    int64_t id;
    uint32_t yes;
    int rc;

    if ((rc = fwk_arg_i64(f, 0, &id)) != FW_OK)
        return rc;
    if (strcmp(f->argv[1], "yes") != 0 && strcmp(f->argv[1], "no") != 0)
        return FWK_USAGE;
    yes = strcmp(f->argv[1], "yes") == 0;
    if ((rc = fw_training_attend(f->ctx, id, yes, err)) != FW_OK)
        return rc;
    return fwk_printf("{\"enrolment_id\":%lld,\"state\":\"%s\"}", (long long)id, yes ? "attended" : "absent");
}

static int assess(struct fwk *f, fw_error **err)
{
    int64_t id, score;
    fw_id cert = 0;
    int rc;

    if ((rc = fwk_arg_i64(f, 0, &id)) != FW_OK || (rc = fwk_arg_i64(f, 1, &score)) != FW_OK)
        return rc;
    if (score < 0 || score > 100) {
        fprintf(stderr, "fwk: %s: SCORE is 0..100, got %lld\n", f->what, (long long)score);
        return FWK_USAGE;
    }
    if ((rc = fw_training_assess(f->ctx, id, (uint32_t)score, &cert, err)) != FW_OK)
        return rc;
    return fwk_printf("{\"enrolment_id\":%lld,\"score\":%lld,\"passed\":%s,\"certificate_id\":%lld}", (long long)id,
                      (long long)score, cert ? "true" : "false", (long long)cert);
}

static int certificates(struct fwk *f, fw_error **err)
{
    char *out = NULL;
    size_t len = 0;
    int64_t worker;
    int rc;

    if ((rc = fwk_arg_i64(f, 0, &worker)) != FW_OK ||
        (rc = fw_training_certificates(f->ctx, worker, &out, &len, err)) != FW_OK)
        return rc;
    return fwk_print_owned(out, len);
}

static const struct fwk_verb verbs[] = {
    { "instructor add", "", "json!", instructor_add, NULL, 0 },
    { "course add", "", "json!", course_add, "{\"code\",\"title\",\"hours\",\"pass_score\",\"validity_days\"}", 0 },
    { "course get", "COURSE_ID", "", course_get, NULL, 0 },
    { "session add", "", "json!", session_add,
      "{\"course_id\",\"instructor_id\",\"starts_ms\",\"ends_ms\",\"location\",\"capacity\"}", 0 },
    { "enrol", "SESSION_ID WORKER_ID", "", enrol, NULL, 0 },
    { "attend", "ENROLMENT_ID yes|no", "", attend, "once the session has started", 0 },
    { "assess", "ENROLMENT_ID SCORE", "", assess, "a passing score issues a certificate", 0 },
    { "certificates", "WORKER_ID", "", certificates, NULL, 0 },
};

int fwk_cmd_training(int argc, char **argv)
{
    return FWK_RUN("training", verbs, argc, argv);
}
