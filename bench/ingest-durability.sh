#!/usr/bin/env bash
# What "200 means on disk" costs for spans kept in H2 (--span-store jdbc): the collector jar on its default H2 URL (WRITE_DELAY=0, each commit written to
# the file before the request is answered) against the same store with H2's default write delay of 500 ms (which a
# kill -9 shows loses acknowledged spans; see e2e CollectorFaultsTest). Each run starts a collector on a new data
# directory and drives it with bench IngestLoad (OTLP JSON, THREADS senders, SPANS spans per batch) for SECONDS.
# Usage: bench/ingest-durability.sh [rounds] [seconds] [threads] [spans]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
seconds=${2:-10}
threads=${3:-4}
spans=${4:-20}
jar=collector/target/callsight-collector.jar
classes=bench/target/classes
# shellcheck source=bench/built.sh
. bench/built.sh
require_built "$jar" "$classes/dev/callsight/bench/IngestLoad.class"

work=$(mktemp -d)
collector_pid=
trap '[ -n "$collector_pid" ] && kill $collector_pid 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"' EXIT

run() { # label, extra serve flags...
  local label=$1 data="$work/data-$RANDOM"
  shift
  java -jar "$jar" serve --otlp-port 0 --http-port 0 --data-dir "$data" --span-store jdbc "${@//DATA/$data}" >"$work/collector.log" 2>&1 &
  collector_pid=$!
  for _ in $(seq 1 120); do grep -q 'collector started' "$work/collector.log" && break; sleep 0.5; done
  local otlp
  otlp=$(grep -o 'otlp=[^ ]*' "$work/collector.log" | cut -d= -f2)
  [ -n "$otlp" ] || { echo "collector did not start: $(cat "$work/collector.log")" >&2; exit 1; }
  printf '%-22s %s\n' "$label" "$(java -cp "$classes" dev.callsight.bench.IngestLoad "$otlp" "$seconds" "$threads" "$spans")"
  kill $collector_pid
  wait $collector_pid 2>/dev/null || true
  collector_pid=
}

for round in $(seq 1 "$rounds"); do
  echo "round $round"
  run "write-delay-0 (default)"
  run "write-delay-500" --jdbc-url "jdbc:h2:file:DATA/callsight;WRITE_DELAY=500;DB_CLOSE_ON_EXIT=FALSE"
done
