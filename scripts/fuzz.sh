#!/usr/bin/env bash
# Runs every libFuzzer target (fuzz/fuzz_checkpoint.cpp) for N seconds each, one after another:
#   scripts/fuzz.sh 600            # 10 minutes per target
#   scripts/fuzz.sh 60 zip index   # only some targets
# Builds with clang into build/fuzz (ASan + UBSan + libFuzzer). Seeds: fuzz/corpus and the test
# fixtures (read only); what a run finds is kept in build/fuzz/corpus/<target> for the next run,
# crashes in build/fuzz/findings/. A summary (executions, coverage, findings) goes to
# build/fuzz/summary.txt. A finding: reproduce with build/fuzz/fuzz/fuzz_<target> FILE, fix, and
# copy FILE into fuzz/corpus/ so the corpus replay test (ctest) keeps it.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
targets=("$@")
((${#targets[@]})) || targets=(pickle zip safetensors npy index session presets)

CC=clang CXX=clang++ cmake -S . -B build/fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DLPM_BUILD_GUI=OFF -DLPM_BUILD_TESTS=OFF -DLPM_BUILD_FUZZ=ON >/dev/null
cmake --build build/fuzz --target $(printf 'fuzz_%s ' "${targets[@]}")

mkdir -p build/fuzz/findings
summary=build/fuzz/summary.txt
: >"$summary"
status=0
for t in "${targets[@]}"; do
  mkdir -p "build/fuzz/corpus/$t"
  seeds=(fuzz/corpus tests/data/checkpoints)
  case $t in
    session) seeds=(fuzz/corpus/session) ;;
    presets) seeds=(fuzz/corpus/presets resources) ;;
    index) seeds=(fuzz/corpus/index) ;;
  esac
  log="build/fuzz/$t.log"
  echo "== fuzz_$t for ${seconds}s"
  rc=0
  ASAN_OPTIONS=detect_leaks=1 build/fuzz/fuzz/fuzz_"$t" -max_total_time="$seconds" -rss_limit_mb=4096 -timeout=20 \
    -max_len=1048576 -print_final_stats=1 -artifact_prefix="build/fuzz/findings/$t-" \
    "build/fuzz/corpus/$t" "${seeds[@]}" >"$log" 2>&1 || rc=$?
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || echo "?")
  ft=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || echo "?")
  found=$(ls build/fuzz/findings/ 2>/dev/null | grep -c "^$t-" || true)
  line="$t: ${seconds}s, $runs executions, cov $cov, ft $ft, corpus $(ls "build/fuzz/corpus/$t" | wc -l) files, findings $found (exit $rc)"
  echo "$line" | tee -a "$summary"
  [ "$rc" -eq 0 ] || status=1
done
exit $status
