package dev.callsight.agent.core;

import io.opentelemetry.sdk.common.CompletableResultCode;
import java.util.concurrent.TimeUnit;

/**
 * What the JVM's exit needs to know about the agent's metric exports. The SDK's metric reader
 * drops its final collection when the previous export is still under way, which a short-lived
 * application's first export to a collector that is slow to answer can be; the exit therefore
 * waits, within its time bound, for that export before shutting the SDK down.
 */
final class MetricExportsAtExit {

    private volatile boolean exiting;
    private volatile CompletableResultCode lastExport = CompletableResultCode.ofSuccess();

    boolean exiting() {
        return exiting;
    }

    void exportStarted(CompletableResultCode export) {
        lastExport = export;
    }

    /** Marks the exit and waits up to {@code timeoutMillis} for the export under way, if any. */
    void exit(long timeoutMillis) {
        exiting = true;
        lastExport.join(timeoutMillis, TimeUnit.MILLISECONDS);
    }
}
