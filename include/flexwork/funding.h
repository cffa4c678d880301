/**
 * @file funding.h
 * Enterprise funding (R-7.5.a) and recognition of incoming funds, 来账识别 (R-7.5.b).
 *
 * An enterprise pays into the platform's bank account. Each incoming transfer arrives as a
 * notice (from a statement import, the payment-channel provider, or an operator) and is
 * recognised: matched to an enterprise by the payer account the enterprise registered, or by
 * the enterprise's reference code in the remark. A recognised payment credits the enterprise's
 * funds (less a fee the enterprise's schedule charges "before", at funding); an unrecognised
 * one goes to suspense, from where an operator assigns it to an enterprise or returns it to
 * the payer. Every step is a journal entry and an audit record; a notice is idempotent by the
 * bank's transaction id. An enterprise may withdraw unused funds (a refund): a hold on its
 * funds, posted when the bank has paid it out or voided when the payment failed.
 *
 * Payer account numbers are personal data when the payer is a person: they are stored only as
 * a keyed blind index and a masked form; payer names only masked.
 */
#ifndef FLEXWORK_FUNDING_H
#define FLEXWORK_FUNDING_H

#include <flexwork/common.h>

FW_BEGIN_DECL

/** States of an incoming transfer. Pinned values. */
#define FW_FUNDING_RECOGNISED 1  /**< matched and credited to an enterprise */
#define FW_FUNDING_SUSPENSE   2  /**< not matched: held in suspense */
#define FW_FUNDING_ASSIGNED   3  /**< from suspense to an enterprise by an operator */
#define FW_FUNDING_RETURNED   4  /**< from suspense back to the payer */

/** States of a refund of unused funds. */
#define FW_FUNDING_REFUND_PENDING   1
#define FW_FUNDING_REFUND_PAID      2
#define FW_FUNDING_REFUND_FAILED    3

/**
 * Registers a bank account an enterprise pays from, so that its payments are recognised.
 *
 * @param[out] out_id the source's id.
 * @param json {"payer_account":"6222 0200 ..." (6..34 digits or letters; spaces and dashes are
 *             ignored), "payer_name":"..." (optional, 1..200 bytes)}.
 * @return FW_OK (also when the enterprise already registered it: the existing id); FW_EEXISTS
 *         when another enterprise registered that account; FW_EINVAL naming the field; FW_EPERM.
 */
FW_EXTERN(int) fw_funding_register_source(fw_ctx *ctx, fw_id *out_id, fw_id enterprise_id,
                                          const char *json, size_t json_len, fw_error **err);

/**
 * Registers a virtual sub-account (虚拟子账户) the bank assigned to an enterprise under the
 * platform's receiving account: a payment into it belongs to that enterprise.
 *
 * @param account 6..34 letters or digits (spaces and dashes are ignored).
 * @return FW_OK (also when already registered to this enterprise); FW_EEXISTS when registered to
 *         another; FW_EINVAL; FW_EPERM.
 */
FW_EXTERN(int) fw_funding_register_virtual_account(fw_ctx *ctx, fw_id enterprise_id,
                                                   const char *account, fw_error **err);

/**
 * The enterprise's reference code for payment remarks ("FW" and 6 letters or digits), assigned
 * on first call.
 *
 * @param[out] out_code the code; the caller frees it with fw_free().
 * @return FW_OK; FW_EINVAL; FW_EPERM (an enterprise user reads its own).
 */
FW_EXTERN(int) fw_funding_reference_code(fw_ctx *ctx, fw_id enterprise_id, char **out_code,
                                         fw_error **err);

/**
 * Records an incoming bank transfer and recognises it: by the virtual sub-account it was paid
 * into, the payer account, or the reference code in the remark (in that order of strength);
 * when two of them name different enterprises it goes to suspense. Idempotent by bank_txn_id: the same
 * notice again returns the same id; a different notice under the same bank_txn_id fails with
 * FW_ECONFLICT naming the field.
 *
 * @param[out] out_id the incoming transfer's id; read its outcome with fw_funding_incoming_get().
 * @param json {"bank_txn_id":"..." (1..128 bytes), "amount_fen":int > 0, "currency":"CNY"
 *             (optional), "payer_name":"..." (optional), "payer_account":"..." (optional),
 *             "remark":"..." (optional, <= 500 bytes), "payee_account":"..." (optional: the
 *             platform account or virtual sub-account credited), "received_ms":int (optional,
 *             default now; not in the future)}.
 * @return FW_OK; FW_EINVAL naming the field; FW_ECONFLICT; FW_ECLOSED; FW_EPERM.
 */
