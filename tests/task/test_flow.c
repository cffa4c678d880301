/*
 * The task flow around the state machine: publication rules, the business-authenticity check
 * (R-6.g), deadlines driven by the clock, payable items, two-way evaluation, and the
 * queries with the actor's rights.
 */
#include "task_fixtures.h"

struct world {
    fw_ctx *ctx;
    fw_id ent, ent2, w1, w2;
};

static int setup(void **state)
{
    struct world *w = calloc(1, sizeof(*w));
    test_setup_admin((void **)&w->ctx);
    set_categories(w->ctx);
    w->ent = active_enterprise(w->ctx, ENT1);
    w->ent2 = active_enterprise(w->ctx, ENT2);
    w->w1 = contracted_worker(w->ctx, w->ent, WORKER_JSON("张三", ID_1990, CARD, "self"));
    w->w2 = contracted_worker(w->ctx, w->ent, WORKER_JSON("李四", ID_1985, CARD, "self"));
    sign_service(w->ctx, w->ent2, w->w1);
    sign_service(w->ctx, w->ent2, w->w2);
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

static fw_id published(struct world *w, fw_id ent, int64_t unit, int64_t slots, const char *extra)
{
    char buf[1024];
    fw_id id = make_task(w->ctx, task_json(buf, sizeof(buf), ent, "DESIGN", unit, slots, extra));
    publish_task(w->ctx, id);
    return id;
}

/* ---- publication -------------------------------------------------------------------------- */

/* R-6.c: only an active enterprise publishes; nothing is stored on refusal. */
static void create_needs_an_active_enterprise(void **state)
{
    struct world *w = *state;
    fw_error *err = NULL;
    fw_task *t = NULL;
    char buf[1024];
    fw_id v = verified_enterprise(w->ctx, ENT_JSON("北京测试科技有限公司", "91110108551385082Q"));

    task_json(buf, sizeof(buf), v, "DESIGN", 50000, 1, NULL);
    assert_refused(fw_task_create(&t, w->ctx, buf, strlen(buf), &err), FW_EDENIED, &err,
                   "ENTERPRISE_NOT_SIGNED: enterprise");
    assert_null(t);
    assert_int_equal(count_rows(w->ctx, "SELECT count(*) FROM fw_task"), 0);
    /* an enterprise user publishes for its own enterprise only */
    test_actor(w->ctx, FW_ROLE_ENTERPRISE_USER, w->ent2);
    task_json(buf, sizeof(buf), w->ent, "DESIGN", 50000, 1, NULL);
    assert_refused(fw_task_create(&t, w->ctx, buf, strlen(buf), &err), FW_EPERM, &err, "another enterprise");
    task_json(buf, sizeof(buf), w->ent2, "DESIGN", 50000, 1, NULL);
    assert_rc(fw_task_create(&t, w->ctx, buf, strlen(buf), &err), FW_OK, &err);
    assert_int_equal(fw_task_state(t), FW_TASK_DRAFT);
    assert_int_equal(fw_task_enterprise_id(t), w->ent2);
    assert_int_equal(fw_task_unit_price_fen(t), 50000);
    assert_int_equal(fw_task_slots_left(t), 1);
    fw_task_free(t);
}

static void create_rejects(struct world *w, const char *json, const char *path, const char *text)
{
    fw_error *err = NULL;
    fw_task *t = NULL;
    int rc = fw_task_create(&t, w->ctx, json, strlen(json), &err);
    if (rc != FW_EINVAL)
        fail_msg("%s: got %d %s", json, rc, err ? fw_error_message(err) : "");
    assert_string_equal(fw_error_path(err), path);
    if (!strstr(fw_error_message(err), text))
        fail_msg("message \"%s\" lacks \"%s\"", fw_error_message(err), text);
    fw_error_free(err);
    assert_null(t);
}

/* The record is validated field by field, with the field's path. */
static void create_validates_the_record(void **state)
{
    struct world *w = *state;
    char buf[1024], j[1024];

    create_rejects(w, task_json(buf, sizeof(buf), w->ent, "NOPE", 50000, 1, NULL), "$.category", "no category \"NOPE\"");
    snprintf(j, sizeof(j), "{\"enterprise_id\":%lld,\"title\":\"t\",\"description\":\"d\",\"category\":\"DESIGN\","
             "\"remote\":true,\"budget_fen\":100000,\"slots\":3,\"take_deadline_ms\":%lld,\"delivery_deadline_ms\":%lld}",
             (long long)w->ent, (long long)(test_clock_ms + DAY), (long long)(test_clock_ms + DAY));
    create_rejects(w, j, "$.budget_fen", "must divide evenly among the 3 slots");
    create_rejects(w, task_json(buf, sizeof(buf), w->ent, "DESIGN", 50000, 1, "\"budget_fen\":50000"),
                   "$.unit_price_fen", "exactly one of unit_price_fen and budget_fen");
    create_rejects(w, task_json(buf, sizeof(buf), w->ent, "DESIGN", 0, 1, NULL), "$.unit_price_fen", "");
    create_rejects(w, task_json(buf, sizeof(buf), w->ent, "DESIGN", 50000, 1,
                                "\"qualifications\":{\"certificates\":[\"NO-SUCH\"]}"),
                   "$.qualifications.certificates[0]", "no training course \"NO-SUCH\"");
    create_rejects(w, task_json(buf, sizeof(buf), w->ent, "DESIGN", 50000, 1, "\"colour\":1"), "$.colour", "");
    snprintf(j, sizeof(j), "{\"enterprise_id\":%lld,\"title\":\"t\",\"description\":\"d\",\"category\":\"DESIGN\","
             "\"remote\":true,\"unit_price_fen\":100,\"slots\":1,\"take_deadline_ms\":%lld,"
             "\"delivery_deadline_ms\":%lld}", (long long)w->ent, (long long)(test_clock_ms + DAY),
             (long long)(test_clock_ms + HOUR));
    create_rejects(w, j, "$.delivery_deadline_ms", "must not be before take_deadline_ms");
    snprintf(j, sizeof(j), "{\"enterprise_id\":%lld,\"title\":\"t\",\"description\":\"d\",\"category\":\"DESIGN\","
             "\"remote\":false,\"unit_price_fen\":100,\"slots\":1,\"take_deadline_ms\":%lld,"
             "\"delivery_deadline_ms\":%lld}", (long long)w->ent, (long long)(test_clock_ms + DAY),
             (long long)(test_clock_ms + DAY));
    create_rejects(w, j, "$.location", "");
    assert_int_equal(count_rows(w->ctx, "SELECT count(*) FROM fw_task"), 0);
}

/* A budget is split evenly: the unit price is the budget over the slots. */
static void budget_sets_the_unit_price(void **state)
{
    struct world *w = *state;
    char j[1024], *out = NULL;
    cJSON *o;
    fw_id id;

    snprintf(j, sizeof(j), "{\"enterprise_id\":%lld,\"title\":\"t\",\"description\":\"d\",\"category\":\"DESIGN\","
             "\"remote\":false,\"location\":\"杭州市西湖区\",\"budget_fen\":150000,\"slots\":3,"
             "\"take_deadline_ms\":%lld,\"delivery_deadline_ms\":%lld,\"attachments\":[{\"name\":\"brief.pdf\","
             "\"sha256\":\"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\"}]}",
             (long long)w->ent, (long long)(test_clock_ms + DAY), (long long)(test_clock_ms + DAY));
    id = make_task(w->ctx, j);
    o = get_json(fw_task_get(w->ctx, id, &out, NULL, NULL), &out);
    assert_int_equal(cJSON_GetObjectItem(o, "unit_price_fen")->valuedouble, 50000);
    assert_int_equal(cJSON_GetObjectItem(o, "budget_fen")->valuedouble, 150000);
    assert_string_equal(jstr(o, "location", NULL), "杭州市西湖区");
    assert_string_equal(jstr(o, "state_name", NULL), "draft");
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(o, "attachments")), 1);
    cJSON_Delete(o);
}

