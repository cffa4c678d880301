/*
 * The task and assignment state machines (R-5.5, R-6.c, R-3.3.e): every legal transition is
 * walked, every illegal one is refused with FW_ESTATE, a clear message, and nothing changed.
 */
#include "task_fixtures.h"

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

/* Builds a task in the given state; in_progress has one withdrawn assignment and no open one. */
static fw_id task_in(struct world *w, uint32_t st)
{
    fw_error *err = NULL;
    char buf[1024];
    fw_id id, a;
    int slots = st == FW_TASK_COMPLETED ? 1 : 2;

    id = make_task(w->ctx, task_json(buf, sizeof(buf), w->ent, "DESIGN", 50000, slots, NULL));
    switch (st) {
    case FW_TASK_DRAFT:
        break;
    case FW_TASK_CANCELLED:
        assert_rc(fw_task_cancel(w->ctx, id, "预算取消", &err), FW_OK, &err);
        break;
    case FW_TASK_SUBMITTED:
        assert_rc(fw_task_submit(w->ctx, id, NULL, &err), FW_OK, &err);
        break;
    case FW_TASK_APPROVED:
    case FW_TASK_REJECTED:
        assert_rc(fw_task_submit(w->ctx, id, NULL, &err), FW_OK, &err);
        assert_rc(fw_task_review(w->ctx, id, st == FW_TASK_APPROVED ? "{\"decision\":\"approve\"}"
                                 : "{\"decision\":\"reject\",\"reasons\":[\"描述不清\"]}", (size_t)-1, &err),
                  FW_OK, &err);
        break;
    case FW_TASK_PUBLISHED:
        publish_task(w->ctx, id);
        break;
    case FW_TASK_IN_PROGRESS:
        publish_task(w->ctx, id);
        a = take(w->ctx, id, w->w1);
        assert_rc(fw_task_withdraw(w->ctx, a, &err), FW_OK, &err);
        break;
    case FW_TASK_COMPLETED:
        publish_task(w->ctx, id);
        a = take(w->ctx, id, w->w1);
        deliver(w->ctx, a);
        assert_rc(fw_task_accept(w->ctx, a, NULL, NULL, &err), FW_OK, &err);
        break;
    case FW_TASK_EXPIRED:
        publish_task(w->ctx, id);
        test_clock_advance(11 * DAY);
        assert_rc(fw_task_run_timers(w->ctx, NULL, &err), FW_OK, &err);
        break;
    }
    assert_int_equal(task_state(w->ctx, id), st);
    return id;
}

enum { OP_UPDATE, OP_SUBMIT, OP_REVIEW, OP_PUBLISH, OP_TAKE, OP_CLOSE, OP_CANCEL, OP_COUNT };
static const char *const op_names[] = { "update", "submit", "review", "publish", "take", "close", "cancel" };

/* The legal moves: legal[op] is a bit set of the states the op accepts, to[op] where it leads. */
static const uint32_t legal[OP_COUNT] = {
    [OP_UPDATE] = 1u << FW_TASK_DRAFT | 1u << FW_TASK_REJECTED,
    [OP_SUBMIT] = 1u << FW_TASK_DRAFT,
    [OP_REVIEW] = 1u << FW_TASK_SUBMITTED,
    [OP_PUBLISH] = 1u << FW_TASK_APPROVED,
    [OP_TAKE] = 1u << FW_TASK_PUBLISHED | 1u << FW_TASK_IN_PROGRESS,
    [OP_CLOSE] = 1u << FW_TASK_IN_PROGRESS,
    [OP_CANCEL] = 1u << FW_TASK_DRAFT | 1u << FW_TASK_SUBMITTED | 1u << FW_TASK_APPROVED |
                  1u << FW_TASK_REJECTED | 1u << FW_TASK_PUBLISHED,
};

