/* Provider registration and calls. */
#include <stdlib.h>
#include <string.h>

#include "core/ctx.h"
#include "core/error.h"

int fw_reply_set(fw_reply *reply, const char *json, size_t json_len)
{
    char *copy;

    if (!reply || !json)
        return FW_EINVAL;
    copy = malloc(json_len + 1);
    if (!copy)
        return FW_ENOMEM;
    memcpy(copy, json, json_len);
    copy[json_len] = '\0';
    free(reply->json);
    reply->json = copy;
    reply->len = json_len;
    return FW_OK;
}

void fw__reply_clear(struct fw_reply *reply)
{
    free(reply->json);
    reply->json = NULL;
    reply->len = 0;
}

int fw__provider_call(fw_provider_fn fn, void *payload, const char *req, size_t req_len,
                      struct fw_reply *reply)
{
    int rc;

    reply->json = NULL;
    reply->len = 0;
    if (!fn)
        return FW_EPENDING;    /* no provider: the operation waits for an operator */
    rc = fn(req, req_len, reply, payload);
    if (rc == FW_OK && !reply->json)
        return FW_EPROVIDER;   /* answered without a reply */
    if (rc != FW_OK && rc != FW_EPENDING && rc != FW_ETIMEOUT)
        rc = FW_EPROVIDER;     /* any other code is the provider's failure */
    return rc;
}

#define SET_PROVIDER(fn_name, type, field, want_version, label)                              \
    int fn_name(fw_ctx *ctx, const type *p, fw_error **err)                                   \
    {                                                                                         \
        if (!ctx)                                                                             \
            return fw__error_set(err, FW_EINVAL, NULL, "ctx is required");                    \
        if (!p) {                                                                             \
            memset(&ctx->field, 0, sizeof(ctx->field));                                       \
            return FW_OK;                                                                     \
        }                                                                                     \
        if (p->version == 0 || p->version > (want_version))                                   \
            return fw__error_set(err, FW_EVERSION, "provider.version",                        \
                                 "the " label " provider struct version must be 1..%d, got %u", \
                                 (want_version), p->version);                                 \
        ctx->field = *p;                                                                      \
        return FW_OK;                                                                         \
    }

SET_PROVIDER(fw_ctx_set_identity_provider, fw_identity_provider, identity,
             FW_IDENTITY_PROVIDER_VERSION, "identity")
SET_PROVIDER(fw_ctx_set_payment_provider, fw_payment_provider, payment,
             FW_PAYMENT_PROVIDER_VERSION, "payment")
SET_PROVIDER(fw_ctx_set_invoice_provider, fw_invoice_provider, invoice,
             FW_INVOICE_PROVIDER_VERSION, "invoice")
SET_PROVIDER(fw_ctx_set_tax_provider, fw_tax_provider, tax, FW_TAX_PROVIDER_VERSION, "tax")
