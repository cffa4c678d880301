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

// Constants of include/flexwork/task.h. Values are pinned.
const (
	TaskDraft            = C.FW_TASK_DRAFT
	TaskSubmitted        = C.FW_TASK_SUBMITTED
	TaskApproved         = C.FW_TASK_APPROVED
	TaskRejected         = C.FW_TASK_REJECTED
	TaskPublished        = C.FW_TASK_PUBLISHED
	TaskInProgress       = C.FW_TASK_IN_PROGRESS
	TaskCompleted        = C.FW_TASK_COMPLETED
	TaskCancelled        = C.FW_TASK_CANCELLED
	TaskExpired          = C.FW_TASK_EXPIRED
	AssignmentTaken      = C.FW_ASSIGNMENT_TAKEN
	AssignmentDelivered  = C.FW_ASSIGNMENT_DELIVERED
	AssignmentRevision   = C.FW_ASSIGNMENT_REVISION
	AssignmentAccepted   = C.FW_ASSIGNMENT_ACCEPTED
	AssignmentRejected   = C.FW_ASSIGNMENT_REJECTED
	AssignmentWithdrawn  = C.FW_ASSIGNMENT_WITHDRAWN
	AssignmentOverdue    = C.FW_ASSIGNMENT_OVERDUE
	TaskRiskLow          = C.FW_TASK_RISK_LOW
	TaskRiskMedium       = C.FW_TASK_RISK_MEDIUM
	TaskRiskHigh         = C.FW_TASK_RISK_HIGH
	TaskRatingWorker     = C.FW_TASK_RATING_WORKER
	TaskRatingEnterprise = C.FW_TASK_RATING_ENTERPRISE
)

// Task is a snapshot of one task as loaded (fw_task), from TaskCreate or TaskLoad. It does not
// borrow the Context. Close frees it; a finalizer frees one that becomes unreachable. After
// Close the accessors return 0 and ToJSON ErrState.
type Task struct {
	p *C.fw_task
}

func newTask(p *C.fw_task) *Task {
	x := &Task{p: p}
	runtime.SetFinalizer(x, (*Task).Close)
	return x
}

// Close frees the task (fw_task_free). It is idempotent and returns nil.
func (x *Task) Close() error {
	if x.p != nil {
		C.fw_task_free(x.p)
		x.p = nil
		runtime.SetFinalizer(x, nil)
	}
	return nil
}

func (x *Task) handle() (*C.fw_task, error) {
	if x == nil || x.p == nil {
		return nil, &Error{Code: CodeState, Message: "the task is closed"}
	}
	return x.p, nil
}

