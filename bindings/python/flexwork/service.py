"""Service quality (include/flexwork/service.h)."""

from __future__ import annotations

from ctypes import POINTER, byref, c_char_p, c_int, c_int64, c_size_t, c_void_p
from typing import Any, Optional, Tuple

from ._lib import JSONInput, OutText, c_ctx_p, c_error_pp, declare, json_in, text_in
from .context import ModuleAPI

__all__ = ["Service", "SERVICE_ENQUIRY", "SERVICE_COMPLAINT", "SERVICE_RECEIVED",
           "SERVICE_ACKNOWLEDGED", "SERVICE_ASSESSED", "SERVICE_INVESTIGATING",
           "SERVICE_RESPONDED", "SERVICE_DECIDED", "SERVICE_CLOSED"]

# Constants of include/flexwork/service.h. Values are pinned.
SERVICE_ENQUIRY = 1
SERVICE_COMPLAINT = 2
SERVICE_RECEIVED = 1
SERVICE_ACKNOWLEDGED = 2
SERVICE_ASSESSED = 3
SERVICE_INVESTIGATING = 4
SERVICE_RESPONDED = 5
SERVICE_DECIDED = 6
SERVICE_CLOSED = 7

_case_open = declare("fw_service_case_open", c_int, c_ctx_p, c_char_p, c_size_t, POINTER(c_int64),
                     c_error_pp)
_case_acknowledge = declare("fw_service_case_acknowledge", c_int, c_ctx_p, c_int64, c_char_p,
                            c_size_t, c_error_pp)
_case_assess = declare("fw_service_case_assess", c_int, c_ctx_p, c_int64, c_char_p, c_size_t,
                       c_error_pp)
_case_investigate = declare("fw_service_case_investigate", c_int, c_ctx_p, c_int64, c_char_p,
                            c_size_t, c_error_pp)
_case_respond = declare("fw_service_case_respond", c_int, c_ctx_p, c_int64, c_char_p, c_size_t,
                        c_error_pp)
_case_decide = declare("fw_service_case_decide", c_int, c_ctx_p, c_int64, c_char_p, c_size_t,
                       c_error_pp)
_case_close = declare("fw_service_case_close", c_int, c_ctx_p, c_int64, c_char_p, c_size_t,
                      c_error_pp)
_case_escalate = declare("fw_service_case_escalate", c_int, c_ctx_p, c_int64, c_char_p, c_size_t,
                         c_error_pp)
_case_reopen = declare("fw_service_case_reopen", c_int, c_ctx_p, c_int64, c_char_p, c_size_t,
                       c_error_pp)
_case_get = declare("fw_service_case_get", c_int, c_ctx_p, c_int64, POINTER(c_void_p),
                    POINTER(c_size_t), c_error_pp)
_overdue = declare("fw_service_overdue", c_int, c_ctx_p, POINTER(c_void_p), POINTER(c_size_t),
                   c_error_pp)
_sla_set = declare("fw_service_sla_set", c_int, c_ctx_p, c_char_p, c_size_t, c_error_pp)
_evaluate = declare("fw_service_evaluate", c_int, c_ctx_p, c_char_p, c_size_t, POINTER(c_int64),
                    c_error_pp)
_plan_set = declare("fw_service_plan_set", c_int, c_ctx_p, c_char_p, c_size_t, c_error_pp)
_incident_open = declare("fw_service_incident_open", c_int, c_ctx_p, c_char_p, c_size_t,
                         POINTER(c_int64), c_error_pp)
_incident_log = declare("fw_service_incident_log", c_int, c_ctx_p, c_int64, c_char_p, c_size_t,
                        c_error_pp)
_incident_escalate = declare("fw_service_incident_escalate", c_int, c_ctx_p, c_int64, c_char_p,
                             c_size_t, c_error_pp)
_incident_close = declare("fw_service_incident_close", c_int, c_ctx_p, c_int64, c_char_p, c_size_t,
                          c_error_pp)
_incident_get = declare("fw_service_incident_get", c_int, c_ctx_p, c_int64, POINTER(c_void_p),
                        POINTER(c_size_t), c_error_pp)
_checkpoint_define = declare("fw_service_checkpoint_define", c_int, c_ctx_p, c_char_p, c_size_t,
                             c_error_pp)
