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

// Constants of include/flexwork/party.h. Values are pinned.
const (
	CheckOK               = C.FW_CHECK_OK
	CheckLength           = C.FW_CHECK_LENGTH
	CheckCharset          = C.FW_CHECK_CHARSET
	CheckChecksum         = C.FW_CHECK_CHECKSUM
	CheckDate             = C.FW_CHECK_DATE
	CheckRegion           = C.FW_CHECK_REGION
	CheckCategory         = C.FW_CHECK_CATEGORY
	CheckOrgCode          = C.FW_CHECK_ORG_CODE
	GenderMale            = C.FW_GENDER_MALE
	GenderFemale          = C.FW_GENDER_FEMALE
	USCCStrict            = C.FW_USCC_STRICT
	EnterpriseApplied     = C.FW_ENTERPRISE_APPLIED
	EnterpriseUnderReview = C.FW_ENTERPRISE_UNDER_REVIEW
	EnterpriseVerified    = C.FW_ENTERPRISE_VERIFIED
	EnterpriseRejected    = C.FW_ENTERPRISE_REJECTED
	EnterpriseSigned      = C.FW_ENTERPRISE_SIGNED
	EnterpriseActive      = C.FW_ENTERPRISE_ACTIVE
	EnterpriseSuspended   = C.FW_ENTERPRISE_SUSPENDED
	EnterpriseCancelled   = C.FW_ENTERPRISE_CANCELLED
	WorkerRegistered      = C.FW_WORKER_REGISTERED
	WorkerVerified        = C.FW_WORKER_VERIFIED
	WorkerFailed          = C.FW_WORKER_FAILED
	WorkerSigned          = C.FW_WORKER_SIGNED
	WorkerActive          = C.FW_WORKER_ACTIVE
	WorkerSuspended       = C.FW_WORKER_SUSPENDED
	WorkerClosed          = C.FW_WORKER_CLOSED
	ChannelSelf           = C.FW_CHANNEL_SELF
	ChannelAssisted       = C.FW_CHANNEL_ASSISTED
)

// IDNumberInfo is what IDNumberCheck learnt of a resident ID number (fw_id_number_info).
type IDNumberInfo struct {
	Reason        uint32 // Check* constant: CheckOK when valid
	BirthYear     int32  // the birth date, when valid
	BirthMonth    int32
	BirthDay      int32
	Gender        uint32 // GenderMale or GenderFemale, when valid
	Normalized    string // the 18 characters with a lower-case 'x' made 'X', when valid
	ExpectedCheck byte   // the right check character, when Reason is CheckChecksum
}

// IDNumberCheck binds fw_id_number_check: checks a resident ID number (公民身份号码, GB
// 11643-1999): 18 characters, 17 digits and a check character ('0'-'9' or 'X'; 'x' is
// accepted and normalised) by ISO 7064 MOD 11-2, a known province code and a birth date that
// exists. The info is filled on failure too (then only Reason, and ExpectedCheck for a checksum
// failure, are meaningful). Errors: ErrInvalid when invalid; the message names the rule, e.g.
// "check character must be 'X' (ISO 7064 MOD 11-2), got '1'".
func IDNumberCheck(idNumber string) (IDNumberInfo, error) {
	cIDNumber := cText(idNumber)
	defer free(cIDNumber)
	var raw C.fw_id_number_info
	var e *C.fw_error
	rc := C.fw_id_number_check(cIDNumber, &raw, &e)
	info := IDNumberInfo{Reason: uint32(raw.reason), BirthYear: int32(raw.birth_year),
		BirthMonth: int32(raw.birth_month), BirthDay: int32(raw.birth_day), Gender: uint32(raw.gender),
		Normalized: C.GoString(&raw.normalized[0]), ExpectedCheck: byte(raw.expected_check)}
	return info, check(rc, e)
}

