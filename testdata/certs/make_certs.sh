#!/usr/bin/env bash
# Makes the certificates the mTLS tests use, into DIR (default: this folder):
#   ca.pem ca.key              the CA the server trusts
#   server.pem server.key      for localhost and 127.0.0.1, signed by the CA
#   client1.pem client1.key    CN=client-one (SAN URI spiffe://saker/client-one)
#   client2.pem client2.key    CN=client-two
#   expired.pem expired.key    CN=client-expired, signed by the CA, expired
#   other-ca.pem other-ca.key  another CA
#   rogue.pem rogue.key        CN=client-rogue, signed by the other CA
# Usage: make_certs.sh [DIR]. Needs the openssl CLI (3.x). EC P-256 keys.
set -euo pipefail
dir=${1:-$(dirname "$0")}
mkdir -p "$dir"
cd "$dir"

key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

ca() {  # name CN
  key "$1.key"
  openssl req -x509 -new -key "$1.key" -sha256 -days 3650 -subj "/O=Saker test/CN=$2" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -out "$1.pem" 2>/dev/null
}

leaf() {  # name CN ca usage san [days|expired]
  local name=$1 cn=$2 ca=$3 usage=$4 san=$5 when=${6:-825}
  key "$name.key"
  openssl req -new -key "$name.key" -subj "/O=Saker test/CN=$cn" -out "$name.csr" 2>/dev/null
  cat > "$name.ext" <<EXT
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=$usage
subjectAltName=$san
EXT
  if [[ $when == expired ]]; then
    # Valid for one day, two years ago: -not_before/-not_after need openssl 3.
    openssl x509 -req -in "$name.csr" -CA "$ca.pem" -CAkey "$ca.key" -CAcreateserial \
      -not_before "$(date -u -d '-730 days' +%Y%m%d%H%M%SZ)" \
      -not_after "$(date -u -d '-729 days' +%Y%m%d%H%M%SZ)" \
      -sha256 -extfile "$name.ext" -out "$name.pem" 2>/dev/null ||
      # openssl < 3.4 lacks -not_before: sign with a CA-side date via `ca`.
      expired_via_ca "$name" "$ca"
  else
    openssl x509 -req -in "$name.csr" -CA "$ca.pem" -CAkey "$ca.key" -CAcreateserial \
      -days "$when" -sha256 -extfile "$name.ext" -out "$name.pem" 2>/dev/null
  fi
  rm -f "$name.csr" "$name.ext"
}

expired_via_ca() {  # name ca: `openssl ca` takes explicit start and end dates
  local name=$1 ca=$2 db
  db=$(mktemp -d)
  touch "$db/index.txt"
  echo 1000 > "$db/serial"
  cat > "$db/ca.cnf" <<CNF
[ca]
default_ca = d
[d]
database = $db/index.txt
serial = $db/serial
new_certs_dir = $db
default_md = sha256
policy = p
copy_extensions = none
[p]
commonName = supplied
organizationName = optional
CNF
  openssl ca -batch -config "$db/ca.cnf" -cert "$ca.pem" -keyfile "$ca.key" \
    -startdate "$(date -u -d '-730 days' +%Y%m%d%H%M%SZ)" \
    -enddate "$(date -u -d '-729 days' +%Y%m%d%H%M%SZ)" \
    -extfile "$name.ext" -in "$name.csr" -out "$name.pem" -notext 2>/dev/null
  rm -rf "$db"
}

ca ca "Saker test CA"
ca other-ca "Other test CA"
leaf server localhost ca serverAuth "DNS:localhost,IP:127.0.0.1"
leaf client1 client-one ca clientAuth "URI:spiffe://saker/client-one"
leaf client2 client-two ca clientAuth "URI:spiffe://saker/client-two"
leaf expired client-expired ca clientAuth "URI:spiffe://saker/client-expired" expired
leaf rogue client-rogue other-ca clientAuth "URI:spiffe://saker/client-rogue"
rm -f ./*.srl
chmod 600 ./*.key
