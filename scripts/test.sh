#!/usr/bin/env bash
# test.sh - run every test of sspr: installs what is missing, then
#   - builds three times with warnings as errors and runs the tests:
#     normal (with the benchmarks), AddressSanitizer + UndefinedBehavior-
#     Sanitizer (the whole suite), ThreadSanitizer (the threaded parts:
#     the flows in process, the HTTP server, the worker pool and the shared
#     tables);
#   - builds what a packager builds (Release with gcc) and the fuzzers
#     (clang, -DFUZZ=ON), warnings as errors, without running them.
#
#   scripts/test.sh            everything
#   scripts/test.sh -L unit    extra arguments go to ctest
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh test
jobs=$(nproc 2>/dev/null || echo 2)

run() {
	local dir=$1
	shift
	echo "== $dir: configure and build"
	cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DWERROR=ON \
		-DSSPR_TESTS=ON "$@" >/dev/null
	cmake --build "$dir" -j "$jobs"
	echo "== $dir: test"
	rm -f "$dir/bench.txt" "$dir/bench.json" "$dir/bench_replicate.txt"
	(cd "$dir" && ctest --output-on-failure -j "$jobs" --timeout 600 \
		"${ctest_args[@]}")
	for f in bench.txt bench_replicate.txt; do
		if [[ -f $dir/$f ]]; then
			cat "$dir/$f"
		fi
	done
}

# Build only: a build type or compiler the test builds do not cover.
build_only() {
	local dir=$1 cc=$2 type=$3
	shift 3
	echo "== $dir: $cc $type build (warnings are errors)"
	CC=$cc cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE="$type" -DWERROR=ON \
		-DSSPR_TESTS=ON "$@" >/dev/null
	cmake --build "$dir" -j "$jobs"
}

ctest_args=("$@")
build_only build-release gcc Release
build_only build-fuzz clang RelWithDebInfo -DFUZZ=ON
run build -DSSPR_BENCH=ON
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	run build-sanitize -DSANITIZE=ON
if [[ ${#ctest_args[@]} -eq 0 ]]; then
	ctest_args=(-R '^(sspr/|http/|unit/test_(pool|ratelimit|audit|hdsession|delay))')
fi
# A data race fails the test (halt_on_error); the report names both
# threads.  second_deadlock_stack helps read a lock-order report.
TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
	run build-tsan -DTSAN=ON
echo "== all tests passed (normal, sanitizer and thread-sanitizer builds)"
