#!/usr/bin/env bash
# test_keys.sh - `sspr keys` through the real binary: init refuses to
# overwrite, PassTicket keys from --generate, --key-file and --key, rotation,
# listings by fingerprint, unsafe permissions refused, and no key ever
# printed except the one --generate makes.
set -e
source "$(dirname "$0")/lib.sh"
kf=$work/keys.json
keys() { "$SSPR" keys "$@"; }

# Help, for the command and each subcommand.
run "help" 0 keys --help && has "help" "sspr keys passticket"
run "init help" 0 keys init --help && has "init help" "never overwritten"
run "passticket help" 0 keys passticket --help && has "passticket help" "--key-file FILE"
run "list help" 0 keys list --help && has "list help" "fingerprint"
run "no subcommand" 2 keys
run "unknown subcommand" 2 keys frob && has "unknown subcommand" "unknown subcommand 'frob'"
run "unknown option" 2 keys list --fil "$kf" && has "unknown option" "unknown option '--fil'"

# A missing key file says how to create one.
run "list missing" 2 keys list --file "$kf"
has "list missing" "does not exist; create it with: sspr keys init --file $kf"

# init creates a private file, once.
run "init" 0 keys init --file "$kf" && has "init" "created key file '$kf'"
run "init mode" 0 stat -c %a "$kf" && has "init mode" "600"
run "init again" 1 keys init --file "$kf"
has "init again" "key file '$kf' already exists; not overwritten"
run "init no dir" 2 keys init --file "$work/nodir/keys.json"
has "init no dir" "directory '$work/nodir' does not exist"
run "list empty" 0 keys list --file "$kf"
has "list empty" "pepper id: 1"
has "list empty" "no PassTicket keys"

# --generate: the new key is printed once, with the RACF command.
run "generate" 0 keys passticket --file "$kf" --appl sspRappl --generate
gen=$(sed -n 's/^SSPRAPPL legacy key: \([0-9A-F]\{16\}\)$/\1/p' <<<"$out")
checks=$((checks + 1))
if [[ -z $gen ]]; then
	echo "FAIL generate: no 16-digit key line; output:"
	printf '%s\n' "$out" | sed 's/^/    /'
	failures=$((failures + 1))
fi
has "generate" "Install the same key in the ESM's PTKTDATA profile"
has "generate" "RDEFINE PTKTDATA SSPRAPPL SSIGNON(KEYMASKED($gen))"
has "generate" "installed the legacy PassTicket key of SSPRAPPL (fingerprint "
run "generate stdout" 0 sh -c "'$SSPR' keys passticket --file '$kf' --appl GENONLY --generate 2>/dev/null"
has "generate stdout" "GENONLY legacy key: "
lacks "generate stdout" "installed"

# list: fingerprints, never keys.
run "list" 0 keys list --file "$kf"
has "list" "APPLID    KIND      TYPE   CREATED     FINGERPRINT"
has "list" "SSPRAPPL  legacy    -      "
lacks "list" "$gen"
lacks "list" "$(tr 'A-F' 'a-f' <<<"$gen")"
fp=$(awk '$1 == "SSPRAPPL" { print $5 }' <<<"$out")
checks=$((checks + 1))
if [[ ! $fp =~ ^[0-9a-f]{16}$ ]]; then
	echo "FAIL list: no fingerprint for SSPRAPPL; output:"
	printf '%s\n' "$out" | sed 's/^/    /'
	failures=$((failures + 1))
fi

# --key-file, with blanks around the digits: a rotation.
printf '  e001193519561977 \n' >"$work/legacy.hex"
chmod 600 "$work/legacy.hex"
run "key-file" 0 keys passticket --file "$kf" --appl SSPRAPPL --key-file "$work/legacy.hex"
has "key-file" "replaced the PassTicket key of SSPRAPPL (old fingerprint $fp, new "
lacks "key-file" "e001193519561977"
lacks "key-file" "E001193519561977"
run "list rotated" 0 keys list --file "$kf"
lacks "list rotated" "$fp"
lacks "list rotated" "e001193519561977"

# --generate when replacing: RALTER, not RDEFINE.
run "regenerate" 0 keys passticket --file "$kf" --appl SSPRAPPL --generate
has "regenerate" "RALTER PTKTDATA SSPRAPPL SSIGNON(KEYMASKED("
has "regenerate" "replaced the PassTicket key of SSPRAPPL"

