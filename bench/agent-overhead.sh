#!/usr/bin/env bash
# Agent overhead, side by side in one session: the same call loop without the agent, with it
# exporting to a sink that discards (the agent's own cost), the same under an enforced policy
# with every feature on (timeouts, retries, circuit breaker, concurrency limit: what the policy
# engine costs a call that needs none of them), and exporting to a real collector on the same
# cores (what a laptop demo sees), alternating runs so drift hits all alike. Prints each run and the ratios of the medians to the run without the agent.
# Usage: bench/agent-overhead.sh [rounds] [calls]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
calls=${2:-20000}
agent=agent/target/callsight-agent.jar
collector=collector/target/callsight-collector.jar
classes=bench/target/classes
for f in "$agent" "$collector" "$classes"; do
  [ -e "$f" ] || { echo "missing $f: run mvn -q -DskipTests package first" >&2; exit 1; }
done

work=$(mktemp -d)
trap 'kill $collector_pid $sink_pid 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT
java -cp "$classes" dev.callsight.bench.OtlpSink >"$work/sink.log" 2>&1 &
sink_pid=$!
java -jar "$collector" serve --otlp-port 0 --http-port 0 --data-dir "$work/data" >"$work/collector.log" 2>&1 &
collector_pid=$!
for _ in $(seq 1 60); do
  grep -q 'callsight collector started' "$work/collector.log" && break
  sleep 0.5
done
otlp=$(grep -o 'otlp=[^ ]*' "$work/collector.log" | head -1 | cut -d= -f2)
sink=$(grep -o 'otlp=[^ ]*' "$work/sink.log" | head -1 | cut -d= -f2)
[ -n "$otlp" ] || { echo "collector did not start:" >&2; cat "$work/collector.log" >&2; exit 1; }
[ -n "$sink" ] || { echo "sink did not start:" >&2; cat "$work/sink.log" >&2; exit 1; }
cat >"$work/policies.yaml" <<'YAML'
policies:
  - match: { host: "*" }
    timeouts: { connect: 5s, read: 5s, deadline: 30s }
    retry: { maxAttempts: 3, initialBackoff: 100ms, on: [connect_error, 503] }
    circuitBreaker: { failureRateThreshold: 50%, minimumCalls: 20, window: 30s, openFor: 30s, halfOpenCalls: 5 }
    maxConcurrent: 1000
YAML
echo "collector at $otlp, sink at $sink; $rounds rounds of $calls calls per client; java $(java -version 2>&1 | head -1)"

run() { # $1 = label, rest = extra JVM options
  local label=$1; shift
  java "$@" -cp "$classes" dev.callsight.bench.CallLoop 5000 "$calls" 2>/dev/null | sed "s/^/$label /" | tee -a "$work/results"
}
startup() { # $1 = label, rest = extra JVM options; prints the JVM's start-to-exit time in ms
  local label=$1; shift
  local start end
  start=$(date +%s%N)
  java "$@" -cp "$classes" dev.callsight.bench.Noop 2>/dev/null
  end=$(date +%s%N)
  echo "$label $(( (end - start) / 1000000 ))" >>"$work/startup"
}
for round in $(seq 1 "$rounds"); do
  echo "round $round/$rounds"
  run none
  OTEL_EXPORTER_OTLP_ENDPOINT=$sink OTEL_SERVICE_NAME=bench run agent-sink -javaagent:"$agent"
  OTEL_EXPORTER_OTLP_ENDPOINT=$sink OTEL_SERVICE_NAME=bench run agent-policy -javaagent:"$agent"=config="$work/policies.yaml"
  OTEL_EXPORTER_OTLP_ENDPOINT=${otlp%/} OTEL_SERVICE_NAME=bench run agent-collector -javaagent:"$agent"
done
for _ in $(seq 1 10); do
  startup none
  OTEL_EXPORTER_OTLP_ENDPOINT=$sink OTEL_SERVICE_NAME=bench startup agent -javaagent:"$agent"
done

echo
sort -n -k2 "$work/startup" | awk '{ t[$1] = t[$1]" "$2; n[$1]++ }
  END { split(t["none"], a, " "); split(t["agent"], b, " ");
        printf "JVM start-to-exit, median of %d: %d ms without the agent, %d ms with it (+%d ms)\n", n["none"], a[int((n["none"] + 1) / 2)], b[int((n["agent"] + 1) / 2)], b[int((n["agent"] + 1) / 2)] - a[int((n["none"] + 1) / 2)] }'
echo
echo "median over rounds; us per call; ratio = with agent / without:"
awk '
  { key=$1" "$2; mean[key]=mean[key]" "$4; p99[key]=p99[key]" "$6; rate[key]=rate[key]" "$7; clients[$2]=1 }
  function median(list,   n, a, i, j, t) {
    n = split(list, a, " ");
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
    return a[int((n + 1) / 2)];
  }
  END {
    printf "%-18s %-16s %10s %7s %10s %7s %9s %7s\n", "client", "run", "mean", "ratio", "p99", "ratio", "calls/s", "ratio";
    for (c in clients) {
      mn = median(mean["none "c]); pn = median(p99["none "c]); rn = median(rate["none "c]);
      printf "%-18s %-16s %10.1f %7s %10.1f %7s %9.0f %7s\n", c, "none", mn, "", pn, "", rn, "";
      split("agent-sink agent-policy agent-collector", runs, " ");
      for (r = 1; r <= 3; r++) {
        k = runs[r]" "c; m = median(mean[k]); p = median(p99[k]); q = median(rate[k]);
        printf "%-18s %-16s %10.1f %7.2f %10.1f %7.2f %9.0f %7.2f\n", c, runs[r], m, m / mn, p, p / pn, q, q / rn;
      }
    }
  }' "$work/results"
