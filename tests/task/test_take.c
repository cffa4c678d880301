/*
 * Taking a task (R-5.5, R-7.2, R-6.g): the eligibility gate with a reason code for each refusal,
 * the hook other modules gate through, and the last slot under concurrency.
 */
#include <pthread.h>

#include "task_fixtures.h"
#include "core/hook.h"

#define ID_W3 "110105197001011233"
#define ID_W4 "110105198001011238"

struct world {
    fw_ctx *ctx;
    fw_id ent, w1, w2;
};

static int setup(void **state)
{
    struct world *w = calloc(1, sizeof(*w));
    test_setup_admin((void **)&w->ctx);
    set_categories(w->ctx);
    w->ent = active_enterprise(w->ctx, ENT1);
    w->w1 = contracted_worker(w->ctx, w->ent, WORKER_JSON("张三", ID_1990, CARD, "self"));
    w->w2 = contracted_worker(w->ctx, w->ent, WORKER_JSON("李四", ID_1985, CARD, "self"));
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

static fw_id open_task(struct world *w, const char *category, int64_t slots, const char *extra)
{
    char buf[1024];
    fw_id id = make_task(w->ctx, task_json(buf, sizeof(buf), w->ent, category, 50000, slots, extra));
    fw_error *err = NULL;
    uint32_t flags = 0;

    assert_rc(fw_task_submit(w->ctx, id, &flags, &err), FW_OK, &err);
    if (flags == 0)
        assert_rc(fw_task_review(w->ctx, id, "{\"decision\":\"approve\"}", (size_t)-1, &err), FW_OK, &err);
    else
        assert_rc(fw_task_review(w->ctx, id, "{\"decision\":\"approve\",\"reasons\":[\"已核实\"],"
                                 "\"acknowledge\":[\"OUTSIDE_BUSINESS_SCOPE\",\"PRICE_OUT_OF_RANGE\"]}",
                                 (size_t)-1, &err), FW_OK, &err);
    assert_rc(fw_task_publish(w->ctx, id, &err), FW_OK, &err);
    return id;
}

/* A refused take changes nothing: no assignment, no slot, no audit record. */
static void refused(struct world *w, fw_id task, fw_id worker, int want, const char *code)
{
    fw_error *err = NULL;
    fw_id a = 4242;
    int64_t audits = audit_count(w->ctx);
    int64_t asg = count_rows(w->ctx, "SELECT count(*) FROM fw_task_assignment");
    int64_t taken = count_rows(w->ctx, "SELECT sum(slots_taken) FROM fw_task");

    assert_refused(fw_task_take(w->ctx, task, worker, &a, &err), want, &err, code);
    assert_int_equal(a, 4242);
    assert_int_equal(audit_count(w->ctx), audits);
    assert_int_equal(count_rows(w->ctx, "SELECT count(*) FROM fw_task_assignment"), asg);
    assert_int_equal(count_rows(w->ctx, "SELECT sum(slots_taken) FROM fw_task"), taken);
}

/* only a verified, not suspended worker takes work. */
static void worker_must_be_verified(void **state)
{
    struct world *w = *state;
    fw_error *err = NULL;
    fw_id t = open_task(w, "DESIGN", 5, NULL);
    fw_id reg = register_worker(w->ctx, WORKER_JSON("王五", ID_W3, CARD, "self"));
    fw_id sus = verified_worker(w->ctx, WORKER_JSON("赵六", ID_W4, CARD, "self"));

    refused(w, t, reg, FW_EDENIED, "WORKER_NOT_VERIFIED: worker");
    assert_rc(fw__party_worker_agreement(w->ctx, sus, w->ent, &err), FW_OK, &err);
    assert_rc(fw_party_worker_suspend(w->ctx, sus, "核查中", &err), FW_OK, &err);
    refused(w, t, sus, FW_EDENIED, "WORKER_SUSPENDED: worker");
    refused(w, t, 999, FW_ENOTFOUND, "no worker 999");
    refused(w, 999, w->w1, FW_ENOTFOUND, "no task 999");
}

/* a suspended enterprise's tasks cannot be taken. */
static void enterprise_must_stay_active(void **state)
{
    struct world *w = *state;
    fw_error *err = NULL;
    fw_id t = open_task(w, "DESIGN", 5, NULL);

    assert_rc(fw_party_enterprise_suspend(w->ctx, w->ent, "资料核查", &err), FW_OK, &err);
    refused(w, t, w->w1, FW_EDENIED, "ENTERPRISE_SUSPENDED: enterprise");
    assert_rc(fw_party_enterprise_resume(w->ctx, w->ent, &err), FW_OK, &err);
    take(w->ctx, t, w->w1);
}

/* cn-rules §6: restricted categories are for adults (18 or older, by the ID number's birth date). */
static void restricted_category_needs_an_adult(void **state)
{
    struct world *w = *state;
    fw_error *err = NULL;
    fw_id minor = contracted_worker(w->ctx, w->ent, WORKER_JSON("小明", ID_AGE17, CARD, "self"));
    fw_id t = open_task(w, "HIGH_ALT", 5, NULL);
    fw_id d = open_task(w, "DESIGN", 5, "\"qualifications\":{\"adult_only\":true}");
    fw_id plain = open_task(w, "DESIGN", 5, NULL);
    char *json = NULL;
    cJSON *o;

    o = get_json(fw_task_get(w->ctx, t, &json, NULL, NULL), &json);
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetObjectItem(o, "qualifications"), "adult_only")));
    assert_string_equal(jstr(o, "risk_level", NULL), "high");
    cJSON_Delete(o);
    refused(w, t, minor, FW_EDENIED, "WORKER_UNDER_18: task");
    refused(w, d, minor, FW_EDENIED, "is 17");
    take(w->ctx, plain, minor);
    take(w->ctx, t, w->w1);
    /* the birth date is unknown once the identity is erased: the gate refuses rather than guesses */
    assert_rc(fw_vault_shred(w->ctx, "worker:2", &err), FW_OK, &err);
    refused(w, t, w->w2, FW_EDENIED, "WORKER_AGE_UNKNOWN: worker 2");
}