/* ---- the authenticity check (R-6.g) --------------------------------------------------------- */

static const char *flag_code(cJSON *task, int i)
{
    return jstr(cJSON_GetArrayItem(cJSON_GetObjectItem(task, "flags"), i), "code", NULL);
}

/* R-6.g: a price outside the category's range and a category outside the business scope. */
static void price_and_scope_are_flagged(void **state)
{
    struct world *w = *state;
    fw_error *err = NULL;
    char buf[1024], *out = NULL;
    uint32_t flags = 0;
    cJSON *o;
    fw_id t = make_task(w->ctx, task_json(buf, sizeof(buf), w->ent, "HIGH_ALT", 900000, 1, NULL));
    fw_id ok = make_task(w->ctx, task_json(buf, sizeof(buf), w->ent, "DESIGN", 50000, 1, NULL));

    assert_rc(fw_task_submit(w->ctx, ok, &flags, &err), FW_OK, &err);
    assert_int_equal(flags, 0);
    assert_rc(fw_task_submit(w->ctx, t, &flags, &err), FW_OK, &err);
    assert_int_equal(flags, 2);
    o = get_json(fw_task_get(w->ctx, t, &out, NULL, NULL), &out);
    assert_string_equal(flag_code(o, 0), "PRICE_OUT_OF_RANGE");
    assert_string_equal(jstr(cJSON_GetArrayItem(cJSON_GetObjectItem(o, "flags"), 0), "detail", NULL),
                        "unit price 9000.00 is outside the HIGH_ALT range 200.00 to 5000.00");
    assert_string_equal(flag_code(o, 1), "OUTSIDE_BUSINESS_SCOPE");
    cJSON_Delete(o);

    /* approving needs each flag acknowledged explicitly, and a reason */
    assert_refused(fw_task_review(w->ctx, t, "{\"decision\":\"approve\"}", (size_t)-1, &err), FW_EDENIED, &err,
                   "AUTHENTICITY_REVIEW_REQUIRED: task 1 is flagged PRICE_OUT_OF_RANGE, OUTSIDE_BUSINESS_SCOPE");
    assert_refused(fw_task_review(w->ctx, t, "{\"decision\":\"approve\",\"reasons\":[\"已核实\"],"
                                  "\"acknowledge\":[\"PRICE_OUT_OF_RANGE\"]}", (size_t)-1, &err), FW_EDENIED, &err,
                   "is flagged OUTSIDE_BUSINESS_SCOPE;");
    assert_refused(fw_task_review(w->ctx, t, "{\"decision\":\"approve\",\"acknowledge\":[\"PRICE_OUT_OF_RANGE\","
                                  "\"OUTSIDE_BUSINESS_SCOPE\"]}", (size_t)-1, &err), FW_EINVAL, &err,
                   "needs a reason");
    assert_int_equal(task_state(w->ctx, t), FW_TASK_SUBMITTED);
    assert_refused(fw_task_review(w->ctx, t, "{\"decision\":\"reject\"}", (size_t)-1, &err), FW_EINVAL, &err,
                   "a rejection needs at least one reason");
    assert_rc(fw_task_review(w->ctx, t, "{\"decision\":\"approve\",\"reasons\":[\"高空检修合同已核验\"],"
                             "\"acknowledge\":[\"PRICE_OUT_OF_RANGE\",\"OUTSIDE_BUSINESS_SCOPE\"]}", (size_t)-1, &err),
              FW_OK, &err);
    o = get_json(fw_task_get(w->ctx, t, &out, NULL, NULL), &out);
    assert_string_equal(jstr(o, "review", "decision"), "approve");
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(cJSON_GetObjectItem(o, "review"), "acknowledged")), 2);
    cJSON_Delete(o);
    /* only a reviewer decides */
    test_actor(w->ctx, FW_ROLE_OPERATOR, 0);
    assert_refused(fw_task_review(w->ctx, ok, "{\"decision\":\"approve\"}", (size_t)-1, &err), FW_EPERM, &err,
                   "the role operator may not");
}

