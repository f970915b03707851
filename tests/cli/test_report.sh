#!/usr/bin/env bash
# test_report.sh - `sspr report drift` and `sspr replicate`, the drift
# report and its fix, through the real binary on three embedded ESMs:
# an enrollment on PROD only (missing), different values on TEST
# (different), a user not defined on TEST (undefined); the printed fix
# command repairs each; a refusal on one target changes none; the
# administrator's replication is audited and never prints a stored value.
set -e
source "$(dirname "$0")/lib.sh"
cd "$work"
esm() { "$SSPR" esm --db "$@"; }

run "keys init" 0 "$SSPR" keys init --file keys.json
for sys in prod dr test; do
	run "fields $sys" 0 sh -c "'$SSPR' esm --db $sys.db < '$SSPR_SRC/scripts/cfields.racf'"
	run "alice $sys" 0 esm $sys.db "ADDUSER ALICE NAME('ALICE ADAMS')"
	run "bob $sys" 0 esm $sys.db "ADDUSER BOB"
done
cat >sspr.json <<CFG
{"state_dir": ".", "key_file": "keys.json",
 "mail": {"transport": "directory", "path": "mail", "from": "sspr@example.com"},
 "systems": [{"name": "PROD", "backend": "embedded", "db": "prod.db", "applid": "SSPRAPPL"},
             {"name": "DR", "backend": "embedded", "db": "dr.db", "applid": "SSPRAPPL"},
             {"name": "TEST", "backend": "embedded", "db": "test.db", "applid": "SSPRAPPL"}]}
CFG
mkdir -m 700 mail
# Stored enrollment values (the report compares them; it never verifies).
enrol() { # db user pin-hash date
	esm "$1" "ALTUSER $2 CSDATA(SSPRPIN($3) SSPRMAIL('$2@example.com') SSPRQ1(Q01) SSPRQ2(Q02) SSPRQ3(Q03) SSPRA1(HASHA1$3) SSPRA2(HASHA2$3) SSPRA3(HASHA3$3) SSPRSDTE($4))"
}
run "enrol prod" 0 enrol prod.db ALICE S1PINHASHONE 1700000000

run "drift" 1 "$SSPR" report drift -c sspr.json
has "drift" "drift: 1 user differs between systems (1 enrolled examined)"
has "drift" "ALICE     missing    PROD:enrolled DR:not-enrolled TEST:not-enrolled"
has "drift" "fix: sspr replicate -c sspr.json ALICE --from PROD"
lacks "drift" "S1PINHASHONE"
run "json" 1 "$SSPR" report drift -c sspr.json --json
run "json parse" 0 python3 -c '
import json, sys
d = json.loads(sys.argv[1])
assert d["systems"] == ["PROD", "DR", "TEST"], d
assert d["users"] == 1, d
e = d["drift"][0]
assert (e["userid"], e["kind"], e["source"]) == ("ALICE", "missing", "PROD"), e
assert e["systems"]["PROD"]["state"] == "enrolled"
assert e["systems"]["PROD"]["enrolled_at"] == "2023-11-14T22:13:20Z", e
assert e["systems"]["DR"]["enrolled_at"] is None
assert len(e["systems"]["PROD"]["digest"]) == 16
assert e["fix"] == "sspr replicate -c sspr.json ALICE --from PROD"
print("ok")' "$out"
is "json parse" "ok"

# The printed fix, run as printed.
fix=$("$SSPR" report drift -c sspr.json | sed -n 's/^ *fix: sspr //p')
run "fix" 0 "$SSPR" $fix
has "fix" "DR       ok"
has "fix" "TEST     ok"
run "fixed" 0 "$SSPR" report drift -c sspr.json
is "fixed" "drift: 0 users differ between systems (1 enrolled examined)"
run "dr fields" 0 esm dr.db "LISTUSER ALICE CSDATA"
has "dr fields" "S1PINHASHONE"
# The user is told what the administrator did.
run "notice" 0 sh -c "grep -l 'enrollment copied between systems' mail/*.eml | wc -l"
is "notice" "1"
run "notice source" 0 sh -c "grep -l 'PROD: copied from here' mail/*.eml | wc -l"
is "notice source" "1"

# Different values on TEST, newer: TEST is the source.
run "enrol test" 0 enrol test.db ALICE S1PINHASHTWO 1700000500
run "different" 1 "$SSPR" report drift -c sspr.json
has "different" "ALICE     different  PROD:enrolled DR:enrolled TEST:enrolled"
has "different" "fix: sspr replicate -c sspr.json ALICE --from TEST"

# BOB is enrolled on PROD and not defined on TEST.
run "enrol bob" 0 enrol prod.db BOB S1PINHASHBOB 1700000000
run "delete bob" 0 esm test.db "DELUSER BOB"
run "undefined" 1 "$SSPR" report drift -c sspr.json
has "undefined" "drift: 2 users differ between systems (2 enrolled examined)"
has "undefined" "BOB       undefined  PROD:enrolled DR:not-enrolled TEST:undefined"
# Its fix is refused on TEST in the check phase: DR is not changed either.
run "refused" 1 "$SSPR" replicate -c sspr.json BOB --from PROD
has "refused" "TEST     not-found"
has "refused" "DR       not-attempted"
has "refused" "TEST: the user ID is not defined there. Nothing was changed on any system."
run "dr untouched" 0 esm dr.db "LISTUSER BOB CSDATA"
lacks "dr untouched" "S1PINHASHBOB"
# Only DR, then.
run "to dr" 0 "$SSPR" replicate -c sspr.json BOB --from PROD --to DR
is "to dr" "DR       ok"

# Usage errors.
run "no from" 2 "$SSPR" replicate -c sspr.json BOB
has "no from" "a user ID and --from SYSTEM are required"
run "bad system" 1 "$SSPR" replicate -c sspr.json BOB --from NOPE
has "bad system" "the source system is not configured"
run "bad target" 1 "$SSPR" replicate -c sspr.json BOB --from PROD --to PROD
has "bad target" "PROD is the source: it cannot also be a target"
run "bad report" 2 "$SSPR" report nonsense -c sspr.json
has "bad report" "unknown report"

# Audited, with the administrator as actor.
run "audit" 0 "$SSPR" audit -c sspr.json --user ALICE
has "audit" "helpdesk.replicate  ok  user=ALICE actor=CLI"
lacks "audit" "S1PINHASH"
finish
