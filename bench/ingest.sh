#!/usr/bin/env bash
# Collector ingest, in one run, for each span store: first the ceilings, the rates at which each store takes the same
# spans with no HTTP and no decoding (bench IngestCeiling: the span log from 4 writer threads, acknowledged and then
# searchable; the JDBC table into a new H2 file from one thread; both with the collector's heap, -Xmx512m); then, for
# --span-store log and then jdbc, SENDERS concurrent senders of OTLP/HTTP protobuf batches of BATCH spans (as the
# OpenTelemetry SDK's batch processor sends them), plus metric histograms every second, into the collector jar as fast
# as it acknowledges them for DURATION
# (bench soak at --rate 0): sustained spans/s and metric points/s, the spans found in the store afterwards against
# those acknowledged, and the collector's heap after GC and RSS every 10 s. bench/growth.sh runs the load at set rates.
# Usage: bench/ingest.sh [duration, default 10m] [senders, default 4] [batch, default 500] [ceiling seconds, default 30]
#        [span stores, default log,jdbc]
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-10m}
senders=${2:-4}
batch=${3:-500}
ceiling=${4:-30}
stores=${5:-log,jdbc}
jar=collector/target/callsight-collector.jar
classes=bench/target/classes
# shellcheck source=bench/built.sh
. bench/built.sh
require_built "$jar" "$classes/dev/callsight/bench/IngestCeiling.class"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "ingest benchmark: $(nproc) cores, $(java -version 2>&1 | head -1), load $(cut -d' ' -f1-3 /proc/loadavg)"
java -Xmx512m -cp "$jar:$classes" dev.callsight.bench.IngestCeiling "$work/ceiling" "$ceiling" "$batch" 2>/dev/null
status=0
for store in ${stores//,/ }; do
  echo "sustained into --span-store $store, as fast as acknowledged, $senders senders, batches of $batch, for $duration:"
  java -cp "$jar:$classes" dev.callsight.bench.soak.SoakCommand --duration "$duration" --rate 0 --senders "$senders" \
    --batch "$batch" --progress 10s --span-store "$store" || status=$?
done
exit $status
