package dev.callsight.agent.core;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the spans and metric points the collector did not take, and says so at most once a
 * minute, so a collector that is down costs the application a counter and a rare log line.
 */
public final class ExportDrops {

    private static final long REPORT_INTERVAL_NANOS = Duration.ofMinutes(1).toNanos();

    private final AtomicLong spans = new AtomicLong();
    private final AtomicLong metricPoints = new AtomicLong();
    private final AtomicLong lastReportNanos = new AtomicLong(System.nanoTime() - REPORT_INTERVAL_NANOS);

    void spansDropped(long count) {
        spans.addAndGet(count);
        report();
    }

    void metricPointsDropped(long count) {
        metricPoints.addAndGet(count);
        report();
    }

    public long spans() {
        return spans.get();
    }

    public long metricPoints() {
        return metricPoints.get();
    }

    private void report() {
        long now = System.nanoTime();
        long last = lastReportNanos.get();
        if (now - last >= REPORT_INTERVAL_NANOS && lastReportNanos.compareAndSet(last, now)) {
            AgentLog.info("collector did not accept telemetry; dropped so far: " + spans.get() + " spans, "
                    + metricPoints.get() + " metric points");
        }
    }
}
