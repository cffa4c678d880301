package flexwork

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"path/filepath"
	"strings"
	"testing"

	"flexwork/internal/rawsql"
)

func TestContractTemplates(t *testing.T) {
	ctx := openAdmin(t, &testClock{ms: clockStart})
	p := newParties(t, ctx)
	_, err := ctx.ContractTemplateAdd(`{"kind":"service","name":"t","version":1,"body":"x {{amount}} y","placeholders":[]}`)
	wantError(t, err, ErrInvalid, "$.body", "$.body: placeholder {{amount}} is not declared in $.placeholders")
	_, err = ctx.ContractTemplateAdd(coopTemplate)
	wantError(t, err, ErrExists, "$.version", "")
	out, err := ctx.ContractTemplateGet(p.coop)
	must(t, err)
	sum := sha256.Sum256([]byte(coopBody))
	if m := object(t, out); str(t, m, "kind") != "cooperation" || str(t, m, "sha256") != hex.EncodeToString(sum[:]) {
		t.Fatalf("template %s", out)
	}
}

// a cooperation agreement signed in order makes the enterprise signed.
func TestContractCooperationFlow(t *testing.T) {
	ctx := openAdmin(t, &testClock{ms: clockStart})
	p := newParties(t, ctx)
	ent := p.verifiedEnterprise(ent1Name, ent1USCC)
	other, err := ctx.PartyEnterpriseApply(enterpriseRecord(ent2Name, ent2USCC))
	must(t, err)
	c, err := ctx.ContractCreate(map[string]interface{}{"template_id": p.coop, "enterprise_id": ent, "values": coopValues})
	must(t, err)
	id := c.ID()
	doc := c.Document()
	if c.State() != ContractDraft || c.Kind() != ContractCooperation ||
		!bytes.HasPrefix(doc, []byte("flexwork-contract-v1\ncontract_no:1\nkind:cooperation\n")) ||
		!bytes.Contains(doc, []byte("乙方：杭州云帆科技有限公司（91330100799655058B）\n服务费率：6%，起始日：2026-04-01，保证金：10000.00 元。")) {
		t.Fatalf("contract %d %d %s", c.State(), c.Kind(), doc)
	}
	sum := sha256.Sum256(doc)
	if !bytes.Equal(c.Hash(), sum[:]) {
		t.Fatalf("hash %x", c.Hash())
	}
	must(t, c.Close())
	must(t, c.Close())
	if c.ID() != 0 || c.Document() != nil || c.Hash() != nil {
		t.Fatal("a closed contract answers")
	}
	_, err = c.ToJSON()
	wantError(t, err, ErrState, "", "the contract is closed")

	err = asActor(t, ctx, RoleEnterpriseUser, ent, func() error { _, err := ctx.ContractSign(id, nil); return err })
	wantError(t, err, ErrState, "", "contract 1 is draft; only a sent contract is signed")
	must(t, ctx.ContractSend(id))
	_, err = ctx.ContractSign(id, nil)
	wantError(t, err, ErrState, "", "contract 1 waits for the signature of enterprise:1 first")
	err = asActor(t, ctx, RoleEnterpriseUser, other, func() error { _, err := ctx.ContractSign(id, nil); return err })
	wantError(t, err, ErrPerm, "", "contract.sign: enterprise:2 is not a party to contract 1")
	if st := p.sign(RoleEnterpriseUser, ent, id); st != ContractPartiallySigned {
		t.Fatalf("state %d", st)
	}
	if st := p.sign(RoleOperator, 0, id); st != ContractSigned {
		t.Fatalf("state %d", st)
	}
	must(t, ctx.PartyEnterpriseActivate(ent))

	c, err = ctx.ContractLoad(id)
	must(t, err)
	defer c.Close()
	out, err := c.ToJSON()
	must(t, err)
	m := object(t, out)
	key, err := ctx.AuditPublicKey()
	must(t, err)
	if str(t, m, "state_name") != "signed" || str(t, m, "signatures", 0, "signer") != "enterprise:1" ||
		str(t, m, "signatures", 0, "ip") != "203.0.113.7" || len(str(t, m, "signatures", 0, "signature")) != 128 ||
		str(t, m, "signatures", 1, "signer") != "platform" || str(t, m, "signatures", 1, "public_key") != hex.EncodeToString(key) {
		t.Fatalf("contract %s", out)
	}
	report, err := ctx.ContractVerify(id)
	must(t, err)
	if r := object(t, report); r["valid"] != true || str(t, r, "document") != "ok" {
		t.Fatalf("report %s", report)
	}
	_, err = ctx.ContractLoad(99)
	wantError(t, err, ErrNotFound, "", "")
}

// parties that may not contract yet are stopped with a reason code.
func TestContractRefusals(t *testing.T) {
	ctx := openAdmin(t, &testClock{ms: clockStart})
	p := newParties(t, ctx)
	ent, err := ctx.PartyEnterpriseApply(enterpriseRecord(ent1Name, ent1USCC))
	must(t, err)
	_, err = ctx.ContractCreate(map[string]interface{}{"template_id": p.coop, "enterprise_id": ent, "values": coopValues})
	wantError(t, err, ErrDenied, "", "ENTERPRISE_NOT_VERIFIED: enterprise 1 is applied; it must be verified first")
	ent = p.verifiedEnterprise(ent2Name, ent2USCC)
	_, err = ctx.ContractCreate(map[string]interface{}{"template_id": p.coop, "enterprise_id": ent,
		"values": map[string]string{"fee_rate": "6%"}})
	wantError(t, err, ErrInvalid, "$.values.start", "$.values.start: is required")
}

