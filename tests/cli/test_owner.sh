#!/usr/bin/env bash
# test_owner.sh - run as root, sspr acts as the owner of the service's
# files: `sspr esm --db`, `sspr keys init --file` and `sspr check` on a
# state directory that belongs to the service account create and judge
# files as that account (no root-owned database, -wal or key file is left
# behind for the service to trip over), and `sspr check` passes where
# judging as root would call the service's own files "another user's".
# Needs root (it changes owners); prints SKIP otherwise.
set -e
source "$(dirname "$0")/lib.sh"
if [[ $(id -u) -ne 0 ]]; then
	echo "SKIP: needs root to give the state directory to another account"
	exit 0
fi
acct=nobody
# The account must reach the directory: a private one under /tmp.
base=$(mktemp -d /tmp/sspr-owner.XXXXXX)
trap 'rm -rf "$base" "$work"' EXIT
chmod 755 "$base"
state=$base/state
mkdir -m 700 "$state"
chown "$acct:" "$state"

run "esm as owner" 0 "$SSPR" esm --db "$state/esm.db" "AU ALICE"
has "esm as owner" "acting as $acct, the owner of $state"
run "esm fields" 0 sh -c "'$SSPR' esm --db '$state/esm.db' < '$SSPR_SRC/scripts/cfields.racf'"
run "keys as owner" 0 "$SSPR" keys init --file "$state/keys.json"
run "ptkt key" 0 "$SSPR" keys passticket --file "$state/keys.json" --appl SSPRAPPL --generate
key=$(sed -n 's/^SSPRAPPL legacy key: //p' <<<"$out")
run "ptktdata" 0 "$SSPR" esm --db "$state/esm.db" "RDEFINE PTKTDATA SSPRAPPL SSIGNON(KEYMASKED($key))"
run "owners" 0 sh -c "find '$state' -mindepth 1 ! -user $acct"
is "owners" ""

# The templates as installed: root's, readable by all (the source tree
# may sit where the account cannot read, under /root).
cp -r "$SSPR_SRC/templates" "$base/data"
chmod -R a+rX,go-w "$base/data"
cat >"$base/sspr.json" <<CFG
{
  "state_dir": "state",
  "data_dir": "data",
  "systems": [{"name": "LOCAL", "backend": "embedded", "db": "state/esm.db", "applid": "SSPRAPPL"}],
  "mail": {"transport": "directory", "path": "state/mail", "from": "sspr@example.com"}
}
CFG
mkdir -m 700 "$state/mail"
chown "$acct:" "$state/mail"
run "check as owner" 0 "$SSPR" check -c "$base/sspr.json"
has "check as owner" "acting as $acct, the owner of $state"
run "owners after check" 0 sh -c "find '$state' -mindepth 1 ! -user $acct"
is "owners after check" ""

# A state directory of root's: nothing changes hands.
rootstate=$work/rootstate
mkdir -m 700 "$rootstate"
run "root's own" 0 "$SSPR" keys init --file "$rootstate/keys.json"
lacks "root's own" "acting as"
run "root's owner" 0 stat -c %U "$rootstate/keys.json"
is "root's owner" "root"
finish
