package flexwork

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

const testPayer = "6222020012345678009"

func postedOf(t *testing.T, ctx *Context, ownerKind uint32, owner int64, typ uint32) int64 {
	t.Helper()
	id, err := ctx.LedgerAccountFind(ownerKind, owner, typ, "")
	if errors.Is(err, ErrNotFound) {
		return 0
	}
	must(t, err)
	p, _, _, err := ctx.LedgerBalance(id)
	must(t, err)
	return p
}

// openFunding opens a store whose platform has a channel agreement in force and whose
// enterprises 1 to 3 are active (R-4.1, R-7.2: money moves only then).
func openFunding(t *testing.T) *Context {
	t.Helper()
	ctx := openAdmin(t, &testClock{ms: clockStart})
	p := newParties(t, ctx)
	_, err := ctx.PartyChannelAdd(`{"kind":"bank","counterparty":"招商银行杭州分行","agreement_no":"CMB-2026-001",` +
		`"valid_from":"2026-01-01","valid_to":"2026-12-31"}`)
	must(t, err)
	for i, e := range [][2]string{{ent1Name, ent1USCC}, {ent2Name, ent2USCC}, {"北京海淀测试科技有限公司", "91110108551385082Q"}} {
		if id := p.activeEnterprise(e[0], e[1]); id != int64(i+1) {
			t.Fatalf("enterprise %d", id)
		}
	}
	return ctx
}

func fundsOf(t *testing.T, ctx *Context, enterprise int64) int64 {
	return postedOf(t, ctx, LedgerOwnerEnterprise, enterprise, AcctEnterpriseFunds)
}

// .b: recognition by payer account, reference code and virtual sub-account; suspense.
func TestFundingRecognition(t *testing.T) {
	ctx := openFunding(t)
	src, err := ctx.FundingRegisterSource(1, map[string]string{"payer_account": "6222 0200 1234 5678 009", "payer_name": "北京某某科技有限公司"})
	must(t, err)
	if again, err := ctx.FundingRegisterSource(1, map[string]string{"payer_account": testPayer}); err != nil || again != src {
		t.Fatalf("again %d %v", again, err)
	}
	_, err = ctx.FundingRegisterSource(2, map[string]string{"payer_account": testPayer})
	wantError(t, err, ErrExists, "$.payer_account", "$.payer_account: the account 6222***********8009 is registered to enterprise 1")
	id, err := ctx.FundingNotice(`{"bank_txn_id":"B-1","amount_fen":100000,"payer_name":"北京某某科技有限公司","payer_account":"6222-0200-1234-5678-009"}`)
	must(t, err)
	out, err := ctx.FundingIncomingGet(id)
	must(t, err)
	if !strings.Contains(string(out), `"payer_name":"北*********","payer_account":"6222***********8009"`) ||
		!strings.Contains(string(out), `"state":"recognised","enterprise_id":1,"matched_by":"payer_account","fee_fen":0`) {
		t.Fatalf("incoming %s", out)
	}
	if fundsOf(t, ctx, 1) != 100000 {
		t.Fatalf("funds %d", fundsOf(t, ctx, 1))
	}

	code, err := ctx.FundingReferenceCode(2)
	must(t, err)
	if len(code) != 8 || !strings.HasPrefix(code, "FW") {
		t.Fatalf("code %q", code)
	}
	id, err = ctx.FundingNotice(map[string]interface{}{"bank_txn_id": "B-2", "amount_fen": 5000, "remark": "pay " + strings.ToLower(code)})
	must(t, err)
	out, err = ctx.FundingIncomingGet(id)
	must(t, err)
	if m := object(t, out); str(t, m, "matched_by") != "reference" || num(t, m, "enterprise_id") != 2 {
		t.Fatalf("incoming %s", out)
	}

	must(t, ctx.FundingRegisterVirtualAccount(3, "9558 8000 0000 0003"))
	wantError(t, ctx.FundingRegisterVirtualAccount(4, "9558800000000003"), ErrExists, "account",
		"account: the virtual sub-account 9558800000000003 is registered to enterprise 3")
	id, err = ctx.FundingNotice(`{"bank_txn_id":"V-1","amount_fen":8800,"payee_account":"9558800000000003"}`)
	must(t, err)
	out, err = ctx.FundingIncomingGet(id)
	must(t, err)
	if str(t, object(t, out), "matched_by") != "virtual_account" || fundsOf(t, ctx, 3) != 8800 {
		t.Fatalf("incoming %s", out)
	}

	a, err := ctx.FundingNotice(`{"bank_txn_id":"B-3","amount_fen":7000,"payer_account":"9999888877776666"}`)
	must(t, err)
	b, err := ctx.FundingNotice(`{"bank_txn_id":"B-4","amount_fen":300}`)
	must(t, err)
	if s := postedOf(t, ctx, LedgerOwnerPlatform, 0, AcctSuspense); s != 7300 {
		t.Fatalf("suspense %d", s)
	}
	list, err := ctx.FundingIncomingList(FundingSuspense, 10, 0)
	must(t, err)
	if m := object(t, list); str(t, m, "incoming", 0, "bank_txn_id") != "B-4" || field(t, m, "next_before_id") != nil {
		t.Fatalf("list %s", list)
	}
	must(t, ctx.FundingAssign(a, 1, "as-1"))
	must(t, ctx.FundingAssign(a, 1, "as-1"))
	wantError(t, ctx.FundingAssign(a, 2, "as-2"), ErrState, "incoming_id",
		fmt.Sprintf("incoming_id: incoming transfer %d is assigned; only one in suspense can be resolved", a))
	must(t, ctx.FundingReturn(b, "ret-1"))
	if s := postedOf(t, ctx, LedgerOwnerPlatform, 0, AcctSuspense); s != 0 || fundsOf(t, ctx, 1) != 107000 {
		t.Fatalf("suspense %d funds %d", s, fundsOf(t, ctx, 1))
	}
	_, err = ctx.FundingNotice(`{"bank_txn_id":"B-3","amount_fen":7001,"payer_account":"9999888877776666"}`)
	wantError(t, err, ErrConflict, "idempotency_key", "")
	_, err = ctx.FundingNotice(`{"bank_txn_id":"x","amount_fen":5,"payee":"me"}`)
	wantError(t, err, ErrInvalid, "$.payee", "")
}

