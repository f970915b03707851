#!/usr/bin/env bash
# test.sh - run every test of sspr: installs what is missing, builds three
# times (normal; AddressSanitizer + UndefinedBehaviorSanitizer; and
# ThreadSanitizer), runs the whole ctest suite on the first two builds and
# the threaded parts' tests (the flows in process, the HTTP server, the
# worker pool and the shared tables) on the third.
#
#   scripts/test.sh            both builds
#   scripts/test.sh -L unit    extra arguments go to ctest
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh test
jobs=$(nproc 2>/dev/null || echo 2)

run() {
	local dir=$1
	shift
	echo "== $dir: configure and build"
	cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
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

ctest_args=("$@")
run build
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
