package dev.callsight.agent.instrumentation.apache5;

import dev.callsight.agent.bootstrap.ApacheClassicHook;
import dev.callsight.agent.bootstrap.CallRejectedException;
import dev.callsight.agent.core.client.BlockingCalls;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import org.apache.hc.client5.http.classic.ExecChain;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.concurrent.Cancellable;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.io.entity.EntityUtils;

/**
 * The glue between Apache HttpClient 5's classic client and the core. InternalHttpClient.doExecute
 * is the application's call; ProtocolExec.execute below it runs once per request on the wire, since
 * HttpRequestRetryExec and RedirectExec sit above it and hand it a fresh copy of the application's
 * request each time. The attempt's timeouts go into the RequestConfig of the execution context,
 * restored when it ends. The attempt lasts until its response body is read, closed or fails (the
 * entity is wrapped to tell). The deadline cancels the application's request (HttpUriRequestBase is
 * Cancellable), and what the library then throws becomes a SocketTimeoutException, as its own
 * response timeout is.
 */
final class Apache5ClassicCalls implements ApacheClassicHook {

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

    Apache5ClassicCalls(BlockingCalls calls) {
        this.calls = calls;
    }

    @Override
    public Object callStarted(Object target, Object request) {
        ClassicHttpRequest application = (ClassicHttpRequest) request;
        Runnable abort = application instanceof Cancellable ? ((Cancellable) application)::cancel : () -> { };
        HttpEntity body = application.getEntity();
        return calls.begin(Apache5Requests.describe(application, targetOf((HttpHost) target, application), application),
                body == null || body.isRepeatable(), abort);
    }

    @Override
    public Object attemptStarted(Object request, Object routeOrScope, Object context) {
        ClassicHttpRequest attemptRequest = (ClassicHttpRequest) request;
        ExecChain.Scope scope = (ExecChain.Scope) routeOrScope;
        BlockingCalls.Attempt attempt = calls.startAttempt(Apache5Requests.describe(attemptRequest,
                scope.route.getTargetHost(), scope.originalRequest), attemptRequest::setHeader);
        if (attempt == null) {
            return null;
        }
        RequestConfig application = scope.clientContext.getRequestConfig();
        RequestConfig config = Apache5Requests.effective(application);
        scope.clientContext.setRequestConfig(Apache5Requests.withTimeouts(config, calls.timeouts(attempt,
                Apache5Requests.millisOf(config.getConnectTimeout()), Apache5Requests.millisOf(config.getResponseTimeout()))));
        return new Attempt(attempt, scope.clientContext, application);
    }

    @Override
    public void attemptEnded(Object attempt, Object response, Throwable thrown) {
        if (!(attempt instanceof Attempt)) {
            return;
        }
        Attempt ended = (Attempt) attempt;
        ended.context.setRequestConfig(ended.applicationConfig);
        ClassicHttpResponse received = (ClassicHttpResponse) response;
        int status = Apache5Requests.statusOf(received);
        String protocol = Apache5Requests.protocolVersion(received);
        HttpEntity entity = received == null ? null : received.getEntity();
        if (entity == null) {
            calls.endAttempt(ended.attempt, status, protocol, thrown);
        } else {
            received.setEntity(new WatchedEntity(entity, calls.bodyOf(ended.attempt, status, protocol)));
        }
    }

    @Override
    public void responseClosed(Object response) {
        // Closing a response closes its entity, which the watched entity reports itself.
    }

    @Override
    public boolean callEnded(Object call, Object response, Throwable thrown) {
        if (!(call instanceof BlockingCalls.Call)) {
            return false;
        }
        ClassicHttpResponse received = (ClassicHttpResponse) response;
        String retryAfter = received == null ? null : Apache5Requests.valueOf(received.getFirstHeader("Retry-After"));
        BlockingCalls.Call blocking = (BlockingCalls.Call) call;
        long delay = calls.retryDelayNanos(blocking, Apache5Requests.statusOf(received), thrown, retryAfter);
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

    /** doExecute's target, or the one the request names itself, as the client determines it. */
    private static HttpHost targetOf(HttpHost target, ClassicHttpRequest request) {
        if (target != null) {
            return target;
        }
        try {
            URI uri = request.getUri();
            return new HttpHost(uri.getScheme(), uri.getHost(), uri.getPort());
        } catch (URISyntaxException unusable) {
            throw new IllegalArgumentException(unusable);
        }
    }

    /** A response the application will not see gives its connection back to the pool. */
    private static void release(ClassicHttpResponse response) {
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
}
