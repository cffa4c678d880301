package flexwork

import (
	"errors"
	"fmt"
	"testing"
)

var checkReasons = map[string]uint32{"ok": CheckOK, "length": CheckLength, "charset": CheckCharset,
	"checksum": CheckChecksum, "date": CheckDate, "region": CheckRegion, "category": CheckCategory,
	"org_code": CheckOrgCode}

func TestCheckReasonNames(t *testing.T) {
	for name, reason := range checkReasons {
		if got := CheckReasonName(reason); got != name {
			t.Errorf("%d: %q, want %q", reason, got, name)
		}
	}
}

// .d: every vector of id_numbers.json.
func TestIDNumberVectors(t *testing.T) {
	var vs []struct {
		Value         string `json:"value"`
		Valid         bool   `json:"valid"`
		BirthDate     string `json:"birth_date"`
		Gender        string `json:"gender"`
		Reason        string `json:"reason"`
		ExpectedCheck string `json:"expected_check"`
	}
	readVector(t, "id_numbers.json", &vs)
	if len(vs) != 15 {
		t.Fatalf("%d vectors", len(vs))
	}
	for _, v := range vs {
		info, err := IDNumberCheck(v.Value)
		if v.Valid {
			if err != nil {
				t.Fatalf("%s: %v", v.Value, err)
			}
			birth := fmt.Sprintf("%04d-%02d-%02d", info.BirthYear, info.BirthMonth, info.BirthDay)
			gender := uint32(GenderFemale)
			if v.Gender == "male" {
				gender = GenderMale
			}
			if birth != v.BirthDate || info.Gender != gender || info.Reason != CheckOK || len(info.Normalized) != 18 {
				t.Errorf("%s: %+v", v.Value, info)
			}
			continue
		}
		if !errors.Is(err, ErrInvalid) || info.Reason != checkReasons[v.Reason] {
			t.Errorf("%s: %v %+v, want %s", v.Value, err, info, v.Reason)
		}
		if v.ExpectedCheck != "" && info.ExpectedCheck != v.ExpectedCheck[0] {
			t.Errorf("%s: expected check %c, want %s", v.Value, info.ExpectedCheck, v.ExpectedCheck)
		}
	}
	_, err := IDNumberCheck("110105194912310021")
	wantError(t, err, ErrInvalid, "", "check character must be 'X' (ISO 7064 MOD 11-2), got '1'")
	_, err = IDNumberCheck("1101051949123100")
	wantError(t, err, ErrInvalid, "", "must be 18 characters (GB 11643), got 16")
}

// every vector of uscc.json, plain and strict.
func TestUSCCVectors(t *testing.T) {
	var vs []struct {
		Value        string `json:"value"`
		Valid        bool   `json:"valid"`
		StrictValid  bool   `json:"strict_valid"`
		Reason       string `json:"reason"`
		StrictReason string `json:"strict_reason"`
	}
	readVector(t, "uscc.json", &vs)
	if len(vs) != 16 {
		t.Fatalf("%d vectors", len(vs))
	}
	for _, v := range vs {
		reason, err := USCCCheck(v.Value, 0)
		sreason, serr := USCCCheck(v.Value, USCCStrict)
		switch {
		case v.Valid && v.StrictValid:
			if err != nil || serr != nil || reason != CheckOK || sreason != CheckOK {
				t.Errorf("%s: %v %v", v.Value, err, serr)
			}
		case v.Valid:
			if err != nil || !errors.Is(serr, ErrInvalid) || CheckReasonName(sreason) != v.StrictReason {
				t.Errorf("%s: %v %v %d", v.Value, err, serr, sreason)
			}
		default:
			if !errors.Is(err, ErrInvalid) || CheckReasonName(reason) != v.Reason || !errors.Is(serr, ErrInvalid) {
				t.Errorf("%s: %v %d, want %s", v.Value, err, reason, v.Reason)
			}
		}
	}
	_, err := USCCCheck("91350100M000100Y42", 0)
	wantError(t, err, ErrInvalid, "", "check character must be '3' (GB 32100), got '2'")
}

