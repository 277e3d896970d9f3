package dev.callsight.agent.core.export;

import io.opentelemetry.sdk.common.export.Compressor;
import io.opentelemetry.sdk.common.export.HttpSenderConfig;
import io.opentelemetry.sdk.common.export.ProxyOptions;
import io.opentelemetry.sdk.common.export.RetryPolicy;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.X509TrustManager;

/** An exporter's sender settings with its retry policy taken out. */
final class WithoutRetries implements HttpSenderConfig {

    private final HttpSenderConfig config;

    WithoutRetries(HttpSenderConfig config) {
        this.config = config;
    }

    @Override
    public RetryPolicy getRetryPolicy() {
        return null;
    }

    @Override
    public URI getEndpoint() {
        return config.getEndpoint();
    }

    @Override
    public String getContentType() {
        return config.getContentType();
    }

    @Override
    public Compressor getCompressor() {
        return config.getCompressor();
    }

    @Override
    public Duration getTimeout() {
        return config.getTimeout();
    }

    @Override
    public Duration getConnectTimeout() {
        return config.getConnectTimeout();
    }

    @Override
    public Supplier<Map<String, List<String>>> getHeadersSupplier() {
        return config.getHeadersSupplier();
    }

    @Override
    public ProxyOptions getProxyOptions() {
        return config.getProxyOptions();
    }

    @Override
    public SSLContext getSslContext() {
        return config.getSslContext();
    }

    @Override
    public X509TrustManager getTrustManager() {
        return config.getTrustManager();
    }

    @Override
    public ExecutorService getExecutorService() {
        return config.getExecutorService();
    }

    @Override
    public long getMaxResponseBodySize() {
        return config.getMaxResponseBodySize();
    }

    @Override
    public List<String> getEnabledProtocols() {
        return config.getEnabledProtocols();
    }
}
