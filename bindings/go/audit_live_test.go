package flexwork

import (
	"crypto/ed25519"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"

	"flexwork/internal/rawsql"
)

// Audit on a live store: records appended by the library (a vault shred is audited),
// transactions, checkpoint, export and offline verification, tampering with raw SQL
// (R-3.3.j).

type auditRecord struct {
	Seq        int64  `json:"seq"`
	AtMs       int64  `json:"at_ms"`
	ActorRole  int64  `json:"actor_role"`
	ActorParty int64  `json:"actor_party"`
	ActorName  string `json:"actor_name"`
	Action     string `json:"action"`
	EntityType string `json:"entity_type"`
	EntityID   int64  `json:"entity_id"`
	Detail     string `json:"detail"`
	Hash       string `json:"hash"`
}

type auditExport struct {
	Format     string        `json:"format"`
	PrevHash   string        `json:"prev_hash"`
	Checkpoint Checkpoint    `json:"checkpoint"`
	Records    []auditRecord `json:"records"`
}

func shredRecord(seq, at int64, subject string) auditRecord {
	return auditRecord{Seq: seq, AtMs: at, ActorRole: int64(RoleAdmin), ActorName: "admin",
		Action: "vault.shred", EntityType: "vault_key", Detail: fmt.Sprintf(`{"subject":%q}`, subject)}
}

// openLive creates a store file with vault keys for worker:17 and worker:18 and opens it as
// the admin with the given clock.
func openLive(t *testing.T, clock *testClock) (*Context, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "store.db")
	ctx, err := Open(path, Options{MasterKey: testKey})
	if err != nil {
		t.Fatal(err)
	}
	ctx.Close()
	if err := rawsql.Exec(path, fmt.Sprintf("INSERT INTO fw_vault_key(subject, wrapped, created_ms) "+
		"VALUES ('worker:17', zeroblob(72), %d), ('worker:18', zeroblob(72), %d)", clockStart, clockStart)); err != nil {
		t.Fatal(err)
	}
	ctx, err = Open(path, Options{MasterKey: testKey, Clock: clock.now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ctx.Close() })
	if err := ctx.SetActor(RoleAdmin, 0, "admin"); err != nil {
		t.Fatal(err)
	}
	return ctx, path
}

func vaultKey(t *testing.T, path, subject string) string {
	t.Helper()
	row, err := rawsql.Row(path, "SELECT wrapped IS NULL, shredded_ms FROM fw_vault_key WHERE subject='"+subject+"'")
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprint(row)
}

func TestLiveTransactionsDecideWhatIsKept(t *testing.T) {
	clock := &testClock{ms: clockStart}
	ctx, path := openLive(t, clock)
	stop := fmt.Errorf("stop")
	err := ctx.Transaction(func() error {
		if err := ctx.VaultShred("worker:17"); err != nil {
			t.Fatal(err)
		}
		return stop
	})
	if err != stop || vaultKey(t, path, "worker:17") != "[0 NULL]" {
		t.Fatalf("rolled back transaction: %v, key %s", err, vaultKey(t, path, "worker:17"))
	}
	if _, err := ctx.AuditCheckpoint(); !isCode(err, CodeState) {
		t.Fatalf("the log should be empty: %v", err)
	}
	clock.ms = clockStart + 1000
	if err := ctx.Transaction(func() error { return ctx.VaultShred("worker:17") }); err != nil {
		t.Fatal(err)
	}
	if got := vaultKey(t, path, "worker:17"); got != fmt.Sprintf("[1 %d]", clockStart+1000) {
		t.Fatalf("key after shred %s", got)
	}
}

func isCode(err error, code int) bool {
	fe, ok := err.(*Error)
	return ok && fe.Code == code
}

// checkpointMessage is what a checkpoint's Ed25519 signature covers (lib/core/audit.c):
// the context string, then seq, hash and time, integers big-endian. Go's standard library
// has Ed25519, so the test checks the library's signature independently.
func checkpointMessage(seq int64, hash []byte, at int64) []byte {
	msg := []byte("flexwork-audit-checkpoint-v1")
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(seq))
	msg = append(msg, b[:]...)
	msg = append(msg, hash...)
	binary.BigEndian.PutUint64(b[:], uint64(at))
	return append(msg, b[:]...)
}

