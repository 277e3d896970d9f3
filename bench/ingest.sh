#!/usr/bin/env bash
# Collector ingest, in one run: first the ceiling, the rate at which the collector's own span store writes the same
# rows straight into a new H2 file (bench IngestCeiling: no HTTP, no decoding, one thread); then SENDERS concurrent
# senders of OTLP/HTTP protobuf batches of BATCH spans, plus metric histograms every second, into the collector jar
# as fast as it acknowledges them for DURATION (bench soak at --rate 0): sustained spans/s and metric points/s,
# the spans found in the store afterwards against those acknowledged, and the collector's heap after GC and RSS
# every 10 s. bench/growth.sh runs the same load at set rates.
# Usage: bench/ingest.sh [duration, default 10m] [senders, default 4] [batch, default 500] [ceiling seconds, default 30]
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-10m}
senders=${2:-4}
batch=${3:-500}
ceiling=${4:-30}
jar=collector/target/callsight-collector.jar
classes=bench/target/classes
for f in "$jar" "$classes/dev/callsight/bench/IngestCeiling.class"; do
  [ -e "$f" ] || { echo "missing $f: run mvn -q -DskipTests package first" >&2; exit 1; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "ingest benchmark: $(nproc) cores, $(java -version 2>&1 | head -1), load $(cut -d' ' -f1-3 /proc/loadavg)"
java -cp "$jar:$classes" dev.callsight.bench.IngestCeiling "$work/ceiling" "$ceiling" "$batch" 2>/dev/null
echo "sustained, as fast as acknowledged, $senders senders, batches of $batch, for $duration:"
java -cp "$jar:$classes" dev.callsight.bench.soak.SoakCommand --duration "$duration" --rate 0 --senders "$senders" --batch "$batch" --progress 10s
