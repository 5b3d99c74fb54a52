#!/usr/bin/env bash
# Runs the chat behind a local, isolated Pushpin:
#   - builds the example (in the reactor, nothing installed to ~/.m2),
#   - starts Pushpin from a temp dir: its own config, routes to the app with over_http, a fresh
#     random sig_key, client port 7999, control port 5561, all on 127.0.0.1,
#   - runs the app on 127.0.0.1:8080 in the foreground.
# Open http://127.0.0.1:7999/?room=lobby in two windows. Ctrl-C stops both.
# Ports: CLIENT_PORT, CONTROL_PORT, PORT (the app's) override the defaults.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
client_port="${CLIENT_PORT:-7999}"
control_port="${CONTROL_PORT:-5561}"
app_port="${PORT:-8080}"

command -v pushpin >/dev/null || { echo "pushpin is not installed: apt-get install -y pushpin" >&2; exit 1; }

(cd "$root" && mvn -q -B -pl examples/spring-boot-chat -am package -DskipTests)

dir="$(mktemp -d "${TMPDIR:-/tmp}/chat-pushpin.XXXXXX")"
sig_key="$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
mkdir -p "$dir/run" "$dir/log"
cat >"$dir/routes" <<ROUTES
* 127.0.0.1:${app_port},over_http
ROUTES
cat >"$dir/pushpin.conf" <<CONF
[global]
include={libdir}/internal.conf
rundir=${dir}/run
ipc_prefix=chat-
port_offset=0

[runner]
services=condure,zurl,pushpin-proxy,pushpin-handler
http_port=127.0.0.1:${client_port}
logdir=${dir}/log
log_level=2

[proxy]
routesfile=routes
zurl_out_specs=ipc://{rundir}/{ipc_prefix}zurl-in
zurl_out_stream_specs=ipc://{rundir}/{ipc_prefix}zurl-in-stream
zurl_in_specs=ipc://{rundir}/{ipc_prefix}zurl-out
sig_iss=pushpin
sig_key=${sig_key}
updates_check=off

[handler]
push_in_spec=tcp://127.0.0.1:$((control_port + 100))
push_in_sub_specs=tcp://127.0.0.1:$((control_port + 101))
push_in_http_addr=127.0.0.1
push_in_http_port=${control_port}
stats_spec=ipc://{rundir}/{ipc_prefix}stats
command_spec=tcp://127.0.0.1:$((control_port + 102))
CONF

setsid pushpin --config "$dir/pushpin.conf" >"$dir/log/runner.out" 2>&1 &
pushpin_pid=$!
cleanup() {
  kill -TERM -- "-$pushpin_pid" 2>/dev/null || true
  wait "$pushpin_pid" 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT INT TERM

for _ in $(seq 1 100); do
  if curl -fs "http://127.0.0.1:${control_port}/" >/dev/null 2>&1; then break; fi
  kill -0 "$pushpin_pid" 2>/dev/null || { echo "pushpin exited; its log:" >&2; cat "$dir/log/"* >&2; exit 1; }
  sleep 0.1
done
echo "Pushpin: http://127.0.0.1:${client_port}/ (control :${control_port}), files in $dir"
echo "Open http://127.0.0.1:${client_port}/?room=lobby in two windows."

cd "$here"
GRIP_CONTROL_URL="http://127.0.0.1:${control_port}" PUSHPIN_SIG_KEY="$sig_key" PORT="$app_port" \
  java -cp "target/classes:$(cat target/runtime-classpath.txt)" io.gripcast.examples.chat.ChatApplication
