"""Risk control before, during and after every flow (include/flexwork/risk.h)."""

from __future__ import annotations

from ctypes import (CFUNCTYPE, POINTER, Structure, byref, c_char_p, c_int, c_int64, c_size_t,
                    c_uint32, c_void_p)
from typing import Any, Callable, Iterable, List, Mapping, Optional, Tuple

from ._lib import JSONInput, OutText, c_ctx_p, c_error_pp, declare, json_in, text_in
from . import constants as C
from .context import Handle, ModuleAPI
from .errors import FlexworkError

__all__ = ["Risk", "RiskDecision", "RISK_ACTION_ENTERPRISE_ACTIVATE",
           "RISK_ACTION_WORKER_ACTIVATE", "RISK_ACTION_TASK_TAKE", "RISK_ACTION_FUNDING",
           "RISK_ACTION_PAYOUT", "RISK_ALLOW", "RISK_REVIEW", "RISK_DENY", "RISK_WARN",
           "RISK_FLAG", "RISK_BLOCK", "RISK_WAIVED", "RISK_RESERVE", "RISK_PARTIES_VERSION",
           "RISK_LIST_BLACK", "RISK_LIST_WHITE", "RISK_KIND_PERSON", "RISK_KIND_BANK_CARD",
           "RISK_KIND_PHONE", "RISK_KIND_ENTERPRISE", "RISK_GRADE_A", "RISK_GRADE_B",
           "RISK_GRADE_C", "RISK_GRADE_D", "RISK_HOST_RULE_VERSION", "RISK_CASE_OPEN",
           "RISK_CASE_REVIEWING", "RISK_CASE_RESOLVED"]

# Constants of include/flexwork/risk.h. Values are pinned.
RISK_ACTION_ENTERPRISE_ACTIVATE = 1
RISK_ACTION_WORKER_ACTIVATE = 2
RISK_ACTION_TASK_TAKE = 3
RISK_ACTION_FUNDING = 4
RISK_ACTION_PAYOUT = 5
RISK_ALLOW = 1
RISK_REVIEW = 2
RISK_DENY = 3
RISK_WARN = 1
RISK_FLAG = 2
RISK_BLOCK = 3
RISK_WAIVED = 4
RISK_RESERVE = 1
RISK_PARTIES_VERSION = 1
RISK_LIST_BLACK = 1
RISK_LIST_WHITE = 2
RISK_KIND_PERSON = 1
RISK_KIND_BANK_CARD = 2
RISK_KIND_PHONE = 3
RISK_KIND_ENTERPRISE = 4
RISK_GRADE_A = 1
RISK_GRADE_B = 2
RISK_GRADE_C = 3
RISK_GRADE_D = 4
RISK_HOST_RULE_VERSION = 1
RISK_CASE_OPEN = 1
RISK_CASE_REVIEWING = 2
RISK_CASE_RESOLVED = 3

_check_json = declare("fw_risk_check_json", c_int, c_ctx_p, c_char_p, c_size_t, POINTER(c_void_p),
                      POINTER(c_size_t), c_error_pp)
_risk_decision_outcome = declare("fw_risk_decision_outcome", c_uint32, c_void_p)
_risk_decision_reservation = declare("fw_risk_decision_reservation", c_int64, c_void_p)
_risk_decision_severity = declare("fw_risk_decision_severity", c_uint32, c_void_p, c_size_t)
_risk_decision_to_json = declare("fw_risk_decision_to_json", c_int, c_void_p, POINTER(c_void_p),
                                 POINTER(c_size_t), c_error_pp)
_release = declare("fw_risk_release", c_int, c_ctx_p, c_int64, c_error_pp)
_config_set = declare("fw_risk_config_set", c_int, c_ctx_p, c_char_p, c_size_t, c_error_pp)
_list_add = declare("fw_risk_list_add", c_int, c_ctx_p, c_char_p, c_size_t, POINTER(c_int64),
                    c_error_pp)
_list_remove = declare("fw_risk_list_remove", c_int, c_ctx_p, c_int64, c_char_p, c_error_pp)
_list_query = declare("fw_risk_list_query", c_int, c_ctx_p, POINTER(c_void_p), POINTER(c_size_t),
                      c_error_pp)
