#!/usr/bin/env bash
# test_helpdesk.sh - the helpdesk of `sspr serve` (API and pages) against a
# real daemon with two embedded systems, PROD (primary) and DR:
#   - the authorization matrix of helpdesk_authz.tsv: every helpdesk route
#     x {anonymous, ordinary user refused at sign-on, recovering user with
#     a flow token, operator}, each cell's exact status, and the matrix's
#     rows are exactly the helpdesk routes of web_routes[] (AUTHZ-01);
#   - protected targets (SPECIAL, a helpdesk member, a member of a
#     protected group, the operator himself) are 403 for every action and
#     shown without action forms (AUTHZ-02);
#   - a "password" (or any other unknown) member or form field is 400
#     (AUTHZ-03), the path's user ID is validated;
#   - look-up, drift, replicate (the DR fields then equal PROD's, the
#     digests become equal, the drift is gone), clear-lockout (the locked
#     user can go on), send-code (a message in the mail directory);
#   - sessions: cookie attributes, API tokens never from cookies, logout,
#     and removing the operator from the group ends his session at once;
#   - without "helpdesk" in the configuration every helpdesk route is 404;
#   - no response in the whole test carries a canary secret (passwords,
#     PIN, answers, access codes, any S1$ hash) (DATA-01).
set -e
source "$(dirname "$0")/../cli/lib.sh"
cd "$work"
source "$SSPR_SRC/tests/http/lib.sh"
matrix=$SSPR_SRC/tests/http/helpdesk_authz.tsv

# The secrets of this test (canaries: none may appear in any response).
joe_pw=JOEPW12 kim_pw=KIMPW12 help1_pw=HELPA12 help2_pw=HELPB12 root_pw=ROOTP12
pin=583920
answers=("Canary Rex the dog" "Canary Lindenberg" "Canary Hannelore")

# --- set-up: PROD and DR with the same fields, rules and PassTicket key ---
http_esm_init
dr() { "$SSPR" esm --db dr.db "$@"; }
http_esm_more dr.db
run "dr rules" 0 dr "SETROPTS PASSWORD(RULE1(LENGTH(6:8) ALPHA(1) NUMERIC(6)))"
# both: adduser ID PASSWORD [ADDUSER OPERANDS...] on PROD and DR.
both() {
	local id=$1 pw=$2
	shift 2
	run "add $id prod" 0 esm "ADDUSER $id NAME('$id') $*"
	run "add $id dr" 0 dr "ADDUSER $id NAME('$id') $*"
	run "pw $id prod" 0 esm "ALTUSER $id PASSWORD($pw) NOEXPIRED"
	run "pw $id dr" 0 dr "ALTUSER $id PASSWORD($pw) NOEXPIRED"
}
for g in USERS SSPRHELP; do
	run "group $g prod" 0 esm "ADDGROUP $g"
	run "group $g dr" 0 dr "ADDGROUP $g"
done
# Users are not left in SYS1 (the embedded ESM's default group), which is
# a protected group here.
both HELP01 "$help1_pw" "DFLTGRP(USERS)"
both HELP02 "$help2_pw" "DFLTGRP(USERS)"
both JOE "$joe_pw" "DFLTGRP(USERS)"
both KIM "$kim_pw" "DFLTGRP(USERS)"
both ROOT1 "$root_pw" "DFLTGRP(USERS) SPECIAL"
both SYSPROG "$root_pw"
for id in HELP01 HELP02; do
	run "connect $id prod" 0 esm "CONNECT $id GROUP(SSPRHELP)"
	run "connect $id dr" 0 dr "CONNECT $id GROUP(SSPRHELP)"
done
config() { # config EXTRA-TOP-LEVEL-MEMBERS
	cat >sspr.json <<CFG
{"state_dir": ".", "key_file": "keys.json",
 "systems": [{"name": "PROD", "role": "primary", "backend": "embedded", "db": "prod.db", "applid": "SSPRAPPL"},
             {"name": "DR", "role": "replica", "backend": "embedded", "db": "dr.db", "applid": "SSPRAPPL"}],
 "mail": {"transport": "directory", "path": "mail", "from": "sspr@example.com"},
 "reset": {"max_failures": 3}$1}
CFG
}
config ', "helpdesk": {"group": "SSPRHELP", "idle_minutes": 15, "max_hours": 8, "protected_groups": ["SYS1"]}'
http_serve
# "localhost": a secure context for curl, so __Host- cookies come back.
base=http://localhost:$port

