/*
 * Assignments (R-5.5, R-3.3.c, R-3.3.e): taking a task through the eligibility gate, delivery of
 * proof of completion, the enterprise's acceptance (with its payable item), rejection or
 * revision, withdrawal, and the deadlines swept by the timers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/authz.h"
#include "core/clock.h"
#include "core/ctx.h"
#include "core/db.h"
#include "core/error.h"
#include "core/hook.h"
#include "core/idem.h"
#include "contract/contract.h"
#include "party/party.h"
#include "task/task_int.h"
#include "training/training.h"

/* Assignment states that hold a slot and are not yet decided. */
#define OPEN_STATES "(1,2,3)"

const char *fw__assignment_state_name(int64_t st)
{
    static const char *const names[] = { "unknown", "taken", "delivered", "revision", "accepted",
                                         "rejected", "withdrawn", "overdue" };
    return st >= 0 && st < (int64_t)(sizeof(names) / sizeof(names[0])) ? names[st] : "unknown";
}

struct asg {
    fw_id id, task_id, worker_id, enterprise_id;
    int64_t state, amount_fen, taken_ms, delivery_deadline_ms, rounds;
};

/* Applies the task's due timers, then loads the assignment. */
static int asg_load(fw_ctx *ctx, fw_id id, struct asg *a, fw_error **err)
{
    fw__stmt *s = NULL;
    int64_t task_id = 0, changed = 0;
    int rc = fw__db_i64(ctx, &task_id, err, "SELECT task_id FROM fw_task_assignment WHERE id=?", "i", id);

    if (rc == FW_ENOTFOUND)
        return fw__error_set(err, FW_ENOTFOUND, NULL, "no assignment %lld", (long long)id);
    if (rc == FW_OK)
        rc = fw__task_timers(ctx, task_id, &changed, err);
    if (rc == FW_OK)
        rc = fw__db_query(ctx, &s, err, "SELECT task_id, worker_id, enterprise_id, state, amount_fen, taken_ms, "
                          "delivery_deadline_ms, rounds FROM fw_task_assignment WHERE id=?", "i", id);
    if (rc == FW_OK && (rc = fw__db_step(s, err)) == FW__ROW) {
        a->id = id;
        a->task_id = fw__db_col_i64(s, 0);
        a->worker_id = fw__db_col_i64(s, 1);
        a->enterprise_id = fw__db_col_i64(s, 2);
        a->state = fw__db_col_i64(s, 3);
        a->amount_fen = fw__db_col_i64(s, 4);
        a->taken_ms = fw__db_col_i64(s, 5);
        a->delivery_deadline_ms = fw__db_col_i64(s, 6);
        a->rounds = fw__db_col_i64(s, 7);
        rc = FW_OK;
    } else if (rc == FW__DONE) {
        rc = fw__error_set(err, FW_ENOTFOUND, NULL, "no assignment %lld", (long long)id);
    }
    fw__db_done(s);
    return rc;
}

static int asg_wrong_state(fw_error **err, const struct asg *a, const char *what, const char *needs)
{
    return fw__error_set(err, FW_ESTATE, NULL, "assignment %lld is %s; %s needs an assignment that is %s",
                         (long long)a->id, fw__assignment_state_name(a->state), what, needs);
}

static int asg_set_state(fw_ctx *ctx, const struct asg *a, int64_t to, const char *action, const char *extra,
                         fw_error **err)
{
    int rc = fw__db_exec(ctx, err, "UPDATE fw_task_assignment SET state=?, updated_ms=? WHERE id=? AND state=?",
                         "iiii", to, fw_ctx_now(ctx), a->id, a->state);
    if (rc == FW_OK && fw__db_changes(ctx) != 1)
        rc = fw__error_set(err, FW_ESTATE, NULL, "assignment %lld changed state while being updated",
                           (long long)a->id);
    if (rc == FW_OK)
        rc = fw__task_audit(ctx, err, action, "assignment", a->id,
                            "{\"task_id\":%lld,\"worker_id\":%lld,\"from\":\"%s\",\"to\":\"%s\"%s%s}",
                            (long long)a->task_id, (long long)a->worker_id,
                            fw__assignment_state_name(a->state), fw__assignment_state_name(to),
                            extra ? "," : "", extra ? extra : "");
    return rc;
}

/* Gives the slot of an assignment back to its task. */
static int release_slot(fw_ctx *ctx, fw_id task_id, fw_error **err)
{
    return fw__db_exec(ctx, err, "UPDATE fw_task SET slots_taken=slots_taken-1 WHERE id=? AND slots_taken>0", "i",
                       task_id);
}

int fw__task_maybe_finish(fw_ctx *ctx, fw_id task_id, int64_t *changed, fw_error **err)
{
    fw__stmt *s = NULL;
    int64_t state = 0, slots = 0, taken = 0, take_dl = 0, open = 0, decided = 0, to;
    int rc = fw__db_query(ctx, &s, err, "SELECT state, slots, slots_taken, take_deadline_ms FROM fw_task WHERE id=?",
                          "i", task_id);

    if (rc == FW_OK && (rc = fw__db_step(s, err)) == FW__ROW) {
        state = fw__db_col_i64(s, 0);
        slots = fw__db_col_i64(s, 1);
        taken = fw__db_col_i64(s, 2);
        take_dl = fw__db_col_i64(s, 3);
        rc = FW_OK;
    } else if (rc == FW__DONE) {
        rc = FW_OK;
    }
    fw__db_done(s);
    if (rc != FW_OK || state != FW_TASK_IN_PROGRESS)
        return rc;
    if ((rc = fw__db_i64(ctx, &open, err, "SELECT count(*) FROM fw_task_assignment WHERE task_id=? AND state IN "
                         OPEN_STATES, "i", task_id)) != FW_OK || open > 0)
        return rc;
    if (taken < slots && take_dl > fw_ctx_now(ctx))
        return FW_OK;   /* still open for taking */
    if ((rc = fw__db_i64(ctx, &decided, err, "SELECT count(*) FROM fw_task_assignment WHERE task_id=? AND state "
                         "IN (4,5)", "i", task_id)) != FW_OK)
        return rc;
    to = decided > 0 ? FW_TASK_COMPLETED : FW_TASK_EXPIRED;
    rc = fw__task_set_state(ctx, task_id, state, to, to == FW_TASK_COMPLETED ? "task.complete" : "task.expire",
                            "\"by\":\"timer\"", err);
    if (rc == FW_OK)
        ++*changed;
    return rc;
}

