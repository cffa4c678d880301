package flexwork

/*
#include <stdlib.h>
#include <flexwork.h>
*/
import "C"

import (
	"fmt"
	"runtime"
	"unsafe"
)

// Constants of include/flexwork/insurance.h. Values are pinned.
const (
	InsuranceSocialRequested = C.FW_INSURANCE_SOCIAL_REQUESTED
	InsuranceSocialSubmitted = C.FW_INSURANCE_SOCIAL_SUBMITTED
	InsuranceSocialPaid      = C.FW_INSURANCE_SOCIAL_PAID
	InsuranceSocialFailed    = C.FW_INSURANCE_SOCIAL_FAILED
	InsuranceSocialCancelled = C.FW_INSURANCE_SOCIAL_CANCELLED
)

// InsuranceProductCreate binds fw_insurance_product_create: creates an insurance product.
// Errors: ErrInvalid naming the field; ErrExists ($.code); ErrPerm.
func (c *Context) InsuranceProductCreate(record interface{}) (int64, error) {
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
	rc := C.fw_insurance_product_create(h, recordText, recordLen, &out, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return 0, err
	}
	return int64(out), nil
}

// InsuranceProductGet binds fw_insurance_product_get: A product as JSON (the fields above plus
// "id","state":"active"|"retired"). Errors: ErrNotFound; ErrPerm.
func (c *Context) InsuranceProductGet(productID int64) ([]byte, error) {
	h, err := c.handle()
	if err != nil {
		return nil, err
	}
	var out outText
	var e *C.fw_error
	rc := C.fw_insurance_product_get(h, C.fw_id(productID), &out.p, &out.n, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	return out.take(), nil
}

// InsuranceProductList binds fw_insurance_product_list: all products, active first: [product,
// ...]. Errors: ErrPerm.
func (c *Context) InsuranceProductList() ([]byte, error) {
	h, err := c.handle()
	if err != nil {
		return nil, err
	}
	var out outText
	var e *C.fw_error
	rc := C.fw_insurance_product_list(h, &out.p, &out.n, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	return out.take(), nil
}

// InsuranceProductRetire binds fw_insurance_product_retire: retires a product: no new
// enrolments; existing ones run on. Errors: ErrNotFound; ErrState; ErrPerm.
func (c *Context) InsuranceProductRetire(productID int64) error {
	h, err := c.handle()
	if err != nil {
		return err
	}
	var e *C.fw_error
	rc := C.fw_insurance_product_retire(h, C.fw_id(productID), &e)
	runtime.KeepAlive(c)
	return check(rc, e)
}

// InsuranceRecommend binds fw_insurance_recommend: recommends products for a worker, ranked.
// Errors: ErrInvalid naming the field; ErrDenied when the worker is under 16 (no unit may
// engage them: 《禁止使用童工规定》 art. 2); ErrPerm.
func (c *Context) InsuranceRecommend(record interface{}) ([]byte, error) {
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
	rc := C.fw_insurance_recommend(h, recordText, recordLen, &out.p, &out.n, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	return out.take(), nil
}

// InsuranceEnrol binds fw_insurance_enrol: enrols a worker in a product. Errors: ErrInvalid;
// ErrNotFound ($.product_id); ErrState when the product is retired; ErrDenied when the age,
// region or categories are not eligible (the message says which); ErrExists when the worker
// already has an active enrolment in the product; ErrPerm.
func (c *Context) InsuranceEnrol(record interface{}) (int64, error) {
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
	rc := C.fw_insurance_enrol(h, recordText, recordLen, &out, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return 0, err
	}
	return int64(out), nil
}

// InsuranceEnrolmentCancel binds fw_insurance_enrolment_cancel: cancels an active enrolment
// from now: {"reason" (1..200)}. Errors: ErrNotFound; ErrState; ErrInvalid; ErrPerm.
func (c *Context) InsuranceEnrolmentCancel(enrolmentID int64, record interface{}) error {
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
	rc := C.fw_insurance_enrolment_cancel(h, C.fw_id(enrolmentID), recordText, recordLen, &e)
	runtime.KeepAlive(c)
	return check(rc, e)
}

// InsuranceEnrolments binds fw_insurance_enrolments: A worker's enrolments:
// [{"id","product_id","code","type","enterprise_id","start_ms","end_ms",
// "state":"active"|"cancelled","age"}]. Errors: ErrPerm.
func (c *Context) InsuranceEnrolments(workerID int64) ([]byte, error) {
	h, err := c.handle()
	if err != nil {
		return nil, err
	}
	var out outText
	var e *C.fw_error
	rc := C.fw_insurance_enrolments(h, C.fw_id(workerID), &out.p, &out.n, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	return out.take(), nil
}

// InsurancePremiumFen binds fw_insurance_premium_fen: the premium of units (orders, days or
// months) of a product: premium_fen x units. Errors: ErrInvalid for units < 0; ErrNotFound;
// ErrOverflow; ErrPerm.
func (c *Context) InsurancePremiumFen(productID int64, units int64) (int64, error) {
	h, err := c.handle()
	if err != nil {
		return 0, err
	}
	var out C.int64_t
	var e *C.fw_error
	rc := C.fw_insurance_premium_fen(h, C.fw_id(productID), C.int64_t(units), &out, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return 0, err
	}
	return int64(out), nil
}

// InsuranceCharge binds fw_insurance_charge: charges the premium an enrolment owes for work at
// at_ms: per order (order_ref names the order), per CST day of work, or per CST month. Each
// order, day or month is charged once: charging it again returns the first premium. The premium
// is due until the ledger posts it. Errors: ErrInvalid; ErrNotFound; ErrState when the
// enrolment is cancelled or at_ms is outside its period; ErrConflict for a reused key;
// ErrOverflow; ErrPerm.
func (c *Context) InsuranceCharge(enrolmentID int64, orderRef string, atMs int64, idemKey string) (int64, int64, error) {
	h, err := c.handle()
	if err != nil {
		return 0, 0, err
	}
	cOrderRef := cText(orderRef)
	defer free(cOrderRef)
	cIdemKey := cOptText(idemKey)
	defer free(cIdemKey)
	var fen C.int64_t
	var premiumID C.fw_id
	var e *C.fw_error
	rc := C.fw_insurance_charge(h, C.fw_id(enrolmentID), cOrderRef, C.int64_t(atMs), cIdemKey, &fen, &premiumID, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return 0, 0, err
	}
	return int64(fen), int64(premiumID), nil
}

// InsurancePremiums binds fw_insurance_premiums: premiums charged in [from_ms, to_ms) (0, 0 =
// all): {"total_fen","due_fen","posted_fen",
// "premiums":[{"id","enrolment_id","product_id","worker_id","enterprise_id","basis",
// "basis_ref","units","amount_fen","payer","at_ms","state":"due"|"posted","journal_ref"}]}.
// Errors: ErrPerm.
func (c *Context) InsurancePremiums(fromMs int64, toMs int64) ([]byte, error) {
	h, err := c.handle()
	if err != nil {
		return nil, err
	}
	var out outText
	var e *C.fw_error
	rc := C.fw_insurance_premiums(h, C.int64_t(fromMs), C.int64_t(toMs), &out.p, &out.n, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	return out.take(), nil
}

// InsuranceCertificate binds fw_insurance_certificate: A certificate of cover for an active
// enrolment, signed with the platform's Ed25519 key:
// {"certificate":{"enrolment_id","worker_id","product":{"code","name","type","insurer",
// "coverage","coverage_fen"},"start_ms","end_ms","issued_ms"},"public_key":"hex",
// "signature":"hex"}; the signature covers the "certificate" member's text exactly as printed.
// Errors: ErrNotFound; ErrState when cancelled; ErrPerm.
func (c *Context) InsuranceCertificate(enrolmentID int64) ([]byte, error) {
	h, err := c.handle()
	if err != nil {
		return nil, err
	}
	var out outText
	var e *C.fw_error
	rc := C.fw_insurance_certificate(h, C.fw_id(enrolmentID), &out.p, &out.n, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	return out.take(), nil
}

// InsuranceCertificateVerify binds fw_insurance_certificate_verify: verifies a certificate
// offline. Errors: ErrAuth when the signature or key does not verify; ErrJSON / ErrInvalid.
func InsuranceCertificateVerify(record interface{}, expectedPublicKey []byte) error {
	recordText, recordLen, err := jsonIn(record)
	if err != nil {
		return err
	}
	defer C.free(unsafe.Pointer(recordText))
	if len(expectedPublicKey) != 32 {
		return &Error{Code: CodeInvalid, Path: "expected_public_key",
			Message: fmt.Sprintf("expected_public_key: must be 32 bytes, got %d", len(expectedPublicKey))}
	}
	var e *C.fw_error
	rc := C.fw_insurance_certificate_verify(recordText, recordLen, (*C.uint8_t)(unsafe.Pointer(&expectedPublicKey[0])), &e)
	return check(rc, e)
}

// InsuranceSocialRequest binds fw_insurance_social_request: records a social-insurance
// contribution the platform makes or arranges on a worker's behalf. Errors: ErrInvalid;
// ErrExists when one of the kind and month is open or paid; ErrPerm.
func (c *Context) InsuranceSocialRequest(record interface{}) (int64, error) {
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
	rc := C.fw_insurance_social_request(h, recordText, recordLen, &out, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return 0, err
	}
	return int64(out), nil
}

// InsuranceSocialUpdate binds fw_insurance_social_update: moves a contribution request on:
// {"state":"submitted"|"paid"|"failed"|"cancelled", "reference" (optional, the bureau's
// receipt),"note" (optional)}. Allowed: requested -> submitted | cancelled; submitted -> paid |
// failed; failed -> submitted. Errors: ErrNotFound; ErrState naming both states; ErrInvalid;
// ErrPerm.
func (c *Context) InsuranceSocialUpdate(requestID int64, record interface{}) error {
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
	rc := C.fw_insurance_social_update(h, C.fw_id(requestID), recordText, recordLen, &e)
	runtime.KeepAlive(c)
	return check(rc, e)
}

// InsuranceSocialList binds fw_insurance_social_list: A worker's contribution requests:
// [{"id","kind","region","month","base_fen","rate_ppm",
// "amount_fen","state","reference","note","updated_ms"}]. Errors: ErrPerm.
func (c *Context) InsuranceSocialList(workerID int64) ([]byte, error) {
	h, err := c.handle()
	if err != nil {
		return nil, err
	}
	var out outText
	var e *C.fw_error
	rc := C.fw_insurance_social_list(h, C.fw_id(workerID), &out.p, &out.n, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	return out.take(), nil
}

// InsurancePostPremiums binds fw_insurance_post_premiums: posts the due premiums charged before
// before_ms (0: every due premium) to the ledger, one journal entry each, and marks each posted
// with its entry ("ledger_entry:<id>") in the same transaction, so that a premium is posted
// exactly once. The payer's account is debited and the platform's insurance payable
// credited: an enterprise's funds, a worker's payable, or for premiums the platform pays its
// fee revenue. A premium whose payer cannot cover it (funds short, no such account) stays due
// for a later run; the others are posted. The run is audited ("insurance.post": how many
// posted, their total, how many left due). Errors: ErrInvalid (before_ms, idem_key);
// ErrConflict; ErrClosed when a premium's entry falls in a closed accounting period; ErrPerm.
// On failure nothing is posted.
func (c *Context) InsurancePostPremiums(beforeMs int64, idemKey string) error {
	h, err := c.handle()
	if err != nil {
		return err
	}
	cIdemKey := cText(idemKey)
	defer free(cIdemKey)
	var e *C.fw_error
	rc := C.fw_insurance_post_premiums(h, C.int64_t(beforeMs), cIdemKey, &e)
	runtime.KeepAlive(c)
	return check(rc, e)
}