/* a task may require a valid training certificate. */
static void certificate_is_required_and_must_be_valid(void **state)
{
    struct world *w = *state;
    fw_error *err = NULL;
    fw_id ins = 0, course = 0, session = 0, enr = 0, cert = 0, t;
    char buf[256];

    assert_rc(fw_training_instructor_add(w->ctx, "{\"name\":\"陈老师\"}", (size_t)-1, &ins, &err), FW_OK, &err);
    assert_rc(fw_training_course_add(w->ctx, "{\"code\":\"UI-101\",\"title\":\"界面设计基础\",\"hours\":8,"
                                     "\"pass_score\":60,\"validity_days\":30}", (size_t)-1, &course, &err), FW_OK, &err);
    t = open_task(w, "DESIGN", 5, "\"qualifications\":{\"certificates\":[\"UI-101\"]}");
    refused(w, t, w->w1, FW_EDENIED, "CERTIFICATE_MISSING: task");
    snprintf(buf, sizeof(buf), "{\"course_id\":%lld,\"instructor_id\":%lld,\"starts_ms\":%lld,\"ends_ms\":%lld,"
             "\"location\":\"online\",\"capacity\":10}", (long long)course, (long long)ins,
             (long long)(test_clock_ms + HOUR), (long long)(test_clock_ms + 3 * HOUR));
    assert_rc(fw_training_session_add(w->ctx, buf, (size_t)-1, &session, &err), FW_OK, &err);
    assert_rc(fw_training_enrol(w->ctx, session, w->w1, &enr, &err), FW_OK, &err);
    test_clock_advance(2 * HOUR);
    assert_rc(fw_training_attend(w->ctx, enr, 1, &err), FW_OK, &err);
    assert_rc(fw_training_assess(w->ctx, enr, 85, &cert, &err), FW_OK, &err);
    assert_true(cert > 0);
    take(w->ctx, t, w->w1);
    /* expired: 30 days later the certificate no longer qualifies */
    test_clock_advance(30 * DAY);
    t = open_task(w, "DESIGN", 5, "\"qualifications\":{\"certificates\":[\"UI-101\"]}");
    refused(w, t, w->w1, FW_EDENIED, "CERTIFICATE_MISSING");
}