/* delivered -> accepted, with the payable item; auto = 1 when the review window passed. */
static int accept_assignment(fw_ctx *ctx, const struct asg *a, int auto_, fw_id *out_payable, int64_t *changed,
                             fw_error **err)
{
    int64_t now = fw_ctx_now(ctx);
    char month[16], extra[128];
    fw_id payable = 0;
    int rc;

    fw__cst_month_key(now, month, sizeof(month));
    snprintf(extra, sizeof(extra), "\"amount_fen\":%lld,\"auto\":%s", (long long)a->amount_fen,
             auto_ ? "true" : "false");
    rc = fw__db_exec(ctx, err, "UPDATE fw_task_assignment SET decided_ms=?, accepted_month=?, auto_accepted=? "
                     "WHERE id=?", "itii", now, month, (int64_t)auto_, a->id);
    if (rc == FW_OK)
        rc = asg_set_state(ctx, a, FW_ASSIGNMENT_ACCEPTED, auto_ ? "task.auto_accept" : "task.accept", extra, err);
    if (rc == FW_OK)
        rc = fw__db_exec(ctx, err, "INSERT INTO fw_task_payable(assignment_id, task_id, enterprise_id, worker_id, "
                         "amount_fen, created_ms) VALUES (?,?,?,?,?,?)", "iiiiii", a->id, a->task_id,
                         a->enterprise_id, a->worker_id, a->amount_fen, now);
    if (rc == FW_OK) {
        payable = fw__db_last_id(ctx);
        rc = fw__task_audit(ctx, err, "task.payable.create", "payable", payable,
                            "{\"assignment_id\":%lld,\"task_id\":%lld,\"enterprise_id\":%lld,\"worker_id\":%lld,"
                            "\"amount_fen\":%lld}", (long long)a->id, (long long)a->task_id,
                            (long long)a->enterprise_id, (long long)a->worker_id, (long long)a->amount_fen);
    }
    if (rc == FW_OK) {
        ++*changed;
        rc = fw__task_maybe_finish(ctx, a->task_id, changed, err);
    }
    if (rc == FW_OK && out_payable)
        *out_payable = payable;
    return rc;
}

/* ---- timers ----------------------------------------------------------------------------------- */

struct idlist {
    fw_id *v;
    size_t n, cap;
};

/* Collects the ids a query binding (now, task_id, task_id) returns. */
static int idlist_collect(fw_ctx *ctx, struct idlist *l, fw_error **err, const char *sql, int64_t now,
                          fw_id task_id)
{
    fw__stmt *s = NULL;
    int rc = fw__db_query(ctx, &s, err, sql, "iii", now, task_id, task_id);

    while (rc == FW_OK && (rc = fw__db_step(s, err)) == FW__ROW) {
        if (l->n == l->cap) {
            size_t cap = l->cap ? l->cap * 2 : 16;
            fw_id *v = realloc(l->v, cap * sizeof(*v));
            if (!v) {
                rc = fw__error_nomem(err);
                break;
            }
            l->v = v;
            l->cap = cap;
        }
        l->v[l->n++] = fw__db_col_i64(s, 0);
        rc = FW_OK;
    }
    fw__db_done(s);
    return rc == FW__DONE ? FW_OK : rc;
}

static int asg_row(fw_ctx *ctx, fw_id id, struct asg *a, fw_error **err)
{
    fw__stmt *s = NULL;
    int rc = fw__db_query(ctx, &s, err, "SELECT task_id, worker_id, enterprise_id, state, amount_fen, taken_ms, "
                          "delivery_deadline_ms, rounds FROM fw_task_assignment WHERE id=?", "i", id);
    if (rc == FW_OK && (rc = fw__db_step(s, err)) == FW__ROW) {
        a->id = id;
        a->task_id = fw__db_col_i64(s, 0);
        a->worker_id = fw__db_col_i64(s, 1);
        a->enterprise_id = fw__db_col_i64(s, 2);
        a->state = fw__db_col_i64(s, 3);
        a->amount_fen = fw__db_col_i64(s, 4);
        a->taken_ms = fw__db_col_i64(s, 5);
        a->delivery_deadline_ms = fw__db_col_i64(s, 6);
        a->rounds = fw__db_col_i64(s, 7);
        rc = FW_OK;
    } else if (rc == FW__DONE) {
        rc = fw__error_set(err, FW_ENOTFOUND, NULL, "no assignment %lld", (long long)id);
    }
    fw__db_done(s);
    return rc;
}

