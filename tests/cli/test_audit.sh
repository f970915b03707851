#!/usr/bin/env bash
# test_audit.sh - `sspr audit` through the real binary: the audit log of the
# configuration's state directory printed one line per event, filtered by
# user (target or actor, any case) and --since, or as the JSON lines
# stored; lines that are not events skipped, control characters never
# reaching the terminal; a missing log is not an error; a bad --since, a
# bad option and a bad configuration are usage errors.  The CLI has no
# writer, so the test writes the log itself.
set -e
source "$(dirname "$0")/lib.sh"
cd "$work"

mkdir state
cat >sspr.json <<'CFG'
{"state_dir": "state",
 "systems": [{"name": "PROD", "backend": "embedded", "db": "prod.db", "applid": "SSPRAPPL"}]}
CFG

run "missing" 0 "$SSPR" audit -c sspr.json
has "missing" "sspr: no audit events yet ($work/state/audit.log)"
out=$("$SSPR" audit -c sspr.json 2>/dev/null)
is "missing stdout" ""

ev1='{"time":"2024-11-22T10:00:00Z","node":"web1","client":"192.0.2.1","actor":"JOE","user":"JOE","action":"reset.complete","outcome":"ok","reason":null,"op":"4F2A","systems":{"PROD":"ok","DR":"ok"}}'
ev2='{"time":"2024-11-22T11:30:00Z","node":"web2","client":"198.51.100.7","actor":"HELP01","user":"ANN","action":"helpdesk.replicate","outcome":"partial","reason":"unavailable","op":null,"systems":{"PROD":"ok","DR":"unavailable"}}'
ev3='{"time":"2024-11-23T08:00:00Z","node":"web1","client":null,"actor":"cli","user":"joe","action":"reset.start","outcome":"denied","reason":"locked","op":null,"systems":["PROD","DR"]}'
ev4='{"time":"2024-11-24T09:00:00Z","node":"web1","client":"192.0.2.9","actor":"MALLORY","user":"EVE\u001b[2J\u009b31m","action":"reset.pin","outcome":"denied","reason":"wrong-pin","op":null}'
recent=$(date -u -d '1 hour ago' +%Y-%m-%dT%H:%M:%SZ)
ev5="{\"time\":\"$recent\",\"action\":\"reset.code\",\"outcome\":\"ok\"}"
{
	printf '%s\n' "$ev1" "not an event" "$ev2" '{"time":"yesterday","action":"x"}' "$ev3" "$ev4" "$ev5"
	printf '%s' '{"time":"2024-11-25T00:00:00Z","action":"torn'
} >state/audit.log
chmod 600 state/audit.log

run "all" 0 "$SSPR" audit -c sspr.json
is "all" "2024-11-22T10:00:00Z  reset.complete  ok  user=JOE actor=JOE client=192.0.2.1 systems=PROD:ok,DR:ok op=4F2A
2024-11-22T11:30:00Z  helpdesk.replicate  partial  user=ANN actor=HELP01 client=198.51.100.7 systems=PROD:ok,DR:unavailable reason=unavailable
2024-11-23T08:00:00Z  reset.start  denied  user=joe actor=cli client=- systems=PROD,DR reason=locked
2024-11-24T09:00:00Z  reset.pin  denied  user=EVE?[2J?31m actor=MALLORY client=192.0.2.9 reason=wrong-pin
$recent  reset.code  ok  user=- actor=- client=-"
lacks "all" $'\e'
lacks "all" "torn"

run "user" 0 "$SSPR" audit -c sspr.json --user JOE
has "user" "reset.complete"
has "user" "reset.start"
lacks "user" "helpdesk.replicate"
lacks "user" "reset.pin"
run "user any case" 0 sh -c "'$SSPR' audit -c sspr.json --user joe | wc -l"
is "user any case" "2"
run "user as actor" 0 "$SSPR" audit -c sspr.json --user help01
has "user as actor" "user=ANN actor=HELP01"
run "user none" 0 "$SSPR" audit -c sspr.json --user NOBODY
is "user none" ""

run "since day" 0 "$SSPR" audit -c sspr.json --since 2024-11-23
lacks "since day" "2024-11-22"
has "since day" "2024-11-23T08:00:00Z  reset.start"
has "since day" "2024-11-24T09:00:00Z  reset.pin"
run "since time" 0 "$SSPR" audit -c sspr.json --since 2024-11-22T11:30:00Z
lacks "since time" "reset.complete"
has "since time" "helpdesk.replicate"
run "since unix" 0 "$SSPR" audit -c sspr.json --since 1732275000
lacks "since unix" "reset.complete"
has "since unix" "helpdesk.replicate"
# an age counts back from now
run "since age" 0 "$SSPR" audit -c sspr.json --since 2h
is "since age" "$recent  reset.code  ok  user=- actor=- client=-"
run "since age none" 0 "$SSPR" audit -c sspr.json --since 30m
is "since age none" ""
run "user and since" 0 "$SSPR" audit -c sspr.json --user JOE --since 2024-11-23
is "user and since" "2024-11-23T08:00:00Z  reset.start  denied  user=joe actor=cli client=- systems=PROD,DR reason=locked"

run "json" 0 "$SSPR" audit -c sspr.json --json --user JOE
is "json" "$ev1
$ev3"
run "json all" 0 sh -c "'$SSPR' audit -c sspr.json --json | wc -l"
is "json all" "5"

run "bad since" 2 "$SSPR" audit -c sspr.json --since yesterday
is "bad since" "sspr: audit: --since 'yesterday' is not a day (2026-11-22), a UTC time (2026-11-22T10:00:00Z), a Unix time or an age (30m, 12h, 7d)"
run "negative since" 2 "$SSPR" audit -c sspr.json --since -7d
has "negative since" "--since '-7d' is not a day"
run "bad date" 2 "$SSPR" audit -c sspr.json --since 2026-02-30
run "since no value" 2 "$SSPR" audit -c sspr.json --since
is "since no value" "sspr: audit: --since needs a value"
run "empty user" 2 "$SSPR" audit -c sspr.json --user ""
run "bad option" 2 "$SSPR" audit --bogus
has "bad option" "unknown option '--bogus'"
run "bad config" 2 "$SSPR" audit -c nonexistent.json
has "bad config" "nonexistent.json"

run "help" 0 "$SSPR" audit --help
has "help" "usage: sspr audit [-c CONFIG] [--user ID] [--since WHEN] [--json]"
run "main help" 0 "$SSPR" --help
has "main help" "audit       print the audit trail"

finish
