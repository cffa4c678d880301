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

// Constants of include/flexwork/contract.h. Values are pinned.
const (
	ContractCooperation      = C.FW_CONTRACT_COOPERATION
	ContractService          = C.FW_CONTRACT_SERVICE
	ContractTaxAuthorisation = C.FW_CONTRACT_TAX_AUTHORISATION
	ContractDraft            = C.FW_CONTRACT_DRAFT
	ContractSent             = C.FW_CONTRACT_SENT
	ContractPartiallySigned  = C.FW_CONTRACT_PARTIALLY_SIGNED
	ContractSigned           = C.FW_CONTRACT_SIGNED
	ContractTerminated       = C.FW_CONTRACT_TERMINATED
	ContractExpired          = C.FW_CONTRACT_EXPIRED
	ContractSuperseded       = C.FW_CONTRACT_SUPERSEDED
	TaxregPending            = C.FW_TAXREG_PENDING
	TaxregRegistered         = C.FW_TAXREG_REGISTERED
	TaxregRejected           = C.FW_TAXREG_REJECTED
)

// Contract is a snapshot of one contract as loaded (fw_contract): its id, kind, state,
// document and evidence. It does not borrow the Context. Close frees it; a finalizer frees one
// that becomes unreachable. After Close the accessors return zero values and ToJSON ErrState.
type Contract struct {
	p *C.fw_contract
}

func newContract(p *C.fw_contract) *Contract {
	x := &Contract{p: p}
	runtime.SetFinalizer(x, (*Contract).Close)
	return x
}

// Close frees the contract (fw_contract_free). It is idempotent and returns nil.
func (x *Contract) Close() error {
	if x.p != nil {
		C.fw_contract_free(x.p)
		x.p = nil
		runtime.SetFinalizer(x, nil)
	}
	return nil
}

func (x *Contract) handle() (*C.fw_contract, error) {
	if x == nil || x.p == nil {
		return nil, &Error{Code: CodeState, Message: "the contract is closed"}
	}
	return x.p, nil
}

