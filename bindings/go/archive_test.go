package flexwork

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const archiveContract = `{"party_kind":"worker","party_id":7,"category":"contract","title":"service contract 2026-001","source":"contract","retention":"labour_contract"}`
const archiveTaxRecord = `{"party_kind":"enterprise","party_id":3,"category":"tax","title":"IIT return 2026-02","source":"tax","retention":"tax_record"}`

func cstMidnight(y int, m time.Month, d int) int64 {
	return time.Date(y, m, d, 0, 0, 0, 0, time.FixedZone("CST", 8*3600)).UnixNano() / 1e6
}

// filing, reads logged with their purpose, holds and a Go hold check, destruction.
func TestArchiveLifecycle(t *testing.T) {
	clock := &testClock{ms: clockStart}
	ctx := openAdmin(t, clock)
	a, err := ctx.ArchiveFile(archiveContract, []byte("contract text"))
	must(t, err)
	must(t, ctx.ArchiveArrange(a, nil))
	wantError(t, ctx.ArchiveArrange(a, nil), ErrState, "", "")
	_, err = ctx.ArchiveRead(a, "")
	wantError(t, err, ErrInvalid, "purpose", "")
	doc, err := ctx.ArchiveRead(a, "labour dispute 2026-17")
	must(t, err)
	if string(doc) != "contract text" {
		t.Fatalf("doc %q", doc)
	}
	log, err := ctx.ArchiveAccessLog(a)
	must(t, err)
	if string(log) != `[{"at_ms":1773540000000,"actor_role":"admin","actor_party":0,"actor_name":"admin","purpose":"labour dispute 2026-17"}]` {
		t.Fatalf("log %s", log)
	}
	list, err := ctx.ArchiveList("worker", 7)
	must(t, err)
	if m := object(t, list); num(t, m, "documents", 0, "number") != 1 || str(t, m, "documents", 0, "state") != "kept" {
		t.Fatalf("list %s", list)
	}
	classes, err := ctx.ArchiveRetentionList()
	must(t, err)
	if !strings.Contains(string(classes), `{"code":"tax_record","title":"tax books, vouchers, returns, certificates","months":120,`) {
		t.Fatalf("classes %s", classes)
	}

	tax, err := ctx.ArchiveFile(archiveTaxRecord, []byte("return"))
	must(t, err)
	out, err := ctx.ArchiveGet(tax)
	must(t, err)
	if num(t, object(t, out), "keep_until_ms") != cstMidnight(2037, 1, 1) {
		t.Fatalf("doc %s", out)
	}
	clock.ms = cstMidnight(2037, 1, 2)
	hold, err := ctx.ArchiveHoldPlace(map[string]interface{}{"party_kind": "enterprise", "party_id": 3, "doc_id": tax,
		"kind": "claim", "reason": "refund claim R-88"})
	must(t, err)
	err = ctx.ArchiveAppraise(tax, `{"decision":"destroy","opinion":"expired"}`)
	wantError(t, err, ErrDenied, "", fmt.Sprintf("document %d is held by hold %d (claim on this document): refund claim R-88", tax, hold))
	must(t, ctx.ArchiveHoldRelease(hold))

	held := "payout order 17 of enterprise 3 is not settled"
	must(t, ctx.ArchiveRegisterHoldCheck("go-payout", func(partyKind string, partyID, docID int64, category string) (string, error) {
		if partyKind == "enterprise" && partyID == 3 && category == "tax" {
			return held, nil
		}
		return "", nil
	}))
	err = ctx.ArchiveAppraise(tax, `{"decision":"destroy","opinion":"expired"}`)
	wantError(t, err, ErrDenied, "", fmt.Sprintf("document %d is held by the go-payout check: %s", tax, held))
	held = ""
	must(t, ctx.ArchiveRegisterHoldCheck("go-broken", func(string, int64, int64, string) (string, error) {
		return "", errors.New("claims system down")
	}))
	err = ctx.ArchiveAppraise(tax, `{"decision":"destroy","opinion":"expired"}`)
	wantError(t, err, ErrProvider, "", "")
	must(t, ctx.ArchiveRegisterHoldCheck("go-broken", func(string, int64, int64, string) (string, error) { return "", nil }))
	wantError(t, ctx.ArchiveRegisterHoldCheck("x", nil), ErrInvalid, "fn", "")

	must(t, ctx.ArchiveAppraise(tax, `{"decision":"destroy","opinion":"period ended, no claims"}`))
	must(t, ctx.ArchiveDestroy(tax, `{"approver":"CFO Wang","supervisor":"auditor Li"}`))
	_, err = ctx.ArchiveRead(tax, "check")
	wantError(t, err, ErrState, "", fmt.Sprintf("document %d was destroyed; see the destruction register", tax))
	reg, err := ctx.ArchiveDestructionRegister(0, 0)
	must(t, err)
	if !strings.Contains(string(reg), `"approver":"CFO Wang","supervisor":"auditor Li"`) {
		t.Fatalf("register %s", reg)
	}
}

