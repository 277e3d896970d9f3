#!/usr/bin/env bash
# JVM start to exit of an application that does nothing (bench Noop), with no agent, with callsight's and with the
# OpenTelemetry Java agent, each against a collector that answers (bench OtlpSink), one that is down (a closed port)
# and one that accepts connections and never answers (bench FaultyCollector hang): what an agent adds to every batch
# job, CLI and autoscaled instance, and whether a collector that is away holds up the exit. Then, with the collector
# answering, an application whose first act is two calls (bench TwoCalls, HttpURLConnection to the same local
# server): the start a call waits for when the agent installs behind it. Runs alternate, so machine load hits all
# alike. Prints each round, then medians with what each agent adds to no agent.
# Usage: bench/startup-exit.sh [rounds, default 10] [callsight agent jar, default agent/target/callsight-agent.jar]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-10}
agent=${2:-agent/target/callsight-agent.jar}
otel=bench/target/otel/opentelemetry-javaagent.jar
classes=bench/target/classes
# shellcheck source=bench/built.sh
. bench/built.sh
require_built "$agent" "$otel" "$classes"
work=$(mktemp -d)
# shellcheck source=bench/lib.sh
. bench/lib.sh
start_server sink OtlpSink
start_server hang FaultyCollector hang
healthy=$(server_url sink otlp)
hanging=$(server_url hang otlp)
down=$(closed_port_url)

# Milliseconds from starting the JVM to its exit; $1 = collector endpoint, $2 = main class and its argument.
run() {
  local endpoint=$1 main=$2; shift 2
  local start end
  start=$(date +%s%N)
  # shellcheck disable=SC2086 # main is the class and its arguments
  OTEL_EXPORTER_OTLP_ENDPOINT=$endpoint java "$@" -cp "$classes" $main >/dev/null 2>&1
  end=$(date +%s%N)
  echo $(( (end - start) / 1000000 ))
}
noop=dev.callsight.bench.Noop
calls="dev.callsight.bench.TwoCalls $healthy/"

echo "startup to exit: $rounds rounds; $(java -version 2>&1 | head -1); $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
columns="none callsight-healthy callsight-down callsight-hanging otel-healthy otel-down otel-hanging"
columns="$columns two-calls-none two-calls-callsight two-calls-otel"
for round in $(seq 1 "$rounds"); do
  line=$(run "$healthy" $noop)
  for endpoint in "$healthy" "$down" "$hanging"; do line="$line $(run "$endpoint" $noop -javaagent:"$agent")"; done
  for endpoint in "$healthy" "$down" "$hanging"; do line="$line $(run "$endpoint" $noop -javaagent:"$otel")"; done
  line="$line $(run "$healthy" "$calls") $(run "$healthy" "$calls" -javaagent:"$agent")"
  line="$line $(run "$healthy" "$calls" -javaagent:"$otel")"
  echo "round $round/$rounds (ms): $line"
  echo "$line" >>"$work/runs"
done
awk -v columns="$columns" '
  function median(col,   n, a, i, j, t) {
    for (i = 1; i <= NR; i++) a[i] = v[i, col]
    for (i = 1; i <= NR; i++) for (j = i + 1; j <= NR; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
    return a[int((NR + 1) / 2)]
  }
  { for (c = 1; c <= NF; c++) v[NR, c] = $c }
  END {
    split(columns, name, " "); none = median(1)
    printf "median of %d: none %d ms", NR, none
    for (c = 2; c <= 7; c++) { m = median(c); printf ", %s %d ms (+%d)", name[c], m, m - none }
    printf "\n"
    none = median(8)
    printf "median of %d, two calls first thing: none %d ms", NR, none
    for (c = 9; c <= 10; c++) { m = median(c); printf ", %s %d ms (+%d)", name[c], m, m - none }
    printf "\n"
  }' "$work/runs"
