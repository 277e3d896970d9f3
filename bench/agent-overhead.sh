#!/usr/bin/env bash
# Agent overhead, side by side in one session, against the agent users would otherwise pick. The same call loop
# (bench CallLoop: JDK HttpClient, HttpURLConnection, Apache HttpClient 5, OkHttp over keep-alive to an Upstream in
# its own JVM) runs without an agent, with callsight's, with callsight's under a policy with every feature on
# (timeouts, retries, circuit breaker, concurrency limit: what the policy engine costs calls that need none of them),
# without an agent but with each client setting the policy's timeouts itself (what those timeouts cost any client),
# and with the OpenTelemetry Java agent; both agents export to the same local OTLP endpoint, a sink that discards,
# so only the agents' own cost is on the application's cores. Runs alternate, so drift hits all alike. Then JVM
# startup with each agent. Prints every run, then medians over rounds with ratios to no agent and to OpenTelemetry.
# Usage: bench/agent-overhead.sh [rounds] [calls] [saturation-seconds] [threads, a comma list: 1,2,4,8]
#        [startup-runs, default 10]
#        [warm-up calls per client, default 5000] [trace sampling ratio, default 1: every span exported]
#        A ratio below 1 runs both agents with OTEL_TRACES_SAMPLER=parentbased_traceidratio at that ratio (metrics stay
#        exact): the configuration a service at tens of thousands of calls a second would run.
#        [clients, a comma list, default all: jdk-httpclient,httpurlconnection,apache-httpclient5,okhttp]
#        Steady state: the jit_ms table is the JIT's compile time during each measured loop; near zero, the loop ran
#        compiled code. Raise the warm-up until it is.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
calls=${2:-20000}
seconds=${3:-5}
threads=${4:-1,2,4,8}
startups=${5:-10}
warmup=${6:-5000}
ratio=${7:-1}
clients=${8:-jdk-httpclient,httpurlconnection,apache-httpclient5,okhttp}
agent=agent/target/callsight-agent.jar
otel=bench/target/otel/opentelemetry-javaagent.jar
classes=bench/target/classes
# shellcheck source=bench/built.sh
. bench/built.sh
require_built "$agent" "$otel" "$classes" bench/target/lib
classpath=$(bench_classpath)

work=$(mktemp -d)
# shellcheck source=bench/lib.sh
. bench/lib.sh
start_server sink OtlpSink
start_server upstream Upstream
sink=$(server_url sink otlp)
upstream=$(server_url upstream upstream)
export OTEL_EXPORTER_OTLP_ENDPOINT=$sink OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf OTEL_SERVICE_NAME=bench \
  OTEL_LOGS_EXPORTER=none
if [ "$ratio" != 1 ]; then
  export OTEL_TRACES_SAMPLER=parentbased_traceidratio OTEL_TRACES_SAMPLER_ARG=$ratio
fi
echo "upstream $upstream, OTLP sink $sink; $rounds rounds of $calls calls per client, then ${seconds}s on each of $threads" \
  "threads; traces sampled at $ratio; $(java -version 2>&1 | head -1); $(nproc) cores; OpenTelemetry agent $(unzip -p "$otel" META-INF/MANIFEST.MF | grep -i '^Implementation-Version' | tr -d '\r' | cut -d' ' -f2)"

