/**
 * @file ledger.h
 * The double-entry ledger every fen of the platform lives in (R-5.6, R-6.a, R-7.5.a, R-7.5.c,
 * .e).
 *
 * Accounts belong to an owner (the platform, an enterprise or a worker), have a type from the
 * pinned chart below, a currency, a normal side and flags. Journal entries hold two or more
 * postings whose debits equal their credits in every currency; they are append-only, and a
 * correction is a reversing entry linked to the original. Two-phase transfers hold an amount
 * (it counts against the available balance), then post it in full or in part, or void it; a
 * hold past its expiry time is voided by fw_ledger_expire_holds() or lazily when the funds it
 * reserves are needed. Balances are kept in the account row in the same transaction as the
 * postings, so reading one is O(1); a balance at any past instant is answerable. Accounting
 * periods (CST months) are closed with a sealed BLAKE2b hash over their entries.
 *
 * Amounts are int64 fen. In postings a debit is positive and a credit negative. Balances are
 * reported on the account's normal side: a credit-normal account (a liability such as an
 * enterprise's funds) with more credits than debits has a positive balance.
 *
 * Every money-moving call takes an idempotency key (1..255 bytes): the same key with the same
 * request returns the first outcome (a business failure fails again the same way); the same key
 * with a different request fails with FW_ECONFLICT naming the field that differs.
 */
#ifndef FLEXWORK_LEDGER_H
#define FLEXWORK_LEDGER_H

#include <flexwork/common.h>

FW_BEGIN_DECL

/** Owner kinds. Pinned values. */
#define FW_LEDGER_OWNER_PLATFORM   1
#define FW_LEDGER_OWNER_ENTERPRISE 2
#define FW_LEDGER_OWNER_WORKER     3

/** Account types: the chart of accounts. Pinned values; the JSON name is in brackets. */
#define FW_ACCT_ENTERPRISE_FUNDS    1  /**< [enterprise_funds] credit-normal: 其他应付款-企业备付金 */
#define FW_ACCT_WORKER_PAYABLE      2  /**< [worker_payable] credit-normal: 应付账款-应付劳务报酬 */
#define FW_ACCT_FEE_REVENUE         3  /**< [fee_revenue] credit-normal: 主营业务收入-服务费 */
#define FW_ACCT_FEE_RECEIVABLE      4  /**< [fee_receivable] debit-normal: 应收账款-服务费 */
#define FW_ACCT_IIT_WITHHELD        5  /**< [iit_withheld] credit-normal: 应交税费-代扣代缴个人所得税 */
#define FW_ACCT_VAT_PAYABLE         6  /**< [vat_payable] credit-normal: 应交税费-应交增值税 */
#define FW_ACCT_SURCHARGES_PAYABLE  7  /**< [surcharges_payable] credit-normal: 应交税费-附加税费 */
#define FW_ACCT_BANK_CLEARING       8  /**< [bank_clearing] debit-normal: 银行存款-备付金专户 */
#define FW_ACCT_SUSPENSE            9  /**< [suspense] credit-normal: 其他应付款-待查明款项 */
#define FW_ACCT_INSURANCE_PAYABLE  10  /**< [insurance_payable] credit-normal: 其他应付款-代收保险费 */
#define FW_ACCT_PAYOUT_CLEARING    11  /**< [payout_clearing] debit-normal: 其他货币资金-在途代付 */
#define FW_ACCT_FEE_DEFERRED       12  /**< [fee_deferred] credit-normal: 合同负债-预收服务费 */

/** Normal sides. */
#define FW_LEDGER_DEBIT  1
#define FW_LEDGER_CREDIT 2

/** Account flags (a uint32_t set). The two limits are mutually exclusive. */
#define FW_LEDGER_DEBITS_MUST_NOT_EXCEED_CREDITS 0x1u  /**< refuse debits beyond credits (FW_EFUNDS) */
#define FW_LEDGER_CREDITS_MUST_NOT_EXCEED_DEBITS 0x2u  /**< refuse credits beyond debits (FW_EFUNDS) */

