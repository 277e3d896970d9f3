package dev.callsight.agent.core.export;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.HttpResponse;
import io.opentelemetry.sdk.common.export.HttpSender;
import io.opentelemetry.sdk.common.export.HttpSenderConfig;
import io.opentelemetry.sdk.common.export.HttpSenderProvider;
import io.opentelemetry.sdk.common.export.MessageWriter;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;

/**
 * An OTLP exporter's HTTP sender that creates the real one when it is first needed, on the export thread, never in
 * premain: the agent's own {@link PlainHttpSender} for a plain-text collector, else the JDK's, whose HttpClient and
 * default TLS context cost the application's start a few hundred milliseconds. Once the JVM exits, exports go out
 * through a sender without retries, whose back-off would otherwise keep the exit waiting on a collector that refuses
 * connections. Every send is reported to the {@link CollectorContact}.
 */
final class LazyHttpSender implements HttpSender {

    private final HttpSenderConfig config;
    private final HttpSenderProvider jdk;
    private final CollectorContact contact;
    private HttpSender steady;
    private HttpSender atExit;
    private boolean shutDown;

    LazyHttpSender(HttpSenderConfig config, HttpSenderProvider jdk, CollectorContact contact) {
        this.config = config;
        this.jdk = jdk;
        this.contact = contact;
    }

    /**
     * Creates the sender ahead of the first export, on the calling (export) thread. For the JDK's, the default TLS
     * context, which every JDK HttpClient sets up and which is most of its cost, comes first: the client's own
     * classes wait for a starting agent ({@code StartupGate}), the TLS context need not.
     */
    void prepare() {
        try {
            if (!PlainHttpSender.serves(config)) {
                SSLContext.getDefault();
            }
            current();
        } catch (RuntimeException | LinkageError | NoSuchAlgorithmException failed) {
            // The first send reports it as a failed export.
        }
    }

    @Override
    public void send(MessageWriter writer, Consumer<HttpResponse> onResponse,
            Consumer<Throwable> onError) {
        HttpSender sender;
        try {
            sender = current();
        } catch (RuntimeException | LinkageError failed) {
            onError.accept(failed);
            return;
        }
        contact.sent();
        sender.send(writer, response -> {
            contact.answered(response.getStatusCode());
            onResponse.accept(response);
        }, error -> {
            if (error instanceof RejectedExecutionException) {
                contact.notSent();
            } else {
                contact.failed();
            }
            onError.accept(error);
        });
    }

    private synchronized HttpSender current() {
        if (shutDown) {
            throw new IllegalStateException("the exporter's sender is shut down");
        }
        if (contact.exiting()) {
            if (atExit == null) {
                atExit = create(new WithoutRetries(config));
            }
            return atExit;
        }
        if (steady == null) {
            steady = create(config);
        }
        return steady;
    }

    /**
     * A short-lived application's exit can find the client still to be built (its classes wait for a starting agent),
     * which on a busy machine takes a good part of the exit's wait: that time is the agent's, not the collector's.
     */
    private HttpSender create(HttpSenderConfig senderConfig) {
        contact.settingUp();
        try {
            return PlainHttpSender.serves(senderConfig) ? new PlainHttpSender(senderConfig)
                    : jdk.createSender(senderConfig);
        } finally {
            contact.setUp();
        }
    }

    @Override
    public synchronized CompletableResultCode shutdown() {
        shutDown = true;
        List<CompletableResultCode> results = new ArrayList<>(2);
        for (HttpSender sender : new HttpSender[] {steady, atExit}) {
            if (sender != null) {
                results.add(sender.shutdown());
            }
        }
        return CompletableResultCode.ofAll(results);
    }
}
