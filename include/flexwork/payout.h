/**
 * @file payout.h
 * Payouts: from accepted work to money in the worker's account (R-5.6, R-6.b, R-6.d,
 * .c-e), with the worker's income statement and the enterprise's accounting vouchers.
 *
 * An order names an enterprise, a worker, an amount and the work it pays (a task reference).
 * Creating it runs, in one transaction: the gates (platform ready, enterprise active, worker
 * verified, service agreement in force) -> the fee in force ("during" schedules) -> the
 * withholding of the worker's taxes (cumulative figures updated) -> a hold on the enterprise's
 * funds for what the enterprise pays -> state held. Submission hands the order to the payment
 * channel (include/flexwork/sys/provider.h); its answer, synchronous, by callback
 * (fw_payout_result()) or by query (fw_payout_sweep()), posts the hold (success) or voids it and
 * reverses the withholding (failure). A bank return after success (退汇) reverses the postings
 * and the withholding. docs/api/payout.md has every journal entry as T-accounts.
 *
 * Lifecycle:
 *   held -> submitted -> paid -> returned
 *   held | submitted -> failed;  held | suspended -> cancelled;  suspended -> held (release)
 */
#ifndef FLEXWORK_PAYOUT_H
#define FLEXWORK_PAYOUT_H

#include <flexwork/common.h>

FW_BEGIN_DECL

/** Order states. Pinned values. */
#define FW_PAYOUT_SUSPENDED 1  /**< stopped by a risk gate (denied or review): waits for an operator */
#define FW_PAYOUT_HELD      2  /**< fee and tax computed, the enterprise's funds held */
#define FW_PAYOUT_SUBMITTED 3  /**< handed to the payment channel; the answer is awaited */
#define FW_PAYOUT_PAID      4  /**< the channel paid: the hold is posted */
#define FW_PAYOUT_FAILED    5  /**< the channel refused: the hold voided, the withholding reversed */
#define FW_PAYOUT_RETURNED  6  /**< paid, then returned by the bank (退汇): reversed */
#define FW_PAYOUT_CANCELLED 7  /**< cancelled by an operator before submission */

/** Results of the payment channel, for fw_payout_result(). Pinned values. */
#define FW_PAYOUT_RESULT_SUCCESS  1
#define FW_PAYOUT_RESULT_FAILED   2
#define FW_PAYOUT_RESULT_RETURNED 3

/** Output formats of statements and vouchers. */
#define FW_PAYOUT_FORMAT_JSON 1
#define FW_PAYOUT_FORMAT_CSV  2

/**
 * Creates one payout order and takes it to held (or suspended by a risk gate).
 *
 * @param ctx        an open context; the actor needs "payout.create" (admin, finance, system).
 * @param json       a direct order {"idempotency_key":"1..255 bytes","enterprise_id":int,
 *                   "worker_id":int,"amount_fen":1..2^53-1,"task_ref":"1..64 bytes",
 *                   "external_ref":"<=64 bytes" (optional),"memo":"<=200 bytes" (optional)}, or
 *                   an order paying accepted work {"idempotency_key","payable_id":int,...}: the
 *                   task module's payable item gives the enterprise, worker, amount and task
 *                   (task_ref "task:<id>") and is claimed by the order.
 * @param json_len   its length in bytes ((size_t)-1: NUL-terminated).
 * @param[out] out_id    the order's id (may be NULL).
 * @param[out] out_state its state, FW_PAYOUT_HELD or FW_PAYOUT_SUSPENDED (may be NULL).
 * @param[out] err   optional error detail.
 * @return FW_OK; FW_EINVAL / FW_EJSON naming the field; FW_EPERM; FW_ENOTFOUND (no such party);
 *         FW_EDENIED (a gate, the reason code first in the message); FW_EFUNDS (the enterprise's
 *         available funds are short); FW_ELIMIT (a deducted fee beyond the amount); FW_ECLOSED (the
 *         period is closed); FW_ECONFLICT (the key was used for another request); FW_ESTATE
 *         (the payable item is claimed by another order). The same key
 *         and request return the first outcome. On failure the outputs are untouched and the
 *         store is unchanged (a final failure is remembered under the key).
 */