_checklist_set = declare("fw_risk_checklist_set", c_int, c_ctx_p, c_char_p, c_size_t, c_error_pp)
_qualification_review = declare("fw_risk_qualification_review", c_int, c_ctx_p, c_int64, c_char_p,
                                c_size_t, POINTER(c_void_p), POINTER(c_size_t), c_error_pp)
_signal_record = declare("fw_risk_signal_record", c_int, c_ctx_p, c_char_p, c_size_t,
                         POINTER(c_int64), c_error_pp)
_rating_compute = declare("fw_risk_rating_compute", c_int, c_ctx_p, c_int64, POINTER(c_void_p),
                          POINTER(c_size_t), c_error_pp)
_rating_schedule = declare("fw_risk_rating_schedule", c_int, c_ctx_p, POINTER(c_int64), c_error_pp)
_limits_set = declare("fw_risk_limits_set", c_int, c_ctx_p, c_char_p, c_size_t, c_error_pp)
_limits_get = declare("fw_risk_limits_get", c_int, c_ctx_p, c_int64, POINTER(c_void_p),
                      POINTER(c_size_t), c_error_pp)
_rule_set = declare("fw_risk_rule_set", c_int, c_ctx_p, c_char_p, c_size_t, c_error_pp)
_finding_add = declare("fw_risk_finding_add", c_int, c_void_p, c_int64, c_int64, c_int64, c_char_p)
_sample = declare("fw_risk_sample", c_int, c_ctx_p, c_char_p, c_size_t, POINTER(c_void_p),
                  POINTER(c_size_t), c_error_pp)
_case_update = declare("fw_risk_case_update", c_int, c_ctx_p, c_int64, c_char_p, c_size_t,
                       c_error_pp)
_case_list = declare("fw_risk_case_list", c_int, c_ctx_p, c_char_p, c_size_t, POINTER(c_void_p),
                     POINTER(c_size_t), c_error_pp)
_stats = declare("fw_risk_stats", c_int, c_ctx_p, c_char_p, c_size_t, POINTER(c_void_p),
                 POINTER(c_size_t), c_error_pp)
#: A host inspection rule: ``fn(from_ms, to_ms)`` returns its findings (see
#: :meth:`Risk.inspect`); raising fails the run with UserError.
HostRule = Callable[[int, int], Iterable[Mapping[str, Any]]]


class _Parties(Structure):
    """fw_risk_parties."""
    _fields_ = [("version", c_uint32), ("flags", c_uint32), ("enterprise_id", c_int64),
                ("worker_id", c_int64), ("task_id", c_int64), ("bank_card", c_char_p),
                ("phone", c_char_p)]


class _HostRule(Structure):
    """fw_risk_host_rule."""


_RULE_FN = CFUNCTYPE(c_int, c_void_p, c_void_p, c_int64, c_int64, c_void_p)
_HostRule._fields_ = [("version", c_uint32), ("code", c_char_p), ("fn", _RULE_FN),
                      ("payload", c_void_p)]

_check = declare("fw_risk_check", c_int, c_ctx_p, c_uint32, POINTER(_Parties), c_int64,
                 POINTER(c_void_p), c_error_pp)
_inspect = declare("fw_risk_inspect", c_int, c_ctx_p, c_char_p, c_size_t, POINTER(_HostRule),
                   c_size_t, POINTER(c_void_p), POINTER(c_size_t), c_error_pp)
_decision_count = declare("fw_risk_decision_count", c_size_t, c_void_p)
_decision_code = declare("fw_risk_decision_code", c_char_p, c_void_p, c_size_t)
_risk_decision_free = declare("fw_risk_decision_free", None, c_void_p)


