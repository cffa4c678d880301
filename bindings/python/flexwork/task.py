"""Tasks (include/flexwork/task.h)."""

from __future__ import annotations

from ctypes import POINTER, byref, c_char_p, c_int, c_int64, c_size_t, c_uint32, c_void_p
from typing import Any, Optional, Tuple

from ._lib import JSONInput, OutText, c_ctx_p, c_error_pp, declare, json_in, text_in
from .context import Handle, ModuleAPI

__all__ = ["Tasks", "Task", "TASK_DRAFT", "TASK_SUBMITTED", "TASK_APPROVED", "TASK_REJECTED",
           "TASK_PUBLISHED", "TASK_IN_PROGRESS", "TASK_COMPLETED", "TASK_CANCELLED",
           "TASK_EXPIRED", "ASSIGNMENT_TAKEN", "ASSIGNMENT_DELIVERED", "ASSIGNMENT_REVISION",
           "ASSIGNMENT_ACCEPTED", "ASSIGNMENT_REJECTED", "ASSIGNMENT_WITHDRAWN",
           "ASSIGNMENT_OVERDUE", "TASK_RISK_LOW", "TASK_RISK_MEDIUM", "TASK_RISK_HIGH",
           "TASK_RATING_WORKER", "TASK_RATING_ENTERPRISE"]

# Constants of include/flexwork/task.h. Values are pinned.
TASK_DRAFT = 1
TASK_SUBMITTED = 2
TASK_APPROVED = 3
TASK_REJECTED = 4
TASK_PUBLISHED = 5
TASK_IN_PROGRESS = 6
TASK_COMPLETED = 7
TASK_CANCELLED = 8
TASK_EXPIRED = 9
ASSIGNMENT_TAKEN = 1
ASSIGNMENT_DELIVERED = 2
ASSIGNMENT_REVISION = 3
ASSIGNMENT_ACCEPTED = 4
ASSIGNMENT_REJECTED = 5
ASSIGNMENT_WITHDRAWN = 6
ASSIGNMENT_OVERDUE = 7
TASK_RISK_LOW = 1
TASK_RISK_MEDIUM = 2
TASK_RISK_HIGH = 3
TASK_RATING_WORKER = 1
TASK_RATING_ENTERPRISE = 2

_category_set = declare("fw_task_category_set", c_int, c_ctx_p, c_char_p, c_size_t, c_error_pp)
_category_list = declare("fw_task_category_list", c_int, c_ctx_p, POINTER(c_void_p),
                         POINTER(c_size_t), c_error_pp)
_policy_set = declare("fw_task_policy_set", c_int, c_ctx_p, c_char_p, c_size_t, c_error_pp)
_update = declare("fw_task_update", c_int, c_ctx_p, c_int64, c_char_p, c_size_t, c_error_pp)
_task_id = declare("fw_task_id", c_int64, c_void_p)
_task_enterprise_id = declare("fw_task_enterprise_id", c_int64, c_void_p)
_task_state = declare("fw_task_state", c_uint32, c_void_p)
_task_unit_price_fen = declare("fw_task_unit_price_fen", c_int64, c_void_p)
_task_slots_left = declare("fw_task_slots_left", c_int64, c_void_p)
_task_to_json = declare("fw_task_to_json", c_int, c_void_p, POINTER(c_void_p), POINTER(c_size_t),
                        c_error_pp)
_get = declare("fw_task_get", c_int, c_ctx_p, c_int64, POINTER(c_void_p), POINTER(c_size_t),
               c_error_pp)
_submit = declare("fw_task_submit", c_int, c_ctx_p, c_int64, POINTER(c_uint32), c_error_pp)
_review = declare("fw_task_review", c_int, c_ctx_p, c_int64, c_char_p, c_size_t, c_error_pp)
_publish = declare("fw_task_publish", c_int, c_ctx_p, c_int64, c_error_pp)
_cancel = declare("fw_task_cancel", c_int, c_ctx_p, c_int64, c_char_p, c_error_pp)
_close = declare("fw_task_close", c_int, c_ctx_p, c_int64, c_error_pp)
_list = declare("fw_task_list", c_int, c_ctx_p, c_char_p, c_size_t, POINTER(c_void_p),
                POINTER(c_size_t), c_error_pp)
_take = declare("fw_task_take", c_int, c_ctx_p, c_int64, c_int64, POINTER(c_int64), c_error_pp)
_withdraw = declare("fw_task_withdraw", c_int, c_ctx_p, c_int64, c_error_pp)
_deliver = declare("fw_task_deliver", c_int, c_ctx_p, c_int64, c_char_p, c_size_t, c_error_pp)
_accept = declare("fw_task_accept", c_int, c_ctx_p, c_int64, c_char_p, POINTER(c_int64),
                  c_error_pp)
