/*
 * The ledger's part in the party lifecycle (core/hook.h): a party that becomes active gets
 * its accounts (R-5.1, R-6.a), and one is cancelled or closed only at zero balances.
 */
#include <string.h>

#include <flexwork/ledger.h>

#include "core/error.h"
#include "core/hook.h"
#include "ledger/ledger.h"

static uint32_t owner_kind(const char *event)
{
    return strncmp(event, "party.enterprise.", 17) == 0 ? FW_LEDGER_OWNER_ENTERPRISE
                                                        : FW_LEDGER_OWNER_WORKER;
}

static int on_activate(fw_ctx *ctx, const char *event, fw_id id, const void *data, fw_error **err)
{
    (void)data;
    return fw__ledger_open_party_accounts(ctx, owner_kind(event), id, err);
}

static int on_cancel(fw_ctx *ctx, const char *event, fw_id id, const void *data, fw_error **err)
{
    uint32_t kind = owner_kind(event);
    int zero = 0, rc;

    (void)data;
    rc = fw__ledger_party_balances_zero(ctx, kind, id, &zero, err);
    if (rc == FW_OK && !zero)
        rc = fw__error_set(err, FW_EDENIED, NULL,
                           "BALANCES_NOT_ZERO: %s %lld still has a balance or a pending hold in the "
                           "ledger; settle or refund it first", fw__ledger_owner_name(kind), (long long)id);
    return rc;
}

int fw__ledger_init(fw_ctx *ctx, fw_error **err)
{
    if (fw__hook_add(ctx, "party.enterprise.activate", on_activate) != FW_OK ||
        fw__hook_add(ctx, "party.worker.activate", on_activate) != FW_OK ||
        fw__hook_add(ctx, "party.enterprise.cancel", on_cancel) != FW_OK ||
        fw__hook_add(ctx, "party.worker.cancel", on_cancel) != FW_OK)
        return fw__error_set(err, FW_ELIMIT, NULL, "ledger: the context's hook table is full");
    return FW_OK;
}