FW_EXTERN(int) fw_payout_create(fw_ctx *ctx, const char *json, size_t json_len, fw_id *out_id,
                                uint32_t *out_state, fw_error **err);

/**
 * Creates a batch of up to 100,000 orders of one enterprise in one transaction.
 *
 * @param json {"idempotency_key":"...","enterprise_id":int,"mode":"all"|"partial" (default
 *             "all"),"submit":bool (default false; true submits each held order, as
 *             fw_payout_submit(), in the same transaction),
 *             "orders":[{"idempotency_key","worker_id","amount_fen","task_ref","external_ref",
 *             "memo"} or {"idempotency_key","payable_id",...}, ...]}. Mode "all" refuses
 *             the whole batch when one order fails; "partial" keeps the orders that pass and
 *             reports the others. Orders suspended by the risk gate count as passing.
 * @param[out] out_json {"batch_id","enterprise_id","mode","orders":n,"held","suspended",
 *             "submitted","paid","failed","rejected","amount_fen","items":[{"index","order_id",
 *             "state"} | {"index","error":{"code","path","message"}}]}; free with fw_free().
 * @return FW_OK; FW_EINVAL naming the field ($.orders[3].amount_fen); FW_EPERM; in mode "all"
 *         the first failing order's code (FW_EFUNDS, FW_EDENIED, ...) with "$.orders[i]" as the
 *         path and nothing stored. A replay under the same key returns the batch as it stands.
 */
FW_EXTERN(int) fw_payout_batch(fw_ctx *ctx, const char *json, size_t json_len, char **out_json,
                               size_t *out_len, fw_error **err);

/**
 * Pays accepted work: one batch of orders, one per unclaimed payable item of the
 * enterprise (oldest first), each claiming its item; an order that fails for good, is
 * cancelled or comes back from the bank gives its item back for a later batch.
 *
 * @param json {"idempotency_key":"...","enterprise_id":int,"max_orders":1..100000 (default
 *             1000),"mode":"all"|"partial","submit":bool}. Each order's key is
 *             "<idempotency_key>/payable:<item id>".
 * @param[out] out_json the batch as fw_payout_batch() gives it; free with fw_free().
 * @return as fw_payout_batch(); FW_ENOTFOUND when the enterprise has no unclaimed item.
 */
FW_EXTERN(int) fw_payout_batch_payables(fw_ctx *ctx, const char *json, size_t json_len,
                                        char **out_json, size_t *out_len, fw_error **err);

/**
 * Submits a held order to the payment channel. With a synchronous answer the order ends paid or
 * failed; a pending answer, a timeout or a provider error leave it submitted (the money may have
 * moved) for fw_payout_result() or fw_payout_sweep(); without a provider it waits submitted for
 * an operator. The channel sees {"order_id","request_no","enterprise_id","worker_id",
 * "amount_fen","bank_card"} and must treat a repeated request_no as the same payment.
 *
 * @param[out] out_state the order's state afterwards (may be NULL).
 * @return FW_OK (also for an order already past held: nothing is done); FW_ENOTFOUND;
 *         FW_ESTATE (suspended, cancelled); FW_EPERM ("payout.submit": admin, finance, system).
 */
FW_EXTERN(int) fw_payout_submit(fw_ctx *ctx, fw_id order_id, uint32_t *out_state, fw_error **err);

/**
 * Submits every held order of a batch, as fw_payout_submit(), in one transaction.
 *
 * @param[out] out_json the batch as fw_payout_batch() gives it; free with fw_free().
 * @return FW_OK; FW_ENOTFOUND; FW_EPERM.
 */