_reject = declare("fw_task_reject", c_int, c_ctx_p, c_int64, c_char_p, c_error_pp)
_request_revision = declare("fw_task_request_revision", c_int, c_ctx_p, c_int64, c_char_p,
                            c_error_pp)
_assignment_get = declare("fw_task_assignment_get", c_int, c_ctx_p, c_int64, POINTER(c_void_p),
                          POINTER(c_size_t), c_error_pp)
_assignment_list = declare("fw_task_assignment_list", c_int, c_ctx_p, c_char_p, c_size_t,
                           POINTER(c_void_p), POINTER(c_size_t), c_error_pp)
_run_timers = declare("fw_task_run_timers", c_int, c_ctx_p, POINTER(c_int64), c_error_pp)
_evaluate = declare("fw_task_evaluate", c_int, c_ctx_p, c_int64, c_char_p, c_size_t, c_error_pp)
_rating = declare("fw_task_rating", c_int, c_ctx_p, c_uint32, c_int64, POINTER(c_int64),
                  POINTER(c_int64), c_error_pp)
_create = declare("fw_task_create", c_int, POINTER(c_void_p), c_ctx_p, c_char_p, c_size_t,
                  c_error_pp)
_load = declare("fw_task_load", c_int, POINTER(c_void_p), c_ctx_p, c_int64, c_error_pp)
_task_free = declare("fw_task_free", None, c_void_p)


