#!/usr/bin/env bash
# bench.sh - how fast `sspr serve` is, next to what this machine allows.
#
#   tests/bench/bench.sh [--short]
#
# In one run, all on 127.0.0.1, with servers this script starts and stops:
#  (a) req/s of a bare libmicrohttpd server with sspr's daemon settings
#      answering a static 2-byte page (baseline.c);
#  (b) req/s of sspr's GET / (the start page, rendered from its
#      template), and (b)/(a);
#  (c) answered req/s of POST /api/v1/enroll with a wrong password (one
#      Argon2id verification in the embedded ESM, answer 403) with enough
#      connections to keep every hashing worker busy, against the Argon2
#      limit measured here: cores / the time of one hash with the ESM's
#      parameters (hashtime.c, the median, timed before and after the
#      flood); 503s are counted apart;
#  (d) the p99 latency of GET /, probed at a steady pace while (c)
#      saturates the cores;
#  (e) sspr's resident memory (VmRSS) idle, and with 1000 idle TCP
#      connections open to it (idle.c).
# It prints a table and writes the same figures as JSON to $BENCH_OUT
# (default ${SSPR_TEST_TMP:-/tmp}/bench.json).  Nothing is asserted about
# speed: these machines are shared and noisy.  Exit status 0 when every
# figure was measured, 1 when one could not be, 2 on usage errors.
#
# Each wrk run lasts 15 s, or 3 s with --short (the whole run then takes
# well under 30 s, for CI).  Environment: SSPR (the binary, default
# $SSPR_SRC/build/sspr), SSPR_SRC (the source tree, default the one this
# script is in), SSPR_TEST_TMP (scratch space), BENCH_OUT, BENCH_CONNS
# (connections of the hashing flood, default 4 per core: the pool's
# workers plus most of its queue, so that it saturates without 503s).
# Needs wrk (Debian package wrk), gcc, pkg-config, libmicrohttpd-dev,
# libargon2-dev and curl.
set -euo pipefail

short=0
case "${1:-}" in
--short) short=1 ;;
"") ;;
-h | --help)
	sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
	exit 0
	;;
*)
	echo "usage: $0 [--short]" >&2
	exit 2
	;;
