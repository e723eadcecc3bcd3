#!/usr/bin/env bash
# The soak bench: steady traffic through the real WhatsApp page for an hour (or --minutes N),
# printing every minute the memory of the agent, its page's renderer, Chromium's processes
# and the stub, and at the end the growth per hour. Not part of CI (an hour on a machine of
# its own is the point). Builds what it needs first.
#   bench/soak/run.sh [--minutes 60] [--rate 60] [--chats 50]
set -euo pipefail
# shellcheck source=../../scripts/common.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/scripts/common.sh"

[[ -f "$SAK_BUILD/build.ninja" ]] || sak_die "no build in $SAK_BUILD: run scripts/test.sh (or configure with -DSAK_BUILD_TESTS=ON) first, or set SAK_BUILD."
grep -q '^SAK_BUILD_TESTS:BOOL=ON' "$SAK_BUILD/CMakeCache.txt" \
    || sak_die "$SAK_BUILD is configured without SAK_BUILD_TESTS: the soak bench uses the test harness. Reconfigure with -DSAK_BUILD_TESTS=ON."
sak_log "building sak-bench-soak, sak-agent and sak-cloud-stub"
ninja -C "$SAK_BUILD" sak-bench-soak >/dev/null || sak_die "the build failed; run ninja -C $SAK_BUILD sak-bench-soak to see why."
exec "$SAK_BUILD/bin/sak-bench-soak" "$@"
