#!/usr/bin/env bash
# Builds the Debian packages into build/: sak-agent_<version>_amd64.deb (the agent) and
# sak-cloud-stub_<version>_amd64.deb (the local cloud stand-in, for developers).
#   scripts/package.sh
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

sak_install_packages
sak_build
(cd "$SAK_BUILD" && cpack -G DEB >/dev/null) || sak_die "cpack could not build the packages (see above)."
sak_log "packages:"
ls -1 "$SAK_BUILD"/*.deb
