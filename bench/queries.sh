#!/usr/bin/env bash
# What the collector's queries cost over a month of data: bench QueryBenchmark fills a new H2 store (DAYS of minute
# rollups for ROUTES call sites, SPANS spans), times the SLO loop for SLOS SLOs in process, then starts the collector
# jar on the store (startup time, open files, heap) and times the web UI's and the Jaeger API's queries over HTTP
# (trace search by every criterion over 1 h to 30 d, a trace by ID), REPEATS times each: p50 and p99.
# Usage: bench/queries.sh [days] [routes] [slos] [spans] [repeats]    (defaults: 30 200 50 1000000 100)
set -euo pipefail
cd "$(dirname "$0")/.."
collector=collector/target/callsight-collector.jar
classes=bench/target/classes
# shellcheck source=bench/built.sh
. bench/built.sh
require_built "$collector" "$classes/dev/callsight/bench/QueryBenchmark.class"
# QUERIES_WORK=DIR keeps the store in DIR, and a later run with the same fill arguments times it again unfilled.
if [ -n "${QUERIES_WORK:-}" ]; then
  work=$QUERIES_WORK
  mkdir -p "$work"
else
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
fi
java -cp "$collector:$classes" dev.callsight.bench.QueryBenchmark "$work" "$collector" "$@"
