#!/usr/bin/env bash
# fresh.sh - prove the README's two commands on a freshly installed Debian 12.
#
#   scripts/fresh.sh [--keep] [--skip-tests] [DIR]
#
# Nobody else runs the README's commands on a machine that has nothing on it;
# this does, so that CI does.  It
#   1. makes a minimal Debian 12 (debootstrap --variant=minbase) from the
#      archive this machine's apt uses, and keeps it pristine as a tarball
#      (DIR/cache, one per suite and day) that every system starts from;
#   2. adds the "site layer" (below) and nothing else of this machine;
#   3. puts a clean clone of this repository's HEAD (committed content only)
#      at /root/sspr and, in a chroot, runs the two commands of the README's
#      code block under the fresh.sh marker, as the README gives them:
#        a. the first (scripts/demo.sh) in the background, until the demo
#           answers GET /healthz on 127.0.0.1:8080 and ALICE enrolls through
#           the JSON API; then stops it (its process group) and checks it
#           ended;
#        b. the second (scripts/test.sh), to its end;
#   4. when the tree has debian/: builds the package in that system
#      (apt-get build-dep ./, dpkg-buildpackage -us -uc -b) and checks it
#      with lintian (no error may remain), installs
#      ../sspr_*.deb on a second fresh system with only the site layer, and
#      there runs `sspr version` and `sspr check -c /etc/sspr/sspr.json`,
#      which must exit 0 on the shipped example configuration.
# and ends with a summary: each phase, its outcome and its time.
#
# The site layer is what a site's machines carry and a clean install does
# not: the host's apt sources (the same archive, with bookworm-updates and
# bookworm-security as the host has them) and the keyrings they name when
# minbase lacks them; the host's locally added CA certificates
# (/usr/local/share/ca-certificates), copied into place only: the
# ca-certificates package is not in minbase, and its postinst picks them up
# when a README command installs it (npm depends on it), so no package is
# preinstalled; the npm configuration (/etc/npmrc, /root/.npmrc); and an
# /etc/hosts naming localhost, which every installed Debian has (the
# installer writes it) and debootstrap does not.  /etc/resolv.conf is the
# host's, bind-mounted while a system runs.
#
#   --keep        keep the systems (DIR/sys1, DIR/sys2) for inspection
#   --skip-tests  the demo only: no test suite, no package
#   DIR           work directory, default $FRESH_DIR or /var/tmp/sspr-fresh:
#                 the systems, the logs (DIR/logs), the cache, the packages
#
# Exit status: 0 when every part passed, 1 when one failed (its log's tail
# is printed, the whole log is in DIR/logs), 2 on a usage error.  Needs
# root and the network to the Debian archive (and the npm registry, for the
# browser tests); installs debootstrap, git and curl on the host when
# missing.  The chroot shares this machine's network, so port 8080 must be
# free.  /proc, /sys, /dev, /dev/pts, /dev/shm and resolv.conf are mounted
# in a system only while it runs and always unmounted on exit, even on
# failure; a system is removed only when nothing is mounted under it.
set -euo pipefail

suite=bookworm
repo=$(cd "$(dirname "$0")/.." && pwd)
readme_marker='scripts/fresh.sh runs the two commands'
demo_url=http://127.0.0.1:8080
demo_timeout=1200 # seconds: the first run installs packages and builds
chroot_path=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

keep=0 skip_tests=0
work=${FRESH_DIR:-/var/tmp/sspr-fresh}

usage() {
	sed -n '3p' "$0" | sed 's/^# *//' >&2
	exit 2
}

# say WORDS: a progress line, told apart from the commands' own output.
say() { printf '== fresh: %s\n' "$*"; }
die() {
	printf 'fresh: FAIL %s\n' "$*" >&2
	exit 1
}
# tail_of FILE: the end of a log, indented, to show why a part failed.
tail_of() {
	echo "---- last 60 lines of $1:"
	tail -n 60 "$1" | sed 's/^/    /'
	echo "----"
}

