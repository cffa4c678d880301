package flexwork

/*
#include "bridge.h"
*/
import "C"

import (
	"fmt"
	"runtime"
	"runtime/cgo"
	"unsafe"
)

// Constants of include/flexwork/archive.h. Values are pinned.
const (
	ArchiveReceived  = C.FW_ARCHIVE_RECEIVED
	ArchiveKept      = C.FW_ARCHIVE_KEPT
	ArchiveAppraised = C.FW_ARCHIVE_APPRAISED
	ArchiveDestroyed = C.FW_ARCHIVE_DESTROYED
	ArchiveBundleDir = C.FW_ARCHIVE_BUNDLE_DIR
	ArchiveBundleTar = C.FW_ARCHIVE_BUNDLE_TAR
)

// ArchiveCollect binds fw_archive_collect: files into a party's archive every document the
// other modules hold for it and the archive does not hold yet (R-7.11 automatic filing): the
// party's verification record; for an enterprise its signed cooperation agreements; for a
// worker its signed service agreements and tax-agency authorisations (sealed under the worker's
// vault key) and its tax certificates. Contracts are filed once signed (also after they ended),
// as JSON
// {"format":"flexwork-signed-contract","version":1,"id","kind","template_id","enterprise_id",
// "worker_id","document_sha256","signers","signatures","document"}. A document whose content
// (BLAKE2b-256) is already in the party's archive, in any state, is not filed again, so the
// call may be repeated at will (after each signing, certificate or verification, or on a
// schedule). Filed documents are RECEIVED, with external_ref "contract:<id>",
// "tax_certificate:<id>" or "verification". One audit record "archive.collect" gives the number
// filed. Errors: ErrInvalid (party_kind, party_id); ErrNotFound for an unknown party; ErrState
// when the party's personal information is blocked or purged and a personal document is due;
// ErrIO; ErrPerm (admin, operator, system; the actor also reads the contracts and
// certificates). On failure nothing is filed.
func (c *Context) ArchiveCollect(partyKind string, partyID int64) error {
	h, err := c.handle()
	if err != nil {
		return err
	}
	cPartyKind := cText(partyKind)
	defer free(cPartyKind)
	var e *C.fw_error
	rc := C.fw_archive_collect(h, cPartyKind, C.fw_id(partyID), &e)
	runtime.KeepAlive(c)
	return check(rc, e)
}

// ArchiveSetDirectory binds fw_archive_set_directory: names the directory where documents filed
// from now on are kept (created if missing), or with "" keeps them in the store. Documents
// already filed stay where they are. Errors: ErrInvalid for an empty or over-long path; ErrIO
// when the directory cannot be created; ErrPerm (admin only).
func (c *Context) ArchiveSetDirectory(path string) error {
	h, err := c.handle()
	if err != nil {
		return err
	}
	cPath := cOptText(path)
	defer free(cPath)
	var e *C.fw_error
	rc := C.fw_archive_set_directory(h, cPath, &e)
	runtime.KeepAlive(c)
	return check(rc, e)
}

// ArchiveFile binds fw_archive_file: receives a document into its party's archive (creating the
// archive on first use). Errors: ErrInvalid naming the field; ErrLimit above
// ArchiveMaxContent; ErrNotFound ($.retention) for an unknown class; ErrState when the
// party's personal information is blocked and the document is personal; ErrIO when the
// directory cannot be written; ErrPerm. On failure nothing is stored.
func (c *Context) ArchiveFile(record interface{}, content []byte) (int64, error) {
	h, err := c.handle()
	if err != nil {
		return 0, err
	}
	recordText, recordLen, err := jsonIn(record)
	if err != nil {
		return 0, err
	}
	defer C.free(unsafe.Pointer(recordText))
	cContent := (*C.uint8_t)(C.CBytes(content))
	defer C.free(unsafe.Pointer(cContent))
	var out C.fw_id
	var e *C.fw_error
	rc := C.fw_archive_file(h, recordText, recordLen, cContent, C.size_t(len(content)), &out, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return 0, err
	}
	return int64(out), nil
}

// ArchiveArrange binds fw_archive_arrange: arranges a received document: classifies it
// (optionally changing category and title) and gives it the next number within its archive.
// RECEIVED -> KEPT. Errors: ErrNotFound; ErrState when not RECEIVED; ErrInvalid; ErrPerm.
func (c *Context) ArchiveArrange(docID int64, record interface{}) error {
	h, err := c.handle()
	if err != nil {
		return err
	}
	var recordText *C.char
	var recordLen C.size_t
	if record != nil {
		var err error
		recordText, recordLen, err = jsonIn(record)
		if err != nil {
			return err
		}
		defer C.free(unsafe.Pointer(recordText))
	}
	var e *C.fw_error
	rc := C.fw_archive_arrange(h, C.fw_id(docID), recordText, recordLen, &e)
	runtime.KeepAlive(c)
	return check(rc, e)
}