run() { # $1 = label, rest = JVM options
  local label=$1; shift
  java "$@" -cp "$classpath" dev.callsight.bench.CallLoop "$upstream" "$warmup" "$calls" "$threads" "$seconds" "$clients" \
    2>/dev/null \
    | sed "s/^/$label /" | tee -a "$work/results"
}
startup() { # $1 = label, rest = JVM options; records the JVM's start-to-exit time in ms
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
  run none-timeouts -Dcallloop.timeouts=true
  run callsight -javaagent:"$agent"
  run callsight-policy -javaagent:"$agent"=config=bench/policy-every-feature.yaml
  run otel -javaagent:"$otel"
done
for _ in $(seq 1 "$startups"); do
  startup none
  startup callsight -javaagent:"$agent"
  startup otel -javaagent:"$otel"
done

echo
echo "medians over rounds; ratio = run / no agent; vs otel = run / OpenTelemetry agent"
awk -v startup_runs="$startups" '
  function median(list,   n, a, i, j, t) {
    n = split(list, a, " ");
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
    return a[int((n + 1) / 2)];
  }
  FILENAME ~ /startup/ { start[$1] = start[$1] " " $2; next }
  $2 == "heap" { heap[$1] = heap[$1] " " $3; next }
  $2 == "scaling" { k = $3 " " $4; sat[$1, k] = sat[$1, k] " " $5; if (!(k in seenk)) { seenk[k] = 1; korder[++nk] = k }; next }
  { k = $1 " " $2; v[k, 1] = v[k, 1] " " $4; v[k, 2] = v[k, 2] " " $6; v[k, 3] = v[k, 3] " " $7;
    v[k, 4] = v[k, 4] " " $8; v[k, 5] = v[k, 5] " " $9; v[k, 6] = v[k, 6] " " $10; v[k, 7] = v[k, 7] " " $11; if (!($2 in seen)) { seen[$2] = 1; order[++n] = $2 } }
  END {
    split("mean_us p99_us cpu_us/call bytes/call calls/s@sat caller_cpu_us jit_ms", names, " ");
    split("none none-timeouts callsight callsight-policy otel", runs, " ");
    for (m = 1; m <= 7; m++) {
      printf "\n%-19s %-17s %12s %8s %8s\n", names[m], "run", "value", "ratio", "vs otel";
      for (c = 1; c <= n; c++) {
        base = median(v["none " order[c], m]); o = median(v["otel " order[c], m]);
        for (r = 1; r <= 5; r++) {
          x = median(v[runs[r] " " order[c], m]);
          printf "%-19s %-17s %12.1f %8.2f %8.2f\n", order[c], runs[r], x, (base > 0 ? x / base : 0), (o > 0 ? x / o : 0);
        }
      }
    }
    printf "\nadded per call (run - no agent), medians; callsight / otel = what callsight adds over what OTel adds;\n";
    printf "policy - app = the policy run less the run whose application sets the same timeouts itself, no agent\n";
    printf "%-19s %-15s %9s %9s %9s %9s %13s\n", "client", "measure", "callsight", "policy", "otel", "cs/otel", "policy - app";
    split("3 4 6", added, " "); split("cpu_us bytes caller_cpu_us", addedName, " ");
    for (c = 1; c <= n; c++) for (a = 1; a <= 3; a++) {
      m = added[a]; base = median(v["none " order[c], m]);
      cs = median(v["callsight " order[c], m]) - base; cp = median(v["callsight-policy " order[c], m]) - base;
      co = median(v["otel " order[c], m]) - base; ct = median(v["callsight-policy " order[c], m]) - median(v["none-timeouts " order[c], m]);
      printf "%-19s %-15s %9.1f %9.1f %9.1f %9.2f %13.1f\n", order[c], addedName[a], cs, cp, co, (co != 0 ? cs / co : 0), ct;
    }
    if (nk > 0) {
      printf "\ncalls/s at saturation by threads (median); ratio = run / no agent at the same thread count\n";
      printf "policy ÷ app = the policy run against the run whose application sets the same timeouts itself\n";
      printf "%-19s %7s %10s %10s %6s %10s %6s %10s %6s %12s %8s\n", "client", "threads", "none", "callsight", "ratio", "policy", "ratio", "otel", "ratio", "app timeouts", "pol÷app";
      for (c = 1; c <= nk; c++) {
        split(korder[c], kk, " "); b = median(sat["none", korder[c]]); cs = median(sat["callsight", korder[c]]);
        cp = median(sat["callsight-policy", korder[c]]); co = median(sat["otel", korder[c]]); ca = median(sat["none-timeouts", korder[c]]);
        printf "%-19s %7d %10.0f %10.0f %6.2f %10.0f %6.2f %10.0f %6.2f %12.0f %8.2f\n", kk[1], kk[2], b, cs, (b > 0 ? cs / b : 0), cp, (b > 0 ? cp / b : 0), co, (b > 0 ? co / b : 0), ca, (ca > 0 ? cp / ca : 0);
      }
    }
    s0 = median(start["none"]); sc = median(start["callsight"]); so = median(start["otel"]);
    printf "\nJVM start to exit (median of %d): none %d ms, callsight %d ms (+%d, ratio %.2f), otel %d ms (+%d, ratio %.2f); callsight added / otel added %.2f\n",
      startup_runs, s0, sc, sc - s0, sc / s0, so, so - s0, so / s0, (sc - s0) / (so - s0);
    h0 = median(heap["none"]); hc = median(heap["callsight"]); hp = median(heap["callsight-policy"]); ho = median(heap["otel"]);
    printf "heap in use after GC at the end (median): none %.1f MiB, callsight +%.1f MiB (ratio %.2f), callsight-policy +%.1f MiB, otel +%.1f MiB (ratio %.2f); callsight added / otel added %.2f\n",
      h0 / 1048576, (hc - h0) / 1048576, hc / h0, (hp - h0) / 1048576, (ho - h0) / 1048576, ho / h0, (hc - h0) / (ho - h0);
  }' "$work/results" "$work/startup"
