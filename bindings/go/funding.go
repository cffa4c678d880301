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

// Constants of include/flexwork/funding.h. Values are pinned.
const (
	FundingRecognised    = C.FW_FUNDING_RECOGNISED
	FundingSuspense      = C.FW_FUNDING_SUSPENSE
	FundingAssigned      = C.FW_FUNDING_ASSIGNED
	FundingReturned      = C.FW_FUNDING_RETURNED
	FundingRefundPending = C.FW_FUNDING_REFUND_PENDING
	FundingRefundPaid    = C.FW_FUNDING_REFUND_PAID
	FundingRefundFailed  = C.FW_FUNDING_REFUND_FAILED
)

// FundingRegisterSource binds fw_funding_register_source: registers a bank account an
// enterprise pays from, so that its payments are recognised. Errors: ErrExists when another
// enterprise registered that account; ErrInvalid naming the field; ErrPerm.
func (c *Context) FundingRegisterSource(enterpriseID int64, record interface{}) (int64, error) {
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
	rc := C.fw_funding_register_source(h, &out, C.fw_id(enterpriseID), recordText, recordLen, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return 0, err
	}
	return int64(out), nil
}

// FundingRegisterVirtualAccount binds fw_funding_register_virtual_account: registers a virtual
// sub-account (虚拟子账户) the bank assigned to an enterprise under the platform's receiving
// account: a payment into it belongs to that enterprise. Errors: ErrExists when registered to
// another; ErrInvalid; ErrPerm.
func (c *Context) FundingRegisterVirtualAccount(enterpriseID int64, account string) error {
	h, err := c.handle()
	if err != nil {
		return err
	}
	cAccount := cText(account)
	defer free(cAccount)
	var e *C.fw_error
	rc := C.fw_funding_register_virtual_account(h, C.fw_id(enterpriseID), cAccount, &e)
	runtime.KeepAlive(c)
	return check(rc, e)
}

// FundingReferenceCode binds fw_funding_reference_code: the enterprise's reference code for
// payment remarks ("FW" and 6 letters or digits), assigned on first call. Errors: ErrInvalid;
// ErrPerm (an enterprise user reads its own).
func (c *Context) FundingReferenceCode(enterpriseID int64) (string, error) {
	h, err := c.handle()
	if err != nil {
		return "", err
	}
	var out *C.char
	var e *C.fw_error
	rc := C.fw_funding_reference_code(h, C.fw_id(enterpriseID), &out, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return "", err
	}
	return takeString(out), nil
}

// FundingNotice binds fw_funding_notice: records an incoming bank transfer and recognises it:
// by the virtual sub-account it was paid into, the payer account, or the reference code in the
// remark (in that order of strength); when two of them name different enterprises it goes to
// suspense. Idempotent by bank_txn_id: the same notice again returns the same id; a different
// notice under the same bank_txn_id fails with ErrConflict naming the field. Errors:
// ErrInvalid naming the field; ErrConflict; ErrClosed; ErrPerm.
func (c *Context) FundingNotice(record interface{}) (int64, error) {
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
	rc := C.fw_funding_notice(h, &out, recordText, recordLen, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return 0, err
	}
	return int64(out), nil
}

// FundingIncomingGet binds fw_funding_incoming_get: an incoming transfer as JSON:
// {"id","bank_txn_id","amount_fen","currency","payer_name", "payer_account" (both
// masked),"remark","received_ms","payee_account","state":"recognised"|
// "suspense"|"assigned"|"returned","enterprise_id":int|null,"matched_by":"virtual_account"|
// "payer_account"|"reference"|"operator"|null,"fee_fen","entry_id","resolution_entry_id":int|null}.
// Errors: ErrNotFound; ErrPerm (an enterprise user sees only its own).
func (c *Context) FundingIncomingGet(incomingID int64) ([]byte, error) {
	h, err := c.handle()
	if err != nil {
		return nil, err
	}
	var out outText
	var e *C.fw_error
	rc := C.fw_funding_incoming_get(h, C.fw_id(incomingID), &out.p, &out.n, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	return out.take(), nil
}

// FundingIncomingList binds fw_funding_incoming_list: incoming transfers in a state, newest
// first: {"incoming":[...], "next_before_id":int|null}. Errors: ErrInvalid; ErrPerm.
func (c *Context) FundingIncomingList(state uint32, limit uint32, beforeID int64) ([]byte, error) {
	h, err := c.handle()
	if err != nil {
		return nil, err
	}
	var out outText
	var e *C.fw_error
	rc := C.fw_funding_incoming_list(h, C.uint32_t(state), C.uint32_t(limit), C.fw_id(beforeID), &out.p, &out.n, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	return out.take(), nil
}

// FundingAssign binds fw_funding_assign: assigns a transfer held in suspense to an enterprise
// (the operator's resolution). Errors: ErrNotFound; ErrState when it is not in suspense;
// ErrConflict; ErrPerm.
func (c *Context) FundingAssign(incomingID int64, enterpriseID int64, idemKey string) error {
	h, err := c.handle()
	if err != nil {
		return err
	}
	cIdemKey := cText(idemKey)
	defer free(cIdemKey)
	var e *C.fw_error
	rc := C.fw_funding_assign(h, C.fw_id(incomingID), C.fw_id(enterpriseID), cIdemKey, &e)
	runtime.KeepAlive(c)
	return check(rc, e)
}

// FundingReturn binds fw_funding_return: records that a transfer held in suspense was returned
// to the payer. Errors: ErrNotFound; ErrState when it is not in suspense; ErrConflict; ErrPerm.
func (c *Context) FundingReturn(incomingID int64, idemKey string) error {
	h, err := c.handle()
	if err != nil {
		return err
	}
	cIdemKey := cText(idemKey)
	defer free(cIdemKey)
	var e *C.fw_error
	rc := C.fw_funding_return(h, C.fw_id(incomingID), cIdemKey, &e)
	runtime.KeepAlive(c)
	return check(rc, e)
}

// FundingRefund binds fw_funding_refund: starts a refund of an enterprise's unused funds: the
// amount is held on its funds until fw_funding_refund_complete() reports the bank payment.
// Errors: ErrInvalid; ErrFunds when the available funds (after holds) are short; ErrNotFound
// (no funds account); ErrConflict; ErrPerm.
func (c *Context) FundingRefund(enterpriseID int64, amountFen int64, idemKey string) (int64, error) {
	h, err := c.handle()
	if err != nil {
		return 0, err
	}
	var out C.fw_id
	cIdemKey := cText(idemKey)
	defer free(cIdemKey)
	var e *C.fw_error
	rc := C.fw_funding_refund(h, &out, C.fw_id(enterpriseID), C.int64_t(amountFen), cIdemKey, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return 0, err
	}
	return int64(out), nil
}

// FundingRefundComplete binds fw_funding_refund_complete: completes a refund: paid (1) posts
// the hold, paid (0) voids it and the funds are available again. Errors: ErrNotFound; ErrState
// when it is no longer pending; ErrInvalid; ErrPerm.
func (c *Context) FundingRefundComplete(refundID int64, paid uint32, idemKey string) error {
	h, err := c.handle()
	if err != nil {
		return err
	}
	cIdemKey := cText(idemKey)
	defer free(cIdemKey)
	var e *C.fw_error
	rc := C.fw_funding_refund_complete(h, C.fw_id(refundID), C.uint32_t(paid), cIdemKey, &e)
	runtime.KeepAlive(c)
	return check(rc, e)
}
