#!/usr/bin/env bash
# test_partial.sh - what users are told when an operation on two systems
# (PROD, DR) is done on one only, or refused by one:
#   - DR fails every write (the "inject": {"fail_writes": N} setting): an
#     enrollment is 200 with "status": "partial", PROD "ok" and DR
#     "pending" (the journal retries it), and the page says "Partly done",
#     where it was changed and where it will be retried; a reset sets the
#     new password on PROD, DR "not-applied" (the old one still works
#     there), and the page says so;
#   - DR's password rules are stricter: the reset is 422 with the reason
#     naming DR and the result per system, nothing is changed anywhere,
#     and the page shows the same in words.
set -e
source "$(dirname "$0")/../cli/lib.sh"
cd "$work"
source "$SSPR_SRC/tests/http/lib.sh"

pin=583920
http_esm_init
dr() { "$SSPR" esm --db dr.db "$@"; }
http_esm_more dr.db
run "dr rules" 0 dr "SETROPTS PASSWORD(RULE1(LENGTH(6:8) ALPHA(1) NUMERIC(6)))"
for id in ALICE BOB CAROL; do
	run "add $id" 0 esm "ADDUSER $id NAME('$id')"
	run "pw $id" 0 esm "ALTUSER $id PASSWORD(${id:0:4}A12) NOEXPIRED"
	run "add $id dr" 0 dr "ADDUSER $id NAME('$id')"
	run "pw $id dr" 0 dr "ALTUSER $id PASSWORD(${id:0:4}A12) NOEXPIRED"
done
config() { # DR's extra members
	cat >sspr.json <<CFG
{"state_dir": ".", "key_file": "keys.json",
 "systems": [{"name": "PROD", "role": "primary", "backend": "embedded", "db": "prod.db", "applid": "SSPRAPPL"},
             {"name": "DR", "backend": "embedded", "db": "dr.db", "applid": "SSPRAPPL"$1}],
 "mail": {"transport": "directory", "path": "mail", "from": "sspr@example.com"},
 "journal": {"retry_seconds": 3600}}
CFG
}
base=

