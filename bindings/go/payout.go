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

// Constants of include/flexwork/payout.h. Values are pinned.
const (
	PayoutSuspended      = C.FW_PAYOUT_SUSPENDED
	PayoutHeld           = C.FW_PAYOUT_HELD
	PayoutSubmitted      = C.FW_PAYOUT_SUBMITTED
	PayoutPaid           = C.FW_PAYOUT_PAID
	PayoutFailed         = C.FW_PAYOUT_FAILED
	PayoutReturned       = C.FW_PAYOUT_RETURNED
	PayoutCancelled      = C.FW_PAYOUT_CANCELLED
	PayoutResultSuccess  = C.FW_PAYOUT_RESULT_SUCCESS
	PayoutResultFailed   = C.FW_PAYOUT_RESULT_FAILED
	PayoutResultReturned = C.FW_PAYOUT_RESULT_RETURNED
	PayoutFormatJSON     = C.FW_PAYOUT_FORMAT_JSON
	PayoutFormatCSV      = C.FW_PAYOUT_FORMAT_CSV
)

// PayoutCreate binds fw_payout_create: creates one payout order and takes it to held (or
// suspended by a risk gate). Errors: ErrInvalid / ErrJSON naming the field; ErrPerm;
// ErrNotFound (no such party); ErrDenied (a gate, the reason code first in the message);
// ErrFunds (the enterprise's available funds are short); ErrLimit (a deducted fee beyond the
// amount); ErrClosed (the period is closed); ErrConflict (the key was used for another
// request); ErrState (the payable item is claimed by another order). The same key and request
// return the first outcome. (a final failure is remembered under the key).
func (c *Context) PayoutCreate(record interface{}) (int64, uint32, error) {
	h, err := c.handle()
	if err != nil {
		return 0, 0, err
	}
	recordText, recordLen, err := jsonIn(record)
	if err != nil {
		return 0, 0, err
	}
	defer C.free(unsafe.Pointer(recordText))
	var id C.fw_id
	var state C.uint32_t
	var e *C.fw_error
	rc := C.fw_payout_create(h, recordText, recordLen, &id, &state, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return 0, 0, err
	}
	return int64(id), uint32(state), nil
}

