package dev.callsight.agent.instrumentation.okhttp;

import dev.callsight.agent.core.client.RetrySource;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;
import okio.AsyncTimeout;
import okio.Timeout;

/**
 * The last application interceptor of every client: one logical call per request the
 * application makes. It applies the policy's connect and read timeouts to the chain and its
 * deadline to the call's timeout, never lengthening a shorter one the application chose, and
 * retries where the policy asks, by proceeding again once the previous response is closed. A
 * call the circuit breaker or concurrency limit refuses fails here with CallRejectedException,
 * which execute() throws and enqueue() hands to Callback.onFailure.
 */
final class PolicyInterceptor implements Interceptor {

    private final OkHttpCalls calls;
    private final OneShotBodies bodies;

    PolicyInterceptor(OkHttpCalls calls, OneShotBodies bodies) {
        this.calls = calls;
        this.bodies = bodies;
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        CallInProgress call = calls.begin(chain);
        if (call == null) {
            return chain.proceed(chain.request());
        }
        try {
            return proceed(call, limited(chain, call));
        } finally {
            calls.end(call);
        }
    }

    private Response proceed(CallInProgress call, Chain chain) throws IOException {
        Request request = chain.request();
        while (true) {
            Response response;
            try {
                response = chain.proceed(request);
            } catch (IOException failed) {
                if (call.lastAttempt == null || !waitToRetry(call, retryDelayNanos(call, request, 0, failed, null))) {
                    throw failed;
                }
                continue;
            }
            if (response.code() < 400 || call.lastAttempt == null) {
                return response;
            }
            calls.endAttempt(call.lastAttempt, response);
            long delay = retryDelayNanos(call, request, response.code(), null, response.header("Retry-After"));
            if (!waitToRetry(call, delay)) {
                return response;
            }
            // OkHttp allows the next proceed only once the previous response is closed.
            response.close();
        }
    }

    private long retryDelayNanos(CallInProgress call, Request request, int status, IOException error, String retryAfter) {
        try {
            return call.logical.retryDelayNanos(status, error, retryAfter, bodies.replayable(request.body()));
        } catch (RuntimeException unexpected) {
            return -1;
        }
    }

    /** Waits the backoff; false when there is to be no retry, or the call was cancelled or its thread interrupted. */
    private static boolean waitToRetry(CallInProgress call, long delayNanos) {
        if (delayNanos < 0 || call.call.isCanceled()) {
            return false;
        }
        try {
            TimeUnit.NANOSECONDS.sleep(delayNanos);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return false;
        }
        if (call.call.isCanceled()) {
            return false;
        }
        call.nextSource = RetrySource.AGENT;
        return true;
    }

    /** The chain with the policy's connect and read timeouts, and the call with its deadline. */
    private static Chain limited(Chain chain, CallInProgress call) {
        try {
            Chain limited = chain;
            int connect = call.logical.connectTimeoutMillis(chain.connectTimeoutMillis());
            if (connect != chain.connectTimeoutMillis()) {
                limited = limited.withConnectTimeout(connect, TimeUnit.MILLISECONDS);
            }
            int read = call.logical.readTimeoutMillis(chain.readTimeoutMillis());
            if (read != chain.readTimeoutMillis()) {
                limited = limited.withReadTimeout(read, TimeUnit.MILLISECONDS);
            }
            applyDeadline(call);
            return limited;
        } catch (RuntimeException unexpected) {
            return chain;
        }
    }

    /**
     * OkHttp's call timeout (an okio AsyncTimeout) was started before the first interceptor ran;
     * a shorter deadline restarts it with what is left, so OkHttp itself cancels the call and
     * throws its usual InterruptedIOException "timeout", while connecting, waiting or reading
     * the body alike.
     */
    private static void applyDeadline(CallInProgress call) {
        Timeout timeout = call.call.timeout();
        long application = timeout.timeoutNanos();
        long now = System.nanoTime();
        long remaining = call.logical.remainingDeadlineMillis();
        long chosen = application;
        if (remaining != Long.MAX_VALUE && timeout instanceof AsyncTimeout
                && (application == 0 || TimeUnit.MILLISECONDS.toNanos(remaining) < application)) {
            AsyncTimeout restarted = (AsyncTimeout) timeout;
            restarted.exit();
            restarted.timeout(remaining, TimeUnit.MILLISECONDS);
            restarted.enter();
            chosen = TimeUnit.MILLISECONDS.toNanos(remaining);
        }
        call.deadlineNanos = chosen == 0 ? 0 : now + chosen;
    }
}
