#!/usr/bin/env bash
# demo.sh - build sspr and show it working on a demo embedded ESM.
#
# Installs missing Debian packages, builds sspr, creates two systems, PROD
# (demo/esm.db) and DR (demo/dr.db), with a few users (one revoked, one
# with a password phrase, one whose password an administrator reset, a
# helpdesk operator) and the custom fields sspr uses, then shows RACF
# listings and verify outcomes.  Run it again to start from a fresh demo.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh build
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$(nproc 2>/dev/null || echo 2)" --target sspr >/dev/null
sspr=build/sspr

mkdir -p demo
rm -rf demo/esm.db demo/esm.db-wal demo/esm.db-shm demo/esm.db.mkey \
	demo/dr.db demo/dr.db-wal demo/dr.db-shm demo/dr.db.mkey \
	demo/keys.json demo/sspr.json demo/mail demo/outbox.db* \
	demo/journal.db* demo/audit.log
db=demo/esm.db
dr=demo/dr.db

esm_setup=$(cat <<'CMDS'
/* Installation password rules, as an administrator would set them. */
SETROPTS PASSWORD(INTERVAL(90) HISTORY(5) MINCHANGE(1) REVOKE(5) -
  WARNING(10) RULE1(LENGTH(6:8) ALPHA(1) NUMERIC(6:8)))
SETROPTS INACTIVE(180)

/* An employee number, usable as a fixed access code. */
RDEFINE CFIELD USER.CSDATA.EMPSER   CFDEF(TYPE(NUM) MAXLENGTH(8))

ADDGROUP PAYROLL
ADDGROUP SSPRHELP

AU ALICE NAME('ALICE ADAMS') DFLTGRP(PAYROLL) -
   WORKATTR(WAEMAIL('alice@example.com')) CSDATA(EMPSER(100231))
ALU ALICE PASSWORD(SUNNY42) NOEXPIRED

AU BOB NAME('BOB BAKER') DFLTGRP(PAYROLL) WORKATTR(WAEMAIL('bob@example.com'))
ALU BOB PASSWORD(RIVER77) PHRASE('correct horse 7 battery staple') NOEXPIRED

AU CAROL NAME('CAROL CHEN') WORKATTR(WAEMAIL('carol@example.com'))
ALU CAROL PASSWORD(MAPLE12) NOEXPIRED
ALU CAROL REVOKE

AU DAVE NAME('DAVE DIAZ (HELPDESK)') DFLTGRP(SSPRHELP)
ALU DAVE PASSWORD(HELP2024) NOEXPIRED

AU EVE NAME('EVE EVANS') WORKATTR(WAEMAIL('eve@example.com'))
ALU EVE PASSWORD(TEMP01)

AU FRED NAME('FRED FISCHER') WORKATTR(WAEMAIL('fred@example.com'))
ALU FRED PASSWORD(LOST01)
CMDS
)
for d in "$db" "$dr"; do
	echo "== creating the demo ESM in $d"
	"$sspr" esm --db "$d" <<<"$esm_setup"
	"$sspr" esm --db "$d" <scripts/cfields.racf
done

echo
echo "== SETROPTS LIST"
"$sspr" esm --db "$db" SETROPTS LIST
echo
echo "== LISTUSER ALICE CSDATA"
"$sspr" esm --db "$db" LISTUSER ALICE CSDATA
echo
echo "== LISTUSER CAROL (revoked by an administrator)"
"$sspr" esm --db "$db" LU CAROL

verify() { # user, stdin text, what
	printf '\n== verify %s: %s\n' "$1" "$3"
	printf '%b' "$2" | "$sspr" verify --db "$db" "$1" || true
}
verify ALICE 'sunny42\n' "right password (folded to upper case)"
verify ALICE 'WRONG1\n' "wrong password"
verify BOB 'correct horse 7 battery staple\n' "right password phrase"
verify CAROL 'MAPLE12\n' "revoked"
verify EVE 'TEMP01\n' "expired after an administrator's reset"
verify EVE 'TEMP01\nBRITE123\n' "verify/change to a new password"
verify EVE 'BRITE123\n' "the new password"
verify NOBODY 'X\n' "unknown user"

