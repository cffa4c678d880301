package flexwork

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
)

type taxCase struct {
	Type     string            `json:"type"`
	Name     string            `json:"name"`
	Date     string            `json:"date"`
	Policies map[string]string `json:"policies"`
	Request  json.RawMessage   `json:"request"`
	Payments []struct {
		Date     string `json:"date"`
		GrossFen int64  `json:"gross_fen"`
	} `json:"payments"`
	Expect struct {
		Error        string           `json:"error"`
		ResultFen    int64            `json:"result_fen"`
		Amounts      map[string]int64 `json:"amounts"`
		IITFen       []int64          `json:"iit_fen"`
		VATFen       []int64          `json:"vat_fen"`
		SurchargeFen []int64          `json:"surcharge_fen"`
		IITTotalFen  *int64           `json:"iit_total_fen"`
	} `json:"expect"`
}

func loadTaxCases(t *testing.T) []taxCase {
	var v struct {
		Format string    `json:"format"`
		Cases  []taxCase `json:"cases"`
	}
	readVector(t, "tax_cases.json", &v)
	if v.Format != "flexwork-tax-cases" || len(v.Cases) != 87 {
		t.Fatalf("tax_cases.json: format %q, %d cases", v.Format, len(v.Cases))
	}
	return v.Cases
}

// typedTax runs a compute request through the typed entry point of its kind.
func typedTax(t *testing.T, calc *TaxCalc, request json.RawMessage) (int64, error) {
	var r struct {
		Kind         string `json:"kind"`
		GrossFen     int64  `json:"gross_fen"`
		CumIncomeFen int64  `json:"cum_income_fen"`
		Months       uint32 `json:"months"`
		WithheldFen  int64  `json:"withheld_fen"`
		AmountFen    int64  `json:"amount_fen"`
		DeemedRate   int64  `json:"deemed_rate_ppm"`
		Individual   bool   `json:"individual_business"`
		MonthGross   int64  `json:"month_gross_fen"`
		VATFen       int64  `json:"vat_fen"`
	}
	must(t, json.Unmarshal(request, &r))
	switch r.Kind {
	case "labour_payment":
		return calc.LabourPayment(r.GrossFen)
	case "labour_cumulative":
		return calc.LabourCumulative(r.CumIncomeFen, r.Months, r.WithheldFen)
	case "business":
		var flags uint32
		if r.Individual {
			flags = TaxBusinessIndividual
		}
		return calc.Business(r.AmountFen, r.DeemedRate, flags)
	case "vat":
		vat, _, err := calc.VAT(r.MonthGross)
		return vat, err
	case "surcharges":
		return calc.Surcharges(r.VATFen)
	}
	t.Fatalf("unknown kind %q", r.Kind)
	return 0, nil
}

// .a .h: every calc vector of tests/vectors/tax_cases.json, through
// fw_tax_calc_compute and the typed entry point.
func TestTaxGoldenCalcCases(t *testing.T) {
	n := 0
	for _, c := range loadTaxCases(t) {
		if c.Type != "calc" {
			continue
		}
		n++
		c := c
		t.Run(c.Name, func(t *testing.T) {
			calc, err := TaxCalcNew(nil, cstNoon(t, c.Date))
			must(t, err)
			defer calc.Close()
			for name, value := range c.Policies {
				must(t, calc.SetPolicy(name, value))
			}
			out, err := calc.Compute(c.Request)
			_, typedErr := typedTax(t, calc, c.Request)
			if c.Expect.Error != "" {
				if c.Expect.Error != "FW_ENOTFOUND" || !errors.Is(err, ErrNotFound) || !errors.Is(typedErr, ErrNotFound) {
					t.Fatalf("want %s, got %v / %v", c.Expect.Error, err, typedErr)
				}
				return
			}
			must(t, err)
			res := object(t, out)
			if got := num(t, res, "result_fen"); got != c.Expect.ResultFen {
				t.Errorf("result_fen %d, want %d", got, c.Expect.ResultFen)
			}
			for name, fen := range c.Expect.Amounts {
				if got := num(t, res, "amounts", name); got != fen {
					t.Errorf("amounts.%s %d, want %d", name, got, fen)
				}
			}
			got, err := typedTax(t, calc, c.Request)
			must(t, err)
			if got != c.Expect.ResultFen {
				t.Errorf("typed %d, want %d", got, c.Expect.ResultFen)
			}
			explained, err := calc.Explain()
			must(t, err)
			if num(t, object(t, explained), "result_fen") != c.Expect.ResultFen {
				t.Errorf("explain: %s", explained)
			}
		})
	}
	if n != 71 {
		t.Fatalf("%d calc cases", n)
	}
}