parse_args() {
	while [[ $# -gt 0 ]]; do
		case $1 in
		--keep) keep=1 ;;
		--skip-tests) skip_tests=1 ;;
		-h | --help) usage ;;
		-*) echo "fresh: unknown option $1" >&2; usage ;;
		*) work=$1 ;;
		esac
		shift
	done
	[[ $work == /* ]] || work=$PWD/$work
}

# ---- phases and their times ------------------------------------------------

phases=() phase='' phase_t0=0
declare -A phase_took=() phase_result=()

# phase NAME FUNCTION [ARGS]: run one part, timed.  A part that fails exits
# through die; the EXIT trap then marks it FAIL.
phase() {
	phase=$1
	shift
	phases+=("$phase")
	phase_t0=$SECONDS
	say "$phase: start"
	"$@"
	phase_took[$phase]=$((SECONDS - phase_t0))
	phase_result[$phase]=${phase_result[$phase]:-ok}
	say "$phase: ${phase_result[$phase]} ($(mmss "${phase_took[$phase]}"))"
	phase=
}
skip_phase() { # NAME WHY
	phases+=("$1")
	phase_took[$1]=0
	phase_result[$1]="skipped: $2"
	say "$1: skipped: $2"
}
mmss() { printf '%d:%02d' $(($1 / 60)) $(($1 % 60)); }

summary() {
	local p
	echo
	echo "== fresh: summary (clone of $(git -C "$repo" rev-parse --short HEAD), $suite minbase)"
	for p in "${phases[@]}"; do
		printf '   %-12s %7s  %s\n' "$p" "$(mmss "${phase_took[$p]}")" "${phase_result[$p]}"
	done
	printf '   %-12s %7s\n' total "$(mmss "$SECONDS")"
	echo "   logs: $work/logs"
}

# ---- the host --------------------------------------------------------------

ensure_host_tools() {
	local missing=() tool pkg
	for tool in debootstrap:debootstrap git:git curl:curl; do
		pkg=${tool#*:}
		command -v "${tool%%:*}" >/dev/null || missing+=("$pkg")
	done
	[[ ${#missing[@]} -eq 0 ]] && return 0
	say "installing on this machine: ${missing[*]}"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		"${missing[@]}" >/dev/null
}

# The files that tell the host's apt where the archive is.
apt_source_files() {
	local f
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
		/etc/apt/sources.list.d/*.sources; do
		[[ -f $f ]] && echo "$f"
	done
	return 0
}

# archive_uri SUITE: the URI of the first enabled "deb" source for SUITE in
# the host's apt sources, one-line or deb822 format.
archive_uri() {
	local f uris=
	while read -r f; do
		case $f in
		*.sources)
			uris+=$(awk -v suite="$1" '
				BEGIN { RS = ""; FS = "\n" }
				{
					delete v; key = ""
					for (i = 1; i <= NF; i++) {
						if ($i ~ /^#/) continue
						if ($i ~ /^[ \t]/ && key != "") { v[key] = v[key] " " $i; continue }
						p = index($i, ":"); if (!p) continue
						key = tolower(substr($i, 1, p - 1)); v[key] = substr($i, p + 1)
					}
					if (tolower(v["enabled"]) ~ /no/ || (" " v["types"] " ") !~ /[ \t]deb[ \t]/) next
					n = split(v["suites"], s, /[ \t]+/)
					for (j = 1; j <= n; j++) if (s[j] == suite) {
						m = split(v["uris"], u, /[ \t]+/)
						for (k = 1; k <= m; k++) if (u[k] != "") { print u[k]; break }
					}
				}' "$f")$'\n'
			;;
		*)
			uris+=$(awk -v suite="$1" '
				$1 == "deb" {
					i = 2
					if ($2 ~ /^\[/) { while (i < NF && $i !~ /\]$/) i++; i++ }
					if ($(i + 1) == suite) print $i
				}' "$f")$'\n'
			;;
		esac
	done < <(apt_source_files)
	uris=${uris#"${uris%%[![:space:]]*}"}
	printf '%s\n' "${uris%%$'\n'*}"
}

# ---- the README ------------------------------------------------------------

# readme_commands: the commands of the code block after the marker, one a
# line, comments dropped.
readme_commands() {
	awk -v marker="$readme_marker" '
		index($0, marker) { found = 1; next }
		found == 1 && /^```/ { found = 2; next }
		found == 2 && /^```/ { exit }
		found == 2 { sub(/[ \t]+#.*/, ""); sub(/^[ \t]+/, ""); if ($0 != "") print }
	' "$repo/README.md"
}

# ---- the pristine system ---------------------------------------------------

