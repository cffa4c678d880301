/**
 * @file task.h
 * Tasks (R-5.5, R-6.c, R-7.1, R-3.3.a, R-3.3.c, R-3.3.e, R-6.g): an enterprise publishes work,
 * a platform reviewer checks it (including the business-authenticity check), workers take it,
 * deliver proof of completion, and the enterprise accepts, rejects or asks for a revision.
 * Accepted work becomes a payable item that the payout pipeline consumes. Both sides then
 * rate each other once per assignment.
 *
 * Task lifecycle (docs/api/task.md draws it):
 *
 *     draft -> submitted -> approved -> published -> in_progress -> completed
 *       ^          |                       |              (no open assignment and slots
 *       |          v                       v               full or taking closed)
 *       +----- rejected                 expired (taking deadline passed, nobody took it)
 *     draft, submitted, approved, rejected, published -> cancelled
 *
 * Assignment lifecycle:
 *
 *     taken -> delivered -> accepted (by the enterprise, or automatically when the review
 *       |  ^        |                 window passes)
 *       |  |        +-> rejected
 *       |  +--------+-> revision (bounded rounds) -> delivered ...
 *       +-> withdrawn (by the worker) | overdue (delivery deadline passed): the slot returns
 *
 * Deadlines are driven by the context's clock: fw_task_run_timers() sweeps every due task and
 * assignment, and every call that touches a task first applies its own due timers, so a read
 * never shows a state that has already lapsed.
 *
 * Every change is audited. Records go in and out as JSON (docs/api/task.md).
 */
#ifndef FLEXWORK_TASK_H
#define FLEXWORK_TASK_H

#include <flexwork/common.h>

FW_BEGIN_DECL

/** An opaque task loaded from the store: a snapshot, not shared between threads. */
typedef struct fw_task fw_task;

/** Task states. Values are pinned. */
#define FW_TASK_DRAFT       1
#define FW_TASK_SUBMITTED   2
#define FW_TASK_APPROVED    3
#define FW_TASK_REJECTED    4
#define FW_TASK_PUBLISHED   5
#define FW_TASK_IN_PROGRESS 6
#define FW_TASK_COMPLETED   7
#define FW_TASK_CANCELLED   8
#define FW_TASK_EXPIRED     9

/** Assignment states. Values are pinned. */
#define FW_ASSIGNMENT_TAKEN     1
#define FW_ASSIGNMENT_DELIVERED 2
#define FW_ASSIGNMENT_REVISION  3  /**< the enterprise asked for a revision */
#define FW_ASSIGNMENT_ACCEPTED  4
#define FW_ASSIGNMENT_REJECTED  5
#define FW_ASSIGNMENT_WITHDRAWN 6
#define FW_ASSIGNMENT_OVERDUE   7  /**< the delivery deadline passed without a delivery */

/** Risk levels of a category's work. Values are pinned. */
#define FW_TASK_RISK_LOW    1
#define FW_TASK_RISK_MEDIUM 2
#define FW_TASK_RISK_HIGH   3

/** Whose rating fw_task_rating() reads. */
#define FW_TASK_RATING_WORKER     1
#define FW_TASK_RATING_ENTERPRISE 2

/* ---------------------------------------------------------------------------------------- */
/* Configuration                                                                             */
/* ---------------------------------------------------------------------------------------- */

/**
 * Creates or replaces a task category: the kind of work, its risk level, whether it is
 * restricted to adults, the usual range of a unit price and the business-scope keywords an
 * enterprise publishing it is expected to have (R-6.g).
 *
 * @param ctx   actor: admin or operator.
 * @param json  {"code" (1..32 of A-Z 0-9 _ -), "name" (1..100), "risk_level" ("low"|"medium"|
 *              "high"), "restricted" (bool: adults only), "min_unit_fen" (0..), "max_unit_fen"
 *              (>= min; 0 with min 0 = no range), "scope_keywords"? [text 1..50, at most 20]}.
 * @return FW_OK; FW_EINVAL naming the field; FW_EJSON; FW_EPERM. On failure the store is unchanged.
 */
FW_EXTERN(int) fw_task_category_set(fw_ctx *ctx, const char *json, size_t json_len,
                                    fw_error **err);

/** The categories as a JSON array of the records above, by code. Any actor may read them. */
FW_EXTERN(int) fw_task_category_list(fw_ctx *ctx, char **out_json, size_t *out_len,
                                     fw_error **err);