/** Account states. */
#define FW_LEDGER_ACCOUNT_OPEN   1
#define FW_LEDGER_ACCOUNT_CLOSED 2

/** Entry kinds. */
#define FW_LEDGER_ENTRY_POSTED   1  /**< an ordinary posted entry */
#define FW_LEDGER_ENTRY_HOLD     2  /**< a pending hold (first phase) */
#define FW_LEDGER_ENTRY_POST     3  /**< posts a hold, in full or in part */
#define FW_LEDGER_ENTRY_VOID     4  /**< voids a hold (no postings) */
#define FW_LEDGER_ENTRY_EXPIRE   5  /**< a hold voided by its expiry (no postings) */
#define FW_LEDGER_ENTRY_REVERSAL 6  /**< reverses a posted entry */

/** Hold states. */
#define FW_LEDGER_HOLD_PENDING 1
#define FW_LEDGER_HOLD_POSTED  2
#define FW_LEDGER_HOLD_VOIDED  3
#define FW_LEDGER_HOLD_EXPIRED 4

/** Pass as the amount of fw_ledger_hold_post() to post the whole held amount. */
#define FW_LEDGER_AMOUNT_FULL INT64_MAX

/**
 * Opens an account.
 *
 * @param ctx       an open context whose actor may open accounts (admin, operator, finance, system).
 * @param[out] out_id the new account's id.
 * @param json      {"owner_kind":"platform"|"enterprise"|"worker", "owner_id":int (0 for the
 *                  platform), "type":"enterprise_funds"|..., "currency":"CNY" (3 upper-case
 *                  letters, default CNY), "flags":["debits_must_not_exceed_credits"|
 *                  "credits_must_not_exceed_debits"] (default: the type's flags)}.
 * @param json_len  its length in bytes.
 * @param[out] err  optional detail.
 * @return FW_OK; FW_EINVAL naming the field; FW_EEXISTS when the owner already has an account of
 *         that type and currency (the message names its id); FW_EPERM. On failure *out_id is
 *         untouched and the store unchanged.
 */
FW_EXTERN(int) fw_ledger_account_open(fw_ctx *ctx, fw_id *out_id, const char *json,
                                      size_t json_len, fw_error **err);

/**
 * Opens the accounts a party needs once it becomes active: an enterprise gets enterprise_funds
 * and fee_receivable, a worker worker_payable (CNY). Idempotent: accounts already open are kept.
 *
 * @param owner_kind FW_LEDGER_OWNER_ENTERPRISE or FW_LEDGER_OWNER_WORKER.
 * @param owner_id   the party's id (> 0).
 * @return FW_OK; FW_EINVAL for a bad kind or id; FW_ESTATE when one of them is closed; FW_EPERM.
 */
FW_EXTERN(int) fw_ledger_open_party_accounts(fw_ctx *ctx, uint32_t owner_kind, fw_id owner_id,
                                             fw_error **err);

/**
 * Finds an account by owner, type and currency.
 *
 * @param[out] out_id the account's id.
 * @param type one of FW_ACCT_*. @param currency e.g. "CNY"; NULL means "CNY".
 * @return FW_OK; FW_ENOTFOUND; FW_EINVAL; FW_EPERM.
 */
FW_EXTERN(int) fw_ledger_account_find(fw_ctx *ctx, fw_id *out_id, uint32_t owner_kind,
                                      fw_id owner_id, uint32_t type, const char *currency,
                                      fw_error **err);

/**
 * Closes an account. Only an account whose posted and pending balances are all zero closes.
 *
 * @return FW_OK; FW_ENOTFOUND; FW_ESTATE when it is already closed or not at zero (the message
 *         gives the balances); FW_EPERM.
 */
FW_EXTERN(int) fw_ledger_account_close(fw_ctx *ctx, fw_id account_id, fw_error **err);

