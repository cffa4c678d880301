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

// Constants of include/flexwork/fee.h. Values are pinned.
const (
	FeeChargeBefore = C.FW_FEE_CHARGE_BEFORE
	FeeChargeDuring = C.FW_FEE_CHARGE_DURING
	FeeChargeAfter  = C.FW_FEE_CHARGE_AFTER
	FeeOnTop        = C.FW_FEE_ON_TOP
	FeeDeducted     = C.FW_FEE_DEDUCTED
)

// FeeCalc is a compiled fee schedule (fw_fee_calc): FeeCalcNew for the schedule in force, or
// FeeCalcFromJSON for one given as JSON. It does not borrow the Context. Close frees it; a
// finalizer frees one that becomes unreachable. Calls after Close return ErrState (the
// accessors 0).
type FeeCalc struct {
	p *C.fw_fee_calc
}

func newFeeCalc(p *C.fw_fee_calc) *FeeCalc {
	x := &FeeCalc{p: p}
	runtime.SetFinalizer(x, (*FeeCalc).Close)
	return x
}

// Close frees the fee calc (fw_fee_calc_free). It is idempotent and returns nil.
func (x *FeeCalc) Close() error {
	if x.p != nil {
		C.fw_fee_calc_free(x.p)
		x.p = nil
		runtime.SetFinalizer(x, nil)
	}
	return nil
}

func (x *FeeCalc) handle() (*C.fw_fee_calc, error) {
	if x == nil || x.p == nil {
		return nil, &Error{Code: CodeState, Message: "the fee calculator is closed"}
	}
	return x.p, nil
}

// FeeCalcNew binds fw_fee_calc_new: the enterprise's schedule in force at atMs, compiled.
// Errors: ErrNotFound when no schedule is in force then; ErrPerm.
func (c *Context) FeeCalcNew(enterpriseID int64, atMs int64) (*FeeCalc, error) {
	h, err := c.handle()
	if err != nil {
		return nil, err
	}
	var p *C.fw_fee_calc
	var e *C.fw_error
	rc := C.fw_fee_calc_new(&p, h, C.fw_id(enterpriseID), C.int64_t(atMs), &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	return newFeeCalc(p), nil
}

// FeeCalcFromJSON binds fw_fee_calc_from_json: compiles a schedule given as JSON, without a
// store (quotes, tests); enterprise_id and the validity dates are optional here. Errors:
// ErrInvalid naming the field; ErrJSON.
func FeeCalcFromJSON(schedule interface{}) (*FeeCalc, error) {
	text, n, err := jsonIn(schedule)
	if err != nil {
		return nil, err
	}
	defer C.free(unsafe.Pointer(text))
	var p *C.fw_fee_calc
	var e *C.fw_error
	rc := C.fw_fee_calc_from_json(&p, text, n, &e)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	return newFeeCalc(p), nil
}

// FeeScheduleSet binds fw_fee_schedule_set: stores a new version of an enterprise's fee
// schedule. Errors: ErrInvalid naming the field; ErrPerm (admin, finance). On failure the store
// is unchanged.
func (c *Context) FeeScheduleSet(record interface{}) (int64, error) {
	h, err := c.handle()
	if err != nil {
		return 0, err
	}
	var out C.fw_id
	recordText, recordLen, err := jsonIn(record)
	if err != nil {
		return 0, err
	}
	defer C.free(unsafe.Pointer(recordText))
	var e *C.fw_error
	rc := C.fw_fee_schedule_set(h, &out, recordText, recordLen, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return 0, err
	}
	return int64(out), nil
}

// FeeScheduleGet binds fw_fee_schedule_get: the schedule in force for an enterprise at an
// instant, as JSON: the stored schedule plus "id", "version", "enterprise_id". Errors: ErrNotFound when none is in force; ErrPerm (an enterprise
// user sees its own).
func (c *Context) FeeScheduleGet(enterpriseID int64, atMs int64) ([]byte, error) {
	h, err := c.handle()
	if err != nil {
		return nil, err
	}
	var out outText
	var e *C.fw_error
	rc := C.fw_fee_schedule_get(h, C.fw_id(enterpriseID), C.int64_t(atMs), &out.p, &out.n, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	return out.take(), nil
}

// Compute binds fw_fee_calc_compute: computes the fee for an amount. Errors: ErrInvalid
// (negative amount or volume); ErrOverflow; ErrLimit (a deducted fee beyond the amount).
func (x *FeeCalc) Compute(amountFen int64, volumeFen int64) (int64, int64, int64, error) {
	h, err := x.handle()
	if err != nil {
		return 0, 0, 0, err
	}
	var feeFen C.int64_t
	var enterprisePaysFen C.int64_t
	var workerReceivesFen C.int64_t
	var e *C.fw_error
	rc := C.fw_fee_calc_compute(h, C.int64_t(amountFen), C.int64_t(volumeFen), &feeFen, &enterprisePaysFen, &workerReceivesFen, &e)
	runtime.KeepAlive(x)
	if err := check(rc, e); err != nil {
		return 0, 0, 0, err
	}
	return int64(feeFen), int64(enterprisePaysFen), int64(workerReceivesFen), nil
}

// Breakdown binds fw_fee_calc_breakdown: as fw_fee_calc_compute(), with a breakdown explaining
// each part: {"amount_fen","volume_before_fen","tier_mode","base","bearer","charge",
// "parts":[{"tier":int,"from_volume_fen":int,"portion_fen":int,"rate_ppm":int}],
// "rate_part_exact_fen":"decimal text","fixed_fen","unrounded_fen":"decimal text",
// "rounded_fen":int,"clamp":null|"min"|"max","fee_fen","enterprise_pays_fen",
// "worker_receives_fen","schedule_id":int|null,"version":int|null}. Errors: as
// fw_fee_calc_compute().
func (x *FeeCalc) Breakdown(amountFen int64, volumeFen int64) ([]byte, error) {
	h, err := x.handle()
	if err != nil {
		return nil, err
	}
	var out outText
	var e *C.fw_error
	rc := C.fw_fee_calc_breakdown(h, C.int64_t(amountFen), C.int64_t(volumeFen), &out.p, &out.n, &e)
	runtime.KeepAlive(x)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	return out.take(), nil
}

// Charge binds fw_fee_calc_charge: the charge point, one of FeeCharge*.
func (x *FeeCalc) Charge() uint32 {
	h, err := x.handle()
	if err != nil {
		return 0
	}
	v := uint32(C.fw_fee_calc_charge(h))
	runtime.KeepAlive(x)
	return v
}

// Bearer binds fw_fee_calc_bearer: who bears the fee, FeeOnTop or FeeDeducted.
func (x *FeeCalc) Bearer() uint32 {
	h, err := x.handle()
	if err != nil {
		return 0
	}
	v := uint32(C.fw_fee_calc_bearer(h))
	runtime.KeepAlive(x)
	return v
}

// ScheduleID binds fw_fee_calc_schedule_id: the stored schedule's id, or 0 for one compiled
// from JSON.
func (x *FeeCalc) ScheduleID() int64 {
	h, err := x.handle()
	if err != nil {
		return 0
	}
	v := int64(C.fw_fee_calc_schedule_id(h))
	runtime.KeepAlive(x)
	return v
}