/**
 * Sets the business-authenticity policy (R-6.g): a task is flagged RECURRING_FIXED_PAY when
 * the enterprise paid the same unit amount to one worker in at least recurring_min_months
 * distinct months among the last lookback_months (defaults 3 and 6).
 *
 * @param json  {"recurring_min_months" (2..24), "lookback_months" (recurring_min_months..36)}.
 * @return FW_OK; FW_EINVAL; FW_EPERM (admin or operator). On failure the store is unchanged.
 */
FW_EXTERN(int) fw_task_policy_set(fw_ctx *ctx, const char *json, size_t json_len,
                                  fw_error **err);

/* ---------------------------------------------------------------------------------------- */
/* Tasks                                                                                     */
/* ---------------------------------------------------------------------------------------- */

/**
 * Creates a task in state draft for an active enterprise (R-5.5, R-6.c).
 *
 * @param[out] out  the task; free with fw_task_free().
 * @param ctx       actor: admin, operator, coordinator, or the enterprise's own user.
 * @param json      {"enterprise_id", "title" (1..200), "description" (1..10000), "category"
 *                  (a category code), "remote" (bool), "location" (1..200; required unless
 *                  remote), exactly one of "unit_price_fen" (> 0) or "budget_fen" (> 0, divided
 *                  evenly among the slots), "slots" (1..100000), "per_worker"? (1..100,
 *                  default 1: assignments one worker may hold), "qualifications"?
 *                  {"certificates"? [course code, at most 10], "min_rating_x100"? (0..500),
 *                  "adult_only"? (bool)}, "take_deadline_ms" (in the future),
 *                  "delivery_deadline_ms" (>= take_deadline_ms), "auto_accept_ms"? (review
 *                  window after a delivery, 0..2592000000 = 30 days, default 604800000 = 7
 *                  days), "max_revisions"? (0..10, default 2), "attachments"? [{"name"
 *                  (1..200), "sha256" (64 hex)}, at most 50], "external_ref"? (1..128)}.
 *                  A restricted category makes the task adults-only whatever adult_only says.
 * @return FW_OK; FW_EINVAL naming the field (unknown category, a budget that does not divide,
 *         deadlines out of order, unknown certificate course); FW_EJSON; FW_ENOTFOUND (no such
 *         enterprise); FW_EDENIED with the party's reason code (ENTERPRISE_NOT_VERIFIED,
 *         ENTERPRISE_NOT_SIGNED, ENTERPRISE_NOT_ACTIVE, ENTERPRISE_SUSPENDED,
 *         ENTERPRISE_CANCELLED); FW_EPERM. On failure *out is untouched and the store unchanged.
 */
FW_EXTERN(int) fw_task_create(fw_task **out, fw_ctx *ctx, const char *json, size_t json_len,
                              fw_error **err);

/**
 * Replaces a draft or rejected task's record (same shape as fw_task_create(); enterprise_id
 * must stay the same). A rejected task goes back to draft.
 * @return FW_OK; as fw_task_create(); FW_ESTATE unless draft or rejected. On failure the
 *         store is unchanged.
 */
FW_EXTERN(int) fw_task_update(fw_ctx *ctx, fw_id task_id, const char *json, size_t json_len,
                              fw_error **err);

/**
 * Loads a task (after applying its due timers).
 * @param[out] out  the task; free with fw_task_free().
 * @return FW_OK; FW_ENOTFOUND; FW_EPERM (an enterprise user reads only its own tasks; a worker
 *         only published, in-progress and completed tasks and those it holds an assignment of).
 */
FW_EXTERN(int) fw_task_load(fw_task **out, fw_ctx *ctx, fw_id task_id, fw_error **err);

/** The task's id. */
FW_EXTERN(fw_id) fw_task_id(const fw_task *t);
/** The publishing enterprise's id. */
FW_EXTERN(fw_id) fw_task_enterprise_id(const fw_task *t);
/** The task's state when loaded, one of FW_TASK_*. */
FW_EXTERN(uint32_t) fw_task_state(const fw_task *t);
/** What one accepted assignment pays, in fen. */
FW_EXTERN(int64_t) fw_task_unit_price_fen(const fw_task *t);
/** Slots not held by an assignment when loaded. */
FW_EXTERN(int64_t) fw_task_slots_left(const fw_task *t);

