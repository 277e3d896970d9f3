#!/usr/bin/env bash
# The heap the agent holds while its collector is down and the application calls at full rate: bench HeapUnderLoad
# (HttpURLConnection from several threads, as fast as they can, to an Upstream in its own JVM) without an agent, then
# with callsight's exporting every span to a closed port, printing the heap in use after a full GC every interval.
# The agent's share is the difference; issue 17's budget is 32 MiB over 10 minutes.
# Usage: bench/agent-heap.sh [seconds with the agent, default 600] [threads, default 4] [interval seconds, default 30]
#        [seconds without the agent, default 60: its heap does not grow]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
threads=${2:-4}
interval=${3:-30}
baseline=${4:-60}
agent=agent/target/callsight-agent.jar
classes=bench/target/classes
# shellcheck source=bench/built.sh
. bench/built.sh
require_built "$agent" "$classes"
work=$(mktemp -d)
# shellcheck source=bench/lib.sh
. bench/lib.sh
start_server upstream Upstream
upstream=$(server_url upstream upstream)
down=$(closed_port_url)
echo "heap under load: ${threads} threads, collector down ($down); $(java -version 2>&1 | head -1); $(nproc) cores"
run() { # $1 = label, $2 = seconds, rest = JVM options
  local label=$1 duration=$2; shift 2
  OTEL_EXPORTER_OTLP_ENDPOINT=$down OTEL_SERVICE_NAME=bench java "$@" -cp "$classes" \
    dev.callsight.bench.HeapUnderLoad "$upstream" "$duration" "$threads" "$interval" 2>/dev/null \
    | sed -u "s/^/$label /" | tee -a "$work/results"
}
run none "$baseline"
run callsight "$seconds" -javaagent:"$agent"
awk '
  $2 == "heap" { last[$1] = $5; at[$1] = $3 }
  $2 == "max" { max[$1] = $3; rate[$1] = $4 }
  END {
    printf "agent heap with the collector down: max +%.1f MiB, at the end (%d s) +%.1f MiB over no agent'"'"'s max %.1f MiB; calls/s none %d, callsight %d\n",
      (max["callsight"] - max["none"]) / 1048576, at["callsight"], (last["callsight"] - max["none"]) / 1048576,
      max["none"] / 1048576, rate["none"], rate["callsight"]
  }' "$work/results"
