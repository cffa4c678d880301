package flexwork

/*
#include <stdlib.h>
#include <flexwork.h>
*/
import "C"

import (
	"fmt"
	"runtime"
	"unsafe"
)

// Constants of include/flexwork/tax.h. Values are pinned.
const (
	TaxMethodAuto         = C.FW_TAX_METHOD_AUTO
	TaxMethodCumulative   = C.FW_TAX_METHOD_CUMULATIVE
	TaxMethodPerPayment   = C.FW_TAX_METHOD_PER_PAYMENT
	TaxBusinessIndividual = C.FW_TAX_BUSINESS_INDIVIDUAL
	TaxRecordWithholding  = C.FW_TAX_RECORD_WITHHOLDING
	TaxRecordReversal     = C.FW_TAX_RECORD_REVERSAL
	TaxDeclDraft          = C.FW_TAX_DECL_DRAFT
	TaxDeclSubmitted      = C.FW_TAX_DECL_SUBMITTED
	TaxDeclAccepted       = C.FW_TAX_DECL_ACCEPTED
	TaxDeclRejected       = C.FW_TAX_DECL_REJECTED
	TaxDeclSuperseded     = C.FW_TAX_DECL_SUPERSEDED
	TaxPayPending         = C.FW_TAX_PAY_PENDING
	TaxPayPaid            = C.FW_TAX_PAY_PAID
	TaxPayFailed          = C.FW_TAX_PAY_FAILED
)

// TaxCalc is a tax calculator for one date (fw_tax_calc): the rules in force then, the
// policies, and the explanation of its last computation. Close frees it; a finalizer frees
// one that becomes unreachable. A calculator over a Context keeps that Context reachable and
// returns ErrState once it is closed; calls after Close return ErrState.
type TaxCalc struct {
	p   *C.fw_tax_calc
	ctx *Context // nil for the shipped rules and default policies
}

// TaxCalcNew binds fw_tax_calc_new: creates a calculator for the CST date of atMs. With a nil
// ctx it uses the shipped rules and default policies (quotes, what-if); with a Context it also
// sees the store's rule files, policies and the workers' year-to-date figures. Errors:
// ErrInvalid for atMs < 0; ErrPerm when the context's actor may not read tax data; ErrState
// for a closed Context.
func TaxCalcNew(ctx *Context, atMs int64) (*TaxCalc, error) {
	var h *C.fw_ctx
	if ctx != nil {
		var err error
		if h, err = ctx.handle(); err != nil {
			return nil, err
		}
	}
	var p *C.fw_tax_calc
	var e *C.fw_error
	rc := C.fw_tax_calc_new(&p, h, C.int64_t(atMs), &e)
	runtime.KeepAlive(ctx)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	x := &TaxCalc{p: p, ctx: ctx}
	runtime.SetFinalizer(x, (*TaxCalc).Close)
	return x, nil
}

// TaxCalcNew is the package function TaxCalcNew over this Context.
func (c *Context) TaxCalcNew(atMs int64) (*TaxCalc, error) {
	return TaxCalcNew(c, atMs)
}

// Close frees the calculator (fw_tax_calc_free). It is idempotent and returns nil.
func (x *TaxCalc) Close() error {
	if x.p != nil {
		C.fw_tax_calc_free(x.p)
		x.p = nil
		runtime.SetFinalizer(x, nil)
	}
	return nil
}

func (x *TaxCalc) handle() (*C.fw_tax_calc, error) {
	if x == nil || x.p == nil {
		return nil, &Error{Code: CodeState, Message: "the tax calculator is closed"}
	}
	if x.ctx != nil {
		if _, err := x.ctx.handle(); err != nil {
			return nil, err
		}
	}
	return x.p, nil
}

// TaxRulesLoad binds fw_tax_rules_load: loads a host rule file into the store:
// {"format":"flexwork-tax-rules","version":1, "rules":[...]} (shape in docs/api/tax.md). It is
// validated strictly: unknown fields, bad dates, brackets that are not increasing or whose
// quick deductions are not continuous, rules of one kind overlapping in time, and ids already
// in use are refused. Loaded rules take precedence over the shipped ones on the dates they
// cover. Audited. Errors: ErrInvalid naming the field (e.g.
// "$.rules[2].params.brackets[1].up_to_fen"); ErrJSON for malformed text; ErrExists for a rule
// id already known; ErrPerm. On failure the store is unchanged.
func (c *Context) TaxRulesLoad(record interface{}) (int64, error) {
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
	rc := C.fw_tax_rules_load(h, recordText, recordLen, &out, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return 0, err
	}
	return int64(out), nil
}

