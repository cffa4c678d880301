package flexwork

/*
#include <stdlib.h>
#include <flexwork.h>
*/
import "C"

import (
	"runtime"
	"unsafe"
)

// Constants of include/flexwork/service.h. Values are pinned.
const (
	ServiceEnquiry       = C.FW_SERVICE_ENQUIRY
	ServiceComplaint     = C.FW_SERVICE_COMPLAINT
	ServiceReceived      = C.FW_SERVICE_RECEIVED
	ServiceAcknowledged  = C.FW_SERVICE_ACKNOWLEDGED
	ServiceAssessed      = C.FW_SERVICE_ASSESSED
	ServiceInvestigating = C.FW_SERVICE_INVESTIGATING
	ServiceResponded     = C.FW_SERVICE_RESPONDED
	ServiceDecided       = C.FW_SERVICE_DECIDED
	ServiceClosed        = C.FW_SERVICE_CLOSED
)

// ServiceCaseOpen binds fw_service_case_open: receives an enquiry or a complaint. Errors:
// ErrInvalid naming the field; ErrPerm (a party opens cases only as itself).
func (c *Context) ServiceCaseOpen(record interface{}) (int64, error) {
	h, err := c.handle()
	if err != nil {
		return 0, err
	}
	recordText, recordLen, err := jsonIn(record)
	if err != nil {
		return 0, err
	}
	defer C.free(unsafe.Pointer(recordText))
	var out C.fw_id
	var e *C.fw_error
	rc := C.fw_service_case_open(h, recordText, recordLen, &out, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return 0, err
	}
	return int64(out), nil
}

// ServiceCaseAcknowledge binds fw_service_case_acknowledge: a case step (ISO 10002 8.4),
// RECEIVED -> ACKNOWLEDGED; record {"note"}. Every step takes optional JSON (nil = {}) and
// records the step in the case's timeline and the audit log: ServiceCaseAssess {"severity",
// "priority" 1..4, "note"} (complaints, ACKNOWLEDGED -> ASSESSED; the limits are recomputed for
// the new severity); ServiceCaseInvestigate {"note"} (ASSESSED -> INVESTIGATING);
// ServiceCaseRespond {"response", "remedy", "cause"} (-> RESPONDED); ServiceCaseDecide
// {"decision", "accepted"} (RESPONDED -> DECIDED); ServiceCaseClose {"satisfaction" 1..5,
// "note"} (-> CLOSED); ServiceCaseEscalate {"reason", "to"} (any open case, level + 1, at most
// 3); ServiceCaseReopen {"reason"} (CLOSED -> INVESTIGATING). Errors: ErrNotFound; ErrState
// naming the current state when the step does not apply (e.g. assessing an enquiry);
// ErrInvalid naming the field; ErrPerm. On failure nothing changes.
func (c *Context) ServiceCaseAcknowledge(caseID int64, record interface{}) error {
	h, err := c.handle()
	if err != nil {
		return err
	}
	recordText, recordLen, err := jsonIn(record)
	if err != nil {
		return err
	}
	defer C.free(unsafe.Pointer(recordText))
	var e *C.fw_error
	rc := C.fw_service_case_acknowledge(h, C.fw_id(caseID), recordText, recordLen, &e)
	runtime.KeepAlive(c)
	return check(rc, e)
}

// ServiceCaseAssess binds fw_service_case_assess: a case step, see ServiceCaseAcknowledge.
func (c *Context) ServiceCaseAssess(caseID int64, record interface{}) error {
	h, err := c.handle()
	if err != nil {
		return err
	}
	recordText, recordLen, err := jsonIn(record)
	if err != nil {
		return err
	}
	defer C.free(unsafe.Pointer(recordText))
	var e *C.fw_error
	rc := C.fw_service_case_assess(h, C.fw_id(caseID), recordText, recordLen, &e)
	runtime.KeepAlive(c)
	return check(rc, e)
}

// ServiceCaseInvestigate binds fw_service_case_investigate: a case step, see ServiceCaseAcknowledge.
func (c *Context) ServiceCaseInvestigate(caseID int64, record interface{}) error {
	h, err := c.handle()
	if err != nil {
		return err
	}
	recordText, recordLen, err := jsonIn(record)
	if err != nil {
		return err
	}
	defer C.free(unsafe.Pointer(recordText))
	var e *C.fw_error
	rc := C.fw_service_case_investigate(h, C.fw_id(caseID), recordText, recordLen, &e)
	runtime.KeepAlive(c)
	return check(rc, e)
}

