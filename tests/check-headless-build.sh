#!/usr/bin/env bash
# The kiosk flavour: configure and build sak-agent with SAK_WITH_WIDGETS=OFF in a tree of its
# own, then check that it links no Qt Widgets and starts.
#   check-headless-build.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
src=$1
build=$2
if [[ ! -f $build/build.ninja ]]; then
    cmake -S "$src" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSAK_WITH_WIDGETS=OFF -DSAK_BUILD_TESTS=OFF >/dev/null
fi
cmake --build "$build" --target sak-agent >/dev/null
if readelf -d "$build/bin/sak-agent" | grep NEEDED | grep -q 'libQt6Widgets'; then
    echo "FAIL: the headless-only sak-agent links Qt Widgets" >&2
    exit 1
fi
"$build/bin/sak-agent" --version
echo "headless-only sak-agent: no Qt Widgets linked"