_supervise = declare("fw_service_supervise", c_int, c_ctx_p, c_char_p, POINTER(c_void_p),
                     POINTER(c_size_t), c_error_pp)
_action_open = declare("fw_service_action_open", c_int, c_ctx_p, c_char_p, c_size_t,
                       POINTER(c_int64), c_error_pp)
_action_complete = declare("fw_service_action_complete", c_int, c_ctx_p, c_int64, c_char_p,
                           c_size_t, c_error_pp)
_action_verify = declare("fw_service_action_verify", c_int, c_ctx_p, c_int64, c_char_p, c_size_t,
                         c_error_pp)
_kpis = declare("fw_service_kpis", c_int, c_ctx_p, c_char_p, c_char_p, c_size_t, POINTER(c_void_p),
                POINTER(c_size_t), c_error_pp)
_report = declare("fw_service_report", c_int, c_ctx_p, c_char_p, c_char_p, c_size_t,
                  POINTER(c_void_p), POINTER(c_size_t), c_error_pp)
_report_html = declare("fw_service_report_html", c_int, c_ctx_p, c_char_p, c_char_p, c_size_t,
                       POINTER(c_void_p), POINTER(c_size_t), c_error_pp)



def _opt_json(record: Optional[JSONInput]) -> Tuple[Optional[bytes], int]:
    """Optional JSON input: None is NULL (the library reads it as {})."""
    return (None, 0) if record is None else json_in(record)


