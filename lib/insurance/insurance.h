/*
 * The insurance module's internal API: due premiums are read and marked posted in the same
 * transaction as their journal entry (fw_insurance_post_premiums() in post.c does so; a payout
 * module deducting a worker's premium may too).
 */
#ifndef FW_INSURANCE_INSURANCE_H
#define FW_INSURANCE_INSURANCE_H

#include <flexwork/insurance.h>

struct fw__insurance_premium {
    fw_id id, enrolment_id, product_id, worker_id, enterprise_id;
    int64_t amount_fen, at_ms, units;
    char basis[8];          /* "order", "day", "month" */
    char basis_ref[132];
    char payer[16];         /* "platform", "enterprise", "worker" */
    char product_type[24];  /* "occupational_injury", ... */
    char insurer[808];
};

/* Called for each due premium; a non-zero return stops the walk and is returned. */
typedef int (*fw__insurance_premium_fn)(fw_ctx *ctx, const struct fw__insurance_premium *p,
                                        void *payload);

/* Walks due premiums charged before before_ms (0 = all), oldest first. */
int fw__insurance_premiums_due(fw_ctx *ctx, int64_t before_ms, fw__insurance_premium_fn fn,
                               void *payload, fw_error **err);

/* Marks a due premium posted by a journal entry. FW_ESTATE when already posted. Audited. */
int fw__insurance_premium_mark_posted(fw_ctx *ctx, fw_id premium_id, const char *journal_ref,
                                      fw_error **err);

/* Sum of due premiums of a payer ("platform", ...), NULL = all payers. */
int fw__insurance_due_total(fw_ctx *ctx, const char *payer, int64_t *out_fen, fw_error **err);

/* The national per-order base amount (fen) of occupational injury protection for a sector, or -1. */
int64_t fw__insurance_oip_base_fen(const char *category);

#endif
