#!/usr/bin/env bash
# Start or stop an isolated Pushpin for benchmarks, on free loopback ports.
#
#   pushpin.sh start DIR [--log-level N] [--message-rate N] [--message-hwm N] [--client-buffer-size BYTES]
#                        [--origin HOST:PORT] [--over-http]
#   pushpin.sh stop DIR
#
# start writes DIR/pushpin.conf and DIR/routes, launches `pushpin` in its own session, waits until
# the control endpoint answers "Pushpin API" and every internal ipc socket has a peer, and prints
#   PUSHPIN_PID=... PUSHPIN_CONTROL_URL=http://127.0.0.1:P  PUSHPIN_CLIENT_URL=http://127.0.0.1:Q
# on stdout (also saved in DIR/instance.env). Defaults are the benchmark's: message_rate=0 and
# message_hwm=0 (no throttle, no cap), log level 2 (Pushpin's default). Without --origin, routes
# point at a closed port: enough for publishing, not for subscribers. --client-buffer-size sets
# [runner] client_buffer_size (Pushpin's default, 8192, unless given): each client connection's send
# buffer. Pushpin drops a ws-message that does not fit in it, so a WebSocket subscriber of a fast
# bench loses items at the default; see docs/performance.md ("When a subscriber misses items").
# stop sends SIGTERM to the recorded runner (checked by its start time, never by name), waits, and
# SIGKILLs whatever of its process tree is left after 10 s.
#
# Why not the stock config: Debian's points zurl at a system service that nothing starts, and
# Pushpin 1.36 reads push_in_max_body_size, not the push_in_http_max_body_size it documents.
set -euo pipefail

die() { echo "pushpin.sh: $*" >&2; exit 1; }
[[ $# -ge 2 ]] || die "usage: pushpin.sh start|stop DIR [options]"
cmd=$1 dir=$2
shift 2

stat_start() { local s; read -r s <"/proc/$1/stat" 2>/dev/null || return 1; s=${s##*) }; set -- $s; echo "${20}"; }
tree() { # PID -> PID and its descendants
  local root=$1 f s pid ppid
  declare -A kids=()
  for f in /proc/[0-9]*/stat; do
    read -r s <"$f" 2>/dev/null || continue
    pid=${f#/proc/}; pid=${pid%/stat}; s=${s##*) }; set -- $s; kids[$2]+="$pid "
  done
  local queue=("$root") cur c
  while [[ ${#queue[@]} -gt 0 ]]; do
    cur=${queue[0]}; queue=("${queue[@]:1}"); echo "$cur"
    for c in ${kids[$cur]:-}; do queue+=("$c"); done
  done
}
alive() { [[ -e /proc/$1 ]] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null; }

stop() {
  [[ -f "$dir/pushpin.pid" ]] || return 0
  local pid start pids p i
  read -r pid start <"$dir/pushpin.pid"
  rm -f "$dir/pushpin.pid"
  [[ "$(stat_start "$pid" 2>/dev/null || true)" == "$start" ]] || return 0
  pids=$(tree "$pid")
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 1 200); do
    local left=0
    for p in $pids; do alive "$p" && left=1; done
    [[ $left == 0 ]] && return 0
    sleep 0.05
  done
  for p in $pids; do alive "$p" && kill -KILL "$p" 2>/dev/null || true; done
}

case "$cmd" in
  stop) stop; exit 0 ;;
  start) ;;
  *) die "unknown command $cmd (start or stop)" ;;
esac

log_level=2 rate=0 hwm=0 buffer=8192 origin=127.0.0.1:9 over_http=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --log-level) log_level=$2; shift 2 ;;
    --message-rate) rate=$2; shift 2 ;;
    --message-hwm) hwm=$2; shift 2 ;;
    --client-buffer-size) buffer=$2; shift 2 ;;
    --origin) origin=$2; shift 2 ;;
    --over-http) over_http=",over_http"; shift ;;
    *) die "unknown option $1" ;;
  esac
