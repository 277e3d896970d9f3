#!/usr/bin/env bash
# Soak: a steady load of OTLP spans and duration metrics from concurrent senders into a collector started from the
# built jar, a progress line every 10 s (spans/s sent and acknowledged, the collector's heap after a full GC, its
# RSS) and a verdict on whether its memory stayed flat. Exit 0: all acknowledged and flat; 1: not all
# acknowledged; 2: memory grew. Further flags go to bench soak (dev.callsight.bench.soak.SoakCommand) (--rate, --senders, --batch, --collector-heap).
# Usage: bench/soak.sh [duration, default 1h] [soak flags...]
set -euo pipefail
cd "$(dirname "$0")/.."
jar=collector/target/callsight-collector.jar
classes=bench/target/classes
# shellcheck source=bench/built.sh
. bench/built.sh
require_built "$jar" "$classes/dev/callsight/bench/soak/SoakCommand.class"
exec java -cp "$jar:$classes" dev.callsight.bench.soak.SoakCommand --duration "${1:-1h}" "${@:2}"