// USCCCheck binds fw_uscc_check: checks a Unified Social Credit Code (统一社会信用代码, GB
// 32100-2015): 18 characters from "0123456789ABCDEFGHJKLMNPQRTUWXY" (no I, O, S, V, Z), digits
// in positions 3-8, and the check character (weights 3^(i-1) mod 31). With USCCStrict also the
// authority+category pair and the GB 11714 check of the organisation code in positions 9-17.
// The reason (a Check* constant) is returned on failure too. Errors: ErrInvalid when invalid.
func USCCCheck(uscc string, flags uint32) (reason uint32, err error) {
	cUSCC := cText(uscc)
	defer free(cUSCC)
	var out C.uint32_t
	var e *C.fw_error
	rc := C.fw_uscc_check(cUSCC, C.uint32_t(flags), &out, &e)
	return uint32(out), check(rc, e)
}

// BankCardCheck binds fw_bank_card_check: checks a bank card number: 8 to 19 digits and the
// Luhn (ISO/IEC 7812) check digit. Some genuine Chinese cards fail Luhn: callers that register
// cards treat CheckChecksum as a warning (as worker registration does) and confirm the card
// with the bank. The reason (a Check* constant) is returned on failure too. Errors: ErrInvalid
// when invalid.
func BankCardCheck(card string) (reason uint32, err error) {
	cCard := cText(card)
	defer free(cCard)
	var out C.uint32_t
	var e *C.fw_error
	rc := C.fw_bank_card_check(cCard, &out, &e)
	return uint32(out), check(rc, e)
}

// CheckReasonName binds fw_check_reason_name: the lower-case name of a Check* reason ("ok",
// "length", "checksum", ...).
func CheckReasonName(reason uint32) string {
	return C.GoString(C.fw_check_reason_name(C.uint32_t(reason)))
}

// PartyEnterpriseApply binds fw_party_enterprise_apply: records an enterprise's application
// (state applied). Errors: ErrInvalid naming the field (a bad USCC names the rule); ErrExists
// when a live enterprise has the USCC; ErrPerm.
func (c *Context) PartyEnterpriseApply(record interface{}) (int64, error) {
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
	rc := C.fw_party_enterprise_apply(h, recordText, recordLen, &out, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return 0, err
	}
	return int64(out), nil
}

// PartyEnterpriseVerify binds fw_party_enterprise_verify: starts verification (applied -> under
// review) and asks the identity provider's verify_enterprise registry check. A provider answer
// {"result":"pass"} verifies, {"result":"fail","reason":"..."} rejects; without a provider, or
// when it answers later, the enterprise stays under review for fw_party_enterprise_review().
// Errors: ErrNotFound; ErrState unless applied (or re-submitted under review); ErrProvider when
// the provider fails (the state is unchanged); ErrPerm.
func (c *Context) PartyEnterpriseVerify(enterpriseID int64) (uint32, error) {
	h, err := c.handle()
	if err != nil {
		return 0, err
	}
	var out C.uint32_t
	var e *C.fw_error
	rc := C.fw_party_enterprise_verify(h, C.fw_id(enterpriseID), &out, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return 0, err
	}
	return uint32(out), nil
}

// PartyEnterpriseReview binds fw_party_enterprise_review: A reviewer's decision on an
// enterprise under review (R-7.10.a). Errors: ErrInvalid; ErrNotFound; ErrState unless under
// review; ErrPerm (admin or reviewer).
func (c *Context) PartyEnterpriseReview(enterpriseID int64, record interface{}) error {
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
	rc := C.fw_party_enterprise_review(h, C.fw_id(enterpriseID), recordText, recordLen, &e)
	runtime.KeepAlive(c)
	return check(rc, e)
}