// ArchiveRead binds fw_archive_read: uses (reads) a document. The read is logged with the actor
// and the purpose. Errors: ErrInvalid for a missing purpose; ErrNotFound; ErrState when
// destroyed, or personal and blocked (the message says until when); ErrShredded when purged;
// ErrCorrupt when the content no longer matches its hash; ErrPerm for another party's archive.
// Nothing is logged on failure.
func (c *Context) ArchiveRead(docID int64, purpose string) ([]byte, error) {
	h, err := c.handle()
	if err != nil {
		return nil, err
	}
	cPurpose := cText(purpose)
	defer free(cPurpose)
	var out outText
	var e *C.fw_error
	rc := C.fw_archive_read(h, C.fw_id(docID), cPurpose, (**C.uint8_t)(unsafe.Pointer(&out.p)), &out.n, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	return out.take(), nil
}

// ArchiveGet binds fw_archive_get: the catalogue entry of one document:
// {"id","party_kind","party_id","number","state",
// "category","title","source","retention","received_ms","keep_until_ms" (0 = permanent),
// "personal","hash","size","storage":"store"|"directory","external_ref",
// "appraisal","destroyed_ms"}. Errors: ErrNotFound; ErrPerm.
func (c *Context) ArchiveGet(docID int64) ([]byte, error) {
	h, err := c.handle()
	if err != nil {
		return nil, err
	}
	var out outText
	var e *C.fw_error
	rc := C.fw_archive_get(h, C.fw_id(docID), &out.p, &out.n, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	return out.take(), nil
}

// ArchiveList binds fw_archive_list: the catalogue of a party's archive:
// {"party_kind","party_id","pi_blocked":bool, "pi_until_ms","documents":[entries as
// fw_archive_get, in number order]}. Errors: ErrInvalid; ErrPerm.
func (c *Context) ArchiveList(partyKind string, partyID int64) ([]byte, error) {
	h, err := c.handle()
	if err != nil {
		return nil, err
	}
	cPartyKind := cText(partyKind)
	defer free(cPartyKind)
	var out outText
	var e *C.fw_error
	rc := C.fw_archive_list(h, cPartyKind, C.fw_id(partyID), &out.p, &out.n, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	return out.take(), nil
}

// ArchiveAccessLog binds fw_archive_access_log: the read log of one document:
// [{"at_ms","actor_role","actor_party","actor_name","purpose"}]. Errors: ErrNotFound; ErrPerm
// (platform staff and auditors).
func (c *Context) ArchiveAccessLog(docID int64) ([]byte, error) {
	h, err := c.handle()
	if err != nil {
		return nil, err
	}
	var out outText
	var e *C.fw_error
	rc := C.fw_archive_access_log(h, C.fw_id(docID), &out.p, &out.n, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	return out.take(), nil
}

// ArchiveRetentionSet binds fw_archive_retention_set: adds or changes a retention class.
// Errors: ErrInvalid; ErrPerm (admin).
func (c *Context) ArchiveRetentionSet(record interface{}) error {
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
	rc := C.fw_archive_retention_set(h, recordText, recordLen, &e)
	runtime.KeepAlive(c)
	return check(rc, e)
}

// ArchiveRetentionList binds fw_archive_retention_list: the retention classes:
// [{"code","title","months","basis"}]. Errors: ErrPerm.
func (c *Context) ArchiveRetentionList() ([]byte, error) {
	h, err := c.handle()
	if err != nil {
		return nil, err
	}
	var out outText
	var e *C.fw_error
	rc := C.fw_archive_retention_list(h, &out.p, &out.n, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	return out.take(), nil
}

// ArchiveHoldPlace binds fw_archive_hold_place: places a hold on a party's archive or on one
// document. Errors: ErrInvalid; ErrNotFound for an unknown archive or document; ErrPerm.
func (c *Context) ArchiveHoldPlace(record interface{}) (int64, error) {
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
	rc := C.fw_archive_hold_place(h, recordText, recordLen, &out, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return 0, err
	}
	return int64(out), nil
}

// ArchiveHoldRelease binds fw_archive_hold_release: releases a hold. Errors: ErrNotFound;
// ErrState when already released; ErrPerm.
func (c *Context) ArchiveHoldRelease(holdID int64) error {
	h, err := c.handle()
	if err != nil {
		return err
	}
	var e *C.fw_error
	rc := C.fw_archive_hold_release(h, C.fw_id(holdID), &e)
	runtime.KeepAlive(c)
	return check(rc, e)
}

// ArchiveAppraise binds fw_archive_appraise: appraises a document whose retention period has
// ended. Errors: ErrState when its period has not ended, it is permanent, or it is not
// RECEIVED/KEPT; ErrDenied when a hold applies (the message names it); ErrInvalid; ErrNotFound;
// ErrPerm.
func (c *Context) ArchiveAppraise(docID int64, record interface{}) error {
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
	rc := C.fw_archive_appraise(h, C.fw_id(docID), recordText, recordLen, &e)
	runtime.KeepAlive(c)
	return check(rc, e)
}

// ArchiveDestroy binds fw_archive_destroy: destroys an APPRAISED document: erases its content
// (from the store, or its file once no other document shares it) and writes the destruction
// register entry. Errors: ErrState when not APPRAISED; ErrDenied when a hold was placed since;
// ErrInvalid; ErrNotFound; ErrPerm (admin). A file in the host's directory is removed as the
// call's last step, so a host transaction rolled back later cannot restore it.
func (c *Context) ArchiveDestroy(docID int64, record interface{}) error {
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
	rc := C.fw_archive_destroy(h, C.fw_id(docID), recordText, recordLen, &e)
	runtime.KeepAlive(c)
	return check(rc, e)
}

// ArchiveDestructionRegister binds fw_archive_destruction_register: the destruction register,
// destroyed in [from_ms, to_ms) (0, 0 = all):
// [{"id","doc_id","party_kind","party_id","number","category","title","retention","hash",
// "size","appraisal","approver","supervisor","destroyed_ms","actor_name"}]. Errors: ErrPerm.
func (c *Context) ArchiveDestructionRegister(fromMs int64, toMs int64) ([]byte, error) {
	h, err := c.handle()
	if err != nil {
		return nil, err
	}
	var out outText
	var e *C.fw_error
	rc := C.fw_archive_destruction_register(h, C.int64_t(fromMs), C.int64_t(toMs), &out.p, &out.n, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	return out.take(), nil
}

// ArchivePIBlock binds fw_archive_pi_block: blocks a party's personal information whose purpose
// has ended (PIPL art. 47): personal documents refuse every use but storage until the legal
// period ends. Errors: ErrInvalid; ErrNotFound when the party has no archive; ErrState when
// already purged; ErrPerm.
func (c *Context) ArchivePIBlock(partyKind string, partyID int64, record interface{}) error {
	h, err := c.handle()
	if err != nil {
		return err
	}
	cPartyKind := cText(partyKind)
	defer free(cPartyKind)
	recordText, recordLen, err := jsonIn(record)
	if err != nil {
		return err
	}
	defer C.free(unsafe.Pointer(recordText))
	var e *C.fw_error
	rc := C.fw_archive_pi_block(h, cPartyKind, C.fw_id(partyID), recordText, recordLen, &e)
	runtime.KeepAlive(c)
	return check(rc, e)
}

// ArchivePIPurge binds fw_archive_pi_purge: purges a blocked party's personal information once
// its legal period has ended, by crypto-shredding the party's vault key ("worker:<id>" /
// "enterprise:<id>"). Personal documents then read as ErrShredded; their catalogue entries
// remain. Errors: ErrState when not blocked, or the period has not ended (the message gives the
// date); ErrNotFound; ErrPerm (admin).
func (c *Context) ArchivePIPurge(partyKind string, partyID int64) error {
	h, err := c.handle()
	if err != nil {
		return err
	}
	cPartyKind := cText(partyKind)
	defer free(cPartyKind)
	var e *C.fw_error
	rc := C.fw_archive_pi_purge(h, cPartyKind, C.fw_id(partyID), &e)
	runtime.KeepAlive(c)
	return check(rc, e)
}

// ArchiveStats binds fw_archive_stats: statistics of one CST period: a month "2026-03", a
// quarter "2026-Q1" or a year "2026":
// {"period","received":{"total","by_category":{},"by_party_kind":{}},"used":{...},
// "destroyed":{...}}. "used" counts logged reads (exports included). Errors: ErrInvalid for a
// bad period; ErrPerm.
func (c *Context) ArchiveStats(period string) ([]byte, error) {
	h, err := c.handle()
	if err != nil {
		return nil, err
	}
	cPeriod := cText(period)
	defer free(cPeriod)
	var out outText
	var e *C.fw_error
	rc := C.fw_archive_stats(h, cPeriod, &out.p, &out.n, &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	return out.take(), nil
}

// ArchiveExport binds fw_archive_export: exports a party's archive (documents not destroyed) as
// a bundle at path, which must not exist: documents/NNNNNN-<hash>.bin, manifest.json and
// manifest.sig (hex Ed25519 signature of manifest.json by the platform key). The export is a
// use: each document's read is logged with the purpose. Personal documents of a blocked party
// are refused. Errors: ErrInvalid; ErrExists when path exists; ErrNotFound when the party has
// no archive; ErrState / ErrShredded as fw_archive_read(); ErrIO; ErrPerm. On failure nothing
// is logged and a partly written bundle is removed.
func (c *Context) ArchiveExport(partyKind string, partyID int64, path string, format uint32, purpose string) error {
	h, err := c.handle()
	if err != nil {
		return err
	}
	cPartyKind := cText(partyKind)
	defer free(cPartyKind)
	cPath := cText(path)
	defer free(cPath)
	cPurpose := cText(purpose)
	defer free(cPurpose)
	var e *C.fw_error
	rc := C.fw_archive_export(h, cPartyKind, C.fw_id(partyID), cPath, C.uint32_t(format), cPurpose, &e)
	runtime.KeepAlive(c)
	return check(rc, e)
}

// ArchiveVerifyBundle binds fw_archive_verify_bundle: verifies an exported bundle (a
// directory or ustar file) offline: the manifest's Ed25519 signature against
// expectedPublicKey (32 bytes; nil trusts the key inside the manifest), and every document's
// size and BLAKE2b-256 hash; no document missing and none added. It returns the manifest.
// Errors: ErrAuth for a bad signature or another key; ErrCorrupt for a missing, added or
// altered document; ErrInvalid / ErrJSON for a malformed bundle; ErrIO / ErrNotFound when it
// cannot be read.
func ArchiveVerifyBundle(path string, expectedPublicKey []byte) ([]byte, error) {
	var key *C.uint8_t
	if expectedPublicKey != nil {
		if len(expectedPublicKey) != 32 {
			return nil, &Error{Code: CodeInvalid, Path: "expected_public_key",
				Message: fmt.Sprintf("expected_public_key: must be 32 bytes, got %d", len(expectedPublicKey))}
		}
		key = (*C.uint8_t)(C.CBytes(expectedPublicKey))
		defer C.free(unsafe.Pointer(key))
	}
	cPath := cText(path)
	defer free(cPath)
	var out outText
	var e *C.fw_error
	rc := C.fw_archive_verify_bundle(cPath, key, &out.p, &out.n, &e)
	if err := check(rc, e); err != nil {
		return nil, err
	}
	return out.take(), nil
}

// HoldCheck says whether something still attached to a party or document (an open claim, an
// unsettled amount) forbids destroying it: "" lets the document go; a text holds it ("payout
// order 17 is not settled"); an *Error fails the appraisal or destruction with its code, any
// other error (or a panic) with ErrProvider. It runs inside the library's transaction and must
// not call back into the Context.
type HoldCheck func(partyKind string, partyID, docID int64, category string) (held string, err error)

// ArchiveRegisterHoldCheck binds fw_archive_register_hold_check: registers a hold check on
// this Context (at most 16), asked before a document is appraised or destroyed; it lasts as
// long as the Context, and other contexts do not see it. Registering the same name again
// replaces it. Errors: ErrInvalid for an empty name or a nil check; ErrLimit when 16 are
// registered.
func (c *Context) ArchiveRegisterHoldCheck(name string, fn HoldCheck) error {
	h, err := c.handle()
	if err != nil {
		return err
	}
	if fn == nil {
		return &Error{Code: CodeInvalid, Path: "fn", Message: "fn: a hold check is required"}
	}
	cName := cText(name)
	defer free(cName)
	handle := cgo.NewHandle(fn)
	var e *C.fw_error
	rc := C.fwgo_archive_register_hold_check(h, cName, C.uintptr_t(handle), &e)
	runtime.KeepAlive(c)
	if err := check(rc, e); err != nil {
		handle.Delete()
		return err
	}
	key := "archive.hold_check:" + name
	if old, ok := c.providers[key]; ok {
		old.Delete()
	}
	c.providers[key] = handle // deleted when replaced or when the Context closes
	return nil
}
