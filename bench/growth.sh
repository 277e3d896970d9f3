#!/usr/bin/env bash
# How cost grows: ingest acknowledged against offered spans/s (bench soak against the collector jar at each RATE for SECONDS, beside
# the store's ceiling from bench IngestCeiling), and query p50/p99 against routes and SLO count (bench/queries.sh on
# DAYS of data for each ROUTES count; the SLO counts are timed on the run with 200 routes, or the largest). Writes the
# result lines to bench/target/growth.txt, a table to stdout and the chart to CHART.
# Usage: bench/growth.sh [days, default 7] [routes, default 50,100,200,400] [slos, default 10,50,100]
#        [rates, default 5000,10000,25000,50000,100000] [seconds per rate, default 30] [spans, default 200000]
#        [chart, default docs/benchmarks-growth.png]
set -euo pipefail
cd "$(dirname "$0")/.."
days=${1:-7}
routes=${2:-50,100,200,400}
slos=${3:-10,50,100}
rates=${4:-5000,10000,25000,50000,100000}
seconds=${5:-30}
spans=${6:-200000}
chart=${7:-docs/benchmarks-growth.png}
jar=collector/target/callsight-collector.jar
classes=bench/target/classes
# shellcheck source=bench/built.sh
. bench/built.sh
require_built "$classes/dev/callsight/bench/GrowthChart.class"
classpath=$(bench_classpath)
results=bench/target/growth.txt
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
: >"$results"
echo "growth: $(nproc) cores, $(java -version 2>&1 | head -1), load $(cut -d' ' -f1-3 /proc/loadavg)"
java -cp "$jar:$classes" dev.callsight.bench.IngestCeiling "$work/ceiling" "$seconds" 500 2>/dev/null \
  | sed -n 's/^span log ceiling: .*, \([0-9]*\) spans\/s acknowledged.*/ingest ceiling=\1/p' | tee -a "$results"
for rate in ${rates//,/ }; do
  acknowledged=$({ java -cp "$jar:$classes" dev.callsight.bench.soak.SoakCommand --duration "${seconds}s" --rate "$rate" --senders 4 --batch 500 --progress 10s || true; } \
    | sed -n 's/^soak: done after .* spans sent, [0-9]* acknowledged (\([0-9]*\)\/s).*/\1/p')
  echo "ingest offered=$rate acknowledged=${acknowledged:-0}" | tee -a "$results"
done
largest=${routes##*,}
for r in ${routes//,/ }; do
  if [ "$r" = 200 ] || { [[ ",$routes," != *",200,"* ]] && [ "$r" = "$largest" ]; }; then counts=$slos; else counts=50; fi
  echo "queries: $days days, $r routes, SLOs $counts"
  bench/queries.sh "$days" "$r" "$counts" "$spans" 50 2>/dev/null | grep '^result ' | tee -a "$results"
done
echo
echo "| query | routes | SLOs | p50 ms | p99 ms |"
echo "| --- | ---: | ---: | ---: | ---: |"
sed -n 's/^result query=\([^ ]*\) days=[0-9]* routes=\([0-9]*\) slos=\([0-9]*\) spans=[0-9]* p50_ms=\([0-9.]*\) p99_ms=\([0-9.]*\)/| \1 | \2 | \3 | \4 | \5 |/p' "$results"
java -cp "$classpath" dev.callsight.bench.GrowthChart "$results" "$chart"