func TestLiveCheckpointExportVerify(t *testing.T) {
	clock := &testClock{ms: clockStart}
	ctx, _ := openLive(t, clock)
	for i, subject := range []string{"worker:17", "worker:18", "worker:17"} {
		clock.ms = clockStart + int64(i+1)*1000
		if err := ctx.VaultShred(subject); err != nil {
			t.Fatal(err)
		}
	}
	clock.ms = clockStart + 4000
	cp, err := ctx.AuditCheckpoint()
	if err != nil {
		t.Fatal(err)
	}
	key, _ := ctx.AuditPublicKey()
	if cp.Seq != 3 || cp.AtMs != clockStart+4000 || cp.PublicKey != hex.EncodeToString(key) ||
		len(cp.Hash) != 64 || len(cp.Signature) != 128 {
		t.Fatalf("checkpoint %+v", cp)
	}
	hash, _ := hex.DecodeString(cp.Hash)
	sig, _ := hex.DecodeString(cp.Signature)
	if !ed25519.Verify(ed25519.PublicKey(key), checkpointMessage(cp.Seq, hash, cp.AtMs), sig) {
		t.Fatal("the checkpoint's signature does not verify with Go's ed25519")
	}

	text, err := ctx.AuditExport(1, 0)
	if err != nil {
		t.Fatal(err)
	}
	var doc auditExport
	if err := json.Unmarshal(text, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Format != "flexwork-audit-1" || doc.PrevHash != hex.EncodeToString(make([]byte, 32)) ||
		doc.Checkpoint != cp || len(doc.Records) != 3 {
		t.Fatalf("export %+v", doc)
	}
	for i, r := range doc.Records {
		want := shredRecord(int64(i+1), clockStart+int64(i+1)*1000, []string{"worker:17", "worker:18", "worker:17"}[i])
		want.Hash = r.Hash
		if r != want || len(r.Hash) != 64 {
			t.Errorf("record %d: %+v, want %+v", i+1, r, want)
		}
	}
	if doc.Records[2].Hash != cp.Hash {
		t.Fatal("the checkpoint does not sign the last record")
	}
	if bad, err := AuditVerifyExport(text, key); bad != 0 || err != nil {
		t.Fatalf("verify export: %d %v", bad, err)
	}
	tail, err := ctx.AuditExport(2, 3)
	if err != nil {
		t.Fatal(err)
	}
	var tdoc auditExport
	if err := json.Unmarshal(tail, &tdoc); err != nil {
		t.Fatal(err)
	}
	if tdoc.PrevHash != doc.Records[0].Hash || len(tdoc.Records) != 2 {
		t.Fatalf("tail export %+v", tdoc)
	}
	if _, err := AuditVerifyExport(tail, key); err != nil {
		t.Fatal(err)
	}
	_, err = ctx.AuditExport(4, 0)
	wantError(t, err, ErrInvalid, "from_seq", "from_seq: must be at most 3, the checkpoint's record")
}

func TestLiveTamperingIsDetected(t *testing.T) {
	ctx, path := openLive(t, &testClock{ms: clockStart})
	if err := ctx.VaultShred("worker:17"); err != nil {
		t.Fatal(err)
	}
	if err := ctx.VaultShred("worker:18"); err != nil {
		t.Fatal(err)
	}
	if bad, err := ctx.AuditVerify(); bad != 0 || err != nil {
		t.Fatalf("verify: %d %v", bad, err)
	}
	if err := rawsql.Exec(path, `DROP TRIGGER fw_audit_no_update;
		UPDATE fw_audit SET detail='{"subject":"worker:99"}' WHERE seq=2`); err != nil {
		t.Fatal(err)
	}
	bad, err := ctx.AuditVerify()
	wantError(t, err, ErrCorrupt, "",
		"audit record 2 does not verify: it or its link to record 1 was changed outside the library")
	if bad != 2 {
		t.Fatalf("first bad %d", bad)
	}
	if _, err := ctx.AuditCheckpoint(); !isCode(err, CodeCorrupt) {
		t.Fatalf("checkpoint over a broken chain: %v", err)
	}
}