// TaxSetPolicy binds fw_tax_set_policy: sets a policy of the store (e.g. "iit.gap_month" to
// "reset_count"). Audited. Errors: ErrInvalid for an unknown name (path "name") or value (path
// "value", the message lists the accepted values); ErrPerm. On failure the store is unchanged.
func (c *Context) TaxSetPolicy(name string, value string) error {
	h, err := c.handle()
	if err != nil {
		return err
	}
	cName := cText(name)
	defer free(cName)
	cValue := cText(value)
	defer free(cValue)
	var e *C.fw_error
	rc := C.fw_tax_set_policy(h, cName, cValue, &e)
	runtime.KeepAlive(c)
	return check(rc, e)
}

// TaxPolicies binds fw_tax_policies: the store's policies:
// [{"name","value","default","values":[...],"about"}]. Errors: ErrPerm; ErrNoMem.
func (c *Context) TaxPolicies() ([]byte, error) {
	h, err := c.handle()
	if err != nil {
		return nil, err
	}
	var out outText
	var e *C.fw_error
	rc := C.fw_tax_policies(h, &out.p, &out.n, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	return out.take(), nil
}

// SetPolicy binds fw_tax_calc_set_policy: overrides one policy for this calculator only (names
// and values as fw_tax_set_policy()). Errors: ErrInvalid for an unknown name or value.
func (x *TaxCalc) SetPolicy(name string, value string) error {
	h, err := x.handle()
	if err != nil {
		return err
	}
	cName := cText(name)
	defer free(cName)
	cValue := cText(value)
	defer free(cValue)
	var e *C.fw_error
	rc := C.fw_tax_calc_set_policy(h, cName, cValue, &e)
	runtime.KeepAlive(x)
	return check(rc, e)
}

// SetMethod binds fw_tax_calc_set_method: chooses the IIT method for labour remuneration, one
// of TaxMethod*. Errors: ErrInvalid for another value.
func (x *TaxCalc) SetMethod(method uint32) error {
	h, err := x.handle()
	if err != nil {
		return err
	}
	var e *C.fw_error
	rc := C.fw_tax_calc_set_method(h, C.uint32_t(method), &e)
	runtime.KeepAlive(x)
	return check(rc, e)
}

// LabourPayment binds fw_tax_calc_labour_payment: IIT on one labour-remuneration payment,
// per-payment method: taxable = income - 800 up to 4,000, else income x 80%; then the 20/30/40%
// table. Errors: ErrInvalid for a negative amount; ErrNotFound when no such rule is in force on
// the calculator's date; ErrOverflow.
func (x *TaxCalc) LabourPayment(grossFen int64) (int64, error) {
	h, err := x.handle()
	if err != nil {
		return 0, err
	}
	var out C.int64_t
	var e *C.fw_error
	rc := C.fw_tax_calc_labour_payment(h, C.int64_t(grossFen), &out, &e)
	runtime.KeepAlive(x)
	if err := check(rc, e); err != nil {
		return 0, err
	}
	return int64(out), nil
}

// LabourCumulative binds fw_tax_calc_labour_cumulative: IIT to withhold now under the
// cumulative method, from year-to-date figures that include the current payment: (cum_income -
// 20% - 5,000 x months) on the 3-45% table, less what was withheld before; a negative result
// withholds 0. Errors: ErrInvalid naming the bad argument; ErrNotFound when no cumulative rule
// is in force on the calculator's date; ErrOverflow.
func (x *TaxCalc) LabourCumulative(cumIncomeFen int64, months uint32, withheldFen int64) (int64, error) {
	h, err := x.handle()
	if err != nil {
		return 0, err
	}
	var out C.int64_t
	var e *C.fw_error
	rc := C.fw_tax_calc_labour_cumulative(h, C.int64_t(cumIncomeFen), C.uint32_t(months), C.int64_t(withheldFen), &out, &e)
	runtime.KeepAlive(x)
	if err := check(rc, e); err != nil {
		return 0, err
	}
	return int64(out), nil
}

// Business binds fw_tax_calc_business: annual IIT on business income (5-35% table). Errors:
// ErrInvalid naming the bad argument; ErrNotFound without a rule in force; ErrOverflow.
func (x *TaxCalc) Business(amountFen int64, deemedRatePPM int64, flags uint32) (int64, error) {
	h, err := x.handle()
	if err != nil {
		return 0, err
	}
	var out C.int64_t
	var e *C.fw_error
	rc := C.fw_tax_calc_business(h, C.int64_t(amountFen), C.int64_t(deemedRatePPM), C.uint32_t(flags), &out, &e)
	runtime.KeepAlive(x)
	if err := check(rc, e); err != nil {
		return 0, err
	}
	return int64(out), nil
}

// VAT binds fw_tax_calc_vat: VAT and surcharges on a worker's month of VAT-inclusive service
// income (small-scale / natural person): sales = gross / (1 + rate), the monthly threshold per
// the rule in force and the "vat.threshold_boundary" policy, then surcharges on the VAT.
// Errors: ErrInvalid; ErrNotFound without a VAT rule in force; ErrOverflow.
func (x *TaxCalc) VAT(monthGrossFen int64) (int64, int64, error) {
	h, err := x.handle()
	if err != nil {
		return 0, 0, err
	}
	var vatFen C.int64_t
	var surchargesFen C.int64_t
	var e *C.fw_error
	rc := C.fw_tax_calc_vat(h, C.int64_t(monthGrossFen), &vatFen, &surchargesFen, &e)
	runtime.KeepAlive(x)
	if err := check(rc, e); err != nil {
		return 0, 0, err
	}
	return int64(vatFen), int64(surchargesFen), nil
}

// Surcharges binds fw_tax_calc_surcharges: surcharges (city maintenance by the
// "surcharge.location" policy, education, local education, with the small-scale halving where
// in force) on an amount of VAT. Errors: ErrInvalid for a negative amount; ErrNotFound without
// a rule; ErrOverflow.
func (x *TaxCalc) Surcharges(vatFen int64) (int64, error) {
	h, err := x.handle()
	if err != nil {
		return 0, err
	}
	var out C.int64_t
	var e *C.fw_error
	rc := C.fw_tax_calc_surcharges(h, C.int64_t(vatFen), &out, &e)
	runtime.KeepAlive(x)
	if err := check(rc, e); err != nil {
		return 0, err
	}
	return int64(out), nil
}

// Withholding binds fw_tax_calc_withholding: quote: what fw_tax_withhold() would withhold (IIT
// + VAT + surcharges) for a payment to a worker on the calculator's date, from the worker's
// stored figures. Nothing is written. Errors: ErrInvalid; ErrState when the date is before the
// worker's last withholding month; ErrNotFound without rules; ErrPerm; ErrOverflow. The
// calculator needs a context (ErrInvalid otherwise).
func (x *TaxCalc) Withholding(workerID int64, grossFen int64) (int64, error) {
	h, err := x.handle()
	if err != nil {
		return 0, err
	}
	var out C.int64_t
	var e *C.fw_error
	rc := C.fw_tax_calc_withholding(h, C.fw_id(workerID), C.int64_t(grossFen), &out, &e)
	runtime.KeepAlive(x)
	if err := check(rc, e); err != nil {
		return 0, err
	}
	return int64(out), nil
}

// Compute binds fw_tax_calc_compute: A computation from a JSON request, answered as JSON with
// its explanation. Requests: {"kind":"labour_payment","gross_fen":N} |
// {"kind":"labour_cumulative","cum_income_fen":N, "months":M,"withheld_fen":W} |
// {"kind":"business","amount_fen":N,"deemed_rate_ppm":R, "individual_business":true} |
// {"kind":"vat","month_gross_fen":N} | {"kind":"surcharges","vat_fen":N}. The answer is the
// explanation (fw_tax_calc_explain()). Errors: as the typed functions; ErrInvalid / ErrJSON for
// a bad request, naming the field.
func (x *TaxCalc) Compute(record interface{}) ([]byte, error) {
	h, err := x.handle()
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
	rc := C.fw_tax_calc_compute(h, recordText, recordLen, &out.p, &out.n, &e)
	runtime.KeepAlive(x)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	return out.take(), nil
}

// Explain binds fw_tax_calc_explain: the explanation of the calculator's last successful
// computation: {"date","kind", "result_fen", "amounts":{...},
// "steps":[{"step","formula","value_fen","rule","source"}]}, so that every fen can be traced to
// a rule and its source. Errors: ErrState before any computation; ErrNoMem.
func (x *TaxCalc) Explain() ([]byte, error) {
	h, err := x.handle()
	if err != nil {
		return nil, err
	}
	var out outText
	var e *C.fw_error
	rc := C.fw_tax_calc_explain(h, &out.p, &out.n, &e)
	runtime.KeepAlive(x)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	return out.take(), nil
}

// Rules binds fw_tax_calc_rules: the rules the calculator sees that are in force on its date:
// [{"id","kind","valid_from","valid_to","source","origin":"shipped|host"}]. Errors: ErrNoMem.
func (x *TaxCalc) Rules() ([]byte, error) {
	h, err := x.handle()
	if err != nil {
		return nil, err
	}
	var out outText
	var e *C.fw_error
	rc := C.fw_tax_calc_rules(h, &out.p, &out.n, &e)
	runtime.KeepAlive(x)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	return out.take(), nil
}

// TaxWithhold binds fw_tax_withhold: computes and records the withholding on a
// labour-remuneration payment to a worker at at_ms: IIT (method per the "iit.labour_method"
// policy), VAT and surcharges on the month's income; updates the worker's year-to-date and
// month figures; adds warnings when the VAT threshold or the 5,000,000-in-12-months guidance
// threshold is reached. Audited. The same payment_ref with the same worker and amount returns
// the first result again. Errors: ErrInvalid naming the argument; ErrConflict when payment_ref
// was used with another worker or amount; ErrClosed when the period's declaration was submitted
// or accepted; ErrState when at_ms lies before the worker's last withholding month; ErrNotFound
// when no rule is in force; ErrPerm. On failure nothing is recorded.
func (c *Context) TaxWithhold(workerID int64, paymentRef string, grossFen int64, atMs int64) (int64, error) {
	h, err := c.handle()
	if err != nil {
		return 0, err
	}
	cPaymentRef := cText(paymentRef)
	defer free(cPaymentRef)
	var out C.int64_t
	var e *C.fw_error
	rc := C.fw_tax_withhold(h, C.fw_id(workerID), cPaymentRef, C.int64_t(grossFen), C.int64_t(atMs), &out, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return 0, err
	}
	return int64(out), nil
}

// TaxReverse binds fw_tax_reverse: reverses a recorded withholding (the payment was returned):
// the worker's figures are recomputed without it under the rules of the original date, and the
// difference is recorded as a reversal in the CST month of at_ms (usually a negative
// adjustment). Audited. Errors: ErrNotFound for an unknown payment_ref; ErrState when it was
// reversed already or at_ms is before the payment; ErrClosed when the period of at_ms is
// declared; ErrPerm. On failure nothing is recorded.
func (c *Context) TaxReverse(paymentRef string, atMs int64) (int64, error) {
	h, err := c.handle()
	if err != nil {
		return 0, err
	}
	cPaymentRef := cText(paymentRef)
	defer free(cPaymentRef)
	var out C.int64_t
	var e *C.fw_error
	rc := C.fw_tax_reverse(h, cPaymentRef, C.int64_t(atMs), &out, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return 0, err
	}
	return int64(out), nil
}

// TaxWithholdingGet binds fw_tax_withholding_get: A payment's withholding record and its
// reversal: {"withholding":{...},"reversal":{...}|null} with amounts, period, method, and the
// full explanation. Workers read only their own. Errors: ErrNotFound; ErrPerm; ErrNoMem.
func (c *Context) TaxWithholdingGet(paymentRef string) ([]byte, error) {
	h, err := c.handle()
	if err != nil {
		return nil, err
	}
	cPaymentRef := cText(paymentRef)
	defer free(cPaymentRef)
	var out outText
	var e *C.fw_error
	rc := C.fw_tax_withholding_get(h, cPaymentRef, &out.p, &out.n, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	return out.take(), nil
}

// TaxCumulativeGet binds fw_tax_cumulative_get: A worker's year-to-date cumulative figures:
// {"worker_id","year","last_month","month_count",
// "income_fen","expense_fen","deduction_fen","withheld_fen"}. Workers read only their own.
// Errors: ErrNotFound when the worker had no cumulative withholding that year; ErrPerm;
// ErrNoMem.
func (c *Context) TaxCumulativeGet(workerID int64, year int32) ([]byte, error) {
	h, err := c.handle()
	if err != nil {
		return nil, err
	}
	var out outText
	var e *C.fw_error
	rc := C.fw_tax_cumulative_get(h, C.fw_id(workerID), C.int32_t(year), &out.p, &out.n, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	return out.take(), nil
}

// TaxWarnings binds fw_tax_warnings: A worker's tax warnings:
// [{"code","period","amount_fen","created_ms"}], codes "vat_threshold_reached" and
// "market_entity_guidance". Errors: ErrPerm; ErrNoMem.
func (c *Context) TaxWarnings(workerID int64) ([]byte, error) {
	h, err := c.handle()
	if err != nil {
		return nil, err
	}
	var out outText
	var e *C.fw_error
	rc := C.fw_tax_warnings(h, C.fw_id(workerID), &out.p, &out.n, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	return out.take(), nil
}

// TaxDeclarationBuild binds fw_tax_declaration_build: builds the declaration of a CST month
// from its withholding records: one line per worker (records, gross, income, IIT, VAT and each
// surcharge, with the worker's year-to-date cumulative figures) and the totals. A draft of the
// same period is superseded; after an accepted or rejected version the new one is an amendment
// (version + 1). Audited. Errors: ErrInvalid for a bad period (path "period"); ErrState while a
// version of the period is submitted and unanswered; ErrPerm. On failure the store is
// unchanged.
func (c *Context) TaxDeclarationBuild(period string) (int64, error) {
	h, err := c.handle()
	if err != nil {
		return 0, err
	}
	cPeriod := cText(period)
	defer free(cPeriod)
	var out C.fw_id
	var e *C.fw_error
	rc := C.fw_tax_declaration_build(h, cPeriod, &out, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return 0, err
	}
	return int64(out), nil
}

// TaxDeclarationSubmit binds fw_tax_declaration_submit: submits a draft through the tax
// provider's declare callback. With an answer {"status":"accepted","receipt_no"} or
// {"status":"rejected","reason"} the state follows; without a provider, or when it answers
// later (ErrPending), the declaration stays SUBMITTED until fw_tax_declaration_resolve().
// Audited. Errors: ErrNotFound; ErrState unless it is the period's current draft; ErrProvider /
// ErrTimeout when the provider failed (the declaration stays a draft); ErrPerm.
func (c *Context) TaxDeclarationSubmit(declarationID int64) error {
	h, err := c.handle()
	if err != nil {
		return err
	}
	var e *C.fw_error
	rc := C.fw_tax_declaration_submit(h, C.fw_id(declarationID), &e)
	runtime.KeepAlive(c)
	return check(rc, e)
}

// TaxDeclarationResolve binds fw_tax_declaration_resolve: records the tax bureau's answer to a
// submitted declaration (operator or late provider): {"status":"accepted","receipt_no":"..."}
// or {"status":"rejected","reason":"..."}. Audited. Errors: ErrInvalid naming the field;
// ErrNotFound; ErrState unless SUBMITTED; ErrPerm.
func (c *Context) TaxDeclarationResolve(declarationID int64, record interface{}) error {
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
	rc := C.fw_tax_declaration_resolve(h, C.fw_id(declarationID), recordText, recordLen, &e)
	runtime.KeepAlive(c)
	return check(rc, e)
}

// TaxDeclarationGet binds fw_tax_declaration_get: A declaration with its lines:
// {"id","period","version","state","supersedes_id","receipt_no",
// "reason","totals":{...},"lines":[{"worker_id",...}]}. Errors: ErrNotFound; ErrPerm; ErrNoMem.
func (c *Context) TaxDeclarationGet(declarationID int64) ([]byte, error) {
	h, err := c.handle()
	if err != nil {
		return nil, err
	}
	var out outText
	var e *C.fw_error
	rc := C.fw_tax_declaration_get(h, C.fw_id(declarationID), &out.p, &out.n, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	return out.take(), nil
}

// TaxDeclarationExportCSV binds fw_tax_declaration_export_csv: the declaration's lines as CSV
// (RFC 4180, CRLF, amounts in yuan with two decimals), one line per worker in the shape of the
// withholding return: period, version, worker_id, records, income, cum_income, cum_expense,
// cum_deduction, iit_withheld, cum_iit_withheld, vat, city_maintenance, education,
// local_education. Workers appear by id: the host joins names and masked ID numbers from the
// party records. Errors: ErrNotFound; ErrPerm; ErrNoMem.
func (c *Context) TaxDeclarationExportCSV(declarationID int64) (string, error) {
	h, err := c.handle()
	if err != nil {
		return "", err
	}
	var out outText
	var e *C.fw_error
	rc := C.fw_tax_declaration_export_csv(h, C.fw_id(declarationID), &out.p, &out.n, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return "", err
	}
	return string(out.take()), nil
}

// TaxDeclarationLatest binds fw_tax_declaration_latest: the newest version of a period's
// declaration. Errors: ErrInvalid for a bad period; ErrNotFound when none was built; ErrPerm.
func (c *Context) TaxDeclarationLatest(period string) (int64, error) {
	h, err := c.handle()
	if err != nil {
		return 0, err
	}
	cPeriod := cText(period)
	defer free(cPeriod)
	var out C.fw_id
	var e *C.fw_error
	rc := C.fw_tax_declaration_latest(h, cPeriod, &out, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return 0, err
	}
	return int64(out), nil
}

// TaxPay binds fw_tax_pay: pays the tax withheld under an accepted declaration: a payment (IIT,
// VAT, surcharges from the declaration's totals) is recorded PENDING and sent through the tax
// provider's pay callback; an answer {"status":"paid","bank_ref"} or
// {"status":"failed","reason"} settles it, otherwise fw_tax_payment_resolve() does. Idempotent
// by key. Audited. Errors: ErrNotFound; ErrState unless the declaration is ACCEPTED, or when it
// already has a pending or paid payment; ErrConflict for a key reused with another request;
// ErrPerm.
func (c *Context) TaxPay(declarationID int64, idemKey string) (int64, error) {
	h, err := c.handle()
	if err != nil {
		return 0, err
	}
	cIdemKey := cText(idemKey)
	defer free(cIdemKey)
	var out C.fw_id
	var e *C.fw_error
	rc := C.fw_tax_pay(h, C.fw_id(declarationID), cIdemKey, &out, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return 0, err
	}
	return int64(out), nil
}

// TaxPaymentResolve binds fw_tax_payment_resolve: settles a pending payment:
// {"status":"paid","bank_ref":"..."} or {"status":"failed","reason":"..."}. Audited. Errors:
// ErrInvalid naming the field; ErrNotFound; ErrState unless PENDING; ErrPerm.
func (c *Context) TaxPaymentResolve(paymentID int64, record interface{}) error {
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
	rc := C.fw_tax_payment_resolve(h, C.fw_id(paymentID), recordText, recordLen, &e)
	runtime.KeepAlive(c)
	return check(rc, e)
}

// TaxPaymentGet binds fw_tax_payment_get: A payment:
// {"id","declaration_id","state","iit_fen","vat_fen","surcharge_fen","total_fen",
// "bank_ref","reason"}. Errors: ErrNotFound; ErrPerm; ErrNoMem.
func (c *Context) TaxPaymentGet(paymentID int64) ([]byte, error) {
	h, err := c.handle()
	if err != nil {
		return nil, err
	}
	var out outText
	var e *C.fw_error
	rc := C.fw_tax_payment_get(h, C.fw_id(paymentID), &out.p, &out.n, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	return out.take(), nil
}

// TaxCertificateQuery binds fw_tax_certificate_query: asks the tax provider's certificate
// callback for a worker's certificate of a period ({"worker_id","period"} ->
// {"certificate_no","content_type","document_b64"}) and stores it. Errors: ErrPending when
// there is no provider or it answers later (an operator then records it with
// fw_tax_certificate_record()); ErrProvider for an unusable answer; ErrExists when that
// certificate number is stored; ErrPerm.
func (c *Context) TaxCertificateQuery(workerID int64, period string) (int64, error) {
	h, err := c.handle()
	if err != nil {
		return 0, err
	}
	cPeriod := cText(period)
	defer free(cPeriod)
	var out C.fw_id
	var e *C.fw_error
	rc := C.fw_tax_certificate_query(h, C.fw_id(workerID), cPeriod, &out, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return 0, err
	}
	return int64(out), nil
}

// TaxCertificateRecord binds fw_tax_certificate_record: records a certificate received by hand:
// {"worker_id","period","certificate_no", "content_type","document_b64"} (document up to 8
// MiB). Audited. Errors: ErrInvalid naming the field; ErrExists for a known certificate number;
// ErrPerm.
func (c *Context) TaxCertificateRecord(record interface{}) (int64, error) {
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
	rc := C.fw_tax_certificate_record(h, recordText, recordLen, &out, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return 0, err
	}
	return int64(out), nil
}

// TaxCertificateGet binds fw_tax_certificate_get: A certificate's metadata:
// {"id","worker_id","period","certificate_no",
// "origin":"provider|operator|platform","content_type","size","sha256"}. Workers read only
// their own. Errors: ErrNotFound; ErrPerm; ErrNoMem.
func (c *Context) TaxCertificateGet(certificateID int64) ([]byte, error) {
	h, err := c.handle()
	if err != nil {
		return nil, err
	}
	var out outText
	var e *C.fw_error
	rc := C.fw_tax_certificate_get(h, C.fw_id(certificateID), &out.p, &out.n, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	return out.take(), nil
}

// TaxCertificateDownload binds fw_tax_certificate_download: the certificate's document bytes as
// stored). Errors: ErrNotFound; ErrPerm; ErrNoMem.
func (c *Context) TaxCertificateDownload(certificateID int64) ([]byte, error) {
	h, err := c.handle()
	if err != nil {
		return nil, err
	}
	var out outText
	var e *C.fw_error
	rc := C.fw_tax_certificate_download(h, C.fw_id(certificateID), (**C.uint8_t)(unsafe.Pointer(&out.p)), &out.n, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	return out.take(), nil
}

// TaxCertificateIssue binds fw_tax_certificate_issue: issues the platform's own certificate of
// tax withheld and paid for a worker and period, from the newest accepted declaration with a
// line for the worker, once its payment is PAID. The document (content type application/json)
// is {"certificate":{"format":
// "flexwork-tax-certificate","version":1,"certificate_no","worker_id","period",
// "declaration_id","declaration_version","receipt_no","bank_ref","income_fen","iit_fen",
// "vat_fen","surcharge_fen","total_fen","issued_ms","public_key"},"signature":"<hex>"}: an
// Ed25519 signature by the platform key (fw_audit_public_key()) over the exact bytes of the
// certificate object. Issuing again returns the same certificate. Audited. Errors: ErrInvalid
// for a bad worker_id or period; ErrNotFound when no accepted declaration of the period has a
// line for the worker; ErrState when its tax is not paid yet; ErrPerm. On failure the store is
// unchanged.
func (c *Context) TaxCertificateIssue(workerID int64, period string) (int64, error) {
	h, err := c.handle()
	if err != nil {
		return 0, err
	}
	cPeriod := cText(period)
	defer free(cPeriod)
	var out C.fw_id
	var e *C.fw_error
	rc := C.fw_tax_certificate_issue(h, C.fw_id(workerID), cPeriod, &out, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return 0, err
	}
	return int64(out), nil
}

// TaxCertificateVerify binds fw_tax_certificate_verify: verifies a platform-issued certificate
// document offline against the platform's public key. Errors: ErrAuth when the signature does
// not verify (an edited or forged document, or another key); ErrInvalid when the bytes are not
// such a certificate.
func TaxCertificateVerify(doc []byte, publicKey []byte) error {
	cDoc := (*C.uint8_t)(C.CBytes(doc))
	defer C.free(unsafe.Pointer(cDoc))
	if len(publicKey) != 32 {
		return &Error{Code: CodeInvalid, Path: "public_key",
			Message: fmt.Sprintf("public_key: must be 32 bytes, got %d", len(publicKey))}
	}
	var e *C.fw_error
	rc := C.fw_tax_certificate_verify(cDoc, C.size_t(len(doc)), (*C.uint8_t)(unsafe.Pointer(&publicKey[0])), &e)
	return check(rc, e)
}

// TaxCertificateRender binds fw_tax_certificate_render: A printable plain-text rendering of a
// platform-issued certificate (amounts in yuan). Errors: ErrNotFound; ErrState for a
// certificate not issued by the platform; ErrPerm (workers render only their own); ErrNoMem.
func (c *Context) TaxCertificateRender(certificateID int64) (string, error) {
	h, err := c.handle()
	if err != nil {
		return "", err
	}
	var out outText
	var e *C.fw_error
	rc := C.fw_tax_certificate_render(h, C.fw_id(certificateID), &out.p, &out.n, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return "", err
	}
	return string(out.take()), nil
}
