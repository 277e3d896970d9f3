package dev.callsight.agent.core.client;

import dev.callsight.agent.bootstrap.CallRejectedException;
import dev.callsight.agent.core.AgentLog;
import dev.callsight.agent.core.Backoff;
import dev.callsight.agent.core.InternalThread;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;

/**
 * The course of one application call through a blocking client whose library makes its own
 * attempts (retries, redirects) inside a single method, all on the application's thread. The
 * glue reports the method's entry and exit and each attempt in between; this class begins the
 * logical call, numbers the attempts (the application's first, then the library's, or the
 * agent's after it decided to retry), shortens each attempt's timeouts to the policy and to
 * what is left of the deadline, aborts the call when the deadline passes, and decides the
 * agent's retries, which the glue carries out by running the method again. A response body is
 * part of its attempt and of the call: the application reads it after the method returned, so
 * the attempt ends, and the deadline stays armed, until the body is read to its end, closed or
 * fails.
 */
public final class BlockingCalls {

    /** One application call; the glue holds it from the method's entry to its last exit. */
    public static final class Call {
        final LogicalCall logical;
        /** The call this one runs inside on the same thread, if the library was called re-entrantly. */
        final Call outer;
        final boolean bodyReplayable;
        volatile SocketTimeoutException deadlinePassed;
        Alarm deadline;
        RetrySource nextSource = RetrySource.FIRST;
        /** The body of the latest response, while the application may still be reading it. */
        Body openBody;
        /** The method has returned for the last time; the call ends with its open body. */
        boolean exited;

        Call(LogicalCall logical, Call outer, boolean bodyReplayable) {
            this.logical = logical;
            this.outer = outer;
            this.bodyReplayable = bodyReplayable;
        }
    }

    /** One request on the wire within a call. */
    public static final class Attempt {
        final Call call;
        final ClientCall span;
        AttemptTimeouts timeouts;

        Attempt(Call call, ClientCall span) {
            this.call = call;
            this.span = span;
        }
    }

    /** A response body that ends its attempt, and the call if it is the last, when it is done. */
    public final class Body {
        private final Attempt attempt;
        private final int status;
        private final String protocolVersion;
        private final AtomicBoolean done = new AtomicBoolean();

        Body(Attempt attempt, int status, String protocolVersion) {
            this.attempt = attempt;
            this.status = status;
            this.protocolVersion = protocolVersion;
        }

        /** The stream to hand the application in place of the body's own. */
        public InputStream watch(InputStream content) {
            return new WatchedBody(content, this);
        }

        /** Read to its end or closed: the attempt ends with its status. */
        public void completed() {
            end(null);
        }

        /** Reading it failed: returns what the application gets, the library's timeout once the deadline passed. */
        public IOException failed(IOException error) {
            Call call = attempt.call;
            IOException reported = call.deadlinePassed != null ? (IOException) withCause(call.deadlinePassed, error) : error;
            end(reported);
            return reported;
        }

        /** Runs inside the application's reads, so nothing of the agent's may escape. */
        private void end(IOException error) {
            if (!done.compareAndSet(false, true)) {
                return;
            }
            try {
                attempt.call.logical.endAttempt(attempt.span, status, protocolVersion, error, timeoutKind(attempt, error));
                Call call = attempt.call;
                boolean last;
                synchronized (call) {
                    last = call.exited && call.openBody == this;
                    if (call.openBody == this) {
                        call.openBody = null;
                    }
                }
                if (last) {
                    finish(call);
                }
            } catch (RuntimeException agentFault) {
                AgentLog.warn("could not end an attempt when its body was done", agentFault);
            }
        }
    }

    private final OutboundCalls calls;
    private final ThreadLocal<Call> current = new ThreadLocal<>();

    public BlockingCalls(OutboundCalls calls) {
        this.calls = calls;
    }

    /**
     * The application's call begins.
     *
     * @param bodyReplayable whether the request body can be sent again, for the agent's retries
     * @param abort stops the call in flight; run from the agent's timer when the deadline passes
     * @return the call; or the CallRejectedException to throw instead of making it; or null when
     *     the call is not traced (the agent's own threads)
     */
    public Object begin(ClientRequest request, boolean bodyReplayable, Runnable abort) {
        if (InternalThread.isCurrent()) {
            return null;
        }
        LogicalCall logical;
        try {
            logical = calls.begin(request);
        } catch (CallRejectedException rejected) {
            return rejected;
        }
        Call call = new Call(logical, current.get(), bodyReplayable);
        current.set(call);
        long remaining = logical.remainingDeadlineMillis();
        if (remaining != Long.MAX_VALUE) {
            call.deadline = calls.timer().alarm(TimeUnit.MILLISECONDS.toNanos(remaining), () -> {
                call.deadlinePassed = new SocketTimeoutException("callsight: deadline of "
                        + logical.policy().timeouts().deadline().toMillis() + " ms passed");
                abort.run();
            });
        }
        return call;
    }