int fw__task_timers(fw_ctx *ctx, fw_id task_id, int64_t *changed, fw_error **err)
{
    struct idlist l = { NULL, 0, 0 };
    struct asg a;
    int64_t now = fw_ctx_now(ctx);
    size_t i;
    int rc;

    /* 1. deliveries whose review window passed are accepted */
    rc = idlist_collect(ctx, &l, err, "SELECT id FROM fw_task_assignment WHERE state=2 AND auto_accept_at_ms<=? "
                        "AND (?=0 OR task_id=?) ORDER BY id", now, task_id);
    for (i = 0; rc == FW_OK && i < l.n; i++)
        if ((rc = asg_row(ctx, l.v[i], &a, err)) == FW_OK)
            rc = accept_assignment(ctx, &a, 1, NULL, changed, err);
    /* 2. assignments not delivered by the delivery deadline are overdue: their slots return */
    l.n = 0;
    if (rc == FW_OK)
        rc = idlist_collect(ctx, &l, err, "SELECT id FROM fw_task_assignment WHERE state IN (1,3) AND "
                            "delivery_deadline_ms<=? AND (?=0 OR task_id=?) ORDER BY id", now, task_id);
    for (i = 0; rc == FW_OK && i < l.n; i++) {
        if ((rc = asg_row(ctx, l.v[i], &a, err)) == FW_OK)
            rc = asg_set_state(ctx, &a, FW_ASSIGNMENT_OVERDUE, "task.overdue", "\"by\":\"timer\"", err);
        if (rc == FW_OK)
            rc = release_slot(ctx, a.task_id, err);
        if (rc == FW_OK)
            ++*changed;
    }
    /* 3. published tasks nobody took by the taking deadline expire */
    l.n = 0;
    if (rc == FW_OK)
        rc = idlist_collect(ctx, &l, err, "SELECT id FROM fw_task WHERE state=5 AND take_deadline_ms<=? AND "
                            "(?=0 OR id=?) ORDER BY id", now, task_id);
    for (i = 0; rc == FW_OK && i < l.n; i++)
        if ((rc = fw__task_set_state(ctx, l.v[i], FW_TASK_PUBLISHED, FW_TASK_EXPIRED, "task.expire",
                                     "\"by\":\"timer\"", err)) == FW_OK)
            ++*changed;
    /* 4. in-progress tasks whose taking closed complete once their work has ended (a task whose
     * last assignment ends before then is finished by the call that ends it) */
    l.n = 0;
    if (rc == FW_OK)
        rc = idlist_collect(ctx, &l, err, "SELECT id FROM fw_task WHERE state=6 AND take_deadline_ms<=? AND "
                            "(?=0 OR id=?) ORDER BY id", now, task_id);
    for (i = 0; rc == FW_OK && i < l.n; i++)
        rc = fw__task_maybe_finish(ctx, l.v[i], changed, err);
    free(l.v);
    return rc;
}

int fw_task_run_timers(fw_ctx *ctx, int64_t *out_changed, fw_error **err)
{
    int64_t changed = 0;
    int rc;

    if (!ctx)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx is required");
    if ((rc = fw__authz_require(ctx, "task.run_timers", err)) != FW_OK)
        return rc;
    if ((rc = fw__tx_begin(ctx, err)) != FW_OK)
        return rc;
    rc = fw__task_timers(ctx, 0, &changed, err);
    rc = fw__tx_end(ctx, rc, err);
    if (rc == FW_OK && out_changed)
        *out_changed = changed;
    return rc;
}

/* ---- taking ------------------------------------------------------------------------------------ */

static int check_age(fw_ctx *ctx, fw_id worker_id, fw_id task_id, fw_error **err)
{
    int by, bm, bd, y, m, d, age;
    int rc = fw__party_worker_birth_date(ctx, worker_id, &by, &bm, &bd, err);

    if (rc == FW_ESHREDDED)
        return fw__error_set(err, FW_EDENIED, NULL, "WORKER_AGE_UNKNOWN: worker %lld's identity was erased; "
                             "task %lld is for adults only", (long long)worker_id, (long long)task_id);
    if (rc != FW_OK)
        return rc;
    fw__cst_date(fw_ctx_now(ctx), &y, &m, &d);
    age = fw__age_years(by, bm, bd, y, m, d);
    if (age < 18)
        return fw__error_set(err, FW_EDENIED, NULL, "WORKER_UNDER_18: task %lld is for adults only (18 or "
                             "older); worker %lld is %d", (long long)task_id, (long long)worker_id, age);
    return FW_OK;
}

static int check_certificates(fw_ctx *ctx, const struct fw__task_core *t, fw_id worker_id, fw_error **err)
{
    cJSON *codes = cJSON_Parse(t->certificates);
    const cJSON *c;
    int rc = codes ? FW_OK : fw__error_nomem(err), has = 0;

    cJSON_ArrayForEach(c, codes) {
        if ((rc = fw__training_worker_has_certificate(ctx, worker_id, c->valuestring, fw_ctx_now(ctx), &has,
                                                      err)) != FW_OK)
            break;
        if (!has) {
            rc = fw__error_set(err, FW_EDENIED, NULL, "CERTIFICATE_MISSING: task %lld requires a valid certificate "
                               "of course %s; worker %lld has none in force", (long long)t->id, c->valuestring,
                               (long long)worker_id);
            break;
        }
    }
    cJSON_Delete(codes);
    return rc;
}