class Risk(ModuleAPI, module="risk"):
    """Risk control before, during and after every flow: ``ctx.risk``."""

    def check(self, action: int, enterprise_id: int = 0, worker_id: int = 0, task_id: int = 0,
              amount_fen: int = 0, reserve: bool = False, bank_card: Optional[str] = None,
              phone: Optional[str] = None) -> "RiskDecision":
        """The gate (R-7.10.h): decides on an action (RISK_ACTION_*) for its parties and
        amount; returns the decision whatever its outcome. With ``reserve`` (payout only) an
        allow counts the amount against every limit and carries a reservation id (release it
        with :meth:`release` if the payout fails).

        Raises: InvalidError for a bad action, amount or missing party; NotFoundError for an
        unknown party; FlexworkPermissionError; BusyError.
        """
        parties = _Parties(RISK_PARTIES_VERSION, RISK_RESERVE if reserve else 0, enterprise_id,
                           worker_id, task_id, text_in(bank_card), text_in(phone))
        ptr = c_void_p()
        self._call(_check, action, byref(parties), amount_fen, byref(ptr))
        return RiskDecision(ptr.value)

    def inspect(self, request: JSONInput,
                rules: Optional[Mapping[str, HostRule]] = None) -> Any:
        """Runs the enabled inspection rules and the host's ``rules`` over the period
        (R-7.10.f): request {"from":"YYYY-MM-DD","to":"YYYY-MM-DD"} (CST dates, to exclusive).
        Each host rule, by its code (A-Z0-9_), is called once as ``fn(from_ms, to_ms)`` and
        returns its findings: mappings with ``enterprise_id``, ``worker_id``, ``amount_fen``
        and optionally ``detail`` (a dict). Each finding opens a risk case. Returns
        {"run_id","from_ms","to_ms","findings":[...]}.

        Raises: InvalidError; UserError when a host rule raises (nothing is recorded; the
        exception is the error's ``__cause__``); FlexworkPermissionError.
        """
        rules = dict(rules or {})
        array = (_HostRule * max(len(rules), 1))()
        thunks = []
        for i, (code, fn) in enumerate(rules.items()):
            thunk = self._rule_thunk(fn)
            thunks.append(thunk)
            array[i] = _HostRule(RISK_HOST_RULE_VERSION, text_in(code), thunk, None)
        out = OutText()
        self._call(_inspect, *json_in(request), array, len(rules), *out.args)
        return out.json()

    def _rule_thunk(self, fn: HostRule) -> Any:
        ctx = self.context

        def thunk(_payload: Any, _ctx: Any, from_ms: int, to_ms: int, findings: int) -> int:
            try:
                for f in fn(from_ms, to_ms) or ():
                    detail = f.get("detail")
                    rc = int(_finding_add(findings, int(f.get("enterprise_id", 0)),
                                          int(f.get("worker_id", 0)), int(f.get("amount_fen", 0)),
                                          None if detail is None else json_in(detail)[0]))
                    if rc != C.OK:
                        return rc
                return C.OK
            except FlexworkError as e:
                ctx._note_callback_error(e)
                return e.code
            except BaseException as e:  # noqa: BLE001 - nothing may unwind through C
                ctx._note_callback_error(e)
                return C.EUSER
        return _RULE_FN(thunk)

    def check_json(self, record: JSONInput) -> Any:
        """The gate with a JSON request and answer. Request:
        {"action":"enterprise_activate"|"worker_activate"|"task_take"|"funding"|"payout",
        "enterprise_id":int, "worker_id":int, "task_id":int, "amount_fen":int, "reserve":bool,
        "bank_card":"...", "phone":"..."}. Answer: {"outcome":"allow"|"review"|"deny",
        "reservation_id":int, "reasons":[{"code","severity","rule","clause","inputs":{...},
        "waived_by":int}]}. Errors as :meth:`check`, plus JSONError.
        """
        out = OutText()
        self._call(_check_json, *json_in(record), *out.args)
        return out.json()

    def release(self, reservation_id: int) -> None:
        """Releases a reservation (the payout it allowed did not happen): its amount and count
        leave the counters. Audited.

        Raises: NotFoundError; StateError when already released; FlexworkPermissionError.
        """
        self._call(_release, reservation_id)

    def config_set(self, record: JSONInput) -> None:
        """Sets the risk policy: {"require_qualification":bool, "rating_interval_ms":int (60000 ..
        31536000000)}; absent fields keep their value. With require_qualification an enterprise
        becomes active only after a passed qualification review. Admin only; audited.

        Raises: InvalidError/JSONError naming the field; FlexworkPermissionError.
        """
        self._call(_config_set, *json_in(record))

    def list_add(self, record: JSONInput) -> int:
        """Adds a black- or white-list entry (R-7.10.c): {"list":"black"|"white",
        "kind":"person"|"bank_card"|"phone"|"enterprise", "value":"...", "reason":"1..500
        bytes", "source":"1..100 bytes", "expires":"YYYY-MM-DD" (optional),
        "waives":["LIMIT_WORKER_MONTH", ...] (white only, required: the reason codes excepted)}.
        The value is validated for its kind and stored only as a blind index and a masked form.

        Raises: InvalidError naming the field; ExistsError when the same value is already on
        that list; FlexworkPermissionError. Audited (masked value).
        """
        out = c_int64()
        self._call(_list_add, *json_in(record), byref(out))
        return out.value

    def list_remove(self, entry_id: int, reason: str) -> None:
        """Removes an entry with a reason (1..500 bytes). NotFoundError, StateError if removed.
        Audited.
        """
        self._call(_list_remove, entry_id, text_in(reason))

    def list_query(self) -> Any:
        """The live entries as a JSON array of {"id","list","kind","masked","reason","source",
        "waives","expires_ms","created_ms"}; expired entries are omitted.
        """
        out = OutText()
        self._call(_list_query, *out.args)
        return out.json()

    def checklist_set(self, record: JSONInput) -> None:
        """Sets the qualification checklist of an industry (R-7.10.a): {"industry":"I65" or "*",
        "documents":["business_licence", ...] (kinds that must be on file),
        "scope_keywords":["软件", ...] (the business scope must contain one; [] for none)}.

        Raises: InvalidError naming the field; FlexworkPermissionError. Audited.
        """
        self._call(_checklist_set, *json_in(record))

    def qualification_review(self, enterprise_id: int,
                             record: Optional[JSONInput] = None) -> Any:
        """Runs the qualification review of an enterprise and records the result (R-7.10.a).
        Checks: licence on file, business scope matches, USCC verified, cooperation agreement
        signed (the party module records it when the contract module reports the signature, or a
        signal "agreement_signed" does), every required document on file and not expired.
        Request (optional): {"document_expiry":{"<kind>":"YYYY-MM-DD",...}}.
        Answer: {"id","enterprise_id","passed":bool,"checks":[{"check","passed","detail"}]}.

        Raises: NotFoundError; InvalidError; FlexworkPermissionError.
        """
        out = OutText()
        self._call(_qualification_review, enterprise_id,
                   *(json_in(record) if record is not None else (None, 0)), *out.args)
        return out.json()

    def signal_record(self, record: JSONInput) -> int:
        """Records a fact for the rating and inspection rules:
        {"kind":"dispute"|"complaint"|"funding_late"|"funding_ok"|"task_flag"|"inspection_finding"|
        "agreement_signed"|"task_taken"|"task_completed"|"fund_return", "enterprise_id":int,
        "worker_id":int, "amount_fen":int, "value":int (task_completed: duration in ms),
        "category":"...", "ref":"...", "at":ms (default now)}.

        Raises: InvalidError naming the field; FlexworkPermissionError.
        """
        out = c_int64()
        self._call(_signal_record, *json_in(record), byref(out))
        return out.value

    def rating_compute(self, enterprise_id: int) -> Any:
        """Recomputes an enterprise's rating now (R-7.10.b) and returns it:
        {"enterprise_id","grade":"A".."D","score":0..100,"factors":[{"factor","points","max",
        "inputs":{...}}],"computed_ms"}. A change of grade or score is audited.

        Raises: NotFoundError; FlexworkPermissionError.
        """
        out = OutText()
        self._call(_rating_compute, enterprise_id, *out.args)
        return out.json()

    def rating_schedule(self) -> int:
        """The scheduled run: recomputes the rating of every enterprise not cancelled whose rating
        is missing or older than the configured interval. Returns how many.
        """
        out = c_int64()
        self._call(_rating_schedule, byref(out))
        return out.value

    def limits_set(self, record: JSONInput) -> None:
        """Sets limits (R-7.10.e) for a scope: {"scope":"platform"|"rating"|"enterprise",
        "rating":"A".."D" (rating scope), "enterprise_id":int (enterprise scope),
        "limits":{"per_payment_fen", "worker_day_fen", "worker_month_fen", "worker_12m_fen",
        "worker_day_count", "worker_month_count", "enterprise_day_fen", "enterprise_month_fen",
        "enterprise_day_count"}}. Each limit is an integer >= 0 (0: no limit) or null (inherit
        from the less specific scope; not at platform). Absent limits are unchanged. Audited.
        """
        self._call(_limits_set, *json_in(record))

    def limits_get(self, enterprise_id: int) -> Any:
        """The limits in force for an enterprise (0: the platform's): {"limits":{name:value},
        "sources":{name:"platform"|"rating"|"enterprise"},"grade":"A".."D"|null}.
        """
        out = OutText()
        self._call(_limits_get, enterprise_id, *out.args)
        return out.json()

    def rule_set(self, record: JSONInput) -> None:
        """Adds or changes an inspection rule: an instance of a built-in type with parameters
        {"code":"A-Z0-9_ (1..40)","type":"many_enterprises"|"structuring"|"same_amount_series"|
        "funds_back"|"fast_completion"|"dormant_active"|"minor_restricted","params":{...},
        "enabled":bool}. The parameters of each type are in docs/api/risk.md. Audited.
        """
        self._call(_rule_set, *json_in(record))

    def sample(self, record: JSONInput) -> Any:
        """Draws a random sample for manual review (R-7.10.g), stratified by enterprise:
        {"population":"payouts"|"workers","from":"YYYY-MM-DD","to":"YYYY-MM-DD",
        "per_enterprise":1..1000,"seed":"64 hex chars" (optional: a fresh random seed
        otherwise)}. The same seed over the same period draws the same items. Each item drawn
        opens a case. Answer:
        {"sample_id","seed","drawn":[{"enterprise_id","ids":[...]}],"cases":[...]}.
        """
        out = OutText()
        self._call(_sample, *json_in(record), *out.args)
        return out.json()

    def case_update(self, case_id: int, record: JSONInput) -> None:
        """Moves a case on: {"state":"reviewing"|"resolved", "resolution":"no_issue"|"suspend"|
        "limit"|"list" (required to resolve), "note":"1..2000 bytes"}. open -> reviewing ->
        resolved (open -> resolved is allowed too). Audited.

        Raises: NotFoundError; StateError for a move the state does not allow; InvalidError.
        """
        self._call(_case_update, case_id, *json_in(record))

    def case_list(self, record: Optional[JSONInput] = None) -> Any:
        """Cases as a JSON array, filtered by {"state":"open"|"reviewing"|"resolved",
        "enterprise_id":int} (record may be None): each {"id","source","rule","enterprise_id",
        "worker_id","subject_id","amount_fen","detail","state","resolution","notes","opened_ms"}.
        """
        out = OutText()
        self._call(_case_list, *(json_in(record) if record is not None else (None, 0)), *out.args)
        return out.json()

    def stats(self, record: JSONInput) -> Any:
        """Statistics of a period {"from":"YYYY-MM-DD","to":"YYYY-MM-DD"}: cases opened by rule and
        by state, resolutions, samples drawn, refusals by the gate (from the audit log).
        """
        out = OutText()
        self._call(_stats, *json_in(record), *out.args)
        return out.json()