// bundles exported and verified offline; a damaged document is detected.
func TestArchiveBundles(t *testing.T) {
	ctx := openAdmin(t, &testClock{ms: clockStart})
	_, err := ctx.ArchiveFile(archiveContract, []byte("contract text"))
	must(t, err)
	key, err := ctx.AuditPublicKey()
	must(t, err)
	dir := filepath.Join(t.TempDir(), "bundle")
	tar := filepath.Join(t.TempDir(), "bundle.tar")
	must(t, ctx.ArchiveExport("worker", 7, dir, ArchiveBundleDir, "hand-over to the worker"))
	must(t, ctx.ArchiveExport("worker", 7, tar, ArchiveBundleTar, "hand-over to the worker"))
	wantError(t, ctx.ArchiveExport("worker", 7, tar, ArchiveBundleTar, "again"), ErrExists, "path", "")
	manifest, err := ArchiveVerifyBundle(dir, key)
	must(t, err)
	if m := object(t, manifest); str(t, m, "format") != "flexwork-archive-bundle/1" || num(t, m, "party_id") != 7 {
		t.Fatalf("manifest %s", manifest)
	}
	_, err = ArchiveVerifyBundle(tar, nil)
	must(t, err)
	_, err = ArchiveVerifyBundle(tar, make([]byte, 32))
	wantError(t, err, ErrAuth, "$.public_key", "")
	_, err = ArchiveVerifyBundle(tar, key[:4])
	wantError(t, err, ErrInvalid, "expected_public_key", "expected_public_key: must be 32 bytes, got 4")
	files, _ := filepath.Glob(filepath.Join(dir, "documents", "000001-*"))
	if len(files) != 1 {
		t.Fatalf("documents %v", files)
	}
	f, err := os.OpenFile(files[0], os.O_APPEND|os.O_WRONLY, 0)
	must(t, err)
	_, err = f.WriteString("X")
	must(t, err)
	f.Close()
	_, err = ArchiveVerifyBundle(dir, key)
	if fe := wantError(t, err, ErrCorrupt, "$.documents[0]", ""); !strings.Contains(fe.Message, "was altered") {
		t.Fatalf("error %v", err)
	}
	must(t, ctx.ArchiveSetDirectory(filepath.Join(t.TempDir(), "docs")))
	must(t, ctx.ArchiveSetDirectory(""))
}

// collect files the verification record and the signed contracts, once.
func TestArchiveCollect(t *testing.T) {
	ctx := openAdmin(t, &testClock{ms: clockStart})
	p := newParties(t, ctx)
	ent := p.activeEnterprise(ent1Name, ent1USCC)
	must(t, ctx.ArchiveCollect("enterprise", ent))
	must(t, ctx.ArchiveCollect("enterprise", ent))
	list, err := ctx.ArchiveList("enterprise", ent)
	must(t, err)
	docs := object(t, list)
	if n := len(field(t, docs, "documents").([]interface{})); n != 2 ||
		str(t, docs, "documents", 0, "external_ref") != "verification" || str(t, docs, "documents", 1, "external_ref") != "contract:1" {
		t.Fatalf("archive %s", list)
	}
	signed, err := ctx.ArchiveRead(num(t, docs, "documents", 1, "id"), "evidence")
	must(t, err)
	if m := object(t, signed); str(t, m, "format") != "flexwork-signed-contract" || str(t, m, "kind") != "cooperation" {
		t.Fatalf("contract %s", signed)
	}
	wantError(t, ctx.ArchiveCollect("enterprise", 99), ErrNotFound, "", "")
}
