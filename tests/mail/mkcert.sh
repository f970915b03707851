#!/bin/sh
# mkcert.sh DIR -- throwaway TLS material for the mail integration tests.
#
# Creates, with the openssl CLI (EC P-256 keys, certificates valid 1 day):
#   DIR/ca.pem       self-signed test CA (CA:TRUE, keyCertSign)
#   DIR/ca.key       its key (0600), kept so a test can sign more certificates
#   DIR/server.pem   server certificate, CN=localhost,
#                    subjectAltName IP:127.0.0.1, DNS:localhost, serverAuth
#   DIR/server.key   its key (0600)
#   DIR/client.pem   client certificate, CN=sspr-test-client, clientAuth
#   DIR/client.key   its key (0600)
# Keys are unencrypted PKCS#8 PEM.  DIR is created if needed; existing files
# are overwritten.  A certificate from an unrelated CA (for "wrong CA" tests)
# is simply another run of this script into another DIR.
set -eu

if [ $# -ne 1 ]; then
	echo "usage: $0 DIR" >&2
	exit 2
fi
dir=$1
mkdir -p "$dir"
umask 077
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mkcert.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

cat >"$tmp/openssl.cnf" <<'EOF'
[ req ]
distinguished_name = dn
prompt = no
[ dn ]
CN = unused
[ v3_ca ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ v3_server ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1, DNS:localhost
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ v3_client ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF
export OPENSSL_CONF="$tmp/openssl.cnf"

newkey() { # FILE
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
		-out "$1" 2>/dev/null
	chmod 600 "$1"
}

serial() {
	# random positive 63-bit serial, in hex
	printf '0x%s' "$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n' | sed 's/^./7/')"
}

# CA
newkey "$tmp/ca.key"
openssl req -new -x509 -config "$tmp/openssl.cnf" -key "$tmp/ca.key" \
	-subj "/CN=sspr throwaway test CA" -days 1 -sha256 \
	-set_serial "$(serial)" -extensions v3_ca -out "$tmp/ca.pem"

sign() { # NAME CN EXTENSIONS
	newkey "$tmp/$1.key"
	openssl req -new -config "$tmp/openssl.cnf" -key "$tmp/$1.key" \
		-subj "/CN=$2" -out "$tmp/$1.csr"
	openssl x509 -req -in "$tmp/$1.csr" -CA "$tmp/ca.pem" \
		-CAkey "$tmp/ca.key" -set_serial "$(serial)" -days 1 -sha256 \
		-extfile "$tmp/openssl.cnf" -extensions "$3" \
		-out "$tmp/$1.pem" 2>/dev/null
	openssl verify -CAfile "$tmp/ca.pem" "$tmp/$1.pem" >/dev/null
}
sign server localhost v3_server
sign client sspr-test-client v3_client

for f in ca server client; do
	cp "$tmp/$f.key" "$dir/$f.key"
	chmod 600 "$dir/$f.key"
	cp "$tmp/$f.pem" "$dir/$f.pem"
	chmod 644 "$dir/$f.pem"
done
