#!/usr/bin/env bash
# test_back_to_back.sh - changes that follow each other at once, through
# the real daemon (two workers) on two systems, PROD and DR: two whole
# resets of one user, the second right after the first, both change the
# password everywhere, and no PassTicket is refused as a replay of an
# earlier one; then, right after a third reset, a helpdesk replication of
# the user succeeds too.
set -e
source "$(dirname "$0")/../cli/lib.sh"
cd "$work"
source "$SSPR_SRC/tests/http/lib.sh"

alice_pw=SUNNY42 pin=583920 help_pw=HELPA12
answers=("Rex the dog" "Lindenberg" "Hannelore")

# --- set-up: PROD and DR with the same fields, rules and PassTicket key ---
http_esm_init
http_esm_more dr.db
dr() { "$SSPR" esm --db dr.db "$@"; }
run "dr rules" 0 dr "SETROPTS PASSWORD(RULE1(LENGTH(6:8) ALPHA(1) NUMERIC(6)))"
for db in prod.db dr.db; do
	run "users $db" 0 "$SSPR" esm --db $db "ADDGROUP USERS"
	run "help $db" 0 "$SSPR" esm --db $db "ADDGROUP SSPRHELP"
	run "alice $db" 0 "$SSPR" esm --db $db "ADDUSER ALICE NAME('ALICE ADAMS') DFLTGRP(USERS)"
	run "alice pw $db" 0 "$SSPR" esm --db $db "ALTUSER ALICE PASSWORD($alice_pw) NOEXPIRED"
	run "help01 $db" 0 "$SSPR" esm --db $db "ADDUSER HELP01 NAME('HELP01') DFLTGRP(USERS)"
	run "help01 pw $db" 0 "$SSPR" esm --db $db "ALTUSER HELP01 PASSWORD($help_pw) NOEXPIRED"
	run "help01 group $db" 0 "$SSPR" esm --db $db "CONNECT HELP01 GROUP(SSPRHELP)"
done
cat >sspr.json <<'CFG'
{"state_dir": ".", "key_file": "keys.json", "base_url": "http://127.0.0.1",
 "systems": [{"name": "PROD", "role": "primary", "backend": "embedded", "db": "prod.db", "applid": "SSPRAPPL"},
             {"name": "DR", "role": "replica", "backend": "embedded", "db": "dr.db", "applid": "SSPRAPPL"}],
 "mail": {"transport": "directory", "path": "mail", "from": "sspr@example.com"},
 "helpdesk": {"group": "SSPRHELP", "protected_groups": ["SYS1"]},
 "hash": {"memory_kib": 19456}}
CFG
http_serve
base=http://127.0.0.1:$port

