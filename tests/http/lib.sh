# lib.sh - the set-up shared by the HTTP tests: sourced after ../cli/lib.sh,
# in $work.  Stops the server and removes $work on exit.
#
#   esm RACF-COMMAND          against prod.db
#   http_esm_init             the SSPR custom fields, a password rule, the
#                             key file with a PassTicket key for SSPRAPPL and
#                             its PTKTDATA profile, and the mail directory
#   http_serve                start `sspr serve -c sspr.json` (HTTP or HTTPS)
#                             on a free port;
#                             sets $server (its pid) and $port, or fails
#                             the test showing serve.log
#   stop_server               stop it (SIGTERM, then SIGKILL after 10 s)
#   http_esm_more DB          a second system's database: the fields and
#                             the same PTKTDATA profile
#   jget EXPR                 a Python expression over the JSON in
#                             last.body (as d)
#   run                       ../cli/lib.sh's, but a failed check is
#                             counted and the test goes on to the end
#                             (lib_run returns 1, which set -e would
#                             turn into an abort): one server bug should
#                             not hide the checks after it
#   mailed_code USER SINCE TRIES PAUSE
#                             the access code of the newest mail in mail/
#                             to USER (any: "") not listed in the file
#                             SINCE (none: ""), polled TRIES times PAUSE
#                             seconds apart; empty when none came
#   $py                       the system's python3 (its json, re, glob)

eval "lib_$(declare -f run)"
run() { lib_run "$@" || true; }
py=/usr/bin/python3
http_lib_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

mailed_code() {
	local c= i
	for ((i = 0; i < $3; i++)); do
		c=$("$py" "$http_lib_dir/mailcode.py" mail "$1" "$2" || true)
		[[ -n $c ]] && break
		sleep "$4"
	done
	echo "$c"
}

server=
stop_server() {
	[[ -n $server ]] || return 0
	kill "$server" 2>/dev/null || true
	for _ in $(seq 100); do kill -0 "$server" 2>/dev/null || break; sleep 0.1; done
	kill -9 "$server" 2>/dev/null || true
	wait "$server" 2>/dev/null || true
	server=
}
# A sanitizer's report in the server's log fails the test, even when
# every answer was right (a race or a leak need not change one).
sanitizer_check() {
	if [[ -f $work/serve.log ]] && grep -qE 'Sanitizer|BUG:' "$work/serve.log"; then
		echo "FAIL the server's log holds a sanitizer report or a BUG:"
		sed 's/^/    /' "$work/serve.log"
		return 1
	fi
	return 0
}
trap 'rc=$?; stop_server; sanitizer_check || rc=1; rm -rf "$work"; exit $rc' EXIT

esm() { "$SSPR" esm --db prod.db "$@"; }

http_esm_init() {
	run "fields" 0 sh -c "'$SSPR' esm --db prod.db < '$SSPR_SRC/scripts/cfields.racf'"
	run "rules" 0 esm "SETROPTS PASSWORD(RULE1(LENGTH(6:8) ALPHA(1) NUMERIC(6)))"
	run "keys" 0 "$SSPR" keys init --file keys.json
	printf '0123456789ABCDEF\n' >ptkt.hex && chmod 600 ptkt.hex
	run "ptkt key" 0 "$SSPR" keys passticket --file keys.json --appl SSPRAPPL --key-file ptkt.hex
	run "ptkt esm" 0 esm "RDEFINE PTKTDATA SSPRAPPL SSIGNON(KEYMASKED(0123456789ABCDEF))"
	mkdir -p mail
}

http_esm_more() {
	run "$1 fields" 0 sh -c "'$SSPR' esm --db '$1' < '$SSPR_SRC/scripts/cfields.racf'"
	run "$1 ptkt" 0 "$SSPR" esm --db "$1" "RDEFINE PTKTDATA SSPRAPPL SSIGNON(KEYMASKED(0123456789ABCDEF))"
}

jget() { /usr/bin/python3 -c 'import json,sys; d=json.load(open("last.body")); print(eval(sys.argv[1]))' "$1"; }

http_serve() {
	# The log exists before the server starts: the redirection happens in
	# the child, which a loaded machine may schedule after the first read
	# below (a failed read would end the test under set -e).
	: >serve.log
	"$SSPR" serve -c sspr.json --port 0 --workers 2 </dev/null >/dev/null 2>serve.log &
	server=$!
	port=
	for _ in $(seq 100); do
		port=$(sed -n '1s|^sspr: serving on https\{0,1\}://127\.0\.0\.1:\([0-9]*\) .*|\1|p' serve.log)
		[[ -n $port ]] && return 0
		kill -0 "$server" 2>/dev/null || break
		sleep 0.1
	done
	echo "FAIL serve did not start; serve.log:"
	sed 's/^/    /' serve.log
	exit 1
}