static uint32_t expected_to(int op, uint32_t from)
{
    switch (op) {
    case OP_UPDATE: return FW_TASK_DRAFT;
    case OP_SUBMIT: return FW_TASK_SUBMITTED;
    case OP_REVIEW: return FW_TASK_APPROVED;
    case OP_PUBLISH: return FW_TASK_PUBLISHED;
    case OP_TAKE: return FW_TASK_IN_PROGRESS;
    case OP_CLOSE: return FW_TASK_COMPLETED;
    default: return from == 0 ? 0 : FW_TASK_CANCELLED;
    }
}

static int run_op(struct world *w, int op, fw_id id, fw_error **err)
{
    char buf[1024];
    fw_id a = 0;

    switch (op) {
    case OP_UPDATE:
        task_json(buf, sizeof(buf), w->ent, "DESIGN", 60000, 2, "\"external_ref\":\"PO-7\",\"max_revisions\":3");
        return fw_task_update(w->ctx, id, buf, strlen(buf), err);
    case OP_SUBMIT: return fw_task_submit(w->ctx, id, NULL, err);
    case OP_REVIEW: return fw_task_review(w->ctx, id, "{\"decision\":\"approve\"}", (size_t)-1, err);
    case OP_PUBLISH: return fw_task_publish(w->ctx, id, err);
    case OP_TAKE: return fw_task_take(w->ctx, id, w->w2, &a, err);
    case OP_CLOSE: return fw_task_close(w->ctx, id, err);
    default: return fw_task_cancel(w->ctx, id, "不再需要", err);
    }
}

/* R-6.c: every task operation in every state. */
static void task_transitions_legal_and_illegal(void **state)
{
    struct world *w = *state;
    fw_error *err = NULL;
    uint32_t st;
    int op, legal_seen = 0, illegal_seen = 0;

    for (st = FW_TASK_DRAFT; st <= FW_TASK_EXPIRED; st++) {
        for (op = 0; op < OP_COUNT; op++) {
            fw_id id = task_in(w, st);
            int64_t audits = audit_count(w->ctx);
            int rc = run_op(w, op, id, &err);
            char want[128];

            if (legal[op] & (1u << st)) {
                if (rc != FW_OK)
                    fail_msg("%s on %s: %s", op_names[op], fw__task_state_name(st), fw_error_message(err));
                assert_int_equal(task_state(w->ctx, id), expected_to(op, st));
                if (op == OP_UPDATE) {
                    int64_t v = 0;
                    assert_int_equal(fw__db_i64(w->ctx, &v, NULL, "SELECT unit_price_fen + max_revisions FROM "
                                                "fw_task WHERE id=? AND external_ref='PO-7'", "i", id), FW_OK);
                    assert_int_equal(v, 60003);
                }
                assert_true(audit_count(w->ctx) > audits);
                legal_seen++;
            } else {
                if (rc != FW_ESTATE)
                    fail_msg("%s on %s: got %d, want FW_ESTATE", op_names[op], fw__task_state_name(st), rc);
                snprintf(want, sizeof(want), "task %lld is %s", (long long)id, fw__task_state_name(st));
                if (!strstr(fw_error_message(err), want))
                    fail_msg("%s on %s: message \"%s\"", op_names[op], fw__task_state_name(st),
                             fw_error_message(err));
                fw_error_free(err);
                err = NULL;
                assert_int_equal(task_state(w->ctx, id), st);     /* unchanged */
                assert_int_equal(audit_count(w->ctx), audits);    /* nothing recorded */
                illegal_seen++;
            }
        }
    }
    assert_int_equal(legal_seen, 13);
    assert_int_equal(illegal_seen, 9 * 7 - 13);
}

/* An in-progress task with an open assignment is neither closed nor cancelled. */
static void open_work_blocks_close_and_cancel(void **state)
{
    struct world *w = *state;
    fw_error *err = NULL;
    char buf[1024];
    fw_id id = make_task(w->ctx, task_json(buf, sizeof(buf), w->ent, "DESIGN", 50000, 2, NULL)), a;

    publish_task(w->ctx, id);
    a = take(w->ctx, id, w->w1);
    assert_refused(fw_task_close(w->ctx, id, &err), FW_ESTATE, &err, "has 1 open assignment(s)");
    assert_refused(fw_task_cancel(w->ctx, id, "x", &err), FW_ESTATE, &err, "is in_progress");
    assert_int_equal(task_state(w->ctx, id), FW_TASK_IN_PROGRESS);
    deliver(w->ctx, a);
    assert_rc(fw_task_reject(w->ctx, a, "不符合要求", &err), FW_OK, &err);
    assert_rc(fw_task_close(w->ctx, id, &err), FW_OK, &err);
    assert_int_equal(task_state(w->ctx, id), FW_TASK_COMPLETED);
}

