/*
 * The payout module's part in the party lifecycle (core/hook.h): an enterprise or a worker with
 * open payout orders (suspended, held or submitted) is not cancelled or closed, since money is
 * reserved or in flight on their behalf.
 */
#include <string.h>

#include "core/db.h"
#include "core/error.h"
#include "core/hook.h"
#include "payout/payout.h"

static int on_cancel(fw_ctx *ctx, const char *event, fw_id id, const void *data, fw_error **err)
{
    int enterprise = strncmp(event, "party.enterprise.", 17) == 0;
    int64_t open = 0;
    int rc;

    (void)data;
    rc = enterprise ? fw__db_i64(ctx, &open, err, "SELECT count(*) FROM fw_payout_order WHERE "
                                 "state IN (1, 2, 3) AND enterprise_id=?", "i", id)
                    : fw__db_i64(ctx, &open, err, "SELECT count(*) FROM fw_payout_order WHERE "
                                 "state IN (1, 2, 3) AND worker_id=?", "i", id);
    if (rc == FW_OK && open > 0)
        rc = fw__error_set(err, FW_EDENIED, NULL,
                           "OPEN_PAYOUTS: %s %lld has %lld payout order(s) suspended, held or "
                           "submitted; settle or cancel them first",
                           enterprise ? "enterprise" : "worker", (long long)id, (long long)open);
    return rc;
}

int fw__payout_init(fw_ctx *ctx, fw_error **err);
int fw__payout_init(fw_ctx *ctx, fw_error **err)
{
    if (fw__hook_add(ctx, "party.enterprise.cancel", on_cancel) != FW_OK ||
        fw__hook_add(ctx, "party.worker.cancel", on_cancel) != FW_OK)
        return fw__error_set(err, FW_ELIMIT, NULL, "payout: the context's hook table is full");
    return FW_OK;
}
