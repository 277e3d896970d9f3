package dev.callsight.agent.core;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.HttpResponse;
import io.opentelemetry.sdk.common.export.HttpSender;
import io.opentelemetry.sdk.common.export.MessageWriter;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** Creates its sender on the first send; one never used is shut down without ever being created. */
final class DeferredHttpSender implements HttpSender {

    private final Supplier<HttpSender> factory;
    private HttpSender sender;
    private boolean shutDown;

    DeferredHttpSender(Supplier<HttpSender> factory) {
        this.factory = factory;
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