// PartyEnterpriseActivate binds fw_party_enterprise_activate: activates an enterprise whose
// cooperation agreement is signed (signed -> active), running the activation hooks of higher
// modules (the ledger opens its accounts). Errors: ErrNotFound; ErrDenied with reason
// ENTERPRISE_NOT_VERIFIED or ENTERPRISE_NOT_SIGNED; ErrState otherwise; ErrPerm.
func (c *Context) PartyEnterpriseActivate(enterpriseID int64) error {
	h, err := c.handle()
	if err != nil {
		return err
	}
	var e *C.fw_error
	rc := C.fw_party_enterprise_activate(h, C.fw_id(enterpriseID), &e)
	runtime.KeepAlive(c)
	return check(rc, e)
}

// PartyEnterpriseChange binds fw_party_enterprise_change: changes an enterprise's record. Only
// the fields given change (same shapes as the application). A change of name, uscc, legal_rep
// or bank_account sends a verified, signed or active enterprise back to review (R-7.10.a). The
// audit record names the changed fields. Errors: ErrInvalid; ErrExists (USCC taken);
// ErrNotFound; ErrState when cancelled.
func (c *Context) PartyEnterpriseChange(enterpriseID int64, record interface{}) error {
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
	rc := C.fw_party_enterprise_change(h, C.fw_id(enterpriseID), recordText, recordLen, &e)
	runtime.KeepAlive(c)
	return check(rc, e)
}

// PartyEnterpriseSuspend binds fw_party_enterprise_suspend: suspends an active enterprise
// (reason required, 1..500 characters). Errors: ErrInvalid; ErrNotFound; ErrState unless
// active.
func (c *Context) PartyEnterpriseSuspend(enterpriseID int64, reason string) error {
	h, err := c.handle()
	if err != nil {
		return err
	}
	cReason := cText(reason)
	defer free(cReason)
	var e *C.fw_error
	rc := C.fw_party_enterprise_suspend(h, C.fw_id(enterpriseID), cReason, &e)
	runtime.KeepAlive(c)
	return check(rc, e)
}

// PartyEnterpriseResume binds fw_party_enterprise_resume: resumes a suspended enterprise
// (suspended -> active). ErrState unless suspended.
func (c *Context) PartyEnterpriseResume(enterpriseID int64) error {
	h, err := c.handle()
	if err != nil {
		return err
	}
	var e *C.fw_error
	rc := C.fw_party_enterprise_resume(h, C.fw_id(enterpriseID), &e)
	runtime.KeepAlive(c)
	return check(rc, e)
}

// PartyEnterpriseCancel binds fw_party_enterprise_cancel: cancels an enterprise. Every
// cancellation check registered by higher modules must pass (zero balances, no open work); the
// first that fails is returned with its message naming what blocks. Errors: ErrNotFound;
// ErrState when already cancelled; ErrDenied from a check.
func (c *Context) PartyEnterpriseCancel(enterpriseID int64) error {
	h, err := c.handle()
	if err != nil {
		return err
	}
	var e *C.fw_error
	rc := C.fw_party_enterprise_cancel(h, C.fw_id(enterpriseID), &e)
	runtime.KeepAlive(c)
	return check(rc, e)
}