/**
 * The task as JSON: {"id", "enterprise_id", "state", "state_name", "title", "description",
 * "category", "risk_level", "remote", "location", "unit_price_fen", "budget_fen", "slots",
 * "slots_taken", "per_worker", "qualifications" {"certificates", "min_rating_x100",
 * "adult_only"}, "take_deadline_ms", "delivery_deadline_ms", "auto_accept_ms",
 * "max_revisions", "attachments", "external_ref", "flags" [{"code", "detail"}], "review"
 * {"decision", "reasons", "acknowledged", "by", "at_ms"} | null, "cancel_reason",
 * "created_ms", "updated_ms", "submitted_ms", "published_ms", "ended_ms"}.
 * @param[out] out_json  free with fw_free().
 * @return FW_OK; FW_EINVAL; FW_ENOMEM.
 */
FW_EXTERN(int) fw_task_to_json(const fw_task *t, char **out_json, size_t *out_len,
                               fw_error **err);

/** Frees a task. NULL is allowed. */
FW_EXTERN(void) fw_task_free(fw_task *t);

/** fw_task_load() then fw_task_to_json(), in one call. Same errors. */
FW_EXTERN(int) fw_task_get(fw_ctx *ctx, fw_id task_id, char **out_json, size_t *out_len,
                           fw_error **err);

/**
 * Submits a draft for review (draft -> submitted) and runs the business-authenticity check
 * (R-6.g), recording its flags: PRICE_OUT_OF_RANGE (the unit price is outside the category's
 * range), OUTSIDE_BUSINESS_SCOPE (none of the category's keywords is in the enterprise's
 * business scope), RECURRING_FIXED_PAY (see fw_task_policy_set()).
 * @param[out] out_flags  optional: the number of flags raised.
 * @return FW_OK; FW_ENOTFOUND; FW_ESTATE unless draft; FW_EDENIED (the enterprise is no longer
 *         active, with the party's reason code); FW_EPERM. On failure the store is unchanged.
 */
FW_EXTERN(int) fw_task_submit(fw_ctx *ctx, fw_id task_id, uint32_t *out_flags, fw_error **err);

/**
 * A reviewer's decision (审核) on a submitted task (submitted -> approved | rejected). The
 * authenticity check runs again; approving a flagged task is an explicit decision: every
 * raised flag must be listed in "acknowledge" and a reason given.
 *
 * @param ctx   actor: admin or reviewer.
 * @param json  {"decision":"approve"|"reject", "reasons"? [text 1..500, at most 20] (required
 *              to reject and to approve a flagged task), "acknowledge"? [flag code]}.
 * @return FW_OK; FW_EINVAL; FW_ENOTFOUND; FW_ESTATE unless submitted; FW_EDENIED with
 *         AUTHENTICITY_REVIEW_REQUIRED when a flag is not acknowledged; FW_EPERM. On failure
 *         the store is unchanged.
 */
FW_EXTERN(int) fw_task_review(fw_ctx *ctx, fw_id task_id, const char *json, size_t json_len,
                              fw_error **err);

/**
 * Publishes an approved task (approved -> published): workers may take it from now until its
 * taking deadline.
 * @return FW_OK; FW_ENOTFOUND; FW_ESTATE unless approved, or when the taking deadline has
 *         passed; FW_EDENIED (enterprise no longer active); FW_EPERM. On failure the store is
 *         unchanged.
 */
FW_EXTERN(int) fw_task_publish(fw_ctx *ctx, fw_id task_id, fw_error **err);

/**
 * Cancels a task nobody has taken (draft, submitted, approved, rejected or published ->
 * cancelled). Reason 1..500 bytes.
 * @return FW_OK; FW_EINVAL; FW_ENOTFOUND; FW_ESTATE otherwise (an in-progress task is closed
 *         with fw_task_close() once its assignments have ended); FW_EPERM.
 */
FW_EXTERN(int) fw_task_cancel(fw_ctx *ctx, fw_id task_id, const char *reason, fw_error **err);

/**
 * Closes an in-progress task whose assignments have all ended (in_progress -> completed);
 * slots nobody holds are given up.
 * @return FW_OK; FW_ENOTFOUND; FW_ESTATE unless in progress with no taken, delivered or
 *         revision assignment; FW_EPERM.
 */
FW_EXTERN(int) fw_task_close(fw_ctx *ctx, fw_id task_id, fw_error **err);

