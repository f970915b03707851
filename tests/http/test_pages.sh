#!/usr/bin/env bash
# test_pages.sh - the browser pages of `sspr serve`, driven like a browser
# without JavaScript (curl with a cookie jar): enrollment, then a whole
# reset with the e-mailed code, every form carrying the CSRF token bound to
# its cookie; refusals for a wrong or missing token, a cross-site request
# and a skipped step; the language switch; the stylesheet; and pages that
# never echo what was typed.  What a browser does to a flow: two tabs (two
# flows, each in its own page's form, neither replacing the other), a
# double click (the same step posted twice), Back (an earlier step's form
# posted again), a refused completion retried, a flow field from another
# browser; a refused enrollment that keeps what is not secret; and, with
# PROD failing writes ("inject"), 503 "try again shortly" with the flow
# kept, so that Continue retries.
set -e
source "$(dirname "$0")/../cli/lib.sh"
cd "$work"
source "$SSPR_SRC/tests/http/lib.sh"
http_esm_init
run "alice" 0 esm "ADDUSER ALICE NAME('ALICE ADAMS')"
run "alice pw" 0 esm "ALTUSER ALICE PASSWORD(SUNNY42) NOEXPIRED"
run "bob" 0 esm "ADDUSER BOB NAME('BOB BAKER')"
run "bob pw" 0 esm "ALTUSER BOB PASSWORD(CLOUD42) NOEXPIRED"
cat >sspr.json <<'CFG'
{"state_dir": ".", "key_file": "keys.json",
 "systems": [{"name": "PROD", "backend": "embedded", "db": "prod.db", "applid": "SSPRAPPL"}],
 "mail": {"transport": "directory", "path": "mail", "from": "sspr@example.com"}}
CFG
# The operator's own stylesheet, in the state directory, replaces the
# (empty) shipped one; the logo stays the shipped one.
mkdir -p static && printf '.site-brand { color: #123456; }\n' >static/site.css
http_serve
# "localhost" is a secure context for curl (and browsers): the __Host-
# cookies, which are Secure, are sent back over plain HTTP there.
base=http://localhost:$port
jar=$work/jar

# get PATH / post PATH BODY: the page in page.html, its status in $out.
get() { run "GET $1" "${2:-0}" curl -s -c "$jar" -b "$jar" -o page.html -w '%{http_code}' "$base$1"; }
post() { run "POST $1" 0 curl -s -c "$jar" -b "$jar" -o page.html -w '%{http_code}' -d "$2" "$base$1"; }
csrf() { sed -n 's/.*name="csrf" value="\([A-Z2-7]*\)".*/\1/p' page.html | head -1; }
# The flow field of the page (PAGE: another saved page).
fl() { sed -n 's/.*name="flow" value="\([0-9a-f]*\)".*/\1/p' "${1:-page.html}" | head -1; }
# The hidden fields a step's page carries besides the token.
view() { sed -n 's/.*type="hidden" name="\(kind\|acts\|q[1-3]\)" value="\([^"]*\)".*/\&\1=\2/p' "${1:-page.html}" | tr -d '\n'; }
h1() { sed -n 's/.*<h1>\(.*\)<\/h1>.*/\1/p' page.html | head -1; }
status_is() { checks=$((checks + 1)); [[ $out == "$1" ]] || { echo "FAIL $2: status $out, want $1"; failures=$((failures + 1)); }; }
h1_is() { checks=$((checks + 1)); [[ $(h1) == "$1" ]] || { echo "FAIL $2: h1 '$(h1)', want '$1'"; failures=$((failures + 1)); }; }

