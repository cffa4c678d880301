package flexwork

import (
	"runtime"
	"testing"
)

// Handles dropped without Close are freed by their finalizers; a Context closed under a
// TaxCalc makes the calculator refuse, the snapshot handles outlive it.
func TestHandlesFinalizedAndContextClosed(t *testing.T) {
	ctx := openAdmin(t, &testClock{ms: clockStart})
	p := newParties(t, ctx)
	ent := p.verifiedEnterprise(ent1Name, ent1USCC)
	_, err := ctx.FeeScheduleSet(map[string]interface{}{"enterprise_id": ent, "valid_from": "2026-01-01", "rate_ppm": 60000})
	must(t, err)
	record := map[string]interface{}{"template_id": p.coop, "enterprise_id": ent, "values": coopValues}
	for i := 0; i < 50; i++ {
		_, err := ctx.ContractCreate(record)
		must(t, err)
		_, err = ctx.FeeCalcNew(ent, clockStart)
		must(t, err)
		_, err = ctx.TaxCalcNew(clockStart)
		must(t, err)
		_, err = ctx.RiskCheck(RiskActionFunding, RiskParties{EnterpriseID: ent}, 100)
		must(t, err)
	}
	runtime.GC()
	runtime.GC()

	contract, err := ctx.ContractCreate(record)
	must(t, err)
	fee, err := ctx.FeeCalcNew(ent, clockStart)
	must(t, err)
	tax, err := ctx.TaxCalcNew(clockStart)
	must(t, err)
	ctx.Close()
	if _, err := contract.ToJSON(); err != nil {
		t.Fatalf("contract after Close: %v", err)
	}
	if f, _, _, err := fee.Compute(100, 0); err != nil || f != 6 {
		t.Fatalf("fee after Close: %d %v", f, err)
	}
	_, err = tax.LabourPayment(100000)
	wantError(t, err, ErrState, "", "the context is closed")
	for _, c := range []interface{ Close() error }{contract, fee, tax} {
		must(t, c.Close())
	}
}
