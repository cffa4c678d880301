/*
 * The ledger's internal API for other modules (funding, payout, recon, party). These calls run
 * inside the caller's transaction and do no authorisation, idempotency or audit of their own:
 * the public call that wraps them does.
 */
#ifndef FW_LEDGER_LEDGER_H
#define FW_LEDGER_LEDGER_H

#include <flexwork/ledger.h>

#define FW__LEDGER_REASON_MAX 64
#define FW__LEDGER_REF_MAX 64
#define FW__LEDGER_MEMO_MAX 500
#define FW__LEDGER_MAX_POSTINGS 1000

/* One posting of an entry: a debit is positive, a credit negative. */
struct fw__posting {
    fw_id account_id;
    int64_t amount;
};

/* What an entry says besides its postings. Strings are borrowed for the call. */
struct fw__entry_meta {
    uint32_t kind;           /* FW_LEDGER_ENTRY_* */
    const char *reason;
    int64_t effective_ms;    /* 0: now */
    fw_id related_id;
    const char *ref_kind;    /* NULL: none */
    const char *ref_id;
    const char *memo;
};

/* An account's row. */
struct fw__account {
    fw_id id;
    uint32_t owner_kind;
    fw_id owner_id;
    uint32_t type;
    char currency[4];
    uint32_t normal_side;
    uint32_t flags;
    uint32_t state;
    int64_t debits_posted, credits_posted, debits_pending, credits_pending;
    int64_t postings;
    fw_id last_entry;
    int64_t last_seq;
};

/* Loads an account; FW_ENOTFOUND naming `path` when there is none. */
int fw__ledger_account_load(fw_ctx *ctx, fw_id id, const char *path, struct fw__account *a,
                            fw_error **err);
/* Posted, pending and available balances on the account's normal side. */
void fw__ledger_account_balances(const struct fw__account *a, int64_t *posted, int64_t *pending,
                                 int64_t *available);

/* The account of an owner by type and currency (NULL = "CNY"); with create, opens it when missing. */
int fw__ledger_account(fw_ctx *ctx, uint32_t owner_kind, fw_id owner_id, uint32_t type,
                       const char *currency, int create, fw_id *out_id, fw_error **err);

/* Checks a reason code: 1..64 of [a-z0-9_.:-]. */
int fw__ledger_check_reason(const char *reason, const char *path, fw_error **err);

/* Writes an entry with its postings (n >= 2, balanced per currency) and updates balances. */
int fw__ledger_post(fw_ctx *ctx, const struct fw__posting *p, size_t n,
                    const struct fw__entry_meta *meta, fw_id *out_entry_id, fw_error **err);

/* A two-leg posted entry. */
int fw__ledger_transfer(fw_ctx *ctx, fw_id *out_entry_id, fw_id debit_account,
                        fw_id credit_account, int64_t amount, const char *reason,
                        const char *ref_kind, const char *ref_id, fw_error **err);

/* Two-phase transfers. */
int fw__ledger_hold(fw_ctx *ctx, fw_id *out_hold_id, fw_id debit_account, fw_id credit_account,
                    int64_t amount, int64_t expires_ms, const char *reason, const char *ref_kind,
                    const char *ref_id, fw_error **err);
int fw__ledger_hold_post(fw_ctx *ctx, fw_id *out_entry_id, fw_id hold_id, int64_t amount,
                         fw_error **err);
int fw__ledger_hold_void(fw_ctx *ctx, fw_id hold_id, fw_error **err);

/* Reverses a posted entry. */
int fw__ledger_reverse(fw_ctx *ctx, fw_id *out_entry_id, fw_id entry_id, const char *reason,
                       fw_error **err);

/* Posted, pending, available of an account (any output may be NULL). */
int fw__ledger_balance(fw_ctx *ctx, fw_id account_id, int64_t *posted, int64_t *pending,
                       int64_t *available, fw_error **err);

/* Registers the ledger's party hooks on a new context (listed in meson's fw_inits). */
int fw__ledger_init(fw_ctx *ctx, fw_error **err);

/* Opens (or finds) the accounts a party needs: enterprise funds and fee receivable, or worker payable. */
int fw__ledger_open_party_accounts(fw_ctx *ctx, uint32_t owner_kind, fw_id owner_id, fw_error **err);

/* *is_zero = 1 when every account of the party has zero posted and pending balances. */
int fw__ledger_party_balances_zero(fw_ctx *ctx, uint32_t owner_kind, fw_id owner_id,
                                   int *is_zero, fw_error **err);

/*
 * The invariants: *balanced = 1 when debits equal credits in every currency (posted and
 * pending), *consistent = 1 when every account's stored balances equal its postings' sums.
 */
int fw__ledger_check(fw_ctx *ctx, int *balanced, int *consistent, fw_error **err);

/* FW_ECLOSED when ms falls in a closed period. */
int fw__ledger_period_check(fw_ctx *ctx, int64_t ms, const char *path, fw_error **err);

/* Names of types, owner kinds; NULL for an unknown value. */
const char *fw__ledger_type_name(uint32_t type);
const char *fw__ledger_owner_name(uint32_t kind);
/* The type's normal side (FW_LEDGER_DEBIT or _CREDIT), 0 for an unknown type; how many types. */
uint32_t fw__ledger_type_normal(uint32_t type);
uint32_t fw__ledger_type_count(void);

#endif