esac
[[ $# -le 1 ]] || { echo "usage: $0 [--short]" >&2; exit 2; }

here=$(cd "$(dirname "$0")" && pwd)
SSPR_SRC=${SSPR_SRC:-$(cd "$here/../.." && pwd)}
SSPR=${SSPR:-$SSPR_SRC/build/sspr}
tmp_root=${SSPR_TEST_TMP:-/tmp}
BENCH_OUT=${BENCH_OUT:-$tmp_root/bench.json}
dur=15
((short)) && dur=3
cores=$(getconf _NPROCESSORS_ONLN)
conns=${BENCH_CONNS:-$((4 * cores))}
idle_conns=1000
# wrk's shape for the cheap routes (a) and (b): the same for both.
cheap_threads=2 cheap_conns=32
# The (d) probe: a few connections, each one request every 10 ms.
probe_conns=4 probe_delay_ms=10
# The ESM database's default Argon2id parameters (esm/racf_db.c, meta).
kdf_m=19456 kdf_t=2 kdf_p=1

# cannot WHAT: a figure could not be measured; stop with status 1.
cannot() {
	local st
	echo "bench: cannot measure $*" >&2
	if [[ -n ${sspr_pid:-} ]] && ! kill -0 "$sspr_pid" 2>/dev/null; then
		wait "$sspr_pid" 2>/dev/null && st=0 || st=$?
		echo "bench: sspr serve ended (status $st); the end of its log:" >&2
		grep -v ' [0-9]*ms$' serve.log | tail -5 | sed 's/^/    /' >&2
		tail -3 serve.log | sed 's/^/    /' >&2
	fi
	exit 1
}

for tool in wrk gcc pkg-config curl; do
	command -v "$tool" >/dev/null ||
		cannot "anything: '$tool' is not installed (Debian package: $tool)"
done
[[ -x $SSPR ]] || cannot "anything: no sspr binary at '$SSPR' (set SSPR)"
load0=$(cut -d' ' -f1-3 /proc/loadavg)
mkdir -p "$tmp_root"
work=$(mktemp -d "$tmp_root/bench.XXXXXX")
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do
		kill "$p" 2>/dev/null || true
	done
	for p in "${pids[@]}"; do
		wait "$p" 2>/dev/null || true
	done
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
cd "$work"

# reap PID: wait for a process this script started to end, and forget
# it (so that cleanup never signals a reused process ID).
reap() {
	local p keep=()
	wait "$1" 2>/dev/null || true
	for p in "${pids[@]}"; do
		[[ $p == "$1" ]] || keep+=("$p")
	done
	pids=("${keep[@]}")
}

# stop PID: end a process this script started, and reap it.
stop() {
	kill "$1" 2>/dev/null || true
	reap "$1"
}

# rss PID: its resident memory in KiB.
rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

# sockets PID: how many sockets it has open.
sockets() { find "/proc/$1/fd" -lname 'socket:*' 2>/dev/null | wc -l; }

# calc EXPR: a floating-point expression, evaluated by awk.
calc() { awk "BEGIN { printf \"%.6g\", $1 }"; }

# run_wrk TAG URL [wrk options]: one wrk run with wrk.lua; its report
# line is left in $line (stdout and stderr in TAG.wrk).
run_wrk() {
	local tag=$1 url=$2
	shift 2
	# In the background, so that a signal to this script ends it at once.
	BENCH_TAG=$tag wrk -s "$here/wrk.lua" "$@" "$url" >"$tag.wrk" 2>&1 &
	pids+=("$!")
	reap "$!"
	line=$(grep "^bench $tag " "$tag.wrk" || true)
	if [[ -z $line ]]; then
		sed 's/^/    /' "$tag.wrk" >&2
		cannot "$tag: wrk gave no report"
	fi
}

# val KEY: a value from the last report line.
val() { sed -n "s/.* $1=\([0-9]*\).*/\1/p" <<<"$line"; }

# --- the helpers ---------------------------------------------------------
cflags=(-O2 -Wall -Wextra -I"$SSPR_SRC")
build() { # NAME PKG...
	local name=$1 libs=()
	shift
	[[ $# -eq 0 ]] || read -ra libs <<<"$(pkg-config --cflags --libs "$@")"
	gcc "${cflags[@]}" -o "$name" "$here/$name.c" "${libs[@]}" -lpthread \
		2>"$name.cc" || {
		sed 's/^/    /' "$name.cc" >&2
		cannot "anything: $name.c does not build"
	}
}
build baseline libmicrohttpd
build hashtime libargon2
build idle

# --- sspr's set-up: an embedded ESM with a user, keys, a configuration ---
esm() { "$SSPR" esm --db prod.db "$@" >>setup.log 2>&1; }
{
	"$SSPR" esm --db prod.db <"$SSPR_SRC/scripts/cfields.racf" >>setup.log 2>&1 &&
		esm "ADDUSER BENCH NAME('BENCH USER')" &&
		esm "ALTUSER BENCH PASSWORD(BENCH1) NOEXPIRED" &&
		"$SSPR" keys init --file keys.json >>setup.log 2>&1 &&
		"$SSPR" keys passticket --file keys.json --appl SSPRAPPL \
			--generate >ptkt.out 2>>setup.log &&
		key=$(sed -n 's/^SSPRAPPL legacy key: \([0-9A-F]\{16\}\)$/\1/p' ptkt.out) &&
		[[ -n $key ]] &&
		esm "RDEFINE PTKTDATA SSPRAPPL SSIGNON(KEYMASKED($key))"
} || {
	sed 's/^/    /' setup.log >&2
	cannot "anything: the ESM set-up failed"
}
cat >sspr.json <<'CFG'
{"state_dir": ".", "key_file": "keys.json",
 "systems": [{"name": "PROD", "backend": "embedded", "db": "prod.db", "applid": "SSPRAPPL"}]}
CFG
# Each request is one Argon2id verification of a wrong password; the
# rest of the request passes enroll_check() so that the ESM is asked.
cat >enroll.json <<'JSON'
{"userid": "BENCH", "password": "WRONG99", "email": "bench@example.com",
 "pin": "583920", "questions": [{"question": "Q01", "answer": "Rex the dog"},
 {"question": "Q02", "answer": "Lindenberg"}, {"question": "Q03", "answer": "Hannelore"}]}
JSON

# Room for the idle connections (sspr inherits the limit).
ulimit -n 8192 2>/dev/null || ulimit -n "$(ulimit -Hn)"

: >serve.log # exists before the child's redirection (read below at once)
"$SSPR" serve -c sspr.json --port 0 </dev/null >/dev/null 2>serve.log &
sspr_pid=$!
pids+=("$sspr_pid")
port=
for _ in $(seq 100); do
	port=$(sed -n '1s|^sspr: serving on http://127\.0\.0\.1:\([0-9]*\) .*|\1|p' serve.log)
	[[ -n $port ]] && break
	kill -0 "$sspr_pid" 2>/dev/null || break
	sleep 0.1
done
if [[ -z $port ]]; then
	sed 's/^/    /' serve.log >&2
	cannot "anything: sspr serve did not start"
fi
base=http://127.0.0.1:$port
st=$(curl -sS -o /dev/null -w '%{http_code}' "$base/healthz" || true)
[[ $st == 200 ]] || cannot "anything: GET /healthz answered '$st'"

# --- (e) memory: idle, then with 1000 idle connections --------------------
rss_idle=$(rss "$sspr_pid")
socks0=$(sockets "$sspr_pid")
./idle "$port" "$idle_conns" >idle.out 2>idle.err &
idle_pid=$!
pids+=("$idle_pid")
for _ in $(seq 100); do
	grep -q '^open' idle.out 2>/dev/null && break
	kill -0 "$idle_pid" 2>/dev/null || break
	sleep 0.05
done
grep -q "^open $idle_conns\$" idle.out ||
	cannot "RSS with $idle_conns connections: $(cat idle.err)"
# Wait until sspr has accepted them all (or 5 s).
for _ in $(seq 100); do
	(($(sockets "$sspr_pid") - socks0 >= idle_conns)) && break
	sleep 0.05
done
sleep 0.3
accepted=$(($(sockets "$sspr_pid") - socks0))
rss_conns=$(rss "$sspr_pid")
stop "$idle_pid"
((accepted >= idle_conns)) ||
	echo "bench: note: sspr holds only $accepted of the $idle_conns idle connections" >&2

# The first enrollment answer must be the 403 the flood relies on.
st=$(curl -sS -o enroll.out -w '%{http_code}' -H 'Content-Type: application/json' \
	--data-binary @enroll.json "$base/api/v1/enroll" || true)
if [[ $st != 403 ]]; then
	cat enroll.out >&2 || true
	cannot "hashing: a wrong-password enrollment answered '$st', not 403"
fi

# --- (a) the baseline ------------------------------------------------------
: >baseline.out
./baseline >baseline.out 2>baseline.err &
baseline_pid=$!
pids+=("$baseline_pid")
bport=
for _ in $(seq 100); do
	bport=$(sed -n 's/^port \([0-9]*\)$/\1/p' baseline.out)
	[[ -n $bport ]] && break
	kill -0 "$baseline_pid" 2>/dev/null || break
	sleep 0.05
done
[[ -n $bport ]] || cannot "the baseline: it did not start: $(cat baseline.err)"
echo "bench: (a) baseline static page, ${dur}s ..."
run_wrk baseline "http://127.0.0.1:$bport/" -t"$cheap_threads" -c"$cheap_conns" -d"${dur}s"
base_req=$(val requests) base_us=$(val duration_us)
((base_req > 0 && $(val connect) + $(val read) + $(val write) == 0)) ||
	cannot "the baseline: $line"
stop "$baseline_pid"
base_rps=$(calc "$base_req * 1e6 / $base_us")

# --- (b) sspr's cheapest route --------------------------------------------
echo "bench: (b) sspr GET /, ${dur}s ..."
run_wrk healthz "$base/" -t"$cheap_threads" -c"$cheap_conns" -d"${dur}s"
hz_req=$(val requests) hz_us=$(val duration_us)
((hz_req > 0 && $(val status) == 0)) || cannot "GET /: $line"
hz_errors=$(($(val connect) + $(val read) + $(val write) + $(val timeout)))
hz_rps=$(calc "$hz_req * 1e6 / $hz_us")
hz_ratio=$(calc "$hz_rps / $base_rps")

# --- the Argon2 limit -------------------------------------------------------
# hashtime KIND: time one hash (and $cores at once) into hashtime.KIND.
nhash=$((short ? 20 : 60))
hashtime() {
	if ! ./hashtime "$kdf_m" "$kdf_t" "$kdf_p" "$nhash" "${2:-1}" \
		>"hashtime.$1" 2>&1 || ! grep -q '^ms_min ' "hashtime.$1"; then
		cannot "the Argon2 limit: $(cat "hashtime.$1")"
	fi
}
echo "bench: Argon2id m=$kdf_m KiB t=$kdf_t p=$kdf_p, one hash and $cores at once ..."
hashtime before "$cores"
ms_hash=$(sed -n 's/^ms_per_hash //p' hashtime.before)
ms_min=$(sed -n 's/^ms_min //p' hashtime.before)
par_hash=$(sed -n 's/^parallel_hashes_per_s //p' hashtime.before)
[[ -n $par_hash ]] || cannot "the Argon2 limit: $(cat hashtime.before)"

# One connection, requests in sequence: what one enrollment costs in all.
echo "bench: enroll, one connection in sequence, ${dur}s ..."
BENCH_METHOD=POST BENCH_BODY_FILE=$work/enroll.json BENCH_COUNT=1 \
	run_wrk seq "$base/api/v1/enroll" -t1 -c1 -d"${dur}s" --timeout 10s
seq_ok=$(($(val s2xx) + $(val s403)))
((seq_ok > 0)) || cannot "one enrollment: $line"
seq_ms=$(calc "$(val duration_us) / 1000 / $seq_ok")

# --- (c) the hashing flood, and (d) GET / while it runs ------------------
echo "bench: (c) enroll flood with $conns connections, (d) GET / probe, ${dur}s ..."
BENCH_METHOD=POST BENCH_BODY_FILE=$work/enroll.json BENCH_COUNT=1 \
	BENCH_TAG=flood wrk -s "$here/wrk.lua" -t1 -c"$conns" -d"$((dur + 1))s" \
	--timeout 10s "$base/api/v1/enroll" >flood.wrk 2>&1 &
flood_pid=$!
pids+=("$flood_pid")
sleep 0.5
BENCH_DELAY_MS=$probe_delay_ms \
	run_wrk probe "$base/" -t1 -c"$probe_conns" -d"${dur}s" --latency --timeout 10s
probe_req=$(val requests) probe_p50=$(val p50_us) probe_p99=$(val p99_us)
probe_errors=$(($(val connect) + $(val read) + $(val write) + $(val timeout) + $(val status)))
((probe_req > 0)) || cannot "GET / under load: $line"
reap "$flood_pid"
line=$(grep '^bench flood ' flood.wrk || true)
[[ -n $line ]] || { sed 's/^/    /' flood.wrk >&2; cannot "hashing: wrk gave no report"; }
flood_ok=$(($(val s2xx) + $(val s403)))
flood_503=$(val s503) flood_other=$(val sother)
flood_errors=$(($(val connect) + $(val read) + $(val write) + $(val timeout)))
((flood_ok > 0)) || cannot "hashing: no request was answered: $line"
flood_rps=$(calc "$flood_ok * 1e6 / $(val duration_us)")
flood_503_rps=$(calc "$flood_503 * 1e6 / $(val duration_us)")
# Timed again after the flood: one hash takes the mean of the two medians
# (before and after, so that the flood is bracketed in time); the fastest
# hash of both is the machine at its best.
hashtime after
ms_hash=$(calc "($ms_hash + $(sed -n 's/^ms_per_hash //p' hashtime.after)) / 2")
ms_min=$(calc "$(sed -n 's/^ms_min //p' hashtime.after) < $ms_min ? \
	$(sed -n 's/^ms_min //p' hashtime.after) : $ms_min")
limit=$(calc "$cores * 1000 / $ms_hash")
limit_best=$(calc "$cores * 1000 / $ms_min")
hash_best_ratio=$(calc "$flood_rps / $limit_best")
hash_ratio=$(calc "$flood_rps / $limit")
hash_par_ratio=$(calc "$flood_rps / $par_hash")

rss_after=$(rss "$sspr_pid")
metrics=$(curl -sS "$base/metrics" || true)
metric() { awk -v k="$1" '$1 == k { print $2 }' <<<"$metrics"; }
busy_total=$(metric sspr_busy_total)
hash_jobs=$(metric sspr_hash_jobs_total)
hash_wait=$(metric sspr_hash_wait_seconds_total)
log_lines=$(($(wc -l <serve.log) - 1))

# --- the report -------------------------------------------------------------
mib() { calc "$1 / 1024"; }
report_txt=${BENCH_OUT%.json}.txt
mkdir -p "$(dirname "$BENCH_OUT")"
{
printf '\nsspr benchmark: %s cores, %s s a run%s; sspr %s, workers = cores\n' \
	"$cores" "$dur" "$( ((short)) && echo ' (--short)')" "$SSPR"
printf 'load average before the run: %s (other work on the machine skews every figure)\n' \
	"$load0"
printf '\n'
printf '%-34s %10.0f\n' "baseline static req/s" "$base_rps"
printf '%-34s %10.0f   ratio %.2f (target >= 0.5)\n' \
	"sspr GET / req/s" "$hz_rps" "$hz_ratio"
printf '%-34s %10.1f   limit %.1f   ratio %.2f (target >= 0.90)\n' \
	"hashing req/s at saturation" "$flood_rps" "$limit" "$hash_ratio"
printf '%-34s %10.1f ms (target < 20 ms)\n' \
	"GET / p99 under load" "$(calc "$probe_p99 / 1000")"
printf '%-34s %10s\n' "RSS idle / $idle_conns idle conns" \
	"$(printf '%.1f MiB / %.1f MiB' "$(mib "$rss_idle")" "$(mib "$rss_conns")")"
printf '\ndetails:\n'
printf '  wrk for (a), (b): %s threads, %s connections\n' "$cheap_threads" "$cheap_conns"
printf '  GET / socket errors during (b): %s\n' "$hz_errors"
printf '  Argon2id one hash: %.1f ms (median; limit = %s cores / that); fastest %.1f ms: limit %.1f, ratio %.2f\n' \
	"$ms_hash" "$cores" "$ms_min" "$limit_best" "$hash_best_ratio"
printf '  Argon2id on %s threads at once: %.1f hashes/s (flood / that = %.2f)\n' \
	"$cores" "$par_hash" "$hash_par_ratio"
printf '  one enrollment answer, in sequence: %.1f ms\n' "$seq_ms"
printf '  flood: %s connections; %s answered 403/2xx, %s 503 (%.1f/s), %s other status, %s socket errors\n' \
	"$conns" "$flood_ok" "$flood_503" "$flood_503_rps" "$flood_other" "$flood_errors"
printf '  GET / probe under load: %s connections, one request each %s ms; %s answers, p50 %.2f ms, %s errors\n' \
	"$probe_conns" "$probe_delay_ms" "$probe_req" "$(calc "$probe_p50 / 1000")" "$probe_errors"
printf '  sspr metrics after the flood: busy (503) %s, hash jobs %s, time queued %s s\n' \
	"${busy_total:-?}" "${hash_jobs:-?}" "${hash_wait:-?}"
printf '  RSS after the flood: %.1f MiB; idle connections accepted: %s of %s\n' \
	"$(mib "$rss_after")" "$accepted" "$idle_conns"
printf '  request log: %s lines\n' "$log_lines"
} | tee "$report_txt"

cat >"$BENCH_OUT" <<JSON
{"short": $( ((short)) && echo true || echo false), "seconds_per_run": $dur, "cores": $cores,
 "loadavg_before": "$load0",
 "baseline_rps": $base_rps,
 "page_rps": $hz_rps, "page_ratio": $hz_ratio, "page_ratio_target": 0.5,
 "hash_rps": $flood_rps, "hash_limit_rps": $limit, "hash_ratio": $hash_ratio,
 "hash_ratio_target": 0.9, "hash_parallel_ratio": $hash_par_ratio, "hash_503": $flood_503, "hash_503_rps": $flood_503_rps,
 "hash_other_status": $flood_other, "hash_socket_errors": $flood_errors,
 "hash_connections": $conns, "argon2_ms_per_hash": $ms_hash,
 "argon2_ms_per_hash_fastest": $ms_min, "hash_limit_fastest_rps": $limit_best,
 "hash_ratio_fastest": $hash_best_ratio,
 "argon2_parallel_hashes_per_s": $par_hash, "enroll_sequential_ms": $seq_ms,
 "page_p50_ms_under_load": $(calc "$probe_p50 / 1000"),
 "page_p99_ms_under_load": $(calc "$probe_p99 / 1000"),
 "page_p99_target_ms": 20, "page_probe_errors": $probe_errors,
 "rss_idle_kib": $rss_idle, "rss_idle_conns_kib": $rss_conns,
 "idle_conns": $idle_conns, "idle_conns_accepted": $accepted,
 "rss_after_load_kib": $rss_after}
JSON
echo
echo "bench: figures written to $BENCH_OUT and $report_txt"
