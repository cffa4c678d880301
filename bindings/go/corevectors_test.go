package flexwork

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"
)

// The core's golden vectors that the public API can reach: money_rounding.json's ppm rates
// through a fee calculator, cst_periods.json's instants and month keys through tax periods.
func TestCoreVectorsThroughThePublicAPI(t *testing.T) {
	var money struct {
		PPM []struct {
			Amount json.RawMessage `json:"amount"`
			PPM    int64           `json:"ppm"`
			Mode   string          `json:"mode"`
			Want   json.RawMessage `json:"want"`
		} `json:"ppm"`
	}
	readVector(t, "money_rounding.json", &money)
	n := 0
	for _, v := range money.PPM {
		var amount, want int64
		if v.Mode != "half_up" || v.PPM > 1000000 || json.Unmarshal(v.Amount, &amount) != nil ||
			json.Unmarshal(v.Want, &want) != nil || amount < 0 {
			continue
		}
		calc, err := FeeCalcFromJSON(map[string]int64{"rate_ppm": v.PPM})
		must(t, err)
		fee, pays, receives, err := calc.Compute(amount, 0)
		must(t, err)
		if fee != want || pays != amount+want || receives != amount {
			t.Errorf("%d x %d ppm: %d %d %d, want fee %d", amount, v.PPM, fee, pays, receives, want)
		}
		calc.Close()
		n++
	}
	if n != 8 {
		t.Fatalf("%d ppm vectors", n)
	}

	var cst struct {
		Dates []struct {
			UTC      string `json:"utc"`
			Ms       int64  `json:"ms"`
			CSTDate  string `json:"cst_date"`
			MonthKey string `json:"month_key"`
		} `json:"dates"`
		MonthKeys []struct {
			Key   string `json:"key"`
			Valid bool   `json:"valid"`
		} `json:"month_keys"`
	}
	readVector(t, "cst_periods.json", &cst)
	ctx := openAdmin(t, &testClock{ms: clockStart})
	worker := int64(0)
	for _, d := range cst.Dates {
		if d.CSTDate < "2019" || d.CSTDate >= "2100" {
			continue
		}
		worker++
		ref := fmt.Sprintf("pay-%d", worker)
		_, err := ctx.TaxWithhold(worker, ref, 100000, d.Ms)
		must(t, err)
		out, err := ctx.TaxWithholdingGet(ref)
		must(t, err)
		if got := str(t, object(t, out), "withholding", "period"); got != d.MonthKey {
			t.Errorf("%s: period %s, want %s", d.UTC, got, d.MonthKey)
		}
	}
	if worker != 11 {
		t.Fatalf("%d instants", worker)
	}
	for _, k := range cst.MonthKeys {
		_, err := ctx.TaxDeclarationLatest(k.Key)
		if k.Valid && !errors.Is(err, ErrNotFound) {
			t.Errorf("%s: %v", k.Key, err)
		}
		if !k.Valid {
			wantError(t, err, ErrInvalid, "period", "")
		}
	}
}