// .a: every withholding vector, payment by payment through fw_tax_withhold.
func TestTaxGoldenWithholdingCases(t *testing.T) {
	for _, c := range loadTaxCases(t) {
		if c.Type != "withholding" {
			continue
		}
		c := c
		t.Run(c.Name, func(t *testing.T) {
			ctx := openAdmin(t, &testClock{ms: clockStart})
			for name, value := range c.Policies {
				must(t, ctx.TaxSetPolicy(name, value))
			}
			var total int64
			for i, p := range c.Payments {
				ref := fmt.Sprintf("pay-%d", i)
				withheld, err := ctx.TaxWithhold(1, ref, p.GrossFen, cstNoon(t, p.Date))
				must(t, err)
				out, err := ctx.TaxWithholdingGet(ref)
				must(t, err)
				w := field(t, object(t, out), "withholding")
				iit, vat := num(t, w, "iit_fen"), num(t, w, "vat_fen")
				sur := num(t, w, "city_maintenance_fen") + num(t, w, "education_fen") + num(t, w, "local_education_fen")
				if iit != c.Expect.IITFen[i] {
					t.Errorf("payment %d: iit %d, want %d", i, iit, c.Expect.IITFen[i])
				}
				if c.Expect.VATFen != nil && vat != c.Expect.VATFen[i] {
					t.Errorf("payment %d: vat %d, want %d", i, vat, c.Expect.VATFen[i])
				}
				if c.Expect.SurchargeFen != nil && sur != c.Expect.SurchargeFen[i] {
					t.Errorf("payment %d: surcharges %d, want %d", i, sur, c.Expect.SurchargeFen[i])
				}
				if withheld != iit+vat+sur {
					t.Errorf("payment %d: withheld %d", i, withheld)
				}
				total += iit
			}
			if c.Expect.IITTotalFen != nil && total != *c.Expect.IITTotalFen {
				t.Errorf("year total %d, want %d", total, *c.Expect.IITTotalFen)
			}
		})
	}
}

func taxDay(t *testing.T, y, m, d int) int64 {
	return cstNoon(t, fmt.Sprintf("%04d-%02d-%02d", y, m, d))
}

// .a: a withholding is recorded with its figures and replays by payment reference.
func TestTaxWithholdingRecordedAndIdempotent(t *testing.T) {
	ctx := openAdmin(t, &testClock{ms: clockStart})
	withheld, err := ctx.TaxWithhold(7, "po-1", 2000000, taxDay(t, 2026, 1, 10))
	must(t, err)
	if withheld != 33000 {
		t.Fatalf("withheld %d", withheld)
	}
	out, err := ctx.TaxCumulativeGet(7, 2026)
	must(t, err)
	if string(out) != `{"worker_id":7,"year":2026,"last_month":1,"month_count":1,"income_fen":2000000,`+
		`"expense_fen":400000,"deduction_fen":500000,"withheld_fen":33000}` {
		t.Fatalf("cumulative %s", out)
	}
	if again, err := ctx.TaxWithhold(7, "po-1", 2000000, taxDay(t, 2026, 1, 10)); err != nil || again != 33000 {
		t.Fatalf("replay %d %v", again, err)
	}
	_, err = ctx.TaxWithhold(7, "po-1", 2000001, taxDay(t, 2026, 1, 10))
	wantError(t, err, ErrConflict, "gross_fen", `gross_fen: payment "po-1" was withheld on 2000000 fen, not 2000001`)
	_, err = ctx.TaxWithhold(8, "po-1", 2000000, taxDay(t, 2026, 1, 10))
	wantError(t, err, ErrConflict, "worker_id", "")
	_, err = ctx.TaxWithhold(7, "", 1, taxDay(t, 2026, 1, 10))
	wantError(t, err, ErrInvalid, "payment_ref", "")
	adjust, err := ctx.TaxReverse("po-1", taxDay(t, 2026, 1, 20))
	must(t, err)
	if adjust != -33000 {
		t.Fatalf("reversal %d", adjust)
	}
	_, err = ctx.TaxReverse("po-1", taxDay(t, 2026, 1, 21))
	wantError(t, err, ErrState, "payment_ref", "")
	_, err = ctx.TaxWithholdingGet("po-2")
	wantError(t, err, ErrNotFound, "payment_ref", "")
}