/* ratings feed eligibility; an unrated worker is not refused. */
static void minimum_rating(void **state)
{
    struct world *w = *state;
    fw_error *err = NULL;
    fw_id t1 = open_task(w, "DESIGN", 5, NULL), a, t2;
    int64_t avg = 0, n = 0;

    t2 = open_task(w, "DESIGN", 5, "\"qualifications\":{\"min_rating_x100\":350}");
    a = take(w->ctx, t1, w->w1);
    deliver(w->ctx, a);
    assert_rc(fw_task_accept(w->ctx, a, NULL, NULL, &err), FW_OK, &err);
    assert_rc(fw_task_evaluate(w->ctx, a, "{\"by\":\"enterprise\",\"score\":3}", (size_t)-1, &err), FW_OK, &err);
    assert_rc(fw_task_rating(w->ctx, FW_TASK_RATING_WORKER, w->w1, &avg, &n, &err), FW_OK, &err);
    assert_int_equal(avg, 300);
    assert_int_equal(n, 1);
    refused(w, t2, w->w1, FW_EDENIED, "RATING_TOO_LOW: task");
    take(w->ctx, t2, w->w2);    /* never rated */
}

/* One assignment per worker per task unless the task allows more. */
static void one_assignment_per_worker_unless_allowed(void **state)
{
    struct world *w = *state;
    fw_error *err = NULL;
    fw_id t = open_task(w, "DESIGN", 5, NULL), a;
    fw_id multi = open_task(w, "DESIGN", 5, "\"per_worker\":2");

    a = take(w->ctx, t, w->w1);
    refused(w, t, w->w1, FW_EDENIED, "ALREADY_TAKEN: worker");
    /* a withdrawn assignment frees the worker to take it again */
    assert_rc(fw_task_withdraw(w->ctx, a, &err), FW_OK, &err);
    take(w->ctx, t, w->w1);
    take(w->ctx, multi, w->w1);
    take(w->ctx, multi, w->w1);
    refused(w, multi, w->w1, FW_EDENIED, "ALREADY_TAKEN");
}

/* Slots, deadline and task state. */
static void slots_deadline_and_state(void **state)
{
    struct world *w = *state;
    char buf[1024];
    fw_id t = open_task(w, "DESIGN", 1, NULL), draft;

    take(w->ctx, t, w->w1);
    refused(w, t, w->w2, FW_EDENIED, "NO_SLOTS_LEFT: all 1 slots of task");
    t = open_task(w, "DESIGN", 3, NULL);
    take(w->ctx, t, w->w1);
    test_clock_advance(10 * DAY);          /* taking closes; the open assignment keeps it in progress */
    refused(w, t, w->w2, FW_EDENIED, "TAKE_DEADLINE_PASSED: task");
    assert_int_equal(task_state(w->ctx, t), FW_TASK_IN_PROGRESS);
    draft = make_task(w->ctx, task_json(buf, sizeof(buf), w->ent, "DESIGN", 50000, 1, NULL));
    refused(w, draft, w->w1, FW_ESTATE, "TASK_NOT_OPEN: task");
}

/* The "task.take" hook: contract and risk gate here; a refusal stops the take with its reason. */
static struct fw__task_take_event seen;
static int hook_calls;

static int agreement_gate(fw_ctx *ctx, const char *event, fw_id id, const void *data, fw_error **err)
{
    const struct fw__task_take_event *ev = data;
    (void)ctx;
    hook_calls++;
    seen = *ev;
    seen.category = NULL;
    assert_string_equal(event, "task.take");
    assert_int_equal(id, ev->task_id);
    assert_string_equal(ev->category, "DESIGN");
    if (ev->worker_id == 2)
        return fw__error_set(err, FW_EDENIED, NULL, "SERVICE_AGREEMENT_NOT_SIGNED: worker %lld has no service "
                             "agreement with enterprise %lld", (long long)ev->worker_id, (long long)ev->enterprise_id);
    return FW_OK;
}

