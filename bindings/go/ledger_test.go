package flexwork

import (
	"math"
	"strings"
	"testing"
)

type ledgerWorld struct{ bank, fee, ent, ent2, worker int64 }

func ledgerAccount(t *testing.T, ctx *Context, ownerKind string, owner int64, typ string) int64 {
	t.Helper()
	id, err := ctx.LedgerAccountOpen(map[string]interface{}{"owner_kind": ownerKind, "owner_id": owner, "type": typ})
	must(t, err)
	return id
}

// makeWorld opens the C suite's accounts and funds enterprise 1 with 100000 fen.
func makeWorld(t *testing.T, ctx *Context) ledgerWorld {
	t.Helper()
	w := ledgerWorld{bank: ledgerAccount(t, ctx, "platform", 0, "bank_clearing"),
		fee:    ledgerAccount(t, ctx, "platform", 0, "fee_revenue"),
		ent:    ledgerAccount(t, ctx, "enterprise", 1, "enterprise_funds"),
		ent2:   ledgerAccount(t, ctx, "enterprise", 2, "enterprise_funds"),
		worker: ledgerAccount(t, ctx, "worker", 7, "worker_payable")}
	_, err := ctx.LedgerTransfer(w.bank, w.ent, 100000, "funding.recognised", "fund-1")
	must(t, err)
	return w
}

func wantBalance(t *testing.T, ctx *Context, account, posted, pending, available int64) {
	t.Helper()
	p, q, a, err := ctx.LedgerBalance(account)
	must(t, err)
	if p != posted || q != pending || a != available {
		t.Fatalf("account %d: %d/%d/%d, want %d/%d/%d", account, p, q, a, posted, pending, available)
	}
}

// .a: exact balances, overdraft refused, idempotency.
func TestLedgerTransfers(t *testing.T) {
	ctx := openAdmin(t, &testClock{ms: clockStart})
	w := makeWorld(t, ctx)
	e, err := ctx.LedgerTransfer(w.ent, w.worker, 30000, "payout.earned", "pay-1")
	must(t, err)
	wantBalance(t, ctx, w.ent, 70000, 70000, 70000)
	wantBalance(t, ctx, w.worker, 30000, 30000, 30000)
	out, err := ctx.LedgerEntryGet(e)
	must(t, err)
	if !strings.Contains(string(out), `"postings":[{"account_id":3,"debit_fen":30000,"pending":false},{"account_id":5,"credit_fen":30000,"pending":false}]`) {
		t.Fatalf("entry %s", out)
	}
	if again, err := ctx.LedgerTransfer(w.ent, w.worker, 30000, "payout.earned", "pay-1"); err != nil || again != e {
		t.Fatalf("replay %d %v", again, err)
	}
	_, err = ctx.LedgerTransfer(w.ent, w.worker, 30001, "payout.earned", "pay-1")
	wantError(t, err, ErrConflict, "idempotency_key", "")
	_, err = ctx.LedgerTransfer(w.ent, w.worker, 70001, "payout.earned", "p-2")
	wantError(t, err, ErrFunds, "debit_account", "debit_account: account 3 has 70000 fen available, 70001 fen needed")
	_, err = ctx.LedgerTransfer(w.ent, 999, 1, "x", "k4")
	wantError(t, err, ErrNotFound, "credit_account", "credit_account: no ledger account 999")
	_, err = ctx.LedgerTransfer(w.ent, w.worker, 0, "x", "k5")
	wantError(t, err, ErrInvalid, "amount_fen", "")
	r, err := ctx.LedgerEntryReverse(e, "payout.returned", "rev")
	must(t, err)
	wantBalance(t, ctx, w.worker, 0, 0, 0)
	out, err = ctx.LedgerEntryGet(r)
	must(t, err)
	if str(t, object(t, out), "kind") != "reversal" {
		t.Fatalf("reversal %s", out)
	}
	tb, err := ctx.LedgerTrialBalance()
	must(t, err)
	if object(t, tb)["balanced"] != true {
		t.Fatalf("trial balance %s", tb)
	}
	must(t, ctx.SetActor(RoleEnterpriseUser, 1, ""))
	_, _, _, err = ctx.LedgerBalance(w.ent2)
	wantError(t, err, ErrPerm, "", "")
}