// .b-c, R-7.8: declaration, payment and the platform's signed certificate.
func TestTaxDeclarationPaymentCertificate(t *testing.T) {
	ctx := openAdmin(t, &testClock{ms: clockStart})
	steps := []struct {
		worker int64
		ref    string
		gross  int64
		day    int
		month  int
	}{{7, "a", 2000000, 10, 2}, {7, "b", 2000000, 5, 3}, {7, "c", 1000000, 20, 3}, {9, "d", 10100000, 21, 3}}
	for _, s := range steps {
		_, err := ctx.TaxWithhold(s.worker, s.ref, s.gross, taxDay(t, 2026, s.month, s.day))
		must(t, err)
	}
	_, err := ctx.TaxReverse("a", taxDay(t, 2026, 3, 25))
	must(t, err)
	decl, err := ctx.TaxDeclarationBuild("2026-03")
	must(t, err)
	out, err := ctx.TaxDeclarationGet(decl)
	must(t, err)
	if !bytes.Contains(out, []byte(`"totals":{"workers":2,"gross_fen":11100000,"income_fen":11000000,`+
		`"iit_fen":507000,"vat_fen":100000,"surcharge_fen":6000,"total_fen":613000}`)) {
		t.Fatalf("declaration %s", out)
	}
	if str(t, object(t, out), "state") != "draft" {
		t.Fatalf("state %s", out)
	}
	csv, err := ctx.TaxDeclarationExportCSV(decl)
	must(t, err)
	want := "period,version,worker_id,records,income,cum_income,cum_expense,cum_deduction," +
		"iit_withheld,cum_iit_withheld,vat,city_maintenance,education,local_education\r\n" +
		"2026-03,1,7,3,10000.00,30000.00,6000.00,10000.00,90.00,420.00,0.00,0.00,0.00,0.00\r\n" +
		"2026-03,1,9,1,100000.00,100000.00,20000.00,5000.00,4980.00,4980.00,1000.00,35.00,15.00,10.00\r\n"
	if csv != want {
		t.Fatalf("csv %q", csv)
	}
	_, err = ctx.TaxDeclarationBuild("2026-13")
	wantError(t, err, ErrInvalid, "period", `period: must be a month "YYYY-MM", got "2026-13"`)
	if latest, err := ctx.TaxDeclarationLatest("2026-03"); err != nil || latest != decl {
		t.Fatalf("latest %d %v", latest, err)
	}

	_, err = ctx.TaxPay(decl, "k1")
	wantError(t, err, ErrState, "declaration_id",
		"declaration_id: declaration 1 is draft; withheld tax is paid under an accepted declaration")
	must(t, ctx.TaxDeclarationSubmit(decl))
	wantError(t, ctx.TaxDeclarationResolve(decl, `{"status":"accepted"}`), ErrInvalid, "$.receipt_no", "")
	must(t, ctx.TaxDeclarationResolve(decl, map[string]string{"status": "accepted", "receipt_no": "R-3"}))
	_, err = ctx.TaxCertificateIssue(9, "2026-03")
	wantError(t, err, ErrState, "period", "")
	pay, err := ctx.TaxPay(decl, "k2")
	must(t, err)
	out, err = ctx.TaxPaymentGet(pay)
	must(t, err)
	if string(out) != fmt.Sprintf(`{"id":%d,"declaration_id":%d,"state":"pending","iit_fen":507000,"vat_fen":100000,`+
		`"surcharge_fen":6000,"total_fen":613000,"bank_ref":null,"reason":null}`, pay, decl) {
		t.Fatalf("payment %s", out)
	}
	wantError(t, ctx.TaxPaymentResolve(pay, `{"status":"paid"}`), ErrInvalid, "$.bank_ref", "")
	must(t, ctx.TaxPaymentResolve(pay, `{"status":"paid","bank_ref":"B-9"}`))

	cert, err := ctx.TaxCertificateIssue(9, "2026-03")
	must(t, err)
	doc, err := ctx.TaxCertificateDownload(cert)
	must(t, err)
	meta, err := ctx.TaxCertificateGet(cert)
	must(t, err)
	sum := sha256.Sum256(doc)
	m := object(t, meta)
	if str(t, m, "origin") != "platform" || num(t, m, "size") != int64(len(doc)) || str(t, m, "sha256") != hex.EncodeToString(sum[:]) {
		t.Fatalf("certificate %s", meta)
	}
	key, err := ctx.AuditPublicKey()
	must(t, err)
	must(t, TaxCertificateVerify(doc, key))
	forged := bytes.Replace(doc, []byte(`"iit_fen":498000`), []byte(`"iit_fen":198000`), 1)
	if bytes.Equal(forged, doc) {
		t.Fatalf("certificate %s", doc)
	}
	wantError(t, TaxCertificateVerify(forged, key), ErrAuth, "doc", "")
	wantError(t, TaxCertificateVerify(doc, make([]byte, 32)), ErrAuth, "doc", "")
	wantError(t, TaxCertificateVerify([]byte("{}"), key), ErrInvalid, "doc", "")
	wantError(t, TaxCertificateVerify(doc, key[:5]), ErrInvalid, "public_key", "public_key: must be 32 bytes, got 5")
	text, err := ctx.TaxCertificateRender(cert)
	must(t, err)
	for _, line := range []string{"IIT withheld:         4980.00\n", "Total paid:           6040.00\n",
		"Paid, bank reference: B-9\n"} {
		if !strings.Contains(text, line) {
			t.Errorf("render lacks %q:\n%s", line, text)
		}
	}
}