/* R-6.g: the same amount paid to the same person month after month looks like disguised payroll. */
static void recurring_fixed_monthly_pay_is_flagged(void **state)
{
    struct world *w = *state;
    fw_error *err = NULL;
    char buf[1024], *out = NULL;
    uint32_t flags = 9;
    cJSON *o;
    int month;
    fw_id t, a;

    for (month = 0; month < 3; month++) {
        t = published(w, w->ent, 800000 / 10, 1, NULL);
        a = take(w->ctx, t, w->w1);
        deliver(w->ctx, a);
        assert_rc(fw_task_accept(w->ctx, a, NULL, NULL, &err), FW_OK, &err);
        /* a worker paid a different amount each month is not a pattern */
        t = published(w, w->ent, 70000 + month, 1, NULL);
        a = take(w->ctx, t, w->w2);
        deliver(w->ctx, a);
        assert_rc(fw_task_accept(w->ctx, a, NULL, NULL, &err), FW_OK, &err);
        test_clock_advance(31 * DAY);
    }
    t = make_task(w->ctx, task_json(buf, sizeof(buf), w->ent, "DESIGN", 80000, 1, NULL));
    assert_rc(fw_task_submit(w->ctx, t, &flags, &err), FW_OK, &err);
    assert_int_equal(flags, 1);
    o = get_json(fw_task_get(w->ctx, t, &out, NULL, NULL), &out);
    assert_string_equal(flag_code(o, 0), "RECURRING_FIXED_PAY");
    assert_non_null(strstr(jstr(cJSON_GetArrayItem(cJSON_GetObjectItem(o, "flags"), 0), "detail", NULL),
                           "1 worker(s), first worker 1, were paid 800.00"));
    cJSON_Delete(o);
    /* another enterprise paying the same amount is not flagged */
    t = make_task(w->ctx, task_json(buf, sizeof(buf), w->ent2, "DESIGN", 80000, 1, NULL));
    assert_rc(fw_task_submit(w->ctx, t, &flags, &err), FW_OK, &err);
    assert_int_equal(flags, 0);
    /* a stricter policy needs four months */
    assert_rc(fw_task_policy_set(w->ctx, "{\"recurring_min_months\":4,\"lookback_months\":6}", (size_t)-1, &err),
              FW_OK, &err);
    t = make_task(w->ctx, task_json(buf, sizeof(buf), w->ent, "DESIGN", 80000, 1, NULL));
    assert_rc(fw_task_submit(w->ctx, t, &flags, &err), FW_OK, &err);
    assert_int_equal(flags, 0);
    assert_refused(fw_task_policy_set(w->ctx, "{\"recurring_min_months\":4,\"lookback_months\":3}", (size_t)-1, &err),
                   FW_EINVAL, &err, "$.lookback_months");
}

