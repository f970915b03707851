#!/usr/bin/env bash
# test_framing.sh - SECURITY ROB-09: requests whose framing two readers
# could disagree on are refused with 400 and the connection is closed, so a
# request pipelined after one is never answered (request smuggling).  Each
# variant goes to a GET and a POST route over a raw socket (raw.py):
# Content-Length with Transfer-Encoding, two Content-Length values (also the
# same one twice), white space or other non-token characters in a header
# name, obs-fold, a Transfer-Encoding other than chunked, control
# characters in the decoded path and query; and the cookie names compared
# exactly (__HOST-csrf is not __Host-csrf; a cookie sent twice is absent);
# the Origin check with base_url and Origin both normalised as browsers
# serialise origins (base_url is written HTTP://127.0.0.1:80/ here).
set -e
source "$(dirname "$0")/../cli/lib.sh"
cd "$work"
source "$SSPR_SRC/tests/http/lib.sh"

http_esm_init
cat >sspr.json <<'CFG'
{"state_dir": ".", "key_file": "keys.json", "base_url": "HTTP://127.0.0.1:80/",
 "systems": [{"name": "PROD", "backend": "embedded", "db": "prod.db", "applid": "SSPRAPPL"}],
 "mail": {"transport": "directory", "path": "mail", "from": "sspr@example.com"},
 "hash": {"memory_kib": 19456}}
CFG
http_serve

# rawreq NAME: send stdin (newlines turned into CRLF, see raw.py).
rawreq() {
	cat >"req.$1"
	$py "$SSPR_SRC/tests/http/raw.py" "$port" <"req.$1"
}

# The request pipelined after each bad one: it must never be answered.
next=$'GET /healthz HTTP/1.1\nHost: 127.0.0.1\n\n'

# refused NAME HEADERS...: one request per route with the extra header
# lines (bodies of 5 bytes where a length is declared), then $next.
refused() {
	local name=$1 hdrs=$2 body=${3-}
	local route
	for route in "GET /healthz" "GET /reset" "POST /api/v1/reset" "POST /reset"; do
		run "$name: $route" 0 rawreq "$name" <<<"$route HTTP/1.1
Host: 127.0.0.1
$hdrs
$body$next"
		has "$name: $route: 400" "HTTP/1.1 400"
		# (libmicrohttpd refuses a few itself, writing its 400 twice)
		lacks "$name: $route: $next not answered" "HTTP/1.1 200"
		has "$name: $route: closed" "closed=yes"
		has "$name: $route: says close" "Connection: close"
	done
}

# --- the control: a good request and one pipelined after it both answered
run "pipelined good" 0 rawreq good <<<"GET /healthz HTTP/1.1
Host: 127.0.0.1

$next"
has "pipelined good: two answers" "answers=2"
run "good post" 0 rawreq goodpost <<<"POST /api/v1/reset HTTP/1.1
Host: 127.0.0.1
Content-Type: application/json
Content-Length: 2

{}$next"
has "good post: two answers" "answers=2"
has "good post: kept open" "closed=no"

# --- CL.TE and TE.CL
refused "CL+TE" $'Content-Length: 5\nTransfer-Encoding: chunked\n' $'0\n\n'
refused "TE+CL" $'Transfer-Encoding: chunked\nContent-Length: 5\n' $'0\n\n'
# --- two lengths, and the same one twice (refused too: see docs)
refused "two CL" $'Content-Length: 5\nContent-Length: 6\n' '12345'
refused "same CL twice" $'Content-Length: 5\nContent-Length: 5\n' '12345'
refused "CL list" $'Content-Length: 5, 5\n' '12345'
refused "CL sign" $'Content-Length: +5\n' '12345'
# --- header names that are not tokens
refused "space before colon" $'Transfer-Encoding : chunked\n' $'0\n\n'
refused "tab before colon" $'Content-Length\t: 5\n' '12345'
refused "space in name" $'X Foo: 1\n'
refused "paren in name" $'X(F)oo: 1\n'
# --- obs-fold, on an ordinary header and on a framing one
refused "obs-fold SP" $'X-Foo: a\n b\n'
refused "obs-fold HTAB" $'X-Foo: a\n\tb\n'
refused "obs-fold TE" $'Transfer-Encoding:\n chunked\n' $'0\n\n'
# --- transfer codings other than one chunked
refused "TE gzip" $'Transfer-Encoding: gzip\n' $'0\n\n'
refused "TE list" $'Transfer-Encoding: gzip, chunked\n' $'0\n\n'
refused "TE twice" $'Transfer-Encoding: chunked\nTransfer-Encoding: chunked\n' $'0\n\n'
refused "TE chunked-x" $'Transfer-Encoding: chunkedx\n' $'0\n\n'
# --- single headers sent twice
refused "two hosts" $'Host: evil.example\n'
refused "two origins" $'Origin: http://127.0.0.1\nOrigin: http://evil.example\n'