# req [-c COOKIE] [-a TOKEN] [-f | -t CONTENT-TYPE] METHOD PATH [BODY
# [CURL ARGS...]]: one request, JSON (or with -f a form); prints the
# headers, the body and "status=N" last.  Every answer goes to answers.all
# for the canary scan.
req() {
	local cookie= auth= ct=application/json
	while [[ $1 == -? ]]; do
		case $1 in
		-c) cookie=$2; shift 2 ;;
		-a) auth=$2; shift 2 ;;
		-f) ct=application/x-www-form-urlencoded; shift ;;
		-t) ct=$2; shift 2 ;;
		esac
	done
	local method=$1 path=$2 body=${3-}
	shift 2
	[[ $# -gt 0 ]] && shift
	local args=(-sS --max-time 30 -X "$method" -o last.body -D last.hdr -w '%{http_code}')
	[[ $method == POST ]] && args+=(-H "Content-Type: $ct" --data-binary @last.req)
	printf '%s' "$body" >last.req
	[[ -n $cookie ]] && args+=(-H "Cookie: $cookie")
	[[ -n $auth ]] && args+=(-H "Authorization: Bearer $auth")
	local st
	st=$(curl "${args[@]}" "$@" "$base$path") || return 1
	{
		cat last.hdr last.body
		echo
	} >>answers.all
	tr -d '\r' <last.hdr
	cat last.body
	printf '\nstatus=%s\n' "$st"
}
# status NAME WANT: the last request's status is exactly WANT.
status() {
	local saved=$out
	out=$(sed -n 's/^status=//p' <<<"$saved" | tail -1)
	is "$1: status" "$2"
	out=$saved
}
# Page POSTs carry a CSRF token equal to their __Host-csrf cookie.
csrf=ABCDEFGHIJKLMNOPQRSTUVWXYZ
# settle: wait until the outbox is empty (the sender delivers in the
# background), 10 s at most.
settle() {
	for _ in $(seq 100); do
		[[ $(curl -sS "$base/metrics") == *$'\nsspr_mail_queue_length 0\n'* ]] && return 0
		sleep 0.1
	done
	return 1
}
# hd_codes: the helpdesk's access-code messages to JOE in the directory.
hd_codes() {
	settle || true
	"$py" - <<'PY'
import glob, re
n = 0
for f in glob.glob("mail/*.eml"):
    t = open(f, encoding="utf-8", errors="replace").read().replace("\r\n", "\n")
    head = t.split("\n\n", 1)[0]
    if re.search(r"^To: .*joe@example\.com", head, re.M | re.I) and \
       re.search(r"^Subject: An access code from the helpdesk for JOE", head, re.M):
        n += 1
print(n)
PY
}

# --- enrollment: JOE on PROD only (drift), KIM everywhere ---
enroll_body() { # USERID PASSWORD [SYSTEMS-JSON]
	"$py" -c 'import json,sys
u, pw, systems, a1, a2, a3 = sys.argv[1:]
b = {"userid": u, "password": pw, "email": u.lower() + "@example.com",
     "pin": "'"$pin"'", "questions": [{"question": "Q01", "answer": a1},
     {"question": "Q02", "answer": a2}, {"question": "Q03", "answer": a3}]}
if systems:
    b["systems"] = json.loads(systems)
print(json.dumps(b))' "$1" "$2" "${3-}" "${answers[@]}"
}
run "enroll joe" 0 req POST /api/v1/enroll "$(enroll_body JOE "$joe_pw" '["PROD"]')"
status "enroll joe" 200
has "enroll joe" '{"systems":{"PROD":"ok"}}'
run "enroll kim" 0 req POST /api/v1/enroll "$(enroll_body KIM "$kim_pw")"
status "enroll kim" 200
has "enroll kim" '{"systems":{"PROD":"ok","DR":"ok"}}'

# --- JOE locks himself out of self-service: 3 wrong PINs ---
for i in 1 2 3; do
	run "start $i" 0 req POST /api/v1/reset '{"userid":"JOE"}'
	flow=$(jget 'd["flow"]')
	run "wrong pin $i" 0 req POST /api/v1/reset/pin "{\"flow\":\"$flow\",\"pin\":\"60493$i\"}"
	status "wrong pin $i" 403
done
run "locked start" 0 req POST /api/v1/reset '{"userid":"JOE"}'
flow=$(jget 'd["flow"]')
run "locked: right pin refused" 0 req POST /api/v1/reset/pin "{\"flow\":\"$flow\",\"pin\":\"$pin\"}"
status "locked: right pin refused" 403

# --- the roles' credentials ---
# recovering: a reset flow of JOE's, from the API and from the pages.
run "recovering flow" 0 req POST /api/v1/reset '{"userid":"JOE"}'
rflow=$(jget 'd["flow"]')
run "recovering page flow" 0 req -f -c "__Host-csrf=$csrf" POST /reset "csrf=$csrf&userid=JOE"
status "recovering page flow" 200
# The pages carry the flow in the form, sealed under the __Host-fb cookie.
pflow=$(sed -n 's/.*name="flow" value="\([0-9a-f]*\)".*/\1/p' <<<"$out" | head -1)
pfb=$(sed -n 's/^Set-Cookie: __Host-fb=\([^;]*\);.*/\1/p' <<<"$out" | head -1)
run "page flow" 0 test -n "$pflow" -a -n "$pfb"
# user: JOE's sign-on is refused (the matrix checks that), so all he has
# is a token he made up.
forged=$("$py" -c 'import secrets; print(secrets.token_urlsafe(32))')

# role_opts ROLE api|page: the req options of the role, into ropts.
declare -A api_tok=() page_tok=()
role_opts() {
	local c="__Host-csrf=$csrf"
	case $1/$2 in
	anonymous/api) ropts=() ;;
	user/api) ropts=(-a "$forged") ;;
	recovering/api) ropts=(-a "$rflow") ;;
	operator/api) ropts=() && [[ -n ${api_tok[op]-} ]] && ropts=(-a "${api_tok[op]}") ;;
	anonymous/page) ropts=(-c "$c") ;;
	user/page) ropts=(-c "$c; __Host-hd=$forged") ;;
	recovering/page) ropts=(-c "$c; __Host-fb=$pfb; __Host-hd=$pflow") ;;
	operator/page) ropts=(-c "$c") && [[ -n ${page_tok[op]-} ]] && ropts=(-c "$c; __Host-hd=${page_tok[op]}") ;;
	esac
	return 0
}
# The sign-on each role attempts.
login_body() {
	case $1 in
	anonymous) echo '{"userid":"NOBODY","password":"WRONG12"}' ;;
	user) echo "{\"userid\":\"JOE\",\"password\":\"$joe_pw\"}" ;;
	recovering) echo '{"userid":"JOE","password":"GUESS12"}' ;;
	operator) echo "{\"userid\":\"HELP01\",\"password\":\"$help1_pw\"}" ;;
	esac
}
login_form() {
	case $1 in
	anonymous) echo "csrf=$csrf&userid=NOBODY&password=WRONG12" ;;
	user) echo "csrf=$csrf&userid=JOE&password=$joe_pw" ;;
	recovering) echo "csrf=$csrf&userid=JOE&password=GUESS12" ;;
	operator) echo "csrf=$csrf&userid=HELP01&password=$help1_pw" ;;
	esac
}
# api_login USERID PASSWORD: a new API session's token.
api_login() {
	req POST /api/v1/helpdesk/login "{\"userid\":\"$1\",\"password\":\"$2\"}" >/dev/null &&
		jget 'd["token"]'
}
# page_login USERID PASSWORD: a new page session's cookie value.
page_login() {
	req -f -c "__Host-csrf=$csrf" POST /helpdesk "csrf=$csrf&userid=$1&password=$2" |
		sed -n 's/^Set-Cookie: __Host-hd=\([^;]*\);.*/\1/p' | head -1
}