// .b-c: the tax bureau through a Go provider.
func TestTaxProvider(t *testing.T) {
	ctx := openAdmin(t, &testClock{ms: clockStart})
	_, err := ctx.TaxCertificateQuery(7, "2026-03")
	wantError(t, err, ErrPending, "", "")
	var certReq []byte
	must(t, ctx.SetTaxProvider(&TaxProvider{
		Declare: func([]byte) ([]byte, error) { return []byte(`{"status":"accepted","receipt_no":"R2"}`), nil },
		Pay:     func([]byte) ([]byte, error) { return []byte(`{"status":"paid","bank_ref":"B-77"}`), nil },
		Certificate: func(req []byte) ([]byte, error) {
			certReq = req
			return []byte(`{"certificate_no":"WS-2","content_type":"application/pdf","document_b64":"JVBERi0xLjQ="}`), nil
		},
	}))
	_, err = ctx.TaxWithhold(9, "d", 10100000, taxDay(t, 2026, 3, 21))
	must(t, err)
	decl, err := ctx.TaxDeclarationBuild("2026-03")
	must(t, err)
	must(t, ctx.TaxDeclarationSubmit(decl))
	out, err := ctx.TaxDeclarationGet(decl)
	must(t, err)
	if d := object(t, out); str(t, d, "state") != "accepted" || str(t, d, "receipt_no") != "R2" {
		t.Fatalf("declaration %s", out)
	}
	pay, err := ctx.TaxPay(decl, "k4")
	must(t, err)
	out, err = ctx.TaxPaymentGet(pay)
	must(t, err)
	if p := object(t, out); str(t, p, "state") != "paid" || str(t, p, "bank_ref") != "B-77" || num(t, p, "total_fen") != 604000 {
		t.Fatalf("payment %s", out)
	}
	cert, err := ctx.TaxCertificateQuery(7, "2026-03")
	must(t, err)
	if string(certReq) != `{"worker_id":7,"period":"2026-03"}` {
		t.Fatalf("request %s", certReq)
	}
	must(t, ctx.SetActor(RoleWorker, 7, ""))
	doc, err := ctx.TaxCertificateDownload(cert)
	must(t, err)
	if string(doc) != "%PDF-1.4" {
		t.Fatalf("doc %q", doc)
	}
	must(t, ctx.SetActor(RoleWorker, 8, ""))
	_, err = ctx.TaxCertificateDownload(cert)
	wantError(t, err, ErrPerm, "", "")
}

