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

// Constants of include/flexwork/training.h. Values are pinned.
const (
	EnrolmentEnrolled        = C.FW_ENROLMENT_ENROLLED
	EnrolmentAttended        = C.FW_ENROLMENT_ATTENDED
	EnrolmentAbsent          = C.FW_ENROLMENT_ABSENT
	EnrolmentPassed          = C.FW_ENROLMENT_PASSED
	EnrolmentFailed          = C.FW_ENROLMENT_FAILED
	TrainingRequestOpen      = C.FW_TRAINING_REQUEST_OPEN
	TrainingRequestFulfilled = C.FW_TRAINING_REQUEST_FULFILLED
)

// TrainingInstructorAdd binds fw_training_instructor_add: adds an instructor. Errors:
// ErrInvalid naming the field; ErrJSON; ErrPerm.
func (c *Context) TrainingInstructorAdd(record interface{}) (int64, error) {
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
	rc := C.fw_training_instructor_add(h, recordText, recordLen, &out, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return 0, err
	}
	return int64(out), nil
}

// TrainingCourseRequest binds fw_training_course_request: an enterprise asks for a course for
// its tasks' demand: state open until the platform creates a course naming the request.
// Errors: ErrInvalid; ErrNotFound (no such enterprise); ErrDenied with the party's reason code
// (ENTERPRISE_NOT_VERIFIED, ENTERPRISE_SUSPENDED, ENTERPRISE_CANCELLED); ErrPerm.
func (c *Context) TrainingCourseRequest(enterpriseID int64, record interface{}) (int64, error) {
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
	rc := C.fw_training_course_request(h, C.fw_id(enterpriseID), recordText, recordLen, &out, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return 0, err
	}
	return int64(out), nil
}