echo
echo "== sspr's key file and a PassTicket key shared with the ESM"
"$sspr" keys init --file demo/keys.json >/dev/null
key=$("$sspr" keys passticket --file demo/keys.json --appl SSPRAPPL \
	--generate 2>/dev/null | sed -n 's/^SSPRAPPL legacy key: //p')
for d in "$db" "$dr"; do
	"$sspr" esm --db "$d" "RDEFINE PTKTDATA SSPRAPPL SSIGNON(KEYMASKED($key))"
done
"$sspr" esm --db "$db" RLIST PTKTDATA SSPRAPPL SSIGNON
"$sspr" keys list --file demo/keys.json
cat >demo/sspr.json <<'CFG'
{
  "listen": "127.0.0.1:8080",
  "base_url": "http://localhost:8080",
  "state_dir": ".",
  "key_file": "keys.json",
  "data_dir": "../templates",
  "systems": [
    {"name": "PROD", "backend": "embedded", "db": "esm.db", "applid": "SSPRAPPL", "role": "primary"},
    {"name": "DR", "backend": "embedded", "db": "dr.db", "applid": "SSPRAPPL"}
  ],
  "mail": {"transport": "directory", "path": "mail", "from": "sspr@demo.example"},
  "helpdesk": {"group": "SSPRHELP"}
}
CFG
mkdir -p demo/mail

echo
echo "== sspr check: is every system usable?"
"$sspr" check -c demo/sspr.json

echo
echo "== a reset without the old password: FRED never received the temporary"
echo "   password the helpdesk set; sign on as FRED with a PassTicket and set"
echo "   a new password through the verify/change path"
ticket=$("$sspr" passticket generate -c demo/sspr.json --user FRED --appl SSPRAPPL)
printf '%s\nWATER321\n' "$ticket" |
	"$sspr" verify --db "$db" --appl SSPRAPPL FRED || true
verify FRED 'WATER321\n' "the password the reset set, usable at once"
printf '\n== the same PassTicket again: refused (replay protection)\n'
printf '%s\n' "$ticket" | "$sspr" verify --db "$db" --appl SSPRAPPL FRED || true
printf '\n== EVE changed her password today: MINCHANGE(1) refuses another change\n'
ticket=$("$sspr" passticket generate -c demo/sspr.json --user EVE --appl SSPRAPPL)
printf '%s\nWATER321\n' "$ticket" |
	"$sspr" verify --db "$db" --appl SSPRAPPL EVE || true

echo
echo "== e-mail: a message through the outbox, written where you can read it"
"$sspr" mail test -c demo/sspr.json --to alice@example.com --lang de --queue
"$sspr" mail deliver -c demo/sspr.json --once
"$sspr" mail queue -c demo/sspr.json
cat demo/mail/*.eml

cat <<EOF

The demo ESM is $db; sspr's configuration is demo/sspr.json.  Try:
  $sspr esm --db $db LISTUSER BOB
  $sspr esm --db $db ALTUSER CAROL RESUME
  $sspr check -c demo/sspr.json
  mv $dr.mkey /tmp/ && $sspr check -c demo/sspr.json   # a DR site without the master key
  $sspr report drift -c demo/sspr.json                 # enrollment differing between PROD and DR
  $sspr audit -c demo/sspr.json --since 1h             # who did what

== starting the service: open http://localhost:8080/ in a browser (Ctrl-C stops it)
Enroll ALICE (password SUNNY42), then reset her password; the access code
and the notices arrive as e-mail in demo/mail/*.eml.  Both systems, PROD
and DR, are changed.  The helpdesk is at http://localhost:8080/helpdesk
(DAVE, password HELP2024).
The same through the JSON API, for example:
  curl -s -H 'Content-Type: application/json' http://localhost:8080/api/v1/enroll \\
    -d '{"userid":"ALICE","password":"SUNNY42","email":"alice@example.com","pin":"583920",
         "questions":[{"question":"Q01","answer":"Whiskers"},{"question":"Q02","answer":"Oldtown"},
                      {"question":"Q03","answer":"Jonathan"}]}'
  curl -s -H 'Content-Type: application/json' http://localhost:8080/api/v1/reset -d '{"userid":"ALICE"}'
EOF
exec "$sspr" serve -c demo/sspr.json