// .d: every vector of bank_cards.json.
func TestBankCardVectors(t *testing.T) {
	var vs []struct {
		Value  string `json:"value"`
		Valid  bool   `json:"valid"`
		Reason string `json:"reason"`
	}
	readVector(t, "bank_cards.json", &vs)
	if len(vs) != 13 {
		t.Fatalf("%d vectors", len(vs))
	}
	for _, v := range vs {
		reason, err := BankCardCheck(v.Value)
		if v.Valid && (err != nil || reason != CheckOK) {
			t.Errorf("%s: %v", v.Value, err)
		}
		if !v.Valid && (!errors.Is(err, ErrInvalid) || CheckReasonName(reason) != v.Reason) {
			t.Errorf("%s: %v %d, want %s", v.Value, err, reason, v.Reason)
		}
	}
}

// an enterprise from application to cancellation.
func TestPartyEnterpriseLifecycle(t *testing.T) {
	ctx := openAdmin(t, &testClock{ms: clockStart})
	p := newParties(t, ctx)
	_, err := ctx.PartyEnterpriseApply(enterpriseRecord("坏公司", "91350100M000100Y42"))
	wantError(t, err, ErrInvalid, "$.uscc", "$.uscc: check character must be '3' (GB 32100), got '2'")
	_, err = ctx.PartyEnterpriseApply(`{"name":"x公司","nickname":1}`)
	wantError(t, err, ErrInvalid, "$.nickname", "")
	_, err = ctx.PartyEnterpriseGet(1)
	wantError(t, err, ErrNotFound, "", "")
	v := p.verifiedEnterprise(ent2Name, ent2USCC)
	if v != 1 {
		t.Fatalf("refused applications stored something: id %d", v)
	}
	_, err = ctx.PartyEnterpriseApply(enterpriseRecord(ent2Name, ent2USCC))
	wantError(t, err, ErrExists, "$.uscc", "$.uscc: enterprise 1 is already registered with USCC "+ent2USCC)
	e := p.activeEnterprise(ent1Name, ent1USCC)
	out, err := ctx.PartyEnterpriseGet(e)
	must(t, err)
	if m := object(t, out); num(t, m, "state") != EnterpriseActive || str(t, m, "legal_rep", "name") != "王建国" {
		t.Fatalf("enterprise %s", out)
	}
	wantError(t, ctx.PartyEnterpriseSuspend(v, "风险"), ErrState, "", "enterprise 1 is verified; it must be active")
	wantError(t, ctx.PartyEnterpriseSuspend(e, ""), ErrInvalid, "reason", "")
	must(t, ctx.PartyEnterpriseSuspend(e, "异常交易排查"))
	must(t, ctx.PartyEnterpriseResume(e))
	wantError(t, ctx.PartyEnterpriseActivate(e), ErrState, "",
		"enterprise 2 is active; only a signed enterprise is activated")
	wantError(t, ctx.PartyEnterpriseChange(e, `{}`), ErrInvalid, "$", "$: the change would change nothing")
	must(t, ctx.PartyEnterpriseChange(e, `{"business_scope":"软件开发"}`))
	must(t, ctx.SetActor(RoleOperator, 0, ""))
	out, err = ctx.PartyEnterpriseGet(e)
	must(t, err)
	if m := object(t, out); str(t, m, "business_scope") != "软件开发" || str(t, m, "legal_rep", "name") != "王**" ||
		str(t, m, "contact", "phone") != "138****5678" {
		t.Fatalf("enterprise %s", out)
	}
	must(t, ctx.SetActor(RoleAdmin, 0, ""))
	must(t, ctx.PartyEnterpriseCancel(e))
	out, err = ctx.PartyEnterpriseGet(e)
	must(t, err)
	if num(t, object(t, out), "state") != EnterpriseCancelled {
		t.Fatalf("enterprise %s", out)
	}
}

