/**
 * @file invoice.h
 * Invoices to enterprises for the service actually rendered (R-3.3.g): an enterprise requests
 * an invoice for an amount it was served (what its paid payouts cost it, less bank returns);
 * the platform issues it through the e-invoicing provider (全电发票) or records an invoice issued
 * by hand; an issued invoice is reversed by a red-letter invoice (冲红). The amounts invoiced
 * and not reversed never exceed what was served.
 *
 * Lifecycle: requested -> issued -> reversed;  requested -> cancelled.
 */
#ifndef FLEXWORK_INVOICE_H
#define FLEXWORK_INVOICE_H

#include <flexwork/common.h>

FW_BEGIN_DECL

/** Invoice states. Pinned values. */
#define FW_INVOICE_REQUESTED 1
#define FW_INVOICE_ISSUED    2
#define FW_INVOICE_REVERSED  3  /**< a red-letter invoice cancels it */
#define FW_INVOICE_CANCELLED 4  /**< withdrawn before issue */

/**
 * Requests an invoice.
 *
 * @param json {"idempotency_key":"1..255 bytes","enterprise_id":int,"kind":"vat_special"|
 *             "vat_normal","amount_fen":int > 0 (tax included),"tax_rate_ppm":0..1000000
 *             (default 60000: 6%),"title":"<=200 bytes" (optional: the buyer's name on it)}.
 *             The tax is amount x rate / (1 + rate), rounded half up to the fen.
 * @param[out] out_id the invoice's id.
 * @return FW_OK; FW_EINVAL naming the field; FW_EPERM ("invoice.request": admin, finance, the
 *         enterprise's users for their own); FW_ELIMIT when the amount exceeds what is left to
 *         invoice (the message says by how much, with what was served and invoiced);
 *         FW_ECONFLICT (the key was used for another request). On failure *out_id is untouched
 *         and the store is unchanged.
 */
FW_EXTERN(int) fw_invoice_request(fw_ctx *ctx, const char *json, size_t json_len, fw_id *out_id,
                                  fw_error **err);

/**
 * Issues a requested invoice through the invoice provider's issue callback, which receives
 * {"invoice_id","enterprise_id","kind","amount_fen","tax_fen","tax_rate_ppm","title"} and
 * answers {"invoice_no":"1..64 bytes","issued_date":"YYYY-MM-DD" (optional)}.
 *
 * @param[out] out_state FW_INVOICE_ISSUED (may be NULL).
 * @return FW_OK; FW_EPENDING without a provider, or when it answers later (the invoice stays
 *         requested; an operator may record it with fw_invoice_record()); FW_ETIMEOUT,
 *         FW_EPROVIDER (stays requested); FW_ENOTFOUND; FW_ESTATE (not requested); FW_EEXISTS (the
 *         number is on another invoice); FW_EPERM ("invoice.issue": admin, finance, system).
 */
FW_EXTERN(int) fw_invoice_issue(fw_ctx *ctx, fw_id invoice_id, uint32_t *out_state,
                                fw_error **err);

/**
 * Records an invoice issued by hand for a request.
 *
 * @param json {"kind":"vat_special"|"vat_normal","invoice_no":"1..64 bytes","amount_fen":int
 *             (must equal the request's),"tax_fen":0..amount,"date":"YYYY-MM-DD"}.
 * @return FW_OK; FW_EINVAL naming the field; FW_ENOTFOUND; FW_ESTATE (not requested);
 *         FW_EEXISTS (the number is on another invoice); FW_EPERM ("invoice.issue").
 */
FW_EXTERN(int) fw_invoice_record(fw_ctx *ctx, fw_id invoice_id, const char *json,
                                 size_t json_len, fw_error **err);

/**
 * Reverses an issued invoice with a red-letter invoice (冲红), through the provider's cancel
 * callback ({"invoice_id","invoice_no","amount_fen","tax_fen","reason"} -> {"red_invoice_no"}),
 * or, without a provider, with the red-letter number issued by hand; a requested invoice is
 * cancelled. The amount becomes available to invoice again.
 *
 * @param json {"reason":"1..200 bytes","red_invoice_no":"1..64 bytes" (without a provider)}.
 * @param[out] out_state FW_INVOICE_REVERSED or FW_INVOICE_CANCELLED (may be NULL).
 * @return FW_OK; FW_EINVAL naming the field; FW_ENOTFOUND; FW_ESTATE (reversed or cancelled
 *         already); FW_EPENDING, FW_ETIMEOUT, FW_EPROVIDER (the provider did not confirm: nothing
 *         changed); FW_EPERM ("invoice.reverse": admin, finance).
 */
FW_EXTERN(int) fw_invoice_reverse(fw_ctx *ctx, fw_id invoice_id, const char *json,
                                  size_t json_len, uint32_t *out_state, fw_error **err);

/**
 * An invoice: {"id","enterprise_id","kind","state","amount_fen","tax_rate_ppm","tax_fen",
 * "title","invoice_no","origin":"provider"|"manual"|null,"issued_date","red_invoice_no",
 * "reason","requested_ms","issued_ms","reversed_ms"}.
 *
 * @return FW_OK; FW_ENOTFOUND; FW_EPERM ("invoice.read"; an enterprise user only its own).
 */
FW_EXTERN(int) fw_invoice_get(fw_ctx *ctx, fw_id invoice_id, char **out_json, size_t *out_len,
                              fw_error **err);

/**
 * An enterprise's invoices and its ceiling: {"enterprise_id","served_fen","invoiced_fen"
 * (requested and issued),"available_fen","invoices":[invoice, ...]}.
 *
 * @return FW_OK; FW_EPERM ("invoice.read"; an enterprise user only its own).
 */
FW_EXTERN(int) fw_invoice_list(fw_ctx *ctx, fw_id enterprise_id, char **out_json,
                               size_t *out_len, fw_error **err);

FW_END_DECL
#endif
