#!/usr/bin/env bash
# Startup of a real service: the Spring Boot 3 executable jar the class-loader tests deploy (e2e/apps/boot3:
# embedded Tomcat, Spring MVC, Apache HttpClient 4 and 5, OkHttp, all in nested jars) with no agent, with
# callsight and with the OpenTelemetry Java agent, alternating rounds so machine load hits all three alike.
# The figure is Spring Boot's own "process running for": JVM start to application ready. Exporters are off
# for both agents, so only what each does at startup is measured.
# Usage: bench/boot-startup.sh [rounds] [callsight agent jar, default agent/target/callsight-agent.jar]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-7}
app=e2e/apps/boot3/target/callsight-e2e-boot3.jar
agent=${2:-agent/target/callsight-agent.jar}
otel=bench/target/otel/opentelemetry-javaagent.jar
# shellcheck source=bench/built.sh
. bench/built.sh
require_built "$app" "$agent" "$otel"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Prints the seconds from JVM start to "Started …"; the application is stopped right after.
ready() {
  local log="$work/app.log" pid seconds
  OTEL_TRACES_EXPORTER=none OTEL_METRICS_EXPORTER=none OTEL_LOGS_EXPORTER=none \
    java "$@" -jar "$app" --server.port=0 --server.address=127.0.0.1 >"$log" 2>&1 &
  pid=$!
  for _ in $(seq 1 1200); do
    grep -q 'process running for' "$log" && break
    kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; exit 1; }
    sleep 0.05
  done
  kill "$pid"; wait "$pid" 2>/dev/null || true
  seconds=$(sed -n 's/.*process running for \([0-9.]*\)).*/\1/p' "$log")
  [ -n "$seconds" ] || { echo "the application did not start within 60 s" >&2; cat "$log" >&2; exit 1; }
  echo "$seconds"
}
for round in $(seq 1 "$rounds"); do
  none=$(ready); callsight=$(ready -javaagent:"$agent"); otel_s=$(ready -javaagent:"$otel")
  echo "round $round/$rounds: none ${none} s, callsight ${callsight} s, otel ${otel_s} s"
  echo "$none $callsight $otel_s" >>"$work/runs"
done
awk -v load="$(cut -d' ' -f1 /proc/loadavg)" -v java="$(java -version 2>&1 | head -1)" '
  function median(col,   n, a, i, j, t) {
    n = 0; for (i = 1; i <= NR; i++) a[++n] = v[i, col]
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
    return a[int((n + 1) / 2)]
  }
  { v[NR, 1] = $1; v[NR, 2] = $2; v[NR, 3] = $3 }
  END {
    n = median(1); c = median(2); o = median(3)
    printf "median over %d rounds: none %.3f s, callsight %.3f s (+%d ms), otel %.3f s (+%d ms); callsight added / otel added %.2f (%s; load %s)\n",
      NR, n, c, (c - n) * 1000, o, (o - n) * 1000, (o > n ? (c - n) / (o - n) : 0), java, load
  }' "$work/runs"