// R-6.h: enterprise users see only their own enterprise.
func TestPartyEnterpriseUsers(t *testing.T) {
	ctx := openAdmin(t, nil)
	a, err := ctx.PartyEnterpriseApply(enterpriseRecord(ent1Name, ent1USCC))
	must(t, err)
	b, err := ctx.PartyEnterpriseApply(enterpriseRecord(ent2Name, ent2USCC))
	must(t, err)
	zhang := `{"login":"zhang","name":"张三","phone":"13700001111","roles":["admin","finance"]}`
	u1, err := ctx.PartyEnterpriseUserAdd(a, zhang)
	must(t, err)
	_, err = ctx.PartyEnterpriseUserAdd(a, zhang)
	wantError(t, err, ErrExists, "$.login", "")
	_, err = ctx.PartyEnterpriseUserAdd(a, `{"login":"x","name":"x","roles":["boss"]}`)
	wantError(t, err, ErrInvalid, "$.roles[0]", "$.roles[0]: must be one of admin, operator, finance, viewer")
	must(t, ctx.SetActor(RoleEnterpriseUser, a, "zhang"))
	u2, err := ctx.PartyEnterpriseUserAdd(a, `{"login":"li","name":"李四","roles":["viewer"]}`)
	must(t, err)
	if u2 != u1+1 {
		t.Fatalf("user %d", u2)
	}
	list, err := ctx.PartyEnterpriseUserList(a)
	must(t, err)
	if users := decode(t, list); str(t, users, 0, "name") != "张*" || str(t, users, 1, "name") != "李*" {
		t.Fatalf("users %s", list)
	}
	_, err = ctx.PartyEnterpriseGet(b)
	wantError(t, err, ErrPerm, "", "party.enterprise.get: enterprise 1's user may not act on another enterprise's data")
	must(t, ctx.PartyEnterpriseUserDisable(u1))
	wantError(t, ctx.PartyEnterpriseUserDisable(u1), ErrState, "", "")
}

// .d: workers through a Go identity provider, review, erasure.
func TestPartyWorkers(t *testing.T) {
	ctx := openAdmin(t, &testClock{ms: clockStart})
	a, err := ctx.PartyWorkerRegister(workerRecord("张小红", id1949))
	must(t, err)
	b, err := ctx.PartyWorkerRegister(workerRecord("王五", id1990))
	must(t, err)
	_, err = ctx.PartyWorkerRegister(workerRecord("张小红", id1949))
	wantError(t, err, ErrExists, "$.id_number", "")
	_, err = ctx.PartyWorkerRegister(workerRecord("王五", "110105194902300028"))
	wantError(t, err, ErrInvalid, "$.id_number", "$.id_number: birth date 19490230 does not exist")
	if found, err := ctx.PartyWorkerFind(id1949); err != nil || found != a {
		t.Fatalf("find %d %v", found, err)
	}
	var requests []string
	must(t, ctx.SetIdentityProvider(&IdentityProvider{VerifyPerson: func(req []byte) ([]byte, error) {
		requests = append(requests, string(req))
		if len(requests) == 1 {
			return []byte(`{"result":"pass","four_element":"pass"}`), nil
		}
		return []byte(`{"result":"fail","reason":"NAME_ID_MISMATCH"}`), nil
	}}))
	st, err := ctx.PartyWorkerVerify(a, "pass")
	must(t, err)
	if st != WorkerVerified {
		t.Fatalf("state %d", st)
	}
	if requests[0] != `{"name":"张小红","id_number":"`+id1949+`","phone":"13900001111","bank_card":"`+testCard+`","liveness":"pass"}` {
		t.Fatalf("request %s", requests[0])
	}
	st, err = ctx.PartyWorkerVerify(b, "")
	must(t, err)
	if st != WorkerFailed {
		t.Fatalf("state %d", st)
	}
	out, err := ctx.PartyWorkerGet(b)
	must(t, err)
	if str(t, object(t, out), "verification", "reason") != "NAME_ID_MISMATCH" {
		t.Fatalf("worker %s", out)
	}
	_, err = ctx.PartyWorkerVerify(a, "")
	wantError(t, err, ErrState, "", "")

	must(t, ctx.SetIdentityProvider(nil))
	c, err := ctx.PartyWorkerRegister(map[string]interface{}{"name": "赵六", "id_number": "110105198512311232",
		"phone": "13900001111", "bank_card": "6214832018989180", "channel": "self"})
	must(t, err)
	st, err = ctx.PartyWorkerVerify(c, "")
	must(t, err)
	if st != WorkerRegistered {
		t.Fatalf("state %d", st)
	}
	err = asActor(t, ctx, RoleReviewer, 0, func() error { return ctx.PartyWorkerReview(c, `{"decision":"reject"}`) })
	wantError(t, err, ErrInvalid, "$.reason", "")
	must(t, asActor(t, ctx, RoleReviewer, 0, func() error { return ctx.PartyWorkerReview(c, `{"decision":"approve"}`) }))
	out, err = ctx.PartyWorkerGet(c)
	must(t, err)
	if m := object(t, out); num(t, m, "state") != WorkerVerified || str(t, m, "warnings", 0) != "BANK_CARD_LUHN" {
		t.Fatalf("worker %s", out)
	}
	must(t, ctx.SetActor(RoleWorker, a, ""))
	out, err = ctx.PartyWorkerGet(a)
	must(t, err)
	if str(t, object(t, out), "id_number") != id1949 {
		t.Fatalf("worker %s", out)
	}
	_, err = ctx.PartyWorkerGet(b)
	wantError(t, err, ErrPerm, "", "")
	must(t, ctx.SetActor(RoleAdmin, 0, ""))
	must(t, ctx.PartyWorkerErase(a))
	out, err = ctx.PartyWorkerGet(a)
	must(t, err)
	if m := object(t, out); m["erased"] != true || m["name"] != nil || str(t, m, "state_name") != "closed" {
		t.Fatalf("worker %s", out)
	}
	_, err = ctx.PartyWorkerFind(id1949)
	wantError(t, err, ErrNotFound, "", "")
}

