#!/usr/bin/env bash
# Makes a signed bridge package (docs/protocol.md, "Bridge packages"): builds sak-bridge-package
# from this tree and runs it with the arguments given (its --help lists them), e.g.
#   scripts/bridge-package.sh --key ~/sak-release/private.pem --version 1.2.0 --output bridge-1.2.0.json
# or makes a release key pair, once, into a new folder:
#   scripts/bridge-package.sh --new-key DIR
# Agents take packages signed by the public keys built into them: a release build names them
# with -DSAK_BRIDGE_KEYS=DIR/public.pem. The build's own test key
# (build/bridge-test-key/private.pem) is for tests and the demo only: a build for shops does
# not trust it, so a package signed with it reaches no shop.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

new_key() {
    local dir=$1 keyid
    [[ -n $dir ]] || sak_die "--new-key needs a folder: scripts/bridge-package.sh --new-key DIR"
    [[ -e $dir/private.pem || -e $dir/public.pem ]] \
        && sak_die "$dir already holds a key; it is kept as it is. Give a new folder for a new key."
    command -v openssl >/dev/null || sak_install_packages openssl
    mkdir -p "$dir" || sak_die "cannot create $dir."
    # Made readable by the owner only from the first byte on (umask), not chmod'ed afterwards.
    (umask 077 && openssl genpkey -algorithm ed25519 -out "$dir/private.pem") \
        || sak_die "openssl could not make an Ed25519 key (OpenSSL 1.1.1 or newer is needed)."
    chmod 600 "$dir/private.pem"
    openssl pkey -in "$dir/private.pem" -pubout -out "$dir/public.pem" \
        || sak_die "openssl could not write the public key of $dir/private.pem."
    dir=$(cd "$dir" && pwd)
    # The key id agents and packages name it by: the first 8 bytes of SHA-256 over the raw key.
    keyid=$(openssl pkey -pubin -in "$dir/public.pem" -outform DER | tail -c 32 | sha256sum | cut -c1-16)
    cat <<EOF
Made an Ed25519 key pair for bridge packages, key id $keyid:
  $dir/private.pem
    The signing key. Keep it offline and backed up: whoever holds it can change the page half
    of every agent that trusts it.
  $dir/public.pem
    Goes into release builds: cmake -DSAK_BRIDGE_KEYS=$dir/public.pem ...
    For a rotation, list the old key and this one: -DSAK_BRIDGE_KEYS="OLD/public.pem;$dir/public.pem"
Sign a package with: scripts/bridge-package.sh --key $dir/private.pem --version X --output FILE
EOF
}

if [[ ${1:-} == --new-key ]]; then
    (($# == 2)) || sak_die "usage: scripts/bridge-package.sh --new-key DIR"
    new_key "$2"
    exit 0
fi

# The tool reads this tree's page half (bridge/js) and wa-js as its defaults; common.sh builds the
# whole tree, which sets them up.
sak_install_packages
sak_build >&2
exec "$SAK_BUILD/bin/sak-bridge-package" "$@"
