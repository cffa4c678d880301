package flexwork

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// publicHeaders returns the text of every public header by its path under include/flexwork.
func publicHeaders(t *testing.T) map[string]string {
	t.Helper()
	dir := filepath.Join(repoRoot(t), "include", "flexwork")
	files, err := filepath.Glob(filepath.Join(dir, "*.h"))
	must(t, err)
	sys, err := filepath.Glob(filepath.Join(dir, "sys", "*.h"))
	must(t, err)
	out := map[string]string{}
	for _, f := range append(files, sys...) {
		data, err := os.ReadFile(f)
		must(t, err)
		rel, _ := filepath.Rel(dir, f)
		out[rel] = string(data)
	}
	return out
}

// bindingSources returns the binding's own source text: the Go files (tests excluded) and
// the C stubs.
func bindingSources(t *testing.T) string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	must(t, err)
	files = append(files, "bridge.c")
	var b strings.Builder
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		data, err := os.ReadFile(f)
		must(t, err)
		b.Write(data)
	}
	return b.String()
}

func unboundList(t *testing.T) map[string]bool {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "unbound.txt"))
	must(t, err)
	out := map[string]bool{}
	for _, line := range strings.Split(string(data), "\n") {
		if i := strings.Index(line, "#"); i >= 0 {
			line = line[:i]
		}
		if name := strings.TrimSpace(line); name != "" {
			out[name] = true
		}
	}
	return out
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Every FW_EXTERN function of the public headers is called by the binding (from Go as C.fw_x,
// or from the C stubs); what is not bound yet is listed with its reason in testdata/unbound.txt.
func TestBindingsComplete(t *testing.T) {
	extern := regexp.MustCompile(`FW_EXTERN\([^)]*\)\s*(fw_\w+)\s*\(`)
	public := map[string]bool{}
	for _, text := range publicHeaders(t) {
		for _, m := range extern.FindAllStringSubmatch(text, -1) {
			public[m[1]] = true
		}
	}
	if len(public) < 300 {
		t.Fatalf("only %d public functions found", len(public))
	}
	src := bindingSources(t)
	used := map[string]bool{}
	for _, m := range regexp.MustCompile(`\bC\.(fw_\w+)\b`).FindAllStringSubmatch(src, -1) {
		used[m[1]] = true
	}
	for _, m := range regexp.MustCompile(`\b(fw_\w+)\s*\(`).FindAllStringSubmatch(src, -1) {
		used[m[1]] = true
	}
	allowed := unboundList(t)
	missing, stale, unknown := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for name := range public {
		if !used[name] && !allowed[name] {
			missing[name] = true
		}
	}
	for name := range allowed {
		if used[name] {
			stale[name] = true
		}
		if !public[name] {
			unknown[name] = true
		}
	}
	if len(missing) > 0 {
		t.Errorf("public functions without a Go wrapper: %v", sortedKeys(missing))
	}
	if len(stale) > 0 {
		t.Errorf("bound now: remove them from testdata/unbound.txt: %v", sortedKeys(stale))
	}
	if len(unknown) > 0 {
		t.Errorf("not public functions: remove them from testdata/unbound.txt: %v", sortedKeys(unknown))
	}
}

// Every pinned integer constant of a public header has a Go constant (defined from C, so its
// value is the header's).
func TestConstantsComplete(t *testing.T) {
	define := regexp.MustCompile(`(?m)^#define\s+(FW_\w+)\s+-?(?:0x[0-9a-fA-F]+|\d+)u?\s*(?:/[*/].*)?$`)
	skip := map[string]bool{"FW_VERSION_MAJOR": true, "FW_VERSION_MINOR": true, "FW_VERSION_PATCH": true, "FW_SOVERSION": true}
	defined := map[string]bool{}
	for _, m := range regexp.MustCompile(`\bC\.(FW_\w+)\b`).FindAllStringSubmatch(bindingSources(t), -1) {
		defined[m[1]] = true
	}
	var missing []string
	for header, text := range publicHeaders(t) {
		for _, m := range define.FindAllStringSubmatch(text, -1) {
			if !skip[m[1]] && !defined[m[1]] {
				missing = append(missing, header+": "+m[1])
			}
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("constants without a Go constant: %v", missing)
	}
}
