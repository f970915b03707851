#!/usr/bin/env bash
# deps.sh - install the Debian 12 packages sspr needs, if any are missing.
#
#   scripts/deps.sh build    what building sspr needs
#   scripts/deps.sh test     that, plus what the test suite needs
#
# Runs apt-get as root, or through sudo.  Installs nothing when every
# package is already there.
set -euo pipefail

# libc6-dev: gcc only recommends it, and the install is without recommends.
build_pkgs=(gcc libc6-dev make cmake pkg-config
	libmicrohttpd-dev libcurl4-gnutls-dev libargon2-dev libjansson-dev
	libsqlite3-dev nettle-dev libutf8proc-dev libldap2-dev libgnutls28-dev)
test_pkgs=(libcmocka-dev clang libclang-rt-14-dev python3 clang-format git python3-aiosmtpd openssl curl wrk
	chromium fonts-dejavu-core nodejs mandoc)

case "${1:-build}" in
build) want=("${build_pkgs[@]}") ;;
test) want=("${build_pkgs[@]}" "${test_pkgs[@]}") ;;
*) echo "usage: $0 build|test" >&2; exit 2 ;;
esac

missing=()
for p in "${want[@]}"; do
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	[[ $status == "install ok installed" ]] || missing+=("$p")
done
# npm comes with some builds of nodejs and is a package of its own in
# Debian's.
if [[ ${1:-build} == test ]] && ! command -v npm >/dev/null; then
	missing+=(npm)
fi
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "sspr: installing missing Debian packages: ${missing[*]}" >&2
if [[ $(id -u) -eq 0 ]]; then
	sudo=()
elif command -v sudo >/dev/null; then
	sudo=(sudo)
else
	echo "sspr: need root or sudo to install: ${missing[*]}" >&2
	exit 2
fi
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq \
	--no-install-recommends "${missing[@]}"