/**
 * An account as JSON: {"id","owner_kind","owner_id","type","type_code","currency",
 * "normal_side":"debit"|"credit","flags":[...],"state":"open"|"closed","debits_posted_fen",
 * "credits_posted_fen","debits_pending_fen","credits_pending_fen","posted_fen","pending_fen",
 * "available_fen","postings"}. The caller frees *out_json with fw_free().
 *
 * @return FW_OK; FW_ENOTFOUND; FW_EPERM (an enterprise user or worker sees only their own).
 */
FW_EXTERN(int) fw_ledger_account_get(fw_ctx *ctx, fw_id account_id, char **out_json,
                                     size_t *out_len, fw_error **err);

/**
 * Balances of an account on its normal side, O(1).
 *
 * posted: posted credits minus posted debits (credit-normal) or the reverse (debit-normal).
 * pending: posted plus every pending hold in either direction.
 * available: posted minus the pending holds that would reduce it.
 * Any output pointer may be NULL.
 *
 * @return FW_OK; FW_ENOTFOUND; FW_EPERM.
 */
FW_EXTERN(int) fw_ledger_balance(fw_ctx *ctx, fw_id account_id, int64_t *posted,
                                 int64_t *pending, int64_t *available, fw_error **err);

/**
 * The posted balance of an account as of an instant (by effective time): the postings whose
 * effective time is at or before at_ms.
 *
 * @return FW_OK; FW_ENOTFOUND; FW_EPERM.
 */
FW_EXTERN(int) fw_ledger_balance_at(fw_ctx *ctx, fw_id account_id, int64_t at_ms,
                                    int64_t *posted, fw_error **err);

/**
 * Moves amount_fen from one account to another in one posted entry: debits debit_account,
 * credits credit_account. The hot path's typed entry point.
 *
 * @param[out] out_entry_id the entry's id (also on a replay).
 * @param reason   a reason code: 1..64 of [a-z0-9_.:-], e.g. "funding.recognised".
 * @param idem_key the idempotency key, 1..255 bytes.
 * @return FW_OK; FW_EINVAL (amount <= 0, same account, currencies differ, bad reason or key);
 *         FW_ENOTFOUND (an account); FW_ESTATE (an account is closed); FW_EFUNDS (a flag's
 *         limit); FW_EOVERFLOW (a balance would leave int64); FW_ECLOSED (the period is closed);
 *         FW_ECONFLICT (key reused); FW_EPERM. On failure nothing is changed.
 */
FW_EXTERN(int) fw_ledger_transfer(fw_ctx *ctx, fw_id *out_entry_id, fw_id debit_account,
                                  fw_id credit_account, int64_t amount_fen, const char *reason,
                                  const char *idem_key, fw_error **err);

/** One transfer of a batch. */
typedef struct fw_ledger_transfer_item {
    fw_id debit_account;
    fw_id credit_account;
    int64_t amount_fen;
    const char *reason;
    const char *idem_key;
} fw_ledger_transfer_item;

/** Batch flag: all transfers succeed or none is kept. */
#define FW_LEDGER_BATCH_ATOMIC 0x1u

/**
 * Runs n transfers in one transaction (one fsync), each with fw_ledger_transfer()'s rules and
 * idempotency, and one audit record for the batch.
 *
 * Without FW_LEDGER_BATCH_ATOMIC each transfer has its own outcome (TigerBeetle's semantics):
 * out_rcs[i] is its code and out_entry_ids[i] its entry (0 when it failed); the call returns
 * FW_OK when the batch itself ran. With FW_LEDGER_BATCH_ATOMIC the first failure undoes the
 * whole batch and the call returns that failure with the item's index in the error path
 * ("$[17].amount_fen").
 *
 * @param items n items (n <= 100000). @param out_entry_ids, out_rcs n-element arrays or NULL.
 * @return FW_OK; FW_EINVAL; the first item's failure with FW_LEDGER_BATCH_ATOMIC; FW_EPERM.
 */
