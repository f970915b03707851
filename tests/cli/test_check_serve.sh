#!/usr/bin/env bash
# test_check_serve.sh - `sspr check` and `sspr serve` agree: for each
# broken (or fine) installation of the table, check is run, then serve on
# port 0; serve either starts (it is stopped again) or exits non-zero at
# once.  Asserted for every row:
#   - serve refuses exactly when check's last line says "sspr serve would
#     refuse to start" (or both stop on the configuration, exit 2);
#   - when serve refuses, check exits non-zero and every line serve gave
#     as its reason is in check's report, word for word;
#   - the row's expected words are in both outputs.
# The rows include the file-trust rule (compat/filetrust.h): a
# configuration, journal, outbox, audit log, state or mail directory, ESM
# database or key file that is a link, belongs to another user or is
# writable (or for secrets readable) by others is refused with the command
# that fixes it.
set -e
source "$(dirname "$0")/lib.sh"
cd "$work"

# --- the installation every row starts from: PROD and DR, one key ---
mkdir base
(
	cd base
	"$SSPR" keys init --file keys.json >/dev/null
	printf '0123456789ABCDEF\n' >ptkt.hex && chmod 600 ptkt.hex
	"$SSPR" keys passticket --file keys.json --appl SSPRAPPL --key-file ptkt.hex >/dev/null
	for db in prod.db dr.db; do
		"$SSPR" esm --db $db <"$SSPR_SRC/scripts/cfields.racf" >/dev/null
		"$SSPR" esm --db $db "RDEFINE PTKTDATA SSPRAPPL SSIGNON(KEYMASKED(0123456789ABCDEF))" >/dev/null
	done
	mkdir -m 700 state mail
)
# config [LISTEN] [EXTRA-SYSTEM-MEMBERS-FOR-DR] [EXTRA-TOP-LEVEL] [DR-DB]
config() {
	cat >sspr.json <<CFG
{"listen": "${1:-127.0.0.1:8080}", "state_dir": "state", "key_file": "keys.json",
 "systems": [{"name": "PROD", "backend": "embedded", "db": "prod.db", "applid": "SSPRAPPL"},
             {"name": "DR", "backend": "embedded", "db": "${4:-dr.db}", "applid": "SSPRAPPL"${2-}}],
 "mail": {"transport": "directory", "path": "mail", "from": "sspr@example.com"}${3-}}
CFG
	chmod 644 sspr.json
}

# serve_try: start serve on port 0; sets started=1 (and stops it) or
# started=0 with its exit status in serve_rc; its stderr in serve.log.
serve_try() {
	: >serve.log
	"$SSPR" serve -c sspr.json --port 0 --workers 1 </dev/null >/dev/null 2>serve.log &
	local pid=$! i
	started=0
	for i in $(seq 150); do
		if grep -q '^sspr: serving on ' serve.log; then
			started=1
			break
		fi
		kill -0 $pid 2>/dev/null || break
		sleep 0.1
	done
	if [[ $started == 1 ]]; then
		kill $pid
		wait $pid || true
		serve_rc=0
	else
		kill $pid 2>/dev/null || true
		set +e
		wait $pid
		serve_rc=$?
		set -e
	fi
}

