package dev.callsight.agent.core.export;

import dev.callsight.agent.core.InternalThread;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The JVM's exit hook: sends the last spans and metrics once each, without retries, and waits for them only as long
 * as the collector has earned ({@link CollectorContact#exitWaitMillis()}). The SDK's shutdown blocks on the last
 * metric export and then hands back a result that completes when the last spans are out, so it runs on a thread of
 * its own and this hook waits for it a bounded time.
 */
final class ExitFlush implements Runnable {

    private final OpenTelemetrySdk sdk;
    private final CollectorContact contact;

    ExitFlush(OpenTelemetrySdk sdk, CollectorContact contact) {
        this.sdk = sdk;
        this.contact = contact;
    }

    @Override
    public void run() {
        long waitMillis = contact.exitWaitMillis();
        contact.beginExit();
        CompletableFuture<Void> flushed = new CompletableFuture<>();
        InternalThread.create(() -> sdk.shutdown().whenComplete(() -> flushed.complete(null)), "callsight-flush").start();
        try {
            flushed.get(waitMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException notFlushed) {
            // Whatever did not reach the collector in time is lost; the application's exit is not held up.
        }
    }
}
