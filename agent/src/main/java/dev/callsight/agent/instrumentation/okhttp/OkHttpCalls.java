package dev.callsight.agent.instrumentation.okhttp;

import dev.callsight.agent.bootstrap.CallRejectedException;
import dev.callsight.agent.bootstrap.OkHttpHook;
import dev.callsight.agent.core.InternalThread;
import dev.callsight.agent.core.client.ClientRequest;
import dev.callsight.agent.core.client.LogicalCall;
import dev.callsight.agent.core.client.OutboundCalls;
import dev.callsight.agent.core.client.RetrySource;
import dev.callsight.agent.core.client.TimeoutKind;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * The glue between OkHttp and the core. A logical call begins in the agent's application
 * interceptor ({@link PolicyInterceptor}); each of its physical attempts, OkHttp's own retries
 * and redirects included, starts when OkHttp's ConnectInterceptor is entered, carries its
 * context headers out through the last network interceptor ({@link ContextHeaderInterceptor}),
 * and ends when the connection or the exchange fails, or when its response body has been read,
 * has failed or is closed. OkHttp runs a call's whole interceptor chain on one thread, so the
 * call in progress is a per-thread value.
 */
final class OkHttpCalls implements OkHttpHook {

    /** How long after the call's timeout a cancelled attempt still counts as ended by it. */
    private static final long DEADLINE_TOLERANCE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final OutboundCalls calls;
    private final Interceptor policies;
    private final Interceptor contextHeaders = new ContextHeaderInterceptor(this);
    private final ThreadLocal<CallInProgress> inProgress = new ThreadLocal<>();

    OkHttpCalls(OutboundCalls calls) {
        this.calls = calls;
        this.policies = new PolicyInterceptor(this, new OneShotBodies());
    }

    @Override
    public void clientBuilding(Object builder) {
        OkHttpClient.Builder building = (OkHttpClient.Builder) builder;
        // Last application interceptor: it sees the request as the application's interceptors
        // leave it, right before OkHttp's own retry and redirect logic.
        moveToEnd(building.interceptors(), policies);
        // Last network interceptor: it sees each attempt as it goes on the wire.
        moveToEnd(building.networkInterceptors(), contextHeaders);
    }

    /** A builder copied from a client (newBuilder) already holds the interceptor: moved, never doubled. */
    private static void moveToEnd(List<Interceptor> interceptors, Interceptor interceptor) {
        interceptors.remove(interceptor);
        interceptors.add(interceptor);
    }

    /**
     * Begins the logical call of the chain's request; null when it is not traced.
     *
     * @throws CallRejectedException when the policy's circuit is open or its concurrency limit reached
     */
    CallInProgress begin(Interceptor.Chain chain) throws CallRejectedException {
        if (InternalThread.isCurrent()) {
            return null;
        }
        LogicalCall logical;
        try {
            logical = calls.begin(clientRequest(chain.request()));
        } catch (RuntimeException unexpected) {
            return null;
        }
        CallInProgress call = new CallInProgress(chain.call(), chain.request().url(), logical, inProgress.get());
        inProgress.set(call);
        return call;
    }

    void end(CallInProgress call) {
        inProgress.set(call.interrupted);
        try {
            call.logical.end();
        } catch (RuntimeException unexpected) {
            // The application's call is over either way.
        }
    }

    @Override
    public Object attemptStarting(Object chain) {
        Interceptor.Chain connecting = (Interceptor.Chain) chain;
        CallInProgress owner = inProgress.get();
        if (owner == null || owner.call != connecting.call()) {
            return null;
        }
        RetrySource source = owner.nextSource;
        owner.nextSource = RetrySource.CLIENT;
        Request request = connecting.request();
        // The URL is most often the application's own (the bridge interceptor keeps it): so is the request.
        ClientRequest described = request.url() == owner.url ? owner.logical.request() : clientRequest(request);
        Attempt attempt = new Attempt(owner, owner.logical.startAttempt(described, source));
        owner.lastAttempt = attempt;
        return attempt;
    }

    /** The request to send: with the attempt's context headers, unless the application set its own. */
    Request withContextHeaders(Call call, Request request) {
        try {
            CallInProgress owner = inProgress.get();
            if (owner == null || owner.call != call || owner.lastAttempt == null || request.header("traceparent") != null) {
                return request;
            }
            Request.Builder builder = request.newBuilder();
            owner.logical.inject(owner.lastAttempt.traced, builder::header);
            return builder.build();
        } catch (RuntimeException unexpected) {
            return request;
        }
    }

