package flexwork

import (
	"bytes"
	"fmt"
	"testing"
)

const insuranceOIP = `{"code":"OIP-DELIVERY","name":"职业伤害保障 即时配送","type":"occupational_injury",` +
	`"insurer":"work-injury insurance fund","coverage":"injury while performing platform orders","coverage_fen":0,` +
	`"premium_rule":"per_order","payer":"platform","categories":["instant_delivery"]}`

// .i, R-5.8, R-7.12: products, enrolment, per-order premiums, certificates, social insurance.
func TestInsuranceFlow(t *testing.T) {
	ctx := openAdmin(t, &testClock{ms: clockStart})
	oipID, err := ctx.InsuranceProductCreate(insuranceOIP)
	must(t, err)
	out, err := ctx.InsuranceProductGet(oipID)
	must(t, err)
	if m := object(t, out); num(t, m, "premium_fen") != 7 || num(t, m, "min_age") != 16 || str(t, m, "state") != "active" {
		t.Fatalf("product %s", out)
	}
	_, err = ctx.InsuranceProductCreate(insuranceOIP)
	wantError(t, err, ErrExists, "$.code", "")
	if fen, err := ctx.InsurancePremiumFen(oipID, 300); err != nil || fen != 2100 {
		t.Fatalf("premium %d %v", fen, err)
	}
	dayID, err := ctx.InsuranceProductCreate(`{"code":"ACC-DAY","name":"daily accident","type":"accident","insurer":"PICC",` +
		`"coverage":"death, disability, medical","coverage_fen":60000000,"premium_rule":"per_day","premium_fen":150,"payer":"enterprise","max_risk_level":4}`)
	must(t, err)
	rec, err := ctx.InsuranceRecommend(`{"worker_id":7,"birth_date":"1990-05-01","on":"2026-03-15","region":"440300",` +
		`"hours_per_week":50,"work":[{"category":"instant_delivery","risk_level":4,"orders_per_month":300,"days_per_month":26}]}`)
	must(t, err)
	if m := object(t, rec); num(t, m, "age") != 35 || num(t, m, "recommended", 0, "product_id") != oipID ||
		num(t, m, "recommended", 0, "monthly_premium_fen") != 2100 {
		t.Fatalf("recommendation %s", rec)
	}
	oip, err := ctx.InsuranceEnrol(`{"product_id":1,"worker_id":7,"birth_date":"1990-05-01","enterprise_id":3,"categories":["instant_delivery"]}`)
	must(t, err)
	fen, p1, err := ctx.InsuranceCharge(oip, "O-1", clockStart, "k1")
	must(t, err)
	if fen != 7 {
		t.Fatalf("fen %d", fen)
	}
	if _, again, err := ctx.InsuranceCharge(oip, "O-1", clockStart+60000, ""); err != nil || again != p1 {
		t.Fatalf("again %d %v", again, err)
	}
	_, _, err = ctx.InsuranceCharge(oip, "O-3", clockStart, "k1")
	wantError(t, err, ErrConflict, "idempotency_key", "")
	_, _, err = ctx.InsuranceCharge(oip, "O-0", cstNoon(t, "2026-03-14"), "k0")
	wantError(t, err, ErrState, "at_ms", "at_ms: enrolment 1 covers 2026-03-15 to (open); the work on 2026-03-14 is outside it")
	premiums, err := ctx.InsurancePremiums(0, 0)
	must(t, err)
	if m := object(t, premiums); num(t, m, "total_fen") != 7 || str(t, m, "premiums", 0, "basis_ref") != "O-1" {
		t.Fatalf("premiums %s", premiums)
	}
	enrolments, err := ctx.InsuranceEnrolments(7)
	must(t, err)
	if n := len(decode(t, enrolments).([]interface{})); n != 1 {
		t.Fatalf("enrolments %s", enrolments)
	}

	day, err := ctx.InsuranceEnrol(fmt.Sprintf(`{"product_id":%d,"worker_id":7,"birth_date":"1990-05-01"}`, dayID))
	must(t, err)
	key, err := ctx.AuditPublicKey()
	must(t, err)
	must(t, ctx.SetActor(RoleWorker, 7, ""))
	cert, err := ctx.InsuranceCertificate(day)
	must(t, err)
	if str(t, object(t, cert), "certificate", "product", "code") != "ACC-DAY" {
		t.Fatalf("certificate %s", cert)
	}
	must(t, InsuranceCertificateVerify(cert, key))
	wantError(t, InsuranceCertificateVerify(cert, make([]byte, 32)), ErrAuth, "$.public_key", "")
	forged := bytes.Replace(cert, []byte("60000000"), []byte("90000000"), 1)
	wantError(t, InsuranceCertificateVerify(forged, key), ErrAuth, "$.signature", "")
	must(t, ctx.SetActor(RoleWorker, 8, ""))
	_, err = ctx.InsuranceCertificate(day)
	wantError(t, err, ErrPerm, "", "")

	must(t, ctx.SetActor(RoleWorker, 7, ""))
	rid, err := ctx.InsuranceSocialRequest(`{"worker_id":7,"kind":"pension","region":"440300","month":"2026-03","base_fen":512345,"rate_ppm":200000}`)
	must(t, err)
	must(t, ctx.SetActor(RoleOperator, 0, ""))
	wantError(t, ctx.InsuranceSocialUpdate(rid, `{"state":"paid"}`), ErrState, "$.state",
		"$.state: contribution request 1 is requested: it cannot become paid")
	must(t, ctx.InsuranceSocialUpdate(rid, `{"state":"submitted"}`))
	must(t, ctx.InsuranceSocialUpdate(rid, `{"state":"paid","reference":"SB-2026-03-0001"}`))
	list, err := ctx.InsuranceSocialList(7)
	must(t, err)
	if string(list) != `[{"id":1,"kind":"pension","region":"440300","month":"2026-03","base_fen":512345,"rate_ppm":200000,`+
		`"amount_fen":102469,"state":"paid","reference":"SB-2026-03-0001","note":null,"updated_ms":1773540000000}]` {
		t.Fatalf("social %s", list)
	}
	must(t, ctx.SetActor(RoleAdmin, 0, ""))
	must(t, ctx.InsuranceEnrolmentCancel(oip, `{"reason":"left the platform"}`))
	must(t, ctx.InsuranceProductRetire(dayID))
	products, err := ctx.InsuranceProductList()
	must(t, err)
	if n := len(decode(t, products).([]interface{})); n != 2 {
		t.Fatalf("products %s", products)
	}
}

