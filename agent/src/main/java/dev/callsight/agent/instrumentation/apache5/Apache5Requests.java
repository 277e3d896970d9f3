package dev.callsight.agent.instrumentation.apache5;

import dev.callsight.agent.core.client.AttemptTimeouts;
import dev.callsight.agent.core.client.ClientRequest;
import dev.callsight.agent.core.client.RequestTargets;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.ProtocolVersion;
import org.apache.hc.core5.util.Timeout;

/**
 * What the classic and the async chain share: the application's request stays in the chain's
 * scope (where a traceparent the application set is read from) while each attempt gets a copy,
 * and both read their timeouts from the RequestConfig in the execution context.
 */
final class Apache5Requests {

    private Apache5Requests() {}

    /**
     * @param target where the request goes; the attempt's own scheme and authority are unset
     *     until the protocol handler fills them in
     */
    static ClientRequest describe(HttpRequest request, HttpHost target, HttpRequest original) {
        return RequestTargets.request(request.getMethod(), target.getSchemeName(), target.getHostName(),
                target.getPort(), request.getPath(), name -> valueOf(original.getFirstHeader(name)),
                original.containsHeader("Idempotency-Key"));
    }

    /** The configuration the client goes by: the context's, or the library's default when it has none (5.4+). */
    static RequestConfig effective(RequestConfig contextConfig) {
        return contextConfig == null ? RequestConfig.DEFAULT : contextConfig;
    }

    /** The application's configuration with the attempt's timeouts, or the same one when they are its own. */
    static RequestConfig withTimeouts(RequestConfig config, AttemptTimeouts timeouts) {
        if (timeouts.connectMillis() == millisOf(config.getConnectTimeout())
                && timeouts.readMillis() == millisOf(config.getResponseTimeout())) {
            return config;
        }
        return RequestConfig.copy(config)
                .setConnectTimeout(Timeout.ofMilliseconds(timeouts.connectMillis()))
                .setResponseTimeout(Timeout.ofMilliseconds(timeouts.readMillis()))
                .build();
    }

    /** A limit in milliseconds as the core counts it: 0 or less for none. */
    static int millisOf(Timeout timeout) {
        return timeout == null ? 0 : (int) Math.min(Integer.MAX_VALUE, timeout.toMilliseconds());
    }

    static int statusOf(HttpResponse response) {
        return response == null ? 0 : response.getCode();
    }

    static String protocolVersion(HttpResponse response) {
        ProtocolVersion version = response == null ? null : response.getVersion();
        return version == null ? null : RequestTargets.protocolVersion(version.getMajor(), version.getMinor());
    }

    static String valueOf(Header header) {
        return header == null ? null : header.getValue();
    }
}