static void take_hook_gates(void **state)
{
    struct world *w = *state;
    fw_id t = open_task(w, "DESIGN", 5, NULL);

    assert_int_equal(fw__hook_add(w->ctx, "task.take", agreement_gate), FW_OK);
    hook_calls = 0;
    refused(w, t, w->w2, FW_EDENIED, "SERVICE_AGREEMENT_NOT_SIGNED: worker 2");
    assert_int_equal(seen.enterprise_id, w->ent);
    assert_int_equal(seen.amount_fen, 50000);
    assert_int_equal(seen.risk_level, FW_TASK_RISK_LOW);
    assert_int_equal(seen.at_ms, test_clock_ms);
    take(w->ctx, t, w->w1);
    assert_int_equal(hook_calls, 2);
}

/* A worker takes only for themselves; taking links the worker to the enterprise. */
static void worker_takes_for_themselves(void **state)
{
    struct world *w = *state;
    fw_error *err = NULL;
    fw_id t = open_task(w, "DESIGN", 5, NULL), a = 0;

    test_actor(w->ctx, FW_ROLE_WORKER, w->w1);
    assert_refused(fw_task_take(w->ctx, t, w->w2, &a, &err), FW_EPERM, &err, "may not act on another person's data");
    assert_rc(fw_task_take(w->ctx, t, w->w1, &a, &err), FW_OK, &err);
    test_actor(w->ctx, FW_ROLE_ADMIN, 0);
    assert_true(fw__party_worker_linked(w->ctx, w->w1, w->ent));
}

/* ---- concurrency: two contexts on one file -------------------------------------------------- */

/* Two workers take the last slot "at once": both read, then both try. Exactly one succeeds. */
static void last_slot_two_contexts(void **state)
{
    char path[512];
    fw_ctx *a, *b;
    fw_task *ta = NULL, *tb = NULL;
    fw_error *err = NULL;
    fw_id ent, w1, w2, w3, t, x = 0, y = 0;
    char buf[1024];
    (void)state;

    test_clock_set(TEST_CLOCK_START);
    test_path("task-last-slot", path, sizeof(path));
    a = test_open(path);
    b = test_open(path);
    test_actor(a, FW_ROLE_ADMIN, 0);
    set_categories(a);
    ent = active_enterprise(a, ENT1);
    w1 = contracted_worker(a, ent, WORKER_JSON("张三", ID_1990, CARD, "self"));
    w2 = contracted_worker(a, ent, WORKER_JSON("李四", ID_1985, CARD, "self"));
    w3 = contracted_worker(a, ent, WORKER_JSON("王五", ID_W3, CARD, "self"));
    t = make_task(a, task_json(buf, sizeof(buf), ent, "DESIGN", 50000, 2, NULL));
    publish_task(a, t);
    take(a, t, w1);

    test_actor(a, FW_ROLE_WORKER, w2);
    test_actor(b, FW_ROLE_WORKER, w3);
    assert_rc(fw_task_load(&ta, a, t, &err), FW_OK, &err);
    assert_rc(fw_task_load(&tb, b, t, &err), FW_OK, &err);
    assert_int_equal(fw_task_slots_left(ta), 1);            /* both see the last slot */
    assert_int_equal(fw_task_slots_left(tb), 1);
    assert_rc(fw_task_take(a, t, w2, &x, &err), FW_OK, &err);
    assert_refused(fw_task_take(b, t, w3, &y, &err), FW_EDENIED, &err, "NO_SLOTS_LEFT");
    assert_int_equal(y, 0);
    assert_int_equal(count_rows(b, "SELECT slots_taken FROM fw_task"), 2);
    assert_int_equal(count_rows(b, "SELECT count(*) FROM fw_task_assignment"), 2);
    fw_task_free(ta);
    fw_task_free(tb);
    fw_ctx_free(a);
    fw_ctx_free(b);
}

#define RACERS 6

struct racer {
    const char *path;
    fw_id task, worker;
    pthread_barrier_t *barrier;
    int rc;
    char msg[256];
};