func TestPartyWorkerStates(t *testing.T) {
	ctx := openAdmin(t, &testClock{ms: clockStart})
	p := newParties(t, ctx)
	e := p.activeEnterprise(ent1Name, ent1USCC)
	v := p.verifiedWorker("张小红", id1949)
	wantError(t, ctx.PartyWorkerActivate(v), ErrDenied, "", "WORKER_NOT_SIGNED: worker 1 has not signed a service agreement")
	w := p.activeWorker(e, "王五", id1990)
	must(t, ctx.PartyWorkerSuspend(w, "核查"))
	must(t, ctx.PartyWorkerResume(w))
	must(t, ctx.PartyWorkerChange(w, `{"phone":"13900002222"}`))
	out, err := ctx.PartyWorkerGet(w)
	must(t, err)
	if m := object(t, out); num(t, m, "state") != WorkerActive || str(t, m, "phone") != "13900002222" {
		t.Fatalf("worker %s", out)
	}
	must(t, ctx.PartyWorkerClose(w))
	out, err = ctx.PartyWorkerGet(w)
	must(t, err)
	if num(t, object(t, out), "state") != WorkerClosed {
		t.Fatalf("worker %s", out)
	}
}

// the platform profile, channel agreements and staff.
func TestPartyPlatformChannelsStaff(t *testing.T) {
	ctx := openAdmin(t, &testClock{ms: clockStart})
	wantError(t, ctx.PartyPlatformCheck(), ErrDenied, "",
		"PLATFORM_NO_PROFILE: the platform's profile (operating entity, licences) is not recorded")
	must(t, ctx.PartyPlatformSet(platformProfile))
	channel := `{"kind":"bank","counterparty":"招商银行杭州分行","agreement_no":"CMB-2026-001","valid_from":"2026-01-01","valid_to":"2026-12-31"}`
	ch, err := ctx.PartyChannelAdd(channel)
	must(t, err)
	must(t, ctx.PartyPlatformCheck())
	out, err := ctx.PartyPlatformGet()
	must(t, err)
	if m := object(t, out); str(t, m, "uscc") != "91350100M000100Y43" || field(t, m, "channels", 0, "in_force") != true {
		t.Fatalf("platform %s", out)
	}
	_, err = ctx.PartyChannelAdd(channel)
	wantError(t, err, ErrExists, "$.agreement_no", "")
	_, err = ctx.PartyChannelAdd(`{"kind":"bank","counterparty":"某银行","agreement_no":"X-1","valid_from":"2026-02-01","valid_to":"2026-01-01"}`)
	wantError(t, err, ErrInvalid, "$.valid_to", "$.valid_to: must not be before valid_from")
	must(t, ctx.PartyChannelRevoke(ch))
	wantError(t, ctx.PartyChannelRevoke(ch), ErrState, "", "")
	wantError(t, ctx.PartyPlatformCheck(), ErrDenied, "", "")

	a, err := ctx.PartyStaffAdd(`{"login":"liu.tax","name":"刘税务","role":"tax_agent"}`)
	must(t, err)
	_, err = ctx.PartyStaffAdd(`{"login":"x","name":"x","role":"boss"}`)
	wantError(t, err, ErrInvalid, "$.role", "")
	if role, err := ctx.PartyStaffRole("liu.tax"); err != nil || role != RoleTaxAgent {
		t.Fatalf("role %d %v", role, err)
	}
	must(t, ctx.PartyStaffDisable(a))
	_, err = ctx.PartyStaffRole("liu.tax")
	wantError(t, err, ErrNotFound, "login", "")
}
