package flexwork

import (
	"fmt"
	"testing"
)

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
