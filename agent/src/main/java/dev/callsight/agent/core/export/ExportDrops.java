package dev.callsight.agent.core.export;

import dev.callsight.agent.core.AgentLog;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.Meter;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the telemetry the collector did not take: spans refused because the export queue was full,
 * spans and metric points whose export failed. It says so on stderr at most once per report interval
 * (a minute unless {@code -Dcallsight.exporter.drop.log.interval.ms} says otherwise), so a collector
 * that is down costs the application a counter and a rare log line, and exports the totals as
 * {@code callsight.agent.exporter.dropped{signal,reason}}, which reach the collector once it is back.
 */
final class ExportDrops {

    static final String INTERVAL_PROPERTY = "callsight.exporter.drop.log.interval.ms";
    static final AttributeKey<String> SIGNAL = AttributeKey.stringKey("signal");
    static final AttributeKey<String> REASON = AttributeKey.stringKey("reason");

    private static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(1);
    private static final Attributes SPANS_QUEUE_FULL = Attributes.of(SIGNAL, "spans", REASON, "queue_full");
    private static final Attributes SPANS_EXPORT_FAILED = Attributes.of(SIGNAL, "spans", REASON, "export_failed");
    private static final Attributes POINTS_EXPORT_FAILED = Attributes.of(SIGNAL, "metric_points", REASON, "export_failed");

    private final long reportIntervalNanos;
    private final AtomicLong spansQueueFull = new AtomicLong();
    private final AtomicLong spansExportFailed = new AtomicLong();
    private final AtomicLong metricPointsExportFailed = new AtomicLong();
    private final AtomicLong lastReportNanos;
    private volatile String lastFailure = "none";

    ExportDrops() {
        this(configuredInterval());
    }

    ExportDrops(Duration reportInterval) {
        this.reportIntervalNanos = reportInterval.toNanos();
        this.lastReportNanos = new AtomicLong(System.nanoTime() - reportIntervalNanos);
    }

    /** Exports the running totals with every metric collection, zeros included, so a dashboard sees the series. */
    void register(Meter meter) {
        meter.counterBuilder("callsight.agent.exporter.dropped").setUnit("{item}")
                .setDescription("Spans and metric points the agent dropped: export queue full or export failed.")
                .buildWithCallback(measurement -> {
                    measurement.record(spansQueueFull.get(), SPANS_QUEUE_FULL);
                    measurement.record(spansExportFailed.get(), SPANS_EXPORT_FAILED);
                    measurement.record(metricPointsExportFailed.get(), POINTS_EXPORT_FAILED);
                });
    }

    void spansRefusedQueueFull(long count) {
        spansQueueFull.addAndGet(count);
        report();
    }

    void spansExportFailed(long count, Throwable failure) {
        spansExportFailed.addAndGet(count);
        noteFailure(failure);
        report();
    }

    void metricPointsExportFailed(long count, Throwable failure) {
        metricPointsExportFailed.addAndGet(count);
        noteFailure(failure);
        report();
    }

    private void noteFailure(Throwable failure) {
        lastFailure = ExportFailure.describe(failure);
    }

    private void report() {
        long now = System.nanoTime();
        long last = lastReportNanos.get();
        if (now - last >= reportIntervalNanos && lastReportNanos.compareAndSet(last, now)) {
            AgentLog.info("the collector did not take telemetry: " + spansExportFailed.get()
                    + " spans dropped by failed exports, " + spansQueueFull.get() + " refused with the export queue full, "
                    + metricPointsExportFailed.get() + " metric points in failed exports so far (metric totals catch up"
                    + " on the next export that gets through); last failure: " + lastFailure);
        }
    }

    private static Duration configuredInterval() {
        String value = System.getProperty(INTERVAL_PROPERTY);
        if (value == null) {
            return DEFAULT_INTERVAL;
        }
        try {
            long millis = Long.parseLong(value.trim());
            if (millis > 0) {
                return Duration.ofMillis(millis);
            }
        } catch (NumberFormatException notANumber) {
            // Reported below like any other bad value.
        }
        AgentLog.warn("-D" + INTERVAL_PROPERTY + "=" + value + " is not a positive number of milliseconds; using "
                + DEFAULT_INTERVAL.toMillis(), null);
        return DEFAULT_INTERVAL;
    }
}
