#!/usr/bin/env bash
# test_operations.sh - what an operator does to a running `sspr serve`,
# and that the service never says what is not so:
#
#  1. the state directory (journal, outbox, audit log) on a small tmpfs,
#     filled to a little less each round, while ALICE resets her password
#     on PROD and DR; the service is restarted after each round (journal
#     recovery).  Every claim - the API's answer per system and every
#     mail's "Systems:" line - is checked against what each ESM really
#     has: "done" means the new password works there, "not changed" and
#     "nothing was changed" that the old one still does;
#  2. the audit log cannot be appended to (disk full): /healthz is 503
#     and names it, /metrics counts it, the log says it once, security
#     changes are refused with 503 and leave the ESM alone; all of it
#     ends by itself when space is freed, and the trail records the gap;
#  3. SIGHUP, SIGUSR1, SIGUSR2 leave the service running; after
#     `mv audit.log audit.log.1; kill -HUP` (and after a plain rm) new
#     events go to a new audit.log; a deleted journal makes /healthz not
#     ready and a reset answer 503 without touching either ESM; a deleted
#     outbox makes /healthz not ready; both are ready again when the file
#     is put back, and neither is ever recreated empty.
#
# The tmpfs is mounted in a mount namespace of the test's own (as root:
# unshare -m; otherwise a user namespace too: unshare -rm), so the test
# needs no root and leaves no mount behind.  Where no namespace can be
# made it says SKIP and passes.
set -e
if [[ -z ${SSPR_OPS_NS-} ]]; then
	if [[ $(id -u) -eq 0 ]]; then ns=(unshare -m); else ns=(unshare -rm); fi
	if "${ns[@]}" sh -c 'm=$(mktemp -d) && mount -t tmpfs -o size=64k tmpfs "$m" && umount "$m"; rmdir "$m"' 2>/dev/null; then
		SSPR_OPS_NS=1 exec "${ns[@]}" /usr/bin/env bash "$0" "$@"
	fi
	echo "SKIP test_operations: cannot mount a tmpfs in a private mount namespace (${ns[*]}): nothing was tested"
	exit 0
fi
source "$(dirname "$0")/../cli/lib.sh"
cd "$work"
source "$SSPR_SRC/tests/http/lib.sh"
state=$work/state
mkdir "$state"
mount -t tmpfs -o size=2m,mode=0700 tmpfs "$state"
trap 'rc=$?; stop_server; umount "$state" 2>/dev/null || true; sanitizer_check || rc=1; rm -rf "$work"; exit $rc' EXIT

old_pw=SUNNY42 pin=583920
answers=("Rex the dog" "Lindenberg" "Hannelore")
http_esm_init
http_esm_more dr.db
for db in prod.db dr.db; do
	run "alice $db" 0 "$SSPR" esm --db $db "ADDUSER ALICE NAME('ALICE ADAMS')"
	run "alice pw $db" 0 "$SSPR" esm --db $db "ALTUSER ALICE PASSWORD($old_pw) NOEXPIRED"
done
cat >sspr.json <<CFG
{"state_dir": "$state", "key_file": "keys.json", "base_url": "http://127.0.0.1",
 "systems": [{"name": "PROD", "backend": "embedded", "db": "prod.db", "applid": "SSPRAPPL"},
             {"name": "DR", "backend": "embedded", "db": "dr.db", "applid": "SSPRAPPL"}],
 "mail": {"transport": "directory", "path": "mail", "from": "sspr@example.com"},
 "hash": {"memory_kib": 19456}}
CFG

