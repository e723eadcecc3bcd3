#!/usr/bin/env bash
# Renders each window of the desktop UI (English, German, Arabic) with sample data under Xvfb
# into docs/screenshots/, which the README shows.
#   scripts/screenshots.sh [outdir]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

out=${1:-$SAK_ROOT/docs/screenshots}
sak_install_packages
sak_build
mkdir -p "$out"
# A real X server (not the offscreen platform): what the owner sees, fonts and style included.
xvfb-run -a -s "-screen 0 1400x900x24" env QT_QPA_PLATFORM=xcb "$SAK_BUILD/tests/sak-screenshots" "$out"
sak_log "screenshots written to $out"
