package dev.callsight.agent.instrumentation.jdkhttp;

import dev.callsight.agent.bootstrap.CallRejectedException;
import dev.callsight.agent.bootstrap.JdkHttpClientHook;
import dev.callsight.agent.core.CallDepth;
import dev.callsight.agent.core.InternalThread;
import dev.callsight.agent.core.Backoff;
import dev.callsight.agent.core.client.ClientCall;
import dev.callsight.agent.core.client.ClientRequest;
import dev.callsight.agent.core.client.LogicalCall;
import dev.callsight.agent.core.client.OutboundCalls;
import dev.callsight.agent.core.client.RetrySource;
import dev.callsight.agent.core.client.TimeoutKind;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The glue between java.net.http and the core. HttpRequest is immutable, so every attempt sends
 * a view of the application's request with that attempt's context headers and the timeout the
 * policy allows ({@link AttemptRequest}). The client's request timeout bounds the wait for the response headers, so it
 * is set to the shortest of the application's timeout, what is left of the deadline, and
 * connect + read. A retry of send runs the method again (the advice repeats it); a retry of
 * sendAsync is sent from the agent's timer thread, and the application's future completes
 * with the last attempt.
 */
final class JdkHttpClientCalls implements JdkHttpClientHook {

    /** One application call through send or sendAsync. */
    static final class Call {
        final LogicalCall logical;
        final HttpClient client;
        final HttpRequest original;
        /** The application's body handler, bounded by the policy's read timeout and deadline when it has them. */
        HttpResponse.BodyHandler<?> handler;
        /** What sendAsync returns to the application: the last attempt's outcome. */
        volatile CompletableFuture<HttpResponse<?>> result;
        volatile ClientCall attempt;
        volatile HttpRequest toSend;
        /** What a timeout of toSend's request timeout means; null when the application's own ran out. */
        volatile TimeoutKind requestTimeoutKind;
        /** The limit that ended the current attempt's body, if one did. */
        volatile TimeoutKind bodyTimeoutKind;
        /** The last response the client followed on its own, to tell a new one from a retry after a failure. */
        volatile Object followedResponse;

        Call(LogicalCall logical, HttpClient client, HttpRequest original) {
            this.logical = logical;
            this.client = client;
            this.original = original;
        }
    }

    private final OutboundCalls calls;
    /** send calls sendAsync and the facade calls the implementation; only the outermost counts. */
    private final CallDepth depth = new CallDepth();

    JdkHttpClientCalls(OutboundCalls calls) {
        this.calls = calls;
    }

    @Override
    public Duration connectTimeout(Duration applicationValue) {
        int application = applicationValue == null ? 0 : (int) Math.min(Integer.MAX_VALUE, applicationValue.toMillis());
        int chosen = calls.catchAllPolicy().connectTimeoutMillis(application);
        return chosen == application ? applicationValue : Duration.ofMillis(chosen);
    }

    @Override
    public Object enter(Object client, Object request, Object bodyHandler) {
        if (depth.enter() > 0 || InternalThread.isCurrent()) {
            return null;
        }
        HttpRequest original = (HttpRequest) request;
        LogicalCall logical;
        try {
            logical = calls.begin(new ClientRequest(original.method(), original.uri(),
                    name -> firstValue(original.headers(), name), firstValue(original.headers(), "idempotency-key") != null));
        } catch (CallRejectedException rejected) {
            return rejected;
        }
        Call call = new Call(logical, (HttpClient) client, original);
        call.handler = timed(call, (HttpResponse.BodyHandler<?>) bodyHandler);
        startAttempt(call, RetrySource.FIRST);
        return call;
    }

    @Override
    public Object requestToSend(Object call, Object request) {
        return call instanceof Call ? ((Call) call).toSend : request;
    }

    @Override
    public Object bodyHandlerToUse(Object call, Object bodyHandler) {
        return call instanceof Call ? ((Call) call).handler : bodyHandler;
    }

