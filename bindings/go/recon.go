package flexwork

/*
#include "bridge.h"
*/
import "C"

import (
	"io"
	"runtime"
	"runtime/cgo"
	"unsafe"
)

// Constants of include/flexwork/recon.h. Values are pinned.
const (
	ReconMatched                = C.FW_RECON_MATCHED
	ReconMissingInLedger        = C.FW_RECON_MISSING_IN_LEDGER
	ReconMissingInStatement     = C.FW_RECON_MISSING_IN_STATEMENT
	ReconAmountDiffers          = C.FW_RECON_AMOUNT_DIFFERS
	ReconDuplicate              = C.FW_RECON_DUPLICATE
	ReconLate                   = C.FW_RECON_LATE
	ReconOutcomeCount           = C.FW_RECON_OUTCOME_COUNT
	ReconRuleReference          = C.FW_RECON_RULE_REFERENCE
	ReconRuleAmountDate         = C.FW_RECON_RULE_AMOUNT_DATE
	ReconRuleOneToMany          = C.FW_RECON_RULE_ONE_TO_MANY
	ReconRuleManyToOne          = C.FW_RECON_RULE_MANY_TO_ONE
	ReconRuleFunding            = C.FW_RECON_RULE_FUNDING
	ReconRuleAdjustment         = C.FW_RECON_RULE_ADJUSTMENT
	ReconCaseOpen               = C.FW_RECON_CASE_OPEN
	ReconCaseInvestigating      = C.FW_RECON_CASE_INVESTIGATING
	ReconCaseResolvedAdjustment = C.FW_RECON_CASE_RESOLVED_ADJUSTMENT
	ReconCaseResolvedTiming     = C.FW_RECON_CASE_RESOLVED_TIMING
	ReconCaseWrittenOff         = C.FW_RECON_CASE_WRITTEN_OFF
	ReconCaseFeeDifference      = C.FW_RECON_CASE_FEE_DIFFERENCE
	ReconAdjProposed            = C.FW_RECON_ADJ_PROPOSED
	ReconAdjPosted              = C.FW_RECON_ADJ_POSTED
	ReconAdjRejected            = C.FW_RECON_ADJ_REJECTED
	ReconFeeOpenCases           = C.FW_RECON_FEE_OPEN_CASES
	ReconFileCSV                = C.FW_RECON_FILE_CSV
	ReconFileJSON               = C.FW_RECON_FILE_JSON
)

// Recon is one reconciliation run over one statement (fw_recon), from ReconRun. It reads the
// statement's lines through its Context when results are listed: it keeps the Context
// reachable and returns ErrState once the Context is closed. Close frees it; a finalizer frees
// one that becomes unreachable. After Close ID returns 0 and the other calls ErrState.
type Recon struct {
	p   *C.fw_recon
	ctx *Context
}

// Close frees the run (fw_recon_free). It is idempotent and returns nil.
func (x *Recon) Close() error {
	if x.p != nil {
		C.fw_recon_free(x.p)
		x.p = nil
		runtime.SetFinalizer(x, nil)
	}
	return nil
}

func (x *Recon) handle() (*C.fw_recon, error) {
	if x == nil || x.p == nil {
		return nil, &Error{Code: CodeState, Message: "the reconciliation run is closed"}
	}
	if _, err := x.ctx.handle(); err != nil {
		return nil, err
	}
	return x.p, nil
}