FW_EXTERN(int) fw_funding_notice(fw_ctx *ctx, fw_id *out_id, const char *json, size_t json_len,
                                 fw_error **err);

/**
 * An incoming transfer as JSON: {"id","bank_txn_id","amount_fen","currency","payer_name",
 * "payer_account" (both masked),"remark","received_ms","payee_account","state":"recognised"|
 * "suspense"|"assigned"|"returned","enterprise_id":int|null,"matched_by":"virtual_account"|
 * "payer_account"|"reference"|"operator"|null,"fee_fen","entry_id","resolution_entry_id":int|null}.
 *
 * @return FW_OK; FW_ENOTFOUND; FW_EPERM (an enterprise user sees only its own).
 */
FW_EXTERN(int) fw_funding_incoming_get(fw_ctx *ctx, fw_id incoming_id, char **out_json,
                                       size_t *out_len, fw_error **err);

/**
 * Incoming transfers in a state, newest first: {"incoming":[...], "next_before_id":int|null}.
 *
 * @param state one of FW_FUNDING_*, or 0 for all. @param limit 1..1000. @param before_id paging
 *        cursor, 0 for the first page.
 * @return FW_OK; FW_EINVAL; FW_EPERM.
 */
FW_EXTERN(int) fw_funding_incoming_list(fw_ctx *ctx, uint32_t state, uint32_t limit,
                                        fw_id before_id, char **out_json, size_t *out_len,
                                        fw_error **err);

/**
 * Assigns a transfer held in suspense to an enterprise (the operator's resolution).
 *
 * @return FW_OK; FW_ENOTFOUND (the transfer or the enterprise); FW_ESTATE when it is not in
 *         suspense; FW_EDENIED when the platform has no payment-channel agreement in force
 *         (PLATFORM_NO_PROFILE, PLATFORM_NO_CHANNEL_AGREEMENT) or the enterprise is not active
 *         (ENTERPRISE_NOT_SIGNED, ENTERPRISE_SUSPENDED, ...; the reason code starts the
 *         message); FW_ECONFLICT; FW_EPERM. On failure nothing changes.
 */
FW_EXTERN(int) fw_funding_assign(fw_ctx *ctx, fw_id incoming_id, fw_id enterprise_id,
                                 const char *idem_key, fw_error **err);

/**
 * Records that a transfer held in suspense was returned to the payer.
 *
 * @return FW_OK; FW_ENOTFOUND; FW_ESTATE when it is not in suspense; FW_ECONFLICT; FW_EPERM.
 */
FW_EXTERN(int) fw_funding_return(fw_ctx *ctx, fw_id incoming_id, const char *idem_key,
                                 fw_error **err);

/**
 * Starts a refund of an enterprise's unused funds: the amount is held on its funds until
 * fw_funding_refund_complete() reports the bank payment.
 *
 * @param[out] out_refund_id the refund's id.
 * @return FW_OK; FW_EINVAL; FW_EFUNDS when the available funds (after holds) are short;
 *         FW_EDENIED (PLATFORM_NO_CHANNEL_AGREEMENT, PLATFORM_NO_PROFILE: the money cannot go out);
 *         FW_ENOTFOUND (no funds account); FW_ECONFLICT; FW_EPERM. A suspended enterprise may
 *         still be refunded.
 */
FW_EXTERN(int) fw_funding_refund(fw_ctx *ctx, fw_id *out_refund_id, fw_id enterprise_id,
                                 int64_t amount_fen, const char *idem_key, fw_error **err);

/**
 * Completes a refund: paid (1) posts the hold, paid (0) voids it and the funds are available
 * again.
 *
 * @return FW_OK; FW_ENOTFOUND; FW_ESTATE when it is no longer pending; FW_EINVAL; FW_EPERM.
 */
FW_EXTERN(int) fw_funding_refund_complete(fw_ctx *ctx, fw_id refund_id, uint32_t paid,
                                          const char *idem_key, fw_error **err);

FW_END_DECL
#endif