    @Override
    public Object responseBody(Object response, Object body) {
        CallInProgress owner = inProgress.get();
        Attempt attempt = owner == null ? null : owner.lastAttempt;
        if (attempt == null || attempt.endingBody != null || body == null) {
            return body;
        }
        Response received = (Response) response;
        ResponseBody opened = (ResponseBody) body;
        if (!hasBody(received, opened)) {
            return body;
        }
        attempt.endingBody = endingBody(attempt, received, opened);
        return attempt.endingBody;
    }

    @Override
    public Object attemptEnded(Object attempt, Object response, Throwable thrown) {
        if (attempt == null) {
            return response;
        }
        Attempt ended = (Attempt) attempt;
        if (thrown != null || response == null) {
            endAttempt(ended, 0, null, ioCause(thrown));
            return response;
        }
        Response received = (Response) response;
        ResponseBody body = received.body();
        if (body != null && body == ended.endingBody) {
            return received;
        }
        if (body == null || !hasBody(received, body)) {
            endAttempt(ended, received);
            return received;
        }
        // OkHttp before 3.14, or a network interceptor that gave the response another body.
        return received.newBuilder().body(endingBody(ended, received, body)).build();
    }

    private AttemptEndingBody endingBody(Attempt attempt, Response response, ResponseBody body) {
        int status = response.code();
        String protocol = protocolVersion(response);
        return new AttemptEndingBody(body, error -> endAttempt(attempt, status, protocol, error));
    }

    /** Ends an attempt at its response's headers, where the agent decides about a retry. */
    void endAttempt(Attempt attempt, Response response) {
        endAttempt(attempt, response.code(), protocolVersion(response), null);
    }

    /**
     * Ends an attempt. When the call's timeout cancelled it, OkHttp throws the application an
     * InterruptedIOException "timeout" rather than the attempt's own error, and so it is recorded.
     */
    void endAttempt(Attempt attempt, int status, String protocol, Throwable error) {
        try {
            CallInProgress owner = attempt.owner;
            if (error != null && owner.deadlineNanos != 0 && owner.call.isCanceled()
                    && System.nanoTime() - owner.deadlineNanos >= -DEADLINE_TOLERANCE_NANOS) {
                InterruptedIOException timeout = new InterruptedIOException("timeout");
                timeout.initCause(error);
                owner.logical.endAttempt(attempt.traced, status, protocol, timeout, TimeoutKind.DEADLINE);
            } else {
                owner.logical.endAttempt(attempt.traced, status, protocol, error);
            }
        } catch (RuntimeException unexpected) {
            // The attempt goes unrecorded; the application's call is not affected.
        }
    }

    private static ClientRequest clientRequest(Request request) {
        HttpUrl url = request.url();
        // HttpUrl fills in the scheme's default port, which its text leaves out: so does url.full.
        int port = url.port() == HttpUrl.defaultPort(url.scheme()) ? -1 : url.port();
        boolean plain = url.encodedQuery() == null && url.encodedUsername().isEmpty() && url.encodedPassword().isEmpty()
                && url.encodedFragment() == null;
        return new ClientRequest(request.method(), url.scheme(), url.host(), port, url.encodedPath(), plain,
                () -> uriOf(url), request::header, request.header("Idempotency-Key") != null);
    }

    /**
     * HttpUrl.uri() re-encodes the URL first, compiling a regex each time; its text parses as it is whenever it holds
     * no character a java.net.URI refuses, and those few URLs still go the long way.
     */
    private static URI uriOf(HttpUrl url) {
        try {
            return new URI(url.toString());
        } catch (URISyntaxException notStrictlyValid) {
            return url.uri();
        }
    }

    /** Responses that carry no body end their attempt at once, even if the application never closes them. */
    private static boolean hasBody(Response response, ResponseBody body) {
        int status = response.code();
        return !"HEAD".equals(response.request().method()) && status != 204 && status != 304
                && (status >= 200 || status == 101) && body.contentLength() != 0;
    }

    /** OkHttp wraps a failed connection's IOException in its internal RouteException. */
    private static Throwable ioCause(Throwable thrown) {
        return thrown != null && !(thrown instanceof IOException) && thrown.getCause() instanceof IOException
                ? thrown.getCause() : thrown;
    }

    private static String protocolVersion(Response response) {
        switch (response.protocol().toString()) {
            case "http/1.0":
                return "1.0";
            case "http/1.1":
                return "1.1";
            case "h2":
            case "h2_prior_knowledge":
                return "2";
            default:
                return null;
        }
    }
}
