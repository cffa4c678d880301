#!/bin/sh
# Runs the test suites named after the build dir (c, python, go) and prints a line per suite
# and the total "N passed, N failed". Exits non-zero when anything failed.
# With FW_TOTALS=FILE, also appends "passed failed" to FILE for .ci/run to add up.
set -u

build=${1:-build}
shift || true
suites=${*:-c python go}
root=$(cd "$(dirname "$0")/.." && pwd)
build_abs=$(cd "$build" && pwd)
pass=0
fail=0

add() { pass=$((pass + $1)); fail=$((fail + $2)); echo "$3: $1 passed, $2 failed"; }

run_c() {
  meson test -C "$build" --print-errorlogs ${MESON_TEST_ARGS:-} > "$build/c-tests.out" 2>&1
  status=$?
  log="$build/meson-logs/testlog${MESON_TEST_LOG_SUFFIX:-}.txt"
  p=$(grep -c '^ok ' "$log" 2>/dev/null || true)
  f=$(grep -c '^not ok ' "$log" 2>/dev/null || true)
  # An executable that crashed or timed out counts as at least one failure.
  mf=$(sed -n 's/^Fail: *\([0-9]*\).*/\1/p; s/^Timeout: *\([0-9]*\).*/\1/p' "$build/c-tests.out" |
       awk '{s+=$1} END {print s+0}')
  [ "$status" -ne 0 ] && [ "$mf" -eq 0 ] && mf=1
  [ "$f" -lt "$mf" ] && f=$mf
  [ "$f" -gt 0 ] && tail -60 "$build/c-tests.out"
  add "${p:-0}" "${f:-0}" "c${MESON_TEST_LABEL:-}"
}

run_python() {
  out="$build/python-tests.out"
  (cd "$root/bindings/python" &&
   FLEXWORK_LIBRARY="$build_abs/libflexwork.so.1" FW_TEST_VECTORS="$root/tests/vectors" \
   PYTHONPATH="$root/bindings/python" python3 -m pytest -q -p no:cacheprovider tests) > "$out" 2>&1
  status=$?
  p=$(tail -5 "$out" | grep -o '[0-9]* passed' | head -1 | awk '{print $1}')
  f=$(tail -5 "$out" | grep -o '[0-9]* failed' | head -1 | awk '{print $1}')
  e=$(tail -5 "$out" | grep -o '[0-9]* error' | head -1 | awk '{print $1}')
  p=${p:-0}; f=$(( ${f:-0} + ${e:-0} ))
  [ "$status" -ne 0 ] && [ "$status" -ne 5 ] && [ "$f" -eq 0 ] && f=1
  [ "$f" -gt 0 ] && tail -60 "$out"
  add "$p" "$f" python
}

run_go() {
  out="$build/go-tests.out"
  (cd "$root/bindings/go" &&
   PKG_CONFIG_PATH="$build_abs/meson-uninstalled${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}" \
   LD_LIBRARY_PATH="$build_abs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
   FW_TEST_VECTORS="$root/tests/vectors" GOFLAGS=-mod=mod \
   go test -count=1 -v ./...) > "$out" 2>&1
  status=$?
  p=$(grep -c '^--- PASS' "$out" || true)
  f=$(grep -c '^--- FAIL' "$out" || true)
  [ "$status" -ne 0 ] && [ "$f" -eq 0 ] && f=1
  [ "$f" -gt 0 ] && tail -60 "$out"
  add "$p" "$f" go
}

for s in $suites; do
  case "$s" in
    c) run_c ;;
    python) run_python ;;
    go) run_go ;;
    *) echo "unknown suite $s"; exit 2 ;;
  esac
done

[ -n "${FW_TOTALS:-}" ] && echo "$pass $fail" >> "$FW_TOTALS"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