FW_EXTERN(int) fw_payout_batch_submit(fw_ctx *ctx, fw_id batch_id, char **out_json,
                                      size_t *out_len, fw_error **err);

/**
 * Records the payment channel's result for an order: the host calls it when the channel
 * notifies, an operator when there is no provider.
 *
 * SUCCESS (held or submitted -> paid) posts the hold and distributes it: fee to revenue, taxes
 * to their liabilities, the net to bank clearing. FAILED (held or submitted -> failed) voids the
 * hold and reverses the withholding. RETURNED (paid -> returned, 退汇) reverses the postings and
 * the withholding. A result the order already has is accepted again without effect (channels
 * notify more than once).
 *
 * @param result      FW_PAYOUT_RESULT_*.
 * @param channel_ref the channel's reference (<= 64 bytes; may be NULL).
 * @param reason      why it failed or returned (<= 200 bytes; may be NULL).
 * @param[out] out_state the state afterwards (may be NULL).
 * @return FW_OK; FW_EINVAL (result, lengths); FW_ENOTFOUND; FW_ESTATE (a result the state does
 *         not allow, e.g. a failure after payment: the message says use RETURNED); FW_ECLOSED;
 *         FW_EPERM ("payout.result": admin, operator, finance, system). On failure nothing changes.
 */
FW_EXTERN(int) fw_payout_result(fw_ctx *ctx, fw_id order_id, uint32_t result,
                                const char *channel_ref, const char *reason, uint32_t *out_state,
                                fw_error **err);

/**
 * Asks the payment channel's query callback about submitted orders (oldest first, at most
 * max_orders) and records every final answer.
 *
 * @param[out] out_resolved how many orders reached paid or failed (may be NULL).
 * Each answer is applied in its own savepoint: one that cannot be applied (FW_ECLOSED, ...)
 * leaves its order submitted with a note in the timeline.
 *
 * @return FW_OK (a query without a provider or with a pending answer leaves the order);
 *         FW_EINVAL (max_orders 0); FW_EPERM ("payout.submit").
 */
FW_EXTERN(int) fw_payout_sweep(fw_ctx *ctx, uint32_t max_orders, int64_t *out_resolved,
                               fw_error **err);

/**
 * Releases a suspended order: an operator's decision overrides the risk gate; the other gates,
 * the fee, the withholding and the hold run as at creation.
 *
 * @param note the operator's reason (1..200 bytes).
 * @return FW_OK; FW_EINVAL; FW_ENOTFOUND; FW_ESTATE (not suspended); FW_EFUNDS; FW_EDENIED;
 *         FW_EPERM ("payout.release": admin, operator). On failure nothing changes.
 */
FW_EXTERN(int) fw_payout_release(fw_ctx *ctx, fw_id order_id, const char *note,
                                 uint32_t *out_state, fw_error **err);

/**
 * Cancels a suspended or held order (a held order's hold is voided and its withholding
 * reversed).
 *
 * @param reason 1..200 bytes.
 * @return FW_OK; FW_EINVAL; FW_ENOTFOUND; FW_ESTATE (submitted or final); FW_EPERM
 *         ("payout.cancel": admin, operator).
 */
FW_EXTERN(int) fw_payout_cancel(fw_ctx *ctx, fw_id order_id, const char *reason, fw_error **err);

/**
 * An order with its state timeline:
 * {"id","batch_id","enterprise_id","worker_id","task_ref","external_ref","amount_fen","state",
 *  "reason","fee_fen","fee_bearer","enterprise_pays_fen","gross_fen","iit_fen","vat_fen",
 *  "surcharge_fen","net_fen","channel_ref","created_ms","paid_ms","returned_ms",
 *  "timeline":[{"at_ms","from","to","note"}]}.
 *
 * @return FW_OK; FW_ENOTFOUND; FW_EPERM ("payout.read": staff readers, the enterprise's users,
 *         the worker).
 */
