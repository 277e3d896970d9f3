package dev.callsight.agent.core.export;

import dev.callsight.agent.core.InternalThread;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The JVM's exit hook: sends the last spans and metrics once each, without retries, and waits for them only as long
 * as the collector has earned ({@link CollectorContact#worthWaiting(long)}), which it asks again every few
 * milliseconds, as an export failing or hanging ends the wait at once. The SDK's shutdown blocks on the last metric
 * export and then hands back a result that completes when the last spans are out, so it runs on a thread of its own.
 */
final class ExitFlush implements Runnable {

    private final OpenTelemetrySdk sdk;
    private final CollectorContact contact;

    ExitFlush(OpenTelemetrySdk sdk, CollectorContact contact) {
        this.sdk = sdk;
        this.contact = contact;
    }

    /** How often the wait asks the contact again; the wait is bounded by the contact, so this bounds the loop. */
    private static final long RECHECK_MILLIS = 10;

    @Override
    public void run() {
        long start = System.nanoTime();
        contact.beginExit();
        CompletableFuture<Void> flushed = new CompletableFuture<>();
        InternalThread.create(() -> sdk.shutdown().whenComplete(() -> flushed.complete(null)), "callsight-flush").start();
        try {
            while (contact.worthWaiting(System.nanoTime() - start)) {
                try {
                    flushed.get(RECHECK_MILLIS, TimeUnit.MILLISECONDS);
                    return;
                } catch (TimeoutException stillGoing) {
                    // Ask the contact again.
                }
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException notFlushed) {
            // Whatever did not reach the collector is lost; the application's exit is not held up.
        }
    }
}
