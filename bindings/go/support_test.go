package flexwork

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"
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

// cstNoon is 12:00 China Standard Time (UTC+8) of a "YYYY-MM-DD" date, in ms since the epoch.
func cstNoon(t *testing.T, date string) int64 {
	t.Helper()
	d, err := time.Parse("2006-01-02", date)
	if err != nil {
		t.Fatal(err)
	}
	return d.Add(4*time.Hour).UnixNano() / 1e6
}

// decode parses JSON output, numbers as json.Number so that fen compare exactly.
func decode(t *testing.T, data []byte) interface{} {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v interface{}
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("decode %s: %v", data, err)
	}
	return v
}

// object parses a JSON object output.
func object(t *testing.T, data []byte) map[string]interface{} {
	t.Helper()
	m, ok := decode(t, data).(map[string]interface{})
	if !ok {
		t.Fatalf("not a JSON object: %s", data)
	}
	return m
}

// field walks a decoded JSON value by object keys and array indexes ("lines", 0, "iit_fen").
func field(t *testing.T, v interface{}, path ...interface{}) interface{} {
	t.Helper()
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]interface{})
			if !ok {
				t.Fatalf("field %q of a non-object %v", k, v)
			}
			if v, ok = m[k]; !ok {
				t.Fatalf("no field %q in %v", k, m)
			}
		case int:
			a, ok := v.([]interface{})
			if !ok || k >= len(a) {
				t.Fatalf("no element %d in %v", k, v)
			}
			v = a[k]
		}
	}
	return v
}

// num is a decoded JSON integer.
func num(t *testing.T, v interface{}, path ...interface{}) int64 {
	t.Helper()
	v = field(t, v, path...)
	n, ok := v.(json.Number)
	if !ok {
		t.Fatalf("not a number: %#v", v)
	}
	i, err := n.Int64()
	if err != nil {
		t.Fatal(err)
	}
	return i
}

// str is a decoded JSON string.
func str(t *testing.T, v interface{}, path ...interface{}) string {
	t.Helper()
	v = field(t, v, path...)
	s, ok := v.(string)
	if !ok {
		t.Fatalf("not a string: %#v", v)
	}
	return s
}

// must fails the test on an error.
func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
