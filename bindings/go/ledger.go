package flexwork

/*
#include <stdlib.h>
#include <flexwork.h>
*/
import "C"

import (
	"runtime"
	"unsafe"
)

// Constants of include/flexwork/ledger.h. Values are pinned.
const (
	LedgerOwnerPlatform              = C.FW_LEDGER_OWNER_PLATFORM
	LedgerOwnerEnterprise            = C.FW_LEDGER_OWNER_ENTERPRISE
	LedgerOwnerWorker                = C.FW_LEDGER_OWNER_WORKER
	AcctEnterpriseFunds              = C.FW_ACCT_ENTERPRISE_FUNDS
	AcctWorkerPayable                = C.FW_ACCT_WORKER_PAYABLE
	AcctFeeRevenue                   = C.FW_ACCT_FEE_REVENUE
	AcctFeeReceivable                = C.FW_ACCT_FEE_RECEIVABLE
	AcctIITWithheld                  = C.FW_ACCT_IIT_WITHHELD
	AcctVATPayable                   = C.FW_ACCT_VAT_PAYABLE
	AcctSurchargesPayable            = C.FW_ACCT_SURCHARGES_PAYABLE
	AcctBankClearing                 = C.FW_ACCT_BANK_CLEARING
	AcctSuspense                     = C.FW_ACCT_SUSPENSE
	AcctInsurancePayable             = C.FW_ACCT_INSURANCE_PAYABLE
	AcctPayoutClearing               = C.FW_ACCT_PAYOUT_CLEARING
	AcctFeeDeferred                  = C.FW_ACCT_FEE_DEFERRED
	LedgerDebit                      = C.FW_LEDGER_DEBIT
	LedgerCredit                     = C.FW_LEDGER_CREDIT
	LedgerDebitsMustNotExceedCredits = C.FW_LEDGER_DEBITS_MUST_NOT_EXCEED_CREDITS
	LedgerCreditsMustNotExceedDebits = C.FW_LEDGER_CREDITS_MUST_NOT_EXCEED_DEBITS
	LedgerAccountOpen                = C.FW_LEDGER_ACCOUNT_OPEN
	LedgerAccountClosed              = C.FW_LEDGER_ACCOUNT_CLOSED
	LedgerEntryPosted                = C.FW_LEDGER_ENTRY_POSTED
	LedgerEntryHold                  = C.FW_LEDGER_ENTRY_HOLD
	LedgerEntryPost                  = C.FW_LEDGER_ENTRY_POST
	LedgerEntryVoid                  = C.FW_LEDGER_ENTRY_VOID
	LedgerEntryExpire                = C.FW_LEDGER_ENTRY_EXPIRE
	LedgerEntryReversal              = C.FW_LEDGER_ENTRY_REVERSAL
	LedgerHoldPending                = C.FW_LEDGER_HOLD_PENDING
	LedgerHoldPosted                 = C.FW_LEDGER_HOLD_POSTED
	LedgerHoldVoided                 = C.FW_LEDGER_HOLD_VOIDED
	LedgerAmountFull                 = C.FW_LEDGER_AMOUNT_FULL // LedgerHoldPost: post the whole hold
	LedgerHoldExpired                = C.FW_LEDGER_HOLD_EXPIRED
	LedgerBatchAtomic                = C.FW_LEDGER_BATCH_ATOMIC
	LedgerExportCSV                  = C.FW_LEDGER_EXPORT_CSV
	LedgerExportLedger               = C.FW_LEDGER_EXPORT_LEDGER
)

// LedgerAccountOpen binds fw_ledger_account_open: opens an account. Errors: ErrInvalid naming
// the field; ErrExists when the owner already has an account of that type and currency (the
// message names its id); ErrPerm.
func (c *Context) LedgerAccountOpen(record interface{}) (int64, error) {
	h, err := c.handle()
	if err != nil {
		return 0, err
	}
	var out C.fw_id
	recordText, recordLen, err := jsonIn(record)
	if err != nil {
		return 0, err
	}
	defer C.free(unsafe.Pointer(recordText))
	var e *C.fw_error
	rc := C.fw_ledger_account_open(h, &out, recordText, recordLen, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return 0, err
	}
	return int64(out), nil
}