FW_EXTERN(int) fw_payout_get(fw_ctx *ctx, fw_id order_id, char **out_json, size_t *out_len,
                             fw_error **err);

/**
 * Orders matching a query, by id, a page at a time.
 *
 * @param query_json {"enterprise_id","worker_id","state":"paid"|...,"batch_id","from_ms",
 *        "to_ms" (creation time, [from, to)),"min_amount_fen","max_amount_fen","after_id"
 *        (the previous page's next_after_id),"limit":1..1000 (default 100)}; all optional.
 *        An enterprise user sees only its enterprise's orders, a worker only their own.
 * @param[out] out_json {"orders":[order without timeline, ...],"next_after_id":int|null}.
 * @return FW_OK; FW_EINVAL naming the field; FW_EPERM (another party's filter).
 */
FW_EXTERN(int) fw_payout_list(fw_ctx *ctx, const char *query_json, size_t query_len,
                              char **out_json, size_t *out_len, fw_error **err);

/**
 * A worker's income statement for a CST month (R-5.6, R-6.b): orders paid in the month, with
 * gross income, fees borne, tax withheld by kind (IIT, VAT, surcharges), net paid, and what
 * the bank returned in the month.
 *
 * JSON: {"worker_id","period","orders","gross_fen","fee_borne_fen","iit_fen","vat_fen",
 * "surcharge_fen","withheld_fen","net_fen","returned_orders","returned_net_fen",
 * "lines":[{"order_id","enterprise_id","task_ref","paid_ms","gross_fen","fee_borne_fen",
 * "iit_fen","vat_fen","surcharge_fen","net_fen","state"}]}. CSV: one row per line, header first,
 * amounts in yuan, then a totals row.
 *
 * @param month "YYYY-MM". @param format FW_PAYOUT_FORMAT_JSON or _CSV.
 * @return FW_OK; FW_EINVAL (month, format); FW_EPERM ("payout.read"; a worker only their own).
 */
FW_EXTERN(int) fw_payout_statement(fw_ctx *ctx, fw_id worker_id, const char *month,
                                   uint32_t format, char **out, size_t *out_len, fw_error **err);

/**
 * An enterprise's payout totals for a CST month (R-7.5.c): orders created in the month by
 * state, and of those paid: amount, fees, taxes by kind, net, what the enterprise paid.
 * {"enterprise_id","period","orders","by_state":{"held":n,...},"paid":{"orders","amount_fen",
 * "fee_fen","iit_fen","vat_fen","surcharge_fen","net_fen","enterprise_pays_fen"},
 * "returned":{"orders","enterprise_pays_fen"}}.
 *
 * @return FW_OK; FW_EINVAL (month); FW_EPERM ("payout.read"; an enterprise user only its own).
 */
FW_EXTERN(int) fw_payout_enterprise_summary(fw_ctx *ctx, fw_id enterprise_id, const char *month,
                                            char **out_json, size_t *out_len, fw_error **err);

/**
 * Accounting vouchers (记账凭证) for an enterprise's payouts in a CST month, generated from the
 * journal: one voucher per journal entry of the enterprise's orders effective in the month.
 * JSON: {"enterprise_id","period","vouchers":[{"no","entry_id","date","summary","lines":
 * [{"account_code","account_name","debit_fen","credit_fen"}],"debit_fen","credit_fen"}]}.
 * CSV: voucher_no,date,summary,account_code,account_name,debit,credit (yuan).
 *
 * @return FW_OK; FW_EINVAL (month, format); FW_EPERM ("payout.read"; an enterprise user only
 *         its own).
 */
FW_EXTERN(int) fw_payout_vouchers(fw_ctx *ctx, fw_id enterprise_id, const char *month,
                                  uint32_t format, char **out, size_t *out_len, fw_error **err);

/** The state's name ("held", "paid", ...), or NULL for an unknown value. */
FW_EXTERN(const char *) fw_payout_state_name(uint32_t state);

FW_END_DECL
#endif
