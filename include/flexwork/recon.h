/**
 * @file recon.h
 * Reconciliation (R-7.9.a-d): bank and payment-channel statements are imported, matched
 * against the ledger's bank-clearing account, and every difference becomes an error case
 * (差错) that is closed by an adjustment (调账) under four eyes, as a timing difference, or
 * written off. A service-fee check recomputes the fees booked in a period; reconciliation
 * files give each enterprise its orders, fees, taxes, funding and balance movements.
 *
 * Statements are read as a stream (constant memory whatever the size): CSV through a column
 * mapping profile (shipped: "generic_bank", "payment_daily_bill"; hosts add their own), or
 * ISO 20022 camt.053 XML (parsed with expat). Text may be UTF-8 or GB18030. A file imports
 * whole or not at all, and the same file (by its BLAKE2b hash) is refused the second time.
 *
 * A run (the fw_recon handle) matches one statement's lines with the ledger's records by rules
 * tried in order, classifies every line and record, and either records the outcome with error
 * cases, or, as a dry run, only reports it.
 */
#ifndef FLEXWORK_RECON_H
#define FLEXWORK_RECON_H

#include <flexwork/common.h>

FW_BEGIN_DECL

/** One reconciliation run over one statement. Not shared between threads. */
typedef struct fw_recon fw_recon;

/** Outcomes of a statement line or a ledger record. Pinned values. */
#define FW_RECON_MATCHED               1  /**< matched, same CST day, amount within tolerance */
#define FW_RECON_MISSING_IN_LEDGER     2  /**< on the statement only (长款) */
#define FW_RECON_MISSING_IN_STATEMENT  3  /**< in the ledger only (短款) */
#define FW_RECON_AMOUNT_DIFFERS        4  /**< paired, but the amounts differ beyond tolerance */
#define FW_RECON_DUPLICATE             5  /**< a statement line repeating one already matched */
#define FW_RECON_LATE                  6  /**< matched across the CST day boundary */
#define FW_RECON_OUTCOME_COUNT         6

/** Matching rules (the "kind" of a rule in the run options). Pinned values. */
#define FW_RECON_RULE_REFERENCE   1  /**< exact channel reference */
#define FW_RECON_RULE_AMOUNT_DATE 2  /**< amount within tolerance, date window, counterparty */
#define FW_RECON_RULE_ONE_TO_MANY 3  /**< one line against many records (a batch settlement) */
#define FW_RECON_RULE_MANY_TO_ONE 4  /**< many lines against one record */
#define FW_RECON_RULE_FUNDING     5  /**< an incoming line fed to funding's recognition */
#define FW_RECON_RULE_ADJUSTMENT  6  /**< matched by an approved adjustment */

/** Error case states. Pinned values. */
#define FW_RECON_CASE_OPEN                1
#define FW_RECON_CASE_INVESTIGATING       2
#define FW_RECON_CASE_RESOLVED_ADJUSTMENT 3
#define FW_RECON_CASE_RESOLVED_TIMING     4
#define FW_RECON_CASE_WRITTEN_OFF         5

/** Error case kinds: an outcome above, or a fee difference from fw_recon_fee_check(). */
#define FW_RECON_CASE_FEE_DIFFERENCE 7

/** Adjustment states. Pinned values. */
#define FW_RECON_ADJ_PROPOSED 1
#define FW_RECON_ADJ_POSTED   2
#define FW_RECON_ADJ_REJECTED 3

/**
 * Reads the next bytes of a statement into buf (at most size).
 * @return the number of bytes read (> 0), 0 at the end, or a negative value to abort the import
 *         (it fails with FW_EUSER and nothing is kept).
 */
typedef int64_t (*fw_recon_read_fn)(void *payload, uint8_t *buf, size_t size);

