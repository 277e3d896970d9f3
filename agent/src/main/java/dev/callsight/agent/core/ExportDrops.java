package dev.callsight.agent.core;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the spans the collector did not take and the metric exports that failed, and says so at
 * most once a minute, so a collector that is down costs the application a counter and a rare
 * log line.
 */
final class ExportDrops {

    private static final long REPORT_INTERVAL_NANOS = Duration.ofMinutes(1).toNanos();

    private final AtomicLong spans = new AtomicLong();
    private final AtomicLong metricExports = new AtomicLong();
    private final AtomicLong lastReportNanos = new AtomicLong(System.nanoTime() - REPORT_INTERVAL_NANOS);

    void spansDropped(long count) {
        spans.addAndGet(count);
        report();
    }

    void metricExportFailed() {
        metricExports.incrementAndGet();
        report();
    }

    private void report() {
        long now = System.nanoTime();
        long last = lastReportNanos.get();
        if (now - last >= REPORT_INTERVAL_NANOS && lastReportNanos.compareAndSet(last, now)) {
            AgentLog.info("the collector did not take telemetry: " + spans.get() + " spans dropped and "
                    + metricExports.get() + " metric exports failed so far (metric totals catch up on the next"
                    + " export that gets through)");
        }
    }
}