// ContractCreate binds fw_contract_create: creates a contract (state draft) from a template
// and the parties' current records, rendering its document. The record is {"template_id",
// "enterprise_id"?, "worker_id"?, "values"?, "expires"?, "supersedes"?} (see
// docs/api/contract.md). Errors: ErrInvalid naming the field; ErrNotFound; ErrDenied when a
// party may not contract yet (the message starts with the reason code, e.g.
// "ENTERPRISE_NOT_VERIFIED: "); ErrPerm.
func (c *Context) ContractCreate(record interface{}) (*Contract, error) {
	h, err := c.handle()
	if err != nil {
		return nil, err
	}
	recordText, recordLen, err := jsonIn(record)
	if err != nil {
		return nil, err
	}
	defer C.free(unsafe.Pointer(recordText))
	var p *C.fw_contract
	var e *C.fw_error
	rc := C.fw_contract_create(&p, h, recordText, recordLen, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	return newContract(p), nil
}

// ContractLoad binds fw_contract_load: loads a contract. Errors: ErrNotFound; ErrPerm (a party
// reads only its own contracts).
func (c *Context) ContractLoad(contractID int64) (*Contract, error) {
	h, err := c.handle()
	if err != nil {
		return nil, err
	}
	var p *C.fw_contract
	var e *C.fw_error
	rc := C.fw_contract_load(&p, h, C.fw_id(contractID), &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	return newContract(p), nil
}

// ID binds fw_contract_id: the contract's id (0 once closed).
func (x *Contract) ID() int64 {
	h, err := x.handle()
	if err != nil {
		return 0
	}
	v := int64(C.fw_contract_id(h))
	runtime.KeepAlive(x)
	return v
}

// State binds fw_contract_state: the Contract* state at load time (0 once closed).
func (x *Contract) State() uint32 {
	h, err := x.handle()
	if err != nil {
		return 0
	}
	v := uint32(C.fw_contract_state(h))
	runtime.KeepAlive(x)
	return v
}

// Kind binds fw_contract_kind: the Contract* kind (0 once closed).
func (x *Contract) Kind() uint32 {
	h, err := x.handle()
	if err != nil {
		return 0
	}
	v := uint32(C.fw_contract_kind(h))
	runtime.KeepAlive(x)
	return v
}

// Hash binds fw_contract_hash: the SHA-256 of the canonical document bytes (nil once closed).
func (x *Contract) Hash() []byte {
	h, err := x.handle()
	if err != nil {
		return nil
	}
	var out [32]C.uint8_t
	C.fw_contract_hash(h, &out[0])
	runtime.KeepAlive(x)
	return C.GoBytes(unsafe.Pointer(&out[0]), 32)
}

// Document binds fw_contract_document: a copy of the canonical document bytes (UTF-8 text);
// nil when the caller may not read it, and once closed.
func (x *Contract) Document() []byte {
	h, err := x.handle()
	if err != nil {
		return nil
	}
	var doc *C.char
	var n C.size_t
	C.fw_contract_document(h, &doc, &n)
	var out []byte
	if doc != nil {
		out = C.GoBytes(unsafe.Pointer(doc), C.int(n))
	}
	runtime.KeepAlive(x)
	return out
}

// ContractTemplateAdd binds fw_contract_template_add: adds a template version. Errors:
// ErrInvalid (an undeclared placeholder in the body names it); ErrExists for a (kind, name,
// version) already present; ErrPerm.
func (c *Context) ContractTemplateAdd(record interface{}) (int64, error) {
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
	rc := C.fw_contract_template_add(h, recordText, recordLen, &out, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return 0, err
	}
	return int64(out), nil
}

// ContractTemplateGet binds fw_contract_template_get: A template as JSON: id, kind, name,
// version, body, placeholders, sha256 (of the body).
func (c *Context) ContractTemplateGet(templateID int64) ([]byte, error) {
	h, err := c.handle()
	if err != nil {
		return nil, err
	}
	var out outText
	var e *C.fw_error
	rc := C.fw_contract_template_get(h, C.fw_id(templateID), &out.p, &out.n, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	return out.take(), nil
}

// ToJSON binds fw_contract_to_json: the contract as JSON: id, kind, state, state_name,
// template_id, enterprise_id, worker_id, document_sha256, signers (in order, with "signed"),
// signatures (evidence records: seq, signer, public_key, signature, signed_ms, intent,
// consent_sha256, prev_sha256, auth_method, ip, user_agent, session_id, actor, minor),
// created_ms, sent_ms, effective_ms, expires_ms, ended_ms, end_reason, supersedes,
// superseded_by.
func (x *Contract) ToJSON() ([]byte, error) {
	h, err := x.handle()
	if err != nil {
		return nil, err
	}
	var out outText
	var e *C.fw_error
	rc := C.fw_contract_to_json(h, &out.p, &out.n, &e)
	runtime.KeepAlive(x)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	return out.take(), nil
}

// ContractSend binds fw_contract_send: sends a draft to its parties for signing (draft ->
// sent). ErrState unless a draft.
func (c *Context) ContractSend(contractID int64) error {
	h, err := c.handle()
	if err != nil {
		return err
	}
	var e *C.fw_error
	rc := C.fw_contract_send(h, C.fw_id(contractID), &e)
	runtime.KeepAlive(c)
	return check(rc, e)
}

// ContractSign binds fw_contract_sign: signs as the current actor: a worker signs as themself,
// an enterprise user as its enterprise, an admin or operator as the platform. The actor must be
// the next signer. Errors: ErrInvalid; ErrNotFound; ErrPerm when the actor is not a party;
// ErrState when not sent, already signed by that party, another party must sign first, or
// expired; ErrDenied with WORKER_UNDER_16, WORKER_NOT_VERIFIED, ENTERPRISE_NOT_VERIFIED, ...
// when a party may not sign.
func (c *Context) ContractSign(contractID int64, record interface{}) (uint32, error) {
	h, err := c.handle()
	if err != nil {
		return 0, err
	}
	var recordText *C.char
	var recordLen C.size_t
	if record != nil {
		var err error
		recordText, recordLen, err = jsonIn(record)
		if err != nil {
			return 0, err
		}
		defer C.free(unsafe.Pointer(recordText))
	}
	var out C.uint32_t
	var e *C.fw_error
	rc := C.fw_contract_sign(h, C.fw_id(contractID), recordText, recordLen, &out, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return 0, err
	}
	return uint32(out), nil
}

// ContractVerify binds fw_contract_verify: verifies a contract: the document's SHA-256 against
// the stored hash, and every signature (Ed25519 over the canonical signing text, the signer's
// registered key, the chain of previous-signature hashes). The report {"valid", "document":
// "ok|altered|erased", "signatures":[{..., "ok"}]} is returned with ErrCorrupt and ErrAuth
// too; an erased document is reported, not an error. Errors: ErrCorrupt when the stored
// document was altered; ErrAuth when a signature, key or chain link fails (the message names
// the first failing part); ErrNotFound; ErrPerm.
func (c *Context) ContractVerify(contractID int64) (report []byte, err error) {
	h, err := c.handle()
	if err != nil {
		return nil, err
	}
	var out outText
	var e *C.fw_error
	rc := C.fw_contract_verify(h, C.fw_id(contractID), &out.p, &out.n, &e)
	runtime.KeepAlive(c)
	return out.take(), check(rc, e)
}

// ContractTerminate binds fw_contract_terminate: terminates a contract (reason 1..500 bytes).
// Ending a cooperation agreement in force sends the enterprise back to "verified". Errors:
// ErrInvalid; ErrNotFound; ErrState when already ended; ErrPerm.
func (c *Context) ContractTerminate(contractID int64, reason string) error {
	h, err := c.handle()
	if err != nil {
		return err
	}
	cReason := cText(reason)
	defer free(cReason)
	var e *C.fw_error
	rc := C.fw_contract_terminate(h, C.fw_id(contractID), cReason, &e)
	runtime.KeepAlive(c)
	return check(rc, e)
}

// ContractExpireDue binds fw_contract_expire_due: marks every signed contract whose expiry date
// has passed as expired (a scheduled job).
func (c *Context) ContractExpireDue() (int64, error) {
	h, err := c.handle()
	if err != nil {
		return 0, err
	}
	var out C.int64_t
	var e *C.fw_error
	rc := C.fw_contract_expire_due(h, &out, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return 0, err
	}
	return int64(out), nil
}

// ContractTaxregRequest binds fw_contract_taxreg_request: requests the tax registration of a
// worker whose tax-agency authorisation is in force, through the tax provider's
// register_taxpayer ({"worker_id","name","id_number", "jurisdiction"} ->
// {"status":"registered","registration_no","registered_on":"YYYY-MM-DD"} or
// {"status":"rejected","reason"}). Without a provider it stays pending for
// fw_contract_taxreg_complete(). Errors: ErrInvalid; ErrDenied with
// WORKER_NO_TAX_AUTHORISATION; ErrState when already registered; ErrProvider; ErrPerm.
func (c *Context) ContractTaxregRequest(workerID int64, record interface{}) (uint32, error) {
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
	rc := C.fw_contract_taxreg_request(h, C.fw_id(workerID), recordText, recordLen, &out, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return 0, err
	}
	return uint32(out), nil
}

// ContractTaxregComplete binds fw_contract_taxreg_complete: an operator completes a pending
// registration: {"status":"registered"|"rejected", "registration_no" (registered),
// "registered_on":"YYYY-MM-DD" (registered), "reason" (rejected)}. Errors: ErrInvalid;
// ErrNotFound; ErrState unless pending; ErrPerm.
func (c *Context) ContractTaxregComplete(workerID int64, record interface{}) error {
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
	rc := C.fw_contract_taxreg_complete(h, C.fw_id(workerID), recordText, recordLen, &e)
	runtime.KeepAlive(c)
	return check(rc, e)
}

// ContractTaxregGet binds fw_contract_taxreg_get: A worker's tax registration as JSON:
// worker_id, state, state_name, jurisdiction, registration_no (masked unless the actor may see
// personal data), registered_on, reason, authorisation_contract_id, requested_ms, updated_ms.
// Errors: ErrNotFound when none was requested; ErrPerm.
func (c *Context) ContractTaxregGet(workerID int64) ([]byte, error) {
	h, err := c.handle()
	if err != nil {
		return nil, err
	}
	var out outText
	var e *C.fw_error
	rc := C.fw_contract_taxreg_get(h, C.fw_id(workerID), &out.p, &out.n, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	return out.take(), nil
}