/**
 * Imports a statement from a stream, in one transaction.
 *
 * @param ctx       an open context whose actor may import (admin, finance, system).
 * @param[out] out_statement_id the new statement's id.
 * @param read      the reader; called until it returns 0. @param payload passed to it.
 * @param options_json {"format":"csv"|"camt053" (required), "profile":"generic_bank"|
 *        "payment_daily_bill"|a host profile's name (CSV only; default "generic_bank"),
 *        "encoding":"utf-8"|"gb18030" (default: the profile's, else utf-8),
 *        "account":"..." (1..64 bytes; the statement's account, CSV only),
 *        "opening_fen":int, "closing_fen":int (CSV only; default: from the balance column),
 *        "currency":"CNY" (CSV only)}.
 * @param[out] err  optional detail.
 * @return FW_OK; FW_EINVAL for bad options (path "$.field") or a bad file: the message names
 *         the line and column ("line 7, column 3 (amount): ..."), e.g. a truncated file, bytes
 *         that are not valid in the encoding, an amount that is not a decimal number of yuan
 *         with at most two decimals, a missing column; FW_EEXISTS when the same file (by hash)
 *         was imported before (the message names the statement); FW_ENOTFOUND for an unknown
 *         profile; FW_EUSER when the reader aborts; FW_EPERM. On failure nothing is kept.
 */
FW_EXTERN(int) fw_recon_import(fw_ctx *ctx, fw_id *out_statement_id, fw_recon_read_fn read,
                               void *payload, const char *options_json, size_t options_len,
                               fw_error **err);

/**
 * As fw_recon_import(), reading the file at path.
 * @return as fw_recon_import(); FW_EIO when the file cannot be opened or read.
 */
FW_EXTERN(int) fw_recon_import_file(fw_ctx *ctx, fw_id *out_statement_id, const char *path,
                                    const char *options_json, size_t options_len, fw_error **err);

/**
 * A statement as JSON: {"id","format","profile","account","currency","hash","lines",
 * "from_ms","to_ms","opening_fen","closing_fen"(null when unknown),"in_fen","out_fen",
 * "imported_ms","run_id"(the recorded run, or null)}.
 *
 * @return FW_OK; FW_ENOTFOUND; FW_EPERM (platform staff).
 */
FW_EXTERN(int) fw_recon_statement_get(fw_ctx *ctx, fw_id statement_id, char **out_json,
                                      size_t *out_len, fw_error **err);

/**
 * Adds or replaces a host CSV profile.
 *
 * @param json {"name":"[a-z0-9_]{1,32}" (not a shipped name), "delimiter":"," (one byte),
 *        "skip_lines":0..100 (lines before the header), "comment":"#" (optional: lines starting
 *        with it are skipped), "encoding":"utf-8"|"gb18030", "date_format":"YYYY-MM-DD"|
 *        "YYYYMMDD"|"YYYY-MM-DD HH:MM:SS"|"YYYY/MM/DD", "columns":{"date":"header",
 *        "amount":"header" | "credit":"header","debit":"header", "reference", "bank_txn_id",
 *        "counterparty_name", "counterparty_account", "remark", "balance", "direction"},
 *        "direction_out":"借" (the direction column's value for money going out)}.
 *        date and either amount or credit+debit are required.
 * @return FW_OK; FW_EINVAL naming the field; FW_EPERM (admin, finance).
 */
FW_EXTERN(int) fw_recon_profile_set(fw_ctx *ctx, const char *json, size_t json_len, fw_error **err);

/**
 * A profile (shipped or host) as JSON, in the shape fw_recon_profile_set() takes.
 * @return FW_OK; FW_ENOTFOUND; FW_EPERM.
 */
FW_EXTERN(int) fw_recon_profile_get(fw_ctx *ctx, const char *name, char **out_json,
                                    size_t *out_len, fw_error **err);

