#!/usr/bin/env bash
# The agent's main job, end to end on this machine: starts the bundled cloud stub (with its
# WhatsApp Web simulator) and sak-agent against it. Open the customer panel it prints, press
# "Scan QR", and chat as a customer: each hop shows in the agent's log.
#   scripts/demo.sh [--headless]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

headless=0
for arg in "$@"; do
    case $arg in
        --headless) headless=1 ;;
        -h|--help) sed -n '2,6p' "$0"; exit 0 ;;
        *) sak_die "unknown argument '$arg' (only --headless)" ;;
    esac
done
[[ -z ${DISPLAY:-}${WAYLAND_DISPLAY:-} ]] && headless=1

sak_install_packages
sak_build
sak_webengine_env

demo=$SAK_ROOT/.demo
if [[ -z ${SAK_DEMO_SESSION:-} ]]; then
    # The agent keeps its data key in the desktop keychain. The demo gives it a private session
    # bus with a GNOME Keyring of its own (kept in .demo/), so that it runs the same on a
    # desktop, a server or a CI box and leaves the user's own keyrings alone.
    export SAK_DEMO_SESSION=1
    exec dbus-run-session -- "$0" "$@"
fi
mkdir -p "$demo/keyring"
printf 'sak-demo' | XDG_DATA_HOME=$demo/keyring gnome-keyring-daemon --unlock --components=secrets >/dev/null \
    || sak_die "gnome-keyring-daemon could not start a keyring for the demo."
"$SAK_ROOT/scripts/make-certs.sh" "$demo/certs" >/dev/null
https_port=${SAK_DEMO_PORT:-8443}
control_port=${SAK_DEMO_CONTROL_PORT:-8080}
jobs_port=${SAK_DEMO_JOBS_PORT:-8444}
control=http://127.0.0.1:$control_port

pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

sak_log "starting sak-cloud-stub"
"$SAK_BUILD/bin/sak-cloud-stub" --cert "$demo/certs/server.pem" --key "$demo/certs/server.key" \
    --port "$https_port" --control-port "$control_port" --jobs-port "$jobs_port" --state-file "$demo/stub-state.json" &
pids+=($!)
for _ in $(seq 50); do curl -fs "$control/control/state" >/dev/null && break; sleep 0.2; done
curl -fs "$control/control/state" >/dev/null || sak_die "the cloud stub did not start (is port $https_port, $control_port or $jobs_port taken? set SAK_DEMO_PORT / SAK_DEMO_CONTROL_PORT / SAK_DEMO_JOBS_PORT)."

# The real pacing rules, except quiet hours: a demo's broadcast should show at any hour (it
# still leaves with 6-30 s between messages, each after "typing").
printf '[pacing]\nquiet-hours=off\nwarmup-days=0\n' > "$demo/agent.ini"
agent_args=(--cloud-url "https://127.0.0.1:$https_port" --ca-file "$demo/certs/ca.pem"
    --whatsapp-url "https://127.0.0.1:$https_port/wa/" --whatsapp-spki-pins "$(cat "$demo/certs/server.spki")"
    --data-dir "$demo/data" --config "$demo/agent.ini")
# Pairing, as a shop owner does it: a code from the cloud's dashboard, entered into the agent.
code=$(curl -fs -X POST "$control/admin/pairing-codes" -H 'Content-Type: application/json' -d '{"tenantId":"demo-shop"}' \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["code"])') || sak_die "the cloud stub gave no pairing code."
sak_log "pairing the agent with code $code"
# On standard input: a code on the command line can be read by every user of the computer.
printf '%s\n' "$code" | "$SAK_BUILD/bin/sak-agent" --pair "${agent_args[@]}" || sak_die "pairing failed (see above)."
[[ $headless -eq 1 ]] && agent_args+=(--headless)
sak_log "starting sak-agent$([[ $headless -eq 1 ]] && echo ' (headless)')"
"$SAK_BUILD/bin/sak-agent" "${agent_args[@]}" &
pids+=($!)

cat <<MSG

  Customer panel:  $control/customer
  Admin page:      $control/admin   (broadcasts, jobs, statuses, faults, bridge packages; tenant demo-shop)
  1. Open the customer panel in a browser and press "Scan QR" (pairs the shop's WhatsApp).
  2. Type a message as the customer, e.g. "how much is a cappuccino?".
  3. Watch the hops [1 captured] ... [7 status] in the log below, and the reply in the panel.
  A first customer message is sent for you once WhatsApp is paired. Ctrl-C stops the demo.

MSG

# Pair automatically if nobody has done it within 20 s, then send one message, so that the
# flow is visible even on a machine without a browser.
(
    for _ in $(seq 100); do
        curl -fs "$control/control/state" | grep -q '"alive":true' && break; sleep 0.2
    done
    sleep 20
    curl -fs "$control/control/state" | grep -q '"paired":true' || curl -fs -X POST "$control/control/scan" >/dev/null || true
    for _ in $(seq 100); do curl -fs "$control/control/state" | grep -q '"paired":true' && break; sleep 0.2; done
    sleep 3
    curl -fs -X POST "$control/control/inject" -H 'Content-Type: application/json' \
        -d '{"chatId":"491701234567@c.us","senderName":"Ana","body":"Hi! How much is a cappuccino?"}' >/dev/null \
        && printf '\n  (demo) customer +491701234567 wrote: "Hi! How much is a cappuccino?"\n\n' >&2
    for _ in $(seq 100); do
        reply=$(curl -fs "$control/control/chat?id=491701234567%40c.us" \
            | python3 -c 'import json,sys; print(next((m["body"] for m in json.load(sys.stdin)["messages"] if m["fromMe"]), ""))' 2>/dev/null || true)
        if [[ -n $reply ]]; then printf '\n  (demo) the shop replied in the chat: "%s"\n\n' "$reply" >&2; break; fi
        sleep 0.2
    done
) &
pids+=($!)

wait "${pids[1]}"