/**
 * Lists tasks, oldest first, a page at a time.
 *
 * @param filter  NULL or {"enterprise_id"?, "state"? (FW_TASK_*), "category"?, "after_id"?
 *                (the previous page's next_after_id), "limit"? (1..500, default 50)}. An
 *                enterprise user sees only its own tasks (enterprise_id defaults to it); a
 *                worker sees only published and in-progress tasks.
 * @param[out] out_json  {"items":[task...], "next_after_id": id | null}; free with fw_free().
 * @return FW_OK; FW_EINVAL; FW_EPERM (another enterprise's tasks, or a worker asking for other
 *         states). On failure outputs are untouched.
 */
FW_EXTERN(int) fw_task_list(fw_ctx *ctx, const char *filter, size_t filter_len, char **out_json,
                            size_t *out_len, fw_error **err);

/* ---------------------------------------------------------------------------------------- */
/* Assignments                                                                               */
/* ---------------------------------------------------------------------------------------- */

/**
 * A worker takes a slot of a published or in-progress task (接取). The eligibility gate
 * refuses with a reason code first in the message (docs/api/task.md lists them):
 * TASK_NOT_OPEN (FW_ESTATE); TAKE_DEADLINE_PASSED; WORKER_NOT_VERIFIED, WORKER_SUSPENDED,
 * WORKER_CLOSED; ENTERPRISE_* (the publisher is no longer active); WORKER_UNDER_18,
 * WORKER_AGE_UNKNOWN (adults-only task); CERTIFICATE_MISSING; RATING_TOO_LOW; ALREADY_TAKEN;
 * the gates of other modules (a signed service agreement, risk lists and limits); and
 * NO_SLOTS_LEFT. Taking the slot is atomic: concurrent takers never over-allocate.
 *
 * @param ctx        actor: the worker themselves, or admin, operator or coordinator on their behalf.
 * @param[out] out_assignment_id  the assignment's id.
 * @return FW_OK; FW_ENOTFOUND (task or worker); FW_ESTATE; FW_EDENIED; FW_EPERM. On failure
 *         *out_assignment_id is untouched and the store unchanged.
 */
FW_EXTERN(int) fw_task_take(fw_ctx *ctx, fw_id task_id, fw_id worker_id, fw_id *out_assignment_id,
                            fw_error **err);

/**
 * The worker gives an assignment up before delivering (taken | revision -> withdrawn); the
 * slot returns to the task.
 * @return FW_OK; FW_ENOTFOUND; FW_ESTATE; FW_EPERM.
 */
FW_EXTERN(int) fw_task_withdraw(fw_ctx *ctx, fw_id assignment_id, fw_error **err);

/**
 * Delivers proof of completion (完工证明) before the task's delivery deadline (taken |
 * revision -> delivered). The enterprise's review window starts: when it passes without a
 * decision the delivery is accepted automatically.
 *
 * @param json  {"description" (1..10000), "evidence"? [{"name" (1..200), "sha256" (64 hex)}, at
 *              most 50], "completed_ms" (when the work was finished; not in the future, not
 *              before the assignment was taken)}.
 * @return FW_OK; FW_EINVAL; FW_ENOTFOUND; FW_ESTATE unless taken or revision (an assignment past
 *         its delivery deadline is overdue); FW_EPERM (the worker's own assignment only).
 *         On failure the store is unchanged.
 */
FW_EXTERN(int) fw_task_deliver(fw_ctx *ctx, fw_id assignment_id, const char *json,
                               size_t json_len, fw_error **err);

/**
 * The enterprise accepts a delivery (delivered -> accepted, 项目验收): a payable item of the
 * task's unit price is created for the payout pipeline. Idempotent under its key.
 *
 * @param idem_key  optional idempotency key (1..255 bytes; NULL or "" for none): a retry with
 *                  the same key returns the first outcome.
 * @param[out] out_payable_id  optional: the payable item's id.
 * @return FW_OK; FW_ENOTFOUND; FW_ESTATE unless delivered; FW_ECONFLICT (key reused for another
 *         assignment); FW_EPERM (the enterprise's own tasks only). On failure outputs are
 *         untouched and the store unchanged.
 */
FW_EXTERN(int) fw_task_accept(fw_ctx *ctx, fw_id assignment_id, const char *idem_key,
                              fw_id *out_payable_id, fw_error **err);

/**
 * The enterprise rejects a delivery with a reason (delivered -> rejected; 1..500 bytes).
 * @return FW_OK; FW_EINVAL; FW_ENOTFOUND; FW_ESTATE unless delivered; FW_EPERM.
 */
FW_EXTERN(int) fw_task_reject(fw_ctx *ctx, fw_id assignment_id, const char *reason,
                              fw_error **err);

