package flexwork

import (
	"fmt"
	"strings"
	"testing"
)

type payoutWorld struct {
	ctx         *Context
	ent, w1, w2 int64
	funds       int64
}

// newPayoutWorld: an active enterprise funded with 100,000.00 and a 6% fee on top, two active
// workers, a channel agreement, no risk limits; the actor is finance.
func newPayoutWorld(t *testing.T, clock *testClock) *payoutWorld {
	t.Helper()
	ctx := openAdmin(t, clock)
	p := newParties(t, ctx)
	_, err := ctx.PartyChannelAdd(`{"kind":"bank","counterparty":"招商银行杭州分行","agreement_no":"CMB-2026-001",` +
		`"valid_from":"2026-01-01","valid_to":"2027-12-31"}`)
	must(t, err)
	must(t, ctx.RiskLimitsSet(`{"scope":"platform","limits":{"per_payment_fen":0,"worker_day_fen":0,"worker_month_fen":0,`+
		`"worker_12m_fen":0,"worker_day_count":0,"worker_month_count":0,"enterprise_day_fen":0,"enterprise_month_fen":0,`+
		`"enterprise_day_count":0}}`))
	w := &payoutWorld{ctx: ctx}
	w.ent = p.activeEnterprise(ent1Name, ent1USCC)
	w.w1 = p.activeWorker(w.ent, "王五", id1990)
	w.w2 = p.activeWorker(w.ent, "张小红", id1949)
	_, err = ctx.FundingRegisterSource(w.ent, map[string]string{"payer_account": testPayer})
	must(t, err)
	_, err = ctx.FundingNotice(`{"bank_txn_id":"B-1","amount_fen":10000000,"payer_account":"` + testPayer + `"}`)
	must(t, err)
	_, err = ctx.FeeScheduleSet(fmt.Sprintf(`{"enterprise_id":%d,"valid_from":"2026-01-01","rate_ppm":60000,"bearer":"on_top","charge":"during"}`, w.ent))
	must(t, err)
	w.funds, err = ctx.LedgerAccountFind(LedgerOwnerEnterprise, w.ent, AcctEnterpriseFunds, "")
	must(t, err)
	must(t, ctx.SetActor(RoleFinance, 0, "finance"))
	return w
}

func (w *payoutWorld) order(t *testing.T, key string, worker, amount int64) int64 {
	t.Helper()
	id, st, err := w.ctx.PayoutCreate(map[string]interface{}{"idempotency_key": key, "enterprise_id": w.ent,
		"worker_id": worker, "amount_fen": amount, "task_ref": "T-1"})
	must(t, err)
	if st != PayoutHeld {
		t.Fatalf("state %d", st)
	}
	return id
}

func (w *payoutWorld) timeline(t *testing.T, id int64) string {
	t.Helper()
	out, err := w.ctx.PayoutGet(id)
	must(t, err)
	var steps []string
	for _, e := range field(t, object(t, out), "timeline").([]interface{}) {
		steps = append(steps, str(t, e, "to"))
	}
	return strings.Join(steps, ">")
}