// TrainingRequestList binds fw_training_request_list: the course requests as a JSON array,
// newest first: [{"id", "enterprise_id", "title", "reason", "headcount", "task_categories",
// "state", "state_name", "course_id", "created_ms", "fulfilled_ms"}]. Errors: ErrPerm (an
// enterprise user reads only its own).
func (c *Context) TrainingRequestList(enterpriseID int64) ([]byte, error) {
	h, err := c.handle()
	if err != nil {
		return nil, err
	}
	var out outText
	var e *C.fw_error
	rc := C.fw_training_request_list(h, C.fw_id(enterpriseID), &out.p, &out.n, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	return out.take(), nil
}

// TrainingCourseAdd binds fw_training_course_add: adds a course. Errors:
// ErrInvalid; ErrExists when the code is taken; ErrNotFound (no such request); ErrState when
// the request is already fulfilled; ErrPerm.
func (c *Context) TrainingCourseAdd(record interface{}) (int64, error) {
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
	rc := C.fw_training_course_add(h, recordText, recordLen, &out, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return 0, err
	}
	return int64(out), nil
}

// TrainingCourseGet binds fw_training_course_get: A course as JSON: {"id", "code", "title",
// "description", "hours", "pass_score", "validity_days", "request_id", "created_ms"}. Errors:
// ErrNotFound; ErrPerm.
func (c *Context) TrainingCourseGet(courseID int64) ([]byte, error) {
	h, err := c.handle()
	if err != nil {
		return nil, err
	}
	var out outText
	var e *C.fw_error
	rc := C.fw_training_course_get(h, C.fw_id(courseID), &out.p, &out.n, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	return out.take(), nil
}

// TrainingSessionAdd binds fw_training_session_add: schedules a session of a course. Errors:
// ErrInvalid; ErrNotFound (course or instructor); ErrPerm.
func (c *Context) TrainingSessionAdd(record interface{}) (int64, error) {
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
	rc := C.fw_training_session_add(h, recordText, recordLen, &out, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return 0, err
	}
	return int64(out), nil
}

// TrainingEnrol binds fw_training_enrol: enrols a worker in a session before it starts. Errors:
// ErrNotFound (session or worker); ErrExists when already enrolled; ErrState when the session
// has started; ErrLimit when it is full; ErrDenied (WORKER_SUSPENDED, WORKER_CLOSED); ErrPerm.
func (c *Context) TrainingEnrol(sessionID int64, workerID int64) (int64, error) {
	h, err := c.handle()
	if err != nil {
		return 0, err
	}
	var out C.fw_id
	var e *C.fw_error
	rc := C.fw_training_enrol(h, C.fw_id(sessionID), C.fw_id(workerID), &out, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return 0, err
	}
	return int64(out), nil
}

// TrainingAttend binds fw_training_attend: records attendance once the session has started:
// enrolled -> attended (attended = 1) or absent (attended = 0). Errors: ErrInvalid (attended
// not 0 or 1); ErrNotFound; ErrState when the session has not started or the enrolment is not
// enrolled; ErrPerm. On failure the store is unchanged.
func (c *Context) TrainingAttend(enrolmentID int64, attended uint32) error {
	h, err := c.handle()
	if err != nil {
		return err
	}
	var e *C.fw_error
	rc := C.fw_training_attend(h, C.fw_id(enrolmentID), C.uint32_t(attended), &e)
	runtime.KeepAlive(c)
	return check(rc, e)
}

// TrainingAssess binds fw_training_assess: records the assessment of an attended enrolment: a
// score at or above the course's pass score passes and issues a certificate (expiring
// validity_days after issue, if non-zero). Errors: ErrInvalid (score); ErrNotFound; ErrState
// unless attended; ErrPerm.
func (c *Context) TrainingAssess(enrolmentID int64, score uint32) (int64, error) {
	h, err := c.handle()
	if err != nil {
		return 0, err
	}
	var out C.fw_id
	var e *C.fw_error
	rc := C.fw_training_assess(h, C.fw_id(enrolmentID), C.uint32_t(score), &out, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return 0, err
	}
	return int64(out), nil
}

// TrainingCertificateRevoke binds fw_training_certificate_revoke: revokes a certificate (reason
// 1..500 bytes); it is no longer valid for any task. Errors: ErrInvalid; ErrNotFound; ErrState
// when already revoked; ErrPerm.
func (c *Context) TrainingCertificateRevoke(certificateID int64, reason string) error {
	h, err := c.handle()
	if err != nil {
		return err
	}
	cReason := cText(reason)
	defer free(cReason)
	var e *C.fw_error
	rc := C.fw_training_certificate_revoke(h, C.fw_id(certificateID), cReason, &e)
	runtime.KeepAlive(c)
	return check(rc, e)
}

// TrainingCertificates binds fw_training_certificates: A worker's certificates as a JSON array,
// newest first: [{"id", "course_id", "course_code", "score", "issued_ms", "expires_ms" (null:
// never), "revoked_ms", "valid" (at the context's time)}]. Errors: ErrNotFound (no such
// worker); ErrPerm.
func (c *Context) TrainingCertificates(workerID int64) ([]byte, error) {
	h, err := c.handle()
	if err != nil {
		return nil, err
	}
	var out outText
	var e *C.fw_error
	rc := C.fw_training_certificates(h, C.fw_id(workerID), &out.p, &out.n, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	return out.take(), nil
}

// TrainingEnrolments binds fw_training_enrolments: A worker's enrolments as a JSON array,
// newest first: [{"id", "session_id", "course_id", "course_code", "state", "state_name",
// "score", "enrolled_ms"}]. Same readers as fw_training_certificates().
func (c *Context) TrainingEnrolments(workerID int64) ([]byte, error) {
	h, err := c.handle()
	if err != nil {
		return nil, err
	}
	var out outText
	var e *C.fw_error
	rc := C.fw_training_enrolments(h, C.fw_id(workerID), &out.p, &out.n, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	return out.take(), nil
}
