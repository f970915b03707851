#!/usr/bin/env bash
# test_recovery.sh - `sspr serve` killed in the middle of an enrollment on
# two systems (the "inject": {"abort_after_writes": 1} setting: SIGKILL
# right after the first system is written, as kill -9 would), then
# started again: the journal finishes the enrollment on the other system,
# both hold the same stored values, and the audit trail reports it.
set -e
source "$(dirname "$0")/../cli/lib.sh"
cd "$work"
source "$SSPR_SRC/tests/http/lib.sh"

http_esm_init
http_esm_more dr.db
for db in prod.db dr.db; do
	run "alice $db" 0 "$SSPR" esm --db $db "ADDUSER ALICE NAME('ALICE ADAMS')"
	run "alice pw $db" 0 "$SSPR" esm --db $db "ALTUSER ALICE PASSWORD(SUNNY42) NOEXPIRED"
done
config() { # DR's extra members, extra top-level members
	cat >sspr.json <<CFG
{"state_dir": ".", "key_file": "keys.json", "base_url": "http://127.0.0.1",
 "systems": [{"name": "PROD", "backend": "embedded", "db": "prod.db", "applid": "SSPRAPPL"},
             {"name": "DR", "backend": "embedded", "db": "dr.db", "applid": "SSPRAPPL"$1}],
 "mail": {"transport": "directory", "path": "mail", "from": "sspr@example.com"}$2}
CFG
}
body='{"userid":"ALICE","password":"SUNNY42","email":"alice@example.com","pin":"583920",
 "questions":[{"question":"Q01","answer":"Rex the dog"},{"question":"Q02","answer":"Lindenberg"},
 {"question":"Q03","answer":"Hannelore"}]}'

# The first write lands on PROD (DR is 100 ms away, so PROD is first);
# then the process is killed.
config ', "inject": {"latency_ms": 100}' ', "inject": {"abort_after_writes": 1}'
http_serve
run "enroll killed" 7 sh -c "curl -sS --max-time 20 -o /dev/null -w '%{http_code}' \
	-H 'Content-Type: application/json' --data-binary '$body' \
	http://127.0.0.1:$port/api/v1/enroll >/dev/null 2>&1; echo \$? >curl.rc; \
	for i in \$(seq 50); do kill -0 $server 2>/dev/null || exit 7; sleep 0.1; done; exit 0"
{ wait "$server"; } 2>/dev/null && st=0 || st=$?
server=
run "killed by SIGKILL" 0 test "$st" -eq 137
pins() {
	for db in prod.db dr.db; do
		"$SSPR" esm --db $db "LISTUSER ALICE CSDATA" | sed -n 's/^ *SSPRPIN *= *//p'
	done
}
out=$(pins | grep -c .)
is "one system written" "1"
run "prod written" 0 "$SSPR" esm --db prod.db "LISTUSER ALICE CSDATA"
has "prod written" "SSPRPIN"

# sspr check sees the operation waiting (a warning, not a failure).
run "check" 0 "$SSPR" check -c sspr.json
has "check" "1 operation is not yet done on every system"

# Started again (without the setting): the journal finishes the job.
config '' ''
http_serve
for _ in $(seq 50); do
	[[ $(pins | grep -c .) == 2 ]] && break
	sleep 0.1
done
out=$(pins | sort -u | grep -c .)
is "both written, alike" "1"
out=$(pins | grep -c .)
is "both written" "2"
stop_server
run "check again" 0 "$SSPR" check -c sspr.json
has "check again" "no operation is waiting for a system"
run "audit" 0 "$SSPR" audit -c sspr.json --user ALICE
has "audit" "enroll.recovered  ok  user=ALICE actor=recovery"
has "audit" "systems=PROD:ok,DR:ok"
lacks "audit" "583920"
lacks "audit" "S1\$"
finish
