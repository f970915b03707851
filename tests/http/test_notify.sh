#!/usr/bin/env bash
# test_notify.sh - `sspr serve` under systemd's notify protocol: the test
# owns the unix datagram socket systemd would ($NOTIFY_SOCKET) and sets
# WATCHDOG_USEC, then checks READY=1 with a useful STATUS=, WATCHDOG=1
# again and again while the service is idle, no ping while the only
# worker is wedged in a slow ESM (the watchdog probes, it is not a blind
# timer), pings again after, pings while the service is alive but not
# ready (its journal gone: /healthz 503; a restart would not mend it), and
# STOPPING=1 on SIGTERM.  Skipped when the
# binary was built without libsystemd (SSPR_SYSTEMD=OFF).
set -e
source "$(dirname "$0")/../cli/lib.sh"
cd "$work"
source "$SSPR_SRC/tests/http/lib.sh"

if ! grep -q 'sd_notify' "$SSPR" 2>/dev/null && ! ldd "$SSPR" | grep -q libsystemd; then
	echo "SKIP: sspr was built without libsystemd"
	exit 0
fi

http_esm_init
run "alice" 0 esm "ADDUSER ALICE NAME('ALICE ADAMS')"
run "alice pw" 0 esm "ALTUSER ALICE PASSWORD(SUNNY42) NOEXPIRED"
# Every ESM call of PROD takes 0.4 s (longer than a probe may wait): one
# enrollment (some twenty calls) holds the only worker for seconds.
cat >sspr.json <<CFG
{"state_dir": ".", "key_file": "keys.json", "base_url": "http://127.0.0.1",
 "systems": [{"name": "PROD", "backend": "embedded", "db": "prod.db", "applid": "SSPRAPPL",
              "inject": {"latency_ms": 400}}],
 "mail": {"transport": "directory", "path": "mail", "from": "sspr@example.com"}}
CFG

# The listener: one line per datagram, "<monotonic seconds> <message>"
# with the message's newlines as '|'.
$py - "$work/notify.sock" >notify.log 2>notify.err <<'PY' &
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
while True:
    m = s.recv(4096).decode(errors="replace")
    print("%.3f %s" % (time.monotonic(), m.replace("\n", "|")), flush=True)
PY
listener=$!
trap 'rc=$?; kill $listener 2>/dev/null; stop_server; sanitizer_check || rc=1; rm -rf "$work"; exit $rc' EXIT
for _ in $(seq 50); do [[ -S notify.sock ]] && break; sleep 0.1; done

now() { $py -c 'import time; print("%.3f" % time.monotonic())'; }
# count MESSAGE [SINCE [UNTIL]]: datagrams holding MESSAGE in that time
count() {
	awk -v m="$1" -v a="${2:-0}" -v b="${3:-1e12}" \
		'$1 >= a && $1 <= b && index($0, m) { n++ } END { print n + 0 }' notify.log
}

# Half of 1 s: a ping every 0.5 s, each probe given 0.25 s.
export NOTIFY_SOCKET=$work/notify.sock WATCHDOG_USEC=1000000
unset WATCHDOG_PID
"$SSPR" serve -c sspr.json --port 0 --workers 1 </dev/null >/dev/null 2>serve.log &
server=$!
unset NOTIFY_SOCKET WATCHDOG_USEC
for _ in $(seq 100); do grep -q READY=1 notify.log && break; sleep 0.1; done
port=$(sed -n '1s|^sspr: serving on http://127\.0\.0\.1:\([0-9]*\) .*|\1|p' serve.log)
out=$(cat notify.log)
has "ready" "READY=1"
has "status" "STATUS=listening on 127.0.0.1:$port, 1 systems"

sleep 2.5
out=$(count WATCHDOG=1)
run "pings while idle ($out)" 0 test "$out" -ge 4

# Wedge the only worker: an enrollment (a sign-on through the slow ESM).
curl -sS --max-time 30 -o /dev/null -H 'Content-Type: application/json' \
	--data-binary '{"userid":"ALICE","password":"SUNNY42","email":"alice@example.com","pin":"583920",
	"questions":[{"question":"Q01","answer":"Rex the dog"},{"question":"Q02","answer":"Lindenberg"},
	{"question":"Q03","answer":"Hannelore"}]}' \
	"http://127.0.0.1:$port/api/v1/enroll" &
client=$!
sleep 0.5
t0=$(now)
sleep 1.5
t1=$(now)
out=$(count WATCHDOG=1 "$t0" "$t1")
run "no ping while the worker is wedged ($out)" 0 test "$out" -eq 0
out=$(cat serve.log)
has "wedge logged" "sspr: watchdog: not alive: a no-op job did not pass through the worker pool in time"
out=$(cat notify.log)
has "wedge in status" "STATUS=not alive: a no-op job did not pass"
wait "$client" || true
t2=$(now)
sleep 1.5
out=$(count WATCHDOG=1 "$t2")
run "pings again after ($out)" 0 test "$out" -ge 2
out=$(cat notify.log)
has "alive again" "STATUS=alive again"
# Not ready is still alive: the watchdog keeps pinging.
mv journal.db journal.db.saved
for _ in $(seq 100); do
	curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/healthz" >code.txt || true
	[[ $(cat code.txt) == 503 ]] && break
	sleep 0.1
done
out=$(cat code.txt)
is "not ready without the journal" "503"
t3=$(now)
sleep 1.5
out=$(count WATCHDOG=1 "$t3")
run "pings while not ready ($out)" 0 test "$out" -ge 2
mv journal.db.saved journal.db

kill -TERM "$server"
for _ in $(seq 100); do kill -0 "$server" 2>/dev/null || break; sleep 0.1; done
wait "$server" && st=0 || st=$?
server=
run "stopped cleanly" 0 test "$st" -eq 0
sleep 0.2
out=$(cat notify.log)
has "stopping" "STOPPING=1|STATUS=stopping: finishing the requests in flight"
# Nothing after STOPPING=1.
out=$(awk '/STOPPING=1/ { s = 1; next } s' notify.log)
is "no ping after stopping" ""
finish