/* ---- deadlines -------------------------------------------------------------------------------- */

/* .e: a delivery nobody reviews is accepted when the window passes (a sweep, or lazily on read). */
static void auto_accept_after_the_review_window(void **state)
{
    struct world *w = *state;
    fw_error *err = NULL;
    fw_id t = published(w, w->ent, 50000, 2, "\"auto_accept_ms\":172800000"), a1, a2;
    int64_t changed = -1;
    char *out = NULL;
    cJSON *o;

    a1 = take(w->ctx, t, w->w1);
    a2 = take(w->ctx, t, w->w2);
    deliver(w->ctx, a1);
    deliver(w->ctx, a2);
    test_clock_advance(2 * DAY - 1);
    assert_rc(fw_task_run_timers(w->ctx, &changed, &err), FW_OK, &err);
    assert_int_equal(changed, 0);
    assert_int_equal(asg_state(w->ctx, a1), FW_ASSIGNMENT_DELIVERED);
    test_clock_advance(1);
    /* lazily: reading the assignment applies its due timer */
    o = get_json(fw_task_assignment_get(w->ctx, a1, &out, NULL, NULL), &out);
    assert_string_equal(jstr(o, "state_name", NULL), "accepted");
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(o, "auto_accepted")));
    assert_int_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(o, "payable"), "amount_fen")->valuedouble, 50000);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(o, "deliveries")), 1);
    cJSON_Delete(o);
    assert_int_equal(asg_state(w->ctx, a2), FW_ASSIGNMENT_ACCEPTED);   /* same task: applied together */
    assert_int_equal(task_state(w->ctx, t), FW_TASK_COMPLETED);
    assert_int_equal(count_rows(w->ctx, "SELECT count(*) FROM fw_task_payable"), 2);
    assert_int_equal(count_rows(w->ctx, "SELECT count(*) FROM fw_audit WHERE action='task.auto_accept'"), 2);
}

