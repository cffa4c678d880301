package flexwork

import (
	"strings"
	"testing"
)

const serviceComplaint = `{"kind":"complaint","party_kind":"worker","party_id":7,"channel":"app","category":"payout",` +
	`"title":"payment late","description":"task 12 paid 5 days late","requested_remedy":"pay interest","contact":"13800138000"}`

// R-6.e, R-8.1.c: a complaint end to end, overdue detection, escalation; R-6.f incidents;
// .c corrective actions; R-8 KPIs and reports.
func TestServiceFlow(t *testing.T) {
	clock := &testClock{ms: clockStart}
	ctx := openAdmin(t, clock)
	id, err := ctx.ServiceCaseOpen(serviceComplaint)
	must(t, err)
	clock.ms += 25 * hourMs
	overdue, err := ctx.ServiceOverdue()
	must(t, err)
	if string(overdue) != `[{"case_id":1,"number":"CP-20260315-000001","kind":"complaint","step":"acknowledge",`+
		`"due_ms":1773626400000,"late_ms":3600000,"escalation_level":0}]` {
		t.Fatalf("overdue %s", overdue)
	}
	must(t, ctx.ServiceCaseEscalate(id, `{"reason":"acknowledgement late","to":"duty manager"}`))
	must(t, ctx.ServiceCaseAcknowledge(id, nil))
	must(t, ctx.ServiceCaseAssess(id, `{"severity":"normal","priority":3}`))
	must(t, ctx.ServiceCaseInvestigate(id, `{"note":"payout log checked"}`))
	must(t, ctx.ServiceCaseRespond(id, `{"response":"paid with interest","remedy":"compensation","cause":"late_payout"}`))
	must(t, ctx.ServiceCaseDecide(id, `{"decision":"interest of 12.00 paid","accepted":true}`))
	must(t, ctx.ServiceCaseClose(id, `{"satisfaction":4}`))
	wantError(t, ctx.ServiceCaseAcknowledge(id, nil), ErrState, "", "")
	must(t, ctx.SetActor(RoleWorker, 7, ""))
	out, err := ctx.ServiceCaseGet(id)
	must(t, err)
	m := object(t, out)
	if str(t, m, "contact") != "13800138000" || str(t, m, "state") != "closed" || num(t, m, "satisfaction") != 4 ||
		num(t, m, "escalation_level") != 1 || str(t, m, "timeline", 1, "step") != "escalate" {
		t.Fatalf("case %s", out)
	}
	must(t, ctx.SetActor(RoleOperator, 0, ""))
	out, err = ctx.ServiceCaseGet(id)
	must(t, err)
	if str(t, object(t, out), "contact") != "138****8000" {
		t.Fatalf("case %s", out)
	}
	must(t, ctx.ServiceCaseReopen(id, `{"reason":"the answer was wrong"}`))
	must(t, ctx.SetActor(RoleAdmin, 0, ""))

	must(t, ctx.ServicePlanSet(`{"code":"PAY-DOWN","title":"payment channel outage","severity":"critical","steps":["switch channel","notify enterprises"]}`))
	inc, err := ctx.ServiceIncidentOpen(`{"kind":"emergency","severity":"critical","title":"bank channel down","plan":"PAY-DOWN","note":"payouts failing"}`)
	must(t, err)
	must(t, ctx.ServiceIncidentEscalate(inc, `{"level":2,"note":"over 1 h"}`))
	wantError(t, ctx.ServiceIncidentEscalate(inc, `{"level":1,"note":"down"}`), ErrState, "$.level", "")
	must(t, ctx.ServiceIncidentLog(inc, `{"action":"switch channel","note":"backup bank"}`))
	must(t, ctx.ServiceIncidentClose(inc, `{"resolution":"channel restored"}`))
	out, err = ctx.ServiceIncidentGet(inc)
	must(t, err)
	if m := object(t, out); num(t, m, "level") != 2 || str(t, m, "events", 2, "action") != "switch channel" || str(t, m, "resolution") != "channel restored" {
		t.Fatalf("incident %s", out)
	}

	a, err := ctx.ServiceActionOpen(`{"cause":"late_payout","description":"daily payout batch","owner":"ops lead","due":"2026-04-15","case_ids":[1]}`)
	must(t, err)
	must(t, ctx.ServiceActionComplete(a, `{"result":"batch runs at 10:00"}`))
	wantError(t, ctx.ServiceActionVerify(a, `{"effective":false,"note":"still late"}`), ErrInvalid, "$.due", "")
	must(t, ctx.ServiceActionVerify(a, `{"effective":true,"note":"no late payouts"}`))

	_, err = ctx.ServiceEvaluate(`{"party_kind":"worker","party_id":7,"process":"payout","score":6}`)
	wantError(t, err, ErrInvalid, "$.score", "")
	wantError(t, ctx.ServiceSLASet(`{"severity":"critical","ack_ms":3600000,"respond_ms":60000,"close_ms":86400000}`),
		ErrInvalid, "$.respond_ms", "")
	must(t, ctx.ServiceCheckpointDefine(`{"code":"ack_in_time","title":"cases acknowledged within 24 h",`+
		`"start_action":"service.case_open","end_action":"service.case_acknowledge","max_ms":86400000}`))

	kpis, err := ctx.ServiceKPIs("2026-03", `{"orders":2000}`)
	must(t, err)
	if m := object(t, kpis); str(t, m, "period") != "2026-03" || num(t, m, "complaints") != 1 || num(t, m, "escalation_rate_pct_x100") != 10000 {
		t.Fatalf("kpis %s", kpis)
	}
	_, err = ctx.ServiceKPIs("2026-3", nil)
	wantError(t, err, ErrInvalid, "month", "")
	report, err := ctx.ServiceReport("2026-03", nil)
	must(t, err)
	if str(t, object(t, report), "kpis", "period") != "2026-03" {
		t.Fatalf("report %s", report)
	}
	sup, err := ctx.ServiceSupervise("2026-03")
	must(t, err)
	if str(t, decode(t, sup), 0, "code") != "ack_in_time" {
		t.Fatalf("supervision %s", sup)
	}
	html, err := ctx.ServiceReportHTML("2026-03", nil)
	must(t, err)
	if !strings.Contains(html, "<h1>Service quality report 2026-03</h1>") || strings.Contains(html, "<script") {
		t.Fatalf("html %s", html)
	}
}