static int take_gate(fw_ctx *ctx, const struct fw__task_core *t, fw_id worker_id, fw_error **err)
{
    int64_t now = fw_ctx_now(ctx), held = 0, avg = 0, count = 0;
    int rc;

    if (t->state != FW_TASK_PUBLISHED && t->state != FW_TASK_IN_PROGRESS)
        return fw__error_set(err, FW_ESTATE, NULL, "TASK_NOT_OPEN: task %lld is %s; only a published or "
                             "in-progress task can be taken", (long long)t->id, fw__task_state_name(t->state));
    if (now >= t->take_deadline_ms)
        return fw__error_set(err, FW_EDENIED, NULL, "TAKE_DEADLINE_PASSED: task %lld closed for taking at %lld",
                             (long long)t->id, (long long)t->take_deadline_ms);
    /*
     * R-6.b, R-7.4, R-5.1: work is taken under a service agreement in force with the enterprise,
     * and while the enterprise's cooperation agreement is in force (read at the take, so that
     * one past its expiry date stops work before the expiry sweep has run)
     */
    if ((rc = fw__party_require_verified_worker(ctx, worker_id, err)) != FW_OK ||
        (rc = fw__party_require_active_enterprise(ctx, t->enterprise_id, err)) != FW_OK ||
        (rc = fw__contract_require_signed(ctx, t->enterprise_id, 0, err)) != FW_OK ||
        (rc = fw__contract_require_signed(ctx, t->enterprise_id, worker_id, err)) != FW_OK)
        return rc;
    if (t->adult_only && (rc = check_age(ctx, worker_id, t->id, err)) != FW_OK)
        return rc;
    if ((rc = check_certificates(ctx, t, worker_id, err)) != FW_OK)
        return rc;
    if (t->min_rating_x100 > 0) {
        if ((rc = fw__task_worker_rating(ctx, worker_id, &avg, &count, err)) != FW_OK)
            return rc;
        if (count > 0 && avg < t->min_rating_x100)
            return fw__error_set(err, FW_EDENIED, NULL, "RATING_TOO_LOW: task %lld needs a rating of at least "
                                 "%lld/100; worker %lld has %lld/100", (long long)t->id,
                                 (long long)t->min_rating_x100, (long long)worker_id, (long long)avg);
    }
    rc = fw__db_i64(ctx, &held, err, "SELECT count(*) FROM fw_task_assignment WHERE task_id=? AND worker_id=? "
                    "AND state IN (1,2,3,4,5)", "ii", t->id, worker_id);
    if (rc == FW_OK && held >= t->per_worker)
        rc = fw__error_set(err, FW_EDENIED, NULL, "ALREADY_TAKEN: worker %lld holds %lld assignment(s) of task "
                           "%lld, the most one worker may take", (long long)worker_id, (long long)held,
                           (long long)t->id);
    return rc;
}

int fw_task_take(fw_ctx *ctx, fw_id task_id, fw_id worker_id, fw_id *out_assignment_id, fw_error **err)
{
    struct fw__task_core t;
    struct fw__task_take_event ev;
    fw_id id = 0;
    int64_t now;
    int rc;

    if (!ctx || !out_assignment_id)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and out_assignment_id are required");
    if ((rc = fw__authz_require_owner(ctx, "task.take", 0, worker_id, err)) != FW_OK)
        return rc;
    if ((rc = fw__tx_begin(ctx, err)) != FW_OK)
        return rc;
    now = fw_ctx_now(ctx);
    rc = fw__task_core_load(ctx, task_id, &t, err);
    if (rc == FW_OK)
        rc = take_gate(ctx, &t, worker_id, err);
    if (rc == FW_OK) {
        memset(&ev, 0, sizeof(ev));
        ev.task_id = task_id;
        ev.worker_id = worker_id;
        ev.enterprise_id = t.enterprise_id;
        ev.amount_fen = t.unit_price_fen;
        ev.category = t.category;
        ev.risk_level = (uint32_t)t.risk_level;
        ev.adult_only = (uint32_t)t.adult_only;
        ev.at_ms = now;
        rc = fw__hook_run(ctx, "task.take", task_id, &ev, err);
    }
    /* the slot is taken by one conditional update, so concurrent takers never over-allocate */
    if (rc == FW_OK)
        rc = fw__db_exec(ctx, err, "UPDATE fw_task SET slots_taken=slots_taken+1, updated_ms=? WHERE id=? AND "
                         "slots_taken<slots", "ii", now, task_id);
    if (rc == FW_OK && fw__db_changes(ctx) != 1)
        rc = fw__error_set(err, FW_EDENIED, NULL, "NO_SLOTS_LEFT: all %lld slots of task %lld are taken",
                           (long long)t.slots, (long long)task_id);
    if (rc == FW_OK)
        rc = fw__db_exec(ctx, err, "INSERT INTO fw_task_assignment(task_id, worker_id, enterprise_id, state, "
                         "amount_fen, taken_ms, delivery_deadline_ms, updated_ms) VALUES (?,?,?,?,?,?,?,?)",
                         "iiiiiiii", task_id, worker_id, t.enterprise_id, (int64_t)FW_ASSIGNMENT_TAKEN,
                         t.unit_price_fen, now, t.delivery_deadline_ms, now);
    if (rc == FW_OK) {
        id = fw__db_last_id(ctx);
        rc = fw__task_audit(ctx, err, "task.take", "assignment", id,
                            "{\"task_id\":%lld,\"worker_id\":%lld,\"amount_fen\":%lld,\"to\":\"taken\"}",
                            (long long)task_id, (long long)worker_id, (long long)t.unit_price_fen);
    }
    if (rc == FW_OK)
        rc = fw__party_link_worker(ctx, worker_id, t.enterprise_id, err);
    if (rc == FW_OK && t.state == FW_TASK_PUBLISHED)
        rc = fw__task_set_state(ctx, task_id, t.state, FW_TASK_IN_PROGRESS, "task.start", NULL, err);
    rc = fw__tx_end(ctx, rc, err);
    if (rc == FW_OK)
        *out_assignment_id = id;
    return rc;
}

