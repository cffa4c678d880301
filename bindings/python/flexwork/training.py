"""Training (include/flexwork/training.h)."""

from __future__ import annotations

from ctypes import POINTER, byref, c_char_p, c_int, c_int64, c_size_t, c_uint32, c_void_p
from typing import Any

from ._lib import JSONInput, OutText, c_ctx_p, c_error_pp, declare, json_in, text_in
from .context import ModuleAPI

__all__ = ["Training", "ENROLMENT_ENROLLED", "ENROLMENT_ATTENDED", "ENROLMENT_ABSENT",
           "ENROLMENT_PASSED", "ENROLMENT_FAILED", "TRAINING_REQUEST_OPEN",
           "TRAINING_REQUEST_FULFILLED"]

# Constants of include/flexwork/training.h. Values are pinned.
ENROLMENT_ENROLLED = 1
ENROLMENT_ATTENDED = 2
ENROLMENT_ABSENT = 3
ENROLMENT_PASSED = 4
ENROLMENT_FAILED = 5
TRAINING_REQUEST_OPEN = 1
TRAINING_REQUEST_FULFILLED = 2

_instructor_add = declare("fw_training_instructor_add", c_int, c_ctx_p, c_char_p, c_size_t,
                          POINTER(c_int64), c_error_pp)
_course_request = declare("fw_training_course_request", c_int, c_ctx_p, c_int64, c_char_p,
                          c_size_t, POINTER(c_int64), c_error_pp)
_request_list = declare("fw_training_request_list", c_int, c_ctx_p, c_int64, POINTER(c_void_p),
                        POINTER(c_size_t), c_error_pp)
_course_add = declare("fw_training_course_add", c_int, c_ctx_p, c_char_p, c_size_t,
                      POINTER(c_int64), c_error_pp)
_course_get = declare("fw_training_course_get", c_int, c_ctx_p, c_int64, POINTER(c_void_p),
                      POINTER(c_size_t), c_error_pp)
_session_add = declare("fw_training_session_add", c_int, c_ctx_p, c_char_p, c_size_t,
                       POINTER(c_int64), c_error_pp)
_enrol = declare("fw_training_enrol", c_int, c_ctx_p, c_int64, c_int64, POINTER(c_int64),
                 c_error_pp)
_attend = declare("fw_training_attend", c_int, c_ctx_p, c_int64, c_uint32, c_error_pp)
_assess = declare("fw_training_assess", c_int, c_ctx_p, c_int64, c_uint32, POINTER(c_int64),
                  c_error_pp)
_certificate_revoke = declare("fw_training_certificate_revoke", c_int, c_ctx_p, c_int64, c_char_p,
                              c_error_pp)
_certificates = declare("fw_training_certificates", c_int, c_ctx_p, c_int64, POINTER(c_void_p),
                        POINTER(c_size_t), c_error_pp)
_enrolments = declare("fw_training_enrolments", c_int, c_ctx_p, c_int64, POINTER(c_void_p),
                      POINTER(c_size_t), c_error_pp)


