#!/usr/bin/env bash
# test_api.sh - `sspr serve`, the JSON API of INTERFACES.md §3, through the
# real binary and curl: security headers on every answer; the question
# catalogue in two languages; enrollment (accepted, weak PIN, wrong
# password); a whole reset with the access code read from the mail
# directory, a new token at every step and no replay; one identical answer
# for unknown, unenrolled, revoked users and a wrong PIN; CSRF, method,
# size and strict-JSON refusals; the metrics; a request log with one line a
# request and no secret; and a clean stop on SIGTERM.
set -e
source "$(dirname "$0")/../cli/lib.sh"
cd "$work"
source "$SSPR_SRC/tests/http/lib.sh"

# The secrets of this test; none may ever reach the request log.
alice_pw=SUNNY42 carol_pw=RAINY42 new_pw=NEWPW123 pin=583920
answers=("Rex the dog" "Lindenberg" "Hannelore")
code=

# --- set-up: the embedded ESM, keys, configuration ---
http_esm_init
run "alice" 0 esm "ADDUSER ALICE NAME('ALICE ADAMS')"
run "alice pw" 0 esm "ALTUSER ALICE PASSWORD($alice_pw) NOEXPIRED"
run "bob" 0 esm "ADDUSER BOB NAME('BOB BAKER')"
run "bob pw" 0 esm "ALTUSER BOB PASSWORD(CLOUD42) NOEXPIRED"
run "carol" 0 esm "ADDUSER CAROL NAME('CAROL CLARK')"
run "carol pw" 0 esm "ALTUSER CAROL PASSWORD($carol_pw) NOEXPIRED"
cat >sspr.json <<'CFG'
{"state_dir": ".", "key_file": "keys.json", "base_url": "http://127.0.0.1",
 "systems": [{"name": "PROD", "backend": "embedded", "db": "prod.db", "applid": "SSPRAPPL"}],
 "mail": {"transport": "directory", "path": "mail", "from": "sspr@example.com"},
 "hash": {"memory_kib": 19456}}
CFG

http_serve
base=http://127.0.0.1:$port