int fw_task_withdraw(fw_ctx *ctx, fw_id assignment_id, fw_error **err)
{
    struct asg a;
    int64_t changed = 0;
    int rc;

    if (!ctx)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx is required");
    if ((rc = fw__authz_require(ctx, "task.withdraw", err)) != FW_OK)
        return rc;
    if ((rc = fw__tx_begin(ctx, err)) != FW_OK)
        return rc;
    rc = asg_load(ctx, assignment_id, &a, err);
    if (rc == FW_OK)
        rc = fw__authz_require_owner(ctx, "task.withdraw", 0, a.worker_id, err);
    if (rc == FW_OK && a.state != FW_ASSIGNMENT_TAKEN && a.state != FW_ASSIGNMENT_REVISION)
        rc = asg_wrong_state(err, &a, "withdrawal", "taken or revision");
    if (rc == FW_OK)
        rc = asg_set_state(ctx, &a, FW_ASSIGNMENT_WITHDRAWN, "task.withdraw", NULL, err);
    if (rc == FW_OK)
        rc = release_slot(ctx, a.task_id, err);
    if (rc == FW_OK)
        rc = fw__task_maybe_finish(ctx, a.task_id, &changed, err);
    return fw__tx_end(ctx, rc, err);
}

/* ---- delivery and the enterprise's review ---------------------------------------------------- */

static int evidence_parse(const cJSON *root, char **out, fw_error **err)
{
    static const char *const fields[] = { "name", "sha256", NULL };
    const cJSON *arr = NULL, *it;
    const char *s;
    char p[64];
    size_t i = 0;
    int rc = fw__json_arr(root, "$", "evidence", FW__OPTIONAL, 50, &arr, err);

    if (rc != FW_OK)
        return rc;
    cJSON_ArrayForEach(it, arr) {
        fw__json_path_index(p, sizeof(p), "$.evidence", i++);
        if (!cJSON_IsObject(it))
            return fw__error_set(err, FW_EINVAL, p, "must be an object {\"name\",\"sha256\"}");
        if ((rc = fw__json_only(it, p, fields, err)) != FW_OK ||
            (rc = fw__json_str(it, p, "name", FW__REQUIRED, 1, 200, &s, err)) != FW_OK ||
            (rc = fw__json_hex(it, p, "sha256", FW__REQUIRED, 32, &s, err)) != FW_OK)
            return rc;
    }
    *out = arr ? fw__json_print(arr) : strdup("[]");
    return *out ? FW_OK : fw__error_nomem(err);
}