// .c, R-7.5.d: held, submitted through a Go channel, paid; failed; operator results.
func TestPayoutFlow(t *testing.T) {
	w := newPayoutWorld(t, &testClock{ms: clockStart})
	ctx := w.ctx
	a := w.order(t, "p-1", w.w1, 3000000)
	wantBalance(t, ctx, w.funds, 10000000, 10000000-3180000, 10000000-3180000)
	out, err := ctx.PayoutGet(a)
	must(t, err)
	if m := object(t, out); num(t, m, "fee_fen") != 180000 || num(t, m, "enterprise_pays_fen") != 3180000 ||
		num(t, m, "iit_fen") != 57000 || num(t, m, "net_fen") != 3000000-57000 {
		t.Fatalf("order %s", out)
	}
	answer := `{"status":"success","channel_ref":"CMB-1"}`
	var requests []string
	must(t, ctx.SetPaymentProvider(&PaymentProvider{Submit: func(req []byte) ([]byte, error) {
		requests = append(requests, string(req))
		return []byte(answer), nil
	}}))
	if st, err := ctx.PayoutSubmit(a); err != nil || st != PayoutPaid {
		t.Fatalf("submit %d %v", st, err)
	}
	if !strings.Contains(requests[0], `"request_no":"FWP1"`) {
		t.Fatalf("request %s", requests[0])
	}
	wantBalance(t, ctx, w.funds, 10000000-3180000, 10000000-3180000, 10000000-3180000)
	if w.timeline(t, a) != "held>submitted>paid" || PayoutStateName(PayoutPaid) != "paid" || PayoutStateName(99) != "" {
		t.Fatalf("timeline %s", w.timeline(t, a))
	}
	if st, err := ctx.PayoutResult(a, PayoutResultSuccess, "CMB-1", ""); err != nil || st != PayoutPaid {
		t.Fatalf("result %d %v", st, err)
	}

	answer = `{"status":"failed","reason":"account closed"}`
	b := w.order(t, "p-2", w.w1, 100000)
	if st, err := ctx.PayoutSubmit(b); err != nil || st != PayoutFailed {
		t.Fatalf("submit %d %v", st, err)
	}
	_, err = ctx.PayoutResult(b, PayoutResultSuccess, "", "")
	wantError(t, err, ErrState, "result", fmt.Sprintf(`result: payout order %d is failed; a result "success" needs a held or submitted order`, b))

	must(t, ctx.SetPaymentProvider(nil))
	c := w.order(t, "p-3", w.w2, 20000)
	must(t, ctx.SetActor(RoleOperator, 0, ""))
	_, err = ctx.PayoutResult(c, 9, "", "")
	wantError(t, err, ErrInvalid, "result", "")
	if st, err := ctx.PayoutResult(c, PayoutResultFailed, "", "wrong card"); err != nil || st != PayoutFailed {
		t.Fatalf("result %d %v", st, err)
	}
	must(t, ctx.SetActor(RoleFinance, 0, ""))
	d := w.order(t, "p-4", w.w2, 20000)
	must(t, ctx.SetActor(RoleOperator, 0, ""))
	wantError(t, ctx.PayoutCancel(d, ""), ErrInvalid, "reason", "")
	must(t, ctx.PayoutCancel(d, "duplicate request"))
	wantError(t, ctx.PayoutCancel(d, "again"), ErrState, "order_id", "")
	if w.timeline(t, c) != "held>failed" || w.timeline(t, d) != "held>cancelled" {
		t.Fatalf("timelines %s %s", w.timeline(t, c), w.timeline(t, d))
	}
	must(t, ctx.SetActor(RoleFinance, 0, ""))
	if n, err := ctx.PayoutSweep(10); err != nil || n != 0 { // no provider: nothing to ask
		t.Fatalf("sweep %d %v", n, err)
	}
	// The month's total would pass the VAT threshold: the risk gate asks for a review, the
	// order waits suspended, nothing held; an operator's release then runs the funds check.
	big, st, err := ctx.PayoutCreate(map[string]interface{}{"idempotency_key": "big", "enterprise_id": w.ent,
		"worker_id": w.w1, "amount_fen": 9500000, "task_ref": "T-1"})
	must(t, err)
	if st != PayoutSuspended {
		t.Fatalf("state %d", st)
	}
	wantBalance(t, ctx, w.funds, 6820000, 6820000, 6820000)
	must(t, ctx.SetActor(RoleOperator, 0, ""))
	_, err = ctx.PayoutRelease(big, "checked with the enterprise")
	wantError(t, err, ErrFunds, "amount_fen", "")
	must(t, ctx.SetActor(RoleFinance, 0, ""))
	list, err := ctx.PayoutList(map[string]interface{}{"enterprise_id": w.ent})
	must(t, err)
	if n := len(field(t, object(t, list), "orders").([]interface{})); n != 5 {
		t.Fatalf("orders %s", list)
	}
}

// .c, R-5.6: a batch submitted at once; statements, summaries and vouchers.
func TestPayoutBatchAndStatements(t *testing.T) {
	w := newPayoutWorld(t, &testClock{ms: clockStart})
	ctx := w.ctx
	must(t, ctx.SetPaymentProvider(&PaymentProvider{Submit: func([]byte) ([]byte, error) {
		return []byte(`{"status":"success","channel_ref":"CMB-1"}`), nil
	}}))
	orders := []map[string]interface{}{}
	for i := 0; i < 4; i++ {
		orders = append(orders, map[string]interface{}{"idempotency_key": fmt.Sprintf("b-%d", i), "worker_id": w.w1,
			"amount_fen": 10000, "task_ref": fmt.Sprintf("T-%d", i)})
	}
	batch := map[string]interface{}{"idempotency_key": "b", "enterprise_id": w.ent, "mode": "all", "orders": orders, "submit": true}
	out, err := ctx.PayoutBatch(batch)
	must(t, err)
	if m := object(t, out); num(t, m, "orders") != 4 || num(t, m, "paid") != 4 || num(t, m, "amount_fen") != 40000 {
		t.Fatalf("batch %s", out)
	}
	orders[0]["amount_fen"] = 9500000
	batch["idempotency_key"] = "c"
	for i := range orders {
		orders[i]["idempotency_key"] = fmt.Sprintf("c-%d", i)
	}
	delete(batch, "submit")
	_, err = ctx.PayoutBatch(batch)
	wantError(t, err, ErrFunds, "$.orders[0]", "")
	batch["mode"] = "partial"
	batch["idempotency_key"] = "d"
	for i := range orders {
		orders[i]["idempotency_key"] = fmt.Sprintf("d-%d", i)
	}
	out, err = ctx.PayoutBatch(batch)
	must(t, err)
	res := object(t, out)
	if num(t, res, "orders") != 3 || num(t, res, "rejected") != 1 {
		t.Fatalf("partial %s", out)
	}
	out, err = ctx.PayoutBatchSubmit(num(t, res, "batch_id"))
	must(t, err)
	if num(t, object(t, out), "paid") != 3 {
		t.Fatalf("submitted %s", out)
	}

	must(t, ctx.SetActor(RoleWorker, w.w1, ""))
	csv, err := ctx.PayoutStatement(w.w1, "2026-03", PayoutFormatCSV)
	must(t, err)
	if !strings.HasPrefix(csv, "period,order_id,enterprise_id,task_ref,paid_date,gross,fee_borne,iit,vat,surcharges,net,state\n") ||
		!strings.Contains(csv, "\n2026-03,total,,,,700.00,0.00,") {
		t.Fatalf("statement %s", csv)
	}
	js, err := ctx.PayoutStatement(w.w1, "2026-03", PayoutFormatJSON)
	must(t, err)
	if m := object(t, []byte(js)); num(t, m, "orders") != 7 || num(t, m, "gross_fen") != 70000 {
		t.Fatalf("statement %s", js)
	}
	_, err = ctx.PayoutStatement(w.w1, "2026-3", PayoutFormatCSV)
	wantError(t, err, ErrInvalid, "month", "")
	must(t, ctx.SetActor(RoleEnterpriseUser, w.ent, ""))
	sum, err := ctx.PayoutEnterpriseSummary(w.ent, "2026-03")
	must(t, err)
	if m := object(t, sum); num(t, m, "orders") != 7 || num(t, m, "paid", "fee_fen") != 4200 {
		t.Fatalf("summary %s", sum)
	}
	vouchers, err := ctx.PayoutVouchers(w.ent, "2026-03", PayoutFormatCSV)
	must(t, err)
	if !strings.HasPrefix(vouchers, "voucher_no,date,summary,account_code,account_name,debit,credit\n1,2026-03-15,") {
		t.Fatalf("vouchers %s", vouchers)
	}
}

