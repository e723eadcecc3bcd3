#!/usr/bin/env bash
# The Debian packages as a kiosk gets them: built by CPack, checked by lintian (no errors),
# installed with apt-get on this machine, run from the installed files (--version; a headless
# start against the installed cloud stub, paired and connected; the operator's --status; a
# clean SIGTERM), upgraded without losing the data, then removed and purged (the data stays).
# Needs root (apt-get); it removes the packages again, also an earlier installed sak-agent.
#   tests/check-package.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
src=$1
build=$2
if [[ $(id -u) -ne 0 ]]; then
    echo "SKIP: installing packages needs root"
    exit 77
fi
work=$(mktemp -d)
stub_pid=
agent_pid=
user_existed=0
getent passwd sak-agent >/dev/null && user_existed=1
cleanup() {
    [[ -n $agent_pid ]] && kill "$agent_pid" 2>/dev/null
    [[ -n $stub_pid ]] && kill "$stub_pid" 2>/dev/null
    for package in sak-agent sak-cloud-stub; do
        DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq "$package" >/dev/null 2>&1 || true
    done
    [[ $user_existed -eq 0 ]] && { userdel sak-agent 2>/dev/null || true; }
    rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAILED: $*"; [[ -f $work/agent.log ]] && tail -30 "$work/agent.log"; exit 1; }
step() { echo "== $*"; }

step "building the packages"
(cd "$build" && cpack -G DEB -B "$work/v1" >/dev/null) || fail "cpack could not build the packages"
(cd "$build" && cpack -G DEB -B "$work/v2" -D CPACK_PACKAGE_VERSION=0.1.0+upgrade >/dev/null) \
    || fail "cpack could not build the upgrade"
agent_deb=$(ls "$work"/v1/sak-agent_*.deb)
stub_deb=$(ls "$work"/v1/sak-cloud-stub_*.deb)

step "lintian"
if ! lintian --fail-on error "$agent_deb" "$stub_deb" >"$work/lintian.log" 2>&1; then
    grep -v "running with root privileges" "$work/lintian.log"
    fail "lintian reports errors"
fi
grep -v "running with root privileges" "$work/lintian.log" || true # warnings, for the record

step "installing with apt-get"
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$agent_deb" "$stub_deb" \
    >"$work/apt.log" 2>&1 || { cat "$work/apt.log"; fail "apt-get install"; }
[[ -x /usr/bin/sak-agent && -x /usr/bin/sak-cloud-stub && -x /usr/sbin/sak-agentctl ]] || fail "executables missing"
/usr/bin/sak-agent --version | grep -q "^sak-agent " || fail "sak-agent --version"
getent passwd sak-agent >/dev/null || fail "the package did not create the sak-agent system user"
desktop-file-validate /usr/share/applications/com.sak.DesktopAgent.desktop || fail "desktop file"
appstreamcli validate --no-net /usr/share/metainfo/com.sak.DesktopAgent.metainfo.xml >/dev/null || fail "metainfo"
[[ -f /usr/share/icons/hicolor/48x48/apps/sak-agent.png && -f /usr/share/man/man1/sak-agent.1.gz ]] || fail "icon or man page"
systemd-analyze verify /lib/systemd/system/sak-agent.service 2>&1 | grep -v "^$" && fail "systemd-analyze verify"
# Nothing outside the usual places.
unusual=$(dpkg -L sak-agent sak-cloud-stub | grep -vE '^/(\.|usr/(bin|sbin|share|lib)(/|$)|lib(/systemd(/system)?)?$|lib/systemd/system/|usr$)' || true)
[[ -z $unusual ]] || fail "files outside the usual places: $unusual"

step "a headless start from the installed files"
"$src/scripts/make-certs.sh" "$work/certs" >/dev/null
read -r https control jobs < <(python3 -c '
import socket
s=[socket.socket() for _ in range(3)]
[x.bind(("127.0.0.1",0)) for x in s]
print(*[x.getsockname()[1] for x in s])')
/usr/bin/sak-cloud-stub --cert "$work/certs/server.pem" --key "$work/certs/server.key" \
    --port "$https" --control-port "$control" --jobs-port "$jobs" >"$work/stub.log" 2>&1 &
stub_pid=$!
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$control/control/state" >/dev/null && break; sleep 0.2; done
export QTWEBENGINE_DISABLE_SANDBOX=1 QT_QPA_PLATFORM=offscreen no_proxy=127.0.0.1
args=(--cloud-url "https://127.0.0.1:$https" --ca-file "$work/certs/ca.pem"
      --whatsapp-url "https://127.0.0.1:$https/wa/" --whatsapp-spki-pins "$(cat "$work/certs/server.spki")"
      --data-dir "$work/data" --key-file "$work/data.key" --status-port 0 --config /dev/null)
code=$(curl -fs -X POST "http://127.0.0.1:$control/admin/pairing-codes" -d '{"tenantId":"pkg-shop"}' \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["code"])')
printf '%s\n' "$code" | /usr/bin/sak-agent --pair "${args[@]}" >"$work/pair.log" 2>&1 || { cat "$work/pair.log"; fail "pairing"; }
/usr/bin/sak-agent --headless "${args[@]}" >"$work/agent.log" 2>&1 &
agent_pid=$!
wait_for() {
    for _ in $(seq 300); do grep -q -- "$1" "$work/agent.log" && return 0; sleep 0.2; done
    fail "the agent did not log '$1'"
}
wait_for "-> needs-pairing"
# The shop owner scans the QR code (the simulator's phone), once the page shows one.
for _ in $(seq 50); do
    curl -fs -X POST "http://127.0.0.1:$control/control/scan" -d '{}' | grep -q pageId && break
    sleep 0.2
done
wait_for "-> connected"
/usr/bin/sak-agent --status "${args[@]}" | grep -q '"session": "connected"' || fail "sak-agent --status"
kill -TERM "$agent_pid"
wait "$agent_pid" || fail "the agent did not exit with 0 after SIGTERM"
agent_pid=

step "upgrading keeps the data"
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "$work"/v2/sak-agent_*.deb "$work"/v2/sak-cloud-stub_*.deb >"$work/apt.log" 2>&1 \
    || { cat "$work/apt.log"; fail "apt-get install (upgrade)"; }
dpkg-query -W -f '${Version}' sak-agent | grep -q upgrade || fail "not upgraded"
/usr/bin/sak-agent --check-store "${args[@]}" | grep -q "intact" || fail "the store after the upgrade"

step "removing and purging"
DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq sak-agent sak-cloud-stub >/dev/null 2>&1 || fail "apt-get remove"
[[ ! -e /usr/bin/sak-agent ]] || fail "sak-agent still installed"
# (sak-cloud-stub has nothing left to purge once removed.)
DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq sak-agent >"$work/purge.log" 2>&1 || fail "apt-get purge"
grep -q "data was not deleted" "$work/purge.log" || { cat "$work/purge.log"; fail "purge says nothing about the data"; }
[[ -f $work/data/agent.db ]] || fail "purging deleted user data"
echo "package checked: lintian clean of errors, installs, runs, upgrades, removes"
