/*
 * Evaluation and feedback both ways with the ratings they feed; the payable items the
 * payout pipeline consumes; and the module's hooks into the lower modules.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/authz.h"
#include "core/ctx.h"
#include "core/db.h"
#include "core/error.h"
#include "core/hook.h"
#include "party/party.h"
#include "task/task_int.h"

#define BY_ENTERPRISE 1   /* the enterprise rates the worker */
#define BY_WORKER     2   /* the worker rates the enterprise (and the task) */

int fw_task_evaluate(fw_ctx *ctx, fw_id assignment_id, const char *json, size_t json_len, fw_error **err)
{
    static const char *const fields[] = { "by", "score", "task_score", "comment", NULL };
    static const char *const sides[] = { "enterprise", "worker", NULL };
    cJSON *root = NULL;
    fw__stmt *s = NULL;
    const char *comment = NULL;
    int64_t score = 0, task_score = 0, state = 0, worker = 0, ent = 0, n = 0;
    int side = 0, rc, dir;

    if (!ctx || !json)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx and json are required");
    if ((rc = fw__authz_require(ctx, "task.evaluate", err)) != FW_OK)
        return rc;
    rc = fw__json_parse(&root, json, json_len, err);
    if (rc == FW_OK && (rc = fw__json_only(root, "$", fields, err)) == FW_OK &&
        (rc = fw__json_enum(root, "$", "by", FW__REQUIRED, sides, &side, err)) == FW_OK &&
        (rc = fw__json_i64(root, "$", "score", FW__REQUIRED, 1, 5, &score, err)) == FW_OK &&
        (rc = fw__json_i64(root, "$", "task_score", FW__OPTIONAL, 1, 5, &task_score, err)) == FW_OK)
        rc = fw__json_str(root, "$", "comment", FW__OPTIONAL, 1, 1000, &comment, err);
    dir = side == 0 ? BY_ENTERPRISE : BY_WORKER;
    if (rc == FW_OK && task_score && dir == BY_ENTERPRISE)
        rc = fw__error_set(err, FW_EINVAL, "$.task_score", "only the worker rates the task");
    if (rc == FW_OK && (rc = fw__tx_begin(ctx, err)) == FW_OK) {
        rc = fw__db_query(ctx, &s, err, "SELECT state, worker_id, enterprise_id FROM fw_task_assignment WHERE id=?",
                          "i", assignment_id);
        if (rc == FW_OK && (rc = fw__db_step(s, err)) == FW__ROW) {
            state = fw__db_col_i64(s, 0);
            worker = fw__db_col_i64(s, 1);
            ent = fw__db_col_i64(s, 2);
            rc = FW_OK;
        } else if (rc == FW__DONE) {
            rc = fw__error_set(err, FW_ENOTFOUND, NULL, "no assignment %lld", (long long)assignment_id);
        }
        fw__db_done(s);
        /* each side writes only its own evaluation: a worker cannot rate as the enterprise */
        if (rc == FW_OK && ((dir == BY_ENTERPRISE && ctx->role == FW_ROLE_WORKER) ||
                            (dir == BY_WORKER && ctx->role == FW_ROLE_ENTERPRISE_USER)))
            rc = fw__error_set(err, FW_EPERM, "$.by", "task.evaluate: the role %s may not evaluate as the %s",
                               fw__role_name(ctx->role), sides[side]);
        if (rc == FW_OK)
            rc = fw__authz_require_owner(ctx, "task.evaluate", ent, worker, err);
        if (rc == FW_OK && state != FW_ASSIGNMENT_ACCEPTED && state != FW_ASSIGNMENT_REJECTED)
            rc = fw__error_set(err, FW_ESTATE, NULL, "assignment %lld is %s; an evaluation needs an accepted or "
                               "rejected assignment", (long long)assignment_id, fw__assignment_state_name(state));
        if (rc == FW_OK &&
            (rc = fw__db_i64(ctx, &n, err, "SELECT count(*) FROM fw_task_evaluation WHERE assignment_id=? AND "
                             "direction=?", "ii", assignment_id, (int64_t)dir)) == FW_OK && n > 0)
            rc = fw__error_set(err, FW_EEXISTS, NULL, "the %s has already evaluated assignment %lld", sides[side],
                               (long long)assignment_id);
        if (rc == FW_OK && task_score)
            rc = fw__db_exec(ctx, err, "INSERT INTO fw_task_evaluation(assignment_id, direction, subject_id, score, "
                             "task_score, comment, created_ms) VALUES (?,?,?,?,?,?,?)", "iiiiiti", assignment_id,
                             (int64_t)dir, ent, score, task_score, comment, fw_ctx_now(ctx));
        else if (rc == FW_OK)
            rc = fw__db_exec(ctx, err, "INSERT INTO fw_task_evaluation(assignment_id, direction, subject_id, score, "
                             "comment, created_ms) VALUES (?,?,?,?,?,?)", "iiiiti", assignment_id, (int64_t)dir,
                             dir == BY_ENTERPRISE ? worker : ent, score, comment, fw_ctx_now(ctx));
        if (rc == FW_OK)
            rc = fw__task_audit(ctx, err, "task.evaluate", "assignment", assignment_id,
                                "{\"by\":\"%s\",\"subject_id\":%lld,\"score\":%lld,\"task_score\":%lld}",
                                sides[side], (long long)(dir == BY_ENTERPRISE ? worker : ent), (long long)score,
                                (long long)task_score);
        rc = fw__tx_end(ctx, rc, err);
    }
    cJSON_Delete(root);
    return rc;
}

