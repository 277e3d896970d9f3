package dev.callsight.agent.core;

import io.opentelemetry.exporter.sender.jdk.internal.JdkHttpSenderProvider;
import io.opentelemetry.sdk.common.export.HttpSender;
import io.opentelemetry.sdk.common.export.HttpSenderConfig;
import io.opentelemetry.sdk.common.export.HttpSenderProvider;

/**
 * The OTLP exporters' HTTP sender, the JDK's, created off the application's threads: the
 * HttpClient and the default TLS context it sets up cost premain about a quarter of a second.
 * The agent's exporters, which run on their own export thread, have it created there at once, so
 * that it is ready by their first export: a first export slow enough to be still under way at
 * exit would make the SDK drop the final metric collection. Registered in place of the JDK
 * sender's own provider (the shade filter leaves that one out), so the exporters' settings all
 * reach the same sender as before.
 */
public final class DeferredHttpSenderProvider implements HttpSenderProvider {

    private final HttpSenderProvider jdk = new JdkHttpSenderProvider();

    @Override
    public HttpSender createSender(HttpSenderConfig config) {
        DeferredHttpSender sender = new DeferredHttpSender(() -> jdk.createSender(config));
        if (config.getExecutorService() != null) {
            sender.prepareOn(config.getExecutorService());
        }
        return sender;
    }
}