    /** The application's handler, bounded by the policy's read timeout and deadline when it sets them. */
    private <T> HttpResponse.BodyHandler<T> timed(Call call, HttpResponse.BodyHandler<T> handler) {
        int read = call.logical.readTimeoutMillis(0);
        if (handler == null || (read <= 0 && !call.logical.hasEnforcedDeadline())) {
            return handler;
        }
        return new TimedBodyHandler<>(handler, calls.timer(), read, call.logical::remainingDeadlineMillis,
                kind -> call.bodyTimeoutKind = kind);
    }

    @Override
    public boolean exit(Object call, boolean async, Object returned, Throwable thrown) {
        if (!(call instanceof Call)) {
            depth.exit();
            return false;
        }
        Call traced = (Call) call;
        if (async && thrown == null && returned != null) {
            depth.exit();
            traced.result = new CompletableFuture<>();
            follow(traced, (CompletableFuture<?>) returned);
            return false;
        }
        HttpResponse<?> response = async ? null : (HttpResponse<?>) returned;
        long delay = endAttempt(traced, response, thrown);
        if (!async && delay >= 0 && Backoff.sleep(delay)) {
            discard(response);
            // The method runs again without its enter advice: the call stays the outermost one.
            startAttempt(traced, RetrySource.AGENT);
            return true;
        }
        depth.exit();
        traced.logical.end();
        return false;
    }

    /**
     * The client's own retry (after a failed exchange) or redirect ends the attempt in flight and
     * starts one of source CLIENT. A response the exchange has not followed before means a
     * redirect (or auth challenge); otherwise the client is retrying after its last failure. The
     * new request goes out with the same traceparent: the client copies the headers of the
     * request it was given. The exchange's user request is the attempt's, which names the call.
     */
    @Override
    public void exchangeAttempt(Object userRequest, int attemptsBefore, Object request, Throwable retryCause,
            Object previousResponse) {
        Call call = attemptsBefore > 0 ? AttemptRequest.ownerOf(userRequest) : null;
        if (call == null) {
            return;
        }
        boolean followsResponse = previousResponse instanceof HttpResponse && previousResponse != call.followedResponse;
        call.followedResponse = previousResponse;
        if (followsResponse) {
            call.logical.endAttempt(call.attempt, ((HttpResponse<?>) previousResponse).statusCode(), null, null);
        } else {
            call.logical.endAttempt(call.attempt, 0, null, retryCause);
        }
        HttpRequest next = (HttpRequest) request;
        call.attempt = call.logical.startAttempt(
                new ClientRequest(next.method(), next.uri(), ClientRequest.NO_HEADERS, false), RetrySource.CLIENT);
    }

    @Override
    public Object returned(Object call, boolean async, Object returned) {
        if (call instanceof CallRejectedException && async) {
            return CompletableFuture.failedFuture((CallRejectedException) call);
        }
        if (call instanceof Call && returned instanceof CompletableFuture) {
            return ((Call) call).result;
        }
        return returned;
    }

    @Override
    public Throwable thrown(Object call, Throwable thrown) {
        return call instanceof CallRejectedException ? (CallRejectedException) call : thrown;
    }

    private void startAttempt(Call call, RetrySource source) {
        ClientCall attempt = call.logical.startAttempt(call.logical.request(), source);
        call.attempt = attempt;
        call.bodyTimeoutKind = null;
        call.toSend = prepare(call, attempt);
    }

    /** Ends the attempt and returns the wait before the agent retries it, or -1. */
    private long endAttempt(Call call, HttpResponse<?> response, Throwable thrown) {
        Throwable error = thrown instanceof CompletionException && thrown.getCause() != null ? thrown.getCause() : thrown;
        int status = response == null ? 0 : response.statusCode();
        call.logical.endAttempt(call.attempt, status, response == null ? null : protocolVersion(response.version()),
                error, timeoutKind(call, error));
        if (error == null && status < 400) {
            return -1;
        }
        String retryAfter = response == null ? null : response.headers().firstValue("retry-after").orElse(null);
        return call.logical.retryDelayNanos(status, error, retryAfter, replayable(call.original));
    }

