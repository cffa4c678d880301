package flexwork

/*
#include "bridge.h"
*/
import "C"

import (
	"fmt"
	"runtime"
	"runtime/cgo"
	"unsafe"
)

// Constants of include/flexwork/risk.h. Values are pinned.
const (
	RiskActionEnterpriseActivate = C.FW_RISK_ACTION_ENTERPRISE_ACTIVATE
	RiskActionWorkerActivate     = C.FW_RISK_ACTION_WORKER_ACTIVATE
	RiskActionTaskTake           = C.FW_RISK_ACTION_TASK_TAKE
	RiskActionFunding            = C.FW_RISK_ACTION_FUNDING
	RiskActionPayout             = C.FW_RISK_ACTION_PAYOUT
	RiskAllow                    = C.FW_RISK_ALLOW
	RiskReview                   = C.FW_RISK_REVIEW
	RiskDeny                     = C.FW_RISK_DENY
	RiskWarn                     = C.FW_RISK_WARN
	RiskFlag                     = C.FW_RISK_FLAG
	RiskBlock                    = C.FW_RISK_BLOCK
	RiskWaived                   = C.FW_RISK_WAIVED
	RiskReserve                  = C.FW_RISK_RESERVE
	RiskPartiesVersion           = C.FW_RISK_PARTIES_VERSION
	RiskListBlack                = C.FW_RISK_LIST_BLACK
	RiskListWhite                = C.FW_RISK_LIST_WHITE
	RiskKindPerson               = C.FW_RISK_KIND_PERSON
	RiskKindBankCard             = C.FW_RISK_KIND_BANK_CARD
	RiskKindPhone                = C.FW_RISK_KIND_PHONE
	RiskKindEnterprise           = C.FW_RISK_KIND_ENTERPRISE
	RiskGradeA                   = C.FW_RISK_GRADE_A
	RiskGradeB                   = C.FW_RISK_GRADE_B
	RiskGradeC                   = C.FW_RISK_GRADE_C
	RiskGradeD                   = C.FW_RISK_GRADE_D
	RiskHostRuleVersion          = C.FW_RISK_HOST_RULE_VERSION
	RiskCaseOpen                 = C.FW_RISK_CASE_OPEN
	RiskCaseReviewing            = C.FW_RISK_CASE_REVIEWING
	RiskCaseResolved             = C.FW_RISK_CASE_RESOLVED
)

// RiskDecision is a gate decision (fw_risk_decision) from RiskCheck: the outcome and its
// reasons. It does not borrow the Context. Close frees it; a finalizer frees one that becomes
// unreachable. After Close the accessors return zero values and ToJSON ErrState.
type RiskDecision struct {
	p *C.fw_risk_decision
}

func newRiskDecision(p *C.fw_risk_decision) *RiskDecision {
	x := &RiskDecision{p: p}
	runtime.SetFinalizer(x, (*RiskDecision).Close)
	return x
}

// Close frees the risk decision (fw_risk_decision_free). It is idempotent and returns nil.
func (x *RiskDecision) Close() error {
	if x.p != nil {
		C.fw_risk_decision_free(x.p)
		x.p = nil
		runtime.SetFinalizer(x, nil)
	}
	return nil
}

func (x *RiskDecision) handle() (*C.fw_risk_decision, error) {
	if x == nil || x.p == nil {
		return nil, &Error{Code: CodeState, Message: "the risk decision is closed"}
	}
	return x.p, nil
}

// RiskParties says who and what a check is about (fw_risk_parties).
type RiskParties struct {
	Reserve      bool   // on allow, count the amount against the limits (payout only)
	EnterpriseID int64  // 0 when the action has none (worker activation)
	WorkerID     int64  // 0 when the action has none (funding)
	TaskID       int64  // informational, recorded with the decision
	BankCard     string // optional: a card to screen besides the worker's own
	Phone        string // optional: a phone to screen besides the worker's own
}