class RiskDecision(Handle):
    """A gate decision (``fw_risk_decision``) from ``ctx.risk.check(...)``: the outcome and
    its reasons. It does not borrow the context. Close it (or use ``with``)."""

    _free = _risk_decision_free
    _what = "risk decision"

    def outcome(self) -> int:
        """The outcome, one of RISK_ALLOW, RISK_REVIEW, RISK_DENY."""
        return int(_risk_decision_outcome(self._require()))

    def reservation(self) -> int:
        """The reservation made by a reserving check that allowed, else 0."""
        return int(_risk_decision_reservation(self._require()))

    def count(self) -> int:
        """The number of reasons (warnings and waived ones included)."""
        return int(_decision_count(self._require()))

    def code(self, i: int) -> Optional[str]:
        """Reason i's code, e.g. "LIMIT_WORKER_MONTH", or None when i is out of range."""
        code = _decision_code(self._require(), i)
        return None if code is None else str(code.decode("ascii"))

    def reasons(self) -> List[Tuple[str, int]]:
        """Every reason as (code, severity)."""
        return [(str(self.code(i)), self.severity(i)) for i in range(self.count())]

    def severity(self, i: int) -> int:
        """Reason i's severity, one of RISK_WARN..RISK_WAIVED, or 0 when out of range.
        """
        return int(_risk_decision_severity(self._require(), i))

    def to_json(self) -> Any:
        """The decision as JSON (the answer of :meth:`Risk.check_json`)."""
        out = OutText()
        self._call(_risk_decision_to_json, *out.args)
        return out.json()
