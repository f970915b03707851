#!/usr/bin/env bash
# test_tls.sh - `sspr serve` speaking TLS itself (a certificate and key
# from the configuration, GnuTLS through libmicrohttpd): pages and API over
# HTTPS with HSTS, plain HTTP refused on that port, a key readable by others
# refused, clear errors for missing or half-configured TLS; and the
# trusted-proxy list: X-Forwarded-For believed only from a listed proxy,
# read from the right, never past a malformed entry.
set -e
source "$(dirname "$0")/../cli/lib.sh"
cd "$work"
source "$SSPR_SRC/tests/http/lib.sh"
http_esm_init
run "alice" 0 esm "ADDUSER ALICE NAME('ALICE ADAMS')"
run "tls material" 0 sh "$SSPR_SRC/tests/mail/mkcert.sh" tls

config() { # config EXTRA-TOP-LEVEL-MEMBERS
	cat >sspr.json <<CFG
{"state_dir": ".", "key_file": "keys.json",
 "systems": [{"name": "PROD", "backend": "embedded", "db": "prod.db", "applid": "SSPRAPPL"}],
 "mail": {"transport": "directory", "path": "mail", "from": "sspr@example.com"}$1}
CFG
}

# --- HTTPS ---
config ', "base_url": "https://localhost", "tls": {"cert": "tls/server.pem", "key": "tls/server.key"}'
http_serve
run "serving https" 0 head -1 serve.log
has "serving https" "serving on https://127.0.0.1:$port"
run "healthz" 0 curl -sS --cacert tls/ca.pem -D - -o /dev/null "https://localhost:$port/healthz"
has "healthz" "HTTP/1.1 200"
has "healthz" "Strict-Transport-Security: max-age=31536000; includeSubDomains"
run "page" 0 curl -sS --cacert tls/ca.pem -D - "https://127.0.0.1:$port/reset"
has "page" "HTTP/1.1 200"
has "page" "Set-Cookie: __Host-csrf="
has "page" 'name="csrf"'
run "api" 0 curl -sS --cacert tls/ca.pem "https://localhost:$port/api/v1/questions"
has "api" '"questions"'
# TLS 1.2 and 1.3 only (the client allows 1.1 at security level 0, so a
# refusal is the server's).
run "tls 1.2" 0 sh -c "openssl s_client -connect 127.0.0.1:$port -tls1_2 -CAfile tls/ca.pem </dev/null 2>&1"
has "tls 1.2" "Protocol  : TLSv1.2"
run "tls 1.3" 0 sh -c "openssl s_client -connect 127.0.0.1:$port -tls1_3 -CAfile tls/ca.pem </dev/null 2>&1"
has "tls 1.3" "TLSv1.3"
run "no tls 1.1" 1 sh -c "openssl s_client -connect 127.0.0.1:$port -tls1_1 -cipher 'DEFAULT:@SECLEVEL=0' </dev/null 2>&1"
has "no tls 1.1" "SSL handshake has read 0 bytes"
# Only ECDHE with AEAD in TLS 1.2 (Mozilla "intermediate"): CBC suites
# (with SHA-1 or SHA-256) and RSA key exchange are refused, the client
# offering nothing else; ECDHE with AES-GCM or ChaCha20-Poly1305 works.
tls12() { # NAME WANT-STATUS CIPHER
	run "tls1.2 $1" "$2" sh -c "openssl s_client -connect 127.0.0.1:$port -tls1_2 -cipher '$3:@SECLEVEL=0' -CAfile tls/ca.pem </dev/null 2>&1"
}
tls12 "cbc sha1" 1 AES128-SHA
tls12 "ecdhe cbc sha1" 1 ECDHE-ECDSA-AES128-SHA:ECDHE-RSA-AES128-SHA
tls12 "ecdhe cbc sha256" 1 ECDHE-ECDSA-AES128-SHA256:ECDHE-RSA-AES128-SHA256
tls12 "rsa kx gcm" 1 AES128-GCM-SHA256:AES256-GCM-SHA384
tls12 "dhe gcm" 1 DHE-RSA-AES128-GCM-SHA256
tls12 "3des" 1 DES-CBC3-SHA
tls12 "ecdhe gcm" 0 ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256
has "tls1.2 ecdhe gcm" "Cipher is ECDHE-"
has "tls1.2 ecdhe gcm" "AES128-GCM-SHA256"
tls12 "ecdhe aes256 gcm" 0 ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384
has "tls1.2 ecdhe aes256 gcm" "AES256-GCM-SHA384"
tls12 "ecdhe chacha20" 0 ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305
has "tls1.2 ecdhe chacha20" "CHACHA20-POLY1305"
for suite in TLS_AES_128_GCM_SHA256 TLS_AES_256_GCM_SHA384 TLS_CHACHA20_POLY1305_SHA256; do
	run "tls1.3 $suite" 0 sh -c "openssl s_client -connect 127.0.0.1:$port -tls1_3 -ciphersuites $suite -CAfile tls/ca.pem </dev/null 2>&1"
	has "tls1.3 $suite" "Cipher is $suite"
