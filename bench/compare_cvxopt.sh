#!/usr/bin/env bash
# Runs LPM Studio's benchmarks and CVXOPT on the same problems, one after the other, and prints
# both. Needs python3-cvxopt (Debian) and a Release build with LPM_BUILD_BENCH=ON.
set -euo pipefail
cd "$(dirname "$0")/.."
build/release/bench/bench_solver --benchmark_filter="${1:-.}" --benchmark_min_time=0.2
/usr/bin/python3 tests/scripts/cvxopt_reference.py --bench
