#!/usr/bin/env bash
# test_connections.sh - SECURITY ROB-01, connection fairness: idle sockets
# from one address beyond the per-address limit (limits.connections_per_address,
# 20 here) are closed at once and
# never lock out another address, whose /healthz is still answered every
# time; a slow sender (one header byte a second) is cut off by the request
# deadline (limits.request_seconds, 6 here); a kept-alive idle connection outlives that deadline
# (the idle timeout, 30 s, stays in charge of it).  Uses 127.0.0.1-4.
set -e
source "$(dirname "$0")/../cli/lib.sh"
cd "$work"
source "$SSPR_SRC/tests/http/lib.sh"

http_esm_init
cat >sspr.json <<'CFG'
{"state_dir": ".", "key_file": "keys.json", "base_url": "http://127.0.0.1",
 "systems": [{"name": "PROD", "backend": "embedded", "db": "prod.db", "applid": "SSPRAPPL"}],
 "mail": {"transport": "directory", "path": "mail", "from": "sspr@example.com"},
 "hash": {"memory_kib": 19456},
 "limits": {"connections_per_address": 20, "request_seconds": 6}}
CFG
http_serve

run "fairness" 0 $py "$SSPR_SRC/tests/http/conns.py" "$port" 200 50
printf '%s\n' "$out" | sed 's/^/    /'
kept=$(sed -n 's/^idle_kept=//p' <<<"$out")
has "polite client always answered" "polite_rate_pct=100"
has "kept-alive connection kept" "keepalive_second_answer=yes"
slow=$(sed -n 's/^slow_cut_after_s=//p' <<<"$out")
run "at most 20 idle kept from one address" 0 test "$kept" -le 20
run "slow sender cut within 5-10 s" 0 test "$slow" -ge 5 -a "$slow" -le 10
finish