done
run "no tls 1.0" 1 sh -c "openssl s_client -connect 127.0.0.1:$port -tls1 -cipher 'DEFAULT:@SECLEVEL=0' </dev/null 2>&1"
run "no plain http" 0 sh -c "curl -s -o /dev/null -w '%{http_code}' --max-time 5 'http://127.0.0.1:$port/healthz' || true"
lacks "no plain http" "200"
run "untrusted certificate" 60 curl -sS -o /dev/null "https://localhost:$port/healthz"
stop_server

# --- the readiness check looks at the pair before the daemon needs it ---
run "check tls" 0 "$SSPR" check -c sspr.json
has "check tls" "warning the TLS certificate for CN=localhost expires in "
run "long-lived pair" 0 openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -days 90 -nodes -subj /CN=sspr.example.com -keyout tls/long.key -out tls/long.pem
chmod 600 tls/long.key
config ', "base_url": "https://localhost", "tls": {"cert": "tls/long.pem", "key": "tls/long.key"}'
run "check long" 0 "$SSPR" check -c sspr.json
has "check long" "ok      the TLS certificate for CN=sspr.example.com and its key fit; it expires in "
run "other ca" 0 sh "$SSPR_SRC/tests/mail/mkcert.sh" tls2
cp tls2/server.key tls/other.key
config ', "base_url": "https://localhost", "tls": {"cert": "tls/server.pem", "key": "tls/other.key"}'
run "check mismatch" 1 "$SSPR" check -c sspr.json
has "check mismatch" "TLS key '$work/tls/other.key' does not fit certificate '$work/tls/server.pem'"
config ', "base_url": "http://localhost", "tls": {"cert": "tls/server.pem", "key": "tls/server.key"}'
run "check http base_url" 0 "$SSPR" check -c sspr.json
has "check http base_url" "is not https:// although the service speaks TLS"
config ', "base_url": "https://localhost", "tls": {"cert": "tls/server.pem", "key": "tls/server.key"}'