// RiskCheck binds fw_risk_check: the gate (R-7.10.h) decides on an action (RiskAction*) for
// its parties and amount and returns the decision whatever its outcome. With Reserve (payout
// only) an allow counts the amount against every limit and carries a reservation id (release
// it with RiskRelease if the payout fails). Errors: ErrInvalid for a bad action, amount or
// missing party; ErrNotFound for an unknown party; ErrPerm; ErrBusy.
func (c *Context) RiskCheck(action uint32, parties RiskParties, amountFen int64) (*RiskDecision, error) {
	h, err := c.handle()
	if err != nil {
		return nil, err
	}
	cp := (*C.fw_risk_parties)(C.calloc(1, C.sizeof_fw_risk_parties))
	defer C.free(unsafe.Pointer(cp))
	cp.version = C.FW_RISK_PARTIES_VERSION
	if parties.Reserve {
		cp.flags = C.FW_RISK_RESERVE
	}
	cp.enterprise_id = C.fw_id(parties.EnterpriseID)
	cp.worker_id = C.fw_id(parties.WorkerID)
	cp.task_id = C.fw_id(parties.TaskID)
	cp.bank_card = cOptText(parties.BankCard)
	defer free(cp.bank_card)
	cp.phone = cOptText(parties.Phone)
	defer free(cp.phone)
	var p *C.fw_risk_decision
	var e *C.fw_error
	rc := C.fw_risk_check(h, C.uint32_t(action), cp, C.int64_t(amountFen), &p, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	return newRiskDecision(p), nil
}

// Count binds fw_risk_decision_count: the number of reasons (warnings and waived ones
// included); 0 once closed.
func (x *RiskDecision) Count() int {
	h, err := x.handle()
	if err != nil {
		return 0
	}
	v := int(C.fw_risk_decision_count(h))
	runtime.KeepAlive(x)
	return v
}

// Code binds fw_risk_decision_code: reason i's code, e.g. "LIMIT_WORKER_MONTH", or "" when i
// is out of range (or the decision closed).
func (x *RiskDecision) Code(i int) string {
	h, err := x.handle()
	if err != nil || i < 0 {
		return ""
	}
	v := C.GoString(C.fw_risk_decision_code(h, C.size_t(i)))
	runtime.KeepAlive(x)
	return v
}

// RiskFinding is one finding of a host inspection rule.
type RiskFinding struct {
	EnterpriseID int64
	WorkerID     int64
	AmountFen    int64
	Detail       interface{} // nil, or anything that marshals to a JSON object
}

// RiskHostRule is a host's inspection rule: Fn is called once per run with the period
// [fromMs, toMs) and returns its findings; an error fails the run with ErrUser (an *Error
// with its own code). It runs inside the library's transaction and must not call back into
// the Context.
type RiskHostRule struct {
	Code string // the rule's code on its findings, A-Z0-9_
	Fn   func(fromMs, toMs int64) ([]RiskFinding, error)
}

// RiskInspect binds fw_risk_inspect: runs the enabled inspection rules and the host's rules
// over the period (R-7.10.f): request {"from":"YYYY-MM-DD","to":"YYYY-MM-DD"} (CST dates, to
// exclusive). Each finding opens a risk case. It returns {"run_id","from_ms","to_ms",
// "findings":[{"case_id","rule","enterprise_id","worker_id","amount_fen","detail"}]}. Errors:
// ErrInvalid; ErrUser when a host rule fails (nothing is recorded); ErrPerm.
func (c *Context) RiskInspect(request interface{}, rules []RiskHostRule) ([]byte, error) {
	h, err := c.handle()
	if err != nil {
		return nil, err
	}
	text, n, err := jsonIn(request)
	if err != nil {
		return nil, err
	}
	defer C.free(unsafe.Pointer(text))
	size := len(rules)
	if size == 0 {
		size = 1
	}
	array := (*C.fw_risk_host_rule)(C.calloc(C.size_t(size), C.sizeof_fw_risk_host_rule))
	defer C.free(unsafe.Pointer(array))
	cRules := unsafe.Slice(array, size)
	for i, r := range rules {
		if r.Fn == nil {
			return nil, &Error{Code: CodeInvalid, Path: fmt.Sprintf("rules[%d].fn", i),
				Message: fmt.Sprintf("rules[%d].fn: a host rule needs a function", i)}
		}
		handle := cgo.NewHandle(r.Fn)
		defer handle.Delete()
		code := cText(r.Code)
		defer free(code)
		C.fwgo_risk_host_rule(&cRules[i], code, C.uintptr_t(handle))
	}
	var out outText
	var e *C.fw_error
	rc := C.fw_risk_inspect(h, text, n, array, C.size_t(len(rules)), &out.p, &out.n, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	return out.take(), nil
}

// RiskCheckJSON binds fw_risk_check_json: the gate with a JSON request and answer. Request:
// {"action":"enterprise_activate"|"worker_activate"|"task_take"|"funding"|"payout",
// "enterprise_id":int, "worker_id":int, "task_id":int, "amount_fen":int, "reserve":bool,
// "bank_card":"...", "phone":"..."}. Answer: {"outcome":"allow"|"review"|"deny",
// "reservation_id":int, "reasons":[{"code","severity","rule","clause","inputs":{...},
// "waived_by":int}]}. Errors as fw_risk_check(), plus ErrJSON;
func (c *Context) RiskCheckJSON(record interface{}) ([]byte, error) {
	h, err := c.handle()
	if err != nil {
		return nil, err
	}
	recordText, recordLen, err := jsonIn(record)
	if err != nil {
		return nil, err
	}
	defer C.free(unsafe.Pointer(recordText))
	var out outText
	var e *C.fw_error
	rc := C.fw_risk_check_json(h, recordText, recordLen, &out.p, &out.n, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	return out.take(), nil
}

// Outcome binds fw_risk_decision_outcome: the outcome, one of RiskAllow, RiskReview,
// RiskDeny.
func (x *RiskDecision) Outcome() uint32 {
	h, err := x.handle()
	if err != nil {
		return 0
	}
	v := uint32(C.fw_risk_decision_outcome(h))
	runtime.KeepAlive(x)
	return v
}

// Reservation binds fw_risk_decision_reservation: the reservation made by a reserving check
// that allowed, else 0.
func (x *RiskDecision) Reservation() int64 {
	h, err := x.handle()
	if err != nil {
		return 0
	}
	v := int64(C.fw_risk_decision_reservation(h))
	runtime.KeepAlive(x)
	return v
}

// Severity binds fw_risk_decision_severity: reason i's severity, one of
// RiskWarn..RiskWaived, or 0 when out of range.
func (x *RiskDecision) Severity(i int) uint32 {
	h, err := x.handle()
	if err != nil {
		return 0
	}
	v := uint32(C.fw_risk_decision_severity(h, C.size_t(i)))
	runtime.KeepAlive(x)
	return v
}

// ToJSON binds fw_risk_decision_to_json: the decision as JSON (the answer of
// RiskCheckJSON).
func (x *RiskDecision) ToJSON() ([]byte, error) {
	h, err := x.handle()
	if err != nil {
		return nil, err
	}
	var out outText
	var e *C.fw_error
	rc := C.fw_risk_decision_to_json(h, &out.p, &out.n, &e)
	runtime.KeepAlive(x)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	return out.take(), nil
}

// RiskRelease binds fw_risk_release: releases a reservation (the payout it allowed did not
// happen): its amount and count leave the counters. Audited. Errors: ErrNotFound; ErrState when
// already released; ErrPerm.
func (c *Context) RiskRelease(reservationID int64) error {
	h, err := c.handle()
	if err != nil {
		return err
	}
	var e *C.fw_error
	rc := C.fw_risk_release(h, C.fw_id(reservationID), &e)
	runtime.KeepAlive(c)
	return check(rc, e)
}

// RiskConfigSet binds fw_risk_config_set: sets the risk policy: {"require_qualification":bool,
// "rating_interval_ms":int (60000 .. 31536000000)}; absent fields keep their value. With
// require_qualification an enterprise becomes active only after a passed qualification review.
// Admin only; audited. Errors: ErrInvalid/ErrJSON naming the field; ErrPerm.
func (c *Context) RiskConfigSet(record interface{}) error {
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
	rc := C.fw_risk_config_set(h, recordText, recordLen, &e)
	runtime.KeepAlive(c)
	return check(rc, e)
}

// RiskListAdd binds fw_risk_list_add: adds a black- or white-list entry (R-7.10.c):
// {"list":"black"|"white", "kind":"person"|"bank_card"|"phone"|"enterprise", "value":"...",
// "reason":"1..500 bytes", "source":"1..100 bytes", "expires":"YYYY-MM-DD" (optional),
// "waives":["LIMIT_WORKER_MONTH", ...] (white only, required: the reason codes excepted)}. The
// value is validated for its kind and stored only as a blind index and a masked form. Errors:
// ErrInvalid naming the field; ErrExists when the same value is already on that list; ErrPerm.
// Audited (masked value).
func (c *Context) RiskListAdd(record interface{}) (int64, error) {
	h, err := c.handle()
	if err != nil {
		return 0, err
	}
	recordText, recordLen, err := jsonIn(record)
	if err != nil {
		return 0, err
	}
	defer C.free(unsafe.Pointer(recordText))
	var out C.fw_id
	var e *C.fw_error
	rc := C.fw_risk_list_add(h, recordText, recordLen, &out, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return 0, err
	}
	return int64(out), nil
}

// RiskListRemove binds fw_risk_list_remove: removes an entry with a reason (1..500 bytes).
// ErrNotFound, ErrState if removed. Audited.
func (c *Context) RiskListRemove(entryID int64, reason string) error {
	h, err := c.handle()
	if err != nil {
		return err
	}
	cReason := cText(reason)
	defer free(cReason)
	var e *C.fw_error
	rc := C.fw_risk_list_remove(h, C.fw_id(entryID), cReason, &e)
	runtime.KeepAlive(c)
	return check(rc, e)
}

// RiskListQuery binds fw_risk_list_query: the live entries as a JSON array of
// {"id","list","kind","masked","reason","source", "waives","expires_ms","created_ms"}; expired
// entries are omitted.
func (c *Context) RiskListQuery() ([]byte, error) {
	h, err := c.handle()
	if err != nil {
		return nil, err
	}
	var out outText
	var e *C.fw_error
	rc := C.fw_risk_list_query(h, &out.p, &out.n, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	return out.take(), nil
}

// RiskChecklistSet binds fw_risk_checklist_set: sets the qualification checklist of an industry
// (R-7.10.a): {"industry":"I65" or "*", "documents":["business_licence", ...] (kinds that must
// be on file), "scope_keywords":["软件", ...] (the business scope must contain one; [] for
// none)}. Errors: ErrInvalid naming the field; ErrPerm. Audited.
func (c *Context) RiskChecklistSet(record interface{}) error {
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
	rc := C.fw_risk_checklist_set(h, recordText, recordLen, &e)
	runtime.KeepAlive(c)
	return check(rc, e)
}

// RiskQualificationReview binds fw_risk_qualification_review: runs the qualification review of
// an enterprise and records the result (R-7.10.a). Checks: licence on file, business scope
// matches, USCC verified, cooperation agreement signed (the party module records it when the
// contract module reports the signature, or a signal "agreement_signed" does), every required
// document on file and not expired. Request (optional, nil for none):
// {"document_expiry":{"<kind>":"YYYY-MM-DD",...}}. Answer:
// {"id","enterprise_id","passed":bool,"checks":[{"check","passed","detail"}]}. Errors:
// ErrNotFound; ErrInvalid; ErrPerm.
func (c *Context) RiskQualificationReview(enterpriseID int64, record interface{}) ([]byte, error) {
	h, err := c.handle()
	if err != nil {
		return nil, err
	}
	recordText, recordLen, err := jsonIn(record)
	if err != nil {
		return nil, err
	}
	defer C.free(unsafe.Pointer(recordText))
	var out outText
	var e *C.fw_error
	rc := C.fw_risk_qualification_review(h, C.fw_id(enterpriseID), recordText, recordLen, &out.p, &out.n, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	return out.take(), nil
}

// RiskSignalRecord binds fw_risk_signal_record: records a fact for the rating and inspection
// rules:
// {"kind":"dispute"|"complaint"|"funding_late"|"funding_ok"|"task_flag"|"inspection_finding"|
// "agreement_signed"|"task_taken"|"task_completed"|"fund_return", "enterprise_id":int,
// "worker_id":int, "amount_fen":int, "value":int (task_completed: duration in ms),
// "category":"...", "ref":"...", "at":ms (default now)}. Errors: ErrInvalid naming the field;
// ErrPerm.
func (c *Context) RiskSignalRecord(record interface{}) (int64, error) {
	h, err := c.handle()
	if err != nil {
		return 0, err
	}
	recordText, recordLen, err := jsonIn(record)
	if err != nil {
		return 0, err
	}
	defer C.free(unsafe.Pointer(recordText))
	var out C.fw_id
	var e *C.fw_error
	rc := C.fw_risk_signal_record(h, recordText, recordLen, &out, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return 0, err
	}
	return int64(out), nil
}

// RiskRatingCompute binds fw_risk_rating_compute: recomputes an enterprise's rating now
// (R-7.10.b) and returns it:
// {"enterprise_id","grade":"A".."D","score":0..100,"factors":[{"factor","points","max",
// "inputs":{...}}],"computed_ms"}. A change of grade or score is audited. Errors: ErrNotFound;
// ErrPerm.
func (c *Context) RiskRatingCompute(enterpriseID int64) ([]byte, error) {
	h, err := c.handle()
	if err != nil {
		return nil, err
	}
	var out outText
	var e *C.fw_error
	rc := C.fw_risk_rating_compute(h, C.fw_id(enterpriseID), &out.p, &out.n, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	return out.take(), nil
}

// RiskRatingSchedule binds fw_risk_rating_schedule: the scheduled run: recomputes the rating of
// every enterprise not cancelled whose rating is missing or older than the configured interval.
// It returns how many.
func (c *Context) RiskRatingSchedule() (int64, error) {
	h, err := c.handle()
	if err != nil {
		return 0, err
	}
	var out C.int64_t
	var e *C.fw_error
	rc := C.fw_risk_rating_schedule(h, &out, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return 0, err
	}
	return int64(out), nil
}

// RiskLimitsSet binds fw_risk_limits_set: sets limits (R-7.10.e) for a scope:
// {"scope":"platform"|"rating"|"enterprise", "rating":"A".."D" (rating scope),
// "enterprise_id":int (enterprise scope), "limits":{"per_payment_fen", "worker_day_fen",
// "worker_month_fen", "worker_12m_fen", "worker_day_count", "worker_month_count",
// "enterprise_day_fen", "enterprise_month_fen", "enterprise_day_count"}}. Each limit is an
// integer >= 0 (0: no limit) or null (inherit from the less specific scope; not at platform).
// Absent limits are unchanged. Audited.
func (c *Context) RiskLimitsSet(record interface{}) error {
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
	rc := C.fw_risk_limits_set(h, recordText, recordLen, &e)
	runtime.KeepAlive(c)
	return check(rc, e)
}

// RiskLimitsGet binds fw_risk_limits_get: the limits in force for an enterprise (0: the
// platform's): {"limits":{name:value},
// "sources":{name:"platform"|"rating"|"enterprise"},"grade":"A".."D"|null}.
func (c *Context) RiskLimitsGet(enterpriseID int64) ([]byte, error) {
	h, err := c.handle()
	if err != nil {
		return nil, err
	}
	var out outText
	var e *C.fw_error
	rc := C.fw_risk_limits_get(h, C.fw_id(enterpriseID), &out.p, &out.n, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	return out.take(), nil
}

// RiskRuleSet binds fw_risk_rule_set: adds or changes an inspection rule: an instance of a
// built-in type with parameters {"code":"A-Z0-9_
// (1..40)","type":"many_enterprises"|"structuring"|"same_amount_series"|
// "funds_back"|"fast_completion"|"dormant_active"|"minor_restricted","params":{...},
// "enabled":bool}. The parameters of each type are in docs/api/risk.md. Audited.
func (c *Context) RiskRuleSet(record interface{}) error {
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
	rc := C.fw_risk_rule_set(h, recordText, recordLen, &e)
	runtime.KeepAlive(c)
	return check(rc, e)
}

// RiskSample binds fw_risk_sample: draws a random sample for manual review (R-7.10.g),
// stratified by enterprise:
// {"population":"payouts"|"workers","from":"YYYY-MM-DD","to":"YYYY-MM-DD",
// "per_enterprise":1..1000,"seed":"64 hex chars" (optional: a fresh random seed otherwise)}.
// The same seed over the same period draws the same items. Each item drawn opens a case.
// Answer: {"sample_id","seed","drawn":[{"enterprise_id","ids":[...]}],"cases":[...]}.
func (c *Context) RiskSample(record interface{}) ([]byte, error) {
	h, err := c.handle()
	if err != nil {
		return nil, err
	}
	recordText, recordLen, err := jsonIn(record)
	if err != nil {
		return nil, err
	}
	defer C.free(unsafe.Pointer(recordText))
	var out outText
	var e *C.fw_error
	rc := C.fw_risk_sample(h, recordText, recordLen, &out.p, &out.n, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	return out.take(), nil
}

// RiskCaseUpdate binds fw_risk_case_update: moves a case on: {"state":"reviewing"|"resolved",
// "resolution":"no_issue"|"suspend"| "limit"|"list" (required to resolve), "note":"1..2000
// bytes"}. open -> reviewing -> resolved (open -> resolved is allowed too). Audited. Errors:
// ErrNotFound; ErrState for a move the state does not allow; ErrInvalid.
func (c *Context) RiskCaseUpdate(caseID int64, record interface{}) error {
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
	rc := C.fw_risk_case_update(h, C.fw_id(caseID), recordText, recordLen, &e)
	runtime.KeepAlive(c)
	return check(rc, e)
}

// RiskCaseList binds fw_risk_case_list: cases as a JSON array, filtered by
// {"state":"open"|"reviewing"|"resolved", "enterprise_id":int} (record may be nil): each
// {"id","source","rule","enterprise_id",
// "worker_id","subject_id","amount_fen","detail","state","resolution","notes","opened_ms"}.
func (c *Context) RiskCaseList(record interface{}) ([]byte, error) {
	h, err := c.handle()
	if err != nil {
		return nil, err
	}
	recordText, recordLen, err := jsonIn(record)
	if err != nil {
		return nil, err
	}
	defer C.free(unsafe.Pointer(recordText))
	var out outText
	var e *C.fw_error
	rc := C.fw_risk_case_list(h, recordText, recordLen, &out.p, &out.n, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	return out.take(), nil
}

// RiskStats binds fw_risk_stats: statistics of a period
// {"from":"YYYY-MM-DD","to":"YYYY-MM-DD"}: cases opened by rule and by state, resolutions,
// samples drawn, refusals by the gate (from the audit log).
func (c *Context) RiskStats(record interface{}) ([]byte, error) {
	h, err := c.handle()
	if err != nil {
		return nil, err
	}
	recordText, recordLen, err := jsonIn(record)
	if err != nil {
		return nil, err
	}
	defer C.free(unsafe.Pointer(recordText))
	var out outText
	var e *C.fw_error
	rc := C.fw_risk_stats(h, recordText, recordLen, &out.p, &out.n, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	return out.take(), nil
}