# cell METHOD ROUTE ROLE: the route's request as the role; its status must
# be the matrix's.  The answer is left in $out.
cells=0
cell() {
	local method=$1 route=$2 role=$3 want path body= kind=api
	want=$(awk -F'\t' -v m="$method" -v p="$route" -v r="$role" '
		/^#/ { next }
		{ col["anonymous"] = 3; col["user"] = 4; col["recovering"] = 5; col["operator"] = 6 }
		$1 == m && $2 == p { print $(col[r]) }' "$matrix")
	path=${route//\{id\}/JOE}
	[[ $path == /api/* ]] || kind=page
	case $method/$route in
	POST/*/replicate) body='{"from":"PROD","to":["DR"]}' ;;
	POST/*/login) body=$(login_body "$role") ;;
	POST/*/clear-lockout | POST/*/send-code | POST/*/logout) body='{}' ;;
	esac
	if [[ $kind == page ]]; then
		case $method/$route in
		GET/*/user) path="$path?id=JOE" ;;
		POST/*/replicate) body="csrf=$csrf&id=JOE&from=PROD&to_1=1" ;;
		POST/*/clear-lockout) body="csrf=$csrf&id=JOE" ;;
		POST/*/send-code) body="csrf=$csrf&id=JOE&lang=en" ;;
		POST/*/logout) body="csrf=$csrf" ;;
		POST//helpdesk) body=$(login_form "$role") ;;
		esac
	fi
	role_opts "$role" "$kind"
	[[ $kind == page ]] && ropts+=(-f)
	run "$role $method $path" 0 req "${ropts[@]}" "$method" "$path" "$body"
	status "$role $method $route" "$want"
	if [[ $want == 401 ]]; then
		has "$role $method $route: bearer" "WWW-Authenticate: Bearer"
	fi
	if [[ $want == 303 ]]; then
		has "$role $method $route: to sign-on" "Location: /helpdesk"
	fi
	cells=$((cells + 1))
	printf '%s\t%s\t%s\n' "$method" "$route" "$role" >>cells.done
}

# --- 1. the matrix's rows are the route table's helpdesk routes ---
run "routes = matrix" 0 "$py" - "$SSPR_SRC/web/server.c" "$matrix" <<'PY'
import re, sys
src = open(sys.argv[1]).read()
table = src[src.index("web_routes[] = {"):]
table = table[:table.index("\n};")]
routes = set()
for m in re.finditer(r'\{\s*"([A-Z]+)",\s*((?:"[^"]*"|WEB_PARAM|\s)+),', table):
    parts = re.findall(r'"([^"]*)"|(WEB_PARAM)', m.group(2))
    path = "".join(a if a else "{id}" for a, b in parts)
    if "helpdesk" in path:
        routes.add((m.group(1), path))
rows = set()
for line in open(sys.argv[2]):
    if line.startswith("#") or not line.strip():
        continue
    f = line.rstrip("\n").split("\t")
    assert len(f) == 6, ("a row needs 6 columns", f)
    rows.add((f[0], f[1]))
assert routes == rows, ("routes without a row", sorted(routes - rows),
                        "rows without a route", sorted(rows - routes))
print(len(routes))
PY
is "routes = matrix" "15"

# --- 2. the matrix for everyone but the operator (nothing may change) ---
while IFS=$'\t' read -r method route _; do
	[[ $method == \#* || -z $method ]] && continue
	for role in anonymous user recovering; do
		cell "$method" "$route" "$role"
	done
done <"$matrix"
run "nothing replicated" 0 sh -c "'$SSPR' esm --db dr.db 'LISTUSER JOE CSDATA' | grep -c '^SSPRPIN=' || true"
is "nothing replicated" "0"
run "no helpdesk code yet" 0 hd_codes
is "no helpdesk code yet" "0"

# --- 3. the operator: sign-on (API and page) ---
cell POST /api/v1/helpdesk/login operator
has "api login" '"token":"'
has "api login" '"expires_in":900'
api_tok[op]=$(jget 'd["token"]')
run "token length" 0 jget 'len(d["token"]) >= 43'
is "token length" "True"
cell POST /helpdesk operator
page_tok[op]=$(sed -n 's/^Set-Cookie: __Host-hd=\([^;]*\);.*/\1/p' <<<"$out" | head -1)
has "page login: to the look-up" "Location: /helpdesk/user"
run "hd cookie" 0 sh -c "grep -i '^Set-Cookie: __Host-hd=' last.hdr | tr -d '\r'"
has "hd cookie" "; Path=/"
has "hd cookie" "; Secure"
has "hd cookie" "; HttpOnly"
has "hd cookie" "; SameSite=Strict"
lacks "hd cookie" "Domain"
lacks "hd cookie" "Max-Age"
lacks "hd cookie" "Expires"
run "csrf renewed" 0 sh -c "grep -ic '^Set-Cookie: __Host-csrf=' last.hdr"
is "csrf renewed" "1"
cell GET /helpdesk operator
has "sign-on page" 'action="/helpdesk"'
has "sign-on page" 'autocomplete="current-password"'

# --- 4. look-up and drift before anything is done ---
cell GET "/api/v1/helpdesk/users/{id}" operator
has "lookup: not cached" "Cache-Control: no-store"
has "lookup: json" "Content-Type: application/json"
run "lookup keys" 0 jget 'sorted(d)'
is "lookup keys" "['operations', 'protected', 'systems', 'userid']"
run "lookup system keys" 0 jget 'sorted(d["systems"]["PROD"])'
is "lookup system keys" "['available', 'digest', 'email', 'enrolled', 'enrolled_at', 'exists', 'locked_until', 'protected', 'reset_at', 'revoke_reason', 'revoked', 'sspr_locked']"
run "lookup systems" 0 jget 'list(d["systems"])'
is "lookup systems" "['PROD', 'DR']"
run "joe not protected" 0 jget 'd["protected"]'
is "joe not protected" "False"
run "enrolled on prod only" 0 jget '(d["systems"]["PROD"]["enrolled"], d["systems"]["DR"]["enrolled"], d["systems"]["DR"]["exists"])'
is "enrolled on prod only" "(True, False, True)"
run "enrolled_at iso" 0 jget 'bool(__import__("re").fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", d["systems"]["PROD"]["enrolled_at"]))'
is "enrolled_at iso" "True"
run "locked on prod" 0 jget 'd["systems"]["PROD"]["sspr_locked"]'
is "locked on prod" "True"
run "masked email" 0 jget 'd["systems"]["PROD"]["email"]'
has "masked email" "@example.com"
lacks "masked email" "joe@example.com"
run "digests differ" 0 jget 'd["systems"]["PROD"]["digest"] is not None and d["systems"]["PROD"]["digest"] != d["systems"]["DR"]["digest"]'
is "digests differ" "True"
run "lowercase id" 0 req -a "${api_tok[op]}" GET /api/v1/helpdesk/users/joe
status "lowercase id" 200
run "lowercase id: upper-cased" 0 jget 'd["userid"]'
is "lowercase id: upper-cased" "JOE"

cell GET /api/v1/helpdesk/drift operator
run "drift users" 0 jget 'd["users"]'
is "drift users" "2"
run "drift entries" 0 jget '[(e["userid"], e["kind"], e["source"]) for e in d["drift"]]'
is "drift entries" "[('JOE', 'missing', 'PROD')]"
run "drift systems" 0 jget 'sorted((k, v["state"]) for k, v in d["drift"][0]["systems"].items())'
is "drift systems" "[('DR', 'not-enrolled'), ('PROD', 'enrolled')]"
cell GET /helpdesk/drift operator
has "drift page" "<h1>Drift report</h1>"
has "drift page" 'name="from" value="PROD"'
has "drift page" 'name="id" value="JOE"'
run "drift page rows" 0 sh -c "grep -c 'action=\"/helpdesk/replicate\"' last.body"
is "drift page rows" "1"
cell GET /helpdesk/user operator
has "user page: not cached" "Cache-Control: no-store"
has "user page: no frames" "frame-ancestors 'none'"
has "user page: html" "Content-Type: text/html"
has "user page" "<h2>JOE</h2>"
has "user page" 'action="/helpdesk/replicate"'
has "user page" 'action="/helpdesk/clear-lockout"'
has "user page" 'action="/helpdesk/send-code"'
has "user page" '<option value="PROD" selected>PROD</option>'
has "user page" 'name="to_1"'
has "user page" "@example.com"
lacks "user page" "joe@example.com"
run "user page in german" 0 req -c "__Host-csrf=$csrf; __Host-hd=${page_tok[op]}; lang=de" GET "/helpdesk/user?id=JOE"
has "user page in german" "Registrierung übertragen"
run "user page in french" 0 req -c "__Host-csrf=$csrf; __Host-hd=${page_tok[op]}; lang=fr" GET "/helpdesk/user?id=JOE"
has "user page in french" "Répliquer l’inscription"
run "user page, no id" 0 req -c "__Host-hd=${page_tok[op]}" GET /helpdesk/user
status "user page, no id" 200
lacks "user page, no id" "<h2>"
run "user page, bad id" 0 req -c "__Host-hd=${page_tok[op]}" GET "/helpdesk/user?id=1%3Cb%3E"
status "user page, bad id" 400
lacks "user page, bad id" "<b>"
run "user page, unknown id" 0 req -c "__Host-hd=${page_tok[op]}" GET "/helpdesk/user?id=NOBODY"
status "user page, unknown id" 404

# --- 5. replicate PROD -> DR: the fields, the digests, the drift ---
run "prod fields" 0 sh -c "'$SSPR' esm --db prod.db 'LISTUSER JOE CSDATA' | grep -E '^SSPR(PIN|MAIL|Q[123]|A[123]|SDTE)=' | sort"
prod_fields=$out
out=$(grep -c '^SSPRA[123]=' <<<"$prod_fields" || true)
is "prod has an enrollment" "3"
cell POST "/api/v1/helpdesk/users/{id}/replicate" operator
run "replicate answer" 0 cat last.body
is "replicate answer" '{"systems":{"DR":"ok"}}'
run "dr fields" 0 sh -c "'$SSPR' esm --db dr.db 'LISTUSER JOE CSDATA' | grep -E '^SSPR(PIN|MAIL|Q[123]|A[123]|SDTE)=' | sort"
is "dr fields = prod fields" "$prod_fields"
run "lookup after" 0 req -a "${api_tok[op]}" GET /api/v1/helpdesk/users/JOE
run "digests equal" 0 jget 'd["systems"]["PROD"]["digest"] == d["systems"]["DR"]["digest"] and d["systems"]["DR"]["enrolled"]'
is "digests equal" "True"
run "journal: replicate" 0 jget '(d["operations"][0]["kind"], d["operations"][0]["actor"], d["operations"][0]["systems"])'
is "journal: replicate" "('replicate', 'HELP01', {'DR': 'ok'})"
run "drift after" 0 req -a "${api_tok[op]}" GET /api/v1/helpdesk/drift
run "no drift" 0 jget 'len(d["drift"])'
is "no drift" "0"
run "drift page after" 0 req -c "__Host-hd=${page_tok[op]}" GET /helpdesk/drift
has "drift page after" "Every enrolled user is enrolled alike on every system."
# The page's replicate (the same again: still "ok" on DR).
cell POST /helpdesk/replicate operator
has "replicate page" "<h1>Done</h1>"
has "replicate page" "Changed on: DR"
has "replicate page" 'href="/helpdesk/user?id=JOE"'
run "replicate, unknown system" 0 req -a "${api_tok[op]}" POST /api/v1/helpdesk/users/JOE/replicate '{"from":"NOPE"}'
status "replicate, unknown system" 422
has "replicate, unknown system" '"code":"invalid"'

# --- 6. clear-lockout: JOE can go on ---
cell POST "/api/v1/helpdesk/users/{id}/clear-lockout" operator
run "cleared" 0 jget 'd["systems"]["PROD"]'
is "cleared" "ok"
run "lookup: not locked" 0 req -a "${api_tok[op]}" GET /api/v1/helpdesk/users/JOE
run "not locked anywhere" 0 jget '[s["sspr_locked"] for s in d["systems"].values()]'
is "not locked anywhere" "[False, False]"
run "unlocked start" 0 req POST /api/v1/reset '{"userid":"JOE"}'
flow=$(jget 'd["flow"]')
run "unlocked pin" 0 req POST /api/v1/reset/pin "{\"flow\":\"$flow\",\"pin\":\"$pin\"}"
status "unlocked pin" 200
has "unlocked pin" '"step":"code"'
cell POST /helpdesk/clear-lockout operator
has "clear-lockout page" "<h1>Done</h1>"

# --- 7. send-code: a message to JOE's address ---
cell POST "/api/v1/helpdesk/users/{id}/send-code" operator
run "send-code answer" 0 jget 'd["systems"]["PROD"]'
is "send-code answer" "ok"
run "code mailed" 0 hd_codes
is "code mailed" "1"
cell POST /helpdesk/send-code operator
has "send-code page" "<h1>Done</h1>"
run "page code mailed" 0 hd_codes
is "page code mailed" "2"

# --- 8. protected targets: SPECIAL, helpdesk member, SYS1 member, self ---
for id in ROOT1 HELP02 SYSPROG HELP01; do
	run "lookup $id" 0 req -a "${api_tok[op]}" GET "/api/v1/helpdesk/users/$id"
	status "lookup $id" 200
	run "$id protected" 0 jget 'd["protected"]'
	is "$id protected" "True"
	run "replicate $id" 0 req -a "${api_tok[op]}" POST "/api/v1/helpdesk/users/$id/replicate" '{"from":"PROD"}'
	status "replicate $id" 403
	run "clear-lockout $id" 0 req -a "${api_tok[op]}" POST "/api/v1/helpdesk/users/$id/clear-lockout" ''
	status "clear-lockout $id" 403
	run "send-code $id" 0 req -a "${api_tok[op]}" POST "/api/v1/helpdesk/users/$id/send-code" '{}'
	status "send-code $id" 403
	run "page replicate $id" 0 req -f -c "__Host-csrf=$csrf; __Host-hd=${page_tok[op]}" POST /helpdesk/replicate "csrf=$csrf&id=$id&from=PROD"
	status "page replicate $id" 403
	run "page $id" 0 req -c "__Host-hd=${page_tok[op]}" GET "/helpdesk/user?id=$id"
	status "page $id" 200
	has "page $id: the note" 'class="note"'
	lacks "page $id: no actions" 'action="/helpdesk/replicate"'
	lacks "page $id: no actions" 'action="/helpdesk/send-code"'
done
run "no code for protected IDs" 0 hd_codes
is "no code for protected IDs" "2"

# --- 9. strict input: no secret can be passed, IDs are checked ---
tok=${api_tok[op]}
run "replicate + password" 0 req -a "$tok" POST /api/v1/helpdesk/users/JOE/replicate "{\"from\":\"PROD\",\"password\":\"$joe_pw\"}"
status "replicate + password" 400
has "replicate + password" "unknown member 'password'"
run "clear-lockout + password" 0 req -a "$tok" POST /api/v1/helpdesk/users/JOE/clear-lockout '{"password":"NEWPW99"}'
status "clear-lockout + password" 400
run "send-code + new" 0 req -a "$tok" POST /api/v1/helpdesk/users/JOE/send-code '{"new":"NEWPW99"}'
status "send-code + new" 400
run "send-code + bad lang" 0 req -a "$tok" POST /api/v1/helpdesk/users/JOE/send-code '{"lang":"xx"}'
status "send-code + bad lang" 400
run "login + role" 0 req POST /api/v1/helpdesk/login "{\"userid\":\"HELP01\",\"password\":\"$help1_pw\",\"role\":\"admin\"}"
status "login + role" 400
run "duplicate keys" 0 req -a "$tok" POST /api/v1/helpdesk/users/JOE/replicate '{"from":"PROD","from":"DR"}'
status "duplicate keys" 400
run "to not an array" 0 req -a "$tok" POST /api/v1/helpdesk/users/JOE/replicate '{"from":"PROD","to":"DR"}'
status "to not an array" 400
run "page + password" 0 req -f -c "__Host-csrf=$csrf; __Host-hd=${page_tok[op]}" POST /helpdesk/clear-lockout "csrf=$csrf&id=JOE&password=NEWPW99"
status "page + password" 400
run "page replicate + new" 0 req -f -c "__Host-csrf=$csrf; __Host-hd=${page_tok[op]}" POST /helpdesk/replicate "csrf=$csrf&id=JOE&from=PROD&new=NEWPW99"
status "page replicate + new" 400
for bad in 1ABC TOOLONGID 'A%3CB' '%20'; do
	run "path id $bad" 0 req -a "$tok" GET "/api/v1/helpdesk/users/$bad"
	status "path id $bad" 400
done
run "path id unknown" 0 req -a "$tok" GET /api/v1/helpdesk/users/NOBODY
status "path id unknown" 404
run "path id national" 0 req -a "$tok" GET "/api/v1/helpdesk/users/%23ABC"
status "path id national" 404
# A user defined on DR alone (as after a fail-over) is found, and each
# system says whether it defines him; the same on the page.
run "add dronly" 0 dr "ADDUSER DRONLY NAME('DRONLY') DFLTGRP(USERS)"
run "lookup dr only" 0 req -a "$tok" GET /api/v1/helpdesk/users/DRONLY
status "lookup dr only" 200
run "lookup dr only systems" 0 jget '[(n, s["exists"]) for n, s in d["systems"].items()]'
is "lookup dr only systems" "[('PROD', False), ('DR', True)]"
run "page dr only" 0 req -c "__Host-csrf=$csrf; __Host-hd=${page_tok[op]}" GET "/helpdesk/user?id=DRONLY"
status "page dr only" 200
lacks "page dr only" "No system defines this user ID"
run "send-code dr only" 0 req -a "$tok" POST /api/v1/helpdesk/users/DRONLY/send-code '{}'
status "send-code dr only" 422
has "send-code dr only" "DRONLY is not defined on PROD, the primary system that resets run on; it is defined on DR"
run "replicate dr only" 0 req -a "$tok" POST /api/v1/helpdesk/users/DRONLY/replicate '{"from":"PROD"}'
status "replicate dr only" 422
has "replicate dr only" "DRONLY is not defined on PROD (the source); it is defined on DR"
run "clear-lockout dr only" 0 req -a "$tok" POST /api/v1/helpdesk/users/DRONLY/clear-lockout ''
status "clear-lockout dr only" 200
has "clear-lockout dr only" '{"systems":{"DR":"ok"}}'
run "page send-code dr only" 0 req -f -c "__Host-csrf=$csrf; __Host-hd=${page_tok[op]}" POST /helpdesk/send-code "csrf=$csrf&id=DRONLY"
lacks "page send-code dr only" "No system defines this user ID"
run "path, two ids" 0 req -a "$tok" GET /api/v1/helpdesk/users/JOE/KIM
status "path, two ids" 404
run "path, no id" 0 req -a "$tok" GET /api/v1/helpdesk/users/
status "path, no id" 404
run "GET replicate" 0 req -a "$tok" GET /api/v1/helpdesk/users/JOE/replicate
status "GET replicate" 405
has "GET replicate" "Allow: POST"
run "GET login" 0 req GET /api/v1/helpdesk/login
status "GET login" 405
# API tokens come from the Authorization header only, page sessions from
# the cookie only.
run "api with the cookie" 0 req -c "__Host-hd=${page_tok[op]}" GET /api/v1/helpdesk/users/JOE
status "api with the cookie" 401
run "page with a bearer" 0 req -a "$tok" GET "/helpdesk/user?id=JOE"
status "page with a bearer" 303
run "bearer, other scheme" 0 req GET /api/v1/helpdesk/users/JOE "" -H "Authorization: Basic $tok"
status "bearer, other scheme" 401
# CSRF and same-origin, as on every other page and API call.
run "page, no csrf" 0 req -f -c "__Host-hd=${page_tok[op]}" POST /helpdesk/clear-lockout "id=JOE"
status "page, no csrf" 403
run "page, other csrf" 0 req -f -c "__Host-csrf=$csrf; __Host-hd=${page_tok[op]}" POST /helpdesk/clear-lockout "csrf=BBBBBBBBBBBBBBBBBBBBBBBBBB&id=JOE"
status "page, other csrf" 403
run "page, cross-site" 0 req -f -c "__Host-csrf=$csrf; __Host-hd=${page_tok[op]}" POST /helpdesk/clear-lockout "csrf=$csrf&id=JOE" -H "Sec-Fetch-Site: cross-site"
status "page, cross-site" 403
run "api, text/plain" 0 req -a "$tok" -t text/plain POST /api/v1/helpdesk/users/JOE/clear-lockout '{}'
status "api, text/plain" 403
run "api, other origin" 0 req -a "$tok" POST /api/v1/helpdesk/users/JOE/clear-lockout '{}' -H "Origin: http://evil.example"
status "api, other origin" 403

# --- 10. sessions end: logout, and removal from the group ---
t=$(api_login HELP01 "$help1_pw")
api_tok[op]=$t
cell POST /api/v1/helpdesk/logout operator
has "api logout" "Clear-Site-Data:"
run "after api logout" 0 req -a "$t" GET /api/v1/helpdesk/users/JOE
status "after api logout" 401
has "after api logout" 'error="invalid_token"'
c=$(page_login HELP01 "$help1_pw")
run "page session" 0 test -n "$c"
page_tok[op]=$c
cell POST /helpdesk/logout operator
has "page logout: cookie gone" "Set-Cookie: __Host-hd=; Path=/"
has "page logout: cookie gone" "Max-Age=0"
has "page logout: site data" 'Clear-Site-Data: "cache", "cookies", "storage"'
run "after page logout" 0 req -c "__Host-hd=$c" GET "/helpdesk/user?id=JOE"
status "after page logout" 303

t2=$(api_login HELP02 "$help2_pw")
run "help02 token" 0 test -n "$t2"
c2=$(page_login HELP02 "$help2_pw")
run "help02 api" 0 req -a "$t2" GET /api/v1/helpdesk/users/JOE
status "help02 api" 200
run "help02 page" 0 req -c "__Host-hd=$c2" GET "/helpdesk/user?id=JOE"
status "help02 page" 200
run "remove help02" 0 esm "REMOVE HELP02 GROUP(SSPRHELP)"
run "help02 api removed" 0 req -a "$t2" GET /api/v1/helpdesk/users/JOE
status "help02 api removed" 401
run "help02 page removed" 0 req -c "__Host-hd=$c2" GET "/helpdesk/user?id=JOE"
status "help02 page removed" 303
run "help02 login removed" 0 req POST /api/v1/helpdesk/login "{\"userid\":\"HELP02\",\"password\":\"$help2_pw\"}"
status "help02 login removed" 403

# --- 11. every cell of the matrix was checked, once ---
run "cells" 0 sh -c "sort -u cells.done | wc -l"
is "cells" "60"
out=$cells
is "cells, once each" "60"

# --- 12. the audit trail has the operator's actions ---
# audited ACTION OUTCOME: the number of such events in audit.log.
audited() { grep -c "\"action\":\"$1\",\"outcome\":\"$2\"" audit.log || true; }
# One event per call (AUTHZ-05): the operators' 6 sign-ons, the matrix's 6
# refused ones and HELP02's after his removal; 2 calls of each action
# (API and page) and 8 refused replications (4 protected IDs, API and
# page), one more clear-lockout for the user defined on DR alone; 2
# sign-offs.
for want in helpdesk.login/ok/6 helpdesk.login/denied/7 \
	helpdesk.replicate/ok/2 helpdesk.replicate/denied/8 \
	helpdesk.clear-lockout/ok/3 helpdesk.send-code/ok/2 helpdesk.logout/ok/2; do
	IFS=/ read -r action outcome n <<<"$want"
	out=$(audited "$action" "$outcome")
	is "audit $action $outcome" "$n"
done
run "audit: the operator" 0 grep -c '"actor":"HELP01","user":"JOE","action":"helpdesk.replicate","outcome":"ok"' audit.log
is "audit: the operator" "2"

# stop_clean NAME: stop the server with SIGTERM; it exits 0 and its log
# has no sanitizer report (a leak or a memory error in the sanitizer
# build).
stop_clean() {
	local st
	kill "$server"
	for _ in $(seq 100); do kill -0 "$server" 2>/dev/null || break; sleep 0.1; done
	set +e
	wait "$server"
	st=$?
	set -e
	server=
	out=$st
	is "$1: exit status" "0"
	run "$1: log" 0 cat serve.log
	lacks "$1: log" "Sanitizer"
	lacks "$1: log" "runtime error"
}

# --- 13. without "helpdesk" there is no helpdesk ---
stop_clean "stop"
config ''
http_serve
base=http://localhost:$port
while IFS=$'\t' read -r method route _; do
	[[ $method == \#* || -z $method ]] && continue
	p=${route//\{id\}/JOE}
	run "off: $method $p" 0 req -f -c "__Host-csrf=$csrf" "$method" "$p" "csrf=$csrf"
	status "off: $method $p" 404
done <"$matrix"

# --- 14. no answer carried a secret ---
stop_clean "stop without helpdesk"
codes=$(cat mail/*.eml 2>/dev/null | tr -d '\r' | sed -n 's/^    \([ABCDEFGHJKLMNPQRSTUVWXYZ23456789]\{8\}\)$/\1/p' | sort -u)
run "codes mailed" 0 test -n "$codes"
out=$(grep -c '^HTTP/1.1 ' answers.all)
run "answers scanned" 0 test "$out" -gt 100
for secret in "$joe_pw" "$kim_pw" "$help1_pw" "$help2_pw" "$root_pw" "$pin" "${answers[@]}" 'S1$' $codes; do
	out=$(grep -cF -- "$secret" answers.all || true)
	is "answers with '$secret'" "0"
done

finish