// ServiceCaseRespond binds fw_service_case_respond: a case step, see ServiceCaseAcknowledge.
func (c *Context) ServiceCaseRespond(caseID int64, record interface{}) error {
	h, err := c.handle()
	if err != nil {
		return err
	}
	recordText, recordLen, err := jsonIn(record)
	if err != nil {
		return err
	}
	defer C.free(unsafe.Pointer(recordText))
	var e *C.fw_error
	rc := C.fw_service_case_respond(h, C.fw_id(caseID), recordText, recordLen, &e)
	runtime.KeepAlive(c)
	return check(rc, e)
}

// ServiceCaseDecide binds fw_service_case_decide: a case step, see ServiceCaseAcknowledge.
func (c *Context) ServiceCaseDecide(caseID int64, record interface{}) error {
	h, err := c.handle()
	if err != nil {
		return err
	}
	recordText, recordLen, err := jsonIn(record)
	if err != nil {
		return err
	}
	defer C.free(unsafe.Pointer(recordText))
	var e *C.fw_error
	rc := C.fw_service_case_decide(h, C.fw_id(caseID), recordText, recordLen, &e)
	runtime.KeepAlive(c)
	return check(rc, e)
}

// ServiceCaseClose binds fw_service_case_close: a case step, see ServiceCaseAcknowledge. The
// complainant may close their own decided case.
func (c *Context) ServiceCaseClose(caseID int64, record interface{}) error {
	h, err := c.handle()
	if err != nil {
		return err
	}
	recordText, recordLen, err := jsonIn(record)
	if err != nil {
		return err
	}
	defer C.free(unsafe.Pointer(recordText))
	var e *C.fw_error
	rc := C.fw_service_case_close(h, C.fw_id(caseID), recordText, recordLen, &e)
	runtime.KeepAlive(c)
	return check(rc, e)
}

// ServiceCaseEscalate binds fw_service_case_escalate: a case step, see ServiceCaseAcknowledge.
func (c *Context) ServiceCaseEscalate(caseID int64, record interface{}) error {
	h, err := c.handle()
	if err != nil {
		return err
	}
	recordText, recordLen, err := jsonIn(record)
	if err != nil {
		return err
	}
	defer C.free(unsafe.Pointer(recordText))
	var e *C.fw_error
	rc := C.fw_service_case_escalate(h, C.fw_id(caseID), recordText, recordLen, &e)
	runtime.KeepAlive(c)
	return check(rc, e)
}

// ServiceCaseReopen binds fw_service_case_reopen: a case step, see ServiceCaseAcknowledge.
func (c *Context) ServiceCaseReopen(caseID int64, record interface{}) error {
	h, err := c.handle()
	if err != nil {
		return err
	}
	recordText, recordLen, err := jsonIn(record)
	if err != nil {
		return err
	}
	defer C.free(unsafe.Pointer(recordText))
	var e *C.fw_error
	rc := C.fw_service_case_reopen(h, C.fw_id(caseID), recordText, recordLen, &e)
	runtime.KeepAlive(c)
	return check(rc, e)
}

