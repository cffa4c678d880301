package flexwork

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

func digest(t *testing.T, path string) [32]byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(data)
}

func TestOpenCreatesCoreSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "store.db")
	ctx, err := Open(path, Options{MasterKey: testKey})
	if err != nil {
		t.Fatal(err)
	}
	migrations, _ := filepath.Glob(filepath.Join(repoRoot(t), "lib", "core", "sql", "[0-9][0-9][0-9]_*.sql"))
	latest := 0
	for _, m := range migrations {
		if n, err := strconv.Atoi(filepath.Base(m)[:3]); err == nil && n > latest {
			latest = n
		}
	}
	if latest == 0 || ctx.SchemaVersion("core") != latest {
		t.Fatalf("core schema %d, migrations up to %d", ctx.SchemaVersion("core"), latest)
	}
	if v := ctx.SchemaVersion("no-such-module"); v != -1 {
		t.Fatalf("unknown module schema %d", v)
	}
	if err := ctx.Close(); err != nil {
		t.Fatal(err)
	}
	if err := ctx.Close(); err != nil { // idempotent
		t.Fatal(err)
	}
}

func TestWrongMasterKeyIsAuthAndChangesNothing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "store.db")
	ctx, err := Open(path, Options{MasterKey: testKey})
	if err != nil {
		t.Fatal(err)
	}
	ctx.Close()
	before := digest(t, path)
	_, err = Open(path, Options{MasterKey: bytes.Repeat([]byte{1}, 32)})
	wantError(t, err, ErrAuth, "opts.master_key", "opts.master_key: the master key does not match this store")
	if digest(t, path) != before {
		t.Fatal("a refused open changed the store")
	}
	ctx, err = Open(path, Options{MasterKey: testKey})
	if err != nil {
		t.Fatal(err)
	}
	ctx.Close()
}

func TestPassphraseStore(t *testing.T) {
	path := filepath.Join(t.TempDir(), "store.db")
	ctx, err := Open(path, Options{Passphrase: "correct horse"})
	if err != nil {
		t.Fatal(err)
	}
	ctx.Close()
	_, err = Open(path, Options{Passphrase: "wrong horse"})
	wantError(t, err, ErrAuth, "opts.passphrase", "opts.passphrase: the master key does not match this store")
	_, err = Open(path, Options{MasterKey: testKey})
	wantError(t, err, ErrAuth, "opts.master_key",
		"opts.master_key: this store was created with a passphrase; open it with opts.passphrase")
}

func TestBadOptionsAreInvalid(t *testing.T) {
	_, err := Open(":memory:", Options{})
	wantError(t, err, ErrInvalid, "opts.master_key",
		"opts.master_key: a 32-byte master key or a non-empty opts.passphrase is required")
	_, err = Open(":memory:", Options{MasterKey: testKey, Synchronous: 7})
	wantError(t, err, ErrInvalid, "opts.synchronous",
		"opts.synchronous: must be FW_SYNC_FULL (0) or FW_SYNC_NORMAL (1), got 7")
	_, err = Open(":memory:", Options{MasterKey: []byte("short")})
	wantError(t, err, ErrInvalid, "opts.master_key", "opts.master_key: must be 32 bytes, got 5")
	_, err = Open("", Options{MasterKey: testKey})
	wantError(t, err, ErrInvalid, "", "out and path are required")
}

func TestNoCreateOnMissingStoreIsNotFound(t *testing.T) {
	path := filepath.Join(t.TempDir(), "absent.db")
	_, err := Open(path, Options{MasterKey: testKey, NoCreate: true})
	fe := wantError(t, err, ErrNotFound, "", "")
	if !strings.HasPrefix(fe.Message, "cannot open store '"+path+"': ") {
		t.Fatalf("message %q", fe.Message)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatal("NoCreate created the store")
	}
}

func TestDirectoryAsStoreIsIO(t *testing.T) {
	dir := t.TempDir()
	_, err := Open(dir, Options{MasterKey: testKey})
	fe := wantError(t, err, ErrIO, "", "")
	if !strings.HasPrefix(fe.Message, "cannot open store '"+dir+"': ") {
		t.Fatalf("message %q", fe.Message)
	}
}

func TestNoActorIsPerm(t *testing.T) {
	ctx, err := Open(":memory:", Options{MasterKey: testKey})
	if err != nil {
		t.Fatal(err)
	}
	defer ctx.Close()
	_, err = ctx.AuditVerify()
	wantError(t, err, ErrPerm, "", "audit.verify: no actor is set on the context; call fw_ctx_set_actor() first")
}

func TestSetActor(t *testing.T) {
	ctx := openAdmin(t, nil)
	wantError(t, ctx.SetActor(12, 0, ""), ErrInvalid, "role", "role: must be one of FW_ROLE_* (1..11), got 12")
	wantError(t, ctx.SetActor(RoleWorker, 0, ""), ErrInvalid, "party_id",
		"party_id: an enterprise user or worker actor needs its party id, got 0")
	wantError(t, ctx.SetActor(RoleAdmin, 3, ""), ErrInvalid, "party_id",
		"party_id: platform roles take party_id 0, got 3")
	if err := ctx.SetActor(RoleWorker, 17, "张三"); err != nil {
		t.Fatal(err)
	}
	_, err := ctx.AuditVerify()
	if !errors.Is(err, ErrPerm) {
		t.Fatalf("a worker verified the audit log: %v", err)
	}
	if err := ctx.SetActor(RoleAuditor, 0, "auditor"); err != nil {
		t.Fatal(err)
	}
	if bad, err := ctx.AuditVerify(); bad != 0 || err != nil {
		t.Fatalf("auditor: %d %v", bad, err)
	}
}

