/* The payout module's private layout, and its internal API for the modules above it (invoice). */
#ifndef FW_PAYOUT_PAYOUT_H
#define FW_PAYOUT_PAYOUT_H

#include <flexwork/payout.h>

#define FW__PAYOUT_BATCH_MAX 100000
#define FW__PAYOUT_REF_MAX 64
#define FW__PAYOUT_NOTE_MAX 200

/* An order's row. */
struct fw__payout_order {
    fw_id id, batch_id, enterprise_id, worker_id, payable_id;
    int64_t amount, fee, enterprise_pays, gross, iit, vat, surcharge, net;
    uint32_t state, bearer;
    fw_id hold_id, post_entry, dist_entry;
    int64_t created_ms;
    char month[8];
};

/* Loads an order; FW_ENOTFOUND naming "order_id" when there is none. */
int fw__payout_order_load(fw_ctx *ctx, fw_id id, struct fw__payout_order *o, fw_error **err);

/* Appends a timeline event and moves the order's state (no audit: the caller audits). */
int fw__payout_transition(fw_ctx *ctx, fw_id order_id, uint32_t from, uint32_t to,
                          const char *note, fw_error **err);

/* Takes a released order through the gates, fee, tax and hold to held (note: the timeline's). */
int fw__payout_hold(fw_ctx *ctx, fw_id order_id, const char *note, fw_error **err);

/* Takes a cancelled, failed or returned order's amount off its month's fee volume. */
int fw__payout_volume_sub(fw_ctx *ctx, const struct fw__payout_order *o, fw_error **err);

/* Takes a held order that comes to nothing off the risk module's counters. */
int fw__payout_risk_unrecord(fw_ctx *ctx, const struct fw__payout_order *o, fw_error **err);

/* Submits one held order to the provider and applies a synchronous answer. */
int fw__payout_submit_one(fw_ctx *ctx, fw_id order_id, uint32_t *state, fw_error **err);

/* Applies a channel result to an order (inside the caller's transaction). */
int fw__payout_apply(fw_ctx *ctx, fw_id order_id, uint32_t result, const char *channel_ref,
                     const char *reason, uint32_t *state, fw_error **err);

/* What an enterprise was served: enterprise_pays of paid orders less returned ones (R-3.3.g). */
int fw__payout_served(fw_ctx *ctx, fw_id enterprise_id, int64_t *served_fen, fw_error **err);

/* The batch as JSON (fw_payout_batch's output). */
int fw__payout_batch_json(fw_ctx *ctx, fw_id batch_id, char **out_json, size_t *out_len,
                          fw_error **err);

#endif