// LedgerOpenPartyAccounts binds fw_ledger_open_party_accounts: opens the accounts a party needs
// once it becomes active: an enterprise gets enterprise_funds and fee_receivable, a worker
// worker_payable (CNY). Idempotent: accounts already open are kept. Errors: ErrInvalid for a
// bad kind or id; ErrState when one of them is closed; ErrPerm.
func (c *Context) LedgerOpenPartyAccounts(ownerKind uint32, ownerID int64) error {
	h, err := c.handle()
	if err != nil {
		return err
	}
	var e *C.fw_error
	rc := C.fw_ledger_open_party_accounts(h, C.uint32_t(ownerKind), C.fw_id(ownerID), &e)
	runtime.KeepAlive(c)
	return check(rc, e)
}

// LedgerAccountFind binds fw_ledger_account_find: finds an account by owner, type and currency.
// Errors: ErrNotFound; ErrInvalid; ErrPerm.
func (c *Context) LedgerAccountFind(ownerKind uint32, ownerID int64, typ uint32, currency string) (int64, error) {
	h, err := c.handle()
	if err != nil {
		return 0, err
	}
	var out C.fw_id
	cCurrency := cOptText(currency)
	defer free(cCurrency)
	var e *C.fw_error
	rc := C.fw_ledger_account_find(h, &out, C.uint32_t(ownerKind), C.fw_id(ownerID), C.uint32_t(typ), cCurrency, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return 0, err
	}
	return int64(out), nil
}

// LedgerAccountClose binds fw_ledger_account_close: closes an account. Only an account whose
// posted and pending balances are all zero closes. Errors: ErrNotFound; ErrState when it is
// already closed or not at zero (the message gives the balances); ErrPerm.
func (c *Context) LedgerAccountClose(accountID int64) error {
	h, err := c.handle()
	if err != nil {
		return err
	}
	var e *C.fw_error
	rc := C.fw_ledger_account_close(h, C.fw_id(accountID), &e)
	runtime.KeepAlive(c)
	return check(rc, e)
}