FW_EXTERN(int) fw_ledger_transfer_batch(fw_ctx *ctx, const fw_ledger_transfer_item *items,
                                        size_t n, uint32_t flags, fw_id *out_entry_ids,
                                        int *out_rcs, fw_error **err);

/**
 * Posts a journal entry of two or more postings.
 *
 * @param json {"idempotency_key":"...", "reason":"...", "effective_ms":int (optional, default
 *             now; not in the future, not in a closed period), "ref_kind":"payout",
 *             "ref_id":"123" (optional, <= 64 bytes each), "memo":"..." (optional, <= 500),
 *             "postings":[{"account_id":1,"debit_fen":100},{"account_id":2,"credit_fen":100}]}.
 *             Debits must equal credits in every currency.
 * @return FW_OK; as fw_ledger_transfer(); FW_EINVAL "$.postings: ..." when unbalanced.
 */
FW_EXTERN(int) fw_ledger_entry_post(fw_ctx *ctx, fw_id *out_entry_id, const char *json,
                                    size_t json_len, fw_error **err);

/**
 * Reverses a posted entry (ordinary, hold post or reversal) with a new entry of the opposite
 * postings, linked to it. An entry is reversed at most once.
 *
 * @return FW_OK; FW_ENOTFOUND; FW_ESTATE (already reversed, or not a posted entry); FW_EFUNDS
 *         when the reversal would break an account's limit; FW_ECLOSED; FW_ECONFLICT; FW_EPERM.
 */
FW_EXTERN(int) fw_ledger_entry_reverse(fw_ctx *ctx, fw_id *out_entry_id, fw_id entry_id,
                                       const char *reason, const char *idem_key, fw_error **err);

/**
 * An entry as JSON: {"id","kind","reason","effective_ms","created_ms","related_id","ref_kind",
 * "ref_id","memo","postings":[{"account_id","debit_fen"|"credit_fen","pending"}]}.
 *
 * @return FW_OK; FW_ENOTFOUND; FW_EPERM.
 */
FW_EXTERN(int) fw_ledger_entry_get(fw_ctx *ctx, fw_id entry_id, char **out_json,
                                   size_t *out_len, fw_error **err);

/**
 * Entries, newest first (R-7.5.e).
 *
 * @param query_json {"account_id":int, "owner_kind":"...","owner_id":int (the owner's accounts),
 *        "reason":"...", "ref_kind":"...", "ref_id":"...", "from_ms":int, "to_ms":int (effective
 *        time, [from, to)), "limit":1..1000 (default 100), "before_id":int (paging cursor)}, all
 *        optional; NULL means {}.
 * @param[out] out_json {"entries":[...as fw_ledger_entry_get...], "next_before_id":int|null}.
 * @return FW_OK; FW_EINVAL naming the field; FW_EPERM (an enterprise user or worker must name
 *         its own owner).
 */
FW_EXTERN(int) fw_ledger_entries(fw_ctx *ctx, const char *query_json, size_t query_len,
                                 char **out_json, size_t *out_len, fw_error **err);

/**
 * Places a hold: the first phase of a two-phase transfer. The amount counts against the debit
 * account's available balance until the hold is posted, voided or expires.
 *
 * @param[out] out_hold_id the hold's id (its entry's id).
 * @param expires_ms the instant it expires (0: never; else later than now).
 * @return as fw_ledger_transfer().
 */
FW_EXTERN(int) fw_ledger_hold(fw_ctx *ctx, fw_id *out_hold_id, fw_id debit_account,
                              fw_id credit_account, int64_t amount_fen, int64_t expires_ms,
                              const char *reason, const char *idem_key, fw_error **err);

/**
 * Posts a hold, in full (FW_LEDGER_AMOUNT_FULL) or in part (0 < amount <= held); the rest is
 * released.
 *
 * @param[out] out_entry_id the posting entry.
 * @return FW_OK; FW_ENOTFOUND; FW_ESTATE (already posted, voided or expired; the message says
 *         which); FW_EINVAL (amount beyond the hold); FW_ECONFLICT; FW_EPERM.
 */