class Service(ModuleAPI, module="service"):
    """Service quality: ``ctx.service``."""

    def case_open(self, record: JSONInput) -> int:
        """Receives an enquiry or a complaint.

        Raises: InvalidError naming the field; FlexworkPermissionError (a party opens cases only
        as itself).
        """
        out = c_int64()
        self._call(_case_open, *json_in(record), byref(out))
        return out.value

    def case_acknowledge(self, case_id: int, record: Optional[JSONInput] = None) -> None:
        """A case step (ISO 10002 8.4): RECEIVED -> ACKNOWLEDGED; ``record`` {"note"}.

        Every step takes optional JSON (None = {}), records the step in the case's timeline
        and the audit log: ``case_acknowledge``; ``case_assess`` {"severity", "priority"
        1..4, "note"} (complaints, ACKNOWLEDGED -> ASSESSED; the limits are recomputed for the
        new severity); ``case_investigate`` {"note"} (ASSESSED -> INVESTIGATING);
        ``case_respond`` {"response", "remedy", "cause"} (-> RESPONDED); ``case_decide``
        {"decision", "accepted"} (RESPONDED -> DECIDED); ``case_close`` {"satisfaction" 1..5,
        "note"} (-> CLOSED); ``case_escalate`` {"reason", "to"} (any open case, level + 1, at
        most 3); ``case_reopen`` {"reason"} (CLOSED -> INVESTIGATING).

        Raises: NotFoundError; StateError naming the current state when the step does not
        apply (e.g. assessing an enquiry); InvalidError naming the field;
        FlexworkPermissionError. On failure nothing changes.
        """
        self._call(_case_acknowledge, case_id, *_opt_json(record))

    def case_assess(self, case_id: int, record: Optional[JSONInput] = None) -> None:
        """A case step: see :meth:`case_acknowledge`."""
        self._call(_case_assess, case_id, *_opt_json(record))

    def case_investigate(self, case_id: int, record: Optional[JSONInput] = None) -> None:
        """A case step: see :meth:`case_acknowledge`."""
        self._call(_case_investigate, case_id, *_opt_json(record))

    def case_respond(self, case_id: int, record: Optional[JSONInput] = None) -> None:
        """A case step: see :meth:`case_acknowledge`."""
        self._call(_case_respond, case_id, *_opt_json(record))

    def case_decide(self, case_id: int, record: Optional[JSONInput] = None) -> None:
        """A case step: see :meth:`case_acknowledge`."""
        self._call(_case_decide, case_id, *_opt_json(record))

    def case_close(self, case_id: int, record: Optional[JSONInput] = None) -> None:
        """A case step: see :meth:`case_acknowledge`. The complainant may close their own
        decided case."""
        self._call(_case_close, case_id, *_opt_json(record))

    def case_escalate(self, case_id: int, record: Optional[JSONInput] = None) -> None:
        """A case step: see :meth:`case_acknowledge`."""
        self._call(_case_escalate, case_id, *_opt_json(record))

    def case_reopen(self, case_id: int, record: Optional[JSONInput] = None) -> None:
        """A case step: see :meth:`case_acknowledge`."""
        self._call(_case_reopen, case_id, *_opt_json(record))

    def case_get(self, case_id: int) -> Any:
        """A case and its timeline, for staff and for the complainant following it:
        {"id","number","kind","party_kind","party_id","channel","category","title","description",
        "requested_remedy","contact" (masked unless the actor may see
        it),"order_ref","severity",
        "priority","state","received_ms","ack_due_ms","respond_due_ms","close_due_ms","ack_ms",
        "responded_ms","closed_ms","cause","remedy","escalation_level","reopen_count",
        "satisfaction","overdue":["acknowledge"|"respond"|"close"...],
        "timeline":[{"at_ms","step","note"}]}. Absent timestamps are 0.

        Raises: NotFoundError; FlexworkPermissionError (another party's case).
        """
        out = OutText()
        self._call(_case_get, case_id, *out.args)
        return out.json()

    def overdue(self) -> Any:
        """Open cases past a time limit now:
        [{"case_id","number","kind","step":"acknowledge"|"respond"|"close","due_ms","late_ms",
        "escalation_level"}], oldest due first.

        Raises: FlexworkPermissionError.
        """
        out = OutText()
        self._call(_overdue, *out.args)
        return out.json()

    def sla_set(self, record: JSONInput) -> None:
        """Sets the time limits of a severity (applies to cases received afterwards).

        Raises: InvalidError; FlexworkPermissionError (admin).
        """
        self._call(_sla_set, *json_in(record))

    def evaluate(self, record: JSONInput) -> int:
        """Records a satisfaction evaluation of service (R-8.1.a).

        Raises: InvalidError; NotFoundError ($.case_id); StateError (case not closed);
        FlexworkPermissionError.
        """
        out = c_int64()
        self._call(_evaluate, *json_in(record), byref(out))
        return out.value

    def plan_set(self, record: JSONInput) -> None:
        """Adds or replaces an emergency plan (R-6.f).

        Raises: InvalidError; FlexworkPermissionError.
        """
        self._call(_plan_set, *json_in(record))

    def incident_open(self, record: JSONInput) -> int:
        """Opens an incident (R-6.f).

        Raises: InvalidError; NotFoundError ($.plan); FlexworkPermissionError.
        """
        out = c_int64()
        self._call(_incident_open, *json_in(record), byref(out))
        return out.value

    def incident_log(self, incident_id: int, record: JSONInput) -> None:
        """Records an action taken on an open incident: {"action" (1..64),"note" (1..1000)}.

        Raises: NotFoundError; StateError when closed; InvalidError; FlexworkPermissionError.
        """
        self._call(_incident_log, incident_id, *json_in(record))

    def incident_escalate(self, incident_id: int, record: JSONInput) -> None:
        """Escalates an open incident to a higher level: {"level":1..4 (above the current),"note"}.
        Levels: 1 duty manager, 2 operations head, 3 executive, 4 regulator notified.

        Raises: NotFoundError; StateError when closed or not higher; InvalidError;
        FlexworkPermissionError.
        """
        self._call(_incident_escalate, incident_id, *json_in(record))

    def incident_close(self, incident_id: int, record: JSONInput) -> None:
        """Closes an incident: {"resolution" (1..1000)}.

        Raises: NotFoundError; StateError when closed; InvalidError; FlexworkPermissionError.
        """
        self._call(_incident_close, incident_id, *json_in(record))

    def incident_get(self, incident_id: int) -> Any:
        """An incident:
        {"id","kind","severity","title","plan","plan_steps":[...],"level","opened_ms",
        "closed_ms","resolution","events":[{"at_ms","action","level","note"}]}.

        Raises: NotFoundError; FlexworkPermissionError.
        """
        out = OutText()
        self._call(_incident_get, incident_id, *out.args)
        return out.json()

    def checkpoint_define(self, record: JSONInput) -> None:
        """Defines (or replaces) a supervised key link (R-8.1.b): every audit record with
        start_action must be followed on the same entity by end_action within max_ms.

        Raises: InvalidError; FlexworkPermissionError.
        """
        self._call(_checkpoint_define, *json_in(record))

    def supervise(self, month: str) -> Any:
        """Supervision results of a CST month ("2026-03"), for each checkpoint over starts in the
        month:
        [{"code","title","started","passed","late","missing","pending","failures":[{"entity_type",
        "entity_id","started_ms","ended_ms" (0 = not yet)}] (at most 20)}]. "late": ended after
        max_ms; "missing": not ended and max_ms has passed; "pending": not ended, still in time.

        Raises: InvalidError for a bad month; FlexworkPermissionError.
        """
        out = OutText()
        self._call(_supervise, text_in(month), *out.args)
        return out.json()

    def action_open(self, record: JSONInput) -> int:
        """Opens a corrective action against a cause of complaints (R-8.2.c).

        Raises: InvalidError; NotFoundError ($.case_ids[i]); FlexworkPermissionError.
        """
        out = c_int64()
        self._call(_action_open, *json_in(record), byref(out))
        return out.value

    def action_complete(self, action_id: int, record: JSONInput) -> None:
        """Completes an open corrective action: {"result" (1..1000)}.

        Raises: NotFoundError; StateError when not open; InvalidError; FlexworkPermissionError.
        """
        self._call(_action_complete, action_id, *json_in(record))

    def action_verify(self, action_id: int, record: JSONInput) -> None:
        """Verifies the effect of a completed action (the follow-up): {"effective":true|false,
        "note" (1..1000), "due":"YYYY-MM-DD" (required when not effective: the action reopens
        with this due date)}.

        Raises: NotFoundError; StateError when not completed; InvalidError;
        FlexworkPermissionError.
        """
        self._call(_action_verify, action_id, *json_in(record))

    def kpis(self, month: str, opts: Optional[JSONInput] = None) -> Any:
        """KPIs of a CST month over the cases received in it (R-8.1.d, R-8.2.a):
        {"period","complaints","enquiries","acknowledged","ack_in_time_pct_x100",
        "ack_ms_median","ack_ms_p90","respond_ms_median","respond_ms_p90","close_ms_median",
        "close_ms_p90","closed","closed_in_time_pct_x100","reopen_rate_pct_x100",
        "escalation_rate_pct_x100","satisfaction_count","satisfaction_avg_x100",
        "complaints_per_1000_orders_x100" (-1 without "orders"),"overdue_open"}. Rates are over
        the month's complaints; times are from receipt; percentiles are nearest-rank (the median
        of an even count is the lower middle value); rounding is half up.

        Raises: InvalidError for a bad month or option; FlexworkPermissionError.
        """
        out = OutText()
        self._call(_kpis, text_in(month), *_opt_json(opts),
                   *out.args)
        return out.json()

    def report(self, month: str, opts: Optional[JSONInput] = None) -> Any:
        """The periodic service-quality report of a CST month (R-8.2.b), with the analysis of
        evaluation results (R-8.2.d): {"period","generated_ms","kpis":{as
        fw_service_kpis},"previous":{the month before}, "trend":{kpi: this minus previous, for
        each KPI},
        "causes":[{"cause","count","previous","change","open_actions","needs_action"}],
        "categories":{category: count},"satisfaction":{process:{"count","avg_x100"}},
        "incidents":{"opened","closed","open_now","by_severity":{}},
        "corrective_actions":{"opened","completed","verified_effective","ineffective","overdue_now"},
        "supervision":[as fw_service_supervise]}. A cause "needs_action" when its complaints
        rose against the previous month and no corrective action on it is open.

        Raises: InvalidError; FlexworkPermissionError.
        """
        out = OutText()
        self._call(_report, text_in(month), *_opt_json(opts),
                   *out.args)
        return out.json()

    def report_html(self, month: str, opts: Optional[JSONInput] = None) -> str:
        """The same report as a self-contained HTML page (inline SVG charts, no scripts, no
        network).

        Raises: as :meth:`report`.
        """
        out = OutText()
        self._call(_report_html, text_in(month), *_opt_json(opts), *out.args)
        return out.text()