/**
 * Reconciles a statement against the ledger's bank-clearing account.
 *
 * Ledger records are the posted postings on the platform's bank-clearing account in the
 * statement's currency, effective within the statement's days widened by the largest date
 * window, plus those left missing by earlier runs; records already matched by a recorded run
 * are left out. Rules are tried in order; each pairs what the earlier ones left.
 *
 * @param[out] out  the run; free with fw_recon_free().
 * @param options_json {"dry_run":bool (default false: report without recording anything),
 *        "feed_funding":bool (default true: an incoming line left unmatched is passed to
 *        funding's recognition, fw_funding_notice(), and matched with the entry it books),
 *        "rules":[{"kind":"reference"|"amount_date"|"one_to_many"|"many_to_one",
 *        "tolerance_fen":0.. (absolute), "tolerance_ppm":0..1000000 (relative; the larger of
 *        the two applies), "date_window_days":0..31 (amount_date, and groups by day),
 *        "counterparty":bool (amount_date: the counterparty accounts must be equal),
 *        "group_by":"reference"|"day" (one_to_many, many_to_one)}] (default: reference, then
 *        amount_date with a 1-day window, then one_to_many and many_to_one by reference)}.
 *        NULL means {}. Group by reference: the group's members carry references of the form
 *        "<batch><sep><item>" (sep one of - / : #) and the single side carries "<batch>".
 * The handle reads the statement's lines through ctx when results are listed: free it before
 * the context.
 *
 * @return FW_OK; FW_EINVAL naming the field; FW_ENOTFOUND (no statement); FW_ESTATE when the
 *         statement already has a recorded run; FW_EPERM (admin, finance, system; feeding
 *         funding also needs funding.notice); funding's and the ledger's errors while feeding.
 *         On failure *out is untouched and the store unchanged.
 */
FW_EXTERN(int) fw_recon_run(fw_recon **out, fw_ctx *ctx, fw_id statement_id,
                            const char *options_json, size_t options_len, fw_error **err);

/** The recorded run's id, or 0 for a dry run. */
FW_EXTERN(fw_id) fw_recon_id(const fw_recon *r);

/**
 * Count and sum of one outcome (FW_RECON_*) in the run: lines for statement-side outcomes,
 * records for FW_RECON_MISSING_IN_STATEMENT; sums in fen, signed (money in > 0).
 * @return FW_OK; FW_EINVAL for an unknown outcome or a NULL run.
 */
FW_EXTERN(int) fw_recon_outcome(const fw_recon *r, uint32_t outcome, int64_t *count,
                                int64_t *sum_fen, fw_error **err);

/**
 * The run's summary: {"run_id"|null,"statement_id","dry_run","lines","records",
 * "outcomes":{"matched":{"count","sum_fen"},...},"funding_fed":int,
 * "balance":{"opening_fen","movements_fen","closing_fen","statement_consistent":bool|null,
 * "ledger_opening_fen","ledger_fen" (bank clearing at the statement's start and end),
 * "difference_fen" (closing - ledger),"opening_difference_fen","explained_fen" (by the unmatched
 * and differing items),"unexplained_fen"},"cases_opened":int,"cases_resolved_timing":int}.
 * @return FW_OK; FW_EINVAL; FW_ENOMEM.
 */
FW_EXTERN(int) fw_recon_summary(const fw_recon *r, char **out_json, size_t *out_len,
                                fw_error **err);

/**
 * The run's results, one item per statement line and per unmatched ledger record, in line
 * order then record order: {"results":[{"outcome":"matched"|...,"rule":"reference"|...|null,
 * "line":{"id","seq","booked_ms","amount_fen","reference","bank_txn_id"}|null,"entry_ids":[...],
 * "ledger_fen":int|null,"difference_fen":int,"group":int|null}],"total":int}.
 *
 * @param outcome FW_RECON_* to filter, or 0 for all. @param offset, limit paging (limit 1..10000).
 * @return FW_OK; FW_EINVAL.
 */
FW_EXTERN(int) fw_recon_results(const fw_recon *r, uint32_t outcome, size_t offset, size_t limit,
                                char **out_json, size_t *out_len, fw_error **err);

/** Frees a run. NULL is allowed. */
FW_EXTERN(void) fw_recon_free(fw_recon *r);

