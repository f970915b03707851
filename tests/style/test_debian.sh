#!/usr/bin/env bash
# test_debian.sh - the packaging says what the tree says:
#
#   - debian/control's Build-Depends are exactly scripts/deps.sh's build
#     list, plus libsystemd-dev and debhelper-compat;
#   - debian/sspr.service (the package's unit) and contrib/sspr.service
#     (the same for source installs) differ only in their opening comment
#     and the binary's path.
set -u
cd "${SSPR_SRC:?SSPR_SRC must name the source tree}"
status=0

deps=$(sed -n '/^build_pkgs=(/,/)/p' scripts/deps.sh | tr -d '()\t' |
	sed 's/^build_pkgs=//' | tr ' ' '\n' | grep . | sort)
want=$(printf '%s\nlibsystemd-dev\ndebhelper-compat\n' "$deps" | sort)
have=$(sed -n '/^Build-Depends:/,/^[A-Z][a-zA-Z-]*:/p' debian/control |
	sed '$d; s/^Build-Depends://' | tr ',' '\n' |
	sed 's/([^)]*)//; s/^[[:space:]]*//; s/[[:space:]]*$//' | grep . | sort)
if [[ $want != "$have" ]]; then
	echo "debian/control Build-Depends differ from scripts/deps.sh build (+ libsystemd-dev, debhelper-compat):"
	diff <(printf '%s\n' "$want") <(printf '%s\n' "$have") | sed 's/^/    /'
	status=1
fi

body() { grep -v '^#' "$1" | sed 's|/usr/local/sbin/sspr|/usr/sbin/sspr|'; }
if ! out=$(diff <(body debian/sspr.service) <(body contrib/sspr.service)); then
	echo "debian/sspr.service and contrib/sspr.service differ:"
	printf '%s\n' "$out" | sed 's/^/    /'
	status=1
fi
[[ $status -eq 0 ]] && echo "debian: build dependencies and units agree"
exit $status