cache_tarball() { echo "$work/cache/minbase-$suite-$(date -u +%Y%m%d).tar"; }

# make_pristine: debootstrap minbase once a day; later runs reuse the
# tarball.  Older tarballs of the suite are dropped.
make_pristine() {
	local tarball mirror build
	tarball=$(cache_tarball)
	if [[ -f $tarball ]]; then
		say "pristine $suite minbase from the cache: $tarball"
		return 0
	fi
	mirror=$(archive_uri "$suite")
	[[ -n $mirror ]] || die "no 'deb' source for $suite in the host's apt sources ($(apt_source_files | tr '\n' ' '))"
	say "debootstrap --variant=minbase $suite from $mirror"
	mkdir -p "$work/cache"
	build=$work/cache/build
	remove_tree "$build"
	if ! debootstrap --variant=minbase "$suite" "$build" "$mirror" \
		>"$work/logs/debootstrap.log" 2>&1; then
		tail_of "$work/logs/debootstrap.log"
		# debootstrap may leave its own mounts behind when it fails.
		unmount_under "$build"
		die "debootstrap failed"
	fi
	unmount_under "$build"
	tar -C "$build" --numeric-owner -cf "$tarball.tmp" .
	mv "$tarball.tmp" "$tarball"
	remove_tree "$build"
	find "$work/cache" -maxdepth 1 -name "minbase-$suite-*.tar" ! -path "$tarball" -delete
	say "cached $tarball ($(du -h "$tarball" | cut -f1))"
}

# ---- mounts and processes in a system --------------------------------------

systems=() # every system made in this run, for the EXIT trap

# mounts_under DIR: the mount points at or below DIR, deepest last.
mounts_under() {
	awk -v d="$1" '$5 == d || index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo | sort
}

# unmount_under DIR: unmount everything below DIR, deepest first; lazily
# when a mount is busy.
unmount_under() {
	local m
	while read -r m; do
		[[ -n $m ]] || continue
		umount "$m" 2>/dev/null || umount -l "$m" ||
			echo "fresh: could not unmount $m" >&2
	done < <(mounts_under "$1" | sort -r)
}

# remove_tree DIR: rm -rf, but never through a mount (a still-mounted
# /dev or /proc would be the host's).
remove_tree() {
	[[ -e $1 ]] || return 0
	if [[ -n $(mounts_under "$1") ]]; then
		die "refusing to remove $1: still mounted: $(mounts_under "$1" | tr '\n' ' ')"
	fi
	rm -rf --one-file-system "$1"
}

mount_system() { # DIR
	local t=$1
	mount -t proc proc "$t/proc"
	mount -t sysfs sysfs "$t/sys"
	# The host's /dev, private so that the tmpfs on its shm below cannot
	# propagate to the host's /dev/shm.
	mount --bind /dev "$t/dev"
	mount --make-private "$t/dev"
	mount --bind /dev/pts "$t/dev/pts"
	mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs "$t/dev/shm"
	rm -f "$t/etc/resolv.conf"
	: >"$t/etc/resolv.conf"
	mount --bind "$(readlink -f /etc/resolv.conf)" "$t/etc/resolv.conf"
}