/**
 * A recorded run's summary (as fw_recon_summary()).
 * @return FW_OK; FW_ENOTFOUND; FW_EPERM.
 */
FW_EXTERN(int) fw_recon_run_get(fw_ctx *ctx, fw_id run_id, char **out_json, size_t *out_len,
                                fw_error **err);

/**
 * An error case with its history and adjustments: {"id","run_id"|null,"kind":"missing_in_ledger"|
 * ...|"fee_difference","state":"open"|"investigating"|"resolved_adjustment"|"resolved_timing"|
 * "written_off","amount_fen","line_id"|null,"entry_id"|null,"enterprise_id"|null,"summary",
 * "created_ms","events":[{"at_ms","actor","role","action","from","to","note"}],
 * "adjustments":[{"id","state","proposed_by","approved_by","entry_id","postings":[...]}]}.
 * @return FW_OK; FW_ENOTFOUND; FW_EPERM.
 */
FW_EXTERN(int) fw_recon_case_get(fw_ctx *ctx, fw_id case_id, char **out_json, size_t *out_len,
                                 fw_error **err);

/**
 * Error cases, newest first.
 * @param query_json {"state":"open"|..., "run_id":int, "limit":1..1000 (100), "before_id":int};
 *        NULL means {}.
 * @param[out] out_json {"cases":[...without events...],"next_before_id":int|null}.
 * @return FW_OK; FW_EINVAL naming the field; FW_EPERM.
 */
FW_EXTERN(int) fw_recon_case_list(fw_ctx *ctx, const char *query_json, size_t query_len,
                                  char **out_json, size_t *out_len, fw_error **err);

/**
 * Works on an error case (R-7.9.c).
 * @param json {"action":"investigate"|"note"|"resolve_timing"|"write_off", "note":"..."
 *        (1..1000 bytes; required except for investigate)}. open -> investigating ->
 *        resolved_timing | written_off; resolve_timing and write_off also from open.
 * @return FW_OK; FW_EINVAL naming the field; FW_ENOTFOUND; FW_ESTATE (the case is resolved, or
 *         the action does not apply to its state); FW_EPERM (admin, operator, finance).
 */
FW_EXTERN(int) fw_recon_case_act(fw_ctx *ctx, fw_id case_id, const char *json, size_t json_len,
                                 fw_error **err);

/**
 * Proposes an adjustment (调账) for an open or investigating case (R-7.9.d): a journal entry
 * that is posted only when another person approves it.
 *
 * @param[out] out_id the adjustment's id.
 * @param json {"idempotency_key":"..." (1..255), "reason":"recon.adjust..." (a ledger reason
 *        code; default "recon.adjust"), "memo":"..." (optional), "postings":[{"account_id",
 *        "debit_fen"|"credit_fen"}] (2..100, balanced)}.
 * @return FW_OK; FW_EINVAL naming the field (unbalanced postings, unknown account);
 *         FW_ENOTFOUND; FW_ESTATE (case resolved, or it has a proposal waiting); FW_ECONFLICT
 *         (key reused with a different request); FW_EPERM (admin, operator, finance; the actor
 *         must have a name).
 */
FW_EXTERN(int) fw_recon_adjust_propose(fw_ctx *ctx, fw_id *out_id, fw_id case_id,
                                       const char *json, size_t json_len, fw_error **err);

/**
 * Approves a proposed adjustment: posts its entry through the ledger (ref_kind "recon_case")
 * and resolves the case by adjustment. Four eyes: the approver's name must differ from the
 * proposer's.
 *
 * @param note optional (<= 1000 bytes). @param[out] out_entry_id the posted entry (may be NULL).
 * @return FW_OK; FW_ENOTFOUND; FW_ESTATE (not proposed any more); FW_EDENIED when the approver
 *         is the proposer; FW_EFUNDS / FW_ECLOSED from the ledger; FW_EPERM (admin, finance;
 *         named actor). On failure nothing is changed.
 */
