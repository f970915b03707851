#!/usr/bin/env bash
# bench_replicate.sh - does an operation on N systems cost the latency of
# one system, or N times it?
#
#   tests/bench/bench_replicate.sh [--short]
#
# Sets up a primary and four target systems (embedded ESMs) whose ESM
# calls each wait LATENCY ms first (the "inject" setting: a system 50 ms
# away), and times `sspr replicate USER --from PROD` to one target and to
# all four (two phases: every target checked, then written, each phase
# in parallel).  Prints the median of RUNS runs each, and the ratio 4/1
# (target <= 1.3; 4.0 would be one system after another).  Asserts
# nothing about speed.  Writes the table to $BENCH_OUT (default
# $SSPR_TEST_TMP/bench_replicate.txt).  Environment: SSPR, SSPR_SRC,
# SSPR_TEST_TMP, LATENCY (default 50), RUNS (default 7, 3 with --short).
set -euo pipefail

short=0
case "${1:-}" in
--short) short=1 ;;
"") ;;
*)
	echo "usage: $0 [--short]" >&2
	exit 2
	;;
esac
here=$(cd "$(dirname "$0")" && pwd)
SSPR_SRC=${SSPR_SRC:-$(cd "$here/../.." && pwd)}
SSPR=${SSPR:-$SSPR_SRC/build/sspr}
tmp_root=${SSPR_TEST_TMP:-/tmp}
BENCH_OUT=${BENCH_OUT:-$tmp_root/bench_replicate.txt}
latency=${LATENCY:-50}
runs=${RUNS:-7}
((short)) && runs=${RUNS:-3}
mkdir -p "$tmp_root"
work=$(mktemp -d "$tmp_root/benchrep.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"

"$SSPR" keys init --file keys.json >/dev/null
for sys in prod t1 t2 t3 t4; do
	"$SSPR" esm --db $sys.db <"$SSPR_SRC/scripts/cfields.racf" >/dev/null
	"$SSPR" esm --db $sys.db "ADDUSER ALICE" >/dev/null
done
"$SSPR" esm --db prod.db "ALTUSER ALICE CSDATA(SSPRPIN(S1PIN) SSPRMAIL('alice@example.com') SSPRQ1(Q01) SSPRQ2(Q02) SSPRQ3(Q03) SSPRA1(S1A) SSPRA2(S1B) SSPRA3(S1C) SSPRSDTE(1700000000))" >/dev/null

config() { # file targets...
	local f=$1 sys sep=""
	shift
	{
		printf '{"state_dir": ".", "key_file": "keys.json", "systems": [\n'
		printf ' {"name": "PROD", "backend": "embedded", "db": "prod.db", "applid": "SSPRAPPL"}'
		for sys in "$@"; do
			printf ',\n {"name": "%s", "backend": "embedded", "db": "%s.db", "applid": "SSPRAPPL", "inject": {"latency_ms": %s}}' \
				"${sys^^}" "$sys" "$latency"
		done
		printf ']}\n'
	} >"$f"
}
config one.json t1
config four.json t1 t2 t3 t4

# median_ms CONFIG: the median wall time of RUNS replications, in ms.
median_ms() {
	local i t0 t1 times=()
	for ((i = 0; i < runs; i++)); do
		t0=$(date +%s%N)
		"$SSPR" replicate -c "$1" ALICE --from PROD >/dev/null
		t1=$(date +%s%N)
		times+=($(((t1 - t0) / 1000000)))
	done
	printf '%s\n' "${times[@]}" | sort -n | sed -n "$(((runs + 1) / 2))p"
}
one=$(median_ms one.json)
four=$(median_ms four.json)
ratio=$(awk "BEGIN { printf \"%.2f\", $four / $one }")
{
	printf '\nreplication benchmark: %s ms per ESM call on each target, median of %s runs\n' "$latency" "$runs"
	printf '%-34s %10s ms\n' "sspr replicate to 1 target" "$one"
	printf '%-34s %10s ms   ratio %s (target <= 1.3; in sequence: 4.0)\n' "sspr replicate to 4 targets" "$four" "$ratio"
} | tee "$BENCH_OUT"
