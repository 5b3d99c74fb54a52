#!/usr/bin/env bash
# `gripcast publish --ndjson` of 100,000 items, from process start to exit, against wrk at 100 items
# per POST: issue 12's bulk figure (docs/performance.md, "Bulk publishing: each run on a fresh Pushpin").
#
#   benchmarks/scripts/ndjson-vs-wrk.sh [--reps N] [--secs S] [--lines N] [--no-ids-reference] [--out FILE]
#                                       [-- gripcast publish options, e.g. --no-auto-id]
#
# Each repetition starts two fresh Pushpins (message_rate=0, no subscriber) and runs, back to back:
#   on the first:  wrk      BATCH=100 SIZE=40 wrk -t1 -c8 -dSs -s benchmarks/wrk/publish.lua   (no ids)
#                  gripcast publisher-cli/target/gripcast publish --ndjson FILE [options]  (the launcher,
#                           as a user runs it, process start to exit; ids generated, as by default)
#   on the second: wrk      as above
#                  wrk-ids  the same with benchmarks/wrk/publish-ids.lua       (a fresh id per item)
# and reports gripcast / wrk from the first, and wrk-ids / wrk (what ids cost Pushpin) from the second
# (--no-ids-reference: the first only, to compare gripcast's options faster).
# Why pairs on one instance: a fresh Pushpin is sometimes slower as a whole, by up to a third (wrk at
# 39,000 instead of 57,000 items/s on this VM, cause unknown), so ratios across instances mostly
# measured that. Why fresh ones: the handler keeps every item id for 60 s (id_cache_ttl), and while it
# holds hundreds of thousands of them it takes every item more slowly, ids or not (wrk without ids
# fell from 58,000 to 40,000 items/s after 800,000 items with ids, and recovered once they expired);
# back-to-back runs on one instance measured the previous runs' ids. wrk without ids goes first on
# each, so it never sees an id.
# The file: N lines (100,000), 16 channels round robin, each item an http-stream and a ws-message
# format of 38-39 content bytes. Also recorded: pushpin-handler's CPU time per item.
#
# Needs: wrk, pushpin, and a built launcher: mvn -B -pl publisher-cli -am package -DskipTests
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
gripcast=$root/publisher-cli/target/gripcast
reps=5 secs=3 lines=100000 out="" idsref=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --reps) reps=$2; shift 2 ;;
    --secs) secs=$2; shift 2 ;;
    --lines) lines=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --no-ids-reference) idsref=0; shift ;;
    --) shift; break ;;
    *) echo "unknown option $1 (see the header of $0)" >&2; exit 64 ;;
  esac
done
extra=("$@")
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 69; }
[[ -x $gripcast ]] || { echo "$gripcast is missing: mvn -B -pl publisher-cli -am package -DskipTests" >&2; exit 69; }

work=$(mktemp -d)
trap '"$here/pushpin.sh" stop "$work/pp" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
file=$work/bulk.ndjson
awk -v n="$lines" 'BEGIN { for (i = 0; i < n; i++) {
  t = sprintf("item %06d of the bulk run, 40 bytes.", i)
  printf "{\"channel\":\"bulk-%d\",\"formats\":{\"http-stream\":{\"content\":\"%s\\n\"},\"ws-message\":{\"content\":\"%s\"}}}\n", i % 16, t, t } }' >"$file"

handler_ns() { awk '{ print $1 }' "/proc/$1/schedstat"; }

# one measurement on the running Pushpin: prints "items_per_s handler_us_per_item"
measure() {
  local what=$1 rate items h0 h1 t0 t1
  h0=$(handler_ns "$hpid")
  case $what in
    wrk | wrk-ids)
      local lua=$root/benchmarks/wrk/publish.lua
      [[ $what == wrk-ids ]] && lua=$root/benchmarks/wrk/publish-ids.lua
      local res
      res=$(BATCH=100 SIZE=40 CHANNEL=bench wrk -t1 -c8 -d"${secs}s" -s "$lua" "$PUSHPIN_CONTROL_URL/publish/" | grep RESULT)
      [[ $res == *errors_status=0* ]] || { echo "wrk saw errors: $res" >&2; exit 1; }
      rate=$(sed -E 's/.*items_per_s=([0-9.]+).*/\1/' <<<"$res")
      items=$(($(sed -E 's/.*requests=([0-9]+).*/\1/' <<<"$res") * 100))
      ;;
    gripcast)
      t0=$(date +%s%N)
      "$gripcast" publish --spec "$PUSHPIN_CONTROL_URL" --ndjson "$file" "${extra[@]}" >"$work/out" 2>&1 ||
        { cat "$work/out" >&2; exit 1; }
      t1=$(date +%s%N)
      items=$lines
      rate=$(awk -v n="$lines" -v ns=$((t1 - t0)) 'BEGIN { printf "%.1f", n / (ns / 1e9) }')
      ;;
  esac
  h1=$(handler_ns "$hpid")
  awk -v r="$rate" -v h=$((h1 - h0)) -v n="$items" 'BEGIN { printf "%.0f %.1f\n", r, h / 1000 / n }'
}

# a fresh Pushpin, then the measurements named, back to back on it; prints "rate hus" per measurement
on_fresh() {
  "$here/pushpin.sh" start "$work/pp" >"$work/env"
  # shellcheck disable=SC1091
  source "$work/env"
  hpid=$(pgrep -P "$PUSHPIN_PID" -x pushpin-handler)
  for what in "$@"; do measure "$what"; done
  "$here/pushpin.sh" stop "$work/pp" >/dev/null 2>&1
}

median() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

report=""
for ((rep = 1; rep <= reps; rep++)); do
  { read -r w hw; read -r g hg; } < <(on_fresh wrk gripcast)
  line=$(awk -v rep="$rep" -v w="$w" -v g="$g" 'BEGIN { printf "rep=%d wrk=%d gripcast=%d ratio=%.2f", rep, w, g, g / w }')
  hus="$hw/$hg"
  if [[ $idsref == 1 ]]; then
    { read -r w2 hw2; read -r wi hwi; } < <(on_fresh wrk wrk-ids)
    line+=$(awk -v w2="$w2" -v wi="$wi" 'BEGIN { printf " wrk2=%d wrk_ids=%d ids_cost=%.2f", w2, wi, wi / w2 }')
    hus+="/$hwi"
  fi
  line+=" handler_us_per_item=$hus load=$(cut -d' ' -f1 /proc/loadavg)"
  echo "$line"
  report+="$line"$'\n'
done
summary=$(awk '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = v[kv[1]] " " kv[2] } }
  END { printf "%s|%s|%s|%s", v["wrk"], v["gripcast"], v["ratio"], v["ids_cost"] }' <<<"$report")
IFS='|' read -r w g r ic <<<"$summary"
med() { tr ' ' '\n' <<<"$1" | grep . | median; }
range() { tr ' ' '\n' <<<"$1" | grep . | sort -g | sed -n '1p;$p' | paste -sd- -; }
final="median of $reps: wrk $(med "$w") items/s, gripcast $(med "$g"); gripcast / wrk $(med "$r") (range $(range "$r"))"
if [[ $idsref == 1 ]]; then final+="; wrk with ids / wrk $(med "$ic") (range $(range "$ic"))"; fi
echo "$final"
if [[ -n $out ]]; then printf '%s%s\n' "$report" "$final" >"$out"; fi