# An unsafe --key-file is refused and not read.
chmod 644 "$work/legacy.hex"
run "key-file 0644" 2 keys passticket --file "$kf" --appl OTHER --key-file "$work/legacy.hex"
has "key-file 0644" "is readable by group or others (mode 0644); run: chmod 600 $work/legacy.hex"
lacks "key-file 0644" "e001193519561977"
printf 'e0011935 19561977\n' >"$work/split.hex"
chmod 600 "$work/split.hex"
run "key-file split" 2 keys passticket --file "$kf" --appl OTHER --key-file "$work/split.hex"
has "key-file split" "not a hexadecimal digit"
lacks "key-file split" "e0011935"

# --key: accepted with a warning; a wrong length is refused unechoed.
run "key" 0 keys passticket --file "$kf" --appl CICSTEST --key 0123456789ABCDEF
has "key" "visible in the process list"
lacks "key" "0123456789ABCDEF"
run "key short" 2 keys passticket --file "$kf" --appl CICSTEST --key 0123456789ABCDE
has "key short" "a legacy PassTicket key must be 16 hexadecimal digits"
lacks "key short" "0123456789ABCDE"
run "key enhanced short" 2 keys passticket --file "$kf" --appl CICSTEST --enhanced --key 0123456789ABCDEF
has "key enhanced short" "an enhanced PassTicket key must be 32 to 256 bytes"
lacks "key enhanced short" "0123456789ABCDEF"
run "key not hex" 2 keys passticket --file "$kf" --appl CICSTEST --key 0123456789ABCDEZ
lacks "key not hex" "0123456789ABCDEZ"

# Usage errors.
run "no appl" 2 keys passticket --file "$kf" --generate && has "no appl" "--appl APPLID is required"
run "two sources" 2 keys passticket --file "$kf" --appl X --generate --key-file "$work/legacy.hex"
has "two sources" "exactly one of"
run "type without enhanced" 2 keys passticket --file "$kf" --appl X --generate --type mixed
has "type without enhanced" "--type needs --enhanced"
run "bad type" 2 keys passticket --file "$kf" --appl X --generate --enhanced --type lower
run "bad applid" 2 keys passticket --file "$kf" --appl 1ABC --generate
has "bad applid" "'1ABC' is not a valid APPLID"
lacks "bad applid" "key:"

# Enhanced keys, type mixed.
run "enhanced" 0 keys passticket --file "$kf" --appl CICSPROD --generate --enhanced --type mixed
has "enhanced" "PTTYPE(MIXED) PTTIMEOUT(60)"
enh=$(sed -n 's/^CICSPROD enhanced key: \([0-9A-F]*\)$/\1/p' <<<"$out")
has "enhanced" "SSIGNON(EPTKEYMASKED($enh)"
checks=$((checks + 1))
if [[ ${#enh} -ne 128 ]]; then
	echo "FAIL enhanced: want a 128-digit key, got ${#enh} digits"
	failures=$((failures + 1))
fi
run "list enhanced" 0 keys list --file "$kf"
has "list enhanced" "CICSPROD  enhanced  mixed  "
lacks "list enhanced" "$enh"

# The file stays private and loads after every change.
run "mode kept" 0 stat -c %a "$kf" && has "mode kept" "600"
run "no temp files" 0 ls -a "$work" && lacks "no temp files" ".tmp."

# -c CONFIG names the key file.
cat >"$work/sspr.json" <<EOF
{"state_dir": "state", "key_file": "keys.json",
 "systems": [{"name": "PROD", "backend": "embedded", "db": "prod.db", "applid": "SSPRAPPL"}]}
EOF
run "config list" 0 keys list -c "$work/sspr.json" && has "config list" "CICSPROD"
run "config bad" 2 keys list -c "$work/none.json"

# A key file others can read is refused, with the fix.
chmod 644 "$kf"
run "list 0644" 2 keys list --file "$kf"
has "list 0644" "key file '$kf' is readable by group or others (mode 0644); run: chmod 600 $kf"
run "passticket 0644" 2 keys passticket --file "$kf" --appl NEWAPPL --generate
lacks "passticket 0644" "NEWAPPL legacy key"
chmod 600 "$kf"
ln -s "$kf" "$work/link.json"
run "symlink" 2 keys list --file "$work/link.json" && has "symlink" "symbolic link"

finish
