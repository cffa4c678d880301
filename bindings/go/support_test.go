package flexwork

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
)

// The master key of every test store (the C and Python tests use the same one).
var testKey = []byte("libflexwork-test-master-key-0001")

// 2026-03-15 10:00:00 CST, the C tests' clock start.
const clockStart int64 = 1773540000000

// repoRoot is the source checkout this package lives in.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// cDefines returns the integer #defines of a public header whose names start with prefix.
func cDefines(t *testing.T, header, prefix string) map[string]int {
	t.Helper()
	text, err := os.ReadFile(filepath.Join(repoRoot(t), "include", "flexwork", header))
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`(?m)^#define (` + prefix + `\w*)\s+(-?\d+)\b`)
	out := map[string]int{}
	for _, m := range re.FindAllStringSubmatch(string(text), -1) {
		v, err := strconv.Atoi(m[2])
		if err != nil {
			t.Fatal(err)
		}
		out[m[1]] = v
	}
	return out
}

// readVector loads tests/vectors/<name> (FW_TEST_VECTORS names the directory).
func readVector(t *testing.T, name string, v interface{}) {
	t.Helper()
	dir := os.Getenv("FW_TEST_VECTORS")
	if dir == "" {
		dir = filepath.Join(repoRoot(t), "tests", "vectors")
	}
	data, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatal(err)
	}
}

// testClock is an injectable clock the test moves by hand.
type testClock struct{ ms int64 }

func (c *testClock) now() int64 { return c.ms }

// openAdmin opens an in-memory store acting as the platform admin; closed at cleanup.
func openAdmin(t *testing.T, clock *testClock) *Context {
	t.Helper()
	opts := Options{MasterKey: testKey, Synchronous: SyncNormal}
	if clock != nil {
		opts.Clock = clock.now
	}
	ctx, err := Open(":memory:", opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { ctx.Close() })
	if err := ctx.SetActor(RoleAdmin, 0, "admin"); err != nil {
		t.Fatalf("SetActor: %v", err)
	}
	return ctx
}

// wantError checks that err is an *Error with the code, path and message given.
func wantError(t *testing.T, err error, sentinel *Error, path, message string) *Error {
	t.Helper()
	var fe *Error
	if !errors.As(err, &fe) {
		t.Fatalf("want *Error %s, got %v", Strerror(sentinel.Code), err)
	}
	if !errors.Is(err, sentinel) || fe.Code != sentinel.Code {
		t.Fatalf("want code %d (%s), got %#v", sentinel.Code, Strerror(sentinel.Code), fe)
	}
	if fe.Path != path {
		t.Errorf("path: want %q, got %q", path, fe.Path)
	}
	if message != "" && fe.Message != message {
		t.Errorf("message: want %q, got %q", message, fe.Message)
	}
	return fe
}
