#!/usr/bin/env bash
# Builds the Debian packages for shops into build/release/: sak-agent_<version>_amd64.deb (the
# agent) and sak-cloud-stub_<version>_amd64.deb (the local cloud stand-in, for developers).
#   SAK_BRIDGE_KEYS=/path/release.pub scripts/package.sh
# A package for shops trusts SAK's release key(s) for bridge updates (SAK_BRIDGE_KEYS: PEM
# public keys, separated by ;) and never the test key every test and demo build generates:
# it is built in a directory of its own with that key off, and refused otherwise.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

SAK_BUILD=${SAK_PACKAGE_BUILD:-$SAK_ROOT/build/release}
sak_install_packages
sak_install_npm
if [[ -z ${SAK_BRIDGE_KEYS:-} ]]; then
    sak_log "no release key given (SAK_BRIDGE_KEYS=release.pub): these packages will refuse every bridge update from the cloud"
fi
# Every time: the keys are part of what is built.
cmake -S "$SAK_ROOT" -B "$SAK_BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DSAK_BRIDGE_TEST_KEY=OFF "-DSAK_BRIDGE_KEYS=${SAK_BRIDGE_KEYS:-}" >/dev/null \
    || sak_die "cmake could not configure the release build (see above)."
grep -q '^SAK_BRIDGE_TEST_KEY:BOOL=OFF$' "$SAK_BUILD/CMakeCache.txt" \
    || sak_die "$SAK_BUILD trusts the bridge test key; a package for shops must not. Remove $SAK_BUILD and run again."
sak_build
(cd "$SAK_BUILD" && cpack -G DEB >/dev/null) || sak_die "cpack could not build the packages (see above)."
sak_log "packages:"
ls -1 "$SAK_BUILD"/*.deb
