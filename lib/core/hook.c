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

int fw__ctx_data_set(fw_ctx *ctx, const char *key, void *data, void (*free_fn)(void *))
{
    int i;

    for (i = 0; i < ctx->ndata && strcmp(ctx->data[i].key, key) != 0; i++)
        ;
    if (i == (int)(sizeof(ctx->data) / sizeof(ctx->data[0])))
        return FW_ELIMIT;
    ctx->data[i].key = key;
    ctx->data[i].data = data;
    ctx->data[i].free_fn = free_fn;
    if (i == ctx->ndata)
        ctx->ndata++;
    return FW_OK;
}

void *fw__ctx_data(const fw_ctx *ctx, const char *key)
{
    int i;

    for (i = 0; i < ctx->ndata; i++)
        if (strcmp(ctx->data[i].key, key) == 0)
            return ctx->data[i].data;
    return NULL;
}