# api METHOD PATH [BODY]: one request; the body in last.body, prints
# the body and "status=N".
api() {
	local args=(-sS --max-time 30 -X "$1" -H "Content-Type: application/json"
		-o last.body -w '%{http_code}')
	if [[ -n ${3-} ]]; then
		printf '%s' "$3" >last.req
		args+=(--data-binary @last.req)
	fi
	local st
	st=$(curl "${args[@]}" "$base$2") || return 1
	cat last.body
	printf '\nstatus=%s\n' "$st"
}
serve() {
	http_serve
	base=http://127.0.0.1:$port
}
# works DB PASSWORD: the password signs ALICE on at DB.
works() { printf '%s\n' "$2" | "$SSPR" verify --db "$1" ALICE >/dev/null 2>&1; }
# fill [FREE]: fill the state filesystem, then give FREE bytes back.
fill() {
	dd if=/dev/zero of="$state/fill" bs=4k 2>/dev/null || true
	[[ ${1:-0} -eq 0 ]] || truncate -s "-$1" "$state/fill"
}
unfill() { rm -f "$state/fill"; }

# wait_health STATUS TRIES: poll /healthz (every 0.2 s) until it answers
# STATUS; its last answer is left in $out for has().
wait_health() {
	local i
	for ((i = 0; i < $2; i++)); do
		api GET /healthz >health.txt
		grep -q "status=$1" health.txt && break
		sleep 0.2
	done
	out=$(cat health.txt)
}

# --- set-up: ALICE enrolled on both systems ---
serve
enroll=$("$py" -c 'import json,sys
print(json.dumps({"userid": "ALICE", "password": sys.argv[1], "email": "alice@example.com",
    "pin": sys.argv[2], "questions": [{"question": "Q01", "answer": sys.argv[3]},
    {"question": "Q02", "answer": sys.argv[4]}, {"question": "Q03", "answer": sys.argv[5]}]}))' \
	"$old_pw" "$pin" "${answers[@]}")
run "enroll" 0 api POST /api/v1/enroll "$enroll"
has "enroll" '"PROD":"ok"'
has "enroll" '"DR":"ok"'

# to_action: a reset of ALICE up to the choice of action; $flow, or
# returns 1.
to_action() {
	local code= asked body
	api POST /api/v1/reset '{"userid":"ALICE"}' >/dev/null || return 1
	flow=$(jget 'd.get("flow","")')
	ls mail >mail.before
	api POST /api/v1/reset/pin "{\"flow\":\"$flow\",\"pin\":\"$pin\"}" >/dev/null || return 1
	flow=$(jget 'd.get("flow","")')
	[[ -n $flow ]] || { echo "pin step: $(cat last.body)"; return 1; }
	code=$(mailed_code "" mail.before 100 0.1)
	[[ -n $code ]] || { echo "no access code mailed"; return 1; }
	api POST /api/v1/reset/code "{\"flow\":\"$flow\",\"code\":\"$code\"}" >/dev/null || return 1
	flow=$(jget 'd.get("flow","")')
	asked=$(jget '" ".join(q["id"] for q in d["questions"])')
	body=$("$py" -c 'import json,sys
ans = {"Q01": sys.argv[3], "Q02": sys.argv[4], "Q03": sys.argv[5]}
print(json.dumps({"flow": sys.argv[1], "answers": [ans[q] for q in sys.argv[2].split()]}))' \
		"$flow" "$asked" "${answers[@]}")
	api POST /api/v1/reset/answers "$body" >/dev/null || return 1
	flow=$(jget 'd.get("flow","")')
	grep -q '"step":"action"' last.body || { echo "answers step: $(cat last.body)"; return 1; }
}

# step NAME CMD...: run CMD in this shell (it sets variables), counted
# like run.
step() {
	local name=$1
	shift
	checks=$((checks + 1))
	if ! "$@" >step.log 2>&1; then
		echo "FAIL $name:"
		sed 's/^/    /' step.log
		failures=$((failures + 1))
	fi
}
flow=

# The password each system has now (found by trying): cur_PROD, cur_DR.
cur_PROD=$old_pw cur_DR=$old_pw
# truth SYS NEW: which of NEW and the current password works on SYS,
# in $t: "new", "old" or "neither"; updates cur_SYS.
truth() {
	local db=prod.db var=cur_$1
	[[ $1 == DR ]] && db=dr.db
	if works $db "$2"; then
		printf -v "$var" '%s' "$2"
		t=new
	elif works $db "${!var}"; then
		t=old
	else
		t=neither
	fi
}
# claim_ok CLAIM TRUTH: a claim ("ok" / "not-applied" / ...) agrees with
# what the ESM has.
claim_ok() {
	case $1 in
	ok) [[ $2 == new ]] ;;
	not-applied | not-attempted | unavailable | busy) [[ $2 == old ]] ;;
	unknown | pending) [[ $2 != neither ]] ;;
	*) [[ $2 == old ]] ;;
	esac
}
# mail_claims: each new reset_done mail's systems as "SYS=code" lines
# (the mail's words, mapped back to the result codes).
mail_claims() {
	"$py" - <<'PY'
import os, re, glob, email
words = {"done": "ok", "not changed: the old password still works there": "not-applied",
         "interrupted: it may or may not have been changed": "unknown",
         "nothing was changed": "not-attempted", "it cannot be reached now": "unavailable",
         "not done yet: it will be retried": "pending"}
old = set(open("mail.seen").read().split()) if os.path.exists("mail.seen") else set()
seen = open("mail.seen", "a")
for f in sorted(glob.glob("mail/*.eml"), key=os.path.getmtime):
    b = os.path.basename(f)
    if b in old:
        continue
    seen.write(b + "\n")
    m = email.message_from_bytes(open(f, "rb").read())
    t = m.get_payload(decode=True).decode("utf-8", "replace").replace("\r\n", "\n")
    s = re.search(r"^ *Systems: *(.*?)\n *Time:", t, re.M | re.S)
    if not s:
        continue
    for part in re.split(r";\s*", " ".join(s.group(1).split())):
        name, _, w = part.partition(": ")
        print("%s=%s %s" % (name.strip(), words.get(w.strip(), "?" + w.strip()), b))
PY
}