class Training(ModuleAPI, module="training"):
    """Training: ``ctx.training``."""

    def instructor_add(self, record: JSONInput) -> int:
        """Adds an instructor (R-7.3).

        Raises: InvalidError naming the field; JSONError; FlexworkPermissionError.
        """
        out = c_int64()
        self._call(_instructor_add, *json_in(record), byref(out))
        return out.value

    def course_request(self, enterprise_id: int, record: JSONInput) -> int:
        """An enterprise asks for a course for its tasks' demand (R-4.4): state open until the
        platform creates a course naming the request.

        Raises: InvalidError; NotFoundError (no such enterprise); DeniedError with the party's
        reason code (ENTERPRISE_NOT_VERIFIED, ENTERPRISE_SUSPENDED, ENTERPRISE_CANCELLED);
        FlexworkPermissionError.
        """
        out = c_int64()
        self._call(_course_request, enterprise_id, *json_in(record), byref(out))
        return out.value

    def request_list(self, enterprise_id: int) -> Any:
        """The course requests as a JSON array, newest first: [{"id", "enterprise_id", "title",
        "reason", "headcount", "task_categories", "state", "state_name", "course_id",
        "created_ms", "fulfilled_ms"}].

        Raises: FlexworkPermissionError (an enterprise user reads only its own).
        """
        out = OutText()
        self._call(_request_list, enterprise_id, *out.args)
        return out.json()

    def course_add(self, record: JSONInput) -> int:
        """Adds a course (R-7.3, R-5.4).

        Raises: InvalidError; ExistsError when the code is taken; NotFoundError (no such
        request); StateError when the request is already fulfilled; FlexworkPermissionError.
        """
        out = c_int64()
        self._call(_course_add, *json_in(record), byref(out))
        return out.value

    def course_get(self, course_id: int) -> Any:
        """A course as JSON: {"id", "code", "title", "description", "hours", "pass_score",
        "validity_days", "request_id", "created_ms"}.

        Raises: NotFoundError; FlexworkPermissionError.
        """
        out = OutText()
        self._call(_course_get, course_id, *out.args)
        return out.json()

    def session_add(self, record: JSONInput) -> int:
        """Schedules a session of a course.

        Raises: InvalidError; NotFoundError (course or instructor); FlexworkPermissionError.
        """
        out = c_int64()
        self._call(_session_add, *json_in(record), byref(out))
        return out.value

    def enrol(self, session_id: int, worker_id: int) -> int:
        """Enrols a worker in a session before it starts.

        Raises: NotFoundError (session or worker); ExistsError when already enrolled; StateError
        when the session has started; LimitError when it is full; DeniedError (WORKER_SUSPENDED,
        WORKER_CLOSED); FlexworkPermissionError.
        """
        out = c_int64()
        self._call(_enrol, session_id, worker_id, byref(out))
        return out.value

    def attend(self, enrolment_id: int, attended: int) -> None:
        """Records attendance once the session has started: enrolled -> attended (attended = 1) or
        absent (attended = 0).

        Raises: InvalidError (attended not 0 or 1); NotFoundError; StateError when the session
        has not started or the enrolment is not enrolled; FlexworkPermissionError. On failure
        the store is unchanged.
        """
        self._call(_attend, enrolment_id, attended)

    def assess(self, enrolment_id: int, score: int) -> int:
        """Records the assessment of an attended enrolment: a score at or above the course's pass
        score passes and issues a certificate (expiring validity_days after issue, if non-zero).

        Raises: InvalidError (score); NotFoundError; StateError unless attended;
        FlexworkPermissionError.
        """
        out = c_int64()
        self._call(_assess, enrolment_id, score, byref(out))
        return out.value

    def certificate_revoke(self, certificate_id: int, reason: str) -> None:
        """Revokes a certificate (reason 1..500 bytes); it is no longer valid for any task.

        Raises: InvalidError; NotFoundError; StateError when already revoked;
        FlexworkPermissionError.
        """
        self._call(_certificate_revoke, certificate_id, text_in(reason))

    def certificates(self, worker_id: int) -> Any:
        """A worker's certificates as a JSON array, newest first: [{"id", "course_id",
        "course_code", "score", "issued_ms", "expires_ms" (null: never), "revoked_ms", "valid"
        (at the context's time)}].

        Raises: NotFoundError (no such worker); FlexworkPermissionError.
        """
        out = OutText()
        self._call(_certificates, worker_id, *out.args)
        return out.json()

    def enrolments(self, worker_id: int) -> Any:
        """A worker's enrolments as a JSON array, newest first: [{"id", "session_id", "course_id",
        "course_code", "state", "state_name", "score", "enrolled_ms"}]. Same readers as
        fw_training_certificates().
        """
        out = OutText()
        self._call(_enrolments, worker_id, *out.args)
        return out.json()
