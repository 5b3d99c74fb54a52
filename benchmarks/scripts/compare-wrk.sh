#!/usr/bin/env bash
# gripcast bench against wrk, side by side, on one local Pushpin: the "90 % of the ceiling" check.
#
#   benchmarks/scripts/compare-wrk.sh [--reps N] [--secs S] [--warmup S] [--batches "1 10 100"]
#                                     [--size BYTES] [--concurrency N] [--ids] [--out FILE]
#
# Starts its own Pushpin (message_rate=0, message_hwm=0, log level 2, no subscriber) on free ports,
# then for each repetition and batch size runs, back to back on the same instance:
#   wrk -t1 -cN -dSs -s benchmarks/wrk/publish.lua     (one pre-built body, posted over and over)
#   java -cp benchmarks.jar io.gripcast.cli.BenchCommand --batch B --warmup Ws --duration Ss ...
#   java -cp benchmarks.jar io.gripcast.bench.NioPublishProbe ...  (a one-thread selector client, the
#                                                                   bound for a selector transport)
# rotating which goes first, and prints the medians and the ratios to wrk per batch size.
# Both publish the same bodies: BATCH items, each with an http-stream and a ws-message format of
# SIZE content bytes; gripcast runs with --no-ids unless --ids is given (wrk's body has no ids).
# Also recorded per run: the client's CPU seconds (wrk from /proc, gripcast from its own report)
# and the pushpin-handler's CPU share, which shows whether the proxy was the bottleneck.
#
# Needs: wrk, java 17+, pushpin, and a built jar: mvn -B -pl benchmarks -am package -DskipTests
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
jar=$root/benchmarks/target/benchmarks.jar
lua=$root/benchmarks/wrk/publish.lua
reps=3 secs=5 warmup=10 batches="1 10 100" size=64 conc=8 ids="--no-ids" out=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --reps) reps=$2; shift 2 ;;
    --secs) secs=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --batches) batches=$2; shift 2 ;;
    --size) size=$2; shift 2 ;;
    --concurrency) conc=$2; shift 2 ;;
    --ids) ids=""; shift ;;
    --out) out=$2; shift 2 ;;
    *) echo "unknown option $1 (see the header of $0)" >&2; exit 64 ;;
  esac
done
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 69; }
[[ -f $jar ]] || { echo "$jar is missing: mvn -B -pl benchmarks -am package -DskipTests" >&2; exit 69; }
out=${out:-$(mktemp /tmp/gripcast-compare.XXXXXX)}
work=$(mktemp -d /tmp/gripcast-compare-pp.XXXXXX)
trap '"$here/pushpin.sh" stop "$work"; rm -rf "$work"' EXIT
eval "$("$here/pushpin.sh" start "$work")"
url=$PUSHPIN_CONTROL_URL
handler=""
for p in $(ls /proc | grep -E '^[0-9]+$'); do
  [[ "$(cat /proc/$p/comm 2>/dev/null)" == pushpin-handler ]] && tr '\0' ' ' </proc/$p/cmdline 2>/dev/null | grep -qF "$work" && handler=$p
done
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)
echo "# $(date -u +%FT%TZ) $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); pushpin $url (handler pid $handler); size $size, concurrency $conc, ${secs}s runs, gripcast warm-up ${warmup}s ${ids:-with ids}" | tee "$out" >&2

