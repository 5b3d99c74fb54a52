#!/usr/bin/env bash
# gripcast demo, one command on a fresh Debian machine (Pushpin, a JDK and Maven are installed
# with apt-get when missing):
#   1. builds gripcast (publisher-cli/target/gripcast),
#   2. starts a local Pushpin on free ports with a small GRIP origin (publisher-testing's),
#   3. subscribes with `gripcast listen`: a WebSocket, an HTTP stream and a long-poll,
#   4. publishes with `gripcast publish`,
#   5. shows what each subscriber received, and cleans everything up.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

missing=()
command -v pushpin >/dev/null || missing+=(pushpin)
command -v javac >/dev/null || missing+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null || missing+=(maven)
if [[ ${#missing[@]} -gt 0 ]]; then
  say "installing ${missing[*]} (apt-get)"
  SUDO=""; [[ "$(id -u)" == 0 ]] || SUDO="sudo"
  # policy-rc.d: do not start Debian's system-wide pushpin service; the demo runs its own
  own_policy=0
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null; $SUDO chmod +x /usr/sbin/policy-rc.d; own_policy=1
  fi
  $SUDO apt-get update -qq && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  if [[ $own_policy == 1 ]]; then $SUDO rm -f /usr/sbin/policy-rc.d; fi
fi

say "building gripcast"
mvn -q -B -pl publisher-cli -am package -DskipTests
G=publisher-cli/target/gripcast

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

say "starting Pushpin and the demo origin"
java -cp publisher-testing/target/classes scripts/DemoProxy.java "$work" >"$work/proxy.env" 2>"$work/proxy.log" &
pids+=($!)
for _ in $(seq 1 600); do
  grep -q '^READY=1' "$work/proxy.env" 2>/dev/null && break
  kill -0 "${pids[0]}" 2>/dev/null || { cat "$work/proxy.log" >&2; echo "demo: Pushpin did not start" >&2; exit 1; }
  sleep 0.1
done
grep -q '^READY=1' "$work/proxy.env" || { cat "$work/proxy.log" >&2; echo "demo: Pushpin did not start in 60 s" >&2; exit 1; }
# shellcheck disable=SC1091
source "$work/proxy.env"
echo "Pushpin: clients at $CLIENT_URL, publishing at $GRIP_URL"

say "subscribing with gripcast listen"
"$G" listen --timeout 30 "${WS_URL}ws?channel=demo" >"$work/ws.out" 2>"$work/ws.err" &
pids+=($!)
"$G" listen --timeout 30 "$CLIENT_URL/stream?channel=demo" >"$work/stream.out" 2>"$work/stream.err" &
pids+=($!)
"$G" listen --timeout 30 -i "$CLIENT_URL/response?channel=demo" >"$work/poll.out" 2>"$work/poll.err" &
pids+=($!)
# Pushpin logs one "subscribe ... channel=demo" line per subscriber it holds
for _ in $(seq 1 300); do
  [[ $(grep -c 'subscribe .* channel=demo$' "$HANDLER_LOG" 2>/dev/null || true) -ge 3 ]] && break
  sleep 0.1
done
echo "3 subscribers on channel demo"

say "publishing with gripcast publish"
set -x
"$G" publish --spec "$GRIP_URL" demo "hello from gripcast"
printf '\x00\x01\x02\xff' | "$G" publish --spec "$GRIP_URL" --format ws --binary demo -
"$G" publish --spec "$GRIP_URL" demo "second message"
"$G" publish --spec "$GRIP_URL" --close-code 4000 --close-reason "demo over" demo
{ set +x; } 2>/dev/null

# the WebSocket and the stream end with the close; the long-poll ended with the first message
for p in "${pids[@]:1}"; do wait "$p" || true; done

say "what the WebSocket subscriber received (gripcast listen ws://...)"
cat "$work/ws.out"; cat "$work/ws.err"
say "what the HTTP stream subscriber received (gripcast listen http://.../stream)"
cat "$work/stream.out"
say "what the long-poll subscriber received (gripcast listen -i http://.../response)"
cat "$work/poll.out"
say "done; stopping Pushpin"