/* The sweep handles every task; overdue assignments give their slots back. */
static void sweep_overdue_and_expiry(void **state)
{
    struct world *w = *state;
    fw_error *err = NULL;
    fw_id t1 = published(w, w->ent, 50000, 2, NULL), t2 = published(w, w->ent, 50000, 1, NULL), a;
    int64_t changed = 0;

    a = take(w->ctx, t1, w->w1);
    test_clock_advance(10 * DAY);        /* t2's taking deadline */
    assert_rc(fw_task_run_timers(w->ctx, &changed, &err), FW_OK, &err);
    assert_int_equal(changed, 1);
    assert_int_equal(task_state(w->ctx, t2), FW_TASK_EXPIRED);
    assert_int_equal(task_state(w->ctx, t1), FW_TASK_IN_PROGRESS);
    test_clock_advance(10 * DAY);        /* t1's delivery deadline */
    assert_rc(fw_task_run_timers(w->ctx, &changed, &err), FW_OK, &err);
    assert_int_equal(changed, 2);       /* overdue, then the task expires: nothing was delivered */
    assert_int_equal(asg_state(w->ctx, a), FW_ASSIGNMENT_OVERDUE);
    assert_int_equal(task_state(w->ctx, t1), FW_TASK_EXPIRED);
    assert_int_equal(count_rows(w->ctx, "SELECT slots_taken FROM fw_task WHERE id=1"), 0);
    test_actor(w->ctx, FW_ROLE_WORKER, w->w1);
    assert_refused(fw_task_run_timers(w->ctx, NULL, &err), FW_EPERM, &err, "task.run_timers");
}

/* ---- acceptance and payables ------------------------------------------------------------------- */

/* .e: acceptance is idempotent under its key and creates one payable item. */
static void accept_is_idempotent(void **state)
{
    struct world *w = *state;
    fw_error *err = NULL;
    fw_id t = published(w, w->ent, 50000, 2, NULL), a1, a2, p1 = 0, p2 = 0;

    a1 = take(w->ctx, t, w->w1);
    a2 = take(w->ctx, t, w->w2);
    deliver(w->ctx, a1);
    deliver(w->ctx, a2);
    assert_rc(fw_task_accept(w->ctx, a1, "accept-a1", &p1, &err), FW_OK, &err);
    assert_rc(fw_task_accept(w->ctx, a1, "accept-a1", &p2, &err), FW_OK, &err);
    assert_int_equal(p1, p2);
    assert_refused(fw_task_accept(w->ctx, a2, "accept-a1", &p2, &err), FW_ECONFLICT, &err, "assignment_id");
    assert_int_equal(asg_state(w->ctx, a2), FW_ASSIGNMENT_DELIVERED);
    assert_refused(fw_task_accept(w->ctx, a1, "another-key", &p2, &err), FW_ESTATE, &err, "is accepted");
    assert_int_equal(count_rows(w->ctx, "SELECT count(*) FROM fw_task_payable"), 1);
    /* another enterprise's user may not accept, even with the key */
    test_actor(w->ctx, FW_ROLE_ENTERPRISE_USER, w->ent2);
    assert_refused(fw_task_accept(w->ctx, a1, "accept-a1", &p2, &err), FW_EPERM, &err, "another enterprise");
}

