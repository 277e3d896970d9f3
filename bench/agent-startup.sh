#!/usr/bin/env bash
# Agent startup, A/B: the time the agent reports for its own start ("agent started in N ms",
# SDK plus instrumentation) with two agent jars, alternating runs so machine load hits both
# alike, on an application that only loads an HTTP client class (bench AwaitAgent), which waits for an agent that
# starts off the main thread. Prints each run and the medians.
# Usage: bench/agent-startup.sh BASELINE_AGENT_JAR [CANDIDATE_AGENT_JAR] [rounds]
set -euo pipefail
cd "$(dirname "$0")/.."
baseline=${1:?usage: bench/agent-startup.sh BASELINE_AGENT_JAR [CANDIDATE_AGENT_JAR] [rounds]}
candidate=${2:-agent/target/callsight-agent.jar}
rounds=${3:-7}
classes=bench/target/classes
# shellcheck source=bench/built.sh
. bench/built.sh
require_built "$baseline" "$candidate" "$classes"
started() {
  OTEL_TRACES_EXPORTER=none OTEL_METRICS_EXPORTER=none java -javaagent:"$1" -cp "$classes" dev.callsight.bench.AwaitAgent 2>&1 \
    | sed -n 's/.*agent started in \([0-9]*\) ms.*/\1/p'
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
: >/tmp/startup-a.$$; : >/tmp/startup-b.$$
trap 'rm -f /tmp/startup-a.$$ /tmp/startup-b.$$' EXIT
for round in $(seq 1 "$rounds"); do
  a=$(started "$baseline"); b=$(started "$candidate")
  echo "round $round: baseline ${a} ms, candidate ${b} ms"
  echo "$a" >>/tmp/startup-a.$$; echo "$b" >>/tmp/startup-b.$$
done
echo "median: baseline $(median </tmp/startup-a.$$) ms, candidate $(median </tmp/startup-b.$$) ms (load: $(cut -d' ' -f1 /proc/loadavg))"
