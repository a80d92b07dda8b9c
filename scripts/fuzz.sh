#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/*.cpp, the `fuzz` preset) and runs each for SECONDS over
# a copy of its committed seed corpus. `make fuzz` runs it for 600 s a target, `make test`
# for 10 s as a smoke test. Installs nothing: `make deps` does that.
#
#   bash scripts/fuzz.sh [SECONDS] [TARGET…]
#
# Prints one line per target and ends with "N passed, M failed" (a target passes when it
# found nothing); exits non-zero if any target found a crash, a timeout or an OOM.
# Findings land in build/fuzz/artifacts/<target>/, the corpus grown from the seeds in
# build/fuzz/corpus/<target>/ (fresh each run), the fuzzer's output in build/fuzz/logs/<target>.log.
set -uo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-600}
shift || true
jobs=${JOBS:-2}
build=build/fuzz

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for src in fuzz/*.cpp; do targets+=("$(basename "$src" .cpp)"); done
fi

if ! command -v clang++ >/dev/null; then
  echo "clang++ is missing: run \`make deps\` first"
  echo "0 passed, ${#targets[@]} failed"
  exit 1
fi

mkdir -p "$build"
# One run at a time: a second one (`make test` during `make fuzz`) would reset the corpora and
# logs the first is using.
exec 9>"$build/.fuzz.lock"
if ! flock -n 9; then
  echo "another scripts/fuzz.sh is running; waiting for it"
  flock 9
fi
build_log=$build/fuzz-build.log
start=$(date +%s)
if ! { cmake --preset fuzz && cmake --build "$build" -j"$jobs" --target "${targets[@]}"; } >"$build_log" 2>&1; then
  tail -40 "$build_log"
  echo "fuzz build failed (full log: $build_log)"
  echo "0 passed, ${#targets[@]} failed"
  exit 1
fi
echo "fuzz build: $(( $(date +%s) - start )) s"

# UBSan reports are findings, not warnings.
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_stack_use_after_return=1}

passed=0
failed=0
for target in "${targets[@]}"; do
  corpus=$build/corpus/$target
  artifacts=$build/artifacts/$target
  log=$build/logs/$target.log
  mkdir -p "$corpus" "$artifacts" "$(dirname "$log")"
  # A fresh copy: the fuzzer adds to it, the committed seeds stay as they are.
  rm -rf "$corpus" && mkdir -p "$corpus"
  if [ -d "fuzz/corpus/$target" ]; then cp "fuzz/corpus/$target"/* "$corpus"/ 2>/dev/null; fi
  before=$(find "$artifacts" -type f | wc -l)
  "$build/$target" "$corpus" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$artifacts/" >"$log" 2>&1
  status=$?
  after=$(find "$artifacts" -type f | wc -l)
  findings=$((after - before))
  if [ "$status" -ne 0 ] && [ "$findings" -eq 0 ]; then findings=1; fi
  runs=$(grep -aoP '^stat::number_of_executed_units:\s*\K\d+' "$log" | tail -1)
  stats=$(grep -aP '^#\d+\s' "$log" | tail -1)
  cov=$(grep -oP 'cov: \K\d+' <<<"$stats")
  ft=$(grep -oP 'ft: \K\d+' <<<"$stats")
  corp=$(grep -oP 'corp: \K\d+' <<<"$stats")
  printf '%-20s %10s runs in %ss  cov %s  ft %s  corpus %s  crashes: %d/%s\n' "$target" \
    "${runs:-?}" "$seconds" "${cov:-?}" "${ft:-?}" "${corp:-?}" "$findings" "${runs:-?}"
  if [ "$findings" -eq 0 ]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    grep -a -m1 -B2 -A25 -E '^==[0-9]+==ERROR|runtime error|property violated|ALARM|out-of-memory' "$log" | head -40
    newest=$(ls -t "$artifacts" 2>/dev/null | head -1)
    [ -n "$newest" ] && echo "  reproduce: $build/$target $artifacts/$newest"
  fi
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