static int rating(fw_ctx *ctx, int dir, fw_id subject, int64_t *avg_x100, int64_t *count, fw_error **err)
{
    fw__stmt *s = NULL;
    int64_t sum = 0, n = 0;
    int rc = fw__db_query(ctx, &s, err, "SELECT coalesce(sum(score), 0), count(*) FROM fw_task_evaluation WHERE "
                          "direction=? AND subject_id=?", "ii", (int64_t)dir, subject);

    if (rc == FW_OK && (rc = fw__db_step(s, err)) == FW__ROW) {
        sum = fw__db_col_i64(s, 0);
        n = fw__db_col_i64(s, 1);
        rc = FW_OK;
    } else if (rc == FW__DONE) {
        rc = FW_OK;
    }
    fw__db_done(s);
    if (rc == FW_OK) {
        *avg_x100 = n ? sum * 100 / n : 0;
        *count = n;
    }
    return rc;
}

int fw__task_worker_rating(fw_ctx *ctx, fw_id worker_id, int64_t *avg_x100, int64_t *count, fw_error **err)
{
    return rating(ctx, BY_ENTERPRISE, worker_id, avg_x100, count, err);
}

int fw__task_enterprise_rating(fw_ctx *ctx, fw_id enterprise_id, int64_t *avg_x100, int64_t *count,
                               fw_error **err)
{
    return rating(ctx, BY_WORKER, enterprise_id, avg_x100, count, err);
}

int fw_task_rating(fw_ctx *ctx, uint32_t kind, fw_id party_id, int64_t *out_avg_x100, int64_t *out_count,
                   fw_error **err)
{
    int64_t avg = 0, n = 0;
    int rc;

    if (!ctx || !out_avg_x100 || !out_count)
        return fw__error_set(err, FW_EINVAL, NULL, "ctx, out_avg_x100 and out_count are required");
    if (kind != FW_TASK_RATING_WORKER && kind != FW_TASK_RATING_ENTERPRISE)
        return fw__error_set(err, FW_EINVAL, "kind", "must be FW_TASK_RATING_WORKER (1) or "
                             "FW_TASK_RATING_ENTERPRISE (2), got %u", kind);
    if (ctx->role == FW_ROLE_WORKER && kind == FW_TASK_RATING_WORKER)
        rc = fw__authz_require_owner(ctx, "task.rating", 0, party_id, err);
    else
        rc = fw__authz_require(ctx, "task.rating", err);
    if (rc == FW_OK)
        rc = kind == FW_TASK_RATING_WORKER ? fw__task_worker_rating(ctx, party_id, &avg, &n, err)
                                           : fw__task_enterprise_rating(ctx, party_id, &avg, &n, err);
    if (rc == FW_OK) {
        *out_avg_x100 = avg;
        *out_count = n;
    }
    return rc;
}