// .g: invoices up to what was served, issued through a Go e-invoicing provider.
func TestInvoiceFlow(t *testing.T) {
	w := newPayoutWorld(t, &testClock{ms: clockStart})
	ctx := w.ctx
	for i, amount := range []int64{100000, 50000} {
		id := w.order(t, fmt.Sprintf("p%d", i), w.w1, amount)
		_, err := ctx.PayoutResult(id, PayoutResultSuccess, "", "")
		must(t, err)
	}
	list, err := ctx.InvoiceList(w.ent)
	must(t, err)
	if m := object(t, list); num(t, m, "served_fen") != 159000 || num(t, m, "available_fen") != 159000 {
		t.Fatalf("list %s", list)
	}
	a, err := ctx.InvoiceRequest(`{"idempotency_key":"i1","enterprise_id":1,"kind":"vat_special","amount_fen":106000}`)
	must(t, err)
	out, err := ctx.InvoiceGet(a)
	must(t, err)
	if m := object(t, out); num(t, m, "tax_fen") != 6000 || str(t, m, "state") != "requested" {
		t.Fatalf("invoice %s", out)
	}
	_, err = ctx.InvoiceRequest(`{"idempotency_key":"i2","enterprise_id":1,"kind":"vat_normal","amount_fen":60000}`)
	wantError(t, err, ErrLimit, "$.amount_fen", "$.amount_fen: an invoice of 600.00 yuan exceeds what is left to invoice by 70.00 yuan (served 1590.00, invoiced 1060.00)")
	_, err = ctx.InvoiceIssue(a)
	wantError(t, err, ErrPending, "", "")
	must(t, ctx.SetInvoiceProvider(&InvoiceProvider{
		Issue: func([]byte) ([]byte, error) {
			return []byte(`{"invoice_no":"24332000000012345678","issued_date":"2026-03-15"}`), nil
		},
		Cancel: func([]byte) ([]byte, error) { return []byte(`{"red_invoice_no":"24332000000099990001"}`), nil },
	}))
	if st, err := ctx.InvoiceIssue(a); err != nil || st != InvoiceIssued {
		t.Fatalf("issue %d %v", st, err)
	}
	if st, err := ctx.InvoiceReverse(a, `{"reason":"退货"}`); err != nil || st != InvoiceReversed {
		t.Fatalf("reverse %d %v", st, err)
	}
	b, err := ctx.InvoiceRequest(`{"idempotency_key":"i3","enterprise_id":1,"kind":"vat_normal","amount_fen":100000}`)
	must(t, err)
	wantError(t, ctx.InvoiceRecord(b, `{"kind":"vat_normal","invoice_no":"N-1","amount_fen":99999,"tax_fen":5660,"date":"2026-03-16"}`),
		ErrInvalid, "$.amount_fen", "$.amount_fen: must be the requested 100000 fen, got 99999")
	must(t, ctx.InvoiceRecord(b, `{"kind":"vat_normal","invoice_no":"N-1","amount_fen":100000,"tax_fen":5660,"date":"2026-03-16"}`))
	list, err = ctx.InvoiceList(w.ent)
	must(t, err)
	if m := object(t, list); num(t, m, "available_fen") != 59000 {
		t.Fatalf("list %s", list)
	}
}
