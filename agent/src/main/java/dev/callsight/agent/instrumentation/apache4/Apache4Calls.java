package dev.callsight.agent.instrumentation.apache4;

import dev.callsight.agent.bootstrap.ApacheClassicHook;
import dev.callsight.agent.bootstrap.CallRejectedException;
import dev.callsight.agent.core.client.AttemptTimeouts;
import dev.callsight.agent.core.client.BlockingCalls;
import dev.callsight.agent.core.client.ClientRequest;
import dev.callsight.agent.core.client.RequestTargets;
import java.io.IOException;
import java.net.URI;
import org.apache.http.Header;
import org.apache.http.HttpEntity;
import org.apache.http.HttpEntityEnclosingRequest;
import org.apache.http.HttpHost;
import org.apache.http.HttpRequest;
import org.apache.http.HttpResponse;
import org.apache.http.ProtocolVersion;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.client.methods.AbstractExecutionAwareRequest;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.HttpRequestWrapper;
import org.apache.http.client.protocol.HttpClientContext;
import org.apache.http.conn.routing.HttpRoute;
import org.apache.http.util.EntityUtils;

/**
 * The glue between Apache HttpClient 4.5 and the core. InternalHttpClient.doExecute is the
 * application's call; ProtocolExec.execute below it runs once per request on the wire, since
 * RetryExec, ServiceUnavailableRetryExec and RedirectExec all sit above it. Each attempt gets
 * its context headers on the library's own request wrapper, never on the application's request,
 * and its timeouts through the RequestConfig in the execution context, restored when it ends.
 * The attempt lasts until its response body is read, closed or fails (the entity is wrapped to
 * tell), or until the response is closed. The deadline aborts the application's request
 * (HttpRequestBase.abort), and what the library or the body then throws becomes a
 * SocketTimeoutException, as the library's own read timeouts are.
 */
final class Apache4Calls implements ApacheClassicHook {

    /** One attempt and the configuration to put back when it ends. */
    private static final class Attempt {
        final BlockingCalls.Attempt attempt;
        final HttpClientContext context;
        final RequestConfig applicationConfig;

        Attempt(BlockingCalls.Attempt attempt, HttpClientContext context, RequestConfig applicationConfig) {
            this.attempt = attempt;
            this.context = context;
            this.applicationConfig = applicationConfig;
        }
    }

    private final BlockingCalls calls;

    Apache4Calls(BlockingCalls calls) {
        this.calls = calls;
    }

    @Override
    public Object callStarted(Object target, Object request) {
        HttpRequest application = (HttpRequest) request;
        URI requestUri = URI.create(application.getRequestLine().getUri());
        HttpHost host = target != null ? (HttpHost) target
                : new HttpHost(requestUri.getHost(), requestUri.getPort(), requestUri.getScheme());
        Runnable abort = application instanceof AbstractExecutionAwareRequest
                ? ((AbstractExecutionAwareRequest) application)::abort : () -> { };
        return calls.begin(describe(application, host, requestUri, application), replayable(application), abort);
    }

    @Override
    public Object attemptStarted(Object request, Object routeOrScope, Object context) {
        HttpRequestWrapper wrapper = (HttpRequestWrapper) request;
        BlockingCalls.Attempt attempt = calls.startAttempt(
                describe(wrapper, ((HttpRoute) routeOrScope).getTargetHost(), wrapper.getURI(), wrapper.getOriginal()),
                wrapper::setHeader);
        if (attempt == null) {
            return null;
        }
        HttpClientContext clientContext = (HttpClientContext) context;
        RequestConfig config = clientContext.getRequestConfig();
        AttemptTimeouts timeouts = calls.timeouts(attempt, config.getConnectTimeout(), config.getSocketTimeout());
        if (timeouts.connectMillis() != Math.max(0, config.getConnectTimeout())
                || timeouts.readMillis() != Math.max(0, config.getSocketTimeout())) {
            clientContext.setRequestConfig(RequestConfig.copy(config)
                    .setConnectTimeout(timeouts.connectMillis()).setSocketTimeout(timeouts.readMillis()).build());
        }
        return new Attempt(attempt, clientContext, config);
    }

    @Override
    public void attemptEnded(Object attempt, Object response, Throwable thrown) {
        if (!(attempt instanceof Attempt)) {
            return;
        }
        Attempt ended = (Attempt) attempt;
        ended.context.setRequestConfig(ended.applicationConfig);
        HttpResponse received = (HttpResponse) response;
        ProtocolVersion version = received == null ? null : received.getStatusLine().getProtocolVersion();
        String protocol = version == null ? null : RequestTargets.protocolVersion(version.getMajor(), version.getMinor());
        HttpEntity entity = received == null ? null : received.getEntity();
        if (entity == null) {
            calls.endAttempt(ended.attempt, statusOf(received), protocol, thrown);
        } else {
            received.setEntity(new WatchedEntity(entity, calls.bodyOf(ended.attempt, statusOf(received), protocol)));
        }
    }

    @Override
    public void responseClosed(Object response) {
        HttpEntity entity = ((HttpResponse) response).getEntity();
        if (entity instanceof WatchedEntity) {
            ((WatchedEntity) entity).closed();
        }
    }

    @Override
    public boolean callEnded(Object call, Object response, Throwable thrown) {
        if (!(call instanceof BlockingCalls.Call)) {
            return false;
        }
        CloseableHttpResponse received = (CloseableHttpResponse) response;
        String retryAfter = received == null ? null : valueOf(received.getFirstHeader("Retry-After"));
        BlockingCalls.Call blocking = (BlockingCalls.Call) call;
        long delay = calls.retryDelayNanos(blocking, statusOf(received), thrown, retryAfter);
        if (delay < 0) {
            return false;
        }
        release(received);
        return calls.backoff(blocking, delay);
    }

    @Override
    public Throwable thrown(Object call, Throwable thrown) {
        if (call instanceof CallRejectedException) {
            return (CallRejectedException) call;
        }
        return call instanceof BlockingCalls.Call ? calls.thrown((BlockingCalls.Call) call, thrown) : thrown;
    }

    private static ClientRequest describe(HttpRequest request, HttpHost target, URI requestUri, HttpRequest original) {
        String query = requestUri.getRawQuery();
        return RequestTargets.request(request.getRequestLine().getMethod(), target.getSchemeName(),
                target.getHostName(), target.getPort(), requestUri.getRawPath() + (query == null ? "" : "?" + query),
                name -> valueOf(original.getFirstHeader(name)), original.containsHeader("Idempotency-Key"));
    }

    private static boolean replayable(HttpRequest request) {
        HttpEntity body = request instanceof HttpEntityEnclosingRequest ? ((HttpEntityEnclosingRequest) request).getEntity() : null;
        return body == null || body.isRepeatable();
    }

    private static int statusOf(HttpResponse response) {
        return response == null ? 0 : response.getStatusLine().getStatusCode();
    }

    /** A response the application will not see gives its connection back to the pool. */
    private static void release(CloseableHttpResponse response) {
        if (response == null) {
            return;
        }
        try {
            EntityUtils.consume(response.getEntity());
            response.close();
        } catch (IOException unreadable) {
            // The connection is closed instead of reused; the retry goes out on a new one.
        }
    }

    private static String valueOf(Header header) {
        return header == null ? null : header.getValue();
    }
}