/* ---- payable items -------------------------------------------------------------------------- */

#define PAYABLE_COLS "id, assignment_id, task_id, enterprise_id, worker_id, amount_fen, created_ms, " \
                     "coalesce(payout_order_id, 0), coalesce(claimed_ms, 0)"

static void payable_row(fw__stmt *s, struct fw__task_payable *p)
{
    p->id = fw__db_col_i64(s, 0);
    p->assignment_id = fw__db_col_i64(s, 1);
    p->task_id = fw__db_col_i64(s, 2);
    p->enterprise_id = fw__db_col_i64(s, 3);
    p->worker_id = fw__db_col_i64(s, 4);
    p->amount_fen = fw__db_col_i64(s, 5);
    p->created_ms = fw__db_col_i64(s, 6);
    p->payout_order_id = fw__db_col_i64(s, 7);
    p->claimed_ms = fw__db_col_i64(s, 8);
}

int fw__task_payables_unclaimed(fw_ctx *ctx, fw_id enterprise_id, fw_id after_id, struct fw__task_payable *out,
                                size_t max, size_t *n, fw_error **err)
{
    fw__stmt *s = NULL;
    size_t k = 0;
    int rc = fw__db_query(ctx, &s, err, "SELECT " PAYABLE_COLS " FROM fw_task_payable WHERE payout_order_id IS NULL "
                          "AND id>? AND (?=0 OR enterprise_id=?) ORDER BY id LIMIT ?", "iiii", after_id,
                          enterprise_id, enterprise_id, (int64_t)max);

    while (rc == FW_OK && k < max && (rc = fw__db_step(s, err)) == FW__ROW) {
        payable_row(s, &out[k++]);
        rc = FW_OK;
    }
    fw__db_done(s);
    if (rc == FW__DONE)
        rc = FW_OK;
    if (rc == FW_OK)
        *n = k;
    return rc;
}

int fw__task_payable_get(fw_ctx *ctx, fw_id payable_id, struct fw__task_payable *out, fw_error **err)
{
    fw__stmt *s = NULL;
    int rc = fw__db_query(ctx, &s, err, "SELECT " PAYABLE_COLS " FROM fw_task_payable WHERE id=?", "i", payable_id);

    if (rc == FW_OK && (rc = fw__db_step(s, err)) == FW__ROW) {
        payable_row(s, out);
        rc = FW_OK;
    } else if (rc == FW__DONE) {
        rc = fw__error_set(err, FW_ENOTFOUND, NULL, "no payable item %lld", (long long)payable_id);
    }
    fw__db_done(s);
    return rc;
}

int fw__task_payable_claim(fw_ctx *ctx, fw_id payable_id, fw_id payout_order_id, fw_error **err)
{
    struct fw__task_payable p;
    int rc;

    if (payout_order_id <= 0)
        return fw__error_set(err, FW_EINVAL, "payout_order_id", "must be a payout order id, got %lld",
                             (long long)payout_order_id);
    if ((rc = fw__task_payable_get(ctx, payable_id, &p, err)) != FW_OK)
        return rc;
    if (p.payout_order_id == payout_order_id)
        return FW_OK;
    if (p.payout_order_id)
        return fw__error_set(err, FW_ESTATE, NULL, "payable item %lld is claimed by payout order %lld",
                             (long long)payable_id, (long long)p.payout_order_id);
    rc = fw__db_exec(ctx, err, "UPDATE fw_task_payable SET payout_order_id=?, claimed_ms=? WHERE id=? AND "
                     "payout_order_id IS NULL", "iii", payout_order_id, fw_ctx_now(ctx), payable_id);
    if (rc == FW_OK && fw__db_changes(ctx) != 1)
        rc = fw__error_set(err, FW_ESTATE, NULL, "payable item %lld was claimed meanwhile", (long long)payable_id);
    if (rc == FW_OK)
        rc = fw__task_audit(ctx, err, "task.payable.claim", "payable", payable_id,
                            "{\"payout_order_id\":%lld,\"amount_fen\":%lld}", (long long)payout_order_id,
                            (long long)p.amount_fen);
    return rc;
}