// PayoutBatch binds fw_payout_batch: creates a batch of up to 100,000 orders of one enterprise
// in one transaction. Errors: ErrInvalid naming the field ($.orders[3].amount_fen); ErrPerm; in
// mode "all" the first failing order's code (ErrFunds, ErrDenied, ...) with "$.orders[i]" as
// the path and nothing stored. A replay under the same key returns the batch as it stands.
func (c *Context) PayoutBatch(record interface{}) ([]byte, error) {
	h, err := c.handle()
	if err != nil {
		return nil, err
	}
	recordText, recordLen, err := jsonIn(record)
	if err != nil {
		return nil, err
	}
	defer C.free(unsafe.Pointer(recordText))
	var out outText
	var e *C.fw_error
	rc := C.fw_payout_batch(h, recordText, recordLen, &out.p, &out.n, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	return out.take(), nil
}

// PayoutBatchPayables binds fw_payout_batch_payables: pays accepted work: one batch of
// orders, one per unclaimed payable item of the enterprise (oldest first), each claiming its
// item; an order that fails for good, is cancelled or comes back from the bank gives its item
// back for a later batch. Errors: as fw_payout_batch(); ErrNotFound when the enterprise has no
// unclaimed item.
func (c *Context) PayoutBatchPayables(record interface{}) ([]byte, error) {
	h, err := c.handle()
	if err != nil {
		return nil, err
	}
	recordText, recordLen, err := jsonIn(record)
	if err != nil {
		return nil, err
	}
	defer C.free(unsafe.Pointer(recordText))
	var out outText
	var e *C.fw_error
	rc := C.fw_payout_batch_payables(h, recordText, recordLen, &out.p, &out.n, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	return out.take(), nil
}

// PayoutSubmit binds fw_payout_submit: submits a held order to the payment channel. With a
// synchronous answer the order ends paid or failed; a pending answer, a timeout or a provider
// error leave it submitted (the money may have moved) for fw_payout_result() or
// fw_payout_sweep(); without a provider it waits submitted for an operator. The channel sees
// {"order_id","request_no","enterprise_id","worker_id", "amount_fen","bank_card"} and must
// treat a repeated request_no as the same payment. Errors: ErrNotFound; ErrState (suspended,
// cancelled); ErrPerm ("payout.submit": admin, finance, system).
func (c *Context) PayoutSubmit(orderID int64) (uint32, error) {
	h, err := c.handle()
	if err != nil {
		return 0, err
	}
	var out C.uint32_t
	var e *C.fw_error
	rc := C.fw_payout_submit(h, C.fw_id(orderID), &out, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return 0, err
	}
	return uint32(out), nil
}

// PayoutBatchSubmit binds fw_payout_batch_submit: submits every held order of a batch, as
// fw_payout_submit(), in one transaction. Errors: ErrNotFound; ErrPerm.
func (c *Context) PayoutBatchSubmit(batchID int64) ([]byte, error) {
	h, err := c.handle()
	if err != nil {
		return nil, err
	}
	var out outText
	var e *C.fw_error
	rc := C.fw_payout_batch_submit(h, C.fw_id(batchID), &out.p, &out.n, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	return out.take(), nil
}

// PayoutResult binds fw_payout_result: records the payment channel's result for an order: the
// host calls it when the channel notifies, an operator when there is no provider. SUCCESS (held
// or submitted -> paid) posts the hold and distributes it: fee to revenue, taxes to their
// liabilities, the net to bank clearing. FAILED (held or submitted -> failed) voids the hold
// and reverses the withholding. RETURNED (paid -> returned, 退汇) reverses the postings and the
// withholding. A result the order already has is accepted again without effect (channels notify
// more than once). Errors: ErrInvalid (result, lengths); ErrNotFound; ErrState (a result the
// state does not allow, e.g. a failure after payment: the message says use RETURNED);
// ErrClosed; ErrPerm ("payout.result": admin, operator, finance, system). On failure nothing
// changes.
func (c *Context) PayoutResult(orderID int64, result uint32, channelRef string, reason string) (uint32, error) {
	h, err := c.handle()
	if err != nil {
		return 0, err
	}
	cChannelRef := cOptText(channelRef)
	defer free(cChannelRef)
	cReason := cOptText(reason)
	defer free(cReason)
	var out C.uint32_t
	var e *C.fw_error
	rc := C.fw_payout_result(h, C.fw_id(orderID), C.uint32_t(result), cChannelRef, cReason, &out, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return 0, err
	}
	return uint32(out), nil
}

// PayoutSweep binds fw_payout_sweep: asks the payment channel's query callback about submitted
// orders (oldest first, at most max_orders) and records every final answer. Errors: ErrInvalid
// (max_orders 0); ErrPerm ("payout.submit").
func (c *Context) PayoutSweep(maxOrders uint32) (int64, error) {
	h, err := c.handle()
	if err != nil {
		return 0, err
	}
	var out C.int64_t
	var e *C.fw_error
	rc := C.fw_payout_sweep(h, C.uint32_t(maxOrders), &out, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return 0, err
	}
	return int64(out), nil
}

// PayoutRelease binds fw_payout_release: releases a suspended order: an operator's decision
// overrides the risk gate; the other gates, the fee, the withholding and the hold run as at
// creation. Errors: ErrInvalid; ErrNotFound; ErrState (not suspended); ErrFunds; ErrDenied;
// ErrPerm ("payout.release": admin, operator). On failure nothing changes.
func (c *Context) PayoutRelease(orderID int64, note string) (uint32, error) {
	h, err := c.handle()
	if err != nil {
		return 0, err
	}
	cNote := cText(note)
	defer free(cNote)
	var out C.uint32_t
	var e *C.fw_error
	rc := C.fw_payout_release(h, C.fw_id(orderID), cNote, &out, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return 0, err
	}
	return uint32(out), nil
}

// PayoutCancel binds fw_payout_cancel: cancels a suspended or held order (a held order's hold
// is voided and its withholding reversed). Errors: ErrInvalid; ErrNotFound; ErrState (submitted
// or final); ErrPerm ("payout.cancel": admin, operator).
func (c *Context) PayoutCancel(orderID int64, reason string) error {
	h, err := c.handle()
	if err != nil {
		return err
	}
	cReason := cText(reason)
	defer free(cReason)
	var e *C.fw_error
	rc := C.fw_payout_cancel(h, C.fw_id(orderID), cReason, &e)
	runtime.KeepAlive(c)
	return check(rc, e)
}

// PayoutGet binds fw_payout_get: an order with its state timeline:
// {"id","batch_id","enterprise_id","worker_id","task_ref","external_ref","amount_fen","state",
// "reason","fee_fen","fee_bearer","enterprise_pays_fen","gross_fen","iit_fen","vat_fen",
// "surcharge_fen","net_fen","channel_ref","created_ms","paid_ms","returned_ms",
// "timeline":[{"at_ms","from","to","note"}]}. Errors: ErrNotFound; ErrPerm ("payout.read":
// staff readers, the enterprise's users, the worker).
func (c *Context) PayoutGet(orderID int64) ([]byte, error) {
	h, err := c.handle()
	if err != nil {
		return nil, err
	}
	var out outText
	var e *C.fw_error
	rc := C.fw_payout_get(h, C.fw_id(orderID), &out.p, &out.n, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	return out.take(), nil
}

// PayoutList binds fw_payout_list: orders matching a query, by id, a page at a time. Errors:
// ErrInvalid naming the field; ErrPerm (another party's filter).
func (c *Context) PayoutList(query interface{}) ([]byte, error) {
	h, err := c.handle()
	if err != nil {
		return nil, err
	}
	queryText, queryLen, err := jsonIn(query)
	if err != nil {
		return nil, err
	}
	defer C.free(unsafe.Pointer(queryText))
	var out outText
	var e *C.fw_error
	rc := C.fw_payout_list(h, queryText, queryLen, &out.p, &out.n, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	return out.take(), nil
}

// PayoutStatement binds fw_payout_statement: A worker's income statement for a CST month
// (R-5.6, R-6.b): orders paid in the month, with gross income, fees borne, tax withheld by kind
// (IIT, VAT, surcharges), net paid, and what the bank returned in the month. JSON:
// {"worker_id","period","orders","gross_fen","fee_borne_fen","iit_fen","vat_fen",
// "surcharge_fen","withheld_fen","net_fen","returned_orders","returned_net_fen",
// "lines":[{"order_id","enterprise_id","task_ref","paid_ms","gross_fen","fee_borne_fen",
// "iit_fen","vat_fen","surcharge_fen","net_fen","state"}]}. CSV: one row per line, header
// first, amounts in yuan, then a totals row. Errors: ErrInvalid (month, format); ErrPerm
// ("payout.read"; a worker only their own).
func (c *Context) PayoutStatement(workerID int64, month string, format uint32) (string, error) {
	h, err := c.handle()
	if err != nil {
		return "", err
	}
	cMonth := cText(month)
	defer free(cMonth)
	var out outText
	var e *C.fw_error
	rc := C.fw_payout_statement(h, C.fw_id(workerID), cMonth, C.uint32_t(format), &out.p, &out.n, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return "", err
	}
	return string(out.take()), nil
}

// PayoutEnterpriseSummary binds fw_payout_enterprise_summary: an enterprise's payout totals for
// a CST month (R-7.5.c): orders created in the month by state, and of those paid: amount, fees,
// taxes by kind, net, what the enterprise paid.
// {"enterprise_id","period","orders","by_state":{"held":n,...},"paid":{"orders","amount_fen",
// "fee_fen","iit_fen","vat_fen","surcharge_fen","net_fen","enterprise_pays_fen"},
// "returned":{"orders","enterprise_pays_fen"}}. Errors: ErrInvalid (month); ErrPerm
// ("payout.read"; an enterprise user only its own).
func (c *Context) PayoutEnterpriseSummary(enterpriseID int64, month string) ([]byte, error) {
	h, err := c.handle()
	if err != nil {
		return nil, err
	}
	cMonth := cText(month)
	defer free(cMonth)
	var out outText
	var e *C.fw_error
	rc := C.fw_payout_enterprise_summary(h, C.fw_id(enterpriseID), cMonth, &out.p, &out.n, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	return out.take(), nil
}

// PayoutVouchers binds fw_payout_vouchers: accounting vouchers (记账凭证) for an enterprise's
// payouts in a CST month, generated from the journal: one voucher per journal entry of the
// enterprise's orders effective in the month. JSON:
// {"enterprise_id","period","vouchers":[{"no","entry_id","date","summary","lines":
// [{"account_code","account_name","debit_fen","credit_fen"}],"debit_fen","credit_fen"}]}. CSV:
// voucher_no,date,summary,account_code,account_name,debit,credit (yuan). Errors: ErrInvalid
// (month, format); ErrPerm ("payout.read"; an enterprise user only its own).
func (c *Context) PayoutVouchers(enterpriseID int64, month string, format uint32) (string, error) {
	h, err := c.handle()
	if err != nil {
		return "", err
	}
	cMonth := cText(month)
	defer free(cMonth)
	var out outText
	var e *C.fw_error
	rc := C.fw_payout_vouchers(h, C.fw_id(enterpriseID), cMonth, C.uint32_t(format), &out.p, &out.n, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return "", err
	}
	return string(out.take()), nil
}

// PayoutStateName binds fw_payout_state_name: the name of a Payout* state ("held", "paid",
// ...), or "" for an unknown value.
func PayoutStateName(state uint32) string {
	return C.GoString(C.fw_payout_state_name(C.uint32_t(state)))
}
