#!/usr/bin/env bash
# test_mail.sh - sspr's mail against a real SMTP server (aiosmtpd) that the
# test starts on loopback: STARTTLS with a throwaway CA, AUTH, implicit TLS,
# client certificates; the envelope, headers and body as received; hostile
# recipients refused; and the outbox through relay outages, 421/451 (retried),
# 550 (given up), a connection dropped mid-DATA, expired content, and a
# sender killed with messages queued.
set -e
source "$(dirname "$0")/../cli/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
py=/usr/bin/python3
cd "$work"
mkdir -p spool ctl
"$here/mkcert.sh" tls >/dev/null
printf 's3cret-relay-pw\n' >relay.pw && chmod 600 relay.pw
servers=()
trap 'for p in "${servers[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"' EXIT

# start NAME [options]: an SMTP server; its port in $port, pid in $pid.
start() {
	local name=$1
	shift
	rm -f "$name.port"
	"$py" "$here/smtpd.py" --port "${fixed_port:-0}" --port-file "$name.port" \
		--spool spool --control ctl --log "$name.log" "$@" \
		</dev/null >/dev/null 2>>"$name.err" &
	pid=$!
	servers+=("$pid")
	for _ in $(seq 100); do [[ -s $name.port ]] && break; sleep 0.1; done
	port=$(cat "$name.port")
}
stop() { kill "$1" && wait "$1" 2>/dev/null || true; }
spooled() { ls spool | grep -c '\.json$' || true; }

config() { # url [extra json members]; with_auth=0 leaves AUTH out
	local auth='"user": "relay", "password_file": "relay.pw",'
	[[ ${with_auth:-1} == 1 ]] || auth=
	cat >sspr.json <<CFG
{"state_dir": ".", "key_file": "keys.json",
 "systems": [{"name": "PROD", "backend": "embedded", "db": "prod.db", "applid": "SSPRAPPL"}],
 "mail": {"transport": "smtp", "url": "$1", "from": "sspr@example.com",
          "starttls": "required", "ca_file": "tls/ca.pem", $auth
          "timeout_seconds": 5, "retry_initial_seconds": 1,
          "retry_max_seconds": 2 ${2:-}}}
CFG
}
mail() { "$SSPR" mail "$1" -c sspr.json "${@:2}"; }
run "keys" 0 "$SSPR" keys init --file keys.json
printf '0123456789ABCDEF\n' >ptkt.hex && chmod 600 ptkt.hex
run "ptkt key" 0 "$SSPR" keys passticket --file keys.json --appl SSPRAPPL --key-file ptkt.hex
run "ptkt esm" 0 "$SSPR" esm --db prod.db "RDEFINE PTKTDATA SSPRAPPL SSIGNON(KEYMASKED(0123456789ABCDEF))"
run "fields" 0 sh -c "'$SSPR' esm --db prod.db < '$here/../../scripts/cfields.racf'"

# --- a message through STARTTLS and AUTH, checked as the server got it ---
start main --tls-cert tls/server.pem --tls-key tls/server.key \
	--require-starttls --auth relay:s3cret-relay-pw
main_pid=$pid main_port=$port
config "smtp://127.0.0.1:$main_port"
run "send" 0 mail test --to joe@example.com
has "send" "delivery: relay answered 250"
run "one message" 0 "$py" - <<'PY'
import json, glob, sys
msgs = [json.load(open(f)) for f in glob.glob("spool/*.json")]
assert len(msgs) == 1, msgs
m = msgs[0]
assert m["rcpt_tos"] == ["joe@example.com"], m["rcpt_tos"]
assert m["mail_from"] == "sspr@example.com", m["mail_from"]
assert m["tls"] is True and m["auth_user"] == "relay", m
head, _, body = m["data"].partition("\r\n\r\n")
names = [l.split(":")[0] for l in head.split("\r\n") if not l[0].isspace()]
for h in ("Date", "From", "To", "Subject", "Message-ID", "MIME-Version",
          "Content-Type", "Content-Transfer-Encoding", "Auto-Submitted"):
    assert names.count(h) == 1, (h, names)
assert "\n" not in m["data"].replace("\r\n", ""), "bare LF"
assert "To: joe@example.com" in head, head
assert "text/plain; charset=UTF-8" in head, head
print("ok")
PY
run "one RCPT" 0 grep -c '^RCPT ' main.log
[[ $out == 1 ]] || { echo "FAIL one RCPT: $out"; failures=$((failures + 1)); }
run "password not logged" 0 cat main.log
lacks "password not logged" "s3cret-relay-pw"