// ServiceCaseGet binds fw_service_case_get: A case and its timeline, for staff and for the
// complainant following it:
// {"id","number","kind","party_kind","party_id","channel","category","title","description",
// "requested_remedy","contact" (masked unless the actor may see it),"order_ref","severity",
// "priority","state","received_ms","ack_due_ms","respond_due_ms","close_due_ms","ack_ms",
// "responded_ms","closed_ms","cause","remedy","escalation_level","reopen_count",
// "satisfaction","overdue":["acknowledge"|"respond"|"close"...],
// "timeline":[{"at_ms","step","note"}]}. Absent timestamps are 0. Errors: ErrNotFound; ErrPerm
// (another party's case).
func (c *Context) ServiceCaseGet(caseID int64) ([]byte, error) {
	h, err := c.handle()
	if err != nil {
		return nil, err
	}
	var out outText
	var e *C.fw_error
	rc := C.fw_service_case_get(h, C.fw_id(caseID), &out.p, &out.n, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	return out.take(), nil
}

// ServiceOverdue binds fw_service_overdue: open cases past a time limit now:
// [{"case_id","number","kind","step":"acknowledge"|"respond"|"close","due_ms","late_ms",
// "escalation_level"}], oldest due first. Errors: ErrPerm.
func (c *Context) ServiceOverdue() ([]byte, error) {
	h, err := c.handle()
	if err != nil {
		return nil, err
	}
	var out outText
	var e *C.fw_error
	rc := C.fw_service_overdue(h, &out.p, &out.n, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	return out.take(), nil
}

// ServiceSLASet binds fw_service_sla_set: sets the time limits of a severity (applies to cases
// received afterwards). Errors: ErrInvalid; ErrPerm (admin).
func (c *Context) ServiceSLASet(record interface{}) error {
	h, err := c.handle()
	if err != nil {
		return err
	}
	recordText, recordLen, err := jsonIn(record)
	if err != nil {
		return err
	}
	defer C.free(unsafe.Pointer(recordText))
	var e *C.fw_error
	rc := C.fw_service_sla_set(h, recordText, recordLen, &e)
	runtime.KeepAlive(c)
	return check(rc, e)
}

// ServiceEvaluate binds fw_service_evaluate: records a satisfaction evaluation of service
// (R-8.1.a). Errors: ErrInvalid; ErrNotFound ($.case_id); ErrState (case not closed); ErrPerm.
func (c *Context) ServiceEvaluate(record interface{}) (int64, error) {
	h, err := c.handle()
	if err != nil {
		return 0, err
	}
	recordText, recordLen, err := jsonIn(record)
	if err != nil {
		return 0, err
	}
	defer C.free(unsafe.Pointer(recordText))
	var out C.fw_id
	var e *C.fw_error
	rc := C.fw_service_evaluate(h, recordText, recordLen, &out, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return 0, err
	}
	return int64(out), nil
}

// ServicePlanSet binds fw_service_plan_set: adds or replaces an emergency plan (R-6.f). Errors:
// ErrInvalid; ErrPerm.
func (c *Context) ServicePlanSet(record interface{}) error {
	h, err := c.handle()
	if err != nil {
		return err
	}
	recordText, recordLen, err := jsonIn(record)
	if err != nil {
		return err
	}
	defer C.free(unsafe.Pointer(recordText))
	var e *C.fw_error
	rc := C.fw_service_plan_set(h, recordText, recordLen, &e)
	runtime.KeepAlive(c)
	return check(rc, e)
}

// ServiceIncidentOpen binds fw_service_incident_open: opens an incident (R-6.f). Errors:
// ErrInvalid; ErrNotFound ($.plan); ErrPerm.
func (c *Context) ServiceIncidentOpen(record interface{}) (int64, error) {
	h, err := c.handle()
	if err != nil {
		return 0, err
	}
	recordText, recordLen, err := jsonIn(record)
	if err != nil {
		return 0, err
	}
	defer C.free(unsafe.Pointer(recordText))
	var out C.fw_id
	var e *C.fw_error
	rc := C.fw_service_incident_open(h, recordText, recordLen, &out, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return 0, err
	}
	return int64(out), nil
}

// ServiceIncidentLog binds fw_service_incident_log: records an action taken on an open
// incident: {"action" (1..64),"note" (1..1000)}. Errors: ErrNotFound; ErrState when closed;
// ErrInvalid; ErrPerm.
func (c *Context) ServiceIncidentLog(incidentID int64, record interface{}) error {
	h, err := c.handle()
	if err != nil {
		return err
	}
	recordText, recordLen, err := jsonIn(record)
	if err != nil {
		return err
	}
	defer C.free(unsafe.Pointer(recordText))
	var e *C.fw_error
	rc := C.fw_service_incident_log(h, C.fw_id(incidentID), recordText, recordLen, &e)
	runtime.KeepAlive(c)
	return check(rc, e)
}

// ServiceIncidentEscalate binds fw_service_incident_escalate: escalates an open incident to a
// higher level: {"level":1..4 (above the current),"note"}. Levels: 1 duty manager, 2 operations
// head, 3 executive, 4 regulator notified. Errors: ErrNotFound; ErrState when closed or not
// higher; ErrInvalid; ErrPerm.
func (c *Context) ServiceIncidentEscalate(incidentID int64, record interface{}) error {
	h, err := c.handle()
	if err != nil {
		return err
	}
	recordText, recordLen, err := jsonIn(record)
	if err != nil {
		return err
	}
	defer C.free(unsafe.Pointer(recordText))
	var e *C.fw_error
	rc := C.fw_service_incident_escalate(h, C.fw_id(incidentID), recordText, recordLen, &e)
	runtime.KeepAlive(c)
	return check(rc, e)
}

// ServiceIncidentClose binds fw_service_incident_close: closes an incident: {"resolution"
// (1..1000)}. Errors: ErrNotFound; ErrState when closed; ErrInvalid; ErrPerm.
func (c *Context) ServiceIncidentClose(incidentID int64, record interface{}) error {
	h, err := c.handle()
	if err != nil {
		return err
	}
	recordText, recordLen, err := jsonIn(record)
	if err != nil {
		return err
	}
	defer C.free(unsafe.Pointer(recordText))
	var e *C.fw_error
	rc := C.fw_service_incident_close(h, C.fw_id(incidentID), recordText, recordLen, &e)
	runtime.KeepAlive(c)
	return check(rc, e)
}

// ServiceIncidentGet binds fw_service_incident_get: an incident:
// {"id","kind","severity","title","plan","plan_steps":[...],"level","opened_ms",
// "closed_ms","resolution","events":[{"at_ms","action","level","note"}]}. Errors: ErrNotFound;
// ErrPerm.
func (c *Context) ServiceIncidentGet(incidentID int64) ([]byte, error) {
	h, err := c.handle()
	if err != nil {
		return nil, err
	}
	var out outText
	var e *C.fw_error
	rc := C.fw_service_incident_get(h, C.fw_id(incidentID), &out.p, &out.n, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	return out.take(), nil
}

// ServiceCheckpointDefine binds fw_service_checkpoint_define: defines (or replaces) a
// supervised key link (R-8.1.b): every audit record with start_action must be followed on the
// same entity by end_action within max_ms. Errors: ErrInvalid; ErrPerm.
func (c *Context) ServiceCheckpointDefine(record interface{}) error {
	h, err := c.handle()
	if err != nil {
		return err
	}
	recordText, recordLen, err := jsonIn(record)
	if err != nil {
		return err
	}
	defer C.free(unsafe.Pointer(recordText))
	var e *C.fw_error
	rc := C.fw_service_checkpoint_define(h, recordText, recordLen, &e)
	runtime.KeepAlive(c)
	return check(rc, e)
}

// ServiceSupervise binds fw_service_supervise: supervision results of a CST month ("2026-03"),
// for each checkpoint over starts in the month:
// [{"code","title","started","passed","late","missing","pending","failures":[{"entity_type",
// "entity_id","started_ms","ended_ms" (0 = not yet)}] (at most 20)}]. "late": ended after
// max_ms; "missing": not ended and max_ms has passed; "pending": not ended, still in time.
// Errors: ErrInvalid for a bad month; ErrPerm.
func (c *Context) ServiceSupervise(month string) ([]byte, error) {
	h, err := c.handle()
	if err != nil {
		return nil, err
	}
	cMonth := cText(month)
	defer free(cMonth)
	var out outText
	var e *C.fw_error
	rc := C.fw_service_supervise(h, cMonth, &out.p, &out.n, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	return out.take(), nil
}

// ServiceActionOpen binds fw_service_action_open: opens a corrective action against a cause of
// complaints (R-8.2.c). Errors: ErrInvalid; ErrNotFound ($.case_ids[i]); ErrPerm.
func (c *Context) ServiceActionOpen(record interface{}) (int64, error) {
	h, err := c.handle()
	if err != nil {
		return 0, err
	}
	recordText, recordLen, err := jsonIn(record)
	if err != nil {
		return 0, err
	}
	defer C.free(unsafe.Pointer(recordText))
	var out C.fw_id
	var e *C.fw_error
	rc := C.fw_service_action_open(h, recordText, recordLen, &out, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return 0, err
	}
	return int64(out), nil
}

// ServiceActionComplete binds fw_service_action_complete: completes an open corrective action:
// {"result" (1..1000)}. Errors: ErrNotFound; ErrState when not open; ErrInvalid; ErrPerm.
func (c *Context) ServiceActionComplete(actionID int64, record interface{}) error {
	h, err := c.handle()
	if err != nil {
		return err
	}
	recordText, recordLen, err := jsonIn(record)
	if err != nil {
		return err
	}
	defer C.free(unsafe.Pointer(recordText))
	var e *C.fw_error
	rc := C.fw_service_action_complete(h, C.fw_id(actionID), recordText, recordLen, &e)
	runtime.KeepAlive(c)
	return check(rc, e)
}

// ServiceActionVerify binds fw_service_action_verify: verifies the effect of a completed action
// (the follow-up): {"effective":true|false, "note" (1..1000), "due":"YYYY-MM-DD" (required when
// not effective: the action reopens with this due date)}. Errors: ErrNotFound; ErrState when
// not completed; ErrInvalid; ErrPerm.
func (c *Context) ServiceActionVerify(actionID int64, record interface{}) error {
	h, err := c.handle()
	if err != nil {
		return err
	}
	recordText, recordLen, err := jsonIn(record)
	if err != nil {
		return err
	}
	defer C.free(unsafe.Pointer(recordText))
	var e *C.fw_error
	rc := C.fw_service_action_verify(h, C.fw_id(actionID), recordText, recordLen, &e)
	runtime.KeepAlive(c)
	return check(rc, e)
}

// ServiceKPIs binds fw_service_kpis: KPIs of a CST month over the cases received in it
// (R-8.1.d, R-8.2.a): {"period","complaints","enquiries","acknowledged","ack_in_time_pct_x100",
// "ack_ms_median","ack_ms_p90","respond_ms_median","respond_ms_p90","close_ms_median",
// "close_ms_p90","closed","closed_in_time_pct_x100","reopen_rate_pct_x100",
// "escalation_rate_pct_x100","satisfaction_count","satisfaction_avg_x100",
// "complaints_per_1000_orders_x100" (-1 without "orders"),"overdue_open"}. Rates are over the
// month's complaints; times are from receipt; percentiles are nearest-rank (the median of an
// even count is the lower middle value); rounding is half up. Errors: ErrInvalid for a bad
// month or option; ErrPerm.
func (c *Context) ServiceKPIs(month string, opts interface{}) ([]byte, error) {
	h, err := c.handle()
	if err != nil {
		return nil, err
	}
	cMonth := cText(month)
	defer free(cMonth)
	var optsText *C.char
	var optsLen C.size_t
	if opts != nil {
		var err error
		optsText, optsLen, err = jsonIn(opts)
		if err != nil {
			return nil, err
		}
		defer C.free(unsafe.Pointer(optsText))
	}
	var out outText
	var e *C.fw_error
	rc := C.fw_service_kpis(h, cMonth, optsText, optsLen, &out.p, &out.n, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	return out.take(), nil
}

// ServiceReport binds fw_service_report: the periodic service-quality report of a CST month
// (R-8.2.b), with the analysis of evaluation results (R-8.2.d):
// {"period","generated_ms","kpis":{as fw_service_kpis},"previous":{the month before},
// "trend":{kpi: this minus previous, for each KPI},
// "causes":[{"cause","count","previous","change","open_actions","needs_action"}],
// "categories":{category: count},"satisfaction":{process:{"count","avg_x100"}},
// "incidents":{"opened","closed","open_now","by_severity":{}},
// "corrective_actions":{"opened","completed","verified_effective","ineffective","overdue_now"},
// "supervision":[as fw_service_supervise]}. A cause "needs_action" when its complaints rose
// against the previous month and no corrective action on it is open. Errors: ErrInvalid;
// ErrPerm.
func (c *Context) ServiceReport(month string, opts interface{}) ([]byte, error) {
	h, err := c.handle()
	if err != nil {
		return nil, err
	}
	cMonth := cText(month)
	defer free(cMonth)
	var optsText *C.char
	var optsLen C.size_t
	if opts != nil {
		var err error
		optsText, optsLen, err = jsonIn(opts)
		if err != nil {
			return nil, err
		}
		defer C.free(unsafe.Pointer(optsText))
	}
	var out outText
	var e *C.fw_error
	rc := C.fw_service_report(h, cMonth, optsText, optsLen, &out.p, &out.n, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	return out.take(), nil
}

// ServiceReportHTML binds fw_service_report_html: the same report as a self-contained HTML page
// (inline SVG charts, no scripts, no network). Errors: as ServiceReport.
func (c *Context) ServiceReportHTML(month string, opts interface{}) (string, error) {
	h, err := c.handle()
	if err != nil {
		return "", err
	}
	cMonth := cText(month)
	defer free(cMonth)
	optsText, optsLen, err := jsonIn(opts)
	if err != nil {
		return "", err
	}
	defer C.free(unsafe.Pointer(optsText))
	var out outText
	var e *C.fw_error
	rc := C.fw_service_report_html(h, cMonth, optsText, optsLen, &out.p, &out.n, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return "", err
	}
	return string(out.take()), nil
}
