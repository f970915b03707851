#!/usr/bin/env bash
# test_pages.sh - the browser pages of `sspr serve`, driven like a browser
# without JavaScript (curl with a cookie jar): enrollment, then a whole
# reset with the e-mailed code, every form carrying the CSRF token bound to
# its cookie; refusals for a wrong or missing token, a cross-site request
# and a skipped step; the language switch; the stylesheet; and pages that
# never echo what was typed.
set -e
source "$(dirname "$0")/../cli/lib.sh"
cd "$work"
source "$SSPR_SRC/tests/http/lib.sh"
http_esm_init
run "alice" 0 esm "ADDUSER ALICE NAME('ALICE ADAMS')"
run "alice pw" 0 esm "ALTUSER ALICE PASSWORD(SUNNY42) NOEXPIRED"
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

# The whole reset.
get /reset && tok=$(csrf)
post /reset "csrf=$tok&userid=ALICE" && status_is 200 "start" && h1_is "Your PIN" "start"
post /reset/pin "csrf=$tok&pin=583920" && status_is 200 "pin" && h1_is "Your access code" "pin"
code=
for _ in $(seq 50); do
	code=$(cat mail/*.eml 2>/dev/null | tr -d '\r' | sed -n 's/^    \([ABCDEFGHJKLMNPQRSTUVWXYZ23456789]\{8\}\)$/\1/p' | tail -1)
	[[ -n $code ]] && break
	sleep 0.1
done
post /reset/code "csrf=$tok&code=$code" && status_is 200 "code" && h1_is "Your security questions" "code"
ans=()
for q in $(sed -n 's/.*<label for="a[0-9]">\(.*\)$/\1/p' page.html | tr ' ' '_'); do
	case $q in
	*pet*) ans+=(Whiskers) ;;
	*town*) ans+=(Oldtown) ;;
	*) ans+=(Jonathan) ;;
	esac
done
post /reset/answers "csrf=$tok&a1=${ans[0]}&a2=${ans[1]}" && status_is 200 "answers" && h1_is "What should happen?" "answers"
run "systems offered" 0 cat page.html && has "systems offered" 'name="sys_prod"'
post /reset/complete "csrf=$tok&action=password&sys_prod=1&new=NEWPW12&confirm=NEWPW13" && status_is 422 "mismatch is shown"
post /reset/complete "csrf=$tok&action=password&sys_prod=1&new=NEWPW123&confirm=NEWPW123" && status_is 200 "complete" && h1_is "Done" "complete"
run "new password" 0 sh -c "printf 'NEWPW123\n' | '$SSPR' verify --db prod.db ALICE"
# The flow is spent.
post /reset/complete "csrf=$tok&action=password&sys_prod=1&new=OTHER123&confirm=OTHER123" && status_is 403 "replay"

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

finish