# --- control characters in the decoded path or query
for u in "/static/sspr.css%00.txt" "/healthz%00" "/static/sspr.css%0a" \
	"/healthz?x=%00" "/reset?a%01=1" "/static/sspr.css%7f"; do
	run "ctl $u" 0 rawreq ctl <<<"GET $u HTTP/1.1
Host: 127.0.0.1

$next"
	has "ctl $u: 400" "HTTP/1.1 400"
	has "ctl $u: one answer" "answers=1"
	has "ctl $u: closed" "closed=yes"
done
run "static exact" 0 rawreq static <<<"GET /static/sspr.css HTTP/1.1
Host: 127.0.0.1
Connection: close

"
has "static exact: 200" "HTTP/1.1 200"
run "static suffix" 0 rawreq static <<<"GET /static/sspr.css.txt HTTP/1.1
Host: 127.0.0.1
Connection: close

"
has "static suffix: 404" "HTTP/1.1 404"

# --- cookie names compared exactly
tok=ABCDEFGHIJKLMNOPQRSTUVWXYZ
run "csrf cookie exact" 0 rawreq ck <<<"GET /reset HTTP/1.1
Host: 127.0.0.1
Cookie: __Host-csrf=$tok
Connection: close

"
lacks "csrf cookie exact: kept" "Set-Cookie: __Host-csrf"
run "csrf cookie case" 0 rawreq ck <<<"GET /reset HTTP/1.1
Host: 127.0.0.1
Cookie: __HOST-csrf=$tok
Connection: close

"
has "csrf cookie case: a new one" "Set-Cookie: __Host-csrf="
run "csrf cookie twice" 0 rawreq ck <<<"GET /reset HTTP/1.1
Host: 127.0.0.1
Cookie: __Host-csrf=$tok; __Host-csrf=ZYXWVUTSRQPONMLKJIHGFEDCBA
Connection: close

"
has "csrf cookie twice: a new one" "Set-Cookie: __Host-csrf="
run "lang cookie case" 0 rawreq lang <<<"GET / HTTP/1.1
Host: 127.0.0.1
Cookie: LANG=de
Connection: close

"
has "lang cookie case: not taken" '<html lang="en">'
run "lang cookie" 0 rawreq lang <<<"GET / HTTP/1.1
Host: 127.0.0.1
Cookie: lang=de
Connection: close

"
has "lang cookie: taken" '<html lang="de">'

# --- the origin check: a JSON POST with each Origin
origin() {
	run "origin $1" 0 rawreq origin <<<"POST /api/v1/reset HTTP/1.1
Host: 127.0.0.1
Origin: $1
Content-Type: application/json
Content-Length: 2
Connection: close

{}"
}
for o in "http://127.0.0.1" "HTTP://127.0.0.1" "http://127.0.0.1:80"; do
	origin "$o"
	lacks "origin $o: same" "HTTP/1.1 403"
done
for o in "https://127.0.0.1" "http://127.0.0.1:81" "http://127.0.0.2" \
	"http://127.0.0.1/" "http://127.0.0.1.evil" "http://user@127.0.0.1"; do
	origin "$o"
	has "origin $o: cross-site" "HTTP/1.1 403"
done

run "log" 0 cat serve.log
has "log: reason" "refused: folded header line (obs-fold)"
finish