// .c: a certificate recorded by an operator.
func TestTaxCertificateRecorded(t *testing.T) {
	ctx := openAdmin(t, &testClock{ms: clockStart})
	rec := `{"worker_id":7,"period":"2026-03","certificate_no":"WS-1","content_type":"text/plain","document_b64":"aGVsbG8="}`
	id, err := ctx.TaxCertificateRecord(rec)
	must(t, err)
	out, err := ctx.TaxCertificateGet(id)
	must(t, err)
	if string(out) != fmt.Sprintf(`{"id":%d,"worker_id":7,"period":"2026-03","certificate_no":"WS-1","origin":"operator",`+
		`"content_type":"text/plain","size":5,"sha256":"2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"}`, id) {
		t.Fatalf("certificate %s", out)
	}
	doc, err := ctx.TaxCertificateDownload(id)
	must(t, err)
	if string(doc) != "hello" {
		t.Fatalf("doc %q", doc)
	}
	_, err = ctx.TaxCertificateRecord(rec)
	wantError(t, err, ErrExists, "$.certificate_no", "")
	_, err = ctx.TaxCertificateRecord(strings.Replace(strings.Replace(rec, "aGVsbG8=", "!!", 1), "WS-1", "WS-3", 1))
	wantError(t, err, ErrInvalid, "$.document_b64", "")
}

func TestTaxPolicies(t *testing.T) {
	ctx := openAdmin(t, nil)
	must(t, ctx.TaxSetPolicy("iit.gap_month", "reset_count"))
	out, err := ctx.TaxPolicies()
	must(t, err)
	if !bytes.Contains(out, []byte(`{"name":"iit.gap_month","value":"reset_count","default":"reset_all",`)) {
		t.Fatalf("policies %s", out)
	}
	wantError(t, ctx.TaxSetPolicy("iit.no_such_policy", "x"), ErrInvalid, "name", "")
	wantError(t, ctx.TaxSetPolicy("iit.gap_month", "sometimes"), ErrInvalid, "value", "")
	_, err = ctx.TaxRulesLoad("{")
	wantError(t, err, ErrJSON, "$", "")
	warnings, err := ctx.TaxWarnings(7)
	must(t, err)
	if string(warnings) != "[]" {
		t.Fatalf("warnings %s", warnings)
	}
}

// The calculator's lifetime: Close is idempotent, a closed calculator and one whose Context
// was closed refuse calls, a quote needs a Context and writes nothing.
func TestTaxCalcLifetime(t *testing.T) {
	ctx := openAdmin(t, &testClock{ms: clockStart})
	_, err := ctx.TaxWithhold(7, "po-1", 2000000, taxDay(t, 2026, 1, 10))
	must(t, err)
	calc, err := ctx.TaxCalcNew(taxDay(t, 2026, 2, 10))
	must(t, err)
	if q, err := calc.Withholding(7, 2000000); err != nil || q != 33000 {
		t.Fatalf("quote %d %v", q, err)
	}
	rules, err := calc.Rules()
	must(t, err)
	if !bytes.Contains(rules, []byte(`"id":"cn.iit.labour.cumulative.2025"`)) {
		t.Fatalf("rules %s", rules)
	}
	free, err := TaxCalcNew(nil, taxDay(t, 2026, 2, 10))
	must(t, err)
	_, err = free.Explain()
	wantError(t, err, ErrState, "", "")
	_, err = free.Withholding(7, 2000000)
	wantError(t, err, ErrInvalid, "", "")
	wantError(t, free.SetMethod(7), ErrInvalid, "method", "")
	must(t, free.SetMethod(TaxMethodPerPayment))
	must(t, free.Close())
	must(t, free.Close())
	_, err = free.LabourPayment(100000)
	wantError(t, err, ErrState, "", "the tax calculator is closed")
	_, err = TaxCalcNew(nil, -1)
	wantError(t, err, ErrInvalid, "at_ms", "")

	ctx.Close()
	_, err = calc.LabourPayment(100000)
	wantError(t, err, ErrState, "", "the context is closed")
	must(t, calc.Close())
	_, err = TaxCalcNew(ctx, 0)
	wantError(t, err, ErrState, "", "")
}