// ReconRun binds fw_recon_run: reconciles a statement against the ledger's bank-clearing
// account; options {"dry_run", "feed_funding", "rules":[...]} (docs/api/recon.md), nil for {}.
// Errors: ErrInvalid naming the field; ErrNotFound (no statement); ErrState when the statement
// already has a recorded run; ErrPerm; funding's and the ledger's errors while feeding.
func (c *Context) ReconRun(statementID int64, options interface{}) (*Recon, error) {
	h, err := c.handle()
	if err != nil {
		return nil, err
	}
	text, n, err := jsonIn(options)
	if err != nil {
		return nil, err
	}
	defer C.free(unsafe.Pointer(text))
	var p *C.fw_recon
	var e *C.fw_error
	rc := C.fw_recon_run(&p, h, C.fw_id(statementID), text, n, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	x := &Recon{p: p, ctx: c}
	runtime.SetFinalizer(x, (*Recon).Close)
	return x, nil
}

// ReconImport binds fw_recon_import: imports a statement read from r, in one transaction, and
// returns its id; options {"format":"csv"|"camt053", "profile", "encoding", "account",
// "opening_fen", "closing_fen", "currency"} (docs/api/recon.md). Errors: ErrInvalid for bad
// options (path "$.field") or a bad file (the message names the line and column); ErrExists
// when the same file was imported before; ErrNotFound for an unknown profile; ErrUser when r
// fails (nothing is kept); ErrPerm.
func (c *Context) ReconImport(r io.Reader, options interface{}) (int64, error) {
	h, err := c.handle()
	if err != nil {
		return 0, err
	}
	text, n, err := jsonIn(options)
	if err != nil {
		return 0, err
	}
	defer C.free(unsafe.Pointer(text))
	reader := cgo.NewHandle(r)
	defer reader.Delete()
	var out C.fw_id
	var e *C.fw_error
	rc := C.fwgo_recon_import(h, &out, C.uintptr_t(reader), text, n, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return 0, err
	}
	return int64(out), nil
}

// ReconImportFile binds fw_recon_import_file: as fw_recon_import(), reading the file at path.
// Errors: as fw_recon_import(); ErrIO when the file cannot be opened or read.
func (c *Context) ReconImportFile(path string, options interface{}) (int64, error) {
	h, err := c.handle()
	if err != nil {
		return 0, err
	}
	var out C.fw_id
	cPath := cText(path)
	defer free(cPath)
	optionsText, optionsLen, err := jsonIn(options)
	if err != nil {
		return 0, err
	}
	defer C.free(unsafe.Pointer(optionsText))
	var e *C.fw_error
	rc := C.fw_recon_import_file(h, &out, cPath, optionsText, optionsLen, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return 0, err
	}
	return int64(out), nil
}

// ReconStatementGet binds fw_recon_statement_get: A statement as JSON:
// {"id","format","profile","account","currency","hash","lines",
// "from_ms","to_ms","opening_fen","closing_fen"(null when unknown),"in_fen","out_fen",
// "imported_ms","run_id"(the recorded run, or null)}. Errors: ErrNotFound; ErrPerm (platform
// staff).
func (c *Context) ReconStatementGet(statementID int64) ([]byte, error) {
	h, err := c.handle()
	if err != nil {
		return nil, err
	}
	var out outText
	var e *C.fw_error
	rc := C.fw_recon_statement_get(h, C.fw_id(statementID), &out.p, &out.n, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	return out.take(), nil
}

// ReconProfileSet binds fw_recon_profile_set: adds or replaces a host CSV profile. Errors:
// ErrInvalid naming the field; ErrPerm (admin, finance).
func (c *Context) ReconProfileSet(record interface{}) error {
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
	rc := C.fw_recon_profile_set(h, recordText, recordLen, &e)
	runtime.KeepAlive(c)
	return check(rc, e)
}

// ReconProfileGet binds fw_recon_profile_get: A profile (shipped or host) as JSON, in the shape
// fw_recon_profile_set() takes. Errors: ErrNotFound; ErrPerm.
func (c *Context) ReconProfileGet(name string) ([]byte, error) {
	h, err := c.handle()
	if err != nil {
		return nil, err
	}
	cName := cText(name)
	defer free(cName)
	var out outText
	var e *C.fw_error
	rc := C.fw_recon_profile_get(h, cName, &out.p, &out.n, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	return out.take(), nil
}

// ID binds fw_recon_id: the recorded run's id, or 0 for a dry run.
func (x *Recon) ID() int64 {
	h, err := x.handle()
	if err != nil {
		return 0
	}
	v := int64(C.fw_recon_id(h))
	runtime.KeepAlive(x)
	return v
}

// Outcome binds fw_recon_outcome: count and sum of one outcome (Recon*) in the run: lines
// for statement-side outcomes, records for ReconMissingInStatement; sums in fen, signed
// (money in > 0). Errors: ErrInvalid for an unknown outcome.
func (x *Recon) Outcome(outcome uint32) (int64, int64, error) {
	h, err := x.handle()
	if err != nil {
		return 0, 0, err
	}
	var count C.int64_t
	var sumFen C.int64_t
	var e *C.fw_error
	rc := C.fw_recon_outcome(h, C.uint32_t(outcome), &count, &sumFen, &e)
	runtime.KeepAlive(x)
	if err := check(rc, e); err != nil {
		return 0, 0, err
	}
	return int64(count), int64(sumFen), nil
}

// Summary binds fw_recon_summary: the run's summary:
// {"run_id"|null,"statement_id","dry_run","lines","records",
// "outcomes":{"matched":{"count","sum_fen"},...},"funding_fed":int,
// "balance":{"opening_fen","movements_fen","closing_fen","statement_consistent":bool|null,
// "ledger_opening_fen","ledger_fen" (bank clearing at the statement's start and end),
// "difference_fen" (closing - ledger),"opening_difference_fen","explained_fen" (by the
// unmatched and differing
// items),"unexplained_fen"},"cases_opened":int,"cases_resolved_timing":int}. Errors:
// ErrInvalid; ErrNoMem.
func (x *Recon) Summary() ([]byte, error) {
	h, err := x.handle()
	if err != nil {
		return nil, err
	}
	var out outText
	var e *C.fw_error
	rc := C.fw_recon_summary(h, &out.p, &out.n, &e)
	runtime.KeepAlive(x)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	return out.take(), nil
}

// Results binds fw_recon_results: the run's results, one item per statement line and per
// unmatched ledger record, in line order then record order:
// {"results":[{"outcome":"matched"|...,"rule":"reference"|...|null,
// "line":{"id","seq","booked_ms","amount_fen","reference","bank_txn_id"}|null,"entry_ids":[...],
// "ledger_fen":int|null,"difference_fen":int,"group":int|null}],"total":int}. Errors:
// ErrInvalid.
func (x *Recon) Results(outcome uint32, offset int, limit int) ([]byte, error) {
	h, err := x.handle()
	if err != nil {
		return nil, err
	}
	var out outText
	var e *C.fw_error
	rc := C.fw_recon_results(h, C.uint32_t(outcome), C.size_t(offset), C.size_t(limit), &out.p, &out.n, &e)
	runtime.KeepAlive(x)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	return out.take(), nil
}

// ReconRunGet binds fw_recon_run_get: A recorded run's summary (as fw_recon_summary()). Errors:
// ErrNotFound; ErrPerm.
func (c *Context) ReconRunGet(runID int64) ([]byte, error) {
	h, err := c.handle()
	if err != nil {
		return nil, err
	}
	var out outText
	var e *C.fw_error
	rc := C.fw_recon_run_get(h, C.fw_id(runID), &out.p, &out.n, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	return out.take(), nil
}

// ReconCaseGet binds fw_recon_case_get: an error case with its history and adjustments:
// {"id","run_id"|null,"kind":"missing_in_ledger"|
// ...|"fee_difference","state":"open"|"investigating"|"resolved_adjustment"|"resolved_timing"|
// "written_off","amount_fen","line_id"|null,"entry_id"|null,"enterprise_id"|null,"summary",
// "created_ms","events":[{"at_ms","actor","role","action","from","to","note"}],
// "adjustments":[{"id","state","proposed_by","approved_by","entry_id","postings":[...]}]}.
// Errors: ErrNotFound; ErrPerm.
func (c *Context) ReconCaseGet(caseID int64) ([]byte, error) {
	h, err := c.handle()
	if err != nil {
		return nil, err
	}
	var out outText
	var e *C.fw_error
	rc := C.fw_recon_case_get(h, C.fw_id(caseID), &out.p, &out.n, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	return out.take(), nil
}

// ReconCaseList binds fw_recon_case_list: error cases, newest first. Errors: ErrInvalid naming
// the field; ErrPerm.
func (c *Context) ReconCaseList(query interface{}) ([]byte, error) {
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
	rc := C.fw_recon_case_list(h, queryText, queryLen, &out.p, &out.n, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	return out.take(), nil
}

// ReconCaseAct binds fw_recon_case_act: works on an error case (R-7.9.c). Errors: ErrInvalid
// naming the field; ErrNotFound; ErrState (the case is resolved, or the action does not apply
// to its state); ErrPerm (admin, operator, finance).
func (c *Context) ReconCaseAct(caseID int64, record interface{}) error {
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
	rc := C.fw_recon_case_act(h, C.fw_id(caseID), recordText, recordLen, &e)
	runtime.KeepAlive(c)
	return check(rc, e)
}

// ReconAdjustPropose binds fw_recon_adjust_propose: proposes an adjustment (调账) for an open or
// investigating case (R-7.9.d): a journal entry that is posted only when another person
// approves it. Errors: ErrInvalid naming the field (unbalanced postings, unknown account);
// ErrNotFound; ErrState (case resolved, or it has a proposal waiting); ErrConflict (key reused
// with a different request); ErrPerm (admin, operator, finance; the actor must have a name).
func (c *Context) ReconAdjustPropose(caseID int64, record interface{}) (int64, error) {
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
	rc := C.fw_recon_adjust_propose(h, &out, C.fw_id(caseID), recordText, recordLen, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return 0, err
	}
	return int64(out), nil
}

// ReconAdjustApprove binds fw_recon_adjust_approve: approves a proposed adjustment: posts its
// entry through the ledger (ref_kind "recon_case") and resolves the case by adjustment. Four
// eyes: the approver's name must differ from the proposer's. Errors: ErrNotFound; ErrState (not
// proposed any more); ErrDenied when the approver is the proposer; ErrFunds / ErrClosed from
// the ledger; ErrPerm (admin, finance; named actor). On failure nothing is changed.
func (c *Context) ReconAdjustApprove(adjustmentID int64, note string) (int64, error) {
	h, err := c.handle()
	if err != nil {
		return 0, err
	}
	cNote := cOptText(note)
	defer free(cNote)
	var out C.fw_id
	var e *C.fw_error
	rc := C.fw_recon_adjust_approve(h, C.fw_id(adjustmentID), cNote, &out, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return 0, err
	}
	return int64(out), nil
}

// ReconAdjustReject binds fw_recon_adjust_reject: rejects a proposed adjustment (the case stays
// as it was). Errors: ErrInvalid; ErrNotFound; ErrState; ErrPerm (admin, finance).
func (c *Context) ReconAdjustReject(adjustmentID int64, note string) error {
	h, err := c.handle()
	if err != nil {
		return err
	}
	cNote := cText(note)
	defer free(cNote)
	var e *C.fw_error
	rc := C.fw_recon_adjust_reject(h, C.fw_id(adjustmentID), cNote, &e)
	runtime.KeepAlive(c)
	return check(rc, e)
}

// ReconFeeCheck binds fw_recon_fee_check: service-fee check (R-7.9.b): recomputes every fee
// booked with effective time in [from_ms, to_ms) from the fee schedule in force when it was
// charged (of the versions valid on the entry's date, the newest that existed when the entry
// was written), and compares. Errors: ErrInvalid (from after to, unknown flags); ErrPerm
// (admin, finance, auditor, system; ReconFeeOpenCases not for the auditor).
func (c *Context) ReconFeeCheck(fromMs int64, toMs int64, enterpriseID int64, flags uint32) ([]byte, error) {
	h, err := c.handle()
	if err != nil {
		return nil, err
	}
	var out outText
	var e *C.fw_error
	rc := C.fw_recon_fee_check(h, C.int64_t(fromMs), C.int64_t(toMs), C.fw_id(enterpriseID), C.uint32_t(flags), &out.p, &out.n, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	return out.take(), nil
}

// ReconFile binds fw_recon_file: an enterprise's reconciliation file for a CST day
// ("2026-03-15") or month ("2026-03") (R-7.9.a): every movement on its accounts in sections
// orders, fees, taxes, funding, other, and per account the balance movement (opening, debits,
// credits, closing). JSON:
// {"enterprise_id","period","from_ms","to_ms","items":[{"section","entry_id",
// "effective_ms","date","reason","ref_kind","ref_id","account_id","account_type","amount_fen"
// (on the account's normal side: + increases it)}],"totals":{"orders_fen",...},
// "balances":[{"account_id","account_type","opening_fen","debits_fen","credits_fen",
// "closing_fen"}]}. CSV:
// section,date,entry_id,reason,ref_kind,ref_id,account_id,account_type,amount,opening,closing
// (amounts in yuan): one row per item, then one "balance" row per account whose amount is the
// period's net movement and whose opening and closing columns are filled. Errors: ErrInvalid
// (period, format); ErrPerm (an enterprise user gets only its own).
func (c *Context) ReconFile(enterpriseID int64, period string, format uint32) (string, error) {
	h, err := c.handle()
	if err != nil {
		return "", err
	}
	cPeriod := cText(period)
	defer free(cPeriod)
	var out outText
	var e *C.fw_error
	rc := C.fw_recon_file(h, C.fw_id(enterpriseID), cPeriod, C.uint32_t(format), &out.p, &out.n, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return "", err
	}
	return string(out.take()), nil
}

// ReconFileIndex binds fw_recon_file_index: which reconciliation files a month has for an
// enterprise: {"enterprise_id","month",
// "days":[{"date":"2026-03-15","entries":int,"in_fen","out_fen"}]}. Errors: ErrInvalid; ErrPerm
// (an enterprise user gets only its own).
func (c *Context) ReconFileIndex(enterpriseID int64, month string) ([]byte, error) {
	h, err := c.handle()
	if err != nil {
		return nil, err
	}
	cMonth := cText(month)
	defer free(cMonth)
	var out outText
	var e *C.fw_error
	rc := C.fw_recon_file_index(h, C.fw_id(enterpriseID), cMonth, &out.p, &out.n, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	return out.take(), nil
}
