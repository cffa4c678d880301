package flexwork

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
)

const (
	reconHeader = "交易日期,交易时间,交易流水号,客户业务编号,借方发生额,贷方发生额,余额,对方户名,对方账号,摘要\n"
	reconCSV    = `{"format":"csv","profile":"generic_bank","encoding":"utf-8"}`
	reconHour   = int64(3600000)
	reconD14    = clockStart - 10*reconHour - 24*reconHour // 2026-03-14 00:00 CST
)

func reconAccount(t *testing.T, ctx *Context, typ uint32, name string) int64 {
	t.Helper()
	id, err := ctx.LedgerAccountFind(LedgerOwnerPlatform, 0, typ, "")
	if errors.Is(err, ErrNotFound) {
		id, err = ctx.LedgerAccountOpen(map[string]interface{}{"owner_kind": "platform", "owner_id": 0, "type": name})
	}
	must(t, err)
	return id
}

// reconBook posts a record on bank clearing: money in (> 0) or out (< 0), with a reference.
func reconBook(t *testing.T, ctx *Context, ref string, amount, ms int64) {
	t.Helper()
	bank := reconAccount(t, ctx, AcctBankClearing, "bank_clearing")
	other := reconAccount(t, ctx, AcctPayoutClearing, "payout_clearing")
	side, otherSide, a := "debit_fen", "credit_fen", amount
	if amount < 0 {
		side, otherSide, a = "credit_fen", "debit_fen", -amount
	}
	_, err := ctx.LedgerEntryPost(map[string]interface{}{"idempotency_key": fmt.Sprintf("book-%s-%d", ref, ms),
		"reason": "payout.paid", "effective_ms": ms, "ref_kind": "payout", "ref_id": ref,
		"postings": []map[string]interface{}{{"account_id": bank, side: a}, {"account_id": other, otherSide: a}}})
	must(t, err)
}

// .a: every outcome and the balance check, a statement read through an io.Reader.
func TestReconOutcomes(t *testing.T) {
	ctx := openAdmin(t, &testClock{ms: clockStart})
	reconBook(t, ctx, "P-1", -10000, reconD14+9*reconHour)
	reconBook(t, ctx, "P-2", -5000, reconD14+23*reconHour+50*60000)
	reconBook(t, ctx, "P-3", -7000, reconD14+10*reconHour)
	reconBook(t, ctx, "P-4", -3000, reconD14+11*reconHour)
	text := reconHeader +
		"20260314,09:00:05,T001,P-1,100.00,,900.00,张三,6222020012345678,代发\n" +
		"20260314,11:00:00,T004,P-4,31.00,,869.00,李四,6222020012345679,代发\n" +
		"20260314,15:00:00,T005,,5.00,,864.00,,,手续费\n" +
		"20260314,09:00:05,T001,P-1,100.00,,900.00,张三,6222020012345678,代发\n" +
		"20260315,00:10:00,T002,P-2,50.00,,814.00,王五,6222020012345670,代发\n"
	st, err := ctx.ReconImport(iotest.OneByteReader(strings.NewReader(text)), reconCSV)
	must(t, err)
	out, err := ctx.ReconStatementGet(st)
	must(t, err)
	if m := object(t, out); num(t, m, "lines") != 5 || field(t, m, "run_id") != nil {
		t.Fatalf("statement %s", out)
	}
	run, err := ctx.ReconRun(st, `{"feed_funding":false}`)
	must(t, err)
	defer run.Close()
	for _, w := range []struct {
		outcome    uint32
		count, sum int64
	}{{ReconMatched, 1, -10000}, {ReconLate, 1, -5000}, {ReconAmountDiffers, 1, -3100},
		{ReconMissingInLedger, 1, -500}, {ReconDuplicate, 1, -10000}, {ReconMissingInStatement, 1, -7000}} {
		count, sum, err := run.Outcome(w.outcome)
		must(t, err)
		if count != w.count || sum != w.sum {
			t.Errorf("outcome %d: %d %d, want %d %d", w.outcome, count, sum, w.count, w.sum)
		}
	}
	_, _, err = run.Outcome(99)
	wantError(t, err, ErrInvalid, "outcome", "")
	summary, err := run.Summary()
	must(t, err)
	if m := object(t, summary); num(t, m, "balance", "opening_fen") != 100000 || num(t, m, "balance", "movements_fen") != -28600 ||
		field(t, m, "balance", "statement_consistent") != false || num(t, m, "cases_opened") != 4 {
		t.Fatalf("summary %s", summary)
	}
	results, err := run.Results(ReconLate, 0, 10)
	must(t, err)
	if m := object(t, results); num(t, m, "total") != 1 || str(t, m, "results", 0, "outcome") != "late" {
		t.Fatalf("results %s", results)
	}
	if run.ID() == 0 {
		t.Fatal("a recorded run has an id")
	}
	got, err := ctx.ReconRunGet(run.ID())
	must(t, err)
	if num(t, object(t, got), "cases_opened") != 4 {
		t.Fatalf("run %s", got)
	}
	_, err = ctx.ReconRun(st, nil)
	wantError(t, err, ErrState, "statement_id", "")

	// A failing reader aborts the import; nothing is kept.
	_, err = ctx.ReconImport(iotest.ErrReader(io.ErrUnexpectedEOF), reconCSV)
	wantError(t, err, ErrUser, "", "")
	_, err = ctx.ReconImport(strings.NewReader(text), reconCSV)
	wantError(t, err, ErrExists, "", "")
	path := filepath.Join(t.TempDir(), "statement.csv")
	must(t, os.WriteFile(path, []byte(reconHeader+"20260314,11:00:00,T2,,6.00,,,,,\n"), 0o600))
	second, err := ctx.ReconImportFile(path, reconCSV)
	must(t, err)
	if second != st+1 {
		t.Fatalf("statement %d", second)
	}
	profile, err := ctx.ReconProfileGet("generic_bank")
	must(t, err)
	if str(t, object(t, profile), "columns", "date") != "交易日期" {
		t.Fatalf("profile %s", profile)
	}

	// Cases: investigate, propose, four eyes, approve.
	cases, err := ctx.ReconCaseList(`{"state":"open"}`)
	must(t, err)
	var missing int64
	for _, c := range field(t, object(t, cases), "cases").([]interface{}) {
		if str(t, c, "kind") == "missing_in_ledger" {
			missing = num(t, c, "id")
		}
	}
	must(t, ctx.SetActor(RoleFinance, 0, "alice"))
	must(t, ctx.ReconCaseAct(missing, `{"action":"investigate"}`))
	revenue := reconAccount(t, ctx, AcctFeeRevenue, "fee_revenue")
	bank := reconAccount(t, ctx, AcctBankClearing, "bank_clearing")
	adj, err := ctx.ReconAdjustPropose(missing, map[string]interface{}{"idempotency_key": "adj-1",
		"reason": "recon.adjust.bank_fee", "postings": []map[string]int64{{"account_id": revenue, "debit_fen": 500},
			{"account_id": bank, "credit_fen": 500}}})
	must(t, err)
	_, err = ctx.ReconAdjustApprove(adj, "")
	wantError(t, err, ErrDenied, "adjustment_id", "") // four eyes
	must(t, ctx.SetActor(RoleFinance, 0, "bob"))
	entry, err := ctx.ReconAdjustApprove(adj, "checked the bank's advice")
	must(t, err)
	if entry == 0 {
		t.Fatal("no entry posted")
	}
	c, err := ctx.ReconCaseGet(missing)
	must(t, err)
	if m := object(t, c); str(t, m, "state") != "resolved_adjustment" || str(t, m, "adjustments", 0, "approved_by") != "bob" {
		t.Fatalf("case %s", c)
	}
	wantError(t, ctx.ReconAdjustReject(adj, "late"), ErrState, "adjustment_id", "")
	must(t, ctx.SetActor(RoleAdmin, 0, "admin"))

	// The run borrows its Context.
	dry, err := ctx.ReconRun(second, `{"dry_run":true}`)
	must(t, err)
	if dry.ID() != 0 {
		t.Fatalf("dry run id %d", dry.ID())
	}
	ctx.Close()
	_, err = dry.Results(0, 0, 10)
	wantError(t, err, ErrState, "", "the context is closed")
	must(t, dry.Close())
}

