# lib.sh - the set-up shared by the security tests: sourced after
# ../cli/lib.sh and ../http/lib.sh, in $work.
#
#   sec_serve [WORKERS]        `sspr serve -c sspr.json` on a free port with
#                              WORKERS workers (default 2); $server, $port
#   pycheck NAME [ARGS...]     run the Python check script on stdin (with
#                              seclib.py importable and $PORT set); its
#                              checks are added to this test's counts, and
#                              a script that dies (or runs past 300 s) without its RESULT line is
#                              one failed check
#   sec_finish                 "N passed, N failed"; fails the test on any
#                              failure
export PYTHONPATH=$SSPR_SRC/tests/security${PYTHONPATH:+:$PYTHONPATH}
export PYTHONDONTWRITEBYTECODE=1

sec_serve() {
	: >serve.log
	"$SSPR" serve -c sspr.json --port 0 --workers "${1:-2}" </dev/null >/dev/null 2>serve.log &
	server=$!
	port=
	for _ in $(seq 100); do
		port=$(sed -n '1s|^sspr: serving on https\{0,1\}://127\.0\.0\.1:\([0-9]*\) .*|\1|p' serve.log)
		[[ -n $port ]] && { export PORT=$port; return 0; }
		kill -0 "$server" 2>/dev/null || break
		sleep 0.1
	done
	echo "FAIL serve did not start; serve.log:"
	sed 's/^/    /' serve.log
	exit 1
}

# Timing means something only in an optimised build: a sanitizer slows
# each path by its own factor.  The figures are printed in every build;
# the timing checks are made where SECURITY_TIMED is 1.
if ldd "$SSPR" 2>/dev/null | grep -qE 'lib(a|t)san'; then
	export SECURITY_TIMED=0
else
	export SECURITY_TIMED=1
fi

pycheck() {
	local name=$1 res p f
	shift
	echo "--- $name"
	set +e
	timeout 300 "$py" - "$@" >"py.$name.out" 2>&1
	set -e
	cat "py.$name.out"
	res=$(sed -n 's/^RESULT passed=\([0-9]*\) failed=\([0-9]*\)$/\1 \2/p' "py.$name.out" | tail -n 1)
	if [[ -z $res ]]; then
		echo "FAIL $name: the check script ended without its result"
		checks=$((checks + 1))
		failures=$((failures + 1))
		return 0
	fi
	read -r p f <<<"$res"
	checks=$((checks + p + f))
	failures=$((failures + f))
}

sec_finish() {
	echo "$((checks - failures)) passed, $failures failed"
	[[ $failures -eq 0 ]]
}
