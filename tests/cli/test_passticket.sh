#!/usr/bin/env bash
# test_passticket.sh - `sspr passticket generate|check` through the real
# binary: the spec's vectors, keys from files or the command line, the
# validity window, and no key ever printed.
set -e
source "$(dirname "$0")/lib.sh"
pt() { "$SSPR" passticket "$@"; }
kl=$work/legacy.hex
ke=$work/enhanced.hex
printf 'E001193519561977\n' >"$kl"
printf '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f'\
'202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f\n' >"$ke"
chmod 600 "$kl" "$ke"

run "help" 0 pt --help && has "help" "--key-file F"
run "no subcommand" 2 pt
run "bad subcommand" 2 pt make && has "bad subcommand" "unknown subcommand 'make'"

# Vector L1 (SystemWerx) and E1 (IBM's enhanced sample).
run "legacy L1" 0 pt generate --key-file "$kl" --user MIKEM --appl TSOSYS1 --time 1111111
[[ $out == "AEPRRZ3S" ]] || { echo "FAIL legacy L1: '$out'"; failures=$((failures + 1)); }
run "legacy lower case" 0 pt generate --key-file "$kl" --user mikem --appl tsosys1 --time 1111111
has "legacy lower case" "AEPRRZ3S"
run "enhanced E1" 0 pt generate --key-file "$ke" --enhanced --user IBMUSER --appl TSOSYS1 --time 1704164645
has "enhanced E1" "59ZLFIKY"
run "enhanced E1 mixed" 0 pt generate --key-file "$ke" --enhanced --type mixed --user IBMUSER --appl TSOSYS1 --time 1704164645
has "enhanced E1 mixed" "h2bImFFu"

# --key works but warns; the key is never printed back.
run "key on command line" 0 pt generate --key E001193519561977 --user MIKEM --appl TSOSYS1 --time 1111111
has "key on command line" "visible to other users"
has "key on command line" "AEPRRZ3S"
lacks "key on command line" "E001193519561977"

# check: inside the window valid, outside not.
run "check valid" 0 pt check --key-file "$kl" --user MIKEM --appl TSOSYS1 --ticket AEPRRZ3S --time 1111711
has "check valid" "valid: generated at 1111111"
run "check edge" 1 pt check --key-file "$kl" --user MIKEM --appl TSOSYS1 --ticket AEPRRZ3S --time 1111712
has "check edge" "not valid: outside the validity window"
run "check other user" 1 pt check --key-file "$kl" --user MIKE --appl TSOSYS1 --ticket AEPRRZ3S --time 1111111
has "check other user" "not valid"
run "check enhanced window" 1 pt check --key-file "$ke" --enhanced --user IBMUSER --appl TSOSYS1 --ticket 59ZLFIKY --time 1704164706
run "check enhanced" 0 pt check --key-file "$ke" --enhanced --user IBMUSER --appl TSOSYS1 --ticket 59ZLFIKY --time 1704164705
run "check malformed" 1 pt check --key-file "$kl" --user MIKEM --appl TSOSYS1 --ticket 'AEPRRZ3!' --time 1111111
has "check malformed" "malformed ticket"

# sspr's own key, from its key file, by APPLID (kind and type included).
run "keys init" 0 "$SSPR" keys init --file "$work/keys.json"
run "keys install" 0 "$SSPR" keys passticket --file "$work/keys.json" --appl TSOSYS1 --key-file "$kl"
run "own key" 0 pt generate --keys "$work/keys.json" --user MIKEM --appl TSOSYS1 --time 1111111
[[ $out == "AEPRRZ3S" ]] || { echo "FAIL own key: '$out'"; failures=$((failures + 1)); }
run "own key check" 0 pt check --keys "$work/keys.json" --user MIKEM --appl TSOSYS1 --ticket AEPRRZ3S --time 1111111
run "own key missing" 2 pt generate --keys "$work/keys.json" --user MIKEM --appl OTHER
has "own key missing" "no PassTicket key for APPLID 'OTHER'"
printf '{"state_dir": ".", "key_file": "keys.json", "systems": [{"name": "PROD", "backend": "embedded", "db": "p.db", "applid": "TSOSYS1"}]}\n' >"$work/sspr.json"
run "config key" 0 pt generate -c "$work/sspr.json" --user MIKEM --appl TSOSYS1 --time 1111111
has "config key" "AEPRRZ3S"

# Bad input: clear errors, exit 2, the key never echoed.
run "short key" 2 pt generate --key E00119351956197 --user MIKEM --appl TSOSYS1
has "short key" "16 hexadecimal digits"
lacks "short key" "E00119351956197"
run "bad user" 2 pt generate --key-file "$kl" --user TOOLONGID --appl TSOSYS1
has "bad user" "1-8 characters"
run "bad time" 2 pt generate --key-file "$kl" --user A --appl B --time -5
run "no key" 2 pt generate --user A --appl B
run "both keys" 2 pt generate --key-file "$kl" --key E001193519561977 --user A --appl B
chmod 644 "$kl"
run "open key file" 2 pt generate --key-file "$kl" --user A --appl B
has "open key file" "chmod 600"
lacks "open key file" "E001193519561977"

finish