/* ---- assignments ---------------------------------------------------------------------------- */

/* An assignment in the given state, on a fresh task (slots 3, max_revisions 1). */
static fw_id asg_in(struct world *w, uint32_t st)
{
    fw_error *err = NULL;
    char buf[1024];
    fw_id id, a;

    id = make_task(w->ctx, task_json(buf, sizeof(buf), w->ent, "DESIGN", 50000, 3,
                                     "\"max_revisions\":1"));
    publish_task(w->ctx, id);
    a = take(w->ctx, id, w->w1);
    switch (st) {
    case FW_ASSIGNMENT_TAKEN:
        break;
    case FW_ASSIGNMENT_DELIVERED:
        deliver(w->ctx, a);
        break;
    case FW_ASSIGNMENT_REVISION:
        deliver(w->ctx, a);
        assert_rc(fw_task_request_revision(w->ctx, a, "配色再调整", &err), FW_OK, &err);
        break;
    case FW_ASSIGNMENT_ACCEPTED:
        deliver(w->ctx, a);
        assert_rc(fw_task_accept(w->ctx, a, NULL, NULL, &err), FW_OK, &err);
        break;
    case FW_ASSIGNMENT_REJECTED:
        deliver(w->ctx, a);
        assert_rc(fw_task_reject(w->ctx, a, "不符合要求", &err), FW_OK, &err);
        break;
    case FW_ASSIGNMENT_WITHDRAWN:
        assert_rc(fw_task_withdraw(w->ctx, a, &err), FW_OK, &err);
        break;
    case FW_ASSIGNMENT_OVERDUE:
        test_clock_advance(21 * DAY);
        assert_rc(fw_task_run_timers(w->ctx, NULL, &err), FW_OK, &err);
        break;
    }
    assert_int_equal(asg_state(w->ctx, a), st);
    return a;
}

enum { A_DELIVER, A_ACCEPT, A_REJECT, A_REVISE, A_WITHDRAW, A_EVALUATE, A_COUNT };
static const char *const a_names[] = { "deliver", "accept", "reject", "revise", "withdraw", "evaluate" };
static const uint32_t a_legal[A_COUNT] = {
    [A_DELIVER] = 1u << FW_ASSIGNMENT_TAKEN | 1u << FW_ASSIGNMENT_REVISION,
    [A_ACCEPT] = 1u << FW_ASSIGNMENT_DELIVERED,
    [A_REJECT] = 1u << FW_ASSIGNMENT_DELIVERED,
    [A_REVISE] = 1u << FW_ASSIGNMENT_DELIVERED,
    [A_WITHDRAW] = 1u << FW_ASSIGNMENT_TAKEN | 1u << FW_ASSIGNMENT_REVISION,
    [A_EVALUATE] = 1u << FW_ASSIGNMENT_ACCEPTED | 1u << FW_ASSIGNMENT_REJECTED,
};
static const uint32_t a_to[A_COUNT] = { FW_ASSIGNMENT_DELIVERED, FW_ASSIGNMENT_ACCEPTED, FW_ASSIGNMENT_REJECTED,
                                        FW_ASSIGNMENT_REVISION, FW_ASSIGNMENT_WITHDRAWN, 0 };

