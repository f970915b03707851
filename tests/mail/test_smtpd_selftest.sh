#!/bin/bash
# Self-test of the SMTP test server tests/mail/smtpd.py (and mkcert.sh).
#
# Starts several smtpd.py instances on port 0 (--port-file), drives them with
# the curl command-line tool (libcurl, like sspr itself), checks the replies
# seen by the client, the spool files and the --log file, and stops the
# servers with SIGTERM.  Prints "N checks, M failed"; exit status 0 only if
# every check passed.  Needs /usr/bin/python3 with python3-aiosmtpd, curl and
# openssl; touches nothing outside a temporary directory and 127.0.0.1.
set -u

here=$(cd "$(dirname "$0")" && pwd)
PY=/usr/bin/python3
SMTPD=$here/smtpd.py
MKCERT=$here/mkcert.sh

for tool in "$PY" curl openssl; do
	if ! command -v "$tool" >/dev/null; then
		echo "test_smtpd_selftest: $tool not found" >&2
		exit 2
	fi
done
if ! "$PY" -c 'import aiosmtpd' 2>/dev/null; then
	echo "test_smtpd_selftest: $PY lacks aiosmtpd (apt install python3-aiosmtpd)" >&2
	exit 2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/smtpd-selftest.XXXXXX")
declare -A PID PORT
cleanup() {
	local n
	for n in "${!PID[@]}"; do
		kill -TERM "${PID[$n]}" 2>/dev/null
	done
	wait 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

checks=0
failed=0
pass() { checks=$((checks + 1)); }
fail() {
	checks=$((checks + 1))
	failed=$((failed + 1))
	echo "FAIL: $*" >&2
	if [ -s "$work/trace" ]; then
		sed 's/^/    | /' "$work/trace" | grep -E '^    \| [<>]|curl:' >&2
	fi
}
# check DESCRIPTION COMMAND...
check() {
	local what=$1
	shift
	if "$@" >/dev/null; then pass; else fail "$what"; fi
}

# start NAME SMTPD-ARGS...: start a server with its own spool, control dir
# and log under $work/NAME; wait (max 10 s) for its port file.
start() {
	local name=$1 d=$work/$1 i
	shift
	mkdir -p "$d/spool" "$d/ctl"
	"$PY" "$SMTPD" --port 0 --port-file "$d/port" --spool "$d/spool" \
		--control "$d/ctl" --log "$d/log" "$@" \
		>"$d/stdout" 2>"$d/stderr" &
	PID[$name]=$!
	for ((i = 0; i < 100; i++)); do
		[ -s "$d/port" ] && break
		if ! kill -0 "${PID[$name]}" 2>/dev/null; then
			break
		fi
		sleep 0.1
	done
	if [ -s "$d/port" ]; then
		PORT[$name]=$(cat "$d/port")
		pass
	else
		fail "server $name did not write its port file within 10 s"
		cat "$d/stderr" >&2
		PORT[$name]=1
	fi
}

# send URL CURL-ARGS...: one message ($work/msg) from a@example.org; the
# recipients and other options are given by the caller.  curl's verbose
# trace goes to $work/trace; returns curl's exit status.
send() {
	local url=$1
	shift
	curl -sS -v --connect-timeout 5 --max-time 20 --url "$url" \
		--mail-from a@example.org --upload-file "$work/msg" "$@" \
		>"$work/trace.out" 2>"$work/trace.raw"
	local rc=$?
	tr -d '\r' <"$work/trace.raw" >"$work/trace"
	return $rc
}
# send_expect RC DESCRIPTION URL CURL-ARGS...: send, check curl's exit status
send_expect() {
	local want=$1 what=$2 rc
	shift 2
	send "$@"
	rc=$?
	if [ "$rc" = "$want" ]; then pass; else fail "$what: curl exit $rc, want $want"; fi
}
# send_fails DESCRIPTION URL CURL-ARGS...: curl must fail (any non-zero status)
send_fails() {
	local what=$1
	shift
	if send "$@"; then fail "$what: curl succeeded"; else pass; fi
}
# replied REGEX: the server sent a reply line matching ^REGEX (curl trace)
replied() { grep -Eq "^< $1" "$work/trace"; }
nstored() { find "$work/$1/spool" -name '*.json' | wc -l; }
stored_is() { # NAME COUNT
	local n
	n=$(nstored "$1")
	if [ "$n" = "$2" ]; then pass; else fail "$1: $n messages stored, want $2"; fi
}
# jq_py NAME N EXPR: evaluate a python expression on spool message N (as m)
jtrue() { # DESCRIPTION NAME N EXPR
	local what=$1 f=$work/$2/spool/$3.json
	if [ -f "$f" ] && "$PY" -c '
import json, sys
m = json.load(open(sys.argv[1]))
msg = open(sys.argv[3], "rb").read().decode()
sys.exit(0 if eval(sys.argv[2]) else 1)' "$f" "$4" "$work/msg"; then
		pass
	else
		fail "$what ($4)"
		[ -f "$f" ] && sed 's/^/    /' "$f" >&2
	fi
}
ctl() { # NAME FILE [CONTENT]: set a control file (no CONTENT: remove it)
	if [ $# -ge 3 ]; then
		printf '%s\n' "$3" >"$work/$1/ctl/$2"
	else
		rm -f "$work/$1/ctl/$2"
	fi
}
logcount() { grep -c "$2" "$work/$1/log"; }

# --- material -----------------------------------------------------------
"$MKCERT" "$work/pki" || {
	echo "mkcert.sh failed" >&2
	exit 1
}
"$MKCERT" "$work/otherpki" >/dev/null || exit 1
for k in ca server client; do
	m=$(stat -c %a "$work/pki/$k.key" 2>/dev/null)
	check "mkcert: $k.key mode $m, want 600" [ "$m" = 600 ]
done
check "mkcert: server.pem verifies against ca.pem for IP 127.0.0.1" \
	openssl verify -CAfile "$work/pki/ca.pem" -verify_ip 127.0.0.1 \
	-purpose sslserver "$work/pki/server.pem"
check "mkcert: server.pem verifies for host localhost" \
	openssl verify -CAfile "$work/pki/ca.pem" -verify_hostname localhost \
	"$work/pki/server.pem"
check "mkcert: client.pem is a client certificate of the same CA" \
	openssl verify -CAfile "$work/pki/ca.pem" -purpose sslclient \
	"$work/pki/client.pem"
CA=(--cacert "$work/pki/ca.pem")
TLSARGS=(--tls-cert "$work/pki/server.pem" --tls-key "$work/pki/server.key")

# A message with CRLF line ends and a line starting with "." (dot-stuffing).
printf 'From: a@example.org\r\nTo: b@example.org\r\nSubject: self-test\r\n\r\nhello\r\n.leading dot\r\n..two dots\r\nend\r\n' >"$work/msg"

# --- bad command lines ------------------------------------------------------
"$PY" "$SMTPD" --implicit-tls --port 0 >/dev/null 2>&1
rc=$?
check "--implicit-tls without --tls-cert is refused (rc $rc)" [ "$rc" = 2 ]

# --- plain delivery, --log ------------------------------------------------
start plain
P=${PORT[plain]}
send_expect 0 "plain delivery" "smtp://127.0.0.1:$P" --mail-rcpt b@example.org
check "plain: 250 after the data" replied "250 OK: queued as 1"
stored_is plain 1
jtrue "plain: envelope" plain 1 \
	'm["mail_from"] == "a@example.org" and m["rcpt_tos"] == ["b@example.org"]'
jtrue "plain: data kept byte for byte (CRLF, dots unstuffed)" plain 1 \
	'm["data"] == msg and "\r\n.leading dot\r\n" in m["data"]'
jtrue "plain: tls/auth_user/peer/received_at" plain 1 \
	'm["tls"] is False and m["auth_user"] is None and m["peer"].startswith("127.0.0.1:") and abs(m["received_at"] - __import__("time").time()) < 60'
check "log: exactly one RCPT after one message" [ "$(logcount plain '^RCPT ')" = 1 ]
send_expect 0 "plain: two recipients" "smtp://127.0.0.1:$P" \
	--mail-rcpt b@example.org --mail-rcpt c@example.org
jtrue "plain: two recipients stored" plain 2 \
	'm["rcpt_tos"] == ["b@example.org", "c@example.org"]'
check "log: three RCPT lines after 1+2 recipients" [ "$(logcount plain '^RCPT ')" = 3 ]
check "log: two MAIL lines" [ "$(logcount plain '^MAIL FROM:<a@example.org>')" = 2 ]
check "log: connect events" [ "$(logcount plain '^# connect 127.0.0.1:')" = 2 ]
send_fails "plain server: --ssl-reqd fails (no STARTTLS offered)" \
	"smtp://127.0.0.1:$P" --ssl-reqd "${CA[@]}" --mail-rcpt b@example.org
stored_is plain 2

# --- STARTTLS ---------------------------------------------------------------
start tls "${TLSARGS[@]}"
P=${PORT[tls]}
send_expect 0 "STARTTLS delivery with --cacert" "smtp://127.0.0.1:$P" \
	--ssl-reqd "${CA[@]}" --mail-rcpt b@example.org
check "STARTTLS: 220 Ready to start TLS" replied "220 Ready to start TLS"
check "STARTTLS: no AUTH offered without --auth" \
	bash -c "! grep -q '^< 250-AUTH' '$work/trace'"
jtrue "STARTTLS: stored with tls=true" tls 1 \
	'm["tls"] is True and m["tls_version"].startswith("TLS") and m["data"] == msg'
send_expect 60 "STARTTLS: curl without --cacert rejects the throwaway CA" \
	"smtp://127.0.0.1:$P" --ssl-reqd --mail-rcpt b@example.org
send_expect 0 "STARTTLS server, client not using TLS" "smtp://127.0.0.1:$P" \
	--mail-rcpt b@example.org
jtrue "STARTTLS server, plaintext message: tls=false" tls 2 'm["tls"] is False'
check "log: starttls event" [ "$(logcount tls '^# starttls ')" = 1 ]

# --- --require-starttls -----------------------------------------------------
start reqtls "${TLSARGS[@]}" --require-starttls
P=${PORT[reqtls]}
send_expect 55 "--require-starttls: MAIL refused without STARTTLS" \
	"smtp://127.0.0.1:$P" --mail-rcpt b@example.org
check "--require-starttls: 530" replied "530 Must issue a STARTTLS command first"
stored_is reqtls 0
send_expect 0 "--require-starttls: delivery after STARTTLS" \
	"smtp://127.0.0.1:$P" --ssl-reqd "${CA[@]}" --mail-rcpt b@example.org
stored_is reqtls 1

# --- AUTH ---------------------------------------------------------------------
start auth "${TLSARGS[@]}" --auth user:s3cret
P=${PORT[auth]}
send_expect 55 "AUTH required: no credentials" "smtp://127.0.0.1:$P" \
	--ssl-reqd "${CA[@]}" --mail-rcpt b@example.org
check "AUTH required: 530 5.7.0" replied "530 5.7.0 Authentication required"
check "AUTH offered after STARTTLS" replied "250-AUTH LOGIN PLAIN"
send_expect 67 "AUTH: wrong password" "smtp://127.0.0.1:$P" \
	--ssl-reqd "${CA[@]}" --user user:wrong --mail-rcpt b@example.org
check "AUTH: wrong password gets 535" replied "535 5.7.8"
send_expect 67 "AUTH: wrong user" "smtp://127.0.0.1:$P" \
	--ssl-reqd "${CA[@]}" --user other:s3cret --mail-rcpt b@example.org
stored_is auth 0
send_expect 0 "AUTH PLAIN: right password" "smtp://127.0.0.1:$P" \
	--ssl-reqd "${CA[@]}" --user user:s3cret --mail-rcpt b@example.org
check "AUTH PLAIN: 235" replied "235 2.7.0 Authentication successful"
jtrue "AUTH PLAIN: auth_user stored" auth 1 \
	'm["auth_user"] == "user" and m["tls"] is True'
send_expect 0 "AUTH LOGIN: right password" "smtp://127.0.0.1:$P" \
	--ssl-reqd "${CA[@]}" --user user:s3cret --login-options AUTH=LOGIN \
	--mail-rcpt b@example.org
jtrue "AUTH LOGIN: auth_user stored" auth 2 'm["auth_user"] == "user"'
send_expect 0 "AUTH PLAIN with initial response" "smtp://127.0.0.1:$P" \
	--ssl-reqd "${CA[@]}" --user user:s3cret --sasl-ir --mail-rcpt b@example.org
check "log: initial response masked" grep -q '^AUTH PLAIN \*\*\*\*\*\*\*\*$' "$work/auth/log"
b64=$(printf '\0user\0s3cret' | base64)
check "log: no password, no base64 credentials" \
	bash -c "! grep -qF -e s3cret -e '$b64' -e '$(printf user | base64)' '$work/auth/log'"
send_expect 55 "AUTH over plaintext not offered: client goes on unauthenticated" \
	"smtp://127.0.0.1:$P" --user user:s3cret --mail-rcpt b@example.org
check "AUTH over plaintext: not advertised" bash -c "! grep -q '^< 250-AUTH' '$work/trace'"
stored_is auth 3

start authplain --auth user:s3cret --auth-plaintext
P=${PORT[authplain]}
send_expect 0 "--auth-plaintext: AUTH without TLS" "smtp://127.0.0.1:$P" \
	--user user:s3cret --mail-rcpt b@example.org
jtrue "--auth-plaintext: stored, tls=false, auth_user" authplain 1 \
	'm["tls"] is False and m["auth_user"] == "user"'

# --- implicit TLS ---------------------------------------------------------------
start smtps "${TLSARGS[@]}" --implicit-tls --auth user:s3cret
P=${PORT[smtps]}
send_expect 0 "implicit TLS (smtps://) with AUTH" "smtps://127.0.0.1:$P" \
	"${CA[@]}" --user user:s3cret --mail-rcpt b@example.org
check "implicit TLS: STARTTLS not offered" bash -c "! grep -q '^< 250-STARTTLS' '$work/trace'"
jtrue "implicit TLS: stored with tls=true, auth_user" smtps 1 \
	'm["tls"] is True and m["auth_user"] == "user"'
send_fails "implicit TLS: plaintext client fails" "smtp://127.0.0.1:$P" \
	--mail-rcpt b@example.org --max-time 2
check "implicit TLS: no plaintext greeting" bash -c "! grep -q '^< 220' '$work/trace'"
stored_is smtps 1

# --- client certificates ----------------------------------------------------------
start mtls "${TLSARGS[@]}" --client-ca "$work/pki/ca.pem"
P=${PORT[mtls]}
send_expect 0 "client cert: accepted" "smtp://127.0.0.1:$P" --ssl-reqd \
	"${CA[@]}" --cert "$work/pki/client.pem" --key "$work/pki/client.key" \
	--mail-rcpt b@example.org
jtrue "client cert: subject stored" mtls 1 \
	'm["client_cert_subject"] == "CN=sspr-test-client"'
send_fails "client cert: missing -> handshake fails" "smtp://127.0.0.1:$P" \
	--ssl-reqd "${CA[@]}" --mail-rcpt b@example.org
send_fails "client cert: other CA -> handshake fails" "smtp://127.0.0.1:$P" \
	--ssl-reqd "${CA[@]}" --cert "$work/otherpki/client.pem" \
	--key "$work/otherpki/client.key" --mail-rcpt b@example.org
stored_is mtls 1
check "log: tls-failed events" [ "$(logcount mtls '^# tls-failed ')" = 2 ]

start mtlss "${TLSARGS[@]}" --implicit-tls --client-ca "$work/pki/ca.pem"
P=${PORT[mtlss]}
send_expect 0 "client cert, implicit TLS: accepted" "smtps://127.0.0.1:$P" \
	"${CA[@]}" --cert "$work/pki/client.pem" --key "$work/pki/client.key" \
	--mail-rcpt b@example.org
send_fails "client cert, implicit TLS: missing -> fails" "smtps://127.0.0.1:$P" \
	"${CA[@]}" --mail-rcpt b@example.org
stored_is mtlss 1

# --- control files ------------------------------------------------------------------
start ctl
P=${PORT[ctl]}
U=smtp://127.0.0.1:$P
for r in "421 4.3.0 try later" "451 4.3.0 greylisted" "550 5.1.1 no such user"; do
	ctl ctl mail_reply "$r"
	send_fails "mail_reply ${r%% *}" "$U" --mail-rcpt b@example.org
	check "mail_reply ${r%% *}: client sees it" replied "$r"
	if [ "${r%% *}" = 421 ]; then
		check "mail_reply 421 closes the connection (last reply, QUIT unanswered)" \
			bash -c "[ \"\$(grep '^< ' '$work/trace' | tail -1)\" = '< $r' ]"
	fi
done
ctl ctl mail_reply
ctl ctl rcpt_reply "550 5.1.1 no such user"
send_expect 55 "rcpt_reply 550" "$U" --mail-rcpt b@example.org
check "rcpt_reply 550: client sees it" replied "550 5.1.1 no such user"
printf '550-5.1.1 first line\n550 5.1.1 second line\n' >"$work/ctl/ctl/rcpt_reply"
send_fails "rcpt_reply multi-line" "$U" --mail-rcpt b@example.org
check "rcpt_reply multi-line: both lines" \
	bash -c "grep -q '^< 550-5.1.1 first line' '$work/trace' && grep -q '^< 550 5.1.1 second line' '$work/trace'"
ctl ctl rcpt_reply
ctl ctl data_reply "451 4.3.0 queue full"
send_fails "data_reply 451" "$U" --mail-rcpt b@example.org
check "data_reply 451: client sees it after the data" replied "451 4.3.0 queue full"
ctl ctl data_reply
touch "$work/ctl/ctl/drop_in_data"
send_fails "drop_in_data: client sees the connection close" "$U" --mail-rcpt b@example.org
check "drop_in_data: 354 then no reply" \
	bash -c "grep -q '^< 354' '$work/trace' && [ \"\$(grep '^< ' '$work/trace' | tail -1 | cut -c3-5)\" = 354 ]"
ctl ctl drop_in_data
ctl ctl greeting_reply "421 service not available"
send_fails "greeting_reply" "$U" --mail-rcpt b@example.org
check "greeting_reply: client sees it as the only line" \
	bash -c "[ \"\$(grep '^< ' '$work/trace')\" = '< 421 service not available' ]"
ctl ctl greeting_reply
stored_is ctl 0
check "log: no DATA accepted, 1 drop event" [ "$(logcount ctl '^# dropped-in-data')" = 1 ]
send_expect 0 "control files removed: normal again" "$U" --mail-rcpt b@example.org
stored_is ctl 1
ctl ctl rcpt_reply "550 5.1.1 changed while running"
send_fails "control file written while the server runs" "$U" --mail-rcpt b@example.org
check "control file written while the server runs: seen" \
	replied "550 5.1.1 changed while running"
ctl ctl rcpt_reply

# --- shutdown -------------------------------------------------------------------------
: >"$work/trace"
for n in "${!PID[@]}"; do
	kill -TERM "${PID[$n]}"
	wait "${PID[$n]}"
	rc=$?
	unset "PID[$n]"
	check "$n: exits 0 on SIGTERM (rc $rc)" [ "$rc" = 0 ]
	check "$n: nothing on stdout" [ ! -s "$work/$n/stdout" ]
	if [ -s "$work/$n/stderr" ]; then
		fail "$n: stderr not empty"
		sed 's/^/    /' "$work/$n/stderr" >&2
	else
		pass
	fi
done

echo "$checks checks, $failed failed"
[ "$failed" = 0 ]