# German template: an RFC 2047 subject, decoded back by Python's parser.
run "german" 0 mail test --to ute@example.com --lang de
run "german subject" 0 "$py" - <<'PY'
import json, glob, email, email.policy
ms = [json.load(open(f)) for f in sorted(glob.glob("spool/*.json"))]
m = [x for x in ms if x["rcpt_tos"] == ["ute@example.com"]][0]
msg = email.message_from_string(m["data"], policy=email.policy.default)
raw = m["data"].partition("\r\n\r\n")[0]
assert "=?UTF-8?" in raw or all(ord(c) < 128 for c in msg["Subject"]), raw
# The German template, not the English one: its subject and first words.
assert msg["Subject"] == "sspr-Testnachricht", msg["Subject"]
body = msg.get_content()
assert "Dies ist eine Testnachricht von sspr" in body, body
print(msg["Subject"])
PY

# Hostile recipients: refused before any connection, never a second RCPT.
n0=$(spooled)
for bad in $'a@example.com\r\nBcc: x@evil.com' 'a@example.com,b@evil.com' \
	'a@example.com;b@evil.com' '<a@example.com>' 'a b@example.com' \
	"$(printf 'x%.0s' $(seq 1 300))@example.com" $'\xd0\xb0dmin@example.com' \
	'"a@example.com>,<b"@evil.com' 'a@evil.com@example.com'; do
	run "hostile $(printf %q "$bad" | cut -c1-30)" 2 mail test --to "$bad"
done
[[ $(spooled) == "$n0" ]] || { echo "FAIL hostile: a message went out"; failures=$((failures + 1)); }
run "quoted local part" 0 mail test --to '"joe smith"@example.com'

# The readiness check talks to the relay and sends nothing.
n0=$(spooled)
run "check" 0 "$SSPR" check -c sspr.json
has "check" "mail: relay check: relay answered 250"
[[ $(spooled) == "$n0" ]] || { echo "FAIL check sent mail"; failures=$((failures + 1)); }

# Wrong password: 535, a permanent failure with the relay's words.
printf 'wrong\n' >relay.pw
run "wrong password" 1 mail test --to joe@example.com
has "wrong password" "535"
run "check wrong password" 1 "$SSPR" check -c sspr.json
has "check wrong password" "mail relay smtp://127.0.0.1:$main_port is not usable"
printf 's3cret-relay-pw\n' >relay.pw
chmod 644 relay.pw
run "open password file" 2 mail test --to joe@example.com
has "open password file" "chmod 600"
chmod 600 relay.pw

# --- the outbox ---
run "queue" 0 mail test --to q1@example.com --queue
has "queue" "queued as message 1"
n0=$(spooled)
run "deliver once" 0 mail deliver --once
has "deliver once" "1 message attempted"
[[ $(spooled) == $((n0 + 1)) ]] || { echo "FAIL deliver once"; failures=$((failures + 1)); }
run "queue list" 0 mail queue
has "queue list" "sent"
has "queue list" "q1@example.com"
lacks "queue list" "Subject"

# 451 at MAIL: kept and retried; delivered once the relay accepts.
printf '451 4.3.0 greylisted, try again\n' >ctl/mail_reply
run "queue 451" 0 mail test --to q2@example.com --queue
run "deliver 451" 0 mail deliver --once
run "list 451" 0 mail queue --limit 1
has "list 451" "queued"
has "list 451" "451 4.3.0 greylisted"
rm ctl/mail_reply
sleep 1.2
n0=$(spooled)
run "deliver after 451" 0 mail deliver --once
[[ $(spooled) == $((n0 + 1)) ]] || { echo "FAIL after 451"; failures=$((failures + 1)); }

# 421 at MAIL (the relay closes): retried the same way.
printf '421 4.3.2 shutting down\n' >ctl/mail_reply
run "queue 421" 0 mail test --to q3@example.com --queue
run "deliver 421" 0 mail deliver --once
run "list 421" 0 mail queue --limit 1
has "list 421" "queued"
rm ctl/mail_reply

# 550: given up at once, reported, never retried.
printf '550 5.1.1 no such user here\n' >ctl/rcpt_reply
run "queue 550" 0 mail test --to nobody@example.com --queue
sleep 1.2
run "deliver 550" 0 mail deliver --once
run "list 550" 0 mail queue --limit 1
has "list 550" "failed"
has "list 550" "550 5.1.1 no such user here"
rm ctl/rcpt_reply
sleep 2.2
run "no retry of 550" 0 mail deliver --once
run "list 550 again" 0 mail queue --limit 1
has "list 550 again" "failed   1"

