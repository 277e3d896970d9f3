#!/usr/bin/env bash
# Where callsight's CPU goes per call: bench CallLoop with one client and callsight's agent, exporting to a local sink
# (bench OtlpSink, which discards), under JFR's execution sampler (every 5 ms); bench AgentProfile then sorts the
# samples that ran agent code, or on the agent's threads, into the steps of a call: span creation, attributes, span
# end, the histogram, header injection, context extraction, the policy engine, span and metric export, the agent's
# start (amortised over the run), and the rest of the glue. Shares, not times: read them beside agent-overhead.sh.
# Usage: bench/agent-profile.sh [client=httpurlconnection] [calls=150000] [trace sampling ratio=1] [warm-up=150000]
#        [policy: none or all, default none]
set -euo pipefail
cd "$(dirname "$0")/.."
client=${1:-httpurlconnection}
calls=${2:-150000}
ratio=${3:-1}
warmup=${4:-150000}
policy=${5:-none}
agent=agent/target/callsight-agent.jar
classes=bench/target/classes
# shellcheck source=bench/built.sh
. bench/built.sh
require_built "$agent" "$classes" bench/target/lib
classpath=$(bench_classpath)
work=$(mktemp -d)
# shellcheck source=bench/lib.sh
. bench/lib.sh
start_server sink OtlpSink
start_server upstream Upstream
sink=$(server_url sink otlp)
upstream=$(server_url upstream upstream)
agent_arg=$(agent_option "$agent" "$policy")
cat >"$work/samples.jfc" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<configuration version="2.0">
  <event name="jdk.ExecutionSample"><setting name="enabled">true</setting><setting name="period">5 ms</setting></event>
</configuration>
XML
echo "profile of $client: $warmup warm-up and $calls measured calls, traces sampled at $ratio, policy $policy;" \
  "$(java -version 2>&1 | head -1); $(nproc) cores"
OTEL_EXPORTER_OTLP_ENDPOINT=$sink OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf OTEL_SERVICE_NAME=bench \
  OTEL_LOGS_EXPORTER=none OTEL_TRACES_SAMPLER=parentbased_traceidratio OTEL_TRACES_SAMPLER_ARG=$ratio \
  java "$agent_arg" -Xlog:jfr+startup=error -XX:StartFlightRecording=filename="$work/calls.jfr",settings="$work/samples.jfc" \
  -cp "$classpath" dev.callsight.bench.CallLoop "$upstream" "$warmup" "$calls" 1 0 "$client" 2>/dev/null \
  | grep -v '^scaling' >"$work/loop"
echo "call loop (client calls mean_us p50_us p99_us cpu_us bytes - caller_cpu_us jit_ms): $(grep "^$client " "$work/loop")"
echo "step                     % samples"
java -cp "$classes" dev.callsight.bench.AgentProfile "$work/calls.jfr"
