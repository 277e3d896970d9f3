#!/usr/bin/env bash
# The application's per-call latency with the agent while its collector is healthy, down, hanging, slow (2 s),
# throttling (429 and 503 with Retry-After: 2), refusing (400) or resetting connections, side by side in one
# session, alternating runs so drift hits all alike. Each collector state is a bench FaultyCollector (a closed
# port for "down"); the agent exports often (spans every 200 ms, metrics every second) so every run meets its
# collector's fault many times. Prints each state's median over rounds and its ratio to the healthy run.
# Usage: bench/collector-faults.sh [rounds] [calls] [warm-up calls per client, default 2000]
#        [saturation seconds per client, default 1]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
calls=${2:-20000}
warmup=${3:-2000}
saturation=${4:-1}
agent=agent/target/callsight-agent.jar
classes=bench/target/classes
# shellcheck source=bench/built.sh
. bench/built.sh
require_built "$agent" "$classes" bench/target/lib
classpath=$(bench_classpath)

work=$(mktemp -d)
# shellcheck source=bench/lib.sh
. bench/lib.sh
states="healthy:ok down hanging:hang slow:slow:2000 429:status:429:2 503:status:503:2 400:status:400 reset:reset"
start_server upstream Upstream
upstream=$(server_url upstream upstream)
declare -A endpoint
for state in $states; do
  name=${state%%:*}
  mode=${state#*:}
  if [ "$name" = down ]; then
    endpoint[$name]=$(closed_port_url)
    continue
  fi
  start_server "$name" FaultyCollector "$mode"
  endpoint[$name]=$(server_url "$name" otlp)
done
echo "$rounds rounds of $calls calls per client; java $(java -version 2>&1 | head -1); $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"

for round in $(seq 1 "$rounds"); do
  echo "round $round/$rounds"
  java -cp "$classpath" dev.callsight.bench.CallLoop "$upstream" "$warmup" "$calls" 2 "$saturation" 2>/dev/null \
    | sed "s/^/none /" >>"$work/results"
  for state in $states; do
    name=${state%%:*}
    OTEL_EXPORTER_OTLP_ENDPOINT=${endpoint[$name]} OTEL_SERVICE_NAME=bench OTEL_BSP_SCHEDULE_DELAY=200 \
      OTEL_METRIC_EXPORT_INTERVAL=1000 \
      java -javaagent:"$agent" -cp "$classpath" dev.callsight.bench.CallLoop "$upstream" "$warmup" "$calls" 2 "$saturation" 2>/dev/null \
      | sed "s/^/$name /" | tee -a "$work/results"
  done
done

echo
echo "median over rounds; us per call; ratio = this collector state / healthy collector:"
awk -v order="none $(for s in $states; do printf '%s ' "${s%%:*}"; done)" '
  $2 == "heap" { heap[$1] = heap[$1] " " $3; next }
  $2 == "scaling" { next }
  { key=$1" "$2; mean[key]=mean[key]" "$4; p99[key]=p99[key]" "$6; rate[key]=rate[key]" "$9; clients[$2]=1 }
  function median(list,   n, a, i, j, t) {
    n = split(list, a, " ");
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
    return a[int((n + 1) / 2)];
  }
  END {
    n = split(order, runs, " ");
    printf "%-18s %-9s %10s %7s %10s %7s %9s %7s\n", "client", "collector", "mean", "ratio", "p99", "ratio", "calls/s@sat", "ratio";
    for (c in clients) {
      mh = median(mean["healthy "c]); ph = median(p99["healthy "c]); rh = median(rate["healthy "c]);
      for (r = 1; r <= n; r++) {
        k = runs[r]" "c; m = median(mean[k]); p = median(p99[k]); q = median(rate[k]);
        printf "%-18s %-9s %10.1f %7.2f %10.1f %7.2f %9.0f %7.2f\n", c, runs[r], m, m / mh, p, p / ph, q, (rh > 0 ? q / rh : 0);
      }
    }
    printf "\nheap in use after GC at the end (median), added by the agent: ";
    for (r = 2; r <= n; r++) printf "%s +%.1f MiB%s", runs[r], (median(heap[runs[r]]) - median(heap["none"])) / 1048576, r < n ? ", " : "\n";
  }' "$work/results"