get / && status_is 200 "home" && h1_is "Forgot your password, or is your user ID revoked?" "home"
run "headers" 0 curl -s -D - -o /dev/null "$base/"
has "headers" "Content-Security-Policy: default-src 'self'"
has "headers" "Set-Cookie: __Host-csrf="
has "headers" "; Secure; HttpOnly; SameSite=Strict"
# The language switch offers every catalog, each named in itself.
run "languages" 0 cat page.html
has "languages" '<a href="/lang/en" lang="en" hreflang="en">English</a>'
has "languages" '<a href="/lang/de" lang="de" hreflang="de">Deutsch</a>'
has "languages" '<a href="/lang/fr" lang="fr" hreflang="fr">Français</a>'
get /static/sspr.css && status_is 200 "stylesheet"
run "site css" 0 curl -s "$base/static/site.css"
is "site css" ".site-brand { color: #123456; }"
run "logo" 0 curl -s "$base/static/logo.svg"
has "logo" "<svg"
# --path-as-is: curl would otherwise tidy the dots away before sending.
for p in /static/../keys.json /static/%2e%2e/keys.json /static/..%2fkeys.json; do
	run "GET $p" 0 curl -s --path-as-is -o page.html -w '%{http_code}' "$base$p"
	status_is 404 "no files outside the static set: $p"
done

# Enrollment.
get /enroll && tok=$(csrf)
run "three defaults" 0 sh -c "grep -c 'option value=\"Q0[123]\" selected' page.html"
[[ $out == 3 ]] || { echo "FAIL three defaults: $out selected options"; failures=$((failures + 1)); }
post /enroll "csrf=$tok&userid=ALICE&password=SUNNY42&email=alice%40example.com&pin=583920&q1=Q01&a1=Whiskers&q2=Q02&a2=Oldtown&q3=Q03&a3=Jonathan"
status_is 200 "enroll" && h1_is "Done" "enroll"
run "no echo" 0 cat page.html
lacks "no echo" "SUNNY42"
lacks "no echo" "Whiskers"
lacks "no echo" "583920"

# A wrong, a missing CSRF token and a cross-site post are refused.
post /reset "csrf=AAAAAAAAAAAAAAAAAAAAAAAAAA&userid=ALICE" && status_is 403 "wrong csrf"
post /reset "userid=ALICE" && status_is 403 "missing csrf"
run "cross-site" 0 curl -s -c "$jar" -b "$jar" -o page.html -w '%{http_code}' -H 'Sec-Fetch-Site: cross-site' -d "csrf=$tok&userid=ALICE" "$base/reset"
status_is 403 "cross-site"
h1_is "Something went wrong" "cross-site is a page"
run "origin null alone" 0 curl -s -c "$jar" -b "$jar" -o page.html -w '%{http_code}' -H 'Origin: null' -d "csrf=$tok&userid=ALICE" "$base/reset"
status_is 403 "origin null alone"
# What a browser sends under Referrer-Policy no-referrer: Origin null, but
# Sec-Fetch-Site same-origin.
run "browser post" 0 curl -s -c "$jar" -b "$jar" -o page.html -w '%{http_code}' -H 'Origin: null' -H 'Sec-Fetch-Site: same-origin' -d "csrf=$tok&userid=ALICE" "$base/reset"
status_is 200 "browser post" && h1_is "Your PIN" "browser post"
get /nope 0 && status_is 404 "unknown page" && h1_is "Something went wrong" "unknown page"
# Skipping ahead without a flow: the generic refusal.
post /reset/answers "csrf=$tok&a1=x&a2=y" && status_is 403 "skipped step"