/* seam: payable items are listed, claimed by one payout order, released, never altered. */
static void payables_are_claimed_and_released(void **state)
{
    struct world *w = *state;
    fw_error *err = NULL;
    struct fw__task_payable items[4];
    size_t n = 9;
    fw_id t = published(w, w->ent, 50000, 2, NULL), t2 = published(w, w->ent2, 30000, 1, NULL), a, p = 0;

    a = take(w->ctx, t, w->w1);
    deliver(w->ctx, a);
    assert_rc(fw_task_accept(w->ctx, a, NULL, &p, &err), FW_OK, &err);
    a = take(w->ctx, t2, w->w1);
    deliver(w->ctx, a);
    assert_rc(fw_task_accept(w->ctx, a, NULL, NULL, &err), FW_OK, &err);

    assert_rc(fw__task_payables_unclaimed(w->ctx, 0, 0, items, 4, &n, &err), FW_OK, &err);
    assert_int_equal(n, 2);
    assert_int_equal(items[0].id, p);
    assert_int_equal(items[0].amount_fen, 50000);
    assert_int_equal(items[0].worker_id, w->w1);
    assert_int_equal(items[0].enterprise_id, w->ent);
    assert_int_equal(items[0].task_id, t);
    assert_int_equal(items[0].payout_order_id, 0);
    assert_rc(fw__task_payables_unclaimed(w->ctx, w->ent2, 0, items, 4, &n, &err), FW_OK, &err);
    assert_int_equal(n, 1);
    assert_int_equal(items[0].amount_fen, 30000);
    assert_rc(fw__task_payables_unclaimed(w->ctx, 0, p, items, 1, &n, &err), FW_OK, &err);
    assert_int_equal(n, 1);
    assert_int_not_equal(items[0].id, p);

    assert_rc(fw__task_payable_claim(w->ctx, p, 77, &err), FW_OK, &err);
    assert_rc(fw__task_payable_claim(w->ctx, p, 77, &err), FW_OK, &err);           /* retried order */
    assert_refused(fw__task_payable_claim(w->ctx, p, 78, &err), FW_ESTATE, &err, "claimed by payout order 77");
    assert_rc(fw__task_payables_unclaimed(w->ctx, w->ent, 0, items, 4, &n, &err), FW_OK, &err);
    assert_int_equal(n, 0);
    assert_refused(fw__task_payable_release(w->ctx, p, 78, &err), FW_ESTATE, &err, "not claimed by payout order 78");
    assert_rc(fw__task_payable_release(w->ctx, p, 77, &err), FW_OK, &err);
    assert_rc(fw__task_payables_unclaimed(w->ctx, w->ent, 0, items, 4, &n, &err), FW_OK, &err);
    assert_int_equal(n, 1);
    assert_refused(fw__task_payable_claim(w->ctx, 999, 1, &err), FW_ENOTFOUND, &err, "no payable item 999");
    assert_int_not_equal(fw__db_exec(w->ctx, NULL, "UPDATE fw_task_payable SET amount_fen=1 WHERE id=?", "i", p), FW_OK);
    assert_int_equal(count_rows(w->ctx, "SELECT amount_fen FROM fw_task_payable WHERE id=1"), 50000);
    /* unpaid work blocks the enterprise's cancellation */
    assert_rc(fw_task_close(w->ctx, t, &err), FW_OK, &err);
    assert_refused(fw_party_enterprise_cancel(w->ctx, w->ent, &err), FW_EDENIED, &err, "PAYABLES_OPEN: enterprise 1");
}

/* Live tasks block the enterprise's cancellation. */
static void open_tasks_block_enterprise_cancel(void **state)
{
    struct world *w = *state;
    fw_error *err = NULL;
    fw_id t = published(w, w->ent, 50000, 1, NULL);

    assert_refused(fw_party_enterprise_cancel(w->ctx, w->ent, &err), FW_EDENIED, &err,
                   "TASKS_OPEN: enterprise 1 has 1 task(s)");
    assert_int_equal(enterprise_state(w->ctx, w->ent), FW_ENTERPRISE_ACTIVE);
    assert_rc(fw_task_cancel(w->ctx, t, "停止合作", &err), FW_OK, &err);
    assert_rc(fw_party_enterprise_cancel(w->ctx, w->ent, &err), FW_OK, &err);
}

/* ---- evaluation (R-7.1) ------------------------------------------------------------------------ */