// TaskCreate binds fw_task_create: creates a task (state draft) of an enterprise from its
// record (docs/api/task.md: category, title, unit price and slots or budget, deadlines,
// qualifications ...). Errors: ErrInvalid naming the field (unknown category, a budget that
// does not divide, deadlines out of order, unknown certificate course); ErrJSON; ErrNotFound
// (no such enterprise); ErrDenied with the party's reason code (ENTERPRISE_NOT_ACTIVE ...);
// ErrPerm.
func (c *Context) TaskCreate(record interface{}) (*Task, error) {
	h, err := c.handle()
	if err != nil {
		return nil, err
	}
	recordText, recordLen, err := jsonIn(record)
	if err != nil {
		return nil, err
	}
	defer C.free(unsafe.Pointer(recordText))
	var p *C.fw_task
	var e *C.fw_error
	rc := C.fw_task_create(&p, h, recordText, recordLen, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	return newTask(p), nil
}

// TaskLoad binds fw_task_load: loads a task (after applying its due timers). Errors:
// ErrNotFound; ErrPerm (an enterprise user reads only its own tasks; a worker only published,
// in-progress and completed tasks and those it holds an assignment of).
func (c *Context) TaskLoad(taskID int64) (*Task, error) {
	h, err := c.handle()
	if err != nil {
		return nil, err
	}
	var p *C.fw_task
	var e *C.fw_error
	rc := C.fw_task_load(&p, h, C.fw_id(taskID), &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	return newTask(p), nil
}

// TaskCategorySet binds fw_task_category_set: creates or replaces a task category: the kind of
// work, its risk level, whether it is restricted to adults, the usual range of a unit price and
// the business-scope keywords an enterprise publishing it is expected to have (R-6.g). Errors:
// ErrInvalid naming the field; ErrJSON; ErrPerm. On failure the store is unchanged.
func (c *Context) TaskCategorySet(record interface{}) error {
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
	rc := C.fw_task_category_set(h, recordText, recordLen, &e)
	runtime.KeepAlive(c)
	return check(rc, e)
}

// TaskCategoryList binds fw_task_category_list: the categories as a JSON array of the records
// above, by code. Any actor may read them.
func (c *Context) TaskCategoryList() ([]byte, error) {
	h, err := c.handle()
	if err != nil {
		return nil, err
	}
	var out outText
	var e *C.fw_error
	rc := C.fw_task_category_list(h, &out.p, &out.n, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	return out.take(), nil
}

// TaskPolicySet binds fw_task_policy_set: sets the business-authenticity policy (R-6.g): a task
// is flagged RECURRING_FIXED_PAY when the enterprise paid the same unit amount to one worker in
// at least recurring_min_months distinct months among the last lookback_months (defaults 3 and
// 6). Errors: ErrInvalid; ErrPerm (admin or operator). On failure the store is unchanged.
func (c *Context) TaskPolicySet(record interface{}) error {
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
	rc := C.fw_task_policy_set(h, recordText, recordLen, &e)
	runtime.KeepAlive(c)
	return check(rc, e)
}

// TaskUpdate binds fw_task_update: replaces a draft or rejected task's record (same shape as
// fw_task_create(); enterprise_id must stay the same). A rejected task goes back to draft.
// Errors: as fw_task_create(); ErrState unless draft or rejected. On failure the store is
// unchanged.
func (c *Context) TaskUpdate(taskID int64, record interface{}) error {
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
	rc := C.fw_task_update(h, C.fw_id(taskID), recordText, recordLen, &e)
	runtime.KeepAlive(c)
	return check(rc, e)
}

// ID binds fw_task_id: the task's id.
func (x *Task) ID() int64 {
	h, err := x.handle()
	if err != nil {
		return 0
	}
	v := int64(C.fw_task_id(h))
	runtime.KeepAlive(x)
	return v
}

// EnterpriseID binds fw_task_enterprise_id: the publishing enterprise's id.
func (x *Task) EnterpriseID() int64 {
	h, err := x.handle()
	if err != nil {
		return 0
	}
	v := int64(C.fw_task_enterprise_id(h))
	runtime.KeepAlive(x)
	return v
}

// State binds fw_task_state: the task's state when loaded, one of Task*.
func (x *Task) State() uint32 {
	h, err := x.handle()
	if err != nil {
		return 0
	}
	v := uint32(C.fw_task_state(h))
	runtime.KeepAlive(x)
	return v
}

// UnitPriceFen binds fw_task_unit_price_fen: what one accepted assignment pays, in fen.
func (x *Task) UnitPriceFen() int64 {
	h, err := x.handle()
	if err != nil {
		return 0
	}
	v := int64(C.fw_task_unit_price_fen(h))
	runtime.KeepAlive(x)
	return v
}

// SlotsLeft binds fw_task_slots_left: slots not held by an assignment when loaded.
func (x *Task) SlotsLeft() int64 {
	h, err := x.handle()
	if err != nil {
		return 0
	}
	v := int64(C.fw_task_slots_left(h))
	runtime.KeepAlive(x)
	return v
}

// ToJSON binds fw_task_to_json: the task as JSON: {"id", "enterprise_id", "state",
// "state_name", "title", "description", "category", "risk_level", "remote", "location",
// "unit_price_fen", "budget_fen", "slots", "slots_taken", "per_worker", "qualifications"
// {"certificates", "min_rating_x100", "adult_only"}, "take_deadline_ms",
// "delivery_deadline_ms", "auto_accept_ms", "max_revisions", "attachments", "external_ref",
// "flags" [{"code", "detail"}], "review" {"decision", "reasons", "acknowledged", "by", "at_ms"}
// | null, "cancel_reason", "created_ms", "updated_ms", "submitted_ms", "published_ms",
// "ended_ms"}. Errors: ErrInvalid; ErrNoMem.
func (x *Task) ToJSON() ([]byte, error) {
	h, err := x.handle()
	if err != nil {
		return nil, err
	}
	var out outText
	var e *C.fw_error
	rc := C.fw_task_to_json(h, &out.p, &out.n, &e)
	runtime.KeepAlive(x)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	return out.take(), nil
}

// TaskGet binds fw_task_get: fw_task_load() then fw_task_to_json(), in one call. Same errors.
func (c *Context) TaskGet(taskID int64) ([]byte, error) {
	h, err := c.handle()
	if err != nil {
		return nil, err
	}
	var out outText
	var e *C.fw_error
	rc := C.fw_task_get(h, C.fw_id(taskID), &out.p, &out.n, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	return out.take(), nil
}

// TaskSubmit binds fw_task_submit: submits a draft for review (draft -> submitted) and runs the
// business-authenticity check (R-6.g), recording its flags: PRICE_OUT_OF_RANGE (the unit price
// is outside the category's range), OUTSIDE_BUSINESS_SCOPE (none of the category's keywords is
// in the enterprise's business scope), RECURRING_FIXED_PAY (see fw_task_policy_set()). Errors:
// ErrNotFound; ErrState unless draft; ErrDenied (the enterprise is no longer active, with the
// party's reason code); ErrPerm. On failure the store is unchanged.
func (c *Context) TaskSubmit(taskID int64) (uint32, error) {
	h, err := c.handle()
	if err != nil {
		return 0, err
	}
	var out C.uint32_t
	var e *C.fw_error
	rc := C.fw_task_submit(h, C.fw_id(taskID), &out, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return 0, err
	}
	return uint32(out), nil
}

// TaskReview binds fw_task_review: A reviewer's decision (审核) on a submitted task (submitted ->
// approved | rejected). The authenticity check runs again; approving a flagged task is an
// explicit decision: every raised flag must be listed in "acknowledge" and a reason given.
// Errors: ErrInvalid; ErrNotFound; ErrState unless submitted; ErrDenied with
// AUTHENTICITY_REVIEW_REQUIRED when a flag is not acknowledged; ErrPerm. On failure the store
// is unchanged.
func (c *Context) TaskReview(taskID int64, record interface{}) error {
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
	rc := C.fw_task_review(h, C.fw_id(taskID), recordText, recordLen, &e)
	runtime.KeepAlive(c)
	return check(rc, e)
}

// TaskPublish binds fw_task_publish: publishes an approved task (approved -> published):
// workers may take it from now until its taking deadline. Errors: ErrNotFound; ErrState unless
// approved, or when the taking deadline has passed; ErrDenied (enterprise no longer active);
// ErrPerm. On failure the store is unchanged.
func (c *Context) TaskPublish(taskID int64) error {
	h, err := c.handle()
	if err != nil {
		return err
	}
	var e *C.fw_error
	rc := C.fw_task_publish(h, C.fw_id(taskID), &e)
	runtime.KeepAlive(c)
	return check(rc, e)
}

// TaskCancel binds fw_task_cancel: cancels a task nobody has taken (draft, submitted, approved,
// rejected or published -> cancelled). Reason 1..500 bytes. Errors: ErrInvalid; ErrNotFound;
// ErrState otherwise (an in-progress task is closed with fw_task_close() once its assignments
// have ended); ErrPerm.
func (c *Context) TaskCancel(taskID int64, reason string) error {
	h, err := c.handle()
	if err != nil {
		return err
	}
	cReason := cText(reason)
	defer free(cReason)
	var e *C.fw_error
	rc := C.fw_task_cancel(h, C.fw_id(taskID), cReason, &e)
	runtime.KeepAlive(c)
	return check(rc, e)
}

// TaskClose binds fw_task_close: closes an in-progress task whose assignments have all ended
// (in_progress -> completed); slots nobody holds are given up. Errors: ErrNotFound; ErrState
// unless in progress with no taken, delivered or revision assignment; ErrPerm.
func (c *Context) TaskClose(taskID int64) error {
	h, err := c.handle()
	if err != nil {
		return err
	}
	var e *C.fw_error
	rc := C.fw_task_close(h, C.fw_id(taskID), &e)
	runtime.KeepAlive(c)
	return check(rc, e)
}

// TaskList binds fw_task_list: lists tasks, oldest first, a page at a time. Errors: ErrInvalid;
// ErrPerm (another enterprise's tasks, or a worker asking for other states).
func (c *Context) TaskList(filter interface{}) ([]byte, error) {
	h, err := c.handle()
	if err != nil {
		return nil, err
	}
	var filterText *C.char
	var filterLen C.size_t
	if filter != nil {
		var err error
		filterText, filterLen, err = jsonIn(filter)
		if err != nil {
			return nil, err
		}
		defer C.free(unsafe.Pointer(filterText))
	}
	var out outText
	var e *C.fw_error
	rc := C.fw_task_list(h, filterText, filterLen, &out.p, &out.n, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	return out.take(), nil
}

// TaskTake binds fw_task_take: A worker takes a slot of a published or in-progress task (接取).
// The eligibility gate refuses with a reason code first in the message (docs/api/task.md lists
// them): TASK_NOT_OPEN (ErrState); TAKE_DEADLINE_PASSED; WORKER_NOT_VERIFIED,
// WORKER_SUSPENDED, WORKER_CLOSED; ENTERPRISE_* (the publisher is no longer active);
// WORKER_UNDER_18, WORKER_AGE_UNKNOWN (adults-only task); CERTIFICATE_MISSING; RATING_TOO_LOW;
// ALREADY_TAKEN; the gates of other modules (a signed service agreement, risk lists and
// limits); and NO_SLOTS_LEFT. Taking the slot is atomic: concurrent takers never over-allocate.
// Errors: ErrNotFound (task or worker); ErrState; ErrDenied; ErrPerm.
func (c *Context) TaskTake(taskID int64, workerID int64) (int64, error) {
	h, err := c.handle()
	if err != nil {
		return 0, err
	}
	var out C.fw_id
	var e *C.fw_error
	rc := C.fw_task_take(h, C.fw_id(taskID), C.fw_id(workerID), &out, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return 0, err
	}
	return int64(out), nil
}

// TaskWithdraw binds fw_task_withdraw: the worker gives an assignment up before delivering
// (taken | revision -> withdrawn); the slot returns to the task. Errors: ErrNotFound; ErrState;
// ErrPerm.
func (c *Context) TaskWithdraw(assignmentID int64) error {
	h, err := c.handle()
	if err != nil {
		return err
	}
	var e *C.fw_error
	rc := C.fw_task_withdraw(h, C.fw_id(assignmentID), &e)
	runtime.KeepAlive(c)
	return check(rc, e)
}

// TaskDeliver binds fw_task_deliver: delivers proof of completion (完工证明) before the task's
// delivery deadline (taken | revision -> delivered). The enterprise's review window starts:
// when it passes without a decision the delivery is accepted automatically. Errors: ErrInvalid;
// ErrNotFound; ErrState unless taken or revision (an assignment past its delivery deadline is
// overdue); ErrPerm (the worker's own assignment only). On failure the store is unchanged.
func (c *Context) TaskDeliver(assignmentID int64, record interface{}) error {
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
	rc := C.fw_task_deliver(h, C.fw_id(assignmentID), recordText, recordLen, &e)
	runtime.KeepAlive(c)
	return check(rc, e)
}

// TaskAccept binds fw_task_accept: the enterprise accepts a delivery (delivered -> accepted,
// 项目验收): a payable item of the task's unit price is created for the payout pipeline. Idempotent
// under its key. Errors: ErrNotFound; ErrState unless delivered; ErrConflict (key reused for
// another assignment); ErrPerm (the enterprise's own tasks only).
func (c *Context) TaskAccept(assignmentID int64, idemKey string) (int64, error) {
	h, err := c.handle()
	if err != nil {
		return 0, err
	}
	cIdemKey := cOptText(idemKey)
	defer free(cIdemKey)
	var out C.fw_id
	var e *C.fw_error
	rc := C.fw_task_accept(h, C.fw_id(assignmentID), cIdemKey, &out, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return 0, err
	}
	return int64(out), nil
}

// TaskReject binds fw_task_reject: the enterprise rejects a delivery with a reason (delivered
// -> rejected; 1..500 bytes). Errors: ErrInvalid; ErrNotFound; ErrState unless delivered;
// ErrPerm.
func (c *Context) TaskReject(assignmentID int64, reason string) error {
	h, err := c.handle()
	if err != nil {
		return err
	}
	cReason := cText(reason)
	defer free(cReason)
	var e *C.fw_error
	rc := C.fw_task_reject(h, C.fw_id(assignmentID), cReason, &e)
	runtime.KeepAlive(c)
	return check(rc, e)
}

// TaskRequestRevision binds fw_task_request_revision: the enterprise asks for a revision with a
// reason (delivered -> revision). The number of revisions is bounded by the task's
// max_revisions. Errors: ErrInvalid; ErrNotFound; ErrState unless delivered; ErrLimit with
// REVISIONS_EXHAUSTED when the rounds are used up (accept or reject instead); ErrPerm.
func (c *Context) TaskRequestRevision(assignmentID int64, reason string) error {
	h, err := c.handle()
	if err != nil {
		return err
	}
	cReason := cText(reason)
	defer free(cReason)
	var e *C.fw_error
	rc := C.fw_task_request_revision(h, C.fw_id(assignmentID), cReason, &e)
	runtime.KeepAlive(c)
	return check(rc, e)
}

// TaskAssignmentGet binds fw_task_assignment_get: an assignment as JSON: {"id", "task_id",
// "worker_id", "enterprise_id", "state", "state_name", "amount_fen", "taken_ms",
// "delivery_deadline_ms", "delivered_ms", "auto_accept_at_ms", "rounds", "decided_ms",
// "decision_reason", "auto_accepted", "deliveries" [{"round", "description", "evidence",
// "completed_ms", "delivered_ms"}], "payable" {"id", "amount_fen", "payout_order_id"} | null,
// "evaluations" {"by_enterprise", "by_worker"} (each {"score", "task_score", "comment",
// "created_ms"} | null)}. Errors: ErrNotFound; ErrPerm (a worker reads only its own, an
// enterprise user only its tasks' assignments).
func (c *Context) TaskAssignmentGet(assignmentID int64) ([]byte, error) {
	h, err := c.handle()
	if err != nil {
		return nil, err
	}
	var out outText
	var e *C.fw_error
	rc := C.fw_task_assignment_get(h, C.fw_id(assignmentID), &out.p, &out.n, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	return out.take(), nil
}

// TaskAssignmentList binds fw_task_assignment_list: lists assignments, oldest first, a page at
// a time (without deliveries and evaluations). Errors: ErrInvalid; ErrPerm.
func (c *Context) TaskAssignmentList(filter interface{}) ([]byte, error) {
	h, err := c.handle()
	if err != nil {
		return nil, err
	}
	var filterText *C.char
	var filterLen C.size_t
	if filter != nil {
		var err error
		filterText, filterLen, err = jsonIn(filter)
		if err != nil {
			return nil, err
		}
		defer C.free(unsafe.Pointer(filterText))
	}
	var out outText
	var e *C.fw_error
	rc := C.fw_task_assignment_list(h, filterText, filterLen, &out.p, &out.n, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	return out.take(), nil
}

// TaskRunTimers binds fw_task_run_timers: applies every due deadline: deliveries whose review
// window passed are accepted (auto_accepted, with their payable items), assignments past the
// delivery deadline become overdue (their slots return), published tasks past the taking
// deadline expire, and in-progress tasks whose work has ended complete. Runs as one
// transaction. Errors: ErrPerm.
func (c *Context) TaskRunTimers() (int64, error) {
	h, err := c.handle()
	if err != nil {
		return 0, err
	}
	var out C.int64_t
	var e *C.fw_error
	rc := C.fw_task_run_timers(h, &out, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return 0, err
	}
	return int64(out), nil
}

// TaskEvaluate binds fw_task_evaluate: records one side's evaluation of an ended (accepted or
// rejected) assignment; each side rates once per assignment. Errors: ErrInvalid; ErrNotFound;
// ErrState unless accepted or rejected; ErrExists when that side has rated already; ErrPerm. On
// failure the store is unchanged.
func (c *Context) TaskEvaluate(assignmentID int64, record interface{}) error {
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
	rc := C.fw_task_evaluate(h, C.fw_id(assignmentID), recordText, recordLen, &e)
	runtime.KeepAlive(c)
	return check(rc, e)
}

// TaskRating binds fw_task_rating: A worker's or an enterprise's average rating, in hundredths
// (4.5 = 450, rounded down), and the number of evaluations; 0 and 0 when never rated. Errors:
// ErrInvalid (kind); ErrPerm (a worker reads no other worker's rating).
func (c *Context) TaskRating(kind uint32, partyID int64) (int64, int64, error) {
	h, err := c.handle()
	if err != nil {
		return 0, 0, err
	}
	var avgX100 C.int64_t
	var count C.int64_t
	var e *C.fw_error
	rc := C.fw_task_rating(h, C.uint32_t(kind), C.fw_id(partyID), &avgX100, &count, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return 0, 0, err
	}
	return int64(avgX100), int64(count), nil
}
