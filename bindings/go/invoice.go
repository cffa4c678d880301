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

// Constants of include/flexwork/invoice.h. Values are pinned.
const (
	InvoiceRequested = C.FW_INVOICE_REQUESTED
	InvoiceIssued    = C.FW_INVOICE_ISSUED
	InvoiceReversed  = C.FW_INVOICE_REVERSED
	InvoiceCancelled = C.FW_INVOICE_CANCELLED
)

// InvoiceRequest binds fw_invoice_request: requests an invoice. Errors: ErrInvalid naming the
// field; ErrPerm ("invoice.request": admin, finance, the enterprise's users for their own);
// ErrLimit when the amount exceeds what is left to invoice (the message says by how much, with
// what was served and invoiced); ErrConflict (the key was used for another request).
func (c *Context) InvoiceRequest(record interface{}) (int64, error) {
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
	rc := C.fw_invoice_request(h, recordText, recordLen, &out, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return 0, err
	}
	return int64(out), nil
}

// InvoiceIssue binds fw_invoice_issue: issues a requested invoice through the invoice
// provider's issue callback, which receives
// {"invoice_id","enterprise_id","kind","amount_fen","tax_fen","tax_rate_ppm","title"} and
// answers {"invoice_no":"1..64 bytes","issued_date":"YYYY-MM-DD" (optional)}. Errors:
// ErrPending without a provider, or when it answers later (the invoice stays requested; an
// operator may record it with fw_invoice_record()); ErrTimeout, ErrProvider (stays requested);
// ErrNotFound; ErrState (not requested); ErrExists (the number is on another invoice); ErrPerm
// ("invoice.issue": admin, finance, system).
func (c *Context) InvoiceIssue(invoiceID int64) (uint32, error) {
	h, err := c.handle()
	if err != nil {
		return 0, err
	}
	var out C.uint32_t
	var e *C.fw_error
	rc := C.fw_invoice_issue(h, C.fw_id(invoiceID), &out, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return 0, err
	}
	return uint32(out), nil
}

// InvoiceRecord binds fw_invoice_record: records an invoice issued by hand for a request.
// Errors: ErrInvalid naming the field; ErrNotFound; ErrState (not requested); ErrExists (the
// number is on another invoice); ErrPerm ("invoice.issue").
func (c *Context) InvoiceRecord(invoiceID int64, record interface{}) error {
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
	rc := C.fw_invoice_record(h, C.fw_id(invoiceID), recordText, recordLen, &e)
	runtime.KeepAlive(c)
	return check(rc, e)
}

// InvoiceReverse binds fw_invoice_reverse: reverses an issued invoice with a red-letter invoice
// (冲红), through the provider's cancel callback
// ({"invoice_id","invoice_no","amount_fen","tax_fen","reason"} -> {"red_invoice_no"}), or,
// without a provider, with the red-letter number issued by hand; a requested invoice is
// cancelled. The amount becomes available to invoice again. Errors: ErrInvalid naming the
// field; ErrNotFound; ErrState (reversed or cancelled already); ErrPending, ErrTimeout,
// ErrProvider (the provider did not confirm: nothing changed); ErrPerm ("invoice.reverse":
// admin, finance).
func (c *Context) InvoiceReverse(invoiceID int64, record interface{}) (uint32, error) {
	h, err := c.handle()
	if err != nil {
		return 0, err
	}
	recordText, recordLen, err := jsonIn(record)
	if err != nil {
		return 0, err
	}
	defer C.free(unsafe.Pointer(recordText))
	var out C.uint32_t
	var e *C.fw_error
	rc := C.fw_invoice_reverse(h, C.fw_id(invoiceID), recordText, recordLen, &out, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return 0, err
	}
	return uint32(out), nil
}

// InvoiceGet binds fw_invoice_get: an invoice:
// {"id","enterprise_id","kind","state","amount_fen","tax_rate_ppm","tax_fen",
// "title","invoice_no","origin":"provider"|"manual"|null,"issued_date","red_invoice_no",
// "reason","requested_ms","issued_ms","reversed_ms"}. Errors: ErrNotFound; ErrPerm
// ("invoice.read"; an enterprise user only its own).
func (c *Context) InvoiceGet(invoiceID int64) ([]byte, error) {
	h, err := c.handle()
	if err != nil {
		return nil, err
	}
	var out outText
	var e *C.fw_error
	rc := C.fw_invoice_get(h, C.fw_id(invoiceID), &out.p, &out.n, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	return out.take(), nil
}

// InvoiceList binds fw_invoice_list: an enterprise's invoices and its ceiling:
// {"enterprise_id","served_fen","invoiced_fen" (requested and
// issued),"available_fen","invoices":[invoice, ...]}. Errors: ErrPerm ("invoice.read"; an
// enterprise user only its own).
func (c *Context) InvoiceList(enterpriseID int64) ([]byte, error) {
	h, err := c.handle()
	if err != nil {
		return nil, err
	}
	var out outText
	var e *C.fw_error
	rc := C.fw_invoice_list(h, C.fw_id(enterpriseID), &out.p, &out.n, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	return out.take(), nil
}
