package dev.callsight.agent.core;

import io.opentelemetry.exporter.sender.jdk.internal.JdkHttpSenderProvider;
import io.opentelemetry.sdk.common.export.HttpSender;
import io.opentelemetry.sdk.common.export.HttpSenderConfig;
import io.opentelemetry.sdk.common.export.HttpSenderProvider;

/**
 * The OTLP exporters' HTTP sender, the JDK's, created at the first export instead of when the
 * SDK is built: the HttpClient and the default TLS context it sets up cost the application's
 * startup about a quarter of a second, and an agent thread pays it later. Registered in place of
 * the JDK sender's own provider (the shade filter leaves that one out), so the exporters' settings
 * all reach the same sender as before.
 */
public final class DeferredHttpSenderProvider implements HttpSenderProvider {

    private final HttpSenderProvider jdk = new JdkHttpSenderProvider();

    @Override
    public HttpSender createSender(HttpSenderConfig config) {
        return new DeferredHttpSender(() -> jdk.createSender(config));
    }
}
