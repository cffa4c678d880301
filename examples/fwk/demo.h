/* The end-to-end demo: one step per module, run in order on one store. */
#ifndef FWK_DEMO_H
#define FWK_DEMO_H

#include "fwk.h"

struct demo {
    fw_ctx *ctx;
    /* Ids that later steps build on. */
    fw_id enterprise_id;
    fw_id worker_id;
    fw_id task_id;
};

/* Each step prints what it did and returns 0, or prints the failure and returns 1. */
int demo_core(struct demo *d);
int demo_party(struct demo *d);
int demo_ledger(struct demo *d);
int demo_risk(struct demo *d);
int demo_task(struct demo *d);
int demo_tax(struct demo *d);
int demo_payout(struct demo *d);
int demo_recon(struct demo *d);
int demo_archive(struct demo *d);
int demo_insurance(struct demo *d);
int demo_service(struct demo *d);

#endif