# code USER: the newest access code mailed to USER (waits for it).
code() { mailed_code "$1" "" 50 0.1; }
# codes USER: how many access codes were mailed to USER.
codes() { grep -l -i "^To: .*$(tr A-Z a-z <<<"$1")@example.com" mail/*.eml 2>/dev/null | xargs -r grep -l '^    [ABCDEFGHJKLMNPQRSTUVWXYZ23456789]\{8\}' | wc -l; }
# answers: the answers of the questions on page.html, as a1=..&a2=..
answers() {
	local q i=0 out=
	for q in $(sed -n 's/.*<label for="a[0-9]">\(.*\)$/\1/p' page.html | tr ' ' '_'); do
		i=$((i + 1))
		case $q in
		*pet*) out+="&a$i=Whiskers" ;;
		*town*) out+="&a$i=Oldtown" ;;
		*) out+="&a$i=Jonathan" ;;
		esac
	done
	echo "$out"
}
# send NAME SAVED PATH BODY: post a saved page's form again (what Back or
# a double click sends): its flow and view fields, with BODY.
send() { post "$3" "csrf=$tok&flow=$(fl "$2")$(view "$2")&$4"; }

# The whole reset.
get /reset && tok=$(csrf)
run "flow binding" 0 curl -s -c "$jar" -b "$jar" -D - -o /dev/null "$base/reset"
post /reset "csrf=$tok&userid=ALICE" && status_is 200 "start" && h1_is "Your PIN" "start"
run "flow in the form" 0 fl && [[ -n $out ]] || { echo "FAIL the PIN page carries no flow field"; failures=$((failures + 1)); }
cp page.html pin.html
post /reset/pin "csrf=$tok&flow=$(fl)&pin=583920" && status_is 200 "pin" && h1_is "Your access code" "pin"
cp page.html code.html
c=$(code ALICE)
post /reset/code "csrf=$tok&flow=$(fl)$(view)&code=$c" && status_is 200 "code" && h1_is "Your security questions" "code"
cp page.html answers.html && a0=$(answers)
post /reset/answers "csrf=$tok&flow=$(fl)$(view)$(answers | sed 's/&a3=[^&]*//')" && status_is 200 "answers" && h1_is "What should happen?" "answers"
run "systems offered" 0 cat page.html && has "systems offered" 'name="sys_prod"'
cp page.html action.html
# Refused completions keep the flow: the action page again, with the
# reason, and the same flow completes.
send "mismatch" action.html /reset/complete "action=password&sys_prod=1&new=NEWPW12&confirm=NEWPW13"
status_is 422 "mismatch is shown" && h1_is "What should happen?" "mismatch: the action page again"
run "mismatch said" 0 cat page.html && has "mismatch said" "The two new passwords are not the same."
lacks "mismatch said" "NEWPW12"
send "rules" page.html /reset/complete "action=password&sys_prod=1&new=AB&confirm=AB"
status_is 422 "rules refusal" && h1_is "What should happen?" "rules: the action page again"
run "rules said" 0 cat page.html && has "rules said" "Not changed on: PROD"
# Back after the refusal: the answers form posted again is the answers
# step again (the proof was given back), not the end of the flow.
send "back to answers" answers.html /reset/answers "${a0#&}"
status_is 200 "back: answers again" && h1_is "What should happen?" "back: answers again"
post /reset/complete "csrf=$tok&flow=$(fl)$(view)&action=password&sys_prod=1&new=NEWPW123&confirm=NEWPW123" && status_is 200 "complete" && h1_is "Done" "complete"
run "new password" 0 sh -c "printf 'NEWPW123\n' | '$SSPR' verify --db prod.db ALICE"
# The flow is spent.
send "replay" action.html /reset/complete "action=password&sys_prod=1&new=OTHER123&confirm=OTHER123" && status_is 403 "replay"
# No flow travels in a cookie.
run "no flow cookie" 0 cat "$jar"
lacks "no flow cookie" "__Host-flow"
# A flow field is worth nothing in another browser (without this one's
# __Host-fb cookie): the generic refusal.
run "other browser" 0 curl -s -c jar2 -b jar2 -o page.html -w '%{http_code}' "$base/reset"
tok2=$(csrf)
run "other browser" 0 curl -s -c jar2 -b jar2 -o page.html -w '%{http_code}' -d "csrf=$tok2&flow=$(fl pin.html)&pin=583920" "$base/reset/pin"
status_is 403 "a flow field from another browser"

# BOB enrolls through the page too.
get /enroll && etok=$(csrf)
post /enroll "csrf=$etok&userid=BOB&password=CLOUD42&email=bob%40example.com&pin=583920&q1=Q01&a1=Whiskers&q2=Q02&a2=Oldtown&q3=Q03&a3=Jonathan"
status_is 200 "enroll bob"
# A refused enrollment (a wrong password) keeps what is not secret.
post /enroll "csrf=$etok&userid=BOB&password=WRONG99&email=bob%40example.com&pin=583920&q1=Q03&a1=Whiskers&q2=Q01&a2=Oldtown&q3=Q02&a3=Jonathan"
status_is 403 "enroll refused"
run "enroll refused: kept" 0 cat page.html
has "enroll refused: kept" 'value="BOB"'
has "enroll refused: kept" 'value="bob@example.com"'
has "enroll refused: kept" 'Sign-on failed'
run "enroll refused: choices kept" 0 sh -c "grep -o '<select id=\"q[123]\"\\|option value=\"Q0[123]\" selected' page.html | tr '\n' ' '"
is "enroll refused: choices kept" '<select id="q1" option value="Q03" selected <select id="q2" option value="Q01" selected <select id="q3" option value="Q02" selected '
lacks "enroll refused: kept" "WRONG99"
lacks "enroll refused: kept" "Whiskers"
lacks "enroll refused: kept" "583920"

# Two tabs of one browser, two flows (ALICE, BOB), every step interleaved:
# neither replaces the other.
get /reset && tok=$(csrf)
post /reset "csrf=$tok&userid=ALICE" && status_is 200 "tab 1 start" && cp page.html t1.html
post /reset "csrf=$tok&userid=BOB" && status_is 200 "tab 2 start" && cp page.html t2.html
send "tab 1 pin" t1.html /reset/pin "pin=583920" && status_is 200 "tab 1 pin" && h1_is "Your access code" "tab 1 pin" && cp page.html t1.html
send "tab 2 pin" t2.html /reset/pin "pin=583920" && status_is 200 "tab 2 pin" && h1_is "Your access code" "tab 2 pin" && cp page.html t2.html
send "tab 1 code" t1.html /reset/code "code=$(code ALICE)" && status_is 200 "tab 1 code" && h1_is "Your security questions" "tab 1 code" && cp page.html t1.html
send "tab 2 code" t2.html /reset/code "code=$(code BOB)" && status_is 200 "tab 2 code" && h1_is "Your security questions" "tab 2 code" && cp page.html t2.html
cp t1.html page.html && a1=$(answers)
cp t2.html page.html && a2=$(answers)
send "tab 1 answers" t1.html /reset/answers "${a1#&}" && status_is 200 "tab 1 answers" && cp page.html t1.html
send "tab 2 answers" t2.html /reset/answers "${a2#&}" && status_is 200 "tab 2 answers" && cp page.html t2.html
send "tab 1 complete" t1.html /reset/complete "action=password&sys_prod=1&new=TABA1234&confirm=TABA1234" && status_is 200 "tab 1 complete" && h1_is "Done" "tab 1 complete"
send "tab 2 complete" t2.html /reset/complete "action=password&sys_prod=1&new=TABB1234&confirm=TABB1234" && status_is 200 "tab 2 complete" && h1_is "Done" "tab 2 complete"
run "tab 1 password" 0 sh -c "printf 'TABA1234\n' | '$SSPR' verify --db prod.db ALICE"
run "tab 2 password" 0 sh -c "printf 'TABB1234\n' | '$SSPR' verify --db prod.db BOB"

# Back after the PIN step (the PIN form posted again, to show the code
# page again), then a double click on the code step (the same form twice,
# as a browser sends it before the first answer is in).  Both are a
# step already passed, which the core recognises: the same step's answer
# again, no second code sent, no failure counted.  (Needs reset.c's replay
# of a step already passed.)
get /reset && tok=$(csrf)
post /reset "csrf=$tok&userid=BOB" && cp page.html pin.html
n0=$(codes BOB)
# fails USER: USER's self-service failure count (the SSPRFAIL field).
fails() { "$SSPR" esm --db prod.db "LISTUSER $1 CSDATA" | sed -n 's/^ *SSPRFAIL *= *//p'; }
f0=$(fails BOB)
send "pin" pin.html /reset/pin "pin=583920" && status_is 200 "pin before back" && cp page.html code.html
c=$(code BOB)
send "back to pin" pin.html /reset/pin "pin=583920" && status_is 200 "back: the PIN step again" && h1_is "Your access code" "back: the code page again"
sleep 0.5
run "back: no second code" 0 codes BOB && is "back: no second code" "$((n0 + 1))"
c=$(code BOB) # the one code sent (the newest, should Back have sent one)
send "click 1" code.html /reset/code "code=$c" && status_is 200 "double click: first" && cp page.html ans1.html
send "click 2" code.html /reset/code "code=$c" && status_is 200 "double click: second" && h1_is "Your security questions" "double click: second"
cp page.html ans2.html && a=$(answers)
run "double click: no failure counted" 0 fails BOB && is "double click: no failure counted" "$f0"
send "after double click" ans2.html /reset/answers "${a#&}" && status_is 200 "after double click: answers"
send "after double click" page.html /reset/complete "action=password&sys_prod=1&new=DBLC1234&confirm=DBLC1234" && status_is 200 "after double click: done" && h1_is "Done" "after double click: done"

# Languages: the switch sets a cookie; Accept-Language chooses too.
run "switch" 0 curl -s -c "$jar" -b "$jar" -o /dev/null -w '%{http_code}' "$base/lang/de"
[[ $out == 303 ]] || { echo "FAIL switch: $out"; failures=$((failures + 1)); }
get /reset && h1_is "Passwort zurücksetzen" "German"
# A language without a catalog is not remembered.
run "switch to none" 0 curl -s -D - -o /dev/null "$base/lang/xx"
has "switch to none" "HTTP/1.1 303"
lacks "switch to none" "lang=xx"
run "french" 0 curl -s -H 'Accept-Language: fr-FR,fr;q=0.9' "$base/reset"
has "french" "Réinitialiser votre mot de passe"

# PROD cannot be written (the first write of each worker's handle fails):
# the PIN step is 503 "try again shortly" on the PIN page again, with a
# flow that Continue retries until the write goes through.
stop_server
"$py" - <<'PY'
import json
c = json.load(open("sspr.json"))
c["systems"][0]["inject"] = {"fail_writes": 1}
json.dump(c, open("sspr.json", "w"))
PY
http_serve
base=http://localhost:$port jar=$work/jar.outage
get /reset && tok=$(csrf)
post /reset "csrf=$tok&userid=ALICE" && status_is 200 "outage: start"
send "outage pin" page.html /reset/pin "pin=583920"
status_is 503 "outage: 503" && h1_is "Your PIN" "outage: the PIN page again"
st=$out
run "outage: said" 0 cat page.html
has "outage: said" "The service cannot complete this right now. Please try again shortly."
lacks "outage: said" "does not match our records"
for _ in 1 2 3; do
	[[ $st == 503 ]] || break
	send "outage retry" page.html /reset/pin "pin=583920"
	st=$out
done
out=$st
status_is 200 "outage: a retry goes on" && h1_is "Your access code" "outage: a retry goes on"
# Every language says it.
run "outage: de" 0 sh -c "grep -c 'Bitte versuchen Sie es gleich noch einmal' '$SSPR_SRC/templates/web/i18n/de.json'"
run "outage: fr" 0 sh -c "grep -c 'Réessayez dans un instant' '$SSPR_SRC/templates/web/i18n/fr.json'"

finish