// a document changed behind the library's back is reported with the verify report.
func TestContractTampering(t *testing.T) {
	path := filepath.Join(t.TempDir(), "store.db")
	clock := &testClock{ms: clockStart}
	ctx, err := Open(path, Options{MasterKey: testKey, Clock: clock.now})
	must(t, err)
	must(t, ctx.SetActor(RoleAdmin, 0, "admin"))
	p := newParties(t, ctx)
	id := p.cooperation(p.verifiedEnterprise(ent1Name, ent1USCC))
	ctx.Close()
	must(t, rawsql.Exec(path, "UPDATE fw_contract SET document=replace(document, '6%', '0.6%') WHERE id=1"))
	ctx, err = Open(path, Options{MasterKey: testKey, Clock: clock.now})
	must(t, err)
	defer ctx.Close()
	must(t, ctx.SetActor(RoleAdmin, 0, "admin"))
	report, err := ctx.ContractVerify(id)
	wantError(t, err, ErrCorrupt, "", "contract 1: the stored document does not match its SHA-256")
	if r := object(t, report); r["valid"] != false || str(t, r, "document") != "altered" {
		t.Fatalf("report %s", report)
	}
}

// R-6.a: termination and expiry send the enterprise back to verified.
func TestContractTerminationExpiry(t *testing.T) {
	clock := &testClock{ms: clockStart}
	ctx := openAdmin(t, clock)
	p := newParties(t, ctx)
	ent := p.verifiedEnterprise(ent1Name, ent1USCC)
	a := p.create(map[string]interface{}{"template_id": p.coop, "enterprise_id": ent, "expires": "2026-06-30", "values": coopValues})
	must(t, ctx.ContractSend(a))
	p.sign(RoleEnterpriseUser, ent, a)
	p.sign(RoleAdmin, 0, a)
	must(t, ctx.PartyEnterpriseActivate(ent))
	if n, err := ctx.ContractExpireDue(); err != nil || n != 0 {
		t.Fatalf("expired %d %v", n, err)
	}
	clock.ms = 1782835200000 // 2026-07-01 00:00:00 CST
	if n, err := ctx.ContractExpireDue(); err != nil || n != 1 {
		t.Fatalf("expired %d %v", n, err)
	}
	out, err := ctx.PartyEnterpriseGet(ent)
	must(t, err)
	if num(t, object(t, out), "state") != EnterpriseVerified {
		t.Fatalf("enterprise %s", out)
	}
	b := p.cooperation(ent)
	wantError(t, ctx.ContractTerminate(b, ""), ErrInvalid, "reason", "")
	must(t, ctx.ContractTerminate(b, "合作终止"))
	c, err := ctx.ContractLoad(b)
	must(t, err)
	defer c.Close()
	if c.State() != ContractTerminated {
		t.Fatalf("state %d", c.State())
	}
	wantError(t, ctx.ContractTerminate(b, "again"), ErrState, "", "")
}

// tax registration after the worker's authorisation, by an agent or the provider.
func TestContractTaxRegistration(t *testing.T) {
	ctx := openAdmin(t, &testClock{ms: clockStart})
	p := newParties(t, ctx)
	a := p.verifiedWorker("王五", id1990)
	b := p.verifiedWorker("张小红", id1949)
	jur := `{"jurisdiction":"国家税务总局杭州市西湖区税务局"}`
	_, err := ctx.ContractTaxregRequest(a, jur)
	wantError(t, err, ErrDenied, "", "WORKER_NO_TAX_AUTHORISATION: worker 1 has not authorised the platform as tax agent")
	_, err = ctx.ContractTaxregGet(a)
	wantError(t, err, ErrNotFound, "", "")
	for _, w := range []int64{a, b} {
		id := p.create(map[string]interface{}{"template_id": p.tax, "worker_id": w})
		must(t, ctx.ContractSend(id))
		p.sign(RoleWorker, w, id)
	}
	st, err := ctx.ContractTaxregRequest(a, jur)
	must(t, err)
	if st != TaxregPending {
		t.Fatalf("state %d", st)
	}
	err = asActor(t, ctx, RoleTaxAgent, 0, func() error { return ctx.ContractTaxregComplete(a, `{"status":"registered"}`) })
	wantError(t, err, ErrInvalid, "$.registration_no", "")
	must(t, asActor(t, ctx, RoleTaxAgent, 0, func() error {
		return ctx.ContractTaxregComplete(a, `{"status":"registered","registration_no":"`+id1990+`","registered_on":"2026-03-16"}`)
	}))
	out, err := ctx.ContractTaxregGet(a)
	must(t, err)
	if m := object(t, out); str(t, m, "state_name") != "registered" || str(t, m, "registration_no") != id1990 {
		t.Fatalf("taxreg %s", out)
	}
	var request string
	must(t, ctx.SetTaxProvider(&TaxProvider{RegisterTaxpayer: func(req []byte) ([]byte, error) {
		request = string(req)
		return []byte(`{"status":"registered","registration_no":"` + id1949 + `","registered_on":"2026-03-15"}`), nil
	}}))
	st, err = ctx.ContractTaxregRequest(b, jur)
	must(t, err)
	if st != TaxregRegistered || !strings.Contains(request, `"name":"张小红","id_number":"`+id1949+`"`) {
		t.Fatalf("state %d, request %s", st, request)
	}
}