# The connection dropped mid-DATA: retried, then delivered exactly once.
touch ctl/drop_in_data
run "queue drop" 0 mail test --to q4@example.com --queue
n0=$(spooled)
run "deliver drop" 0 mail deliver --once
run "list drop" 0 mail queue --limit 1
has "list drop" "queued"
rm ctl/drop_in_data
sleep 2.2
run "deliver after drop" 0 mail deliver --once
[[ $(spooled) == $((n0 + 1)) ]] || { echo "FAIL after drop"; failures=$((failures + 1)); }
run "q4 once" 0 "$py" -c 'import json,glob; print(sum(json.load(open(f))["rcpt_tos"]==["q4@example.com"] for f in glob.glob("spool/*.json")))'
[[ $out == 1 ]] || { echo "FAIL q4 delivered $out times"; failures=$((failures + 1)); }

# The relay down at enqueue time; content that expires is dropped, the
# rest delivered when it is back.
stop "$main_pid"
run "queue down" 0 mail test --to q5@example.com --queue
run "queue expiring" 0 mail test --to q6@example.com --queue --expires 1
run "deliver down" 0 mail deliver --once
run "list down" 0 mail queue --limit 2
has "list down" "queued"
sleep 2.2
fixed_port=$main_port start main --tls-cert tls/server.pem --tls-key tls/server.key \
	--require-starttls --auth relay:s3cret-relay-pw
main_pid=$pid
n0=$(spooled)
run "deliver back" 0 mail deliver --once
run "list back" 0 mail queue --limit 2
has "list back" "expired"
[[ $(spooled) == $((n0 + 1)) ]] || { echo "FAIL relay back"; failures=$((failures + 1)); }

# The sender killed with messages queued: delivered after its restart.
stop "$main_pid"
run "queue kill 1" 0 mail test --to k1@example.com --queue
run "queue kill 2" 0 mail test --to k2@example.com --queue
"$SSPR" mail deliver -c sspr.json &
dpid=$!
sleep 1.5
kill -9 "$dpid"
wait "$dpid" 2>/dev/null || true
fixed_port=$main_port start main --tls-cert tls/server.pem --tls-key tls/server.key \
	--require-starttls --auth relay:s3cret-relay-pw
main_pid=$pid
"$SSPR" mail deliver -c sspr.json &
dpid=$!
for _ in $(seq 100); do
	"$py" -c 'import json,glob,sys; r=[json.load(open(f))["rcpt_tos"][0] for f in glob.glob("spool/*.json")]; sys.exit(0 if "k1@example.com" in r and "k2@example.com" in r else 1)' && break
	sleep 0.1
done
kill "$dpid"
wait "$dpid" || true
run "killed sender" 0 "$py" -c 'import json,glob,sys; r=[json.load(open(f))["rcpt_tos"][0] for f in glob.glob("spool/*.json")]; print(r.count("k1@example.com"), r.count("k2@example.com")); sys.exit(0 if r.count("k1@example.com")==1 and r.count("k2@example.com")==1 else 1)'

# The outbox never holds a readable body.
run "sealed" 1 grep -a -c "Subject:" outbox.db

# --- TLS variants ---
# Implicit TLS (smtps://).
start implicit --tls-cert tls/server.pem --tls-key tls/server.key \
	--implicit-tls --auth relay:s3cret-relay-pw
config "smtps://127.0.0.1:$port"
run "smtps" 0 mail test --to tls@example.com
# STARTTLS required but not offered: refused, never sent in clear.
start plain
with_auth=0 config "smtp://127.0.0.1:$port"
n0=$(spooled)
run "starttls required" 1 mail test --to clear@example.com
[[ $(spooled) == "$n0" ]] || { echo "FAIL sent in clear"; failures=$((failures + 1)); }
run "check no starttls" 1 "$SSPR" check -c sspr.json
# A certificate from another CA: refused.
"$here/mkcert.sh" other >/dev/null
start main2 --tls-cert other/server.pem --tls-key other/server.key
with_auth=0 config "smtp://127.0.0.1:$port"
run "wrong CA" 1 mail test --to ca@example.com
# Client certificate authentication.
start certauth --tls-cert tls/server.pem --tls-key tls/server.key \
	--require-starttls --client-ca tls/ca.pem
with_auth=0 config "smtp://127.0.0.1:$port" ',"client_cert": "tls/client.pem", "client_key": "tls/client.key"'
run "client cert" 0 mail test --to cert@example.com
with_auth=0 config "smtp://127.0.0.1:$port"
run "no client cert" 1 mail test --to nocert@example.com

# The directory transport (demo): one private .eml file per message.
mkdir -p maildir
cat >sspr.json <<'CFG'
{"state_dir": ".", "key_file": "keys.json",
 "systems": [{"name": "PROD", "backend": "embedded", "db": "prod.db", "applid": "SSPRAPPL"}],
 "mail": {"transport": "directory", "path": "maildir", "from": "sspr@example.com"}}
CFG
run "directory" 0 mail test --to dir@example.com
run "eml" 0 sh -c 'ls maildir/*.eml | wc -l; stat -c %a maildir/*.eml'
has "eml" "600"

finish