static int run_a_op(struct world *w, int op, fw_id a, fw_error **err)
{
    char buf[512];
    switch (op) {
    case A_DELIVER:
        snprintf(buf, sizeof(buf), PROOF, (long long)test_clock_ms);
        return fw_task_deliver(w->ctx, a, buf, strlen(buf), err);
    case A_ACCEPT: return fw_task_accept(w->ctx, a, NULL, NULL, err);
    case A_REJECT: return fw_task_reject(w->ctx, a, "质量不达标", err);
    case A_REVISE: return fw_task_request_revision(w->ctx, a, "请修改", err);
    case A_WITHDRAW: return fw_task_withdraw(w->ctx, a, err);
    default: return fw_task_evaluate(w->ctx, a, "{\"by\":\"enterprise\",\"score\":4}", (size_t)-1, err);
    }
}

/* R-5.5 R-3.3.e: every assignment operation in every state. */
static void assignment_transitions_legal_and_illegal(void **state)
{
    struct world *w = *state;
    fw_error *err = NULL;
    uint32_t st;
    int op, legal_seen = 0, illegal_seen = 0;

    for (st = FW_ASSIGNMENT_TAKEN; st <= FW_ASSIGNMENT_OVERDUE; st++) {
        for (op = 0; op < A_COUNT; op++) {
            fw_id a = asg_in(w, st);
            int64_t audits = audit_count(w->ctx);
            int rc = run_a_op(w, op, a, &err);
            char want[128];

            if (a_legal[op] & (1u << st)) {
                if (rc != FW_OK)
                    fail_msg("%s on %s: %s", a_names[op], fw__assignment_state_name(st), fw_error_message(err));
                assert_int_equal(asg_state(w->ctx, a), a_to[op] ? a_to[op] : st);
                legal_seen++;
            } else {
                if (rc != FW_ESTATE)
                    fail_msg("%s on %s: got %d, want FW_ESTATE", a_names[op], fw__assignment_state_name(st), rc);
                snprintf(want, sizeof(want), "assignment %lld is %s", (long long)a, fw__assignment_state_name(st));
                if (!strstr(fw_error_message(err), want))
                    fail_msg("%s on %s: message \"%s\"", a_names[op], fw__assignment_state_name(st),
                             fw_error_message(err));
                fw_error_free(err);
                err = NULL;
                assert_int_equal(asg_state(w->ctx, a), st);
                assert_int_equal(audit_count(w->ctx), audits);
                illegal_seen++;
            }
        }
    }
    assert_int_equal(legal_seen, 9);
    assert_int_equal(illegal_seen, 7 * 6 - 9);
}

/* Revisions are bounded: once used up the enterprise accepts or rejects. */
static void revisions_are_bounded(void **state)
{
    struct world *w = *state;
    fw_error *err = NULL;
    fw_id a = asg_in(w, FW_ASSIGNMENT_REVISION);      /* max_revisions 1, used */

    deliver(w->ctx, a);
    assert_refused(fw_task_request_revision(w->ctx, a, "再改一次", &err), FW_ELIMIT, &err,
                   "REVISIONS_EXHAUSTED: assignment");
    assert_int_equal(asg_state(w->ctx, a), FW_ASSIGNMENT_DELIVERED);
    assert_rc(fw_task_accept(w->ctx, a, NULL, NULL, &err), FW_OK, &err);
    assert_int_equal(count_rows(w->ctx, "SELECT count(*) FROM fw_task_delivery"), 2);
}

/* Deliveries are proof: they cannot be edited afterwards. */
static void deliveries_are_append_only(void **state)
{
    struct world *w = *state;
    fw_error *err = NULL;
    fw_id a = asg_in(w, FW_ASSIGNMENT_DELIVERED);

    assert_int_not_equal(fw__db_exec(w->ctx, &err, "UPDATE fw_task_delivery SET description='x' WHERE assignment_id=?",
                                     "i", a), FW_OK);
    fw_error_free(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(task_transitions_legal_and_illegal, setup, teardown),
        cmocka_unit_test_setup_teardown(open_work_blocks_close_and_cancel, setup, teardown),
        cmocka_unit_test_setup_teardown(assignment_transitions_legal_and_illegal, setup, teardown),
        cmocka_unit_test_setup_teardown(revisions_are_bounded, setup, teardown),
        cmocka_unit_test_setup_teardown(deliveries_are_append_only, setup, teardown),
    };
    cmocka_set_message_output(CM_OUTPUT_TAP);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
