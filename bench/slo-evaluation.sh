#!/usr/bin/env bash
# What an SLO evaluation costs: 100 SLOs over 30 days of minute rollups (50 routes x 2 statuses a minute) in a
# fresh H2 file, timed as the collector's SLO loop runs: first fold into hour rollups, first evaluation, then
# steady evaluations a minute apart.
# Usage: bench/slo-evaluation.sh [slos] [days] [routes] [steady-runs]
set -euo pipefail
cd "$(dirname "$0")/.."
collector=collector/target/callsight-collector.jar
classes=bench/target/classes
for f in "$collector" "$classes"; do
  [ -e "$f" ] || { echo "missing $f: run mvn -q -DskipTests package first" >&2; exit 1; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
java -cp "$collector:$classes" dev.callsight.bench.SloEvaluation "$work/data" "$@"