class Tasks(ModuleAPI, module="task"):
    """Tasks: ``ctx.task``."""

    def create(self, record: JSONInput) -> "Task":
        """Creates a task (state draft) of an enterprise from its record (docs/api/task.md:
        category, title, unit price and slots or budget, deadlines, qualifications ...).

        Raises: InvalidError naming the field (unknown category, a budget that does not
        divide, deadlines out of order, unknown certificate course); JSONError; NotFoundError
        (no such enterprise); DeniedError with the party's reason code
        (ENTERPRISE_NOT_ACTIVE ...); FlexworkPermissionError.
        """
        ptr = c_void_p()
        self._call_new(_create, byref(ptr), *json_in(record))
        return Task(ptr.value)

    def load(self, task_id: int) -> "Task":
        """Loads a task (after applying its due timers).

        Raises: NotFoundError; FlexworkPermissionError (an enterprise user reads only its own
        tasks; a worker only published, in-progress and completed tasks and those it holds an
        assignment of).
        """
        ptr = c_void_p()
        self._call_new(_load, byref(ptr), task_id)
        return Task(ptr.value)

    def category_set(self, record: JSONInput) -> None:
        """Creates or replaces a task category: the kind of work, its risk level, whether it is
        restricted to adults, the usual range of a unit price and the business-scope keywords an
        enterprise publishing it is expected to have (R-6.g).

        Raises: InvalidError naming the field; JSONError; FlexworkPermissionError. On failure
        the store is unchanged.
        """
        self._call(_category_set, *json_in(record))

    def category_list(self) -> Any:
        """The categories as a JSON array of the records above, by code. Any actor may read them.
        """
        out = OutText()
        self._call(_category_list, *out.args)
        return out.json()

    def policy_set(self, record: JSONInput) -> None:
        """Sets the business-authenticity policy (R-6.g): a task is flagged RECURRING_FIXED_PAY
        when the enterprise paid the same unit amount to one worker in at least
        recurring_min_months distinct months among the last lookback_months (defaults 3 and 6).

        Raises: InvalidError; FlexworkPermissionError (admin or operator). On failure the store
        is unchanged.
        """
        self._call(_policy_set, *json_in(record))

    def update(self, task_id: int, record: JSONInput) -> None:
        """Replaces a draft or rejected task's record (same shape as fw_task_create();
        enterprise_id must stay the same). A rejected task goes back to draft.

        Raises: as fw_task_create(); StateError unless draft or rejected. On failure the store
        is unchanged.
        """
        self._call(_update, task_id, *json_in(record))

    def get(self, task_id: int) -> Any:
        """fw_task_load() then fw_task_to_json(), in one call. Same errors."""
        out = OutText()
        self._call(_get, task_id, *out.args)
        return out.json()

    def submit(self, task_id: int) -> int:
        """Submits a draft for review (draft -> submitted) and runs the business-authenticity check
        (R-6.g), recording its flags: PRICE_OUT_OF_RANGE (the unit price is outside the
        category's range), OUTSIDE_BUSINESS_SCOPE (none of the category's keywords is in the
        enterprise's business scope), RECURRING_FIXED_PAY (see fw_task_policy_set()).

        Raises: NotFoundError; StateError unless draft; DeniedError (the enterprise is no longer
        active, with the party's reason code); FlexworkPermissionError. On failure the store is
        unchanged.
        """
        out = c_uint32()
        self._call(_submit, task_id, byref(out))
        return out.value

    def review(self, task_id: int, record: JSONInput) -> None:
        """A reviewer's decision (审核) on a submitted task (submitted -> approved | rejected). The
        authenticity check runs again; approving a flagged task is an explicit decision: every
        raised flag must be listed in "acknowledge" and a reason given.

        Raises: InvalidError; NotFoundError; StateError unless submitted; DeniedError with
        AUTHENTICITY_REVIEW_REQUIRED when a flag is not acknowledged; FlexworkPermissionError.
        On failure the store is unchanged.
        """
        self._call(_review, task_id, *json_in(record))

    def publish(self, task_id: int) -> None:
        """Publishes an approved task (approved -> published): workers may take it from now until
        its taking deadline.

        Raises: NotFoundError; StateError unless approved, or when the taking deadline has
        passed; DeniedError (enterprise no longer active); FlexworkPermissionError. On failure
        the store is unchanged.
        """
        self._call(_publish, task_id)

    def cancel(self, task_id: int, reason: str) -> None:
        """Cancels a task nobody has taken (draft, submitted, approved, rejected or published ->
        cancelled). Reason 1..500 bytes.

        Raises: InvalidError; NotFoundError; StateError otherwise (an in-progress task is closed
        with fw_task_close() once its assignments have ended); FlexworkPermissionError.
        """
        self._call(_cancel, task_id, text_in(reason))

    def close(self, task_id: int) -> None:
        """Closes an in-progress task whose assignments have all ended (in_progress -> completed);
        slots nobody holds are given up.

        Raises: NotFoundError; StateError unless in progress with no taken, delivered or
        revision assignment; FlexworkPermissionError.
        """
        self._call(_close, task_id)

    def list(self, filter: Optional[JSONInput] = None) -> Any:
        """Lists tasks, oldest first, a page at a time.

        Raises: InvalidError; FlexworkPermissionError (another enterprise's tasks, or a worker
        asking for other states).
        """
        out = OutText()
        self._call(_list, *(json_in(filter) if filter is not None else (None, 0)), *out.args)
        return out.json()

    def take(self, task_id: int, worker_id: int) -> int:
        """A worker takes a slot of a published or in-progress task (接取). The eligibility gate
        refuses with a reason code first in the message (docs/api/task.md lists them):
        TASK_NOT_OPEN (StateError); TAKE_DEADLINE_PASSED; WORKER_NOT_VERIFIED, WORKER_SUSPENDED,
        WORKER_CLOSED; ENTERPRISE_* (the publisher is no longer active); WORKER_UNDER_18,
        WORKER_AGE_UNKNOWN (adults-only task); CERTIFICATE_MISSING; RATING_TOO_LOW;
        ALREADY_TAKEN; the gates of other modules (a signed service agreement, risk lists and
        limits); and NO_SLOTS_LEFT. Taking the slot is atomic: concurrent takers never
        over-allocate.

        Raises: NotFoundError (task or worker); StateError; DeniedError;
        FlexworkPermissionError.
        """
        out = c_int64()
        self._call(_take, task_id, worker_id, byref(out))
        return out.value

    def withdraw(self, assignment_id: int) -> None:
        """The worker gives an assignment up before delivering (taken | revision -> withdrawn); the
        slot returns to the task.

        Raises: NotFoundError; StateError; FlexworkPermissionError.
        """
        self._call(_withdraw, assignment_id)

    def deliver(self, assignment_id: int, record: JSONInput) -> None:
        """Delivers proof of completion (完工证明) before the task's delivery deadline (taken |
        revision -> delivered). The enterprise's review window starts: when it passes without a
        decision the delivery is accepted automatically.

        Raises: InvalidError; NotFoundError; StateError unless taken or revision (an assignment
        past its delivery deadline is overdue); FlexworkPermissionError (the worker's own
        assignment only). On failure the store is unchanged.
        """
        self._call(_deliver, assignment_id, *json_in(record))

    def accept(self, assignment_id: int, idem_key: Optional[str] = None) -> int:
        """The enterprise accepts a delivery (delivered -> accepted, 项目验收): a payable item of the
        task's unit price is created for the payout pipeline. Idempotent under its key.

        Raises: NotFoundError; StateError unless delivered; ConflictError (key reused for
        another assignment); FlexworkPermissionError (the enterprise's own tasks only).
        """
        out = c_int64()
        self._call(_accept, assignment_id, text_in(idem_key), byref(out))
        return out.value

    def reject(self, assignment_id: int, reason: str) -> None:
        """The enterprise rejects a delivery with a reason (delivered -> rejected; 1..500 bytes).

        Raises: InvalidError; NotFoundError; StateError unless delivered;
        FlexworkPermissionError.
        """
        self._call(_reject, assignment_id, text_in(reason))

    def request_revision(self, assignment_id: int, reason: str) -> None:
        """The enterprise asks for a revision with a reason (delivered -> revision). The number of
        revisions is bounded by the task's max_revisions.

        Raises: InvalidError; NotFoundError; StateError unless delivered; LimitError with
        REVISIONS_EXHAUSTED when the rounds are used up (accept or reject instead);
        FlexworkPermissionError.
        """
        self._call(_request_revision, assignment_id, text_in(reason))

    def assignment_get(self, assignment_id: int) -> Any:
        """An assignment as JSON: {"id", "task_id", "worker_id", "enterprise_id", "state",
        "state_name", "amount_fen", "taken_ms", "delivery_deadline_ms", "delivered_ms",
        "auto_accept_at_ms", "rounds", "decided_ms", "decision_reason", "auto_accepted",
        "deliveries" [{"round", "description", "evidence", "completed_ms", "delivered_ms"}],
        "payable" {"id", "amount_fen", "payout_order_id"} | null, "evaluations"
        {"by_enterprise", "by_worker"} (each {"score", "task_score", "comment", "created_ms"} |
        null)}.

        Raises: NotFoundError; FlexworkPermissionError (a worker reads only its own, an
        enterprise user only its tasks' assignments).
        """
        out = OutText()
        self._call(_assignment_get, assignment_id, *out.args)
        return out.json()

    def assignment_list(self, filter: Optional[JSONInput] = None) -> Any:
        """Lists assignments, oldest first, a page at a time (without deliveries and evaluations).

        Raises: InvalidError; FlexworkPermissionError.
        """
        out = OutText()
        self._call(_assignment_list, *(json_in(filter) if filter is not None else (None, 0)),
                   *out.args)
        return out.json()

    def run_timers(self) -> int:
        """Applies every due deadline: deliveries whose review window passed are accepted
        (auto_accepted, with their payable items), assignments past the delivery deadline become
        overdue (their slots return), published tasks past the taking deadline expire, and
        in-progress tasks whose work has ended complete. Runs as one transaction.

        Raises: FlexworkPermissionError.
        """
        out = c_int64()
        self._call(_run_timers, byref(out))
        return out.value

    def evaluate(self, assignment_id: int, record: JSONInput) -> None:
        """Records one side's evaluation of an ended (accepted or rejected) assignment; each side
        rates once per assignment.

        Raises: InvalidError; NotFoundError; StateError unless accepted or rejected; ExistsError
        when that side has rated already; FlexworkPermissionError. On failure the store is
        unchanged.
        """
        self._call(_evaluate, assignment_id, *json_in(record))

    def rating(self, kind: int, party_id: int) -> Tuple[int, int]:
        """A worker's or an enterprise's average rating, in hundredths (4.5 = 450, rounded down),
        and the number of evaluations; 0 and 0 when never rated. Returns (avg_x100, count).

        Raises: InvalidError (kind); FlexworkPermissionError (a worker reads no other worker's
        rating).
        """
        avg_x100 = c_int64()
        count = c_int64()
        self._call(_rating, kind, party_id, byref(avg_x100), byref(count))
        return avg_x100.value, count.value