// PartyEnterpriseGet binds fw_party_enterprise_get: an enterprise as JSON: id, state,
// state_name, name, uscc, legal_rep, contact, bank_account, business_scope, industry,
// qualifications, review (method, reasons), timestamps. Personal fields are masked unless the
// actor may see them. An enterprise user reads only its own. Errors: ErrNotFound; ErrPerm;
// ErrShredded is not returned: erased fields read null.
func (c *Context) PartyEnterpriseGet(enterpriseID int64) ([]byte, error) {
	h, err := c.handle()
	if err != nil {
		return nil, err
	}
	var out outText
	var e *C.fw_error
	rc := C.fw_party_enterprise_get(h, C.fw_id(enterpriseID), &out.p, &out.n, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	return out.take(), nil
}

// PartyEnterpriseUserAdd binds fw_party_enterprise_user_add: adds a staff account of an
// enterprise with its own roles. Errors: ErrInvalid; ErrExists; ErrNotFound; ErrPerm
// (staff or that enterprise's user).
func (c *Context) PartyEnterpriseUserAdd(enterpriseID int64, record interface{}) (int64, error) {
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
	rc := C.fw_party_enterprise_user_add(h, C.fw_id(enterpriseID), recordText, recordLen, &out, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return 0, err
	}
	return int64(out), nil
}

// PartyEnterpriseUserDisable binds fw_party_enterprise_user_disable: disables an enterprise
// user account. ErrState when already disabled.
func (c *Context) PartyEnterpriseUserDisable(userID int64) error {
	h, err := c.handle()
	if err != nil {
		return err
	}
	var e *C.fw_error
	rc := C.fw_party_enterprise_user_disable(h, C.fw_id(userID), &e)
	runtime.KeepAlive(c)
	return check(rc, e)
}

// PartyEnterpriseUserList binds fw_party_enterprise_user_list: the users of an enterprise as a
// JSON array (masked personal fields).
func (c *Context) PartyEnterpriseUserList(enterpriseID int64) ([]byte, error) {
	h, err := c.handle()
	if err != nil {
		return nil, err
	}
	var out outText
	var e *C.fw_error
	rc := C.fw_party_enterprise_user_list(h, C.fw_id(enterpriseID), &out.p, &out.n, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	return out.take(), nil
}

// PartyWorkerRegister binds fw_party_worker_register: registers a worker. The ID number
// must pass GB 11643 with a birth date in the past; a person under 16 today is refused; 16-17
// is flagged as a minor worker. A bank card that fails Luhn is accepted with the warning
// "BANK_CARD_LUHN". Duplicates are found through the blind index of the ID number. Errors:
// ErrInvalid naming the field; ErrDenied with reason WORKER_UNDER_16 or an ENTERPRISE_* reason;
// ErrNotFound for an unknown enterprise_id; ErrExists for a registered ID number; ErrPerm.
func (c *Context) PartyWorkerRegister(record interface{}) (int64, error) {
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
	rc := C.fw_party_worker_register(h, recordText, recordLen, &out, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return 0, err
	}
	return int64(out), nil
}

// PartyWorkerVerify binds fw_party_worker_verify: real-name verification through the identity
// provider's verify_person (name + ID match, optional liveness, bank-card four-element check).
// {"result":"pass"} verifies, {"result":"fail","reason":"..."} fails; the method and a digest
// of the answer are recorded. Without a provider (or ErrPending) the worker stays registered
// awaiting fw_party_worker_review(). Errors: ErrNotFound; ErrState unless registered or failed;
// ErrProvider; ErrPerm.
func (c *Context) PartyWorkerVerify(workerID int64, liveness string) (uint32, error) {
	h, err := c.handle()
	if err != nil {
		return 0, err
	}
	cLiveness := cOptText(liveness)
	defer free(cLiveness)
	var out C.uint32_t
	var e *C.fw_error
	rc := C.fw_party_worker_verify(h, C.fw_id(workerID), cLiveness, &out, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return 0, err
	}
	return uint32(out), nil
}

// PartyWorkerReview binds fw_party_worker_review: A reviewer's decision on a worker's real name
// (by hand). Errors: ErrInvalid; ErrNotFound; ErrState unless registered or failed; ErrPerm.
func (c *Context) PartyWorkerReview(workerID int64, record interface{}) error {
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
	rc := C.fw_party_worker_review(h, C.fw_id(workerID), recordText, recordLen, &e)
	runtime.KeepAlive(c)
	return check(rc, e)
}

// PartyWorkerActivate binds fw_party_worker_activate: activates a worker whose service
// agreement is signed (signed -> active).
func (c *Context) PartyWorkerActivate(workerID int64) error {
	h, err := c.handle()
	if err != nil {
		return err
	}
	var e *C.fw_error
	rc := C.fw_party_worker_activate(h, C.fw_id(workerID), &e)
	runtime.KeepAlive(c)
	return check(rc, e)
}

// PartyWorkerSuspend binds fw_party_worker_suspend: suspends an active or signed worker (reason
// required).
func (c *Context) PartyWorkerSuspend(workerID int64, reason string) error {
	h, err := c.handle()
	if err != nil {
		return err
	}
	cReason := cText(reason)
	defer free(cReason)
	var e *C.fw_error
	rc := C.fw_party_worker_suspend(h, C.fw_id(workerID), cReason, &e)
	runtime.KeepAlive(c)
	return check(rc, e)
}

// PartyWorkerResume binds fw_party_worker_resume: resumes a suspended worker to the state it
// was suspended from.
func (c *Context) PartyWorkerResume(workerID int64) error {
	h, err := c.handle()
	if err != nil {
		return err
	}
	var e *C.fw_error
	rc := C.fw_party_worker_resume(h, C.fw_id(workerID), &e)
	runtime.KeepAlive(c)
	return check(rc, e)
}

// PartyWorkerClose binds fw_party_worker_close: closes a worker (R-6.b). Every cancellation
// check registered by higher modules must pass (nothing payable, no open work); the first that
// fails is returned naming what blocks. Personal data stays until fw_party_worker_erase().
// Errors: ErrNotFound; ErrState when already closed; ErrDenied from a check; ErrPerm.
func (c *Context) PartyWorkerClose(workerID int64) error {
	h, err := c.handle()
	if err != nil {
		return err
	}
	var e *C.fw_error
	rc := C.fw_party_worker_close(h, C.fw_id(workerID), &e)
	runtime.KeepAlive(c)
	return check(rc, e)
}

// PartyWorkerChange binds fw_party_worker_change: changes a worker's phone or bank card:
// {"phone"?, "bank_card"?}. A new bank card clears the earlier Luhn warning or sets it again.
func (c *Context) PartyWorkerChange(workerID int64, record interface{}) error {
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
	rc := C.fw_party_worker_change(h, C.fw_id(workerID), recordText, recordLen, &e)
	runtime.KeepAlive(c)
	return check(rc, e)
}

// PartyWorkerGet binds fw_party_worker_get: A worker as JSON: id, state, state_name, channel,
// name, id_number, phone, bank_card (masked unless the actor may see personal data), gender,
// minor (at the context's time), warnings, verification {method, result, reason,
// evidence_sha256}, erased. A worker reads only their own record; an enterprise user only
// workers linked to its enterprise.
func (c *Context) PartyWorkerGet(workerID int64) ([]byte, error) {
	h, err := c.handle()
	if err != nil {
		return nil, err
	}
	var out outText
	var e *C.fw_error
	rc := C.fw_party_worker_get(h, C.fw_id(workerID), &out.p, &out.n, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	return out.take(), nil
}

// PartyWorkerErase binds fw_party_worker_erase: erases a worker's personal data
// (crypto-shredding of subject "worker:<id>") and closes the worker. Financial records stay
// whole; the record reads "erased": true. Errors: ErrNotFound; ErrPerm (admin only).
func (c *Context) PartyWorkerErase(workerID int64) error {
	h, err := c.handle()
	if err != nil {
		return err
	}
	var e *C.fw_error
	rc := C.fw_party_worker_erase(h, C.fw_id(workerID), &e)
	runtime.KeepAlive(c)
	return check(rc, e)
}

// PartyWorkerFind binds fw_party_worker_find: finds a worker by ID number through the blind
// index (no decryption). Errors: ErrNotFound; ErrInvalid for a malformed number.
func (c *Context) PartyWorkerFind(idNumber string) (int64, error) {
	h, err := c.handle()
	if err != nil {
		return 0, err
	}
	cIdNumber := cText(idNumber)
	defer free(cIdNumber)
	var out C.fw_id
	var e *C.fw_error
	rc := C.fw_party_worker_find(h, cIdNumber, &out, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return 0, err
	}
	return int64(out), nil
}

// PartyPlatformSet binds fw_party_platform_set: sets the platform's profile:
// {"operating_entity", "uscc", "licences":[{"kind","number",
// "valid_from":"YYYY-MM-DD","valid_to":"YYYY-MM-DD"}]}. Replaces the earlier profile; audited.
// Errors: ErrInvalid; ErrPerm (admin).
func (c *Context) PartyPlatformSet(record interface{}) error {
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
	rc := C.fw_party_platform_set(h, recordText, recordLen, &e)
	runtime.KeepAlive(c)
	return check(rc, e)
}

// PartyPlatformGet binds fw_party_platform_get: the platform's profile with its channel
// agreements as JSON. ErrNotFound when never set.
func (c *Context) PartyPlatformGet() ([]byte, error) {
	h, err := c.handle()
	if err != nil {
		return nil, err
	}
	var out outText
	var e *C.fw_error
	rc := C.fw_party_platform_get(h, &out.p, &out.n, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	return out.take(), nil
}

// PartyChannelAdd binds fw_party_channel_add: records a payment-channel agreement:
// {"kind":"bank"|"payment_institution", "counterparty", "agreement_no",
// "valid_from":"YYYY-MM-DD", "valid_to":"YYYY-MM-DD"}. Errors: ErrInvalid (valid_to before
// valid_from); ErrExists (agreement_no); ErrPerm.
func (c *Context) PartyChannelAdd(record interface{}) (int64, error) {
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
	rc := C.fw_party_channel_add(h, recordText, recordLen, &out, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return 0, err
	}
	return int64(out), nil
}

// PartyChannelRevoke binds fw_party_channel_revoke: revokes a channel agreement. ErrState when
// already revoked.
func (c *Context) PartyChannelRevoke(channelID int64) error {
	h, err := c.handle()
	if err != nil {
		return err
	}
	var e *C.fw_error
	rc := C.fw_party_channel_revoke(h, C.fw_id(channelID), &e)
	runtime.KeepAlive(c)
	return check(rc, e)
}

// PartyPlatformCheck binds fw_party_platform_check: checks that money may move: a
// profile is recorded and a channel agreement is in force at the context's time. Errors:
// ErrDenied with reason PLATFORM_NO_PROFILE or PLATFORM_NO_CHANNEL_AGREEMENT.
func (c *Context) PartyPlatformCheck() error {
	h, err := c.handle()
	if err != nil {
		return err
	}
	var e *C.fw_error
	rc := C.fw_party_platform_check(h, &e)
	runtime.KeepAlive(c)
	return check(rc, e)
}

// PartyStaffAdd binds fw_party_staff_add: adds a platform staff account: {"login",
// "name", "role":"admin"|"operator"|
// "reviewer"|"finance"|"tax_agent"|"auditor"|"coordinator"|"support"}. Errors: ErrInvalid;
// ErrExists (login); ErrPerm (admin).
func (c *Context) PartyStaffAdd(record interface{}) (int64, error) {
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
	rc := C.fw_party_staff_add(h, recordText, recordLen, &out, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return 0, err
	}
	return int64(out), nil
}

// PartyStaffDisable binds fw_party_staff_disable: disables a staff account. ErrState when
// already disabled.
func (c *Context) PartyStaffDisable(staffID int64) error {
	h, err := c.handle()
	if err != nil {
		return err
	}
	var e *C.fw_error
	rc := C.fw_party_staff_disable(h, C.fw_id(staffID), &e)
	runtime.KeepAlive(c)
	return check(rc, e)
}

// PartyStaffRole binds fw_party_staff_role: the Role* of an enabled staff account, for the
// host to pass to fw_ctx_set_actor(). Errors: ErrNotFound (unknown or disabled login).
func (c *Context) PartyStaffRole(login string) (uint32, error) {
	h, err := c.handle()
	if err != nil {
		return 0, err
	}
	cLogin := cText(login)
	defer free(cLogin)
	var out C.uint32_t
	var e *C.fw_error
	rc := C.fw_party_staff_role(h, cLogin, &out, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return 0, err
	}
	return uint32(out), nil
}