// Two-phase transfers, expiry by the clock, and the batch form.
func TestLedgerHoldsAndBatches(t *testing.T) {
	clock := &testClock{ms: clockStart}
	ctx := openAdmin(t, clock)
	w := makeWorld(t, ctx)
	h, err := ctx.LedgerHold(w.ent, w.worker, 30000, 0, "payout.hold", "h1")
	must(t, err)
	wantBalance(t, ctx, w.ent, 100000, 70000, 70000)
	wantBalance(t, ctx, w.worker, 0, 30000, 0)
	e, err := ctx.LedgerHoldPost(h, 20000, "hp1")
	must(t, err)
	if again, err := ctx.LedgerHoldPost(h, 20000, "hp1"); err != nil || again != e {
		t.Fatalf("replay %d %v", again, err)
	}
	wantBalance(t, ctx, w.ent, 80000, 80000, 80000)
	wantError(t, ctx.LedgerHoldVoid(h, "hv1"), ErrState, "hold_id", "")
	h2, err := ctx.LedgerHold(w.ent, w.worker, 5000, 0, "payout.hold", "h2")
	must(t, err)
	_, err = ctx.LedgerHoldPost(h2, 5001, "hp3")
	wantError(t, err, ErrInvalid, "amount_fen", "")
	must(t, ctx.LedgerHoldVoid(h2, "hv2"))
	_, err = ctx.LedgerHoldPost(h2, LedgerAmountFull, "hp4")
	wantError(t, err, ErrState, "hold_id", "")

	h3, err := ctx.LedgerHold(w.ent, w.worker, 60000, clock.ms+1000, "payout.hold", "h3")
	must(t, err)
	clock.ms += 1000
	_, err = ctx.LedgerHoldPost(h3, LedgerAmountFull, "hp5")
	wantError(t, err, ErrState, "hold_id", "")
	if n, err := ctx.LedgerExpireHolds(clock.ms); err != nil || n != 1 {
		t.Fatalf("expired %d %v", n, err)
	}
	wantBalance(t, ctx, w.ent, 80000, 80000, 80000)

	items := []LedgerTransferItem{
		{w.ent, w.worker, 40000, "payout.earned", "x1"},
		{w.ent, w.worker, 70000, "payout.earned", "x2"},
		{w.ent, w.fee, 500, "fee.charged", "x3"},
	}
	ids, codes, err := ctx.LedgerTransferBatch(items, 0)
	must(t, err)
	if codes[0] != CodeOK || codes[1] != CodeFunds || codes[2] != CodeOK || ids[0] == 0 || ids[1] != 0 || ids[2] == 0 {
		t.Fatalf("batch %v %v", ids, codes)
	}
	wantBalance(t, ctx, w.ent, 39500, 39500, 39500)
	for i := range items {
		items[i].IdemKey = "y" + items[i].IdemKey
	}
	items[0].AmountFen = 100
	items[1].AmountFen = 40000
	_, _, err = ctx.LedgerTransferBatch(items, LedgerBatchAtomic)
	wantError(t, err, ErrFunds, "$[1].debit_account", "")
	wantBalance(t, ctx, w.ent, 39500, 39500, 39500)
	ids, codes, err = ctx.LedgerTransferBatch(nil, 0)
	if err != nil || len(ids) != 0 || len(codes) != 0 {
		t.Fatalf("empty batch %v %v %v", ids, codes, err)
	}
}

func TestLedgerInt64Edges(t *testing.T) {
	ctx := openAdmin(t, &testClock{ms: clockStart})
	bank := ledgerAccount(t, ctx, "platform", 0, "bank_clearing")
	fee := ledgerAccount(t, ctx, "platform", 0, "fee_revenue")
	ins := ledgerAccount(t, ctx, "platform", 0, "insurance_payable")
	_, err := ctx.LedgerTransfer(bank, fee, math.MaxInt64-5, "x", "o1")
	must(t, err)
	_, err = ctx.LedgerTransfer(bank, ins, 10, "x", "o2")
	wantError(t, err, ErrOverflow, "debit_account", "debit_account: account 1's posted debits would leave the int64 fen range")
	_, err = ctx.LedgerTransfer(ins, fee, 5, "x", "o4")
	must(t, err)
	wantBalance(t, ctx, fee, math.MaxInt64, math.MaxInt64, math.MaxInt64)
	p, _, _, err := ctx.LedgerBalance(ins)
	must(t, err)
	if p != -5 {
		t.Fatalf("insurance %d", p)
	}
}

