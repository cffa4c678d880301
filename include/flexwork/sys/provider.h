/**
 * @file sys/provider.h
 * Providers: the outside world (DESIGN §8). The library never talks to a network; the host
 * registers versioned structs of callbacks for real-name verification, enterprise registry
 * checks, the payment channel, e-invoicing and the tax bureau. Without a provider an
 * operation waits in a pending state and an operator completes it through the API.
 *
 * Stability: this header is an extension point. Structs are append-only and versioned.
 *
 * Callback contract: a callback receives a request as UTF-8 JSON (documented per module in
 * docs/providers.md) and answers by calling fw_reply_set() with a JSON reply. It returns
 * FW_OK when it answered; FW_EPENDING when the answer will come later (by query or by the
 * operator); FW_ETIMEOUT when the far side did not answer; any other code is a failure, which
 * the library records as FW_EPROVIDER (keeping the reply, if any, as its detail). FW_OK
 * without a reply is FW_EPROVIDER too. A callback left NULL means "no provider": the
 * operation waits (FW_EPENDING). Callbacks run inside the library's transaction: they must
 * not call back into the same context.
 */
#ifndef FLEXWORK_SYS_PROVIDER_H
#define FLEXWORK_SYS_PROVIDER_H

#include <flexwork/common.h>

FW_BEGIN_DECL

/** Where a provider callback writes its answer. Owned by the library. */
typedef struct fw_reply fw_reply;

/**
 * Sets the callback's reply (JSON text, copied). A later call replaces the earlier one.
 * @return FW_OK; FW_EINVAL for NULL arguments; FW_ENOMEM.
 */
FW_EXTERN(int) fw_reply_set(fw_reply *reply, const char *json, size_t json_len);

/** A provider callback: request in, reply through fw_reply_set(). */
typedef int (*fw_provider_fn)(const char *request_json, size_t request_len, fw_reply *reply,
                              void *payload);

#define FW_IDENTITY_PROVIDER_VERSION 1
/** Real-name verification of people and registry checks of enterprises. */
typedef struct fw_identity_provider {
    uint32_t version;               /**< FW_IDENTITY_PROVIDER_VERSION */
    void *payload;                  /**< passed to every callback */
    fw_provider_fn verify_person;   /**< {"name","id_number","phone","bank_card","liveness"} */
    fw_provider_fn verify_enterprise; /**< {"name","uscc","legal_rep"} */
} fw_identity_provider;

#define FW_PAYMENT_PROVIDER_VERSION 1
/** The payment channel (bank or licensed payment institution). */
typedef struct fw_payment_provider {
    uint32_t version;               /**< FW_PAYMENT_PROVIDER_VERSION */
    void *payload;
    fw_provider_fn submit;          /**< one payout order: {"order_id","amount_fen","bank_card",...} */
    fw_provider_fn query;           /**< {"order_id"} -> {"status":"success|failed|pending",...} */
} fw_payment_provider;

#define FW_INVOICE_PROVIDER_VERSION 1
/** The e-invoicing service (全电发票). */
typedef struct fw_invoice_provider {
    uint32_t version;               /**< FW_INVOICE_PROVIDER_VERSION */
    void *payload;
    fw_provider_fn issue;           /**< an invoice request -> {"invoice_no",...} */
    fw_provider_fn cancel;          /**< {"invoice_no"} -> red-letter confirmation */
} fw_invoice_provider;

#define FW_TAX_PROVIDER_VERSION 1
/** The tax bureau: registration, declaration, payment, certificates. */
typedef struct fw_tax_provider {
    uint32_t version;               /**< FW_TAX_PROVIDER_VERSION */
    void *payload;
    fw_provider_fn register_taxpayer; /**< worker tax registration */
    fw_provider_fn declare;           /**< a period's declaration -> {"receipt_no",...} */
    fw_provider_fn pay;               /**< payment of withheld tax */
    fw_provider_fn certificate;       /**< 完税证明 query -> {"certificate_no","document_b64"} */
} fw_tax_provider;

/**
 * Registers (or, with NULL, removes) a provider on the context. The struct is copied; the
 * payload must outlive the registration.
 * @return FW_OK; FW_EVERSION (path "provider.version") for an unknown struct version, the
 *         registration unchanged; FW_EINVAL when ctx is NULL.
 */
FW_EXTERN(int) fw_ctx_set_identity_provider(fw_ctx *ctx, const fw_identity_provider *p, fw_error **err);
/** As fw_ctx_set_identity_provider(), for the payment channel. */
FW_EXTERN(int) fw_ctx_set_payment_provider(fw_ctx *ctx, const fw_payment_provider *p, fw_error **err);
/** As fw_ctx_set_identity_provider(), for e-invoicing. */
FW_EXTERN(int) fw_ctx_set_invoice_provider(fw_ctx *ctx, const fw_invoice_provider *p, fw_error **err);
/** As fw_ctx_set_identity_provider(), for the tax bureau. */
FW_EXTERN(int) fw_ctx_set_tax_provider(fw_ctx *ctx, const fw_tax_provider *p, fw_error **err);

FW_END_DECL
#endif
