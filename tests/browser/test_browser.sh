#!/usr/bin/env bash
# test_browser.sh - the browser pages of `sspr serve` in a real browser:
# Debian's chromium, headless, driven by playwright-core (flow.mjs).
# Two embedded systems, PROD (primary, prod.db) and DR (replica, dr.db),
# with the same users, passwords and rules.  Enrollment and a whole reset
# through the forms, the new password verified here on both; a new password
# phrase (DAVE); unlocking a user ID revoked by failed attempts (BOB); a
# wrong answer refused with nothing changed (CAROL); two tabs, two flows
# (GRACE, HENRY); a user ID revoked by an
# administrator refused (ERIN); the language switch; the reset start with
# JavaScript off; the helpdesk (HELP01 signs on, looks FRED up, clears his
# lockout, finds him enrolled on PROD only in the drift report, replicates
# him to DR with its one-click button, sees no drift left and equal
# enrollment digests, signs off).  The
# mail goes through a real SMTP server (tests/mail/smtpd.py, aiosmtpd) on
# loopback; the access codes are read from the messages it stored.  A screenshot of every page into
# ${SSPR_TEST_TMP:-/tmp}/screenshots/; on each page a label/h1/lang/alt
# check, axe-core's serious and critical rules, and the first Tab.
#
# Needs: the Debian package chromium, node >= 18 and npm.  The npm packages
# pinned in package.json/package-lock.json are installed into
# tests/browser/node_modules (git-ignored) on the first run.  Everything
# listens and connects on loopback only; the server, the SMTP server and the
# browser are stopped on exit.  The SMTP server needs Debian's
# python3-aiosmtpd.
set -e
source "$(dirname "$0")/../cli/lib.sh"
: "${SSPR_SRC:?SSPR_SRC must name the source tree}"
here=$SSPR_SRC/tests/browser
chromium=${CHROMIUM:-/usr/bin/chromium}
shots=$tmp_root/screenshots

# Prerequisites: fail, loudly, rather than skip.
need() { echo "FAIL prerequisites: $*"; exit 1; }
[[ -x $chromium ]] || need "no browser at $chromium: install Debian's package (apt-get install -y chromium)"
py=/usr/bin/python3
"$py" -c 'import aiosmtpd' 2>/dev/null || need "no aiosmtpd: install Debian's python3-aiosmtpd"
command -v node >/dev/null || need "no node: install Debian's nodejs (>= 18)"
node -e 'process.exit(+process.versions.node.split(".")[0] >= 18 ? 0 : 1)' ||
	need "node $(node --version) is too old: playwright-core needs >= 18"
# The installed npm packages match the pinned versions, or install them.
pinned() {
	node -e '
		const fs = require("fs"), dir = process.argv[1];
		const want = JSON.parse(fs.readFileSync(dir + "/package.json")).dependencies;
		for (const [n, v] of Object.entries(want)) {
			let got = null;
			try { got = JSON.parse(fs.readFileSync(`${dir}/node_modules/${n}/package.json`)).version; } catch {}
			if (got !== v) process.exit(1);
		}' "$here"
}
if ! pinned; then
	command -v npm >/dev/null || need "no npm to install playwright-core: install Debian's npm"
	echo "installing the pinned npm packages into $here/node_modules"
	npm ci --prefix "$here" --no-audit --no-fund --loglevel=error >"$work/npm.log" 2>&1 || {
		sed 's/^/    /' "$work/npm.log"
		need "npm ci failed in $here (the npm registry unreachable?)"
	}
	pinned || need "npm ci did not install the versions in $here/package.json"
fi

