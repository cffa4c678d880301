package flexwork

import (
	"testing"
)

// Parties and contracts built through the public API, as the C suites build them
// (tests/party/fixtures.h, tests/contract/test_contract.c).

const (
	testCard = "6222021000000000009"
	id1990   = "110105199003071239"
	id1949   = "11010519491231002X"
	ent1Name = "杭州云帆科技有限公司"
	ent1USCC = "91330100799655058B"
	ent2Name = "深圳前海数据服务有限公司"
	ent2USCC = "91440300708461136T"
)

var (
	platformProfile = map[string]interface{}{"operating_entity": "杭州灵工平台科技有限公司",
		"uscc": "91350100M000100Y43", "licences": []interface{}{}}
	signing      = map[string]string{"auth_method": "sms_code", "ip": "203.0.113.7"}
	coopBody     = "甲方：{{platform_name}}\n乙方：{{enterprise_name}}（{{enterprise_uscc}}）\n服务费率：{{fee_rate}}，起始日：{{start}}，保证金：{{deposit}} 元。"
	coopValues   = map[string]interface{}{"fee_rate": "6%", "start": "2026-04-01", "deposit": 1000000}
	coopTemplate = map[string]interface{}{"kind": "cooperation", "name": "平台企业合作协议", "version": 1,
		"body": coopBody, "placeholders": []map[string]string{{"name": "fee_rate", "type": "text"},
			{"name": "start", "type": "date"}, {"name": "deposit", "type": "fen"}}}
	serviceTemplate = map[string]interface{}{"kind": "service", "name": "灵活用工服务协议", "version": 1,
		"body":         "甲方：{{enterprise_name}}\n乙方：{{worker_name}}，身份证号 {{worker_id_number}}\n",
		"placeholders": []interface{}{}}
	taxTemplate = map[string]interface{}{"kind": "tax_authorisation", "name": "个人所得税代扣代缴授权书",
		"version": 1, "body": "本人 {{worker_name}} 授权 {{platform_name}} 代为办理税务登记与代扣代缴。",
		"placeholders": []interface{}{}}
)

func enterpriseRecord(name, uscc string) map[string]interface{} {
	return map[string]interface{}{"name": name, "uscc": uscc,
		"legal_rep":      map[string]string{"name": "王建国", "id_number": "11010519491231002X"},
		"contact":        map[string]string{"name": "李四", "phone": "13812345678"},
		"bank_account":   map[string]string{"bank": "中国工商银行杭州分行", "account_no": "1202020209000012345", "account_name": name},
		"business_scope": "软件开发；信息技术服务", "industry": "I65",
		"qualifications": []map[string]string{{"kind": "business_licence",
			"sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}}}
}

func workerRecord(name, idNumber string) map[string]interface{} {
	return map[string]interface{}{"name": name, "id_number": idNumber, "phone": "13900001111",
		"bank_card": testCard, "channel": "self"}
}

// asActor runs fn as another actor, then acts as the admin again.
func asActor(t *testing.T, ctx *Context, role uint32, party int64, fn func() error) error {
	t.Helper()
	must(t, ctx.SetActor(role, party, "test"))
	defer func() { must(t, ctx.SetActor(RoleAdmin, 0, "admin")) }()
	return fn()
}

type parties struct {
	t                  *testing.T
	ctx                *Context
	coop, service, tax int64
}

// newParties records the platform profile and the three templates.
func newParties(t *testing.T, ctx *Context) *parties {
	t.Helper()
	p := &parties{t: t, ctx: ctx}
	must(t, ctx.PartyPlatformSet(platformProfile))
	var err error
	p.coop, err = ctx.ContractTemplateAdd(coopTemplate)
	must(t, err)
	p.service, err = ctx.ContractTemplateAdd(serviceTemplate)
	must(t, err)
	p.tax, err = ctx.ContractTemplateAdd(taxTemplate)
	must(t, err)
	return p
}

func (p *parties) verifiedEnterprise(name, uscc string) int64 {
	p.t.Helper()
	e, err := p.ctx.PartyEnterpriseApply(enterpriseRecord(name, uscc))
	must(p.t, err)
	st, err := p.ctx.PartyEnterpriseVerify(e)
	must(p.t, err)
	if st != EnterpriseUnderReview {
		p.t.Fatalf("state %d", st)
	}
	must(p.t, p.ctx.PartyEnterpriseReview(e, `{"decision":"approve"}`))
	return e
}

func (p *parties) create(record interface{}) int64 {
	p.t.Helper()
	c, err := p.ctx.ContractCreate(record)
	must(p.t, err)
	defer c.Close()
	return c.ID()
}

func (p *parties) sign(role uint32, party, contract int64) uint32 {
	p.t.Helper()
	var st uint32
	must(p.t, asActor(p.t, p.ctx, role, party, func() (err error) {
		st, err = p.ctx.ContractSign(contract, signing)
		return err
	}))
	return st
}

func (p *parties) cooperation(enterprise int64) int64 {
	p.t.Helper()
	id := p.create(map[string]interface{}{"template_id": p.coop, "enterprise_id": enterprise, "values": coopValues})
	must(p.t, p.ctx.ContractSend(id))
	if st := p.sign(RoleEnterpriseUser, enterprise, id); st != ContractPartiallySigned {
		p.t.Fatalf("state %d", st)
	}
	if st := p.sign(RoleAdmin, 0, id); st != ContractSigned {
		p.t.Fatalf("state %d", st)
	}
	return id
}

func (p *parties) activeEnterprise(name, uscc string) int64 {
	p.t.Helper()
	e := p.verifiedEnterprise(name, uscc)
	p.cooperation(e)
	must(p.t, p.ctx.PartyEnterpriseActivate(e))
	return e
}

func (p *parties) verifiedWorker(name, idNumber string) int64 {
	p.t.Helper()
	w, err := p.ctx.PartyWorkerRegister(workerRecord(name, idNumber))
	must(p.t, err)
	_, err = p.ctx.PartyWorkerVerify(w, "")
	must(p.t, err)
	must(p.t, p.ctx.PartyWorkerReview(w, `{"decision":"approve"}`))
	return w
}

// activeWorker is a verified worker with a service agreement in force with the enterprise,
// activated.
func (p *parties) activeWorker(enterprise int64, name, idNumber string) int64 {
	p.t.Helper()
	w := p.verifiedWorker(name, idNumber)
	id := p.create(map[string]interface{}{"template_id": p.service, "enterprise_id": enterprise, "worker_id": w})
	must(p.t, p.ctx.ContractSend(id))
	p.sign(RoleEnterpriseUser, enterprise, id)
	if st := p.sign(RoleWorker, w, id); st != ContractSigned {
		p.t.Fatalf("state %d", st)
	}
	must(p.t, p.ctx.PartyWorkerActivate(w))
	return w
}
