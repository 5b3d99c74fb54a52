#!/usr/bin/env bash
# CPU time and context switches per published item, for one or more builds, on one local Pushpin.
#
#   benchmarks/scripts/cpu-per-item.sh [--batch N] [--concurrency N] [--size BYTES] [--warmup S]
#                                      [--secs S] [--reps N] [JAR ...]
#
# Runs `gripcast bench` (io.gripcast.cli.BenchCommand from each JAR; default: this checkout's
# benchmarks/target/benchmarks.jar) against its own Pushpin, and measures the bench process from
# /proc over a window inside its measured phase (after the warm-up, so JIT compilation is done):
# CPU seconds of every thread (user + system) and context switches (voluntary + involuntary, summed
# over the threads alive at both ends), each divided by the items published in the window (the
# phase's items/s, which is steady, times the window's length).
# JARs are run alternately, REPS times each, so that a change of the machine's load hits all alike.
# Why this and not throughput: on a shared machine items/s varies by 20 % between runs, while the
# CPU one item costs the client barely moves; it is what the client takes away from the proxy.
#
# To compare with an older commit: build it in a second worktree and pass both jars, e.g.
#   git worktree add /tmp/old HEAD~3 && (cd /tmp/old && mvn -B -q -pl benchmarks -am package -DskipTests)
#   benchmarks/scripts/cpu-per-item.sh /tmp/old/benchmarks/target/benchmarks.jar benchmarks/target/benchmarks.jar
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
batch=1 conc=8 size=64 warmup=8 secs=7 reps=2 jars=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --batch) batch=$2; shift 2 ;;
    --concurrency) conc=$2; shift 2 ;;
    --size) size=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --secs) secs=$2; shift 2 ;;
    --reps) reps=$2; shift 2 ;;
    -*) echo "unknown option $1 (see the header of $0)" >&2; exit 64 ;;
    *) jars+=("$1"); shift ;;
  esac
done
[[ ${#jars[@]} -gt 0 ]] || jars=("$root/benchmarks/target/benchmarks.jar")
for j in "${jars[@]}"; do
  [[ -f $j ]] || { echo "$j is missing: mvn -B -pl benchmarks -am package -DskipTests" >&2; exit 69; }
done
work=$(mktemp -d /tmp/gripcast-cpu-pp.XXXXXX)
trap '"$here/pushpin.sh" stop "$work" >/dev/null 2>&1; rm -rf "$work"' EXIT
eval "$("$here/pushpin.sh" start "$work")"
hz=$(getconf CLK_TCK)

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
switches() { # pid -> "tid:count" per thread
  local t
  for t in /proc/"$1"/task/*; do
    awk -v t="${t##*/}" '/^(non)?voluntary_ctxt_switches/ {n += $2} END {print t ":" n}' "$t/status" 2>/dev/null || true
  done
}

echo "# $(date -u +%FT%TZ) $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); batch $batch, concurrency $conc, size $size; window ${secs}s after ${warmup}s"
for rep in $(seq 1 "$reps"); do
  for jar in "${jars[@]}"; do
    log=$(mktemp)
    java -cp "$jar" io.gripcast.cli.BenchCommand --grip-url "$PUSHPIN_CONTROL_URL" --batch "$batch" --size "$size" \
      -c "$conc" --no-ids --channel bench --warmup "${warmup}s" --duration "$((secs + 2))s" --json --no-progress \
      >"$log" 2>&1 &
    pid=$!
    sleep "$(awk -v w="$warmup" 'BEGIN {print w + 0.5}')"
    c0=$(cpu_ticks "$pid"); s0=$(switches "$pid"); t0=$(date +%s%N)
    sleep "$secs"
    c1=$(cpu_ticks "$pid"); s1=$(switches "$pid"); t1=$(date +%s%N)
    wait "$pid" || true
    ips=$(sed -n 's/.*"itemsPerSecond": \([0-9.]*\).*/\1/p' "$log")
    cs=$(join -t: <(tr ' ' '\n' <<<"$s0" | sort) <(tr ' ' '\n' <<<"$s1" | sort) | awk -F: '{n += $3 - $2} END {print n + 0}')
    awk -v jar="$jar" -v rep="$rep" -v c=$((c1 - c0)) -v hz="$hz" -v cs="$cs" -v ips="${ips:-0}" -v ns=$((t1 - t0)) 'BEGIN {
      i = ips * ns / 1e9
      if (i <= 0) { print "no items published by " jar " (see its output)"; exit 1 }
      printf "rep=%d items_per_s=%.0f cpu_us_per_item=%.1f switches_per_item=%.2f jar=%s\n", rep, ips, c / hz * 1e6 / i, cs / i, jar }' \
      || cat "$log" >&2
    rm -f "$log"
  done
done
