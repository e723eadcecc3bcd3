# Shared by the project's scripts: installing Debian packages and building into build/.
# shellcheck shell=bash

SAK_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SAK_BUILD=${SAK_BUILD:-$SAK_ROOT/build}

# Everything the build, the tests and the demo need, from Debian 12's archive.
SAK_PACKAGES=(
    cmake ninja-build g++ pkg-config git ca-certificates openssl curl python3
    clang-14 libclang-rt-14-dev
    qt6-base-dev qt6-base-dev-tools qt6-webengine-dev libqt6webenginecore6-bin
    qt6-webchannel-dev qt6-httpserver-dev qt6-websockets-dev qt6-l10n-tools
    qtkeychain-qt6-dev libsqlcipher-dev libssl-dev nlohmann-json3-dev libqrencode-dev
    libgl-dev libxkbcommon-dev
    xvfb xauth dbus dbus-x11 gnome-keyring fonts-dejavu-core
    dpkg-dev lintian librsvg2-bin help2man desktop-file-utils appstream
)

sak_log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
sak_die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Installs the packages that are missing, and only those (default: SAK_PACKAGES).
sak_install_packages() {
    local missing=() p
    (($# > 0)) || set -- "${SAK_PACKAGES[@]}"
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    [[ ${#missing[@]} -eq 0 ]] && return 0
    command -v apt-get >/dev/null || sak_die "apt-get not found: this script supports Debian 12; install by hand: ${missing[*]}"
    local sudo=()
    if [[ $(id -u) -ne 0 ]]; then
        command -v sudo >/dev/null || sak_die "these packages are missing and you are not root: ${missing[*]}. Install them as root (apt-get install ${missing[*]}) and run again."
        sudo=(sudo)
    fi
    sak_log "installing Debian packages: ${missing[*]}"
    "${sudo[@]}" apt-get update -qq || sak_die "apt-get update failed: check the network or the apt sources, then run again."
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" \
        || sak_die "apt-get could not install: ${missing[*]}. Fix the apt error above, then run again."
}

# The page half's JavaScript dependencies (wa-js), exactly as bridge/js/package-lock.json pins
# them; installed again only when the lock file changed since the last install.
sak_install_npm() {
    local dir=$SAK_ROOT/bridge/js stamp want
    stamp=$dir/node_modules/.sak-lock-sha256
    want=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
    [[ -f $stamp && $(cat "$stamp") == "$want" && -f $dir/node_modules/@wppconnect/wa-js/dist/wppconnect-wa.js ]] && return 0
    # Debian's Node.js and npm, unless a Node.js with its npm is there already (NodeSource's
    # nodejs package, for one, carries npm and conflicts with Debian's).
    command -v npm >/dev/null || sak_install_packages nodejs npm
    command -v npm >/dev/null || sak_die "npm not found: install Debian's nodejs and npm packages (apt-get install nodejs npm), then run again."
    sak_log "installing the bridge's npm packages (npm ci in bridge/js)"
    (cd "$dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error) \
        || sak_die "npm ci could not install bridge/js's packages: check the npm registry is reachable (npm ping), then run again."
    printf '%s\n' "$want" > "$stamp"
}

# Configures (once) and builds incrementally.
sak_build() {
    sak_install_npm
    if [[ ! -f $SAK_BUILD/build.ninja ]]; then
        sak_log "configuring into $SAK_BUILD"
        cmake -S "$SAK_ROOT" -B "$SAK_BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null \
            || sak_die "cmake could not configure the project (see above)."
    fi
    sak_log "building"
    cmake --build "$SAK_BUILD" --parallel "$(nproc)" || sak_die "the build failed (see above)."
}

# QtWebEngine's sandbox cannot run as root; only then, and only for our own runs, it is off.
sak_webengine_env() {
    if [[ $(id -u) -eq 0 ]]; then
        export QTWEBENGINE_DISABLE_SANDBOX=1
    fi
}