# --- 1. a nearly full state filesystem ---
: >mail.seen
mail_claims >/dev/null
rounds=0 mismatches=0 partial_seen=0
for free in 0 16384 32768 36864 40960 45056 49152 53248 57344 61440 65536 36864 40960 45056 49152 53248 57344; do
	rounds=$((rounds + 1))
	new_pw=$(printf 'ROUND%02dX' "$rounds")
	step "round $rounds: to the action step" to_action
	fill "$free"
	api POST /api/v1/reset/complete "{\"flow\":\"$flow\",\"action\":\"password\",\"new\":\"$new_pw\"}" >answer.txt || true
	unfill
	status=$(sed -n 's/^status=//p' answer.txt)
	for sys in PROD DR; do
		said=$("$py" -c 'import json,sys
try:
    d = json.load(open("last.body"))
except Exception:
    d = {}
print(d.get("systems", {}).get(sys.argv[1], "not-attempted"))' "$sys")
		truth $sys "$new_pw"
		out="round $rounds (free $free, HTTP $status): API says $sys $said, the ESM has the $t password"
		if claim_ok "$said" "$t"; then :; else
			echo "FAIL $out"
			mismatches=$((mismatches + 1))
		fi
		[[ $said == ok ]] || partial_seen=$((partial_seen + 1))
	done
	# Restart: recovery finishes what the journal holds open.
	stop_server
	sanitizer_check || failures=$((failures + 1))
	serve
	sleep 1
	while read -r claim file; do
		sys=${claim%%=*} said=${claim#*=}
		var=cur_$sys
		db=prod.db
		[[ $sys == DR ]] && db=dr.db
		# The mail is checked against the password each system has now:
		# the round's new one where "done", the one before where "not
		# changed".
		if [[ $said == ok && ${!var} != "$new_pw" ]] ||
			[[ ($said == not-applied || $said == not-attempted) && ${!var} == "$new_pw" ]]; then
			echo "FAIL round $rounds: mail $file says $sys $said, the ESM has ${!var} (new: $new_pw)"
			mismatches=$((mismatches + 1))
		fi
	done < <(mail_claims)
	checks=$((checks + 2))
done
out=$mismatches
is "no claim contradicts an ESM" "0"
out=$([[ $partial_seen -gt 0 ]] && echo yes || echo no)
is "some rounds were refused for the full disk" "yes"
run "healthz after the rounds" 0 api GET /healthz
has "healthz after the rounds" "status=200"

# --- 1b. one journal step that cannot be recorded, exactly ---
# Space runs out at a point that a filesystem cannot be made to hit every
# time, so this part makes the journal refuse precisely the steps of one
# system (and the operation's end) with SQLite's own words for it, as a
# full disk would; then "frees the space" and restarts.  What the service
# says - answer, and the recovery's mail - must match both ESMs.
# jfail SYS: refuse every later update of SYS's row and of the operation.
jfail() {
	"$py" - "$state/journal.db" "$1" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1], timeout=10)
c.executescript("""
CREATE TRIGGER test_full_sys BEFORE UPDATE ON op_systems WHEN NEW.system = '%s'
BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END;
CREATE TRIGGER test_full_ops BEFORE UPDATE ON ops
BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END;
""" % sys.argv[2])
c.close()
PY
}
junfail() {
	"$py" - "$state/journal.db" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1], timeout=10)