    private void follow(Call call, CompletableFuture<?> attempt) {
        attempt.whenComplete((response, failure) -> {
            long delay = endAttempt(call, (HttpResponse<?>) response, failure);
            if (delay >= 0 && !call.result.isDone()) {
                discard((HttpResponse<?>) response);
                calls.timer().schedule(() -> resend(call), delay);
                return;
            }
            call.logical.end();
            if (failure != null) {
                call.result.completeExceptionally(failure);
            } else {
                call.result.complete((HttpResponse<?>) response);
            }
        });
    }

    /** On the agent's timer thread, so the advice leaves the nested sendAsync alone. */
    private void resend(Call call) {
        startAttempt(call, RetrySource.AGENT);
        try {
            follow(call, call.client.sendAsync(call.toSend, call.handler));
        } catch (RuntimeException refused) {
            call.logical.endAttempt(call.attempt, 0, null, refused);
            call.logical.end();
            call.result.completeExceptionally(refused);
        }
    }

    private HttpRequest prepare(Call call, ClientCall attempt) {
        HttpRequest original = call.original;
        long application = original.timeout().map(Duration::toMillis).orElse(Long.MAX_VALUE);
        long deadline = call.logical.remainingDeadlineMillis();
        int read = call.logical.readTimeoutMillis(0);
        long firstByte = read > 0 ? (long) read + Math.max(0, call.logical.connectTimeoutMillis(0)) : Long.MAX_VALUE;
        long timeout = Math.min(application, Math.min(deadline, firstByte));
        call.requestTimeoutKind = timeout == application ? null : timeout == deadline ? TimeoutKind.DEADLINE : TimeoutKind.READ;
        try {
            Map<String, List<String>> headers = null;
            if (!attempt.continuesApplicationContext()) {
                Map<String, List<String>> withContext = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
                withContext.putAll(original.headers().map());
                call.logical.inject(attempt, (name, value) -> withContext.put(name, List.of(value)));
                headers = withContext;
            }
            return new AttemptRequest(original, call, headers, timeout == application ? null : Duration.ofMillis(timeout));
        } catch (RuntimeException unusable) {
            // Headers HttpHeaders refuses: the request goes out as the application made it.
            return original;
        }
    }

    private static TimeoutKind timeoutKind(Call call, Throwable error) {
        if (error instanceof HttpConnectTimeoutException) {
            return TimeoutKind.CONNECT;
        }
        if (error instanceof HttpTimeoutException && call.bodyTimeoutKind != null) {
            return call.bodyTimeoutKind;
        }
        if (error instanceof HttpTimeoutException) {
            return call.requestTimeoutKind == null ? TimeoutKind.DEADLINE : call.requestTimeoutKind;
        }
        return null;
    }

    /**
     * A request can be sent again unless its body comes from a one-shot Flow.Publisher
     * (BodyPublishers.fromPublisher); the JDK's other publishers resubscribe, as the client's
     * own redirects rely on.
     */
    private static boolean replayable(HttpRequest request) {
        return request.bodyPublisher().map(body -> !body.getClass().getName().endsWith("PublisherAdapter")).orElse(true);
    }

    /** HttpHeaders.firstValue without the stream and Optional it builds per lookup: this runs on every call. */
    private static String firstValue(HttpHeaders headers, String name) {
        List<String> values = headers.allValues(name);
        return values.isEmpty() ? null : values.get(0);
    }

    /** A response the application will not see must not keep its connection or stream open. */
    private static void discard(HttpResponse<?> response) {
        if (response != null && response.body() instanceof AutoCloseable) {
            try {
                ((AutoCloseable) response.body()).close();
            } catch (Exception ignored) {
                // Closing a stream nobody reads; nothing to report.
            }
        }
    }

    private static String protocolVersion(HttpClient.Version version) {
        return version == HttpClient.Version.HTTP_2 ? "2" : "1.1";
    }

}