    /**
     * An attempt of the call running on this thread starts; its context headers are written
     * with {@code setHeader}.
     *
     * @return the attempt, or null when no call is traced on this thread
     */
    public Attempt startAttempt(ClientRequest attemptRequest, BiConsumer<String, String> setHeader) {
        Call call = current.get();
        if (call == null) {
            return null;
        }
        ClientCall span = call.logical.startAttempt(attemptRequest, call.nextSource);
        call.nextSource = RetrySource.CLIENT;
        call.logical.inject(span, setHeader);
        return new Attempt(call, span);
    }

    /**
     * The timeouts the attempt should use, given the application's (0 or less for none): the
     * policy's where shorter, and never past the deadline.
     */
    public AttemptTimeouts timeouts(Attempt attempt, int applicationConnectMillis, int applicationReadMillis) {
        attempt.timeouts = AttemptTimeouts.of(attempt.call.logical, applicationConnectMillis, applicationReadMillis);
        return attempt.timeouts;
    }

    /** The attempt ended with an error, or with a response that has no body. */
    public void endAttempt(Attempt attempt, int status, String protocolVersion, Throwable error) {
        if (attempt == null) {
            return;
        }
        Call call = attempt.call;
        Throwable reported = call.deadlinePassed != null && error != null ? call.deadlinePassed : error;
        call.logical.endAttempt(attempt.span, status, protocolVersion, reported, timeoutKind(attempt, reported));
    }

    /**
     * The attempt's response head arrived with a body, which the glue watches with the returned
     * Body: the attempt ends when the body is done.
     */
    public Body bodyOf(Attempt attempt, int status, String protocolVersion) {
        Body body = new Body(attempt, status, protocolVersion);
        Body unread;
        synchronized (attempt.call) {
            unread = attempt.call.openBody;
            attempt.call.openBody = body;
        }
        if (unread != null) {
            // The library moved on without finishing the earlier body; its attempt is over.
            unread.completed();
        }
        return body;
    }

    /**
     * The method returned or threw. Returns the wait before the agent retries, after which the
     * glue releases the response and calls {@link #backoff}; or -1 when the call is over, which
     * it is then, or once the last response's body is done.
     *
     * @param status the final response's status, or 0 when the method threw
     * @param retryAfter the final response's Retry-After header, or null
     */
    public long retryDelayNanos(Call call, int status, Throwable error, String retryAfter) {
        if (call.deadlinePassed == null && (error != null || status >= 400)) {
            long delay = call.logical.retryDelayNanos(status, error, retryAfter, call.bodyReplayable);
            if (delay >= 0) {
                return delay;
            }
        }
        exit(call);
        return -1;
    }

    /**
     * Waits the agent's backoff. Returns true when the method is to run again; false when the
     * thread was interrupted, which ends the retries and the call.
     */
    public boolean backoff(Call call, long delayNanos) {
        if (Backoff.sleep(delayNanos)) {
            call.nextSource = RetrySource.AGENT;
            return true;
        }
        exit(call);
        return false;
    }

    private void exit(Call call) {
        // set, never remove: the thread keeps its map entry, so the next call allocates none.
        current.set(call.outer);
        boolean bodyOpen;
        synchronized (call) {
            call.exited = true;
            bodyOpen = call.openBody != null;
        }
        if (!bodyOpen) {
            finish(call);
        }
    }

    private static void finish(Call call) {
        if (call.deadline != null) {
            call.deadline.cancel();
        }
        call.logical.end();
    }

    /** What the method throws: the library's own timeout exception once the deadline aborted the call. */
    public Throwable thrown(Call call, Throwable thrown) {
        return thrown != null && call.deadlinePassed != null ? withCause(call.deadlinePassed, thrown) : thrown;
    }

    private static TimeoutKind timeoutKind(Attempt attempt, Throwable error) {
        if (error == null) {
            return null;
        }
        if (attempt.call.deadlinePassed != null) {
            return TimeoutKind.DEADLINE;
        }
        return attempt.timeouts == null ? TimeoutKind.of(error) : attempt.timeouts.kindOf(error);
    }

    private static SocketTimeoutException withCause(SocketTimeoutException timeout, Throwable cause) {
        if (timeout.getCause() == null && cause != timeout) {
            timeout.initCause(cause);
        }
        return timeout;
    }
}
