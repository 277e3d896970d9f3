package dev.callsight.agent.core;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.HttpResponse;
import io.opentelemetry.sdk.common.export.HttpSender;
import io.opentelemetry.sdk.common.export.MessageWriter;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Creates its sender when asked to prepare it or at the first send, whichever comes first; one
 * shut down before either is never created.
 */
final class DeferredHttpSender implements HttpSender {

    private final Supplier<HttpSender> factory;
    private HttpSender sender;
    private boolean shutDown;

    DeferredHttpSender(Supplier<HttpSender> factory) {
        this.factory = factory;
    }

    /** Creates the sender on {@code executor}; a send meanwhile waits for it. */
    void prepareOn(Executor executor) {
        try {
            executor.execute(() -> {
                try {
                    sender();
                } catch (RuntimeException | LinkageError failed) {
                    // Shut down first, or the sender cannot be made: the first send reports it.
                }
            });
        } catch (RejectedExecutionException busy) {
            // The first send creates it.
        }
    }

    @Override
    public void send(MessageWriter messageWriter, Consumer<HttpResponse> onResponse, Consumer<Throwable> onError) {
        HttpSender current;
        try {
            current = sender();
        } catch (RuntimeException | LinkageError failed) {
            // The exporter counts this as a failed export, as it would a failed connection.
            onError.accept(failed);
            return;
        }
        current.send(messageWriter, onResponse, onError);
    }

    @Override
    public synchronized CompletableResultCode shutdown() {
        shutDown = true;
        return sender == null ? CompletableResultCode.ofSuccess() : sender.shutdown();
    }

    private synchronized HttpSender sender() {
        if (shutDown) {
            throw new IllegalStateException("the exporter's sender is shut down");
        }
        if (sender == null) {
            sender = factory.get();
        }
        return sender;
    }
}
