#!/usr/bin/env bash
# test_browser.sh - the browser pages of `sspr serve` in a real browser:
# Debian's chromium, headless, driven by playwright-core (flow.mjs).
# Enrollment and a whole reset through the forms (the access code read from
# the mailed .eml), the new password verified here; the reset start with
# JavaScript off; a screenshot of every page into
# ${SSPR_TEST_TMP:-/tmp}/screenshots/; on each page a label/h1/lang/alt
# check, axe-core's serious and critical rules, and the first Tab.
#
# Needs: the Debian package chromium, node >= 18 and npm.  The npm packages
# pinned in package.json/package-lock.json are installed into
# tests/browser/node_modules (git-ignored) on the first run.  Everything
# listens and connects on loopback only; the server and the browser are
# stopped on exit.
set -e
source "$(dirname "$0")/../cli/lib.sh"
: "${SSPR_SRC:?SSPR_SRC must name the source tree}"
here=$SSPR_SRC/tests/browser
chromium=${CHROMIUM:-/usr/bin/chromium}
shots=$tmp_root/screenshots

# Prerequisites: fail, loudly, rather than skip.
need() { echo "FAIL prerequisites: $*"; exit 1; }
[[ -x $chromium ]] || need "no browser at $chromium: install Debian's package (apt-get install -y chromium)"
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
browser=
cleanup() {
	if [[ -n $browser ]]; then
		# SIGTERM: playwright closes the browser it launched.
		kill "$browser" 2>/dev/null || true
		for _ in $(seq 50); do kill -0 "$browser" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$browser" 2>/dev/null || true
		wait "$browser" 2>/dev/null || true
	fi
	stop_server
	rm -rf "$work"
}
trap cleanup EXIT
# A signal ends the test through the EXIT trap, so nothing is left running.
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

http_esm_init
run "alice" 0 esm "ADDUSER ALICE NAME('ALICE ADAMS')"
run "alice pw" 0 esm "ALTUSER ALICE PASSWORD(SUNNY42) NOEXPIRED"
cat >sspr.json <<'CFG'
{"state_dir": ".", "key_file": "keys.json",
 "systems": [{"name": "PROD", "backend": "embedded", "db": "prod.db", "applid": "SSPRAPPL"}],
 "mail": {"transport": "directory", "path": "mail", "from": "sspr@example.com"}}
CFG
http_serve
rm -rf "$shots" && mkdir -p "$shots"

# The browser run: one line per check; its own count joins ours.
SSPR_BASE=http://localhost:$port SSPR_MAIL=$work/mail SSPR_SHOTS=$shots CHROMIUM=$chromium \
	timeout -k 5 90 node "$here/flow.mjs" >browser.log 2>&1 </dev/null &
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

# What the browser set is what the directory holds.
run "new password" 0 sh -c "printf 'NEWPW123\n' | '$SSPR' verify --db prod.db ALICE" && echo "ok new password verifies"
n=$(find "$shots" -name '*.png' | wc -l)
checks=$((checks + 1))
if [[ $n -ge 12 ]]; then echo "ok $n screenshots in $shots"; else echo "FAIL screenshots: $n in $shots"; failures=$((failures + 1)); fi

finish
