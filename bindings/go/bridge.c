/* C stubs of the Go binding; see bridge.h. The Go functions they call are in callbacks.go. */
#include "bridge.h"
#include "_cgo_export.h"

static int64_t clock_stub(void *payload)
{
    return fwgoClock((uintptr_t)payload);
}

int fwgo_open(fw_ctx **out, const char *path, const uint8_t *master_key, const char *passphrase,
              uint32_t synchronous, uint32_t busy_timeout_ms, uintptr_t clock, uint32_t create,
              fw_error **err)
{
    fw_open_options opts;
    int rc = fw_open_options_init(&opts, FW_OPEN_OPTIONS_VERSION);

    if (rc != FW_OK)
        return rc;
    opts.master_key = master_key;
    opts.passphrase = passphrase;
    opts.synchronous = synchronous;
    opts.busy_timeout_ms = busy_timeout_ms;
    opts.create = create;
    if (clock) {
        opts.clock = clock_stub;
        opts.clock_payload = (void *)clock;
    }
    return fw_ctx_open(out, path, &opts, err);
}

/* One stub per callback position; the payload says which Go provider it belongs to. */
#define SLOT(i)                                                                              \
    static int slot##i(const char *req, size_t len, fw_reply *reply, void *payload)          \
    {                                                                                        \
        return fwgoProviderCall((uintptr_t)payload, i, (char *)req, len, reply);             \
    }
SLOT(0)
SLOT(1)
SLOT(2)
SLOT(3)

#define FN(i) ((mask & (1u << (i))) ? slot##i : NULL)

int fwgo_set_identity_provider(fw_ctx *ctx, uint32_t version, uintptr_t handle, uint32_t mask, fw_error **err)
{
    fw_identity_provider p = { version, (void *)handle, FN(0), FN(1) };
    return fw_ctx_set_identity_provider(ctx, &p, err);
}

int fwgo_set_payment_provider(fw_ctx *ctx, uint32_t version, uintptr_t handle, uint32_t mask, fw_error **err)
{
    fw_payment_provider p = { version, (void *)handle, FN(0), FN(1) };
    return fw_ctx_set_payment_provider(ctx, &p, err);
}

int fwgo_set_invoice_provider(fw_ctx *ctx, uint32_t version, uintptr_t handle, uint32_t mask, fw_error **err)
{
    fw_invoice_provider p = { version, (void *)handle, FN(0), FN(1) };
    return fw_ctx_set_invoice_provider(ctx, &p, err);
}

int fwgo_set_tax_provider(fw_ctx *ctx, uint32_t version, uintptr_t handle, uint32_t mask, fw_error **err)
{
    fw_tax_provider p = { version, (void *)handle, FN(0), FN(1), FN(2), FN(3) };
    return fw_ctx_set_tax_provider(ctx, &p, err);
}

static int hold_stub(fw_ctx *ctx, const char *party_kind, fw_id party_id, fw_id doc_id,
                     const char *category, char *why, size_t why_size, void *payload)
{
    (void)ctx;
    return fwgoHoldCheck((uintptr_t)payload, (char *)party_kind, party_id, doc_id, (char *)category,
                         why, why_size);
}

int fwgo_archive_register_hold_check(fw_ctx *ctx, const char *name, uintptr_t handle, fw_error **err)
{
    return fw_archive_register_hold_check(ctx, name, hold_stub, (void *)handle, err);
}

static int risk_rule_stub(void *payload, fw_ctx *ctx, int64_t from_ms, int64_t to_ms,
                          fw_risk_findings *out)
{
    (void)ctx;
    return fwgoRiskRule((uintptr_t)payload, from_ms, to_ms, out);
}

void fwgo_risk_host_rule(fw_risk_host_rule *rule, const char *code, uintptr_t handle)
{
    rule->version = FW_RISK_HOST_RULE_VERSION;
    rule->code = code;
    rule->fn = risk_rule_stub;
    rule->payload = (void *)handle;
}