# row NAME WANT(start|refuse|config) WORDS SETUP...: in a fresh copy of the
# base, run SETUP (a command), then check and serve, and compare.
row() {
	local name=$1 want=$2 words=$3
	shift 3
	rm -rf "row" && cp -a base row
	(
		cd row
		config
		"$@"
	)
	cd row
	checks=$((checks + 1))
	set +e
	cout=$("$SSPR" check -c sspr.json 2>&1)
	crc=$?
	set -e
	serve_try
	local sout
	sout=$(cat serve.log)
	local got
	if [[ $started == 1 ]]; then
		got=start
	elif [[ $serve_rc == 2 && $crc == 2 ]]; then
		got=config
	else
		got=refuse
	fi
	if [[ $got != "$want" ]]; then
		echo "FAIL $name: serve: $got (status $serve_rc), want $want"
		printf '%s\n' "$sout" | sed 's/^/    serve: /'
		printf '%s\n' "$cout" | sed 's/^/    check: /'
		failures=$((failures + 1))
	fi
	# Agreement.
	out=$cout
	case $got in
	start) lacks "$name: check agrees" "would refuse to start" ;;
	refuse)
		has "$name: check agrees" "sspr serve would refuse to start"
		out=$crc && is "$name: check fails" 1
		out=$cout
		while IFS= read -r line; do
			line=${line#sspr: serve: }
			line=${line#PROD: }
			line=${line#DR: }
			has "$name: check has serve's line" "$line"
		done < <(grep '^sspr: serve: ' serve.log | grep -v '^sspr: serve: not started')
		;;
	config)
		# Both stop on the configuration, with the same line.
		out=$(head -1 serve.log)
		is "$name: same words" "$(head -1 <<<"$cout")"
		;;
	esac
	out=$cout
	has "$name: check says" "$words"
	# A started service has nothing to say but a warning.
	if [[ $got != start || $words == *inject* ]]; then
		out=$sout
		has "$name: serve says" "$words"
	fi
	cd ..
}

# A row's setup commands (run in the row's directory).
nothing() { :; }
no_state() { rm -rf state; }
ro_state() { chmod 500 state; }
state_writable() { chmod 777 state; }
garbage_outbox() { head -c 4096 /dev/urandom >state/outbox.db; chmod 600 state/outbox.db; }
audit_writable() { : >state/audit.log; chmod 666 state/audit.log; }
audit_link() { : >elsewhere.log; ln -s ../elsewhere.log state/audit.log; }
same_db() { config "" "" "" prod.db; }
inject() { config "" ', "inject": {"latency_ms": 1}'; }
ro_dr() { chmod 400 dr.db; }
dr_link() { mv dr.db real-dr.db; ln -s real-dr.db dr.db; }
dr_readable() { chmod 644 dr.db; }
empty_journal() { : >state/journal.db; chmod 600 state/journal.db; }
journal_link() { : >other.db; ln -s ../other.db state/journal.db; }
journal_other() { : >state/journal.db; chmod 600 state/journal.db; chown nobody state/journal.db; }
outbox_other() { : >state/outbox.db; chmod 600 state/outbox.db; chown nobody state/outbox.db; }
config_writable() { chmod 664 sspr.json; }
config_other() { chown nobody sspr.json; }
config_link() { mv sspr.json real.json; ln -s real.json sspr.json; }
key_readable() { chmod 640 keys.json; }
mail_writable() { chmod 733 mail; }
listen_2() { config 127.0.0.2:8080; }
listen_6() { config '[::1]:8080'; }
listen_away() { config 192.0.2.7:8080; }

# name                  want    words                                                  setup
row "fine"              start  "all systems are usable"                               nothing
row "no state dir"      refuse "state directory '$work/row/state' does not exist"    no_state
row "read-only state"   refuse "state directory '$work/row/state' is not writable by its owner (mode 0500); run: chmod u+wx" ro_state
row "state for all"     refuse "state directory '$work/row/state' is writable by group or others (mode 0777); run: chmod go-w $work/row/state" state_writable
row "garbage outbox"    refuse "cannot read the outbox '$work/row/state/outbox.db': file is not a database: move it away" garbage_outbox
row "audit for all"     refuse "audit log '$work/row/state/audit.log' is writable by group or others (mode 0666); run: chmod go-w" audit_writable
row "audit link"        refuse "audit log '$work/row/state/audit.log' is a symbolic link" audit_link
row "one db twice"      refuse "systems PROD and DR name the same database"          same_db
row "fault injection"   start  "fault injection (\"inject\") is configured"          inject
row "read-only DR"      refuse "ESM database '$work/row/dr.db' is not writable by its owner (mode 0400); run: chmod u+w" ro_dr
row "DR db link"        refuse "ESM database '$work/row/dr.db' is a symbolic link"   dr_link
row "DR db readable"    refuse "ESM database '$work/row/dr.db' is readable by group or others (mode 0644); run: chmod 600" dr_readable
row "empty journal"     start  "usable"                                               empty_journal
row "journal link"      refuse "journal '$work/row/state/journal.db' is a symbolic link" journal_link
row "journal of other"  refuse "journal '$work/row/state/journal.db' belongs to uid $(id -u nobody)" journal_other
row "outbox of other"   refuse "mail outbox '$work/row/state/outbox.db' belongs to uid $(id -u nobody)" outbox_other
row "config writable"   config "configuration 'sspr.json' is writable by group or others (mode 0664); run: chmod go-w sspr.json" config_writable
row "config of other"   config "configuration 'sspr.json' belongs to uid $(id -u nobody), not to the user sspr runs as" config_other
row "config link"       config "is a symbolic link, which sspr does not follow"     config_link
row "key file readable" refuse "key file '$work/row/keys.json' is readable by group or others (mode 0640); run: chmod 600" key_readable
row "mail dir for all"  refuse "mail directory '$work/row/mail' is writable by group or others (mode 0733); run: chmod go-w" mail_writable
row "listen 127.0.0.2"  start  "usable"                                               listen_2
row "listen ::1"        start  "usable"                                               listen_6
row "listen elsewhere"  refuse "listen 192.0.2.7:8080: that address is not an address of this machine" listen_away

# A configuration others may write never gets to run its password
# command; a password program others may write is refused too.
pwcmd_config() { # COMMAND
	cat >sspr.json <<CFG
{"state_dir": "state", "key_file": "keys.json",
 "systems": [{"name": "PROD", "backend": "embedded", "db": "prod.db", "applid": "SSPRAPPL"}],
 "mail": {"transport": "smtp", "url": "smtp://127.0.0.1:9", "from": "sspr@example.com",
          "starttls": "off", "user": "relay", "password_command": "$1"}}
CFG
}
pwcmd_writable() { pwcmd_config "touch $work/row/ran; echo pw"; chmod 666 sspr.json; }
pwcmd_prog() {
	printf '#!/bin/sh\ntouch %s/row/ran; echo pw\n' "$work" >pw.sh
	chmod 777 pw.sh
	pwcmd_config "$work/row/pw.sh"
	chmod 644 sspr.json
}
row "password cmd, config for all" config "configuration 'sspr.json' is writable by group or others (mode 0666); run: chmod go-w sspr.json" pwcmd_writable
run "password cmd not run" 1 test -e row/ran
row "password program for all" refuse "mail password command '$work/row/pw.sh' is writable by group or others (mode 0777); run: chmod go-w" pwcmd_prog
run "password program not run" 1 test -e row/ran

# check reports every problem, not the first: three at once.
rm -rf row && cp -a base row && cd row && config && chmod 777 mail && chmod 644 dr.db && chmod 640 keys.json
run "all problems" 1 "$SSPR" check -c sspr.json
has "all problems" "mail directory"
has "all problems" "ESM database"
has "all problems" "key file"
has "all problems" "3 problems found; sspr serve would refuse to start"
cd ..

# A server started on a configured address answers there, and only there.
rm -rf row && cp -a base row && cd row && config 127.0.0.2:8080
: >serve.log
"$SSPR" serve -c sspr.json --port 0 --workers 1 </dev/null >/dev/null 2>serve.log &
pid=$!
port=
for _ in $(seq 100); do
	port=$(sed -n 's|^sspr: serving on http://127\.0\.0\.2:\([0-9]*\) .*|\1|p' serve.log)
	[[ -n $port ]] && break
	sleep 0.1
done
run "bound 127.0.0.2" 0 curl -sS --max-time 5 -o /dev/null -w '%{http_code}' "http://127.0.0.2:$port/healthz"
is "bound 127.0.0.2" "200"
run "not on 127.0.0.1" 7 curl -sS --max-time 5 -o /dev/null "http://127.0.0.1:$port/healthz"
kill $pid && wait $pid || true
cd ..

# A key file whose flow key changed: the operations waiting in the journal
# cannot be retried.  check fails and names them; serve starts and says
# the same words.  (DR refuses every write, so an enrollment waits.)
rm -rf row && cp -a base row && cd row
for db in prod.db dr.db; do
	"$SSPR" esm --db $db "ADDUSER ALICE NAME('ALICE')" >/dev/null
	"$SSPR" esm --db $db "ALTUSER ALICE PASSWORD(ALICA12) NOEXPIRED" >/dev/null
done
config "" ', "inject": {"fail_writes": 100000}'
: >serve.log
"$SSPR" serve -c sspr.json --port 0 --workers 1 </dev/null >/dev/null 2>serve.log &
pid=$!
port=
for _ in $(seq 100); do
	port=$(sed -n 's|^sspr: serving on http://127\.0\.0\.1:\([0-9]*\) .*|\1|p' serve.log)
	[[ -n $port ]] && break
	sleep 0.1
done
body='{"userid":"ALICE","password":"ALICA12","email":"alice@example.com","pin":"583920","questions":[{"question":"Q01","answer":"Canary Rex the dog"},{"question":"Q02","answer":"Canary Lindenberg"},{"question":"Q03","answer":"Canary Hannelore"}]}'
run "enroll, DR waits" 0 curl -sS --max-time 30 -H 'Content-Type: application/json' --data-binary "$body" "http://127.0.0.1:$port/api/v1/enroll"
has "enroll, DR waits" '"DR":"pending"'
kill $pid && wait $pid || true
config
run "same key: fine" 0 "$SSPR" check -c sspr.json
lacks "same key: fine" "another key file"
mv keys.json keys.old && "$SSPR" keys init --file keys.json >/dev/null
"$SSPR" keys passticket --file keys.json --appl SSPRAPPL --key-file ptkt.hex >/dev/null
run "new key: check" 1 "$SSPR" check -c sspr.json
has "new key: check" "1 of the 1 operations waiting in the journal"
has "new key: check" "were sealed with another key file's flow key and cannot be retried: put the previous key file back"
has "new key: check" "(sspr serve would start)"
serve_try
out=$started && is "new key: serve starts" 1
out=$(cat serve.log)
has "new key: serve says" "sspr: warning: 1 of the 1 operations waiting in the journal"
cd ..

finish
