package flexwork

import (
	"encoding/json"
	"errors"
	"math"
	"testing"
)

// every vector of tests/vectors/fee_cases.json through compute and breakdown.
func TestFeeGoldenVectors(t *testing.T) {
	var v struct {
		Cases []struct {
			Name              string          `json:"name"`
			Schedule          json.RawMessage `json:"schedule"`
			AmountFen         int64           `json:"amount_fen"`
			VolumeFen         int64           `json:"volume_fen"`
			FeeFen            int64           `json:"fee_fen"`
			EnterprisePaysFen int64           `json:"enterprise_pays_fen"`
			WorkerReceivesFen int64           `json:"worker_receives_fen"`
			Error             string          `json:"error"`
		} `json:"cases"`
	}
	readVector(t, "fee_cases.json", &v)
	if len(v.Cases) != 22 {
		t.Fatalf("%d cases", len(v.Cases))
	}
	for _, c := range v.Cases {
		calc, err := FeeCalcFromJSON(c.Schedule)
		must(t, err)
		fee, pays, receives, err := calc.Compute(c.AmountFen, c.VolumeFen)
		breakdown, berr := calc.Breakdown(c.AmountFen, c.VolumeFen)
		if c.Error != "" {
			want := map[string]*Error{"FW_ELIMIT": ErrLimit, "FW_EINVAL": ErrInvalid}[c.Error]
			if !errors.Is(err, want) || !errors.Is(berr, want) {
				t.Errorf("%s: %v / %v, want %s", c.Name, err, berr, c.Error)
			}
		} else {
			must(t, err)
			must(t, berr)
			b := object(t, breakdown)
			if fee != c.FeeFen || pays != c.EnterprisePaysFen || receives != c.WorkerReceivesFen ||
				num(t, b, "fee_fen") != c.FeeFen || num(t, b, "worker_receives_fen") != c.WorkerReceivesFen {
				t.Errorf("%s: %d %d %d, breakdown %s", c.Name, fee, pays, receives, breakdown)
			}
			if calc.ScheduleID() != 0 {
				t.Errorf("%s: schedule id %d", c.Name, calc.ScheduleID())
			}
		}
		must(t, calc.Close())
	}
}

func TestFeeBreakdownAndErrors(t *testing.T) {
	calc, err := FeeCalcFromJSON(`{"tiers":[{"from_volume_fen":0,"rate_ppm":30000},{"from_volume_fen":10,"rate_ppm":20000}],` +
		`"tier_mode":"marginal","min_fen":0,"charge":"after"}`)
	must(t, err)
	defer calc.Close()
	if calc.Charge() != FeeChargeAfter || calc.Bearer() != FeeOnTop {
		t.Fatalf("charge %d bearer %d", calc.Charge(), calc.Bearer())
	}
	out, err := calc.Breakdown(25, 0)
	must(t, err)
	want := `{"amount_fen":25,"volume_before_fen":0,"tier_mode":"marginal","base":"gross","bearer":"on_top",` +
		`"charge":"after","parts":[{"tier":0,"from_volume_fen":0,"portion_fen":10,"rate_ppm":30000},` +
		`{"tier":1,"from_volume_fen":10,"portion_fen":15,"rate_ppm":20000}],"rate_part_exact_fen":"0.600000",` +
		`"fixed_fen":0,"unrounded_fen":"0.600000","rounded_fen":1,"clamp":null,"fee_fen":1,` +
		`"enterprise_pays_fen":26,"worker_receives_fen":25,"schedule_id":null,"version":null}`
	if string(out) != want {
		t.Fatalf("breakdown %s", out)
	}
	big, err := FeeCalcFromJSON(map[string]int64{"rate_ppm": 1000000})
	must(t, err)
	_, _, _, err = big.Compute(10, math.MaxInt64-5)
	wantError(t, err, ErrOverflow, "volume_fen", "")
	must(t, big.Close())
	_, _, _, err = big.Compute(10, 0)
	wantError(t, err, ErrState, "", "the fee calculator is closed")
	if big.Charge() != 0 {
		t.Fatal("a closed calculator answers")
	}
	_, err = FeeCalcFromJSON(`{"rate_ppm":1,"bearer":"worker"}`)
	wantError(t, err, ErrInvalid, "$.bearer", "")
	_, err = FeeCalcFromJSON(`{"rate_ppm":1,"valid_from":"2026-02-01","valid_to":"2026-01-31"}`)
	wantError(t, err, ErrInvalid, "$.valid_to", "")
}

// the highest version whose dates hold the instant is in force.
func TestFeeScheduleVersions(t *testing.T) {
	ctx := openAdmin(t, &testClock{ms: clockStart})
	id1, err := ctx.FeeScheduleSet(`{"enterprise_id":5,"valid_from":"2026-01-01","rate_ppm":60000}`)
	must(t, err)
	id2, err := ctx.FeeScheduleSet(`{"enterprise_id":5,"valid_from":"2026-03-01","valid_to":"2026-05-31","rate_ppm":50000,"charge":"before"}`)
	must(t, err)
	calc, err := ctx.FeeCalcNew(5, cstNoon(t, "2026-01-15"))
	must(t, err)
	if fee, pays, receives, err := calc.Compute(10000, 0); err != nil || fee != 600 || pays != 10600 || receives != 10000 || calc.ScheduleID() != id1 {
		t.Fatalf("jan: %d %d %d %v", fee, pays, receives, err)
	}
	calc.Close()
	calc, err = ctx.FeeCalcNew(5, cstNoon(t, "2026-03-01"))
	must(t, err)
	if fee, _, _, err := calc.Compute(10000, 0); err != nil || fee != 500 || calc.Charge() != FeeChargeBefore || calc.ScheduleID() != id2 {
		t.Fatalf("mar: %d %v", fee, err)
	}
	ctx.Close() // the calculator is a copy: it outlives the context
	if fee, _, _, err := calc.Compute(100, 0); err != nil || fee != 5 {
		t.Fatalf("after close: %d %v", fee, err)
	}
	calc.Close()

	ctx = openAdmin(t, &testClock{ms: clockStart})
	_, err = ctx.FeeScheduleSet(`{"enterprise_id":5,"valid_from":"2026-01-01","rate_ppm":60000}`)
	must(t, err)
	out, err := ctx.FeeScheduleGet(5, cstNoon(t, "2026-03-01"))
	must(t, err)
	if m := object(t, out); num(t, m, "rate_ppm") != 60000 || num(t, m, "version") != 1 {
		t.Fatalf("schedule %s", out)
	}
	_, err = ctx.FeeCalcNew(6, cstNoon(t, "2026-03-01"))
	wantError(t, err, ErrNotFound, "enterprise_id", "")
	must(t, ctx.SetActor(RoleEnterpriseUser, 5, ""))
	_, err = ctx.FeeScheduleSet(`{"enterprise_id":5,"valid_from":"2026-01-01","rate_ppm":1}`)
	wantError(t, err, ErrPerm, "", "")
}