# api TAG METHOD PATH [BODY [CURL ARGS...]]: one JSON request; the body is
# left in TAG.body; prints the body and "status=N".
api() {
	local tag=$1 method=$2 path=$3 body=${4-}
	shift 3
	[[ $# -gt 0 ]] && shift
	printf '%s' "$body" >"$tag.req"
	local st
	st=$(curl -sS --max-time 30 -X "$method" -H 'Content-Type: application/json' \
		--data-binary @"$tag.req" -o "$tag.body" -w '%{http_code}' "$@" "$base$path") || return 1
	cat "$tag.body"
	printf '\nstatus=%s\n' "$st"
}
# field TAG EXPR: a Python expression over the JSON in TAG.body (as d).
field() { "$py" -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1.body" "$2"; }

# to_action TAG: a reset flow of ALICE brought to the action step; its
# token in TAG.flow.
to_action() {
	local tag=$1 flow code asked body
	api "$tag" POST /api/v1/reset '{"userid":"ALICE"}' >/dev/null
	flow=$(field "$tag" 'd["flow"]')
	ls mail >"$tag.before"
	api "$tag" POST /api/v1/reset/pin "{\"flow\":\"$flow\",\"pin\":\"$pin\"}" >/dev/null
	flow=$(field "$tag" 'd["flow"]')
	code=$(mailed_code "" "$tag.before" 500 0.02)
	[[ -n $code ]] || { echo "no access code mailed"; return 1; }
	api "$tag" POST /api/v1/reset/code "{\"flow\":\"$flow\",\"code\":\"$code\"}" >/dev/null
	flow=$(field "$tag" 'd["flow"]')
	asked=$(field "$tag" '" ".join(q["id"] for q in d["questions"])')
	body=$("$py" -c 'import json,sys
ans = {"Q01": sys.argv[3], "Q02": sys.argv[4], "Q03": sys.argv[5]}
print(json.dumps({"flow": sys.argv[1], "answers": [ans[q] for q in sys.argv[2].split()]}))' \
		"$flow" "$asked" "${answers[@]}")
	api "$tag" POST /api/v1/reset/answers "$body" >/dev/null
	field "$tag" 'd["step"]' | grep -qx action || { cat "$tag.body"; return 1; }
	field "$tag" 'd["flow"]' >"$tag.flow"
}
# complete TAG NEW: complete TAG's flow with the password NEW.
complete() {
	api "$1" POST /api/v1/reset/complete \
		"{\"flow\":\"$(cat "$1.flow")\",\"action\":\"password\",\"new\":\"$2\"}"
}
# works DB PASSWORD: the password signs ALICE on at DB.
works() { printf '%s\n' "$2" | "$SSPR" verify --db "$1" ALICE; }

body=$("$py" -c 'import json,sys
print(json.dumps({"userid": "ALICE", "password": sys.argv[1], "email": "alice@example.com",
    "pin": sys.argv[2], "questions": [{"question": "Q01", "answer": sys.argv[3]},
    {"question": "Q02", "answer": sys.argv[4]}, {"question": "Q03", "answer": sys.argv[5]}]}))' \
	"$alice_pw" "$pin" "${answers[@]}")
run "enroll" 0 api en POST /api/v1/enroll "$body"
has "enroll" '{"systems":{"PROD":"ok","DR":"ok"}}'

# --- 1. two resets, one right after the other ---
# One flow per user reaches the last step at a time (a new access code
# voids the old flow), so the second reset starts when the first is done;
# with the light hash settings below both often complete in one second.
# The test sspr/test_flow back_to_back_resets makes it certain with a
# frozen clock.
t0=$(date +%s)
run "flow one" 0 to_action one
run "reset one" 0 complete one NEWPW111
has "reset one" "status=200"
has "reset one" '{"systems":{"PROD":"ok","DR":"ok"}}'
run "flow two" 0 to_action two
run "reset two" 0 complete two NEWPW222
has "reset two" "status=200"
has "reset two" '{"systems":{"PROD":"ok","DR":"ok"}}'
lacks "reset two" "passticket-refused"
echo "two resets in $(($(date +%s) - t0)) s"
run "the second password works on PROD" 0 works prod.db NEWPW222
run "and on DR" 0 works dr.db NEWPW222
run "the first one is gone" 1 works prod.db NEWPW111

# --- 2. a reset, then at once a helpdesk action on the same user ---
run "flow three" 0 to_action three
run "reset three" 0 complete three NEWPW333
has "reset three" '{"systems":{"PROD":"ok","DR":"ok"}}'
run "helpdesk login" 0 api hd POST /api/v1/helpdesk/login "{\"userid\":\"HELP01\",\"password\":\"$help_pw\"}"
has "helpdesk login" "status=200"
token=$(field hd 'd["token"]')
run "helpdesk replicate" 0 api hd POST /api/v1/helpdesk/users/ALICE/replicate \
	'{"from":"PROD","to":["DR"]}' -H "Authorization: Bearer $token"
has "helpdesk replicate" "status=200"
lacks "helpdesk replicate" "refused"
run "reset three on PROD" 0 works prod.db NEWPW333
run "reset three on DR" 0 works dr.db NEWPW333
finish