// due premiums are posted to the ledger once; a payer without funds waits.
func TestInsurancePostPremiums(t *testing.T) {
	ctx := openAdmin(t, &testClock{ms: clockStart})
	p := newParties(t, ctx)
	ent := p.activeEnterprise(ent1Name, ent1USCC)
	w := p.activeWorker(ent, "王五", id1990)
	oipID, err := ctx.InsuranceProductCreate(insuranceOIP)
	must(t, err)
	oip, err := ctx.InsuranceEnrol(map[string]interface{}{"product_id": oipID, "worker_id": w, "birth_date": "1990-03-07",
		"enterprise_id": ent, "categories": []string{"instant_delivery"}})
	must(t, err)
	_, _, err = ctx.InsuranceCharge(oip, "O-1", clockStart, "")
	must(t, err)
	must(t, ctx.InsurancePostPremiums(0, "post-1"))
	must(t, ctx.InsurancePostPremiums(0, "post-1"))
	wantError(t, ctx.InsurancePostPremiums(clockStart, "post-1"), ErrConflict, "idempotency_key", "")
	out, err := ctx.InsurancePremiums(0, 0)
	must(t, err)
	if m := object(t, out); num(t, m, "posted_fen") != 7 || str(t, m, "premiums", 0, "journal_ref") != "ledger_entry:1" {
		t.Fatalf("premiums %s", out)
	}
	payable, err := ctx.LedgerAccountFind(LedgerOwnerPlatform, 0, AcctInsurancePayable, "")
	must(t, err)
	wantBalance(t, ctx, payable, 7, 7, 7)
}