done
[[ $buffer =~ ^[1-9][0-9]*$ ]] || die "--client-buffer-size must be a positive number of bytes, e.g. 65536, but was '$buffer'"
command -v pushpin >/dev/null || die "pushpin is not installed: apt-get install -y pushpin"
mkdir -p "$dir"
dir=$(cd "$dir" && pwd -P)
stop

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && [[ -z "$(ss -ltnH "sport = :$1" 2>/dev/null)" ]]; }
base=""
for _ in $(seq 1 50); do
  b=$((20000 + (RANDOM % 1200) * 10)) # below the ephemeral range (32768+), where client sockets would collide
  if port_free $b && port_free $((b + 1)) && port_free $((b + 2)) && port_free $((b + 3)) && port_free $((b + 4)); then base=$b; break; fi
done
[[ -n "$base" ]] || die "no free port range found"

rundir="$dir/run"
(( ${#rundir} + 30 > 100 )) && rundir="/tmp/pushpin-run-$(printf '%s' "$dir" | cksum | cut -d' ' -f1)"
rm -rf "$dir/log" "$rundir"
mkdir -p "$dir/log" "$rundir"
cat >"$dir/pushpin.conf" <<CONF
[global]
include={libdir}/internal.conf
rundir=$rundir
ipc_prefix=pushpin-
port_offset=0

[runner]
services=condure,zurl,pushpin-proxy,pushpin-handler
http_port=127.0.0.1:$base
logdir=$dir/log
log_level=$log_level
client_buffer_size=$buffer
client_maxconn=50000

[proxy]
routesfile=routes
zurl_out_specs=ipc://{rundir}/{ipc_prefix}zurl-in
zurl_out_stream_specs=ipc://{rundir}/{ipc_prefix}zurl-in-stream
zurl_in_specs=ipc://{rundir}/{ipc_prefix}zurl-out
sig_iss=pushpin
sig_key=changeme
updates_check=off

[handler]
push_in_spec=tcp://127.0.0.1:$((base + 2))
push_in_sub_specs=tcp://127.0.0.1:$((base + 3))
push_in_sub_connect=false
push_in_http_addr=127.0.0.1
push_in_http_port=$((base + 1))
push_in_max_headers_size=10000
push_in_max_body_size=1000000
stats_spec=ipc://{rundir}/{ipc_prefix}stats
command_spec=tcp://127.0.0.1:$((base + 4))
message_rate=$rate
message_hwm=$hwm
message_wait=5000
id_cache_ttl=60
connection_subscription_max=20
subscription_linger=60
stats_subscription_ttl=60
stats_report_interval=10
stats_format=tnetstring
CONF
echo "* $origin$over_http" >"$dir/routes"

( cd "$dir" && exec setsid pushpin --config "$dir/pushpin.conf" ) </dev/null >"$dir/log/runner.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do start=$(stat_start $pid || true); [[ -n "$start" && "$(readlink /proc/$pid/exe)" == */pushpin ]] && break; sleep 0.01; done
echo "$pid $start" >"$dir/pushpin.pid"

says_api() { local r; r=$( (exec 3<>"/dev/tcp/127.0.0.1/$((base + 1))" && printf 'GET / HTTP/1.0\r\n\r\n' >&3 && timeout 2 cat <&3) 2>/dev/null || true); [[ $r == *"Pushpin API"* ]]; }
ipc_linked() { # every ipc socket but the stats one has a connected peer
  local f connected
  connected=$(awk -v d="$rundir/" '$6=="03" && index($8, d)==1 {print $8}' /proc/net/unix | sort -u)
  for f in "$rundir"/*; do
    [[ -S $f && ${f##*/} != pushpin-stats ]] || continue
    grep -qxF "$f" <<<"$connected" || return 1
  done
  [[ -e $rundir/pushpin-accept ]]
}
for i in $(seq 1 400); do
  alive $pid || { tail -n 20 "$dir"/log/*.log >&2; die "pushpin exited during start-up"; }
  if says_api && ipc_linked && (exec 3<>"/dev/tcp/127.0.0.1/$base") 2>/dev/null; then
    {
      echo "PUSHPIN_PID=$pid"
      echo "PUSHPIN_CONTROL_URL=http://127.0.0.1:$((base + 1))"
      echo "PUSHPIN_CLIENT_URL=http://127.0.0.1:$base"
    } | tee "$dir/instance.env"
    exit 0
  fi
  sleep 0.05
done
stop
die "pushpin did not become ready in 20 s; logs in $dir/log"
