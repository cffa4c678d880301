/*
 * Demo step "task": training and the work itself (R-5.4, R-7.3, R-5.5, R-6.c, R-6.g, R-3.3.e, R-7.1).
 *
 * Trains the demo's worker (course, session, attendance, assessment, certificate), then the
 * enterprise publishes a task that requires the certificate; a reviewer approves it after the
 * business-authenticity check; the worker takes it, delivers proof of completion and the
 * enterprise accepts it, which creates the payable item the payout step pays; both sides rate.
 *
 * It builds on the enterprise and worker of the earlier steps (active enterprise, signed worker).
 * Run alone it registers and verifies its own, and stops where the cooperation agreement
 * (the contract step) is needed.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "demo.h"

#define ENT_DEMO                                                                                   \
    "{\"name\":\"杭州云帆科技有限公司\",\"uscc\":\"91330100799655058B\","                          \
    "\"legal_rep\":{\"name\":\"王建国\"},\"contact\":{\"name\":\"李四\",\"phone\":\"13812345678\"}," \
    "\"bank_account\":{\"bank\":\"中国工商银行杭州分行\",\"account_no\":\"1202020209000012345\","     \
    "\"account_name\":\"杭州云帆科技有限公司\"},\"business_scope\":\"软件开发；设计服务\","        \
    "\"industry\":\"I65\",\"qualifications\":[{\"kind\":\"business_licence\",\"sha256\":\"" SHA "\"}]}"
#define WORKER_DEMO                                                                                \
    "{\"name\":\"张三\",\"id_number\":\"110105199003071239\",\"phone\":\"13900001111\","           \
    "\"bank_card\":\"6222020200112233445\",\"channel\":\"self\"}"
#define SHA "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

static int as(fw_ctx *ctx, uint32_t role, fw_id party, fw_error **err)
{
    return fw_ctx_set_actor(ctx, role, party, "demo", err);
}

/* Without the earlier steps: an enterprise and a worker, verified by a reviewer. */
static int own_parties(struct demo *d, fw_error **err)
{
    int rc = as(d->ctx, FW_ROLE_ADMIN, 0, err);

    if (rc == FW_OK)
        rc = fw_party_enterprise_apply(d->ctx, ENT_DEMO, (size_t)-1, &d->enterprise_id, err);
    if (rc == FW_OK)
        rc = fw_party_enterprise_verify(d->ctx, d->enterprise_id, NULL, err);
    if (rc == FW_OK)
        rc = fw_party_enterprise_review(d->ctx, d->enterprise_id, "{\"decision\":\"approve\"}", (size_t)-1, err);
    if (rc == FW_OK)
        rc = fw_party_worker_register(d->ctx, WORKER_DEMO, (size_t)-1, &d->worker_id, err);
    if (rc == FW_OK)
        rc = fw_party_worker_verify(d->ctx, d->worker_id, NULL, NULL, err);
    if (rc == FW_OK)
        rc = fw_party_worker_review(d->ctx, d->worker_id, "{\"decision\":\"approve\"}", (size_t)-1, err);
    if (rc == FW_OK)
        printf("  registered and verified enterprise %lld and worker %lld\n", (long long)d->enterprise_id,
               (long long)d->worker_id);
    return rc;
}

/* Instructor, course, session; the worker enrols, attends and passes. */
static int train(struct demo *d, fw_error **err)
{
    fw_id ins = 0, course = 0, session = 0, enr = 0, cert = 0;
    char json[512];
    int64_t now = fw_ctx_now(d->ctx);
    int rc = as(d->ctx, FW_ROLE_OPERATOR, 0, err);

    if (rc == FW_OK)
        rc = fw_training_instructor_add(d->ctx, "{\"name\":\"陈静\",\"title\":\"高级讲师\",\"specialties\":[\"界面设计\"]}",
                                        (size_t)-1, &ins, err);
    if (rc == FW_OK)
        rc = fw_training_course_add(d->ctx, "{\"code\":\"UI-101\",\"title\":\"界面设计规范\",\"hours\":8,"
                                    "\"pass_score\":60,\"validity_days\":365}", (size_t)-1, &course, err);
    /* enrolment closes when the session starts, attendance opens then: start it a moment from now */
    snprintf(json, sizeof(json), "{\"course_id\":%lld,\"instructor_id\":%lld,\"starts_ms\":%lld,\"ends_ms\":%lld,"
             "\"location\":\"online\",\"capacity\":30}", (long long)course, (long long)ins, (long long)(now + 500),
             (long long)(now + 8 * 3600 * 1000LL));
    if (rc == FW_OK)
        rc = fw_training_session_add(d->ctx, json, (size_t)-1, &session, err);
    if (rc == FW_OK)
        rc = fw_training_enrol(d->ctx, session, d->worker_id, &enr, err);
    while (rc == FW_OK && fw_ctx_now(d->ctx) < now + 500) {
        struct timespec ts = { 0, 20000000 };
        nanosleep(&ts, NULL);
    }
    if (rc == FW_OK)
        rc = fw_training_attend(d->ctx, enr, 1, err);
    if (rc == FW_OK)
        rc = fw_training_assess(d->ctx, enr, 88, &cert, err);
    if (rc == FW_OK)
        printf("  course UI-101 (instructor %lld, session %lld): worker %lld attended, scored 88/100, "
               "certificate %lld valid 365 days\n", (long long)ins, (long long)session, (long long)d->worker_id,
               (long long)cert);
    return rc;
}