c.executescript("DROP TRIGGER IF EXISTS test_full_sys; DROP TRIGGER IF EXISTS test_full_ops;")
c.close()
PY
}
for sys in DR PROD DR; do
	rounds=$((rounds + 1))
	new_pw=$(printf 'ROUND%02dX' "$rounds")
	step "round $rounds: to the action step" to_action
	jfail $sys
	run "round $rounds: complete" 0 api POST /api/v1/reset/complete "{\"flow\":\"$flow\",\"action\":\"password\",\"new\":\"$new_pw\"}"
	junfail
	for s2 in PROD DR; do
		said=$("$py" -c 'import json,sys
d = json.load(open("last.body"))
print(d.get("systems", {}).get(sys.argv[1], "not-attempted"))' "$s2")
		truth $s2 "$new_pw"
		out="round $rounds ($sys's journal row refused): API says $s2 $said, the ESM has the $t password"
		if ! claim_ok "$said" "$t"; then
			echo "FAIL $out"
			mismatches=$((mismatches + 1))
		fi
	done
	nrec=$(grep -c '"action":"password.recovered"' "$state/audit.log" || true)
	stop_server
	sanitizer_check || failures=$((failures + 1))
	serve
	recovered=
	for _ in $(seq 50); do
		if [[ $(grep -c '"action":"password.recovered"' "$state/audit.log" || true) -gt $nrec ]]; then
			recovered=1
			break
		fi
		sleep 0.1
	done
	sleep 0.5
	out=${recovered:-no}
	is "round $rounds: the operation was recovered after the restart" "1"
	while read -r claim file; do
		s2=${claim%%=*} said=${claim#*=}
		var=cur_$s2
		if [[ $said == ok && ${!var} != "$new_pw" ]] ||
			[[ ($said == not-applied || $said == not-attempted) && ${!var} == "$new_pw" ]]; then
			echo "FAIL round $rounds: mail $file says $s2 $said, the ESM has ${!var} (new: $new_pw)"
			mismatches=$((mismatches + 1))
		fi
	done < <(mail_claims)
done
out=$mismatches
is "no claim contradicts an ESM (journal refused)" "0"

# --- 2. the audit log cannot be appended to ---
run "healthy" 0 api GET /healthz
has "healthy" '{"status":"ok"}'
step "to action before the audit log fills" to_action
fill 0
for _ in $(seq 60); do
	api POST /api/v1/reset '{"userid":"ALICE"}' >/dev/null
	api GET /healthz >health.txt
	grep -q 'status=503' health.txt && break
done
out=$(cat health.txt)
has "healthz full" "status=503"
has "healthz full" '"status":"not-ready"'
has "healthz full" 'audit log: cannot append'
has "healthz full" 'No space left on device'
run "metrics full" 0 api GET /metrics
has "metrics full" "sspr_healthy 0"
has "metrics full" "sspr_audit_writable 0"
lacks "metrics full" "sspr_audit_write_failures_total 0"
for _ in 1 2 3; do api POST /api/v1/reset '{"userid":"ALICE"}' >/dev/null; done
out=$(grep -c 'sspr: health: audit log: cannot append' serve.log || true)
is "one log line for the failure" "1"
# A security change is refused while it could not be audited (the flow
# was brought to its last step before the disk filled).
run "reset unaudited" 0 api POST /api/v1/reset/complete "{\"flow\":\"$flow\",\"action\":\"password\",\"new\":\"UNAUD1XX\"}"
has "reset unaudited" "status=503"
run "PROD untouched (audit)" 0 works prod.db "$cur_PROD"
run "DR untouched (audit)" 0 works dr.db "$cur_DR"
unfill
wait_health 200 100
has "healthz recovers by itself" "status=200"
out=$(grep -c 'sspr: health: audit log: recovered' serve.log || true)
is "one log line for the recovery" "1"
run "metrics recovered" 0 api GET /metrics
has "metrics recovered" "sspr_healthy 1"
has "metrics recovered" "sspr_audit_writable 1"
run "gap recorded" 0 grep -c '"action":"audit.gap","outcome":"failed","reason":"write-failed","op":null,"suppressed":' "$state/audit.log"

# --- 3. signals, rotation, a deleted journal ---
for sig in HUP USR1 USR2 HUP; do
	kill -s $sig "$server"
	sleep 0.3
	run "alive after SIG$sig" 0 kill -0 "$server"
	run "healthz after SIG$sig" 0 api GET /healthz
	has "healthz after SIG$sig" "status=200"
done
mv "$state/audit.log" "$state/audit.log.1"
kill -HUP "$server"
sleep 0.3
api POST /api/v1/reset '{"userid":"NOBODY1"}' >/dev/null
run "new audit.log after rotation" 0 grep -c '"user":"NOBODY1"' "$state/audit.log"
run "not in the rotated one" 1 grep -q '"user":"NOBODY1"' "$state/audit.log.1"
run "audit.log mode" 0 stat -c %a "$state/audit.log"
is "audit.log mode" "600"
rm "$state/audit.log"
api POST /api/v1/reset '{"userid":"NOBODY2"}' >/dev/null
run "audit.log begun anew after rm" 0 grep -c '"user":"NOBODY2"' "$state/audit.log"
run "the reopen logged" 0 grep -c "audit.log' reopened on request" serve.log
run "audit.log mode after rm" 0 stat -c %a "$state/audit.log"
is "audit.log mode after rm" "600"

step "to action before the journal goes" to_action
mv "$state/journal.db" "$state/journal.db.saved"
run "healthz journal gone" 0 api GET /healthz
for _ in $(seq 50); do
	grep -q 'status=503' <<<"$out" && break
	sleep 0.2
	run "healthz journal gone" 0 api GET /healthz
done
has "healthz journal gone" "status=503"
has "healthz journal gone" "journal file:"
run "reset without a journal" 0 api POST /api/v1/reset/complete "{\"flow\":\"$flow\",\"action\":\"password\",\"new\":\"NOJRN1XX\"}"
has "reset without a journal" "status=503"
run "PROD untouched" 0 works prod.db "$cur_PROD"
run "DR untouched" 0 works dr.db "$cur_DR"
run "no new journal made" 1 test -e "$state/journal.db"
mv "$state/journal.db.saved" "$state/journal.db"
wait_health 200 50
has "healthz journal back" "status=200"
run "journal logged" 0 grep -c 'sspr: health: journal file: recovered' serve.log
# The outbox likewise: gone, it is a health problem, and no mail is
# queued into a file that a restart would not see.
mv "$state/outbox.db" "$state/outbox.db.saved"
wait_health 503 50
has "healthz outbox gone" "status=503"
has "healthz outbox gone" "outbox file:"
run "metrics outbox gone" 0 api GET /metrics
has "metrics outbox gone" "sspr_outbox_file_present 0"
has "metrics outbox gone" "sspr_healthy 0"
run "no new outbox made" 1 test -e "$state/outbox.db"
mv "$state/outbox.db.saved" "$state/outbox.db"
wait_health 200 50
has "healthz outbox back" "status=200"
stop_server
run "stopped gracefully" 0 grep -c '^sspr: stopping' serve.log
finish