cd "$work"
source "$SSPR_SRC/tests/http/lib.sh"
browser= smtpd=
cleanup() {
	if [[ -n $browser ]]; then
		# SIGTERM: playwright closes the browser it launched.
		kill "$browser" 2>/dev/null || true
		for _ in $(seq 50); do kill -0 "$browser" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$browser" 2>/dev/null || true
		wait "$browser" 2>/dev/null || true
	fi
	stop_server
	if [[ -n $smtpd ]]; then
		kill "$smtpd" 2>/dev/null || true
		wait "$smtpd" 2>/dev/null || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT
# A signal ends the test through the EXIT trap, so nothing is left running.
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

# PROD and DR: the same fields, PassTicket profile, rules and users.
http_esm_init
http_esm_more dr.db
dbs=(prod.db dr.db)
# both NAME RACF-COMMAND: the command on PROD and on DR.
both() {
	local db
	for db in "${dbs[@]}"; do run "$1 (${db%.db})" 0 "$SSPR" esm --db "$db" "$2"; done
}
# verify_both NAME USER SECRET: SECRET signs USER on, on PROD and on DR.
verify_both() {
	local db
	for db in "${dbs[@]}"; do
		lib_run "$1 (${db%.db})" 0 sh -c "printf '%s\n' \"\$1\" | '$SSPR' verify --db $db $2" sh "$3" &&
			echo "ok $1 (${db%.db})"
	done
}
run "dr rules" 0 "$SSPR" esm --db dr.db "SETROPTS PASSWORD(RULE1(LENGTH(6:8) ALPHA(1) NUMERIC(6)))"
both "alice" "ADDUSER ALICE NAME('ALICE ADAMS')"
both "alice pw" "ALTUSER ALICE PASSWORD(SUNNY42) NOEXPIRED"
# One user per path: the per-user failure count is not shared.
declare -A pw=([BOB]=CLOUD42 [CAROL]=RAINY42 [DAVE]=WINDY42 [ERIN]=MISTY42 [GRACE]=SNOWY42 [HENRY]=STORM42)
for u in BOB CAROL DAVE ERIN GRACE HENRY; do
	both "${u,,}" "ADDUSER $u NAME('$u TEST')"
	both "${u,,} pw" "ALTUSER $u PASSWORD(${pw[$u]}) NOEXPIRED"
done
# The helpdesk: HELP01 is an operator; FRED the user he helps.
both "helpdesk group" "ADDGROUP SSPRHELP"
both "help01" "ADDUSER HELP01 NAME('HELP DESK')"
both "help01 pw" "ALTUSER HELP01 PASSWORD(HELPA12) NOEXPIRED"
both "help01 connect" "CONNECT HELP01 GROUP(SSPRHELP)"
pw[FRED]=FOGGY42
both "fred" "ADDUSER FRED NAME('FRED TEST')"
both "fred pw" "ALTUSER FRED PASSWORD(${pw[FRED]}) NOEXPIRED"
# Three wrong passwords revoke a user ID (BOB's, below).
both "revoke after 3" "SETROPTS PASSWORD(REVOKE(3))"

# The SMTP server: every message stored as spool/<n>.json.
mkdir -p spool
"$py" "$SSPR_SRC/tests/mail/smtpd.py" --port 0 --port-file smtp.port --spool spool \
	--log smtp.log </dev/null >/dev/null 2>smtp.err &
smtpd=$!
for _ in $(seq 100); do [[ -s smtp.port ]] && break; sleep 0.1; done
[[ -s smtp.port ]] || { echo "FAIL smtpd did not start:"; sed 's/^/    /' smtp.err; exit 1; }
smtp_port=$(cat smtp.port)
cat >sspr.json <<CFG
{"state_dir": ".", "key_file": "keys.json",
 "systems": [{"name": "PROD", "role": "primary", "backend": "embedded", "db": "prod.db", "applid": "SSPRAPPL"},
             {"name": "DR", "role": "replica", "backend": "embedded", "db": "dr.db", "applid": "SSPRAPPL"}],
 "mail": {"transport": "smtp", "url": "smtp://127.0.0.1:$smtp_port", "starttls": "off",
          "from": "sspr@example.com", "timeout_seconds": 5},
 "helpdesk": {"group": "SSPRHELP"}}
CFG
http_serve

# BOB, CAROL, DAVE, ERIN, GRACE and HENRY enroll through the JSON API on every system
# (ALICE through the browser), with ALICE's PIN and answers; FRED on PROD
# only (the request's "systems"), the drift the helpdesk finds and fixes.
enroll() { # enroll USER PASSWORD [SYSTEMS-JSON-ARRAY]
	local body
	body=$("$py" -c 'import json, sys
u, p, systems = sys.argv[1:]
b = {"userid": u, "password": p, "email": u.lower() + "@example.com",
    "pin": "583920", "questions": [{"question": "Q01", "answer": "Whiskers"},
    {"question": "Q02", "answer": "Oldtown"}, {"question": "Q03", "answer": "Jonathan"}]}
if systems:
    b["systems"] = json.loads(systems)
print(json.dumps(b))' "$1" "$2" "${3:-}")
	curl -sS --max-time 20 -H 'Content-Type: application/json' --data-binary "$body" \
		"http://127.0.0.1:$port/api/v1/enroll"
}
for u in BOB CAROL DAVE ERIN GRACE HENRY; do
	run "enroll ${u,,}" 0 enroll "$u" "${pw[$u]}"
	is "enroll ${u,,}" '{"systems":{"PROD":"ok","DR":"ok"}}'
done
run "enroll fred" 0 enroll FRED "${pw[FRED]}" '["PROD"]'
is "enroll fred" '{"systems":{"PROD":"ok"}}'
# The drift the helpdesk is to find: FRED, on PROD only.
run "drift before" 1 "$SSPR" report drift -c sspr.json
has "drift before" "drift: 1 user differs"
run "drift before: fred" 0 sh -c "'$SSPR' report drift -c sspr.json | grep -E '^FRED +missing +PROD:enrolled DR:not-enrolled\$'"
# BOB: revoked by failed attempts (self-service may resume him); ERIN: by
# an administrator (never self-served); on both systems.
for db in "${dbs[@]}"; do
	for i in 1 2 3; do run "bob wrong $i (${db%.db})" 1 sh -c "printf 'WRONG1\n' | '$SSPR' verify --db $db BOB"; done
	run "bob revoked (${db%.db})" 0 "$SSPR" esm --db "$db" "LISTUSER BOB"
	has "bob revoked (${db%.db})" "ATTRIBUTES=REVOKED"
done
both "erin revoked" "ALTUSER ERIN REVOKE"
# The seven enrollment notices (sent in the background) are in; what the
# browser paths send is counted from here.
for _ in $(seq 100); do [[ $(ls spool | grep -c '\.json$') -ge 7 ]] && break; sleep 0.1; done
run "enrollment notices" 0 sh -c "ls spool | grep -c '\.json\$'"
is "enrollment notices" 7
ls spool >spool.before
rm -rf "$shots" && mkdir -p "$shots"

# The browser run: one line per check; its own count joins ours.  The
# limit only stops a hung browser: on a loaded 2-core machine (the sanitizer
# build, the rest of the suite beside it) a good run takes up to 150 s.
SSPR_BASE=http://localhost:$port SSPR_MAIL=$work/spool SSPR_SHOTS=$shots CHROMIUM=$chromium \
	timeout -k 5 400 node "$here/flow.mjs" >browser.log 2>&1 </dev/null &
browser=$!
set +e
wait "$browser"
rc=$?
set -e
browser=
cat browser.log
summary=$(sed -n 's/^browser: \([0-9]*\) checks, \([0-9]*\) failed$/\1 \2/p' browser.log)
if [[ -z $summary ]]; then
	echo "FAIL browser: flow.mjs ended (status $rc) without its summary"
	checks=$((checks + 1)) failures=$((failures + 1))
else
	read -r c f <<<"$summary"
	checks=$((checks + c)) failures=$((failures + f))
	if [[ $rc -ne 0 && $f -eq 0 ]]; then
		echo "FAIL browser: flow.mjs exited $rc"
		checks=$((checks + 1)) failures=$((failures + 1))
	fi
fi

# What the browser set is what the directories hold, on PROD and on DR.
verify_both "ALICE's new password verifies" ALICE NEWPW123 || true
verify_both "DAVE's new phrase verifies" DAVE 'correct horse 7 battery' || true
for db in "${dbs[@]}"; do
	run "bob resumed (${db%.db})" 0 "$SSPR" esm --db "$db" "LISTUSER BOB"
	lacks "bob resumed (${db%.db})" "REVOKED"
done
verify_both "BOB is unlocked, his password verifies" BOB "${pw[BOB]}" || true
# CAROL's wrong answer changed nothing: her password, not revoked, and no
# mail but the access code.
verify_both "CAROL's password is unchanged" CAROL "${pw[CAROL]}" || true
for db in "${dbs[@]}"; do
	run "carol listuser (${db%.db})" 0 "$SSPR" esm --db "$db" "LISTUSER CAROL"
	lacks "carol listuser (${db%.db})" "REVOKED"
done
# mailed COUNT RCPT: COUNT messages to RCPT since spool.before.
mailed() {
	"$py" -c 'import json, os, sys
old = set(open("spool.before").read().split())
n = sum(sys.argv[2] in json.load(open("spool/" + f))["rcpt_tos"]
        for f in os.listdir("spool") if f.endswith(".json") and f not in old)
assert n == int(sys.argv[1]), f"{n} messages to {sys.argv[2]}, want {sys.argv[1]}"' "$@"
}
lib_run "carol mail" 0 mailed 1 carol@example.com && echo "ok CAROL got the access code only"
for db in "${dbs[@]}"; do
	run "erin still revoked (${db%.db})" 0 "$SSPR" esm --db "$db" "LISTUSER ERIN"
	has "erin still revoked (${db%.db})" "ATTRIBUTES=REVOKED"
done
lib_run "erin mail" 0 mailed 0 erin@example.com && echo "ok ERIN got no mail"
lib_run "fred mail" 0 mailed 2 fred@example.com && echo "ok FRED got the notices of the helpdesk's two actions"
# The helpdesk's replication left no drift: FRED's enrollment is on DR.
lib_run "drift after" 0 "$SSPR" report drift -c sspr.json && echo "ok no drift after the helpdesk's replication"
# Every page's screenshot (inspected pages two: as loaded and after the
# first Tab): 51 when every flow ran to its end.
n=$(find "$shots" -name '*.png' | wc -l)
checks=$((checks + 1))
if [[ $n -ge 51 ]]; then echo "ok $n screenshots in $shots"; else echo "FAIL screenshots: $n in $shots, want 51"; failures=$((failures + 1)); fi

finish