static void *race(void *p)
{
    struct racer *r = p;
    fw_open_options opts = FW_OPEN_OPTIONS_INIT;
    fw_ctx *ctx = NULL;
    fw_error *err = NULL;
    fw_id a = 0;

    opts.master_key = test_master_key;
    opts.clock = test_clock;
    opts.busy_timeout_ms = 30000;
    r->rc = fw_ctx_open(&ctx, r->path, &opts, &err);
    if (r->rc == FW_OK)
        r->rc = fw_ctx_set_actor(ctx, FW_ROLE_WORKER, r->worker, "racer", &err);
    pthread_barrier_wait(r->barrier);
    if (r->rc == FW_OK)
        r->rc = fw_task_take(ctx, r->task, r->worker, &a, &err);
    snprintf(r->msg, sizeof(r->msg), "%s", err ? fw_error_message(err) : "");
    fw_error_free(err);
    fw_ctx_free(ctx);
    return NULL;
}

/* Six threads, each with its own context, race for two slots: exactly two win. */
static void last_slots_threads(void **state)
{
    static const char *const ids[RACERS] = { ID_1990, ID_1985, ID_W3, ID_W4, "110105196001011239",
                                             "110105195501011230" };
    char path[512], json[512];
    struct racer r[RACERS];
    pthread_t th[RACERS];
    pthread_barrier_t barrier;
    fw_ctx *ctx;
    fw_id ent, t;
    int i, won = 0, lost = 0;
    (void)state;

    test_clock_set(TEST_CLOCK_START);
    test_path("task-race", path, sizeof(path));
    ctx = test_open(path);
    test_actor(ctx, FW_ROLE_ADMIN, 0);
    set_categories(ctx);
    ent = active_enterprise(ctx, ENT1);
    t = make_task(ctx, task_json(json, sizeof(json), ent, "DESIGN", 50000, 2, NULL));
    publish_task(ctx, t);
    pthread_barrier_init(&barrier, NULL, RACERS);
    for (i = 0; i < RACERS; i++) {
        snprintf(json, sizeof(json), WORKER_JSON("工人", "%s", CARD, "self"), ids[i]);
        r[i] = (struct racer){ path, t, contracted_worker(ctx, ent, json), &barrier, 0, "" };
    }
    for (i = 0; i < RACERS; i++)
        pthread_create(&th[i], NULL, race, &r[i]);
    for (i = 0; i < RACERS; i++)
        pthread_join(th[i], NULL);
    pthread_barrier_destroy(&barrier);
    for (i = 0; i < RACERS; i++) {
        if (r[i].rc == FW_OK)
            won++;
        else if (r[i].rc == FW_EDENIED && strstr(r[i].msg, "NO_SLOTS_LEFT"))
            lost++;
        else
            fail_msg("racer %d: %d %s", i, r[i].rc, r[i].msg);
    }
    assert_int_equal(won, 2);
    assert_int_equal(lost, RACERS - 2);
    assert_int_equal(count_rows(ctx, "SELECT slots_taken FROM fw_task"), 2);
    assert_int_equal(count_rows(ctx, "SELECT count(*) FROM fw_task_assignment"), 2);
    fw_ctx_free(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(worker_must_be_verified, setup, teardown),
        cmocka_unit_test_setup_teardown(enterprise_must_stay_active, setup, teardown),
        cmocka_unit_test_setup_teardown(restricted_category_needs_an_adult, setup, teardown),
        cmocka_unit_test_setup_teardown(certificate_is_required_and_must_be_valid, setup, teardown),
        cmocka_unit_test_setup_teardown(minimum_rating, setup, teardown),
        cmocka_unit_test_setup_teardown(one_assignment_per_worker_unless_allowed, setup, teardown),
        cmocka_unit_test_setup_teardown(slots_deadline_and_state, setup, teardown),
        cmocka_unit_test_setup_teardown(take_hook_gates, setup, teardown),
        cmocka_unit_test_setup_teardown(worker_takes_for_themselves, setup, teardown),
        cmocka_unit_test(last_slot_two_contexts),
        cmocka_unit_test(last_slots_threads),
    };
    cmocka_set_message_output(CM_OUTPUT_TAP);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