# api METHOD PATH [BODY]: JSON; the body in last.body, then "status=N".
api() {
	printf '%s' "${3-}" >last.req
	curl -sS --max-time 30 -X "$1" -H 'Content-Type: application/json' \
		--data-binary @last.req -o last.body -w '%{http_code}' "$base$2" >last.st
	cat last.body
	printf '\nstatus=%s\n' "$(cat last.st)"
}
# get/post PATH [BODY]: a page with the cookie jar; the page in page.html,
# its status in $out.
get() { run "GET $1" 0 curl -s -c jar -b jar -o page.html -w '%{http_code}' "$base$1"; }
post() { run "POST $1" 0 curl -s -c jar -b jar -o page.html -w '%{http_code}' -d "$2" "$base$1"; }
csrf() { sed -n 's/.*name="csrf" value="\([A-Z2-7]*\)".*/\1/p' page.html | head -1; }
# The flow field of a reset step's page (the flow travels in the form).
fl() { sed -n 's/.*name="flow" value="\([0-9a-f]*\)".*/\1/p' page.html | head -1; }
h1() { sed -n 's/.*<h1>\(.*\)<\/h1>.*/\1/p' page.html | head -1; }
enroll_body() {
	echo "{\"userid\":\"$1\",\"password\":\"$2\",\"email\":\"$(tr A-Z a-z <<<"$1")@example.com\",\"pin\":\"$pin\",
 \"questions\":[{\"question\":\"Q01\",\"answer\":\"Rex the dog\"},{\"question\":\"Q02\",\"answer\":\"Lindenberg\"},
 {\"question\":\"Q03\",\"answer\":\"Hannelore\"}]}"
}
# code USER: the newest access code mailed to USER.
code() { mailed_code "$1" "" 50 0.1; }
# api_reset USER NEW: a whole reset through the API up to the action
# step, then complete with NEW; the answer in $out.
api_reset() {
	local flow asked body c
	rm -f mail/*.eml
	api POST /api/v1/reset "{\"userid\":\"$1\"}" >/dev/null
	flow=$(jget 'd["flow"]')
	api POST /api/v1/reset/pin "{\"flow\":\"$flow\",\"pin\":\"$pin\"}" >/dev/null
	flow=$(jget 'd["flow"]')
	c=$(code "$1")
	api POST /api/v1/reset/code "{\"flow\":\"$flow\",\"code\":\"$c\"}" >/dev/null
	flow=$(jget 'd["flow"]')
	asked=$(jget '" ".join(q["id"] for q in d["questions"])')
	body=$("$py" -c 'import json,sys
ans = {"Q01": "Rex the dog", "Q02": "Lindenberg", "Q03": "Hannelore"}
print(json.dumps({"flow": sys.argv[1], "answers": [ans[q] for q in sys.argv[2].split()]}))' "$flow" "$asked")
	api POST /api/v1/reset/answers "$body" >/dev/null
	flow=$(jget 'd["flow"]')
	run "complete $1" 0 api POST /api/v1/reset/complete "{\"flow\":\"$flow\",\"action\":\"password\",\"new\":\"$2\"}"
}
# page_reset USER NEW: the same through the pages; the result page in
# page.html, its status in $out.
page_reset() {
	local tok c ans=() q
	rm -f mail/*.eml jar
	get /reset && tok=$(csrf)
	post /reset "csrf=$tok&userid=$1"
	post /reset/pin "csrf=$tok&flow=$(fl)&pin=$pin"
	c=$(code "$1")
	post /reset/code "csrf=$tok&flow=$(fl)&code=$c"
	for q in $(sed -n 's/.*<label for="a[0-9]">\(.*\)$/\1/p' page.html | tr ' ' '_'); do
		case $q in
		*pet*) ans+=("Rex+the+dog") ;;
		*town*) ans+=(Lindenberg) ;;
		*) ans+=(Hannelore) ;;
		esac
	done
	post /reset/answers "csrf=$tok&flow=$(fl)&a1=${ans[0]}&a2=${ans[1]}"
	post /reset/complete "csrf=$tok&flow=$(fl)&action=password&sys_prod=1&sys_dr=1&new=$2&confirm=$2"
}
verify() { # DB USER SECRET: sspr verify's resp
	printf '%s\n' "$3" | "$SSPR" verify --db "$1" "$2" | "$py" -c 'import json,sys; print(json.load(sys.stdin)["resp"])'
}

# --- 1. DR fails every write ---
config ', "inject": {"fail_writes": 100000}'
http_serve
base=http://localhost:$port
run "enroll alice" 0 api POST /api/v1/enroll "$(enroll_body ALICE ALICA12)"
has "enroll alice" "status=200"
run "enroll alice: systems" 0 jget 'd["systems"]'
is "enroll alice: systems" "{'PROD': 'ok', 'DR': 'pending'}"
run "enroll alice: partial" 0 jget 'd["status"]'
is "enroll alice: partial" "partial"

get /enroll && tok=$(csrf)
post /enroll "csrf=$tok&userid=BOB&password=BOBA12&email=bob%40example.com&pin=$pin&q1=Q01&a1=Rex+the+dog&q2=Q02&a2=Lindenberg&q3=Q03&a3=Hannelore"
is "enroll bob page" "200"
out=$(h1)
is "enroll bob page: title" "Partly done"
run "enroll bob page" 0 cat page.html
has "enroll bob page: changed" "Changed on: PROD"
has "enroll bob page: retried" "Not changed yet, will be retried automatically on: DR"
lacks "enroll bob page: not the full success" "Your enrollment was saved."
has "enroll bob page: the code" "<code>pending</code>"
# Two enrollments wait for DR: the metrics and the readiness check say so.
# (the gauge is measured every 5 s by the service's retry timer)
for _ in $(seq 120); do
	out=$(curl -sS "$base/metrics" | sed -n 's/^sspr_journal_pending //p')
	[[ $out == 2 ]] && break
	sleep 0.1
done
is "metrics: journal" "2"
run "check" 0 "$SSPR" check -c sspr.json
has "check" "2 operations are not yet done on every system"

api_reset ALICE NEWPW12
has "reset alice" "status=200"
run "reset alice: systems" 0 jget 'd["systems"]'
is "reset alice: systems" "{'PROD': 'ok', 'DR': 'not-applied'}"
run "reset alice: partial" 0 jget 'd["status"]'
is "reset alice: partial" "partial"
out=$(verify prod.db ALICE NEWPW12)
is "new password on prod" "NORMAL"
out=$(verify dr.db ALICE ALICA12)
is "old password still on dr" "NORMAL"

page_reset BOB NEWPW13
is "reset bob page" "200"
out=$(h1)
is "reset bob page: title" "Partly done"
run "reset bob page" 0 cat page.html
has "reset bob page: changed" "Changed on: PROD"
has "reset bob page: not changed" "Not changed on: DR"
has "reset bob page: why" "<code>not-applied</code>"
lacks "reset bob page: not the full success" "Sign on with your new password."
out=$(verify prod.db BOB NEWPW13)
is "bob: new password on prod" "NORMAL"
out=$(verify dr.db BOB BOBA12)
is "bob: old password still on dr" "NORMAL"
stop_server

# --- 2. DR refuses the new password (stricter rules): nothing changes ---
run "dr stricter" 0 dr "SETROPTS PASSWORD(RULE1(LENGTH(8) ALPHA(1) NUMERIC(8)))"
config ''
http_serve
base=http://localhost:$port
run "enroll carol" 0 api POST /api/v1/enroll "$(enroll_body CAROL CAROA12)"
run "enroll carol: systems" 0 jget 'd["systems"]'
is "enroll carol: systems" "{'PROD': 'ok', 'DR': 'ok'}"
api_reset CAROL NEWPW14
has "reset carol" "status=422"
run "reset carol: error" 0 jget 'd["error"]["code"]'
is "reset carol: error" "invalid"
run "reset carol: names DR" 0 jget 'd["error"]["message"]'
has "reset carol: names DR" "DR"
run "reset carol: systems" 0 jget 'd["systems"]["DR"]'
is "reset carol: systems" "rules"
run "reset carol: prod untouched" 0 jget 'd["systems"]["PROD"]'
is "reset carol: prod untouched" "not-attempted"
out=$(verify prod.db CAROL CAROA12)
is "carol: old password still on prod" "NORMAL"

page_reset CAROL NEWPW15
is "reset carol page" "422"
# Nothing was changed and the flow is kept: the action page again, with
# the reason and the result per system, to choose another password.
out=$(h1)
is "reset carol page: title" "What should happen?"
run "reset carol page" 0 cat page.html
has "reset carol page: names DR" "DR: the new password does not meet its password rules"
has "reset carol page: DR refused" "Not changed: the new password breaks this system&#39;s rules"
has "reset carol page: unchanged" "Not changed on: PROD, DR"
out=$(verify prod.db CAROL CAROA12)
is "carol: still the old password" "NORMAL"
stop_server

finish
