/* Shared between the files of the task module only. */
#ifndef FW_TASK_TASK_INT_H
#define FW_TASK_TASK_INT_H

#include "core/json.h"
#include "task/task.h"

/* Appends an audit record whose detail is printf-formatted JSON (never personal data). */
int fw__task_audit(fw_ctx *ctx, fw_error **err, const char *action, const char *entity, fw_id id,
                   const char *fmt, ...) __attribute__((format(printf, 6, 7)));

const char *fw__task_state_name(int64_t st);
const char *fw__assignment_state_name(int64_t st);

/*
 * Applies due deadlines at `now` to one task and its assignments (task_id > 0) or to every
 * task (0), inside the caller's transaction; *changed counts what changed.
 */
int fw__task_timers(fw_ctx *ctx, fw_id task_id, int64_t *changed, fw_error **err);

/* Completes (or expires) an in-progress task whose work has ended; a no-op otherwise. */
int fw__task_maybe_finish(fw_ctx *ctx, fw_id task_id, int64_t *changed, fw_error **err);

/* The fields of a task the flows need. */
struct fw__task_core {
    fw_id id, enterprise_id;
    int64_t state, unit_price_fen, slots, slots_taken, per_worker, min_rating_x100, adult_only;
    int64_t take_deadline_ms, delivery_deadline_ms, auto_accept_ms, max_revisions, risk_level;
    char category[40];
    char certificates[600];   /* JSON array of course codes */
};

/* Applies the task's due timers, then loads it. FW_ENOTFOUND names the task. */
int fw__task_core_load(fw_ctx *ctx, fw_id task_id, struct fw__task_core *t, fw_error **err);

/* Changes a task's state and audits the transition with optional extra JSON members. */
int fw__task_set_state(fw_ctx *ctx, fw_id task_id, int64_t from, int64_t to, const char *action,
                       const char *extra, fw_error **err);

/* A JSON text string of s (malloc'd), for audit details. */
char *fw__task_quote(const char *s);

/* The task's row as a JSON object, or NULL on no memory; the statement layer is the caller's. */
int fw__task_row_json(fw_ctx *ctx, fw_id task_id, cJSON **out, fw_error **err);

/* Reads a page filter's common fields: after_id and limit (1..500, default 50). */
int fw__task_page(const cJSON *root, int64_t *after_id, int64_t *limit, fw_error **err);

#endif