static int work(struct demo *d, fw_error **err)
{
    fw_task *t = NULL;
    fw_id a = 0, payable = 0;
    uint32_t flags = 0;
    int64_t avg = 0, n = 0, now = fw_ctx_now(d->ctx);
    char json[1024];
    int rc = as(d->ctx, FW_ROLE_ENTERPRISE_USER, d->enterprise_id, err);

    snprintf(json, sizeof(json),
             "{\"enterprise_id\":%lld,\"title\":\"官网首页改版设计\",\"description\":\"三套首页视觉稿，含移动端\","
             "\"category\":\"DESIGN\",\"remote\":true,\"unit_price_fen\":80000,\"slots\":3,"
             "\"qualifications\":{\"certificates\":[\"UI-101\"],\"min_rating_x100\":300},"
             "\"take_deadline_ms\":%lld,\"delivery_deadline_ms\":%lld,\"auto_accept_ms\":259200000,"
             "\"attachments\":[{\"name\":\"brief.pdf\",\"sha256\":\"" SHA "\"}]}",
             (long long)d->enterprise_id, (long long)(now + 7 * 86400000LL), (long long)(now + 14 * 86400000LL));
    if (rc == FW_OK)
        rc = fw_task_create(&t, d->ctx, json, (size_t)-1, err);
    if (rc == FW_EDENIED) {
        printf("  publication refused until the cooperation agreement is signed: %s\n", fw_error_message(*err));
        fw_error_free(*err);
        *err = NULL;
        return FW_OK;
    }
    if (rc == FW_OK) {
        d->task_id = fw_task_id(t);
        rc = fw_task_submit(d->ctx, d->task_id, &flags, err);
    }
    if (rc == FW_OK)
        printf("  task %lld drafted and submitted: 3 slots at 800.00, certificate UI-101 required; "
               "authenticity check raised %u flag(s)\n", (long long)d->task_id, flags);
    if (rc == FW_OK)
        rc = as(d->ctx, FW_ROLE_REVIEWER, 0, err);
    if (rc == FW_OK)
        rc = fw_task_review(d->ctx, d->task_id, "{\"decision\":\"approve\"}", (size_t)-1, err);
    if (rc == FW_OK)
        rc = as(d->ctx, FW_ROLE_ENTERPRISE_USER, d->enterprise_id, err);
    if (rc == FW_OK)
        rc = fw_task_publish(d->ctx, d->task_id, err);
    if (rc == FW_OK)
        printf("  reviewer approved it; the enterprise published it\n");
    if (rc == FW_OK)
        rc = as(d->ctx, FW_ROLE_WORKER, d->worker_id, err);
    if (rc == FW_OK)
        rc = fw_task_take(d->ctx, d->task_id, d->worker_id, &a, err);
    snprintf(json, sizeof(json), "{\"description\":\"三套视觉稿已交付\",\"evidence\":[{\"name\":\"home-v3.fig\","
             "\"sha256\":\"" SHA "\"}],\"completed_ms\":%lld}", (long long)fw_ctx_now(d->ctx));
    if (rc == FW_OK)
        rc = fw_task_deliver(d->ctx, a, json, (size_t)-1, err);
    if (rc == FW_OK)
        printf("  worker %lld took assignment %lld and delivered proof of completion\n", (long long)d->worker_id,
               (long long)a);
    if (rc == FW_OK)
        rc = as(d->ctx, FW_ROLE_ENTERPRISE_USER, d->enterprise_id, err);
    if (rc == FW_OK)
        rc = fw_task_accept(d->ctx, a, "demo-accept-1", &payable, err);
    if (rc == FW_OK)
        rc = fw_task_evaluate(d->ctx, a, "{\"by\":\"enterprise\",\"score\":5,\"comment\":\"按时交付\"}", (size_t)-1, err);
    if (rc == FW_OK)
        rc = as(d->ctx, FW_ROLE_WORKER, d->worker_id, err);
    if (rc == FW_OK)
        rc = fw_task_evaluate(d->ctx, a, "{\"by\":\"worker\",\"score\":4,\"task_score\":5}", (size_t)-1, err);
    if (rc == FW_OK)
        rc = fw_task_rating(d->ctx, FW_TASK_RATING_WORKER, d->worker_id, &avg, &n, err);
    if (rc == FW_OK)
        printf("  enterprise accepted it: payable item %lld of 800.00 awaits payout; worker rated %lld.%02lld "
               "(%lld evaluation)\n", (long long)payable, (long long)(avg / 100), (long long)(avg % 100), (long long)n);
    fw_task_free(t);
    return rc;
}

int demo_task(struct demo *d)
{
    fw_error *err = NULL;
    int rc = FW_OK;

    if (!d->enterprise_id || !d->worker_id)
        rc = own_parties(d, &err);
    if (rc == FW_OK)
        rc = as(d->ctx, FW_ROLE_ADMIN, 0, &err);
    if (rc == FW_OK)
        rc = fw_task_category_set(d->ctx, "{\"code\":\"DESIGN\",\"name\":\"设计\",\"risk_level\":\"low\","
                                  "\"restricted\":false,\"min_unit_fen\":20000,\"max_unit_fen\":500000,"
                                  "\"scope_keywords\":[\"设计\",\"软件\"]}", (size_t)-1, &err);
    if (rc == FW_OK)
        printf("  category DESIGN: low risk, unit price 200.00-5000.00, business scope 设计/软件\n");
    if (rc == FW_OK)
        rc = train(d, &err);
    if (rc == FW_OK)
        rc = work(d, &err);
    as(d->ctx, FW_ROLE_ADMIN, 0, NULL);
    return rc == FW_OK ? 0 : fwk_fail("task", rc, err);
}