/**
 * The enterprise asks for a revision with a reason (delivered -> revision). The number of
 * revisions is bounded by the task's max_revisions.
 * @return FW_OK; FW_EINVAL; FW_ENOTFOUND; FW_ESTATE unless delivered; FW_ELIMIT with
 *         REVISIONS_EXHAUSTED when the rounds are used up (accept or reject instead); FW_EPERM.
 */
FW_EXTERN(int) fw_task_request_revision(fw_ctx *ctx, fw_id assignment_id, const char *reason,
                                        fw_error **err);

/**
 * An assignment as JSON: {"id", "task_id", "worker_id", "enterprise_id", "state",
 * "state_name", "amount_fen", "taken_ms", "delivery_deadline_ms", "delivered_ms",
 * "auto_accept_at_ms", "rounds", "decided_ms", "decision_reason", "auto_accepted",
 * "deliveries" [{"round", "description", "evidence", "completed_ms", "delivered_ms"}],
 * "payable" {"id", "amount_fen", "payout_order_id"} | null, "evaluations" {"by_enterprise",
 * "by_worker"} (each {"score", "task_score", "comment", "created_ms"} | null)}.
 * @return FW_OK; FW_ENOTFOUND; FW_EPERM (a worker reads only its own, an enterprise user only
 *         its tasks' assignments).
 */
FW_EXTERN(int) fw_task_assignment_get(fw_ctx *ctx, fw_id assignment_id, char **out_json,
                                      size_t *out_len, fw_error **err);

/**
 * Lists assignments, oldest first, a page at a time (without deliveries and evaluations).
 * @param filter  NULL or {"task_id"?, "worker_id"?, "state"? (FW_ASSIGNMENT_*), "after_id"?,
 *                "limit"? (1..500, default 50)}. A worker sees only its own; an enterprise
 *                user only its tasks'.
 * @param[out] out_json  {"items":[...], "next_after_id": id | null}.
 * @return FW_OK; FW_EINVAL; FW_EPERM. On failure outputs are untouched.
 */
FW_EXTERN(int) fw_task_assignment_list(fw_ctx *ctx, const char *filter, size_t filter_len,
                                       char **out_json, size_t *out_len, fw_error **err);

/**
 * Applies every due deadline: deliveries whose review window passed are accepted
 * (auto_accepted, with their payable items), assignments past the delivery deadline become
 * overdue (their slots return), published tasks past the taking deadline expire, and
 * in-progress tasks whose work has ended complete. Runs as one transaction.
 *
 * @param ctx  actor: admin, operator or system.
 * @param[out] out_changed  optional: how many tasks and assignments changed.
 * @return FW_OK; FW_EPERM.
 */
FW_EXTERN(int) fw_task_run_timers(fw_ctx *ctx, int64_t *out_changed, fw_error **err);

/* ---------------------------------------------------------------------------------------- */
/* Evaluation and feedback                                                           */
/* ---------------------------------------------------------------------------------------- */

/**
 * Records one side's evaluation of an ended (accepted or rejected) assignment; each side
 * rates once per assignment.
 *
 * @param json  {"by":"enterprise"|"worker", "score" (1..5: the enterprise rates the worker,
 *              the worker rates the enterprise), "task_score"? (1..5, the worker's rating of
 *              the task itself), "comment"? (1..1000)}. An enterprise user may only write
 *              "by":"enterprise" on its tasks, a worker "by":"worker" on its own assignments.
 * @return FW_OK; FW_EINVAL; FW_ENOTFOUND; FW_ESTATE unless accepted or rejected; FW_EEXISTS
 *         when that side has rated already; FW_EPERM. On failure the store is unchanged.
 */
FW_EXTERN(int) fw_task_evaluate(fw_ctx *ctx, fw_id assignment_id, const char *json,
                                size_t json_len, fw_error **err);

/**
 * A worker's or an enterprise's average rating, in hundredths (4.5 = 450, rounded down),
 * and the number of evaluations; 0 and 0 when never rated.
 * @param kind  FW_TASK_RATING_WORKER or FW_TASK_RATING_ENTERPRISE.
 * @return FW_OK; FW_EINVAL (kind); FW_EPERM (a worker reads no other worker's rating).
 */
FW_EXTERN(int) fw_task_rating(fw_ctx *ctx, uint32_t kind, fw_id party_id, int64_t *out_avg_x100,
                              int64_t *out_count, fw_error **err);

FW_END_DECL
#endif
