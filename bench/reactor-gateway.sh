#!/usr/bin/env bash
# What the agent costs a gateway on Reactor Netty (e2e's ReactorGatewayApp: HttpServer routing every request through
# HttpClient, copying the inbound headers): the gateway runs without an agent and with callsight's, alternating
# within each round, in front of bench's Upstream, exporting to bench's OtlpSink (which discards); bench's CallLoop,
# in a JVM without an agent, calls through it with each of its clients. Each request through the gateway is one
# SERVER span, one CLIENT span and a traceparent written on the way out.
# Usage: bench/reactor-gateway.sh [rounds, default 3] [calls, default 5000] [saturation-seconds, default 3]
#        [threads, default 4]   (after mvn -q -DskipTests package and the e2e build, which copies Reactor Netty)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
calls=${2:-5000}
seconds=${3:-3}
threads=${4:-4}
agent=agent/target/callsight-agent.jar
classes=bench/target/classes
reactor=$(ls -d e2e/target/client-libraries/reactor-netty-* 2>/dev/null | head -1)
# shellcheck source=bench/built.sh
. bench/built.sh
require_built "$agent" "$classes" bench/target/lib e2e/target/test-classes "${reactor:-e2e/target/client-libraries/reactor-netty-*}"
classpath=$(bench_classpath)
gateway_classpath="e2e/target/test-classes:$(ls "$reactor"/*.jar | tr '\n' ':')"

work=$(mktemp -d)
# shellcheck source=bench/lib.sh
. bench/lib.sh
start_server sink OtlpSink
start_server upstream Upstream
sink=$(server_url sink otlp)
upstream=$(server_url upstream upstream)
echo "upstream $upstream, OTLP sink $sink, $(basename "$reactor"); $rounds rounds of $calls calls per client, then" \
  "${seconds}s on $threads threads; $(java -version 2>&1 | head -1); $(nproc) cores"

run() { # $1 = label, rest = the gateway's JVM options
  local label=$1; shift
  rm -f "$work/in" "$work/gateway.log"
  mkfifo "$work/in"
  OTEL_EXPORTER_OTLP_ENDPOINT=$sink OTEL_SERVICE_NAME=gateway java "$@" -cp "$gateway_classpath" \
    dev.callsight.e2e.app.server.ReactorGatewayApp "${upstream%/}" <"$work/in" >"$work/gateway.log" 2>&1 &
  local gateway_pid=$!
  exec 3>"$work/in"
  local port=""
  for _ in $(seq 1 120); do
    port=$(grep -o '^listening|[0-9]*' "$work/gateway.log" | cut -d'|' -f2 || true)
    [ -n "$port" ] && break
    sleep 0.5
  done
  [ -n "$port" ] || { echo "the gateway did not start:" >&2; cat "$work/gateway.log" >&2; exit 1; }
  java -cp "$classpath" dev.callsight.bench.CallLoop "http://127.0.0.1:$port" 2000 "$calls" "$threads" \
    "$seconds" 2>/dev/null | sed "s/^/$label /" | tee -a "$work/results"
  exec 3>&-
  wait "$gateway_pid" || true
}
for round in $(seq 1 "$rounds"); do
  echo "round $round/$rounds"
  run none
  run callsight -javaagent:"$agent"
done

echo
echo "medians over rounds: mean µs, p99 µs and calls/s at saturation through the gateway; ratio = callsight / none"
awk '
  function median(list,   n, a, i, j, t) {
    n = split(list, a, " ");
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
    return a[int((n + 1) / 2)];
  }
  $2 == "heap" || $2 == "scaling" { next }
  { k = $1 " " $2; mean[k] = mean[k] " " $4; p99[k] = p99[k] " " $6; sat[k] = sat[k] " " $9;
    if (!($2 in seen)) { seen[$2] = 1; order[++n] = $2 } }
  END {
    printf "%-19s %16s %16s %18s\n", "client", "mean none/cs", "p99 none/cs", "calls/s none/cs";
    for (c = 1; c <= n; c++) {
      a = "none " order[c]; b = "callsight " order[c];
      printf "%-19s %7.0f/%-7.0f  %7.0f/%-7.0f  %8.0f/%-8.0f  ratio mean %.2f\n", order[c],
        median(mean[a]), median(mean[b]), median(p99[a]), median(p99[b]), median(sat[a]), median(sat[b]),
        median(mean[b]) / median(mean[a]);
    }
  }' "$work/results"
