/* Per-context hooks and the module initialisation list. */
#include <string.h>

#include "core/ctx.h"
#include "core/error.h"
#include "core/hook.h"

int fw__hook_add(fw_ctx *ctx, const char *event, fw__hook_fn fn)
{
    if (ctx->nhooks >= FW__HOOK_MAX)
        return FW_ELIMIT;
    ctx->hooks[ctx->nhooks].event = event;
    ctx->hooks[ctx->nhooks].fn = fn;
    ctx->nhooks++;
    return FW_OK;
}

int fw__hook_run(fw_ctx *ctx, const char *event, fw_id id, const void *data, fw_error **err)
{
    int i, rc;

    for (i = 0; i < ctx->nhooks; i++)
        if (strcmp(ctx->hooks[i].event, event) == 0 &&
            (rc = ctx->hooks[i].fn(ctx, event, id, data, err)) != FW_OK)
            return rc;
    return FW_OK;
}