// Periods, party accounts, balances in the past, queries, exports.
func TestLedgerPeriodsAccountsQueriesExports(t *testing.T) {
	clock := &testClock{ms: clockStart}
	ctx := openAdmin(t, clock)
	w := makeWorld(t, ctx)
	march := clock.ms
	for i := int64(0); i < 5; i++ {
		clock.ms += 1000
		_, err := ctx.LedgerTransfer(w.ent, w.worker, 1000+i, "payout.earned", "w"+string(rune('0'+i)))
		must(t, err)
	}
	_, err := ctx.LedgerTransfer(w.worker, w.bank, 2000, "payout.paid", "wp")
	must(t, err)
	if b, err := ctx.LedgerBalanceAt(w.ent, march); err != nil || b != 100000 {
		t.Fatalf("balance at %d %v", b, err)
	}
	out, err := ctx.LedgerWorkerIncome(7, march, clock.ms+1)
	must(t, err)
	if m := object(t, out); num(t, m, "credited_fen") != 5010 || num(t, m, "debited_fen") != 2000 || num(t, m, "net_fen") != 3010 {
		t.Fatalf("income %s", out)
	}
	out, err = ctx.LedgerEntries(`{"owner_kind":"worker","owner_id":7,"limit":4}`)
	must(t, err)
	if m := object(t, out); num(t, m, "entries", 0, "id") != 7 || num(t, m, "next_before_id") != 4 {
		t.Fatalf("entries %s", out)
	}
	out, err = ctx.LedgerEntries(nil)
	must(t, err)
	if n := len(field(t, object(t, out), "entries").([]interface{})); n != 7 {
		t.Fatalf("%d entries", n)
	}
	_, err = ctx.LedgerEntries(`{"limit":0}`)
	wantError(t, err, ErrInvalid, "$.limit", "")

	must(t, ctx.LedgerCOASet(`{"type":"fee_revenue","code":"6051.01","name":"其他业务收入-服务费"}`))
	wantError(t, ctx.LedgerCOASet(`{"type":"fee_revenue","code":"60a","name":"x"}`), ErrInvalid, "$.code", "")
	coa, err := ctx.LedgerCOAGet()
	must(t, err)
	if !strings.Contains(string(coa), `{"type":"fee_revenue","type_code":3,"code":"6051.01","name":"其他业务收入-服务费","normal_side":"credit"}`) {
		t.Fatalf("coa %s", coa)
	}
	journal, err := ctx.LedgerExport(LedgerExportLedger, 0, math.MaxInt64)
	must(t, err)
	if !strings.HasPrefix(journal, "; libflexwork journal export\n\n2026-03-15 funding.recognised  ; entry:1\n"+
		"    assets:1002.01 银行存款-备付金专户:platform  CNY 1000.00\n"+
		"    liabilities:2241.01 其他应付款-企业备付金:enterprise-1  CNY -1000.00\n") {
		t.Fatalf("journal %s", journal)
	}
	csv, err := ctx.LedgerExport(LedgerExportCSV, 0, math.MaxInt64)
	must(t, err)
	if !strings.HasPrefix(csv, "entry_id,date,effective_ms,kind,reason,ref_kind,ref_id,account_id,account_code,"+
		"account_name,owner_kind,owner_id,currency,debit,credit\n1,2026-03-15,1773540000000,posted,\"funding.recognised\"") {
		t.Fatalf("csv %s", csv)
	}
	_, err = ctx.LedgerExport(9, 0, 1)
	wantError(t, err, ErrInvalid, "format", "")

	_, err = ctx.LedgerPeriodClose("2026-03")
	wantError(t, err, ErrInvalid, "month", "month: 2026-03 is not over yet; a period closes after its last day")
	clock.ms += 20 * 86400000
	out, err = ctx.LedgerPeriodClose("2026-03")
	must(t, err)
	if m := object(t, out); str(t, m, "state") != "closed" || num(t, m, "entries") != 7 {
		t.Fatalf("close %s", out)
	}
	must(t, ctx.LedgerPeriodVerify("2026-03"))
	_, err = ctx.LedgerEntryPost(map[string]interface{}{"idempotency_key": "bd", "reason": "adjust", "effective_ms": march,
		"postings": []map[string]int64{{"account_id": w.ent, "debit_fen": 10}, {"account_id": w.worker, "credit_fen": 10}}})
	wantError(t, err, ErrClosed, "$.effective_ms", "")
	wantError(t, ctx.LedgerPeriodReopen("2026-03", ""), ErrInvalid, "reason", "")
	must(t, ctx.LedgerPeriodReopen("2026-03", "late bank fee"))

	must(t, ctx.LedgerOpenPartyAccounts(LedgerOwnerEnterprise, 9))
	if id, err := ctx.LedgerAccountFind(LedgerOwnerEnterprise, 9, AcctFeeReceivable, ""); err != nil || id == 0 {
		t.Fatalf("find %d %v", id, err)
	}
	_, err = ctx.LedgerAccountFind(LedgerOwnerEnterprise, 10, AcctFeeReceivable, "CNY")
	wantError(t, err, ErrNotFound, "", "")
	_, err = ctx.LedgerAccountOpen(`{"owner_kind":"enterprise","owner_id":1,"type":"enterprise_funds"}`)
	wantError(t, err, ErrExists, "$.type", "$.type: enterprise 1 already has a enterprise_funds account in CNY: account 3")
	must(t, ctx.LedgerAccountClose(w.ent2)) // at zero
	out, err = ctx.LedgerAccountGet(w.ent2)
	must(t, err)
	if str(t, object(t, out), "state") != "closed" {
		t.Fatalf("account %s", out)
	}
	wantError(t, ctx.LedgerAccountClose(w.ent), ErrState, "account_id", "")
}