# kill_inside DIR: end what still runs with DIR as its root: only what this
# script started there (a demo, a test's server) can be.
kill_inside() {
	local p pids=() sig
	for sig in TERM KILL; do
		pids=()
		for p in /proc/[0-9]*; do
			[[ $(readlink "$p/root" 2>/dev/null) == "$1" ]] && pids+=("${p#/proc/}")
		done
		# return 0, not return: in the EXIT trap a bare return would
		# return the status of the command before the trap.
		[[ ${#pids[@]} -eq 0 ]] && return 0
		echo "fresh: SIG$sig to what still runs in $1: ${pids[*]}" >&2
		kill -"$sig" "${pids[@]}" 2>/dev/null || true
		sleep 3
	done
}

teardown() {
	local t
	if [[ -d $work/cache/build ]]; then
		unmount_under "$work/cache/build"
	fi
	for t in "${systems[@]}"; do
		kill_inside "$t"
		unmount_under "$t"
		if [[ -n $(mounts_under "$t") ]]; then
			echo "fresh: still mounted under $t: $(mounts_under "$t" | tr '\n' ' ')" >&2
		elif [[ $keep -eq 0 ]]; then
			rm -rf --one-file-system "$t"
		fi
	done
	if [[ $keep -eq 1 && ${#systems[@]} -gt 0 ]]; then
		say "kept: ${systems[*]} (chroot DIR bash -l to look inside; nothing is mounted)"
	fi
}

# in_system DIR COMMAND...: COMMAND in the chroot, in the environment of a
# root login, with nothing of this script's environment.
in_system() {
	local t=$1
	shift
	chroot "$t" /usr/bin/env -i HOME=/root USER=root LOGNAME=root \
		SHELL=/bin/bash TERM=dumb PATH="$chroot_path" "$@"
}

# ---- a fresh system --------------------------------------------------------

# site_layer DIR: what a site's machines carry (see the header).
site_layer() {
	local t=$1 f ring
	rm -f "$t/etc/apt/sources.list" "$t"/etc/apt/sources.list.d/*
	while read -r f; do
		install -D -m 0644 "$f" "$t$f"
	done < <(apt_source_files)
	while read -r ring; do
		[[ -e $t$ring || ! -f $ring ]] || install -D -m 0644 "$ring" "$t$ring"
	done < <(apt_source_files | xargs grep -hoiE 'signed-by[:=] *[^] ]+' |
		sed -E 's/^[^:=]*[:=] *//' | grep '^/' | sort -u)

	if compgen -G '/usr/local/share/ca-certificates/*' >/dev/null; then
		mkdir -p "$t/usr/local/share/ca-certificates"
		cp -a /usr/local/share/ca-certificates/. "$t/usr/local/share/ca-certificates/"
	fi

	for f in /etc/npmrc /root/.npmrc; do
		[[ -f $f ]] && cp -p "$f" "$t$f"
	done

	if [[ ! -s $t/etc/hosts ]]; then
		printf '127.0.0.1\tlocalhost\n::1\t\tlocalhost ip6-localhost ip6-loopback\n' >"$t/etc/hosts"
	fi
}

# new_system NAME: DIR/NAME from the pristine tarball, the site layer on top,
# mounted; its path in $system.
new_system() {
	local t=$work/$1
	remove_tree "$t"
	mkdir -p "$t"
	systems+=("$t")
	tar -C "$t" --numeric-owner -xpf "$(cache_tarball)"
	site_layer "$t"
	mount_system "$t"
	if [[ -x $t/usr/sbin/update-ca-certificates ]]; then
		in_system "$t" update-ca-certificates >/dev/null
	fi
	system=$t
}

# clone_tree DIR: a clean clone of HEAD at DIR/root/sspr: committed
# content only, no build directories.
clone_tree() {
	local rev
	rev=$(git -C "$repo" rev-parse HEAD)
	if [[ -n $(git -C "$repo" status --porcelain --untracked-files=no) ]]; then
		say "note: uncommitted changes in $repo are not part of the test"
	fi
	git clone -q --no-hardlinks --no-checkout "$repo" "$1/root/sspr"
	git -C "$1/root/sspr" checkout -q --detach "$rev"
	say "clone of $(git -C "$repo" rev-parse --short HEAD) at /root/sspr"
}

# first_system: the pristine minbase (made or from the cache), then the
# first system with the site layer and the clone.
first_system() {
	make_pristine
	new_system sys1
	clone_tree "$system"
}

# ---- 3a: the demo ----------------------------------------------------------

demo_pid=

port_in_use() { # PORT
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# demo_failed WHY: the log's tail and, when CMake stopped the build, the
# line of CMakeLists.txt it stopped at (demo.sh hides CMake's own report of
# which package is missing).
demo_failed() {
	local line
	tail_of "$work/logs/demo.log"
	line=$(sed -n 's/.*CMakeLists\.txt:\([0-9]*\) .*/\1/p' "$work/logs/demo.log" | tail -n 1)
	if [[ -n $line ]]; then
		echo "fresh: CMake stopped at CMakeLists.txt:$line:"
		sed -n "${line}p" "$system/root/sspr/CMakeLists.txt" | sed 's/^/    /'
		if sed -n "${line}p" "$system/root/sspr/CMakeLists.txt" | grep -qi cmocka; then
			echo "fresh: building the demo requires cmocka, which only the test command"
			echo "       installs (scripts/deps.sh test): CMakeLists.txt must not require"
			echo "       the test framework to build sspr."
		fi
	fi
	die "demo: $1"
}

run_demo() { # DIR COMMAND
	local t=$1 cmd=$2 deadline rc
	if port_in_use 8080; then
		die "demo: port 8080 is in use on this machine (the chroot shares its network); stop what listens there and run again"
	fi
	say "demo: '$cmd' in the background, log in $work/logs/demo.log"
	# setsid: the demo is a process group of its own, stopped as one.
	setsid chroot "$t" /usr/bin/env -i HOME=/root USER=root LOGNAME=root \
		SHELL=/bin/bash TERM=dumb PATH="$chroot_path" \
		bash -c "cd /root/sspr && $cmd" </dev/null >"$work/logs/demo.log" 2>&1 &
	demo_pid=$!
	deadline=$((SECONDS + demo_timeout))
	until curl -fsS --max-time 5 -o /dev/null "$demo_url/healthz" 2>/dev/null; do
		if ! kill -0 "$demo_pid" 2>/dev/null; then
			rc=0
			wait "$demo_pid" || rc=$?
			demo_pid=
			demo_failed "'$cmd' ended (status $rc) before it served"
		fi
		((SECONDS < deadline)) || demo_failed "no answer on $demo_url/healthz within $demo_timeout s"
		sleep 3
	done
	say "demo: $demo_url/healthz answers"
	demo_enroll
	stop_demo
}

# demo_enroll: ALICE enrolls through the JSON API, as the README shows.
demo_enroll() {
	local status body=$work/logs/enroll.json
	status=$(curl -sS --max-time 60 -o "$body" -w '%{http_code}' \
		-H 'Content-Type: application/json' "$demo_url/api/v1/enroll" \
		-d '{"userid":"ALICE","password":"SUNNY42","email":"alice@example.com","pin":"583920",
		     "questions":[{"question":"Q01","answer":"Whiskers"},{"question":"Q02","answer":"Oldtown"},
		                  {"question":"Q03","answer":"Jonathan"}]}') || status=000
	say "demo: enroll ALICE: HTTP $status $(cat "$body" 2>/dev/null)"
	if [[ $status != 200 ]] || ! grep -q '"PROD":"ok"' "$body"; then
		demo_failed "the enrollment of ALICE through the API did not succeed"
	fi
}

# stop_demo: SIGTERM to the demo's process group (sspr finishes what is in
# flight), then it must be gone within 30 s.
stop_demo() {
	local rc=0 _
	kill -TERM -- "-$demo_pid" 2>/dev/null || true
	for _ in $(seq 30); do
		kill -0 -- "-$demo_pid" 2>/dev/null || break
		sleep 1
	done
	if kill -0 -- "-$demo_pid" 2>/dev/null; then
		kill -KILL -- "-$demo_pid" 2>/dev/null || true
		wait "$demo_pid" 2>/dev/null || true
		demo_pid=
		demo_failed "the demo did not end within 30 s of SIGTERM"
	fi
	wait "$demo_pid" || rc=$?
	demo_pid=
	say "demo: stopped (status $rc after SIGTERM)"
}

# ---- 3b: the test suite ----------------------------------------------------

run_tests() { # DIR COMMAND
	local t=$1 cmd=$2 rc=0
	say "tests: '$cmd', log in $work/logs/tests.log"
	in_system "$t" bash -c "cd /root/sspr && $cmd" </dev/null 2>&1 |
		tee "$work/logs/tests.log" || rc=$?
	[[ $rc -eq 0 ]] || die "tests: '$cmd' exited with status $rc"
}

# ---- 4: the package --------------------------------------------------------

build_package() { # DIR
	local t=$1 rc=0
	rm -rf "$t/root/pkg" "$work/debs"
	mkdir -p "$t/root/pkg" "$work/debs"
	git clone -q --no-hardlinks "$t/root/sspr" "$t/root/pkg/sspr"
	say "package: apt-get build-dep ./ and dpkg-buildpackage -us -uc -b, log in $work/logs/package.log"
	in_system "$t" bash -c '
		set -e
		export DEBIAN_FRONTEND=noninteractive
		cd /root/pkg/sspr
		apt-get update -qq
		apt-get install -y -qq --no-install-recommends build-essential
		apt-get build-dep -y --no-install-recommends ./
		dpkg-buildpackage -us -uc -b
		apt-get install -y -qq --no-install-recommends lintian
		echo "== lintian"
		lintian --fail-on error --display-info ../sspr_*.changes
	' </dev/null >"$work/logs/package.log" 2>&1 || rc=$?
	if [[ $rc -ne 0 ]]; then
		tail_of "$work/logs/package.log"
		die "package: the build or lintian ended with status $rc"
	fi
	compgen -G "$t/root/pkg/sspr_*.deb" >/dev/null ||
		die "package: dpkg-buildpackage made no ../sspr_*.deb"
	cp "$t"/root/pkg/sspr_*.deb "$work/debs/"
	say "package: $(cd "$work/debs" && echo *.deb)"
}

second_system_install() {
	new_system sys2
	install_package "$system"
}

install_package() { # DIR
	local t=$1 rc=0
	cp "$work"/debs/sspr_*.deb "$t/root/"
	say "install: apt-get install ./sspr_*.deb on a second fresh system, log in $work/logs/install.log"
	in_system "$t" bash -c '
		set -e
		export DEBIAN_FRONTEND=noninteractive
		cd /root
		apt-get update -qq
		apt-get install -y ./sspr_*.deb
	' </dev/null >"$work/logs/install.log" 2>&1 || rc=$?
	if [[ $rc -ne 0 ]]; then
		tail_of "$work/logs/install.log"
		die "install: apt-get install ./sspr_*.deb ended with status $rc"
	fi
	rc=0
	say "install: sspr version"
	in_system "$t" sspr version || rc=$?
	[[ $rc -eq 0 ]] || die "install: 'sspr version' exited with status $rc"
	say "install: sspr check -c /etc/sspr/sspr.json"
	in_system "$t" sspr check -c /etc/sspr/sspr.json || rc=$?
	say "install: sspr check exited with status $rc"
	[[ $rc -eq 0 ]] || die "install: 'sspr check' on the shipped example configuration exited with status $rc, not 0"
}

# ---- the whole -------------------------------------------------------------

on_exit() {
	local rc=$?
	trap - EXIT
	# Tearing down is best effort, every step of it, whatever fails.
	set +e
	if [[ -n $phase ]]; then
		phase_took[$phase]=$((SECONDS - phase_t0))
		phase_result[$phase]=FAIL
	fi
	if [[ -n $demo_pid ]]; then
		kill -TERM -- "-$demo_pid" 2>/dev/null || true
		wait "$demo_pid" 2>/dev/null || true
	fi
	teardown
	summary
	if [[ $rc -eq 0 ]]; then
		echo "== fresh: PASS"
	else
		echo "== fresh: FAIL (status $rc)"
	fi
	exit "$rc"
}

main() {
	local cmds demo_cmd test_cmd sys1
	parse_args "$@"
	[[ $(id -u) -eq 0 ]] || { echo "fresh: must run as root (debootstrap, chroot, mounts)" >&2; exit 2; }
	mapfile -t cmds < <(readme_commands)
	[[ ${#cmds[@]} -eq 2 ]] ||
		die "README.md: want two commands in the code block after '$readme_marker', found ${#cmds[@]}"
	demo_cmd=${cmds[0]} test_cmd=${cmds[1]}
	say "the README's commands: '$demo_cmd', then '$test_cmd'"

	mkdir -p "$work/logs"
	# Two runs in one DIR would share sys1 and the logs.
	exec 9>"$work/lock"
	flock -n 9 || { echo "fresh: another fresh.sh is running in $work" >&2; exit 2; }
	trap on_exit EXIT
	trap 'exit 129' HUP
	trap 'exit 130' INT
	trap 'exit 143' TERM
	ensure_host_tools

	phase debootstrap first_system
	sys1=$system
	phase demo run_demo "$sys1" "$demo_cmd"
	if [[ $skip_tests -eq 1 ]]; then
		skip_phase tests "--skip-tests"
		skip_phase package "--skip-tests"
		skip_phase install "--skip-tests"
		return 0
	fi
	phase tests run_tests "$sys1" "$test_cmd"
	if [[ ! -d $sys1/root/sspr/debian ]]; then
		echo "fresh: the tree has no debian/: the package part is skipped"
		skip_phase package "no debian/ in the tree"
		skip_phase install "no debian/ in the tree"
		return 0
	fi
	phase package build_package "$sys1"
	phase install second_system_install
}

main "$@"
