#!/usr/bin/env bash
# What callsight allocates per call, counted rather than sampled: bench CallLoop runs one client with callsight's agent
# against a local upstream, exporting to a local sink (bench OtlpSink, which discards); once the warm-up has run,
# async-profiler (tools.profiler:async-profiler from Maven Central, bench/target/profiler) is attached and records
# every allocation (alloc=1: the JVM's allocation sampling at a one-byte interval) for a while; bench AllocProfile then
# divides by the calls made meanwhile (one LogicalCall each) and sorts the bytes by the agent frame nearest to each
# allocation. Allocations the JIT's escape analysis removes are never made, so they are not counted either.
# Usage: bench/agent-alloc.sh [client=httpurlconnection: or jdk-httpclient, apache-httpclient5, okhttp] [trace sampling ratio=1] [policy: none or all]
#        [warm-up seconds=40] [recorded seconds=10]
set -euo pipefail
cd "$(dirname "$0")/.."
client=${1:-httpurlconnection}
ratio=${2:-1}
policy=${3:-none}
warmup=${4:-40}
seconds=${5:-10}
agent=agent/target/callsight-agent.jar
classes=bench/target/classes
profiler=bench/target/profiler/async-profiler.jar
# shellcheck source=bench/built.sh
. bench/built.sh
require_built "$agent" "$classes" bench/target/lib "$profiler"
classpath=$(bench_classpath)
work=$(mktemp -d)
# shellcheck source=bench/lib.sh
. bench/lib.sh
case "$(uname -m)" in
  x86_64) platform=linux-x64 ;;
  aarch64) platform=linux-arm64 ;;
  *) echo "async-profiler has no library for $(uname -m)" >&2; exit 1 ;;
esac
unzip -p "$profiler" "$platform/libasyncProfiler.so" >"$work/libasyncProfiler.so"
start_server sink OtlpSink
start_server upstream Upstream
sink=$(server_url sink otlp)
upstream=$(server_url upstream upstream)
agent_arg=$(agent_option "$agent" "$policy")
echo "allocation of $client per call: ${warmup}s warm-up, then ${seconds}s counted; traces sampled at $ratio," \
  "policy $policy; $(java -version 2>&1 | head -1)"
# The loop's warm-up outlasts the script: it is stopped once the counts are in.
OTEL_EXPORTER_OTLP_ENDPOINT=$sink OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf OTEL_SERVICE_NAME=bench \
  OTEL_LOGS_EXPORTER=none OTEL_TRACES_SAMPLER=parentbased_traceidratio OTEL_TRACES_SAMPLER_ARG=$ratio \
  java "$agent_arg" -cp "$classpath" dev.callsight.bench.CallLoop "$upstream" 2000000000 1 1 0 "$client" \
  >"$work/loop.log" 2>&1 &
loop=$!
bench_pids+=("$loop")
profile() { # the profiler's command, as jcmd hands an agent its options: quoted, since they hold '='
  jcmd "$loop" JVMTI.agent_load "$work/libasyncProfiler.so" "\"$1\"" >>"$work/jcmd.log"
}
sleep "$warmup"
if ! kill -0 "$loop" 2>/dev/null; then
  echo "the call loop ended before it was profiled:" >&2
  cat "$work/loop.log" >&2
  exit 1
fi
profile "start,event=alloc,alloc=1"
sleep "$seconds"
profile "stop"
profile "dump,collapsed,file=$work/counts.txt"
profile "dump,collapsed,total,file=$work/bytes.txt"
java -cp "$classes" dev.callsight.bench.AllocProfile "$work/counts.txt" "$work/bytes.txt"
