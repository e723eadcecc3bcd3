#!/usr/bin/env bash
# Creates a local CA and a server certificate for 127.0.0.1/localhost, for the cloud stub and
# the WhatsApp simulator. Idempotent: existing files are kept until they are about to expire.
#   scripts/make-certs.sh DIR
# Writes DIR/ca.pem (trust this), DIR/server.pem (certificate + CA chain), DIR/server.key and
# DIR/server.spki (the server key's pin, for the WhatsApp page).
set -euo pipefail
dir=${1:?usage: make-certs.sh DIR}
mkdir -p "$dir"
cd "$dir"

if [[ -s ca.pem && -s server.pem && -s server.key && -s server.spki ]] \
    && openssl x509 -checkend 86400 -noout -in server.pem >/dev/null 2>&1; then
    exit 0
fi

umask 077
openssl req -x509 -newkey rsa:2048 -nodes -days 825 -sha256 \
    -subj "/CN=SAK local test CA" -keyout ca.key -out ca.pem \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -sha256 -subj "/CN=localhost" \
    -keyout server.key -out server.csr 2>/dev/null
cat > server.ext <<EXT
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=IP:127.0.0.1,DNS:localhost
EXT
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 397 -sha256 \
    -extfile server.ext -out server.crt 2>/dev/null
cat server.crt ca.pem > server.pem
openssl x509 -in server.crt -noout -pubkey | openssl pkey -pubin -outform der \
    | openssl dgst -sha256 -binary | base64 > server.spki
rm -f server.csr server.ext ca.srl
chmod 644 ca.pem server.pem server.crt server.spki
echo "certificates in $PWD (CA: ca.pem, pin: $(cat server.spki))"