# api [-T CONTENT-TYPE] METHOD PATH [BODY [CURL OPTIONS...]]: one request;
# prints the headers, the body and "status=N"; the body is also left in
# last.body.  Every request is noted in requests.txt for the log check.
api() {
	local ct=application/json
	if [[ $1 == -T ]]; then
		ct=$2
		shift 2
	fi
	local method=$1 path=$2 body=${3-}
	local args=(-sS --max-time 20 -X "$method" -H "Content-Type: $ct"
		-o last.body -D last.hdr -w '%{http_code}')
	shift 2
	[[ $# -gt 0 ]] && shift
	if [[ -n $body ]]; then
		printf '%s' "$body" >last.req
		args+=(--data-binary @last.req)
	fi
	printf '%s %s\n' "$method" "$path" >>requests.txt
	local st
	st=$(curl "${args[@]}" "$@" "$base$path") || return 1
	tr -d '\r' <last.hdr
	cat last.body
	printf '\nstatus=%s\n' "$st"
}

# secure NAME: the last answer carries every security header.
secure() {
	local saved=$out
	has "$1: CSP" "Content-Security-Policy: "
	out=$(grep -i '^content-security-policy:' <<<"$saved" || true)
	has "$1: CSP default-src" "default-src 'self'"
	has "$1: CSP frame-ancestors" "frame-ancestors 'none'"
	out=$saved
	has "$1: nosniff" "X-Content-Type-Options: nosniff"
	has "$1: referrer" "Referrer-Policy: no-referrer"
	has "$1: no-store" "Cache-Control: no-store"
}

# --- 1. health and the security headers ---
run "healthz" 0 api GET /healthz
has "healthz" "status=200"
has "healthz" '{"status":"ok"}'
secure "healthz"

# --- 2. the question catalogue ---
run "questions" 0 api GET /api/v1/questions
has "questions" "status=200"
has "questions" "Content-Type: application/json"
secure "questions"
run "12 questions" 0 jget 'len(d["questions"])'
is "12 questions" "12"
run "english" 0 jget '[q["text"] for q in d["questions"] if q["id"] == "Q01"][0]'
has "english" "What was the name of your first pet?"
run "questions de" 0 api GET /api/v1/questions "" -H "Accept-Language: de-DE,de;q=0.9,en;q=0.5"
has "questions de" "status=200"
run "german" 0 jget '[q["text"] for q in d["questions"] if q["id"] == "Q01"][0]'
has "german" "Wie hieß Ihr erstes Haustier?"
run "german all" 0 jget 'len(d["questions"])'
is "german all" "12"

# --- 3. enrollment ---
# enroll_body USERID PASSWORD PIN: an enrollment request.
enroll_body() {
	"$py" -c 'import json,sys
u, pw, pin, a1, a2, a3 = sys.argv[1:]
print(json.dumps({"userid": u, "password": pw, "email": u.lower() + "@example.com",
    "pin": pin, "questions": [{"question": "Q01", "answer": a1},
    {"question": "Q02", "answer": a2}, {"question": "Q03", "answer": a3}]}))' \
		"$1" "$2" "$3" "${answers[@]}"
}
run "enroll" 0 api POST /api/v1/enroll "$(enroll_body ALICE "$alice_pw" "$pin")"
has "enroll" "status=200"
has "enroll" '{"systems":{"PROD":"ok"}}'
secure "enroll (POST)"
run "weak pin" 0 api POST /api/v1/enroll "$(enroll_body ALICE "$alice_pw" 123456)"
has "weak pin" "status=422"
has "weak pin" '"code":"invalid"'
run "weak pin message" 0 "$py" -c 'import json; m=json.load(open("last.body"))["error"]["message"]; print(m); assert len(m) > 10'
run "wrong password" 0 api POST /api/v1/enroll "$(enroll_body ALICE WRONG99 "$pin")"
has "wrong password" "status=403"
has "wrong password" '{"error":{"code":"denied"'
secure "error"
# A list of systems is a set: a repeat, in any case, is refused by name
# before anything runs, and the service goes on answering.
for dup in '["PROD","PROD"]' '["prod","PROD"]'; do
	body=$("$py" -c 'import json,sys; d=json.loads(sys.argv[1]); d["systems"]=json.loads(sys.argv[2]); print(json.dumps(d))' \
		"$(enroll_body ALICE "$alice_pw" "$pin")" "$dup")
	run "systems $dup" 0 api POST /api/v1/enroll "$body"
	has "systems $dup" "status=400"
	has "systems $dup" "more than once"
done
run "healthz after repeats" 0 api GET /healthz
has "healthz after repeats" "status=200"
run "enroll carol" 0 api POST /api/v1/enroll "$(enroll_body CAROL "$carol_pw" "$pin")"
has "enroll carol" '{"systems":{"PROD":"ok"}}'
run "revoke carol" 0 esm "ALTUSER CAROL REVOKE"

# --- 4. a whole reset ---
flows=()
# new_token TOKEN: TOKEN is none of the earlier steps' tokens.
new_token() {
	local old
	[[ -n $1 ]] || { echo "no flow token"; return 1; }
	for old in "${flows[@]}"; do
		[[ $1 != "$old" ]] || { echo "the flow token did not change"; return 1; }
	done
}
# flow_step NAME: the last answer's flow token in $flow, checked to be new.
flow_step() {
	flow=$(jget 'd["flow"]')
	run "$1: new flow token" 0 new_token "$flow"
	flows+=("$flow")
}
run "start" 0 api POST /api/v1/reset '{"userid":"ALICE"}'
has "start" "status=200"
has "start" '"step":"pin"'
has "start" '"expires_in":'
flow_step "start"
ls mail >mail.before
run "pin" 0 api POST /api/v1/reset/pin "{\"flow\":\"$flow\",\"pin\":\"$pin\"}"
has "pin" "status=200"
has "pin" '"step":"code"'
has "pin" '"code":"email"'
flow_step "pin"

# The access code: from the newest new .eml to alice (the sender delivers
# in the background).
code=$(mailed_code ALICE mail.before 50 0.1)
run "access code mailed" 0 test -n "$code"
run "code" 0 api POST /api/v1/reset/code "{\"flow\":\"$flow\",\"code\":\"$code\"}"
has "code" "status=200"
has "code" '"step":"questions"'
flow_step "code"
run "2 questions" 0 jget 'len(d["questions"])'
is "2 questions" "2"
asked=$(jget '" ".join(q["id"] for q in d["questions"])')
body=$("$py" -c 'import json,sys
ans = {"Q01": sys.argv[3], "Q02": sys.argv[4], "Q03": sys.argv[5]}
print(json.dumps({"flow": sys.argv[1], "answers": [ans[q] for q in sys.argv[2].split()]}))' \
	"$flow" "$asked" "${answers[@]}")
run "answers" 0 api POST /api/v1/reset/answers "$body"
has "answers" "status=200"
has "answers" '"step":"action"'
has "answers" '"actions":["password"'
has "answers" '"systems":["PROD"]'
flow_step "answers"
complete='{"flow":"'$flow'","action":"password","new":"'$new_pw'"}'
run "complete" 0 api POST /api/v1/reset/complete "$complete"
has "complete" "status=200"
has "complete" '{"systems":{"PROD":"ok"}}'
run "new password works" 0 sh -c "printf '%s\n' '$new_pw' | '$SSPR' verify --db prod.db ALICE"
has "new password works" '"resp":"NORMAL"'
run "old password gone" 1 sh -c "printf '%s\n' '$alice_pw' | '$SSPR' verify --db prod.db ALICE"
run "replay" 0 api POST /api/v1/reset/complete "$complete"
has "replay" "status=403"
has "replay" '"code":"denied"'

# --- 5. the same answer for every user who cannot go on ---
for who in NOBODY BOB CAROL ALICE; do
	run "start $who" 0 api POST /api/v1/reset "{\"userid\":\"$who\"}"
	has "start $who" "status=200"
	has "start $who" '"step":"pin"'
	flow=$(jget 'd["flow"]')
	p=$pin
	[[ $who == ALICE ]] && p=604938
	run "pin $who" 0 api POST /api/v1/reset/pin "{\"flow\":\"$flow\",\"pin\":\"$p\"}"
	has "pin $who" "status=403"
	cp last.body "pin.$who"
done
for who in BOB CAROL ALICE; do
	run "identical $who" 0 cmp "pin.NOBODY" "pin.$who"
done

# --- 6. CSRF, methods, sizes and strict JSON ---
run "text/plain" 0 api -T text/plain POST /api/v1/reset '{"userid":"ALICE"}'
has "text/plain" "status=403"
has "text/plain" '"code":"cross-site"'
run "sec-fetch-site" 0 api POST /api/v1/reset '{"userid":"ALICE"}' -H "Sec-Fetch-Site: cross-site"
has "sec-fetch-site" "status=403"
has "sec-fetch-site" '"code":"cross-site"'
run "origin" 0 api POST /api/v1/reset '{"userid":"ALICE"}' -H "Origin: http://evil.example"
has "origin" "status=403"
has "origin" '"code":"cross-site"'
# base_url is http://127.0.0.1: an origin that is only a prefix of it is
# another site.
run "origin prefix" 0 api POST /api/v1/reset '{"userid":"ALICE"}' -H "Origin: http://127.0.0"
has "origin prefix" "status=403"
run "same origin" 0 api POST /api/v1/reset '{"userid":"ALICE"}' \
	-H "Origin: http://127.0.0.1" -H "Sec-Fetch-Site: same-origin"
has "same origin" "status=200"
run "GET reset" 0 api GET /api/v1/reset
has "GET reset" "status=405"
has "GET reset" "Allow: POST"
run "not found" 0 api GET /api/v1/nope
has "not found" "status=404"
has "not found" '"code":"not-found"'
secure "404"
big=$("$py" -c 'print("{\"userid\":\"" + "A" * 20480 + "\"}")')
run "too large" 0 api POST /api/v1/reset "$big"
has "too large" "status=413"
run "malformed" 0 api POST /api/v1/reset '{"userid":'
has "malformed" "status=400"
has "malformed" '"code":"bad-request"'
run "duplicate keys" 0 api POST /api/v1/reset '{"userid":"A","userid":"B"}'
has "duplicate keys" "status=400"
has "duplicate keys" 'duplicate member \"userid\"'
# The member is named from the parser's position, not its message: a
# long key, escapes in the key and a nested object are named exactly too.
run "duplicate nested" 0 api POST /api/v1/reset/answers '{"flow":"f","answers":[{"a":1,"a":2}]}'
has "duplicate nested" "status=400"
has "duplicate nested" 'duplicate member \"a\"'
run "duplicate escaped" 0 api POST /api/v1/reset/pin '{"flow":"f","p\u0069n":"1","pin":"2"}'
has "duplicate escaped" "status=400"
has "duplicate escaped" 'duplicate member \"pin\"'
run "unknown member" 0 api POST /api/v1/reset '{"userid":"A","x":1}'
has "unknown member" "status=400"
has "unknown member" "'x'"
run "wrong type" 0 api POST /api/v1/reset '{"userid":5}'
has "wrong type" "status=400"
has "wrong type" "'userid'"

# --- 7. metrics ---
run "metrics" 0 api GET /metrics
has "metrics" "status=200"
has "metrics" "Content-Type: text/plain"
has "metrics" "sspr_requests_total "
has "metrics" 'sspr_resets_total{outcome="ok"} 1'
has "metrics" 'sspr_mail_queue_length '
has "metrics" 'sspr_http_responses_total{method="POST",route="/api/v1/reset/complete",code="2xx"} 1'
has "metrics" 'sspr_http_responses_total{method="GET",route="/healthz",code="2xx"}'
has "metrics" 'sspr_http_responses_total{method="",route="other",code="4xx"}'
lacks "metrics" "$code"

# --- 9. SIGTERM: the requests in flight finish, exit status 0 ---
kill "$server"
set +e
for _ in $(seq 100); do kill -0 "$server" 2>/dev/null || break; sleep 0.1; done
kill -0 "$server" 2>/dev/null && { echo "FAIL sigterm: still running after 10 s"; kill -9 "$server"; }
wait "$server"
st=$?
set -e
server=
run "sigterm exit status" 0 test "$st" -eq 0
run "stopping" 0 tail -n 1 serve.log
has "stopping" "sspr: stopping"

# --- 8. the request log: one line a request, never a secret ---
run "log lines" 0 "$py" - <<'PY'
import re, sys
sent = [l.split() for l in open("requests.txt").read().splitlines()]
log = open("serve.log").read().splitlines()
lines = [l for l in log if not l.startswith("sspr: ")]
pat = re.compile(r"^\S+ (GET|POST) (\S+) (\d{3}) \d+ms$")
bad = [l for l in lines if not pat.match(l)]
assert not bad, ("lines not of the request format", bad)
got = sorted(tuple(pat.match(l).group(1, 2)) for l in lines)
want = sorted(tuple(r) for r in sent)
assert got == want, ("requests", want, "log", got)
print(len(lines), "requests logged")
PY
run "log statuses" 0 cat serve.log
has "log statuses" "POST /api/v1/reset/complete 200"
has "log statuses" "POST /api/v1/reset/complete 403"
has "log statuses" "GET /api/v1/reset 405"
has "log statuses" "POST /api/v1/reset 413"
has "log statuses" "GET /api/v1/nope 404"
for secret in "$alice_pw" "$carol_pw" "$new_pw" "$pin" 604938 "${answers[@]}" "$code"; do
	lacks "log has no secret" "$secret"
done

# --- listen: the configured address is the one bound ---
# The check above read serve.log; now the server answers on another
# loopback address and on IPv6, and not on 127.0.0.1.
listen_serve() {
	stop_server
	"$py" - "$1" <<'PY'
import json, sys
c = json.load(open("sspr.json"))
c["listen"] = sys.argv[1]
json.dump(c, open("sspr.json", "w"))
PY
	: >serve.log
	"$SSPR" serve -c sspr.json --port 0 --workers 1 </dev/null >/dev/null 2>serve.log &
	server=$!
	port=
	for _ in $(seq 100); do
		port=$(sed -n '1s|^sspr: serving on http://.*:\([0-9]*\) .*|\1|p' serve.log)
		[[ -n $port ]] && break
		kill -0 "$server" 2>/dev/null || break
		sleep 0.1
	done
}
listen_serve "127.0.0.2:18443"
run "listen 127.0.0.2" 0 cat serve.log
has "listen 127.0.0.2" "serving on http://127.0.0.2:"
run "answers on 127.0.0.2" 0 curl -sS --max-time 5 -o /dev/null -w '%{http_code}' "http://127.0.0.2:$port/healthz"
has "answers on 127.0.0.2" "200"
run "not on 127.0.0.1" 7 curl -sS --max-time 5 -o /dev/null "http://127.0.0.1:$port/healthz"
if "$py" -c 'import socket; s = socket.socket(socket.AF_INET6); s.bind(("::1", 0))' 2>/dev/null; then
	listen_serve "[::1]:18443"
	run "answers on [::1]" 0 curl -sS --max-time 5 -o /dev/null -w '%{http_code}' "http://[::1]:$port/healthz"
	has "answers on [::1]" "200"
	run "v6 not on 127.0.0.1" 7 curl -sS --max-time 5 -o /dev/null "http://127.0.0.1:$port/healthz"
fi
stop_server

finish