FW_EXTERN(int) fw_ledger_hold_post(fw_ctx *ctx, fw_id *out_entry_id, fw_id hold_id,
                                   int64_t amount_fen, const char *idem_key, fw_error **err);

/**
 * Voids a hold, releasing its amount.
 *
 * @return FW_OK; FW_ENOTFOUND; FW_ESTATE (already posted, voided or expired); FW_ECONFLICT; FW_EPERM.
 */
FW_EXTERN(int) fw_ledger_hold_void(fw_ctx *ctx, fw_id hold_id, const char *idem_key,
                                   fw_error **err);

/**
 * Voids every pending hold whose expiry is at or before now_ms (a sweep for a scheduled job).
 *
 * @param[out] out_count how many expired (may be NULL).
 * @return FW_OK; FW_EPERM.
 */
FW_EXTERN(int) fw_ledger_expire_holds(fw_ctx *ctx, int64_t now_ms, int64_t *out_count,
                                      fw_error **err);

/**
 * The trial balance: per currency the sum of posted debits and credits over all accounts, and
 * whether each account's stored balances equal the sum of its postings.
 *
 * @param[out] out_json {"balanced":true|false, "consistent":true|false, "accounts":int,
 *             "currencies":[{"currency":"CNY","debits_fen","credits_fen","pending_debits_fen",
 *             "pending_credits_fen"}], "mismatched_accounts":[ids]}.
 * @return FW_OK; FW_EPERM.
 */
FW_EXTERN(int) fw_ledger_trial_balance(fw_ctx *ctx, char **out_json, size_t *out_len,
                                       fw_error **err);

/**
 * Closes an accounting period (a CST month, "2026-03"): entries may no longer be dated into it
 * (FW_ECLOSED), and a BLAKE2b hash over its entries and the previous closed period's hash seals
 * it.
 *
 * @param[out] out_json {"month","state":"closed","entries":int,"hash":"hex","prev_hash":"hex"}.
 * @return FW_OK; FW_EINVAL (bad month, or a month not yet over); FW_ESTATE (already closed); FW_EPERM.
 */
FW_EXTERN(int) fw_ledger_period_close(fw_ctx *ctx, const char *month, char **out_json,
                                      size_t *out_len, fw_error **err);

/**
 * Reopens a closed period: an audited administrator's act with a reason (1..500 bytes).
 *
 * @return FW_OK; FW_ESTATE (not closed); FW_EINVAL; FW_EPERM (only the platform admin).
 */
FW_EXTERN(int) fw_ledger_period_reopen(fw_ctx *ctx, const char *month, const char *reason,
                                       fw_error **err);

/**
 * Recomputes a closed period's hash and compares it with the sealed one.
 *
 * @return FW_OK; FW_ECORRUPT when they differ; FW_ESTATE when the period is not closed; FW_EPERM.
 */
FW_EXTERN(int) fw_ledger_period_verify(fw_ctx *ctx, const char *month, fw_error **err);

/**
 * Income accounting per worker (R-7.5.c): what was credited to and debited from the worker's
 * payable account with effective time in [from_ms, to_ms).
 *
 * @param[out] out_json {"worker_id","from_ms","to_ms","credited_fen","debited_fen","net_fen",
 *             "entries":int,"by_reason":[{"reason","credited_fen","debited_fen"}],
 *             "balance_fen":int (posted, now)}.
 * @return FW_OK; FW_ENOTFOUND (no account for the worker); FW_EINVAL; FW_EPERM (a worker sees
 *         only their own).
 */
FW_EXTERN(int) fw_ledger_worker_income(fw_ctx *ctx, fw_id worker_id, int64_t from_ms,
                                       int64_t to_ms, char **out_json, size_t *out_len,
                                       fw_error **err);

FW_END_DECL
#endif