// .a, R-7.6: the fee charged at funding and refunds of unused funds.
func TestFundingFeeAndRefunds(t *testing.T) {
	ctx := openFunding(t)
	_, err := ctx.FeeScheduleSet(`{"enterprise_id":1,"valid_from":"2026-01-01","rate_ppm":10000,"min_fen":300,"charge":"before"}`)
	must(t, err)
	_, err = ctx.FundingRegisterSource(1, map[string]string{"payer_account": testPayer})
	must(t, err)
	_, err = ctx.FundingNotice(`{"bank_txn_id":"B-7","amount_fen":100000,"payer_account":"` + testPayer + `"}`)
	must(t, err)
	if f, r := fundsOf(t, ctx, 1), postedOf(t, ctx, LedgerOwnerPlatform, 0, AcctFeeRevenue); f != 99000 || r != 1000 {
		t.Fatalf("funds %d revenue %d", f, r)
	}
	acct, err := ctx.LedgerAccountFind(LedgerOwnerEnterprise, 1, AcctEnterpriseFunds, "CNY")
	must(t, err)
	r1, err := ctx.FundingRefund(1, 30000, "rf-1")
	must(t, err)
	wantBalance(t, ctx, acct, 99000, 69000, 69000)
	_, err = ctx.FundingRefund(1, 80000, "rf-2")
	wantError(t, err, ErrFunds, "amount_fen", "amount_fen: enterprise 1's funds: account 1 has 69000 fen available, 80000 fen needed")
	must(t, ctx.FundingRefundComplete(r1, 1, "rc-1"))
	wantBalance(t, ctx, acct, 69000, 69000, 69000)
	wantError(t, ctx.FundingRefundComplete(r1, 0, "rc-2"), ErrState, "refund_id", "")
	r3, err := ctx.FundingRefund(1, 10000, "rf-3")
	must(t, err)
	must(t, ctx.FundingRefundComplete(r3, 0, "rc-3"))
	wantBalance(t, ctx, acct, 69000, 69000, 69000)
	must(t, ctx.SetActor(RoleEnterpriseUser, 2, ""))
	_, err = ctx.FundingRefund(1, 10, "rf-4")
	wantError(t, err, ErrPerm, "", "")
}
