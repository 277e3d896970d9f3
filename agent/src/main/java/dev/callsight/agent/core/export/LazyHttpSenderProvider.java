package dev.callsight.agent.core.export;

import dev.callsight.agent.core.SdkInternals;
import io.opentelemetry.sdk.common.export.HttpSender;
import io.opentelemetry.sdk.common.export.HttpSenderConfig;
import io.opentelemetry.sdk.common.export.HttpSenderProvider;
import java.util.concurrent.RejectedExecutionException;

/**
 * The OTLP exporters' sender provider, registered in place of the JDK sender's own (the shade filter leaves that one
 * out) so that the exporters autoconfiguration builds create no HttpClient at all. {@link TelemetryBootstrap} rebuilds
 * them on the agent's export threads with a provider that shares the agent's {@link CollectorContact} and prepares
 * each sender on its export thread, off the application's start.
 */
public final class LazyHttpSenderProvider implements HttpSenderProvider {

    private final HttpSenderProvider jdk = SdkInternals.jdkHttpSenderProvider();
    private final CollectorContact contact;

    /** For the service loader: senders that report to a contact nobody reads. */
    public LazyHttpSenderProvider() {
        this(new CollectorContact());
    }

    LazyHttpSenderProvider(CollectorContact contact) {
        this.contact = contact;
    }

    @Override
    public HttpSender createSender(HttpSenderConfig config) {
        LazyHttpSender sender = new LazyHttpSender(config, jdk, contact);
        if (config.getExecutorService() != null) {
            try {
                config.getExecutorService().execute(sender::prepare);
            } catch (RejectedExecutionException busy) {
                // The first export creates it.
            }
        }
        return sender;
    }
}