static void evaluation_once_per_side(void **state)
{
    struct world *w = *state;
    fw_error *err = NULL;
    fw_id t = published(w, w->ent, 50000, 2, NULL), a, b;
    int64_t avg = 0, n = 0;
    char *out = NULL;
    cJSON *o;

    a = take(w->ctx, t, w->w1);
    b = take(w->ctx, t, w->w2);
    assert_refused(fw_task_evaluate(w->ctx, a, "{\"by\":\"worker\",\"score\":5}", (size_t)-1, &err), FW_ESTATE, &err,
                   "an evaluation needs an accepted or rejected assignment");
    deliver(w->ctx, a);
    deliver(w->ctx, b);
    assert_rc(fw_task_accept(w->ctx, a, NULL, NULL, &err), FW_OK, &err);
    assert_rc(fw_task_reject(w->ctx, b, "未按要求", &err), FW_OK, &err);

    test_actor(w->ctx, FW_ROLE_WORKER, w->w1);
    assert_refused(fw_task_evaluate(w->ctx, a, "{\"by\":\"enterprise\",\"score\":1}", (size_t)-1, &err), FW_EPERM,
                   &err, "may not evaluate as the enterprise");
    assert_refused(fw_task_evaluate(w->ctx, b, "{\"by\":\"worker\",\"score\":1}", (size_t)-1, &err), FW_EPERM, &err,
                   "another person's data");
    assert_rc(fw_task_evaluate(w->ctx, a, "{\"by\":\"worker\",\"score\":4,\"task_score\":5,\"comment\":\"需求清楚\"}",
                               (size_t)-1, &err), FW_OK, &err);
    assert_refused(fw_task_evaluate(w->ctx, a, "{\"by\":\"worker\",\"score\":5}", (size_t)-1, &err), FW_EEXISTS, &err,
                   "the worker has already evaluated");
    test_actor(w->ctx, FW_ROLE_WORKER, w->w2);
    assert_rc(fw_task_evaluate(w->ctx, b, "{\"by\":\"worker\",\"score\":1}", (size_t)-1, &err), FW_OK, &err);

    test_actor(w->ctx, FW_ROLE_ENTERPRISE_USER, w->ent);
    assert_refused(fw_task_evaluate(w->ctx, a, "{\"by\":\"enterprise\",\"score\":5,\"task_score\":3}", (size_t)-1,
                                    &err), FW_EINVAL, &err, "only the worker rates the task");
    assert_refused(fw_task_evaluate(w->ctx, a, "{\"by\":\"enterprise\",\"score\":6}", (size_t)-1, &err), FW_EINVAL,
                   &err, "$.score");
    assert_rc(fw_task_evaluate(w->ctx, a, "{\"by\":\"enterprise\",\"score\":5}", (size_t)-1, &err), FW_OK, &err);
    assert_rc(fw_task_rating(w->ctx, FW_TASK_RATING_ENTERPRISE, w->ent, &avg, &n, &err), FW_OK, &err);
    assert_int_equal(avg, 250);
    assert_int_equal(n, 2);
    assert_rc(fw_task_rating(w->ctx, FW_TASK_RATING_WORKER, w->w1, &avg, &n, &err), FW_OK, &err);
    assert_int_equal(avg, 500);
    assert_int_equal(n, 1);
    assert_rc(fw_task_rating(w->ctx, FW_TASK_RATING_WORKER, w->w2, &avg, &n, &err), FW_OK, &err);
    assert_int_equal(avg, 0);
    assert_int_equal(n, 0);
    o = get_json(fw_task_assignment_get(w->ctx, a, &out, NULL, NULL), &out);
    assert_int_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(o, "evaluations"), "by_worker"),
                                         "task_score")->valuedouble, 5);
    cJSON_Delete(o);
    test_actor(w->ctx, FW_ROLE_WORKER, w->w2);
    assert_refused(fw_task_rating(w->ctx, FW_TASK_RATING_WORKER, w->w1, &avg, &n, &err), FW_EPERM, &err, "");
}

/* ---- queries and rights --------------------------------------------------------------------------- */

static cJSON *list(fw_ctx *ctx, const char *filter, int assignments)
{
    fw_error *err = NULL;
    char *out = NULL;
    int rc = assignments ? fw_task_assignment_list(ctx, filter, (size_t)-1, &out, NULL, &err)
                         : fw_task_list(ctx, filter, (size_t)-1, &out, NULL, &err);
    assert_rc(rc, FW_OK, &err);
    return get_json(rc, &out);
}

