#!/usr/bin/env bash
# Collector ingest, in one run: first the ceiling, the rate at which the collector's own span store writes the same
# rows straight into a new H2 file (bench IngestCeiling: no HTTP, no decoding); then the collector jar's soak command
# at offered rates of 10,000, 25,000 and 50,000 spans/s for 30 s each (how acknowledged spans/s follow the load);
# then SENDERS concurrent senders of OTLP/HTTP protobuf batches of BATCH spans, plus metric histograms every second,
# as fast as the collector acknowledges them for DURATION: sustained spans/s and metric points/s, the spans found in
# the store afterwards against those acknowledged, and the collector's heap after GC and RSS every 10 s.
# Usage: bench/ingest.sh [duration, default 10m] [senders, default 4] [batch, default 500] [rate-step seconds, default 30]
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-10m}
senders=${2:-4}
batch=${3:-500}
step=${4:-30}
jar=collector/target/callsight-collector.jar
classes=bench/target/classes
for f in "$jar" "$classes/dev/callsight/bench/IngestCeiling.class"; do
  [ -e "$f" ] || { echo "missing $f: run mvn -q -DskipTests package first" >&2; exit 1; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "ingest benchmark: $(nproc) cores, $(java -version 2>&1 | head -1), load $(cut -d' ' -f1-3 /proc/loadavg)"
java -cp "$jar:$classes" dev.callsight.bench.IngestCeiling "$work/ceiling" "$step" "$batch" 2>/dev/null
for rate in 10000 25000 50000; do
  { java -jar "$jar" soak --duration "${step}s" --rate "$rate" --senders "$senders" --batch "$batch" --progress 10s || true; } \
    | grep -E '^soak: (done|stored|verdict)' | sed "s/^soak:/offered $rate spans\/s:/"
done
echo "sustained, as fast as acknowledged, for $duration:"
java -jar "$jar" soak --duration "$duration" --rate 0 --senders "$senders" --batch "$batch" --progress 10s
