package flexwork

/*
#include <stdlib.h>
#include <flexwork.h>
*/
import "C"

import (
	"encoding/json"
	"fmt"
	"runtime"
	"unsafe"
)

// Checkpoint is a signed head of the audit chain (hex strings).
type Checkpoint struct {
	Seq       int64  `json:"seq"`
	Hash      string `json:"hash"`
	AtMs      int64  `json:"at_ms"`
	PublicKey string `json:"public_key"`
	Signature string `json:"signature"`
}

// AuditVerify walks the whole audit chain (R-3.3.j). It returns 0 and nil when every link
// verifies; when a record was changed behind the library's back it returns that record's
// sequence number and an ErrCorrupt error. ErrPerm when the actor may not read the log.
func (c *Context) AuditVerify() (firstBad int64, err error) {
	h, err := c.handle()
	if err != nil {
		return 0, err
	}
	var bad C.int64_t
	var e *C.fw_error
	rc := C.fw_audit_verify(h, &bad, &e)
	runtime.KeepAlive(c)
	return int64(bad), check(rc, e)
}

// AuditCheckpoint signs the chain's head with the platform key and stores the checkpoint.
// Errors: ErrState when the log is empty; ErrPerm.
func (c *Context) AuditCheckpoint() (Checkpoint, error) {
	var cp Checkpoint
	h, err := c.handle()
	if err != nil {
		return cp, err
	}
	var out outText
	var e *C.fw_error
	rc := C.fw_audit_checkpoint(h, &out.p, &out.n, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return cp, err
	}
	err = json.Unmarshal(out.take(), &cp)
	return cp, err
}

// AuditExport exports records fromSeq..toSeq (0: through the newest checkpoint) with the
// checkpoint covering them, as JSON that AuditVerifyExport checks offline.
// Errors: ErrState when no checkpoint covers toSeq; ErrInvalid; ErrPerm.
func (c *Context) AuditExport(fromSeq, toSeq int64) ([]byte, error) {
	h, err := c.handle()
	if err != nil {
		return nil, err
	}
	var out outText
	var e *C.fw_error
	rc := C.fw_audit_export(h, C.int64_t(fromSeq), C.int64_t(toSeq), &out.p, &out.n, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	return out.take(), nil
}

// AuditPublicKey returns the platform's Ed25519 public key (32 bytes) that signs checkpoints.
func (c *Context) AuditPublicKey() ([]byte, error) {
	h, err := c.handle()
	if err != nil {
		return nil, err
	}
	var key [32]C.uint8_t
	var e *C.fw_error
	rc := C.fw_audit_public_key(h, &key[0], &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	return C.GoBytes(unsafe.Pointer(&key[0]), 32), nil
}

// AuditVerifyExport verifies an exported audit log without a store: every link, and the
// checkpoint's signature against expectedPublicKey (32 bytes; nil trusts the key inside
// the export). It returns 0 and nil when the export verifies; for a broken link, the first
// bad record and an ErrCorrupt error. ErrAuth for a bad signature or another key;
// ErrJSON / ErrInvalid for a malformed export.
func AuditVerifyExport(export []byte, expectedPublicKey []byte) (firstBad int64, err error) {
	var key *C.uint8_t
	if expectedPublicKey != nil {
		if len(expectedPublicKey) != 32 {
			return 0, &Error{Code: CodeInvalid, Path: "expected_public_key",
				Message: fmt.Sprintf("expected_public_key: must be 32 bytes, got %d", len(expectedPublicKey))}
		}
		key = (*C.uint8_t)(unsafe.Pointer(&expectedPublicKey[0]))
	}
	text, n, err := jsonIn(export)
	if err != nil {
		return 0, err
	}
	defer C.free(unsafe.Pointer(text))
	var bad C.int64_t
	var e *C.fw_error
	rc := C.fw_audit_verify_export(text, n, key, &bad, &e)
	return int64(bad), check(rc, e)
}
