package flexwork

import (
	"errors"
	"testing"
)

// .e: the gate's decision handle, limits and reservations.
func TestRiskGate(t *testing.T) {
	ctx := openAdmin(t, &testClock{ms: clockStart})
	p := newParties(t, ctx)
	ent := p.activeEnterprise(ent1Name, ent1USCC)
	w := p.activeWorker(ent, "王五", id1990)
	must(t, ctx.RiskLimitsSet(`{"scope":"platform","limits":{"per_payment_fen":100000,"worker_day_fen":1000}}`))
	d, err := ctx.RiskCheck(RiskActionPayout, RiskParties{EnterpriseID: ent, WorkerID: w}, 100001)
	must(t, err)
	if d.Outcome() != RiskDeny || d.Reservation() != 0 || d.Count() != 2 || d.Code(99) != "" || d.Severity(99) != 0 {
		t.Fatalf("decision %d %d %d", d.Outcome(), d.Reservation(), d.Count())
	}
	found := false
	for i := 0; i < d.Count(); i++ {
		found = found || (d.Code(i) == "LIMIT_PER_PAYMENT" && d.Severity(i) == RiskBlock)
	}
	if !found {
		t.Fatal("no LIMIT_PER_PAYMENT reason")
	}
	out, err := d.ToJSON()
	must(t, err)
	if m := object(t, out); str(t, m, "outcome") != "deny" || str(t, m, "action") != "payout" {
		t.Fatalf("decision %s", out)
	}
	must(t, d.Close())
	if d.Outcome() != 0 {
		t.Fatal("a closed decision answers")
	}
	reserve := func(amount int64) *RiskDecision {
		d, err := ctx.RiskCheck(RiskActionPayout, RiskParties{Reserve: true, EnterpriseID: ent, WorkerID: w}, amount)
		must(t, err)
		t.Cleanup(func() { d.Close() })
		return d
	}
	r1 := reserve(600)
	if r1.Outcome() != RiskAllow || r1.Reservation() == 0 {
		t.Fatalf("reserve %d %d", r1.Outcome(), r1.Reservation())
	}
	if reserve(600).Outcome() != RiskDeny || reserve(400).Outcome() != RiskAllow {
		t.Fatal("limit not enforced")
	}
	must(t, ctx.RiskRelease(r1.Reservation()))
	wantError(t, ctx.RiskRelease(r1.Reservation()), ErrState, "", "")
	if reserve(600).Outcome() != RiskAllow {
		t.Fatal("release did not give the room back")
	}
	answer, err := ctx.RiskCheckJSON(map[string]interface{}{"action": "payout", "enterprise_id": ent, "worker_id": w, "amount_fen": 1})
	must(t, err)
	if str(t, object(t, answer), "outcome") != "deny" {
		t.Fatalf("answer %s", answer)
	}
	_, err = ctx.RiskCheck(99, RiskParties{}, 0)
	wantError(t, err, ErrInvalid, "$.action", "")
}

// .f: inspection with a Go host rule; cases; a failing rule records nothing.
func TestRiskInspectCases(t *testing.T) {
	ctx := openAdmin(t, &testClock{ms: clockStart})
	period := `{"from":"2026-03-01","to":"2026-04-01"}`
	var got [2]int64
	rule := RiskHostRule{Code: "HOST_PAYROLL", Fn: func(fromMs, toMs int64) ([]RiskFinding, error) {
		got = [2]int64{fromMs, toMs}
		return []RiskFinding{{EnterpriseID: 1, WorkerID: 171, AmountFen: 5000, Detail: map[string]string{"why": "双重发薪"}}}, nil
	}}
	out, err := ctx.RiskInspect(period, []RiskHostRule{rule})
	must(t, err)
	if got != [2]int64{1772294400000, 1774972800000} {
		t.Fatalf("period %v", got)
	}
	run := object(t, out)
	if str(t, run, "findings", 0, "rule") != "HOST_PAYROLL" || num(t, run, "findings", 0, "amount_fen") != 5000 ||
		str(t, run, "findings", 0, "detail", "why") != "双重发薪" {
		t.Fatalf("run %s", out)
	}
	caseID := num(t, run, "findings", 0, "case_id")
	wantError(t, ctx.RiskCaseUpdate(caseID, `{"state":"resolved","note":"ok"}`), ErrInvalid, "$.resolution", "")
	must(t, ctx.RiskCaseUpdate(caseID, `{"state":"resolved","resolution":"suspend","note":"暂停结算"}`))
	list, err := ctx.RiskCaseList(`{"state":"resolved"}`)
	must(t, err)
	if l := decode(t, list); num(t, l, 0, "id") != caseID || str(t, l, 0, "resolution") != "suspend" {
		t.Fatalf("cases %s", list)
	}
	stats, err := ctx.RiskStats(period)
	must(t, err)
	if num(t, object(t, stats), "cases_by_rule", "HOST_PAYROLL") != 1 {
		t.Fatalf("stats %s", stats)
	}
	failing := RiskHostRule{Code: "HOST_PAYROLL", Fn: func(int64, int64) ([]RiskFinding, error) {
		return nil, errors.New("payroll system down")
	}}
	_, err = ctx.RiskInspect(period, []RiskHostRule{failing})
	wantError(t, err, ErrUser, "", "")
	panicking := RiskHostRule{Code: "HOST_PAYROLL", Fn: func(int64, int64) ([]RiskFinding, error) { panic("boom") }}
	_, err = ctx.RiskInspect(period, []RiskHostRule{panicking})
	wantError(t, err, ErrUser, "", "")
	list, err = ctx.RiskCaseList(nil)
	must(t, err)
	if n := len(decode(t, list).([]interface{})); n != 1 {
		t.Fatalf("%d cases after failing runs", n)
	}
	entry, err := ctx.RiskListAdd(`{"list":"black","kind":"person","value":"` + id1949 + `","reason":"冒用身份","source":"公安协查"}`)
	must(t, err)
	must(t, ctx.RiskListRemove(entry, "协查撤销"))
	wantError(t, ctx.RiskListRemove(entry, "again"), ErrState, "", "")
}
