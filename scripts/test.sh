#!/usr/bin/env bash
# Installs what is missing, builds into build/ and runs the whole test suite.
#   scripts/test.sh [ctest arguments...]      e.g. scripts/test.sh -L unit
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

sak_install_packages
sak_build
sak_webengine_env

# Every test talks to servers on the loopback interface: never through a proxy the machine may
# have configured (the agent honours the system proxy).
export no_proxy="${no_proxy:+$no_proxy,}127.0.0.1,localhost" NO_PROXY="${NO_PROXY:+$NO_PROXY,}127.0.0.1,localhost"

cd "$SAK_BUILD"
# The tests that need a desktop keychain or a display get their own session bus and X server
# from their CTest fixtures; nothing here depends on the caller's session.
ctest --output-on-failure --timeout 300 "$@"