int fw__task_payable_release(fw_ctx *ctx, fw_id payable_id, fw_id payout_order_id, fw_error **err)
{
    struct fw__task_payable p;
    int rc = fw__task_payable_get(ctx, payable_id, &p, err);

    if (rc != FW_OK)
        return rc;
    if (p.payout_order_id != payout_order_id || payout_order_id <= 0)
        return fw__error_set(err, FW_ESTATE, NULL, "payable item %lld is not claimed by payout order %lld",
                             (long long)payable_id, (long long)payout_order_id);
    rc = fw__db_exec(ctx, err, "UPDATE fw_task_payable SET payout_order_id=NULL, claimed_ms=NULL WHERE id=?", "i",
                     payable_id);
    if (rc == FW_OK)
        rc = fw__task_audit(ctx, err, "task.payable.release", "payable", payable_id,
                            "{\"payout_order_id\":%lld,\"amount_fen\":%lld}", (long long)payout_order_id,
                            (long long)p.amount_fen);
    return rc;
}

int fw__task_party_open_work(fw_ctx *ctx, int worker, fw_id party_id, int64_t *open, int64_t *payables,
                             fw_error **err)
{
    int rc = worker ? fw__db_i64(ctx, open, err, "SELECT count(*) FROM fw_task_assignment WHERE worker_id=? AND "
                                 "state IN (1,2,3)", "i", party_id)
                    : fw__db_i64(ctx, open, err, "SELECT count(*) FROM fw_task WHERE enterprise_id=? AND "
                                 "state IN (2,3,5,6)", "i", party_id);
    if (rc == FW_OK)
        rc = worker ? fw__db_i64(ctx, payables, err, "SELECT count(*) FROM fw_task_payable WHERE worker_id=? AND "
                                 "payout_order_id IS NULL", "i", party_id)
                    : fw__db_i64(ctx, payables, err, "SELECT count(*) FROM fw_task_payable WHERE enterprise_id=? "
                                 "AND payout_order_id IS NULL", "i", party_id);
    return rc;
}

/* ---- hooks ------------------------------------------------------------------------------------ */

/* An enterprise with live tasks or unpaid accepted work cannot be cancelled. */
static int enterprise_cancel_check(fw_ctx *ctx, const char *event, fw_id party_id, const void *data,
                                   fw_error **err)
{
    int64_t tasks = 0, unpaid = 0;
    int rc;

    (void)event;
    (void)data;
    rc = fw__db_i64(ctx, &tasks, err, "SELECT count(*) FROM fw_task WHERE enterprise_id=? AND state IN (2,3,5,6)",
                    "i", party_id);
    if (rc == FW_OK && tasks > 0)
        return fw__error_set(err, FW_EDENIED, NULL, "TASKS_OPEN: enterprise %lld has %lld task(s) submitted, "
                             "approved, published or in progress", (long long)party_id, (long long)tasks);
    if (rc == FW_OK)
        rc = fw__db_i64(ctx, &unpaid, err, "SELECT count(*) FROM fw_task_payable WHERE enterprise_id=? AND "
                        "payout_order_id IS NULL", "i", party_id);
    if (rc == FW_OK && unpaid > 0)
        return fw__error_set(err, FW_EDENIED, NULL, "PAYABLES_OPEN: enterprise %lld has %lld accepted work "
                             "item(s) not yet paid", (long long)party_id, (long long)unpaid);
    return rc;
}

int fw__task_init(fw_ctx *ctx, fw_error **err)
{
    if (fw__hook_add(ctx, "party.enterprise.cancel", enterprise_cancel_check) != FW_OK)
        return fw__error_set(err, FW_ELIMIT, NULL, "task: the context's hook table is full");
    return FW_OK;
}
