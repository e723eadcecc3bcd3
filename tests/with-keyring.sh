#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with an unlocked GNOME Keyring, in a throwaway
# home: the real Secret Service, without touching the caller's keyrings.
#   with-keyring.sh COMMAND [ARGS...]
set -euo pipefail
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
export HOME=$home XDG_DATA_HOME=$home/.local/share XDG_CONFIG_HOME=$home/.config XDG_RUNTIME_DIR=$home/run
mkdir -p -m 700 "$XDG_RUNTIME_DIR"
dbus-run-session -- bash -c '
    printf "sak-test-keyring" | gnome-keyring-daemon --unlock --components=secrets >/dev/null
    "$@"' with-keyring "$@"