int fw_task_deliver(fw_ctx *ctx, fw_id assignment_id, const char *json, size_t json_len, fw_error **err)
{
    static const char *const fields[] = { "description", "evidence", "completed_ms", NULL };
    struct asg a;
    cJSON *root = NULL;
    const char *desc = NULL;
    char *evidence = NULL, extra[160];
    int64_t completed = 0, now, window = 0;
    int rc;

    if (!ctx || !json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and json are required");
    if ((rc = fw__authz_require(ctx, "task.deliver", err)) != FW_OK)
        return rc;
    now = fw_ctx_now(ctx);
    rc = fw__json_parse(&root, json, json_len, err);
    if (rc == FW_OK && (rc = fw__json_only(root, "$", fields, err)) == FW_OK &&
        (rc = fw__json_str(root, "$", "description", FW__REQUIRED, 1, 10000, &desc, err)) == FW_OK &&
        (rc = evidence_parse(root, &evidence, err)) == FW_OK)
        rc = fw__json_i64(root, "$", "completed_ms", FW__REQUIRED, 0, FW__JSON_MAX_INT, &completed, err);
    if (rc == FW_OK && completed > now)
        rc = fw__error_set(err, FW_EINVAL, "$.completed_ms", "must not be in the future (now %lld), got %lld",
                           (long long)now, (long long)completed);
    if (rc == FW_OK && (rc = fw__tx_begin(ctx, err)) == FW_OK) {
        rc = asg_load(ctx, assignment_id, &a, err);
        if (rc == FW_OK)
            rc = fw__authz_require_owner(ctx, "task.deliver", 0, a.worker_id, err);
        if (rc == FW_OK && a.state != FW_ASSIGNMENT_TAKEN && a.state != FW_ASSIGNMENT_REVISION)
            rc = asg_wrong_state(err, &a, "a delivery", "taken or revision");
        if (rc == FW_OK && completed < a.taken_ms)
            rc = fw__error_set(err, FW_EINVAL, "$.completed_ms", "must not be before the assignment was taken "
                               "(%lld), got %lld", (long long)a.taken_ms, (long long)completed);
        if (rc == FW_OK)
            rc = fw__db_i64(ctx, &window, err, "SELECT auto_accept_ms FROM fw_task WHERE id=?", "i", a.task_id);
        if (rc == FW_OK)
            rc = fw__db_exec(ctx, err, "INSERT INTO fw_task_delivery(assignment_id, round, description, evidence, "
                             "completed_ms, delivered_ms) VALUES (?,?,?,?,?,?)", "iittii", assignment_id,
                             a.rounds + 1, desc, evidence, completed, now);
        if (rc == FW_OK)
            rc = fw__db_exec(ctx, err, "UPDATE fw_task_assignment SET rounds=?, delivered_ms=?, auto_accept_at_ms=? "
                             "WHERE id=?", "iiii", a.rounds + 1, now, now + window, assignment_id);
        if (rc == FW_OK) {
            /* the description is free text: the audit keeps its round and evidence count only */
            snprintf(extra, sizeof(extra), "\"round\":%lld,\"evidence\":%d,\"auto_accept_at_ms\":%lld",
                     (long long)a.rounds + 1, cJSON_GetArraySize(cJSON_GetObjectItem(root, "evidence")),
                     (long long)(now + window));
            rc = asg_set_state(ctx, &a, FW_ASSIGNMENT_DELIVERED, "task.deliver", extra, err);
        }
        rc = fw__tx_end(ctx, rc, err);
    }
    free(evidence);
    cJSON_Delete(root);
    return rc;
}

/* Loads a delivered assignment for the enterprise's decision (inside the transaction). */
static int decision_load(fw_ctx *ctx, const char *action, fw_id assignment_id, struct asg *a, fw_error **err)
{
    int rc = asg_load(ctx, assignment_id, a, err);
    if (rc == FW_OK)
        rc = fw__authz_require_owner(ctx, action, a->enterprise_id, 0, err);
    if (rc == FW_OK && a->state != FW_ASSIGNMENT_DELIVERED)
        rc = asg_wrong_state(err, a, strcmp(action, "task.accept") == 0 ? "acceptance"
                                     : strcmp(action, "task.reject") == 0 ? "rejection" : "a revision request",
                             "delivered");
    return rc;
}

int fw_task_accept(fw_ctx *ctx, fw_id assignment_id, const char *idem_key, fw_id *out_payable_id,
                   fw_error **err)
{
    struct asg a;
    fw__idem idem;
    char req[64];
    fw_id payable = 0;
    int64_t changed = 0, ent = 0;
    int rc;

    if (!ctx)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx is required");
    if ((rc = fw__authz_require(ctx, "task.accept", err)) != FW_OK)
        return rc;
    snprintf(req, sizeof(req), "{\"assignment_id\":%lld}", (long long)assignment_id);
    if ((rc = fw__tx_begin(ctx, err)) != FW_OK)
        return rc;
    /* the owner check comes before the key, so a replay never shows another enterprise's outcome */
    rc = fw__db_i64(ctx, &ent, err, "SELECT enterprise_id FROM fw_task_assignment WHERE id=?", "i", assignment_id);
    if (rc == FW_ENOTFOUND)
        rc = fw__error_set(err, FW_ENOTFOUND, NULL, "no assignment %lld", (long long)assignment_id);
    if (rc == FW_OK)
        rc = fw__authz_require_owner(ctx, "task.accept", ent, 0, err);
    if (rc != FW_OK)
        return fw__tx_end(ctx, rc, err);
    rc = fw__idem_begin(ctx, &idem, "task.accept", idem_key, req, strlen(req), err);
    if (rc == FW_OK && idem.replayed) {
        payable = idem.result_id;
        rc = idem.rc;
    } else if (rc == FW_OK) {
        rc = decision_load(ctx, "task.accept", assignment_id, &a, err);
        if (rc == FW_OK)
            rc = accept_assignment(ctx, &a, 0, &payable, &changed, err);
    }
    rc = fw__idem_end(ctx, &idem, rc, payable, NULL, err);
    if (rc == FW_OK && out_payable_id)
        *out_payable_id = payable;
    return rc;
}

static int check_reason(const char *reason, fw_error **err)
{
    size_t n = reason ? strlen(reason) : 0;
    if (n == 0 || n > 500)
        return fw__error_set(err, FW_EINVAL, "reason", "a reason of 1 to 500 bytes is required");
    return FW_OK;
}

int fw_task_reject(fw_ctx *ctx, fw_id assignment_id, const char *reason, fw_error **err)
{
    struct asg a;
    char *q = NULL, extra[700];
    int64_t changed = 0;
    int rc;

    if (!ctx)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx is required");
    if ((rc = check_reason(reason, err)) != FW_OK ||
        (rc = fw__authz_require(ctx, "task.reject", err)) != FW_OK)
        return rc;
    if ((rc = fw__tx_begin(ctx, err)) != FW_OK)
        return rc;
    rc = decision_load(ctx, "task.reject", assignment_id, &a, err);
    if (rc == FW_OK)
        rc = fw__db_exec(ctx, err, "UPDATE fw_task_assignment SET decided_ms=?, decision_reason=? WHERE id=?",
                         "iti", fw_ctx_now(ctx), reason, assignment_id);
    if (rc == FW_OK && !(q = fw__task_quote(reason)))
        rc = fw__error_nomem(err);
    if (rc == FW_OK) {
        snprintf(extra, sizeof(extra), "\"reason\":%s", q);
        rc = asg_set_state(ctx, &a, FW_ASSIGNMENT_REJECTED, "task.reject", extra, err);
    }
    if (rc == FW_OK)
        rc = fw__task_maybe_finish(ctx, a.task_id, &changed, err);
    free(q);
    return fw__tx_end(ctx, rc, err);
}

int fw_task_request_revision(fw_ctx *ctx, fw_id assignment_id, const char *reason, fw_error **err)
{
    struct asg a;
    char *q = NULL, extra[700];
    int64_t max = 0;
    int rc;

    if (!ctx)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx is required");
    if ((rc = check_reason(reason, err)) != FW_OK ||
        (rc = fw__authz_require(ctx, "task.revise", err)) != FW_OK)
        return rc;
    if ((rc = fw__tx_begin(ctx, err)) != FW_OK)
        return rc;
    rc = decision_load(ctx, "task.revise", assignment_id, &a, err);
    if (rc == FW_OK)
        rc = fw__db_i64(ctx, &max, err, "SELECT max_revisions FROM fw_task WHERE id=?", "i", a.task_id);
    /* rounds deliveries so far means rounds - 1 revisions were already asked for */
    if (rc == FW_OK && a.rounds - 1 >= max)
        rc = fw__error_set(err, FW_ELIMIT, NULL, "REVISIONS_EXHAUSTED: assignment %lld has had %lld of %lld "
                           "revisions; accept or reject the delivery", (long long)assignment_id,
                           (long long)(a.rounds - 1), (long long)max);
    if (rc == FW_OK)
        rc = fw__db_exec(ctx, err, "UPDATE fw_task_assignment SET decision_reason=?, auto_accept_at_ms=NULL "
                         "WHERE id=?", "ti", reason, assignment_id);
    if (rc == FW_OK && !(q = fw__task_quote(reason)))
        rc = fw__error_nomem(err);
    if (rc == FW_OK) {
        snprintf(extra, sizeof(extra), "\"round\":%lld,\"reason\":%s", (long long)a.rounds, q);
        rc = asg_set_state(ctx, &a, FW_ASSIGNMENT_REVISION, "task.revise", extra, err);
    }
    free(q);
    return fw__tx_end(ctx, rc, err);
}

/* ---- reading assignments ------------------------------------------------------------------------ */

#define ASG_COLS "id, task_id, worker_id, enterprise_id, state, amount_fen, taken_ms, delivery_deadline_ms, " \
                 "delivered_ms, auto_accept_at_ms, rounds, decided_ms, decision_reason, auto_accepted"

static cJSON *asg_json(fw__stmt *s)
{
    static const char *const opt[] = { "delivered_ms", "auto_accept_at_ms" };
    cJSON *o = cJSON_CreateObject();
    int i;

    fw__json_add_i64(o, "id", fw__db_col_i64(s, 0));
    fw__json_add_i64(o, "task_id", fw__db_col_i64(s, 1));
    fw__json_add_i64(o, "worker_id", fw__db_col_i64(s, 2));
    fw__json_add_i64(o, "enterprise_id", fw__db_col_i64(s, 3));
    fw__json_add_i64(o, "state", fw__db_col_i64(s, 4));
    cJSON_AddStringToObject(o, "state_name", fw__assignment_state_name(fw__db_col_i64(s, 4)));
    fw__json_add_i64(o, "amount_fen", fw__db_col_i64(s, 5));
    fw__json_add_i64(o, "taken_ms", fw__db_col_i64(s, 6));
    fw__json_add_i64(o, "delivery_deadline_ms", fw__db_col_i64(s, 7));
    for (i = 0; i < 2; i++) {
        if (fw__db_col_is_null(s, 8 + i))
            cJSON_AddNullToObject(o, opt[i]);
        else
            fw__json_add_i64(o, opt[i], fw__db_col_i64(s, 8 + i));
    }
    fw__json_add_i64(o, "rounds", fw__db_col_i64(s, 10));
    if (fw__db_col_is_null(s, 11))
        cJSON_AddNullToObject(o, "decided_ms");
    else
        fw__json_add_i64(o, "decided_ms", fw__db_col_i64(s, 11));
    if (fw__db_col_is_null(s, 12))
        cJSON_AddNullToObject(o, "decision_reason");
    else
        cJSON_AddStringToObject(o, "decision_reason", fw__db_col_text(s, 12));
    cJSON_AddBoolToObject(o, "auto_accepted", fw__db_col_i64(s, 13) != 0);
    return o;
}

static int may_read_asg(fw_ctx *ctx, const char *action, const struct asg *a, fw_error **err)
{
    if (ctx->role == FW_ROLE_ENTERPRISE_USER)
        return fw__authz_require_owner(ctx, action, a->enterprise_id, 0, err);
    return fw__authz_require_owner(ctx, action, 0, a->worker_id, err);
}

static int add_details(fw_ctx *ctx, fw_id id, cJSON *o, fw_error **err)
{
    cJSON *dl = cJSON_AddArrayToObject(o, "deliveries"), *d, *ev = cJSON_CreateObject();
    fw__stmt *s = NULL;
    int rc, dir;

    cJSON_AddItemToObject(o, "evaluations", ev);
    rc = fw__db_query(ctx, &s, err, "SELECT round, description, evidence, completed_ms, delivered_ms FROM "
                      "fw_task_delivery WHERE assignment_id=? ORDER BY round", "i", id);
    while (rc == FW_OK && (rc = fw__db_step(s, err)) == FW__ROW) {
        d = cJSON_CreateObject();
        cJSON_AddItemToArray(dl, d);
        fw__json_add_i64(d, "round", fw__db_col_i64(s, 0));
        cJSON_AddStringToObject(d, "description", fw__db_col_text(s, 1));
        cJSON_AddItemToObject(d, "evidence", cJSON_Parse(fw__db_col_text(s, 2)));
        fw__json_add_i64(d, "completed_ms", fw__db_col_i64(s, 3));
        fw__json_add_i64(d, "delivered_ms", fw__db_col_i64(s, 4));
        rc = FW_OK;
    }
    fw__db_done(s);
    if (rc != FW__DONE)
        return rc;
    rc = fw__db_query(ctx, &s, err, "SELECT id, amount_fen, payout_order_id FROM fw_task_payable WHERE "
                      "assignment_id=?", "i", id);
    if (rc == FW_OK && (rc = fw__db_step(s, err)) == FW__ROW) {
        d = cJSON_CreateObject();
        fw__json_add_i64(d, "id", fw__db_col_i64(s, 0));
        fw__json_add_i64(d, "amount_fen", fw__db_col_i64(s, 1));
        if (fw__db_col_is_null(s, 2))
            cJSON_AddNullToObject(d, "payout_order_id");
        else
            fw__json_add_i64(d, "payout_order_id", fw__db_col_i64(s, 2));
        cJSON_AddItemToObject(o, "payable", d);
        rc = FW_OK;
    } else if (rc == FW__DONE) {
        cJSON_AddNullToObject(o, "payable");
        rc = FW_OK;
    }
    fw__db_done(s);
    for (dir = 1; rc == FW_OK && dir <= 2; dir++) {
        const char *name = dir == 1 ? "by_enterprise" : "by_worker";
        rc = fw__db_query(ctx, &s, err, "SELECT score, task_score, comment, created_ms FROM fw_task_evaluation "
                          "WHERE assignment_id=? AND direction=?", "ii", id, (int64_t)dir);
        if (rc == FW_OK && (rc = fw__db_step(s, err)) == FW__ROW) {
            d = cJSON_CreateObject();
            fw__json_add_i64(d, "score", fw__db_col_i64(s, 0));
            if (fw__db_col_is_null(s, 1))
                cJSON_AddNullToObject(d, "task_score");
            else
                fw__json_add_i64(d, "task_score", fw__db_col_i64(s, 1));
            if (fw__db_col_is_null(s, 2))
                cJSON_AddNullToObject(d, "comment");
            else
                cJSON_AddStringToObject(d, "comment", fw__db_col_text(s, 2));
            fw__json_add_i64(d, "created_ms", fw__db_col_i64(s, 3));
            cJSON_AddItemToObject(ev, name, d);
            rc = FW_OK;
        } else if (rc == FW__DONE) {
            cJSON_AddNullToObject(ev, name);
            rc = FW_OK;
        }
        fw__db_done(s);
    }
    return rc;
}

int fw_task_assignment_get(fw_ctx *ctx, fw_id assignment_id, char **out_json, size_t *out_len, fw_error **err)
{
    struct asg a;
    cJSON *o = NULL;
    fw__stmt *s = NULL;
    int rc;

    if (!ctx || !out_json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and out_json are required");
    if ((rc = fw__authz_require(ctx, "task.assignment.get", err)) != FW_OK)
        return rc;
    if ((rc = fw__tx_begin(ctx, err)) != FW_OK)
        return rc;
    rc = asg_load(ctx, assignment_id, &a, err);
    if (rc == FW_OK)
        rc = may_read_asg(ctx, "task.assignment.get", &a, err);
    if (rc == FW_OK)
        rc = fw__db_query(ctx, &s, err, "SELECT " ASG_COLS " FROM fw_task_assignment WHERE id=?", "i",
                          assignment_id);
    if (rc == FW_OK && (rc = fw__db_step(s, err)) == FW__ROW) {
        o = asg_json(s);
        rc = FW_OK;
    } else if (rc == FW__DONE) {
        rc = fw__error_set(err, FW_ENOTFOUND, NULL, "no assignment %lld", (long long)assignment_id);
    }
    fw__db_done(s);
    if (rc == FW_OK)
        rc = add_details(ctx, assignment_id, o, err);
    rc = fw__tx_end(ctx, rc, err);
    if (rc != FW_OK) {
        cJSON_Delete(o);
        return rc;
    }
    return fw__json_out(o, out_json, out_len, err);
}

int fw_task_assignment_list(fw_ctx *ctx, const char *filter, size_t filter_len, char **out_json,
                            size_t *out_len, fw_error **err)
{
    static const char *const fields[] = { "task_id", "worker_id", "state", "after_id", "limit", NULL };
    cJSON *root = NULL, *res = NULL, *items = NULL;
    int64_t task = 0, worker = 0, state = 0, after = 0, limit = 50, ent = 0, n = 0, last = 0, changed = 0;
    fw__stmt *s = NULL;
    int rc;

    if (!ctx || !out_json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and out_json are required");
    if ((rc = fw__authz_require(ctx, "task.assignment.list", err)) != FW_OK)
        return rc;
    if (filter) {
        rc = fw__json_parse(&root, filter, filter_len, err);
        if (rc == FW_OK && (rc = fw__json_only(root, "$", fields, err)) == FW_OK &&
            (rc = fw__json_i64(root, "$", "task_id", FW__OPTIONAL, 1, FW__JSON_MAX_INT, &task, err)) == FW_OK &&
            (rc = fw__json_i64(root, "$", "worker_id", FW__OPTIONAL, 1, FW__JSON_MAX_INT, &worker, err)) == FW_OK &&
            (rc = fw__json_i64(root, "$", "state", FW__OPTIONAL, 1, 7, &state, err)) == FW_OK)
            rc = fw__task_page(root, &after, &limit, err);
    }
    if (rc == FW_OK && ctx->role == FW_ROLE_WORKER) {
        if (!worker)
            worker = ctx->party_id;
        rc = fw__authz_require_owner(ctx, "task.assignment.list", 0, worker, err);
    }
    if (ctx->role == FW_ROLE_ENTERPRISE_USER)
        ent = ctx->party_id;   /* only its own tasks' assignments, whatever the filter says */
    if (rc == FW_OK && (rc = fw__tx_begin(ctx, err)) == FW_OK) {
        rc = fw__task_timers(ctx, task, &changed, err);
        if (rc == FW_OK && (!(res = cJSON_CreateObject()) || !(items = cJSON_AddArrayToObject(res, "items"))))
            rc = fw__error_nomem(err);
        if (rc == FW_OK)
            rc = fw__db_query(ctx, &s, err, "SELECT " ASG_COLS " FROM fw_task_assignment WHERE id>? AND "
                              "(?=0 OR task_id=?) AND (?=0 OR worker_id=?) AND (?=0 OR state=?) AND "
                              "(?=0 OR enterprise_id=?) ORDER BY id LIMIT ?", "iiiiiiiiii", after, task, task,
                              worker, worker, state, state, ent, ent, limit + 1);
        while (rc == FW_OK && (rc = fw__db_step(s, err)) == FW__ROW) {
            if (n++ < limit) {
                last = fw__db_col_i64(s, 0);
                cJSON_AddItemToArray(items, asg_json(s));
            }
            rc = FW_OK;
        }
        fw__db_done(s);
        if (rc == FW__DONE) {
            rc = FW_OK;
            if (n > limit)
                fw__json_add_i64(res, "next_after_id", last);
            else
                cJSON_AddNullToObject(res, "next_after_id");
        }
        rc = fw__tx_end(ctx, rc, err);
    }
    cJSON_Delete(root);
    if (rc != FW_OK) {
        cJSON_Delete(res);
        return rc;
    }
    return fw__json_out(res, out_json, out_len, err);
}
