#!/usr/bin/env bash
# Runs every test suite of paylinks and ends with one line: "N passed, N failed".
# Called by `make test` after the build; each suite's own output is shown as it runs.
set -uo pipefail
cd "$(dirname "$0")/.."
JOBS=${JOBS:-2}
export NODE_PATH=/usr/share/nodejs

passed=0
failed=0
failed_suites=()
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# Catch2 prints "All tests passed (A assertions in N test cases)" or
# "test cases: N | P passed | F failed"; node's runner prints "# pass N" / "# fail N" (tap)
# or "ℹ pass N" (spec); the fuzz smoke ends with "N passed, M failed".
count() {
  local suite=$1 status=$2 p f
  p=$(grep -oP 'All tests passed \(\d+ assertions? in \K\d+' "$log" | tail -1)
  if [ -z "$p" ]; then
    p=$(grep -oP 'test cases:\s+\d+ \|\s+\K\d+(?= passed)' "$log" | tail -1)
    f=$(grep -oP 'test cases:.*\|\s+\K\d+(?= failed)' "$log" | tail -1)
  fi
  if [ -z "$p" ]; then
    p=$(grep -oP '^(# |ℹ )pass \K\d+' "$log" | tail -1)
    f=$(grep -oP '^(# |ℹ )fail \K\d+' "$log" | tail -1)
  fi
  if [ -z "$p" ]; then
    p=$(grep -oP '^\d+(?= passed, \d+ failed$)' "$log" | tail -1)
    f=$(grep -oP '^\d+ passed, \K\d+(?= failed$)' "$log" | tail -1)
  fi
  p=${p:-0}
  f=${f:-0}
  if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  passed=$((passed + p))
  failed=$((failed + f))
  [ "$status" -ne 0 ] && failed_suites+=("$suite")
  echo "== $suite: $p passed, $f failed"
}

run() {
  local suite=$1
  shift
  echo "== $suite"
  "$@" 2>&1 | tee "$log"
  count "$suite" "${PIPESTATUS[0]}"
}

run "unit (native)" build/native/paylinks_unit_tests --use-colour no

cmake --preset asan >/dev/null && cmake --build build/asan -j"$JOBS" --target paylinks_unit_tests >/dev/null \
  || { echo "asan build failed"; failed=$((failed + 1)); failed_suites+=("asan build"); }
run "unit (native, ASan+UBSan)" build/asan/paylinks_unit_tests --use-colour no

cmake --build build/emscripten -j"$JOBS" --target paylinks_unit_tests >/dev/null \
  || { echo "emscripten test build failed"; failed=$((failed + 1)); failed_suites+=("emscripten build"); }
run "unit (wasm, Emscripten as shipped, Node)" node --no-experimental-fetch build/emscripten/paylinks_unit_tests.js --use-colour no

# The wasm32-wasi build runs the same tests (`make test-wasi`); it is left out here to keep
# `make test` short, since the Emscripten build above is the one the worker ships.

for dir in tests/assets tests/chain tests/worker tests/journeys tests/browser; do
  if compgen -G "$dir/*.test.mjs" >/dev/null; then
    run "$dir" node --test --test-reporter=tap --test-concurrency=1 $dir/*.test.mjs
  fi
done

if [ -f scripts/fuzz.sh ]; then
  run "fuzz smoke" bash scripts/fuzz.sh 10
fi

echo
if [ ${#failed_suites[@]} -gt 0 ]; then echo "Failed suites: ${failed_suites[*]}"; fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