FW_EXTERN(int) fw_recon_adjust_approve(fw_ctx *ctx, fw_id adjustment_id, const char *note,
                                       fw_id *out_entry_id, fw_error **err);

/**
 * Rejects a proposed adjustment (the case stays as it was).
 * @param note the reason, 1..1000 bytes.
 * @return FW_OK; FW_EINVAL; FW_ENOTFOUND; FW_ESTATE; FW_EPERM (admin, finance).
 */
FW_EXTERN(int) fw_recon_adjust_reject(fw_ctx *ctx, fw_id adjustment_id, const char *note,
                                      fw_error **err);

/** Flag of fw_recon_fee_check(): open an error case for each difference found. */
#define FW_RECON_FEE_OPEN_CASES 0x1u

/**
 * Service-fee check (R-7.9.b): recomputes every fee booked with effective time in
 * [from_ms, to_ms) from the fee schedule in force when it was charged (of the versions valid on
 * the entry's date, the newest that existed when the entry was written), and compares.
 *
 * @param enterprise_id one enterprise, or 0 for all.
 * @param[out] out_json {"from_ms","to_ms","checked":int,"booked_fen","expected_fen",
 *        "differences":[{"entry_id","enterprise_id","charged_at","effective_ms","base_fen",
 *        "volume_before_fen","booked":{"fee_fen","reason","entry_id"},"recomputed":{...the
 *        fee calculator's breakdown...}|null,"schedule":{"id","version"}|null,"expected_fen",
 *        "difference_fen" (booked - expected),
 *        "note","case_id"|null}]}.
 * @return FW_OK; FW_EINVAL (from after to, unknown flags); FW_EPERM (admin, finance, auditor,
 *         system; FW_RECON_FEE_OPEN_CASES not for the auditor).
 */
FW_EXTERN(int) fw_recon_fee_check(fw_ctx *ctx, int64_t from_ms, int64_t to_ms,
                                  fw_id enterprise_id, uint32_t flags, char **out_json,
                                  size_t *out_len, fw_error **err);

/** Reconciliation file formats. */
#define FW_RECON_FILE_CSV  1
#define FW_RECON_FILE_JSON 2

/**
 * An enterprise's reconciliation file for a CST day ("2026-03-15") or month ("2026-03")
 * (R-7.9.a): every movement on its accounts in sections orders, fees, taxes, funding, other,
 * and per account the balance movement (opening, debits, credits, closing).
 *
 * JSON: {"enterprise_id","period","from_ms","to_ms","items":[{"section","entry_id",
 * "effective_ms","date","reason","ref_kind","ref_id","account_id","account_type","amount_fen"
 * (on the account's normal side: + increases it)}],"totals":{"orders_fen",...},
 * "balances":[{"account_id","account_type","opening_fen","debits_fen","credits_fen",
 * "closing_fen"}]}.
 * CSV: section,date,entry_id,reason,ref_kind,ref_id,account_id,account_type,amount,opening,closing
 * (amounts in yuan): one row per item, then one "balance" row per account whose amount is the
 * period's net movement and whose opening and closing columns are filled.
 *
 * @return FW_OK; FW_EINVAL (period, format); FW_EPERM (an enterprise user gets only its own).
 */
FW_EXTERN(int) fw_recon_file(fw_ctx *ctx, fw_id enterprise_id, const char *period,
                             uint32_t format, char **out_text, size_t *out_len, fw_error **err);

/**
 * Which reconciliation files a month has for an enterprise: {"enterprise_id","month",
 * "days":[{"date":"2026-03-15","entries":int,"in_fen","out_fen"}]}.
 * @return FW_OK; FW_EINVAL; FW_EPERM (an enterprise user gets only its own).
 */
FW_EXTERN(int) fw_recon_file_index(fw_ctx *ctx, fw_id enterprise_id, const char *month,
                                   char **out_json, size_t *out_len, fw_error **err);

FW_END_DECL
#endif
