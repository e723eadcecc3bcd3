#!/usr/bin/env bash
# The side-by-side bench: sak-agent --headless and a minimal WPPConnect bot (bot.js) on the same
# simulated WhatsApp Web page and the same burst of customer messages; prints CPU, memory, start
# and throughput of each, and the ratios. Installs the bot's npm packages (npm ci, from
# package-lock.json; Puppeteer's own browser download off: the bot uses Debian's chromium) and
# builds what it needs first. Exits 77 (skipped) when npm, node or chromium is missing.
# Hold the build lock while it runs on a shared machine (flock /tmp/sak-build.lock ...).
#   bench/peer/run.sh [--messages 1000] [--chats 50] [--chromium /usr/bin/chromium]
set -euo pipefail
# shellcheck source=../../scripts/common.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/scripts/common.sh"
peer="$SAK_ROOT/bench/peer"

skip() { printf 'bench/peer: skipped: %s\n' "$*"; exit 77; }
command -v npm >/dev/null || skip "npm is not installed (apt-get install npm)."
command -v node >/dev/null || skip "node is not installed (apt-get install nodejs)."
chromium=/usr/bin/chromium
args=("$@")
for ((i = 0; i < ${#args[@]}; ++i)); do
    [[ ${args[i]} == --chromium ]] && chromium=${args[i + 1]:-}
done
[[ -x $chromium ]] || skip "no Chromium at $chromium (apt-get install chromium, or --chromium PATH)."

[[ -f "$SAK_BUILD/build.ninja" ]] || sak_die "no build in $SAK_BUILD: run scripts/test.sh (or configure with -DSAK_BUILD_TESTS=ON) first, or set SAK_BUILD."
grep -q '^SAK_BUILD_TESTS:BOOL=ON' "$SAK_BUILD/CMakeCache.txt" \
    || sak_die "$SAK_BUILD is configured without SAK_BUILD_TESTS: the peer bench uses the test harness. Reconfigure with -DSAK_BUILD_TESTS=ON."

# WPPConnect, exactly as locked; nothing of it is committed (node_modules is ignored).
if [[ ! -f "$peer/node_modules/.package-lock.json" ]] || ! cmp -s "$peer/package-lock.json" "$peer/node_modules/.sak-lock"; then
    sak_log "installing WPPConnect with npm ci in bench/peer (Puppeteer's browser download off)"
    (cd "$peer" && PUPPETEER_SKIP_DOWNLOAD=true npm ci --no-audit --no-fund) \
        || sak_die "npm ci failed in $peer: check that the npm registry is reachable, then run again."
    cp "$peer/package-lock.json" "$peer/node_modules/.sak-lock"
fi

sak_log "building sak-bench-peer, sak-agent and sak-cloud-stub"
ninja -C "$SAK_BUILD" sak-bench-peer >/dev/null || sak_die "the build failed; run ninja -C $SAK_BUILD sak-bench-peer to see why."
exec "$SAK_BUILD/bin/sak-bench-peer" "$@"