# --- the key must be private; errors name what to fix ---
chmod 644 tls/server.key
run "key readable by others" 2 "$SSPR" serve -c sspr.json --port 0
has "key readable by others" "TLS key '$work/tls/server.key' is readable by group or others"
has "key readable by others" "chmod 600"
chmod 600 tls/server.key
config ', "tls": {"cert": "tls/nothere.pem", "key": "tls/server.key"}'
run "missing certificate" 2 "$SSPR" serve -c sspr.json --port 0
has "missing certificate" "TLS certificate '$work/tls/nothere.pem' does not exist"
config ', "tls": {"cert": "tls/server.pem"}'
run "half tls" 2 "$SSPR" serve -c sspr.json --port 0
has "half tls" "tls: missing required key 'key'"
cp tls/server.key tls/swapped.pem && cp tls/server.pem tls/swapped.key && chmod 600 tls/swapped.key
config ', "tls": {"cert": "tls/swapped.pem", "key": "tls/swapped.key"}'
run "swapped" 2 "$SSPR" serve -c sspr.json --port 0
has "swapped" "TLS certificate '$work/tls/swapped.pem' holds no PEM certificate chain"
# A key that does not fit: both files named, not the port; check says the
# same words.
config ', "tls": {"cert": "tls/server.pem", "key": "tls/other.key"}'
run "serve mismatch" 2 "$SSPR" serve -c sspr.json --port 0
has "serve mismatch" "TLS key '$work/tls/other.key' does not fit certificate '$work/tls/server.pem'"
lacks "serve mismatch" "port"
# Expired and not yet valid: serve refuses, check fails, same words.
# dated NAME START END: a self-signed pair tls/NAME.{pem,key} valid from
# START to END (openssl ca: req cannot date a certificate in the past).
dated() {
	mkdir -p "ca_$1" && : >"ca_$1/index.txt" && echo 01 >"ca_$1/serial"
	printf '[ca]\ndefault_ca = c\n[c]\ndatabase = ca_%s/index.txt\nserial = ca_%s/serial\nnew_certs_dir = ca_%s\ndefault_md = sha256\npolicy = p\n[p]\ncommonName = supplied\n' "$1" "$1" "$1" >"ca_$1.cnf"
	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$1.example.com" -keyout "tls/$1.key" -out "ca_$1/req.csr" 2>&1 &&
		openssl ca -batch -notext -config "ca_$1.cnf" -selfsign -keyfile "tls/$1.key" -in "ca_$1/req.csr" -startdate "$2" -enddate "$3" -out "tls/$1.pem" 2>&1
}
run "expired pair" 0 dated old 20200101000000Z 20210101000000Z
run "future pair" 0 dated new 20400101000000Z 20410101000000Z
chmod 600 tls/old.key tls/new.key
config ', "tls": {"cert": "tls/old.pem", "key": "tls/old.key"}'
run "serve expired" 2 "$SSPR" serve -c sspr.json --port 0
has "serve expired" "TLS certificate '$work/tls/old.pem' (CN=old.example.com) expired on 2021-01-01 00:00 UTC"
run "check expired" 1 "$SSPR" check -c sspr.json
has "check expired" "TLS certificate '$work/tls/old.pem' (CN=old.example.com) expired on 2021-01-01 00:00 UTC"
has "check expired" "sspr serve would refuse to start"
config ', "tls": {"cert": "tls/new.pem", "key": "tls/new.key"}'
run "serve not yet valid" 2 "$SSPR" serve -c sspr.json --port 0
has "serve not yet valid" "is not valid before 2040-01-01 00:00 UTC"
run "check not yet valid" 1 "$SSPR" check -c sspr.json
has "check not yet valid" "is not valid before 2040-01-01 00:00 UTC"

# --- without TLS, no HSTS ---
config ''
http_serve
run "no hsts" 0 curl -sS -D - -o /dev/null "http://127.0.0.1:$port/healthz"
lacks "no hsts" "Strict-Transport-Security"
# No trusted proxy: X-Forwarded-For is ignored.
run "xff ignored" 0 curl -sS -o /dev/null -H 'X-Forwarded-For: 203.0.113.7' "http://127.0.0.1:$port/healthz"
stop_server
run "log: peer" 0 cat serve.log
has "log: peer" "127.0.0.1 GET /healthz 200"
lacks "log: peer" "203.0.113.7"

# --- trusted proxies ---
config ', "trusted_proxies": ["proxy.example.com"]'
run "proxy by name" 2 "$SSPR" serve -c sspr.json --port 0
has "proxy by name" "trusted_proxies[0]: must be an IPv4 or IPv6 address"
config ', "trusted_proxies": ["::1", "127.0.0.1", "10.0.0.2"]'
http_serve
xff() { run "xff $1" 0 curl -sS -o /dev/null -H "X-Forwarded-For: $2" "http://127.0.0.1:$port/healthz?$1"; }
xff client "203.0.113.7"
xff forged "198.51.100.66, 203.0.113.8"
xff chain "203.0.113.9 , 10.0.0.2"
xff garbage "203.0.113.1, not-an-address, 10.0.0.2"
xff v6 "2001:db8::5"
stop_server
run "log" 0 cat serve.log
has "log" "203.0.113.7 GET /healthz 200"
has "log" "203.0.113.8 GET /healthz 200"
has "log" "203.0.113.9 GET /healthz 200"
has "log" "10.0.0.2 GET /healthz 200"
has "log" "2001:db8::5 GET /healthz 200"
lacks "log" "198.51.100.66"
lacks "log" "203.0.113.1 "

finish
