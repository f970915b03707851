# lib.sh - helpers for the command-line tests (sourced, not run).
#
# Each test drives the real `sspr` binary ($SSPR) in a fresh temporary
# directory and compares exit status and output.
set -u
: "${SSPR:?SSPR must name the sspr binary}"
tmp_root=${SSPR_TEST_TMP:-/tmp}
mkdir -p "$tmp_root"
work=$(mktemp -d "$tmp_root/cli.XXXXXX")
trap 'rm -rf "$work"' EXIT
failures=0
checks=0

# run NAME WANT_STATUS CMD... : run CMD, capture stdout+stderr in $out.
run() {
	local name=$1 want=$2
	shift 2
	checks=$((checks + 1))
	set +e
	out=$("$@" 2>&1)
	status=$?
	set -e
	if [[ $status -ne $want ]]; then
		echo "FAIL $name: exit status $status, want $want; output:"
		printf '%s\n' "$out" | sed 's/^/    /'
		failures=$((failures + 1))
		return 1
	fi
	return 0
}

# has NAME TEXT : the last output contains TEXT (fixed string).
has() {
	checks=$((checks + 1))
	if ! grep -qF -- "$2" <<<"$out"; then
		echo "FAIL $1: output lacks '$2'; output:"
		printf '%s\n' "$out" | sed 's/^/    /'
		failures=$((failures + 1))
	fi
}

# lacks NAME TEXT : the last output does not contain TEXT.
lacks() {
	checks=$((checks + 1))
	if grep -qF -- "$2" <<<"$out"; then
		echo "FAIL $1: output contains '$2'; output:"
		printf '%s\n' "$out" | sed 's/^/    /'
		failures=$((failures + 1))
	fi
}

# is NAME TEXT : the last output is exactly TEXT (a count, a single value).
is() {
	checks=$((checks + 1))
	if [[ $out != "$2" ]]; then
		echo "FAIL $1: output is '$out', want '$2'"
		failures=$((failures + 1))
	fi
}

finish() {
	echo "$checks checks, $failures failed"
	[[ $failures -eq 0 ]]
}