static void lists_page_and_respect_rights(void **state)
{
    struct world *w = *state;
    fw_error *err = NULL;
    char buf[1024], *out = NULL, f[128];
    fw_id t[5], a;
    cJSON *o;
    int i, seen = 0;
    int64_t after = 0;

    for (i = 0; i < 5; i++)
        t[i] = published(w, i < 4 ? w->ent : w->ent2, 50000, 2, NULL);
    make_task(w->ctx, task_json(buf, sizeof(buf), w->ent, "DESIGN", 50000, 1, NULL));   /* a draft */
    a = take(w->ctx, t[0], w->w1);
    take(w->ctx, t[4], w->w2);

    /* pages of two over the enterprise's five tasks */
    do {
        snprintf(f, sizeof(f), "{\"enterprise_id\":%lld,\"limit\":2,\"after_id\":%lld}", (long long)w->ent,
                 (long long)after);
        o = list(w->ctx, f, 0);
        seen += cJSON_GetArraySize(cJSON_GetObjectItem(o, "items"));
        after = cJSON_IsNull(cJSON_GetObjectItem(o, "next_after_id")) ? 0
                : (int64_t)cJSON_GetObjectItem(o, "next_after_id")->valuedouble;
        cJSON_Delete(o);
    } while (after);
    assert_int_equal(seen, 5);
    o = list(w->ctx, "{\"state\":6}", 0);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(o, "items")), 2);
    cJSON_Delete(o);

    /* an enterprise user sees its own tasks only */
    test_actor(w->ctx, FW_ROLE_ENTERPRISE_USER, w->ent2);
    o = list(w->ctx, NULL, 0);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(o, "items")), 1);
    cJSON_Delete(o);
    snprintf(f, sizeof(f), "{\"enterprise_id\":%lld}", (long long)w->ent);
    assert_refused(fw_task_list(w->ctx, f, (size_t)-1, &out, NULL, &err), FW_EPERM, &err, "another enterprise");
    assert_refused(fw_task_get(w->ctx, t[0], &out, NULL, &err), FW_EPERM, &err, "another enterprise");
    assert_refused(fw_task_assignment_get(w->ctx, a, &out, NULL, &err), FW_EPERM, &err, "another enterprise");
    o = list(w->ctx, NULL, 1);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(o, "items")), 1);    /* w2's on t[4] */
    cJSON_Delete(o);

    /* a worker sees open tasks and its own assignments */
    test_actor(w->ctx, FW_ROLE_WORKER, w->w1);
    o = list(w->ctx, NULL, 0);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(o, "items")), 5);    /* not the draft */
    cJSON_Delete(o);
    assert_refused(fw_task_list(w->ctx, "{\"state\":1}", (size_t)-1, &out, NULL, &err), FW_EPERM, &err,
                   "only published and in-progress");
    assert_refused(fw_task_get(w->ctx, 6, &out, NULL, &err), FW_EPERM, &err, "task 6 is draft");
    o = list(w->ctx, NULL, 1);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(o, "items")), 1);
    cJSON_Delete(o);
    snprintf(f, sizeof(f), "{\"worker_id\":%lld}", (long long)w->w2);
    assert_refused(fw_task_assignment_list(w->ctx, f, (size_t)-1, &out, NULL, &err), FW_EPERM, &err, "another person");
    assert_refused(fw_task_assignment_list(w->ctx, "{\"limit\":0}", (size_t)-1, &out, NULL, &err), FW_EINVAL, &err,
                   "$.limit");
}

/* Free text of a delivery stays out of the audit log; the chain still verifies. */
static void audit_keeps_no_free_text(void **state)
{
    struct world *w = *state;
    fw_error *err = NULL;
    fw_id t = published(w, w->ent, 50000, 1, NULL), a;
    int64_t bad = -1;

    a = take(w->ctx, t, w->w1);
    deliver(w->ctx, a);
    assert_rc(fw_task_accept(w->ctx, a, NULL, NULL, &err), FW_OK, &err);
    assert_audit_lacks(w->ctx, "三稿已交付");
    assert_audit_lacks(w->ctx, "张三");
    assert_rc(fw_audit_verify(w->ctx, &bad, &err), FW_OK, &err);
    assert_int_equal(count_rows(w->ctx, "SELECT count(*) FROM fw_audit WHERE entity_type='assignment'"), 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(create_needs_an_active_enterprise, setup, teardown),
        cmocka_unit_test_setup_teardown(create_validates_the_record, setup, teardown),
        cmocka_unit_test_setup_teardown(budget_sets_the_unit_price, setup, teardown),
        cmocka_unit_test_setup_teardown(price_and_scope_are_flagged, setup, teardown),
        cmocka_unit_test_setup_teardown(recurring_fixed_monthly_pay_is_flagged, setup, teardown),
        cmocka_unit_test_setup_teardown(auto_accept_after_the_review_window, setup, teardown),
        cmocka_unit_test_setup_teardown(sweep_overdue_and_expiry, setup, teardown),
        cmocka_unit_test_setup_teardown(accept_is_idempotent, setup, teardown),
        cmocka_unit_test_setup_teardown(payables_are_claimed_and_released, setup, teardown),
        cmocka_unit_test_setup_teardown(open_tasks_block_enterprise_cancel, setup, teardown),
        cmocka_unit_test_setup_teardown(evaluation_once_per_side, setup, teardown),
        cmocka_unit_test_setup_teardown(lists_page_and_respect_rights, setup, teardown),
        cmocka_unit_test_setup_teardown(audit_keeps_no_free_text, setup, teardown),
    };
    cmocka_set_message_output(CM_OUTPUT_TAP);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