run_wrk() { # batch -> "items_per_s cpu_s handler_pct"
  local h0 h1 t0 t1 res c0 c1
  h0=$(ticks "$handler"); t0=$(date +%s%N)
  res=$(BATCH=$1 SIZE=$size CHANNEL=bench wrk -t1 -c"$conc" -d"${secs}s" -s "$lua" "$url/publish/" & wpid=$!; wait $wpid)
  h1=$(ticks "$handler"); t1=$(date +%s%N)
  local ips; ips=$(sed -n 's/.*items_per_s=\([0-9.]*\).*/\1/p' <<<"$res")
  local errs; errs=$(sed -n 's/.*errors_connect=\([0-9]*\) errors_read=\([0-9]*\) errors_status=\([0-9]*\).*/\1+\2+\3/p' <<<"$res")
  echo "$ips $(( (h1 - h0) * 100 * 1000000000 / hz / (t1 - t0) )) $((errs))"
}
run_nio() { # batch -> "items_per_s cpu_us_per_item"
  local res
  res=$(java -cp "$jar" io.gripcast.bench.NioPublishProbe "$url" "$1" "$conc" "$warmup" "$secs" "$size")
  echo "$(sed -n 's/.*items_per_s=\([0-9.]*\).*/\1/p' <<<"$res") $(sed -n 's/.*cpu_us_per_item=\([0-9.]*\).*/\1/p' <<<"$res")"
}
run_gripcast() { # batch -> "items_per_s cpu_us_per_item handler_pct errors"
  local h0 h1 t0 t1 js
  js=$(java -cp "$jar" io.gripcast.cli.BenchCommand --grip-url "$url" --batch "$1" --size "$size" -c "$conc" $ids \
        --channel bench --warmup "${warmup}s" --duration "${secs}s" --json --no-progress &
       bpid=$!; sleep "$warmup"; h0=$(ticks "$handler"); t0=$(date +%s%N); wait $bpid
       h1=$(ticks "$handler"); t1=$(date +%s%N); echo "HANDLER $(( (h1 - h0) * 100 * 1000000000 / hz / (t1 - t0) ))")
  local ips cpu errs hp
  ips=$(sed -n 's/.*"itemsPerSecond": \([0-9.]*\).*/\1/p' <<<"$js")
  cpu=$(sed -n 's/.*"clientCpuMicrosPerItem": \([0-9.]*\).*/\1/p' <<<"$js")
  errs=$(sed -n 's/.*"errors": \([0-9]*\).*/\1/p' <<<"$js")
  hp=$(sed -n 's/^HANDLER \(.*\)/\1/p' <<<"$js")
  echo "$ips $cpu $hp $errs"
}

for rep in $(seq 1 "$reps"); do
  for b in $batches; do
    case $(( rep % 3 )) in
      1) w=$(run_wrk "$b"); g=$(run_gripcast "$b"); n=$(run_nio "$b") ;;
      2) g=$(run_gripcast "$b"); n=$(run_nio "$b"); w=$(run_wrk "$b") ;;
      0) n=$(run_nio "$b"); w=$(run_wrk "$b"); g=$(run_gripcast "$b") ;;
    esac
    read -r wi wh we <<<"$w"; read -r gi gc gh ge <<<"$g"; read -r ni nc <<<"$n"
    echo "rep=$rep batch=$b wrk_items_per_s=$wi wrk_handler_pct=$wh wrk_errors=$we gripcast_items_per_s=$gi gripcast_cpu_us_per_item=$gc gripcast_handler_pct=$gh gripcast_errors=$ge nio_items_per_s=$ni nio_cpu_us_per_item=$nc load=$(cut -d' ' -f1 /proc/loadavg)" | tee -a "$out" >&2
  done
done

echo
echo "| batch | wrk items/s | gripcast items/s | gripcast / wrk | selector probe items/s | probe / wrk | client CPU µs/item (gripcast / probe) | handler CPU % (wrk / gripcast) |"
echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
for b in $batches; do
  awk -v b="$b" '
    function med(a, n,   i, j, t) { for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
      return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
    { delete v; for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] } }
    v["batch"] == b && $1 ~ /^rep=/ { n++; w[n] = v["wrk_items_per_s"]; g[n] = v["gripcast_items_per_s"]; r[n] = v["gripcast_items_per_s"] / v["wrk_items_per_s"];
      p[n] = v["nio_items_per_s"]; q[n] = v["nio_items_per_s"] / v["wrk_items_per_s"];
      c[n] = v["gripcast_cpu_us_per_item"]; pc[n] = v["nio_cpu_us_per_item"]; hw[n] = v["wrk_handler_pct"]; hg[n] = v["gripcast_handler_pct"] }
    END { printf "| %d | %.0f | %.0f | **%.2f** | %.0f | %.2f | %.1f / %.1f | %.0f / %.0f |\n", b, med(w, n), med(g, n), med(r, n), med(p, n), med(q, n), med(c, n), med(pc, n), med(hw, n), med(hg, n) }
  ' "$out"
done
echo
echo "raw results: $out" >&2
