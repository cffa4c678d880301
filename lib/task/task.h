/*
 * The task module's internal API, for the modules above it. Every function runs inside the
 * caller's transaction and sets *err on failure.
 */
#ifndef FW_TASK_TASK_H
#define FW_TASK_TASK_H

#include <flexwork/task.h>

/*
 * The data of the "task.take" hook event (core/hook.h), run when a worker takes a task, after
 * the task's own eligibility checks and before the slot is taken. The hook's id argument is
 * the task id. The service agreement with the enterprise is among those checks (the contract
 * module sits below task). A module above gating the take (risk: lists and limits) returns
 * FW_OK, or FW_EDENIED with its reason code first in the message ("WORKER_BLACKLISTED: ...");
 * the take is then refused with that error and nothing changes. Valid only during the call.
 */
struct fw__task_take_event {
    fw_id task_id;
    fw_id worker_id;
    fw_id enterprise_id;
    int64_t amount_fen;      /* what the assignment pays when accepted */
    const char *category;    /* the task's category code */
    uint32_t risk_level;     /* FW_TASK_RISK_* */
    uint32_t adult_only;     /* 1 when the task is restricted to adults */
    int64_t at_ms;           /* the context's time of the take */
};

/*
 * Payable items: accepted work waiting to be paid. The task module creates one per
 * accepted assignment; the payout pipeline claims items for a payout order inside its own
 * transaction (so a failed order rolls the claim back with it), and releases them when an
 * order fails for good so that a later order can pay them. An item's amount and parties
 * never change; only its claim does.
 */
struct fw__task_payable {
    fw_id id;
    fw_id assignment_id;
    fw_id task_id;
    fw_id enterprise_id;
    fw_id worker_id;
    int64_t amount_fen;
    int64_t created_ms;
    fw_id payout_order_id;   /* 0 when unclaimed */
    int64_t claimed_ms;      /* 0 when unclaimed */
};

/*
 * Up to max unclaimed items, oldest first, with id > after_id, of one enterprise (or every
 * enterprise for 0), into out[0..*n). Page on with after_id = out[*n - 1].id.
 */
int fw__task_payables_unclaimed(fw_ctx *ctx, fw_id enterprise_id, fw_id after_id,
                                struct fw__task_payable *out, size_t max, size_t *n,
                                fw_error **err);

/* One item; FW_ENOTFOUND when none. */
int fw__task_payable_get(fw_ctx *ctx, fw_id payable_id, struct fw__task_payable *out,
                         fw_error **err);

/*
 * Claims an item for a payout order (payout_order_id > 0). Claiming again for the same order
 * is FW_OK (a retried order); FW_ESTATE when another order holds it; FW_ENOTFOUND. Audited.
 */
int fw__task_payable_claim(fw_ctx *ctx, fw_id payable_id, fw_id payout_order_id, fw_error **err);

/* Releases an item claimed by that order; FW_ESTATE when that order does not hold it. Audited. */
int fw__task_payable_release(fw_ctx *ctx, fw_id payable_id, fw_id payout_order_id,
                             fw_error **err);

/*
 * Average ratings in hundredths (rounded down) and evaluation counts; 0 and 0 when never
 * rated. Used by the task eligibility gate and by risk.
 */
int fw__task_worker_rating(fw_ctx *ctx, fw_id worker_id, int64_t *avg_x100, int64_t *count,
                           fw_error **err);
int fw__task_enterprise_rating(fw_ctx *ctx, fw_id enterprise_id, int64_t *avg_x100,
                               int64_t *count, fw_error **err);

/*
 * A party's work still open: for an enterprise (worker 0) its tasks submitted, approved,
 * published or in progress; for a worker (worker 1) its assignments taken, delivered or in
 * revision. *payables counts the party's accepted work items no payout order has claimed yet.
 */
int fw__task_party_open_work(fw_ctx *ctx, int worker, fw_id party_id, int64_t *open, int64_t *payables,
                             fw_error **err);

/* Registers the module's hooks when a context opens (core/hook.h). */
int fw__task_init(fw_ctx *ctx, fw_error **err);

#endif