// .a, R-7.9.b: the fee check and an enterprise's reconciliation files.
func TestReconFeeCheckAndFiles(t *testing.T) {
	ctx := openFunding(t)
	_, err := ctx.FeeScheduleSet(`{"enterprise_id":1,"valid_from":"2026-01-01","rate_ppm":10000,"charge":"before"}`)
	must(t, err)
	_, err = ctx.FundingRegisterSource(1, `{"payer_account":"6222 0200 6666 6666"}`)
	must(t, err)
	_, err = ctx.FundingNotice(`{"bank_txn_id":"G-1","amount_fen":100000,"payer_account":"6222020066666666","received_ms":1773450000000}`)
	must(t, err)
	check, err := ctx.ReconFeeCheck(reconD14-13*24*reconHour, reconD14+2*24*reconHour, 0, 0)
	must(t, err)
	if m := object(t, check); num(t, m, "checked") != 1 || num(t, m, "booked_fen") != 1000 || len(field(t, m, "differences").([]interface{})) != 0 {
		t.Fatalf("check %s", check)
	}
	file, err := ctx.ReconFile(1, "2026-03", ReconFileJSON)
	must(t, err)
	if m := object(t, []byte(file)); num(t, m, "totals", "funding_fen") != 100000 || num(t, m, "totals", "fees_fen") != -1000 {
		t.Fatalf("file %s", file)
	}
	csv, err := ctx.ReconFile(1, "2026-03-14", ReconFileCSV)
	must(t, err)
	if !strings.HasPrefix(csv, "section,date,entry_id,reason,ref_kind,ref_id,account_id,account_type,amount,opening,closing\n") ||
		!strings.Contains(csv, ",enterprise_funds,990.00,0.00,990.00\n") {
		t.Fatalf("csv %s", csv)
	}
	index, err := ctx.ReconFileIndex(1, "2026-03")
	must(t, err)
	if !bytes.Contains(index, []byte(`"days":[{"date":"2026-03-14","entries":2,"in_fen":100000,"out_fen":1000}]`)) {
		t.Fatalf("index %s", index)
	}
	must(t, ctx.SetActor(RoleEnterpriseUser, 2, ""))
	_, err = ctx.ReconFile(1, "2026-03", ReconFileCSV)
	wantError(t, err, ErrPerm, "", "")
	must(t, ctx.SetActor(RoleAdmin, 0, ""))
	_, err = ctx.ReconFile(1, "2026-03-32", ReconFileCSV)
	wantError(t, err, ErrInvalid, "period", "")
	must(t, ctx.ReconProfileSet(`{"name":"my_bank","delimiter":";","skip_lines":0,"encoding":"utf-8","date_format":"YYYY-MM-DD",`+
		`"columns":{"date":"Date","amount":"Amount","reference":"Ref"}}`))
}