func TestShredUnknownSubjectIsNotFound(t *testing.T) {
	ctx := openAdmin(t, nil)
	wantError(t, ctx.VaultShred("worker:17"), ErrNotFound, "subject",
		"subject: worker:17 has no personal data in the vault")
	wantError(t, ctx.VaultShred(""), ErrInvalid, "subject", "")
	if err := ctx.SetActor(RoleOperator, 0, ""); err != nil {
		t.Fatal(err)
	}
	if err := ctx.VaultShred("worker:17"); !errors.Is(err, ErrPerm) {
		t.Fatalf("operator shred: %v", err)
	}
}

func TestInjectedClock(t *testing.T) {
	clock := &testClock{ms: clockStart}
	ctx := openAdmin(t, clock)
	if ctx.Now() != clockStart {
		t.Fatalf("Now %d", ctx.Now())
	}
	clock.ms += 86400000
	if ctx.Now() != clockStart+86400000 {
		t.Fatalf("Now %d", ctx.Now())
	}
	clock.ms = -1
	if ctx.Now() != -1 {
		t.Fatalf("Now %d", ctx.Now())
	}
}

func TestClockThatPanicsFallsBackToSystemTime(t *testing.T) {
	fail := false
	ctx, err := Open(":memory:", Options{MasterKey: testKey, Clock: func() int64 {
		if fail {
			panic("clock broke")
		}
		return clockStart
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer ctx.Close()
	fail = true
	before := time.Now().UnixNano() / 1e6
	now := ctx.Now()
	if now < before || now > time.Now().UnixNano()/1e6 {
		t.Fatalf("Now %d, system %d", now, before)
	}
}

func TestHostTransactions(t *testing.T) {
	path := filepath.Join(t.TempDir(), "store.db")
	a, err := Open(path, Options{MasterKey: testKey})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := Open(path, Options{MasterKey: testKey, BusyTimeoutMs: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	wantError(t, a.Commit(), ErrState, "", "no transaction is open on this context")
	wantError(t, a.Rollback(), ErrState, "", "no transaction is open on this context")
	if err := a.Begin(); err != nil {
		t.Fatal(err)
	}
	wantError(t, a.Begin(), ErrState, "", "a transaction is already open on this context")
	// A's transaction holds the write lock: B waits 1 ms and gives up.
	if err := b.Begin(); !errors.Is(err, ErrBusy) {
		t.Fatalf("B.Begin while A writes: %v", err)
	}
	if err := a.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := b.Begin(); err != nil {
		t.Fatal(err)
	}
	if err := b.Rollback(); err != nil {
		t.Fatal(err)
	}

	err = a.Transaction(func() error {
		if err := b.Begin(); !errors.Is(err, ErrBusy) {
			t.Errorf("B.Begin inside A's transaction: %v", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Begin(); err != nil { // committed: the lock is free
		t.Fatal(err)
	}
	b.Commit()

	stop := errors.New("stop")
	if err := a.Transaction(func() error { return stop }); err != stop {
		t.Fatalf("Transaction returned %v", err)
	}
	wantError(t, a.Rollback(), ErrState, "", "") // rolled back already
	func() {
		defer func() {
			if recover() == nil {
				t.Fatal("the panic was swallowed")
			}
		}()
		_ = a.Transaction(func() error { panic("boom") })
	}()
	if err := b.Begin(); err != nil { // the panicking transaction released the lock
		t.Fatal(err)
	}
	b.Commit()
}

func TestClosedContext(t *testing.T) {
	ctx, err := Open(":memory:", Options{MasterKey: testKey})
	if err != nil {
		t.Fatal(err)
	}
	ctx.Close()
	_, errVerify := ctx.AuditVerify()
	_, errExport := ctx.AuditExport(1, 0)
	for i, err := range []error{ctx.SetActor(RoleAdmin, 0, ""), ctx.Begin(), ctx.Commit(),
		ctx.Rollback(), errVerify, errExport, ctx.VaultShred("worker:1"),
		ctx.SetPaymentProvider(&PaymentProvider{Submit: func([]byte) ([]byte, error) { return nil, nil }})} {
		if fe, ok := err.(*Error); !ok || fe.Code != CodeState || fe.Message != "the context is closed" {
			t.Errorf("call %d on a closed context: %v", i, err)
		}
	}
	if ctx.Now() != 0 || ctx.SchemaVersion("core") != -1 {
		t.Error("closed context answered")
	}
}

func TestFinalizerClosesUnreachableContext(t *testing.T) {
	path := filepath.Join(t.TempDir(), "store.db")
	func() {
		ctx, err := Open(path, Options{MasterKey: testKey, Clock: func() int64 { return clockStart }})
		if err != nil {
			t.Fatal(err)
		}
		if err := ctx.Begin(); err != nil {
			t.Fatal(err)
		}
	}()
	// The finalizer rolls the abandoned transaction back and releases the lock: until it
	// runs, opening the store (a write transaction) is refused as busy.
	var other *Context
	for i := 0; ; i++ {
		runtime.GC()
		var err error
		if other, err = Open(path, Options{MasterKey: testKey, BusyTimeoutMs: 1}); err == nil {
			break
		} else if !errors.Is(err, ErrBusy) || i == 50 {
			t.Fatalf("the unreachable context still holds the lock: %v", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	defer other.Close()
	if err := other.Begin(); err != nil {
		t.Fatal(err)
	}
	other.Rollback()
}
