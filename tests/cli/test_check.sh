#!/usr/bin/env bash
# test_check.sh - `sspr check`, the disaster-recovery readiness check,
# through the real binary: a PROD and a DR embedded ESM with the same
# PassTicket key pass; a DR site without the ESM master key, an APPLID that
# does not match, a key that differs, an unsafe key file and a missing
# database each fail with their own message.
set -e
source "$(dirname "$0")/lib.sh"
cd "$work"
esm() { "$SSPR" esm --db "$@"; }

run "keys init" 0 "$SSPR" keys init --file keys.json
run "generate" 0 "$SSPR" keys passticket --file keys.json --appl SSPRAPPL --generate
key=$(sed -n 's/^SSPRAPPL legacy key: \([0-9A-F]\{16\}\)$/\1/p' <<<"$out")
[[ -n $key ]] || { echo "FAIL no key generated"; exit 1; }
for sys in prod dr; do
	run "fields $sys" 0 sh -c "'$SSPR' esm --db $sys.db < '$SSPR_SRC/scripts/cfields.racf'"
	run "define $sys" 0 esm $sys.db "RDEFINE PTKTDATA SSPRAPPL SSIGNON(KEYMASKED($key))"
	lacks "define $sys" "$key"
done
run "mkey mode" 0 stat -c %a prod.db.mkey && has "mkey mode" "600"

write_config() { # DR's applid
	cat >sspr.json <<CFG
{"state_dir": ".", "key_file": "keys.json",
 "systems": [{"name": "PROD", "backend": "embedded", "db": "prod.db", "applid": "SSPRAPPL"},
             {"name": "DR", "backend": "embedded", "db": "dr.db", "applid": "$1"}]}
CFG
}
write_config SSPRAPPL

run "all usable" 0 "$SSPR" check -c sspr.json
has "all usable" "all systems are usable"
has "all usable" "PROD     ok      PassTickets for APPLID SSPRAPPL round-trip"
has "all usable" "DR       ok      PassTickets for APPLID SSPRAPPL round-trip"
lacks "all usable" "$key"
run "json" 0 "$SSPR" check -c sspr.json --json
has "json" '{"ok":true,"serve_starts":true,"checks":[{"system":null,"check":"key-file","status":"ok"'
has "json" '"system":"DR","check":"passticket","status":"ok"'

# The check consumed nothing: the ESMs still hold no used tickets, and a
# second run passes as well.
run "again" 0 "$SSPR" check -c sspr.json

# The DR site without the ESM master key: a named error, what to do.
mv dr.db.mkey dr.db.mkey.saved
run "no master key" 1 "$SSPR" check -c sspr.json
has "no master key" "DR       FAILED  the ESM master key '$work/dr.db.mkey' is unavailable"
has "no master key" "copy the master key file from the primary system"
has "no master key" "1 problem found"
run "json failure" 1 "$SSPR" check -c sspr.json --json
has "json failure" '"system":"DR","check":"master-key","status":"failed"'
# A wrong master key is told apart from a missing one.
head -c 32 /dev/urandom >dr.db.mkey && chmod 600 dr.db.mkey
run "wrong master key" 1 "$SSPR" check -c sspr.json
has "wrong master key" "is not the one this database's PassTicket keys were sealed under"
mv dr.db.mkey.saved dr.db.mkey

# An APPLID mismatch between the configuration and the ESM.
write_config SSPRAPP2
run "applid not in key file" 1 "$SSPR" check -c sspr.json
has "applid not in key file" "no PassTicket key for APPLID SSPRAPP2"
run "second key" 0 "$SSPR" keys passticket --file keys.json --appl SSPRAPP2 --generate
run "no profile" 1 "$SSPR" check -c sspr.json
has "no profile" "no PTKTDATA profile for APPLID SSPRAPP2 (it has: SSPRAPPL)"
write_config SSPRAPPL

# The DR profile holds another key than sspr's.
run "ralter dr" 0 esm dr.db "RALTER PTKTDATA SSPRAPPL SSIGNON(KEYMASKED(0123456789ABCDEF))"
run "key differs" 1 "$SSPR" check -c sspr.json
has "key differs" "sspr's PassTicket key for APPLID SSPRAPPL (fingerprint"
has "key differs" "does not match the ESM's PTKTDATA key"
lacks "key differs" "0123456789ABCDEF"
run "ralter back" 0 esm dr.db "RALTER PTKTDATA SSPRAPPL SSIGNON(KEYMASKED($key))"
run "fixed" 0 "$SSPR" check -c sspr.json

# The DR profile expects enhanced tickets.
run "enhanced dr" 0 esm dr.db "RALTER PTKTDATA SSPRAPPL SSIGNON(EPTKEYMASKED($key$key$key$key))"
run "kind differs" 1 "$SSPR" check -c sspr.json
has "kind differs" "expects enhanced UPPER PassTickets but sspr's key for it is legacy"
run "delete dr" 0 esm dr.db "RDELETE PTKTDATA SSPRAPPL"
run "redefine dr" 0 esm dr.db "RDEFINE PTKTDATA SSPRAPPL SSIGNON(KEYMASKED($key))"
run "redefined" 0 "$SSPR" check -c sspr.json

# RLIST shows the fingerprint sspr keys list shows, never the key.
run "rlist" 0 esm prod.db "RLIST PTKTDATA SSPRAPPL SSIGNON"
lacks "rlist" "$key"
fp=$(sed -n 's/^LEGACY KEY FINGERPRINT = //p' <<<"$out")
[[ $fp =~ ^[0-9a-f]{16}$ ]] || { echo "FAIL rlist: no fingerprint in: $out"; failures=$((failures + 1)); }
run "keys list" 0 "$SSPR" keys list --file keys.json
has "keys list" "$fp"

# A custom field missing, and one too short.
run "drop field" 0 esm dr.db "RDELETE CFIELD USER.CSDATA.SSPRCODE"
run "field missing" 1 "$SSPR" check -c sspr.json
has "field missing" "DR       FAILED  custom field SSPRCODE is missing: RDEFINE CFIELD USER.CSDATA.SSPRCODE"
run "short field" 0 esm dr.db "RDEFINE CFIELD USER.CSDATA.SSPRCODE CFDEF(TYPE(CHAR) MAXLENGTH(20))"
run "field short" 1 "$SSPR" check -c sspr.json
has "field short" "custom field SSPRCODE must be TYPE(CHAR) with MAXLENGTH of at least 96 (it has 20)"
run "drop short" 0 esm dr.db "RDELETE CFIELD USER.CSDATA.SSPRCODE"
run "fix field" 0 esm dr.db "RDEFINE CFIELD USER.CSDATA.SSPRCODE CFDEF(TYPE(CHAR) MAXLENGTH(96))"
run "fields fixed" 0 "$SSPR" check -c sspr.json

# An unsafe key file, and a missing database.
chmod 640 keys.json
run "unsafe key file" 1 "$SSPR" check -c sspr.json
has "unsafe key file" "chmod 600"
chmod 600 keys.json
mv dr.db dr.db.saved
run "no database" 1 "$SSPR" check -c sspr.json
has "no database" "DR       FAILED  cannot open ESM database"
mv dr.db.saved dr.db

run "bad config" 2 "$SSPR" check -c nonexistent.json
run "help" 0 "$SSPR" check --help && has "help" "disaster-recovery"

finish