// LedgerAccountGet binds fw_ledger_account_get: an account as JSON:
// {"id","owner_kind","owner_id","type","type_code","currency",
// "normal_side":"debit"|"credit","flags":[...],"state":"open"|"closed","debits_posted_fen",
// "credits_posted_fen","debits_pending_fen","credits_pending_fen","posted_fen","pending_fen",
// "available_fen","postings"}. Errors: ErrNotFound;
// ErrPerm (an enterprise user or worker sees only their own).
func (c *Context) LedgerAccountGet(accountID int64) ([]byte, error) {
	h, err := c.handle()
	if err != nil {
		return nil, err
	}
	var out outText
	var e *C.fw_error
	rc := C.fw_ledger_account_get(h, C.fw_id(accountID), &out.p, &out.n, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	return out.take(), nil
}

// LedgerBalance binds fw_ledger_balance: balances of an account on its normal side, O(1).
// posted: posted credits minus posted debits (credit-normal) or the reverse (debit-normal).
// pending: posted plus every pending hold in either direction. available: posted minus the
// pending holds that would reduce it. Errors: ErrNotFound;
// ErrPerm.
func (c *Context) LedgerBalance(accountID int64) (int64, int64, int64, error) {
	h, err := c.handle()
	if err != nil {
		return 0, 0, 0, err
	}
	var posted C.int64_t
	var pending C.int64_t
	var available C.int64_t
	var e *C.fw_error
	rc := C.fw_ledger_balance(h, C.fw_id(accountID), &posted, &pending, &available, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return 0, 0, 0, err
	}
	return int64(posted), int64(pending), int64(available), nil
}

// LedgerBalanceAt binds fw_ledger_balance_at: the posted balance of an account as of an instant
// (by effective time): the postings whose effective time is at or before at_ms. Errors:
// ErrNotFound; ErrPerm.
func (c *Context) LedgerBalanceAt(accountID int64, atMs int64) (int64, error) {
	h, err := c.handle()
	if err != nil {
		return 0, err
	}
	var out C.int64_t
	var e *C.fw_error
	rc := C.fw_ledger_balance_at(h, C.fw_id(accountID), C.int64_t(atMs), &out, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return 0, err
	}
	return int64(out), nil
}

// LedgerTransfer binds fw_ledger_transfer: moves amount_fen from one account to another in one
// posted entry: debits debit_account, credits credit_account. The hot path's typed entry point.
// Errors: ErrInvalid (amount <= 0, same account, currencies differ, bad reason or key);
// ErrNotFound (an account); ErrState (an account is closed); ErrFunds (a flag's limit);
// ErrOverflow (a balance would leave int64); ErrClosed (the period is closed); ErrConflict (key
// reused); ErrPerm. On failure nothing is changed.
func (c *Context) LedgerTransfer(debitAccount int64, creditAccount int64, amountFen int64, reason string, idemKey string) (int64, error) {
	h, err := c.handle()
	if err != nil {
		return 0, err
	}
	var out C.fw_id
	cReason := cText(reason)
	defer free(cReason)
	cIdemKey := cText(idemKey)
	defer free(cIdemKey)
	var e *C.fw_error
	rc := C.fw_ledger_transfer(h, &out, C.fw_id(debitAccount), C.fw_id(creditAccount), C.int64_t(amountFen), cReason, cIdemKey, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return 0, err
	}
	return int64(out), nil
}

// LedgerTransferItem is one transfer of a batch (fw_ledger_transfer_item).
type LedgerTransferItem struct {
	DebitAccount  int64
	CreditAccount int64
	AmountFen     int64
	Reason        string
	IdemKey       string
}

// LedgerTransferBatch binds fw_ledger_transfer_batch: runs the transfers in one transaction
// (one fsync), each with LedgerTransfer's rules and idempotency, and one audit record for the
// batch. Without LedgerBatchAtomic each transfer has its own outcome: entryIDs[i] is its entry
// (0 when it failed) and codes[i] its code (0 or a Code* value). With LedgerBatchAtomic the
// first failure undoes the whole batch and is returned, with the item's index in the path
// ("$[17].amount_fen"). Errors: ErrInvalid; the first item's failure with LedgerBatchAtomic;
// ErrPerm.
func (c *Context) LedgerTransferBatch(items []LedgerTransferItem, flags uint32) (entryIDs []int64, codes []int, err error) {
	h, err := c.handle()
	if err != nil {
		return nil, nil, err
	}
	n := len(items)
	size := n
	if size == 0 {
		size = 1
	}
	array := (*C.fw_ledger_transfer_item)(C.calloc(C.size_t(size), C.sizeof_fw_ledger_transfer_item))
	ids := (*C.fw_id)(C.calloc(C.size_t(size), C.sizeof_fw_id))
	rcs := (*C.int)(C.calloc(C.size_t(size), C.sizeof_int))
	defer C.free(unsafe.Pointer(array))
	defer C.free(unsafe.Pointer(ids))
	defer C.free(unsafe.Pointer(rcs))
	cItems := unsafe.Slice(array, size)
	for i, it := range items {
		cItems[i].debit_account = C.fw_id(it.DebitAccount)
		cItems[i].credit_account = C.fw_id(it.CreditAccount)
		cItems[i].amount_fen = C.int64_t(it.AmountFen)
		cItems[i].reason = cText(it.Reason)
		cItems[i].idem_key = cText(it.IdemKey)
	}
	defer func() {
		for i := 0; i < n; i++ {
			free(cItems[i].reason)
			free(cItems[i].idem_key)
		}
	}()
	var e *C.fw_error
	rc := C.fw_ledger_transfer_batch(h, array, C.size_t(n), C.uint32_t(flags), ids, rcs, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return nil, nil, err
	}
	entryIDs = make([]int64, n)
	codes = make([]int, n)
	goIDs, goRcs := unsafe.Slice(ids, size), unsafe.Slice(rcs, size)
	for i := 0; i < n; i++ {
		entryIDs[i] = int64(goIDs[i])
		codes[i] = int(goRcs[i])
	}
	return entryIDs, codes, nil
}

// LedgerEntryPost binds fw_ledger_entry_post: posts a journal entry of two or more postings.
// Errors: as fw_ledger_transfer(); ErrInvalid "$.postings: ..." when unbalanced.
func (c *Context) LedgerEntryPost(record interface{}) (int64, error) {
	h, err := c.handle()
	if err != nil {
		return 0, err
	}
	var out C.fw_id
	recordText, recordLen, err := jsonIn(record)
	if err != nil {
		return 0, err
	}
	defer C.free(unsafe.Pointer(recordText))
	var e *C.fw_error
	rc := C.fw_ledger_entry_post(h, &out, recordText, recordLen, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return 0, err
	}
	return int64(out), nil
}

// LedgerEntryReverse binds fw_ledger_entry_reverse: reverses a posted entry (ordinary, hold
// post or reversal) with a new entry of the opposite postings, linked to it. An entry is
// reversed at most once. Errors: ErrNotFound; ErrState (already reversed, or not a posted
// entry); ErrFunds when the reversal would break an account's limit; ErrClosed; ErrConflict;
// ErrPerm.
func (c *Context) LedgerEntryReverse(entryID int64, reason string, idemKey string) (int64, error) {
	h, err := c.handle()
	if err != nil {
		return 0, err
	}
	var out C.fw_id
	cReason := cText(reason)
	defer free(cReason)
	cIdemKey := cText(idemKey)
	defer free(cIdemKey)
	var e *C.fw_error
	rc := C.fw_ledger_entry_reverse(h, &out, C.fw_id(entryID), cReason, cIdemKey, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return 0, err
	}
	return int64(out), nil
}

// LedgerEntryGet binds fw_ledger_entry_get: an entry as JSON:
// {"id","kind","reason","effective_ms","created_ms","related_id","ref_kind",
// "ref_id","memo","postings":[{"account_id","debit_fen"|"credit_fen","pending"}]}. Errors:
// ErrNotFound; ErrPerm.
func (c *Context) LedgerEntryGet(entryID int64) ([]byte, error) {
	h, err := c.handle()
	if err != nil {
		return nil, err
	}
	var out outText
	var e *C.fw_error
	rc := C.fw_ledger_entry_get(h, C.fw_id(entryID), &out.p, &out.n, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	return out.take(), nil
}

// LedgerEntries binds fw_ledger_entries: entries, newest first (R-7.5.e). Errors: ErrInvalid
// naming the field; ErrPerm (an enterprise user or worker must name its own owner).
func (c *Context) LedgerEntries(query interface{}) ([]byte, error) {
	h, err := c.handle()
	if err != nil {
		return nil, err
	}
	var queryText *C.char
	var queryLen C.size_t
	if query != nil {
		var err error
		queryText, queryLen, err = jsonIn(query)
		if err != nil {
			return nil, err
		}
		defer C.free(unsafe.Pointer(queryText))
	}
	var out outText
	var e *C.fw_error
	rc := C.fw_ledger_entries(h, queryText, queryLen, &out.p, &out.n, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	return out.take(), nil
}

// LedgerHold binds fw_ledger_hold: places a hold: the first phase of a two-phase transfer. The
// amount counts against the debit account's available balance until the hold is posted, voided
// or expires. Errors: as fw_ledger_transfer().
func (c *Context) LedgerHold(debitAccount int64, creditAccount int64, amountFen int64, expiresMs int64, reason string, idemKey string) (int64, error) {
	h, err := c.handle()
	if err != nil {
		return 0, err
	}
	var out C.fw_id
	cReason := cText(reason)
	defer free(cReason)
	cIdemKey := cText(idemKey)
	defer free(cIdemKey)
	var e *C.fw_error
	rc := C.fw_ledger_hold(h, &out, C.fw_id(debitAccount), C.fw_id(creditAccount), C.int64_t(amountFen), C.int64_t(expiresMs), cReason, cIdemKey, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return 0, err
	}
	return int64(out), nil
}

// LedgerHoldPost binds fw_ledger_hold_post: posts a hold, in full (LedgerAmountFull) or in
// part (0 < amount <= held); the rest is released. Errors: ErrNotFound; ErrState (already
// posted, voided or expired; the message says which); ErrInvalid (amount beyond the hold);
// ErrConflict; ErrPerm.
func (c *Context) LedgerHoldPost(holdID int64, amountFen int64, idemKey string) (int64, error) {
	h, err := c.handle()
	if err != nil {
		return 0, err
	}
	var out C.fw_id
	cIdemKey := cText(idemKey)
	defer free(cIdemKey)
	var e *C.fw_error
	rc := C.fw_ledger_hold_post(h, &out, C.fw_id(holdID), C.int64_t(amountFen), cIdemKey, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return 0, err
	}
	return int64(out), nil
}

// LedgerHoldVoid binds fw_ledger_hold_void: voids a hold, releasing its amount. Errors:
// ErrNotFound; ErrState (already posted, voided or expired); ErrConflict; ErrPerm.
func (c *Context) LedgerHoldVoid(holdID int64, idemKey string) error {
	h, err := c.handle()
	if err != nil {
		return err
	}
	cIdemKey := cText(idemKey)
	defer free(cIdemKey)
	var e *C.fw_error
	rc := C.fw_ledger_hold_void(h, C.fw_id(holdID), cIdemKey, &e)
	runtime.KeepAlive(c)
	return check(rc, e)
}

// LedgerExpireHolds binds fw_ledger_expire_holds: voids every pending hold whose expiry is at
// or before now_ms (a sweep for a scheduled job). Errors: ErrPerm.
func (c *Context) LedgerExpireHolds(nowMs int64) (int64, error) {
	h, err := c.handle()
	if err != nil {
		return 0, err
	}
	var out C.int64_t
	var e *C.fw_error
	rc := C.fw_ledger_expire_holds(h, C.int64_t(nowMs), &out, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return 0, err
	}
	return int64(out), nil
}

// LedgerTrialBalance binds fw_ledger_trial_balance: the trial balance: per currency the sum of
// posted debits and credits over all accounts, and whether each account's stored balances equal
// the sum of its postings. Errors: ErrPerm.
func (c *Context) LedgerTrialBalance() ([]byte, error) {
	h, err := c.handle()
	if err != nil {
		return nil, err
	}
	var out outText
	var e *C.fw_error
	rc := C.fw_ledger_trial_balance(h, &out.p, &out.n, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	return out.take(), nil
}

// LedgerPeriodClose binds fw_ledger_period_close: closes an accounting period (a CST month,
// "2026-03"): entries may no longer be dated into it (ErrClosed), and a BLAKE2b hash over its
// entries and the previous closed period's hash seals it. Errors: ErrInvalid (bad month, or a
// month not yet over); ErrState (already closed); ErrPerm.
func (c *Context) LedgerPeriodClose(month string) ([]byte, error) {
	h, err := c.handle()
	if err != nil {
		return nil, err
	}
	cMonth := cText(month)
	defer free(cMonth)
	var out outText
	var e *C.fw_error
	rc := C.fw_ledger_period_close(h, cMonth, &out.p, &out.n, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	return out.take(), nil
}

// LedgerPeriodReopen binds fw_ledger_period_reopen: reopens a closed period: an audited
// administrator's act with a reason (1..500 bytes). Errors: ErrState (not closed); ErrInvalid;
// ErrPerm (only the platform admin).
func (c *Context) LedgerPeriodReopen(month string, reason string) error {
	h, err := c.handle()
	if err != nil {
		return err
	}
	cMonth := cText(month)
	defer free(cMonth)
	cReason := cText(reason)
	defer free(cReason)
	var e *C.fw_error
	rc := C.fw_ledger_period_reopen(h, cMonth, cReason, &e)
	runtime.KeepAlive(c)
	return check(rc, e)
}

// LedgerPeriodVerify binds fw_ledger_period_verify: recomputes a closed period's hash and
// compares it with the sealed one. Errors: ErrCorrupt when they differ; ErrState when the
// period is not closed; ErrPerm.
func (c *Context) LedgerPeriodVerify(month string) error {
	h, err := c.handle()
	if err != nil {
		return err
	}
	cMonth := cText(month)
	defer free(cMonth)
	var e *C.fw_error
	rc := C.fw_ledger_period_verify(h, cMonth, &e)
	runtime.KeepAlive(c)
	return check(rc, e)
}

// LedgerWorkerIncome binds fw_ledger_worker_income: income accounting per worker (R-7.5.c):
// what was credited to and debited from the worker's payable account with effective time in
// [from_ms, to_ms). Errors: ErrNotFound (no account for the worker); ErrInvalid; ErrPerm (a
// worker sees only their own).
func (c *Context) LedgerWorkerIncome(workerID int64, fromMs int64, toMs int64) ([]byte, error) {
	h, err := c.handle()
	if err != nil {
		return nil, err
	}
	var out outText
	var e *C.fw_error
	rc := C.fw_ledger_worker_income(h, C.fw_id(workerID), C.int64_t(fromMs), C.int64_t(toMs), &out.p, &out.n, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	return out.take(), nil
}

// LedgerExport binds fw_ledger_export: exports the posted journal with effective time in
// [from_ms, to_ms), ordered by effective time and id, so that an independent tool recomputes
// the same balances. Accounts are named by the chart-of-accounts mapping (fw_ledger_coa_set()):
// "<class>:<code> <name>:<owner>", class one of assets, liabilities, revenues; owner
// "platform", "enterprise-12" or "worker-7". Amounts are "CNY 1234.56", debits positive. Holds
// (pending) are not in the journal. CSV columns:
// entry_id,date,effective_ms,kind,reason,ref_kind,ref_id,account_id,account_code,
// account_name,owner_kind,owner_id,currency,debit,credit (date in CST, amounts in yuan).
// Errors: ErrInvalid (format, or from after to); ErrPerm (readers of the whole ledger).
func (c *Context) LedgerExport(format uint32, fromMs int64, toMs int64) (string, error) {
	h, err := c.handle()
	if err != nil {
		return "", err
	}
	var out outText
	var e *C.fw_error
	rc := C.fw_ledger_export(h, C.uint32_t(format), C.int64_t(fromMs), C.int64_t(toMs), &out.p, &out.n, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return "", err
	}
	return string(out.take()), nil
}

// LedgerCOASet binds fw_ledger_coa_set: sets the ledger code and name of an account type in the
// platform's books, e.g. {"type":"fee_revenue","code":"6051.01","name":"其他业务收入-服务费"}. Code
// 1..32 bytes of digits and dots; name 1..100 bytes without tabs, ';', ':' or two spaces in a
// row. Errors: ErrInvalid naming the field; ErrPerm (admin, finance).
func (c *Context) LedgerCOASet(record interface{}) error {
	h, err := c.handle()
	if err != nil {
		return err
	}
	recordText, recordLen, err := jsonIn(record)
	if err != nil {
		return err
	}
	defer C.free(unsafe.Pointer(recordText))
	var e *C.fw_error
	rc := C.fw_ledger_coa_set(h, recordText, recordLen, &e)
	runtime.KeepAlive(c)
	return check(rc, e)
}

// LedgerCOAGet binds fw_ledger_coa_get: the chart-of-accounts mapping:
// {"accounts":[{"type","type_code","code","name","normal_side"}]}. Errors: ErrPerm.
func (c *Context) LedgerCOAGet() ([]byte, error) {
	h, err := c.handle()
	if err != nil {
		return nil, err
	}
	var out outText
	var e *C.fw_error
	rc := C.fw_ledger_coa_get(h, &out.p, &out.n, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	return out.take(), nil
}