class Task(Handle):
    """A snapshot of one task as loaded (``fw_task``), from ``ctx.task.create(...)`` or
    ``ctx.task.load(id)``. It does not borrow the context. Close it (or use ``with``); calls
    after close raise StateError.
    """

    _free = _task_free
    _what = "task"

    def id(self) -> int:
        """The task's id."""
        return int(_task_id(self._require()))

    def enterprise_id(self) -> int:
        """The publishing enterprise's id."""
        return int(_task_enterprise_id(self._require()))

    def state(self) -> int:
        """The task's state when loaded, one of TASK_*."""
        return int(_task_state(self._require()))

    def unit_price_fen(self) -> int:
        """What one accepted assignment pays, in fen."""
        return int(_task_unit_price_fen(self._require()))

    def slots_left(self) -> int:
        """Slots not held by an assignment when loaded."""
        return int(_task_slots_left(self._require()))

    def to_json(self) -> Any:
        """The task as JSON: {"id", "enterprise_id", "state", "state_name", "title", "description",
        "category", "risk_level", "remote", "location", "unit_price_fen", "budget_fen", "slots",
        "slots_taken", "per_worker", "qualifications" {"certificates", "min_rating_x100",
        "adult_only"}, "take_deadline_ms", "delivery_deadline_ms", "auto_accept_ms",
        "max_revisions", "attachments", "external_ref", "flags" [{"code", "detail"}], "review"
        {"decision", "reasons", "acknowledged", "by", "at_ms"} | null, "cancel_reason",
        "created_ms", "updated_ms", "submitted_ms", "published_ms", "ended_ms"}.

        Raises: InvalidError; FlexworkMemoryError.
        """
        out = OutText()
        self._call(_task_to_json, *out.args)
        return out.json()
