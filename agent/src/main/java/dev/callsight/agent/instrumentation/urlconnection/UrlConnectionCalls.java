package dev.callsight.agent.instrumentation.urlconnection;

import dev.callsight.agent.bootstrap.CallRejectedException;
import dev.callsight.agent.bootstrap.UrlConnectionHook;
import dev.callsight.agent.core.AgentLog;
import dev.callsight.agent.core.CallDepth;
import dev.callsight.agent.core.WeakStripes;
import dev.callsight.agent.core.InternalThread;
import dev.callsight.agent.core.client.Alarm;
import dev.callsight.agent.core.Backoff;
import dev.callsight.agent.core.client.ClientCall;
import dev.callsight.agent.core.client.ClientRequest;
import dev.callsight.agent.core.client.LogicalCall;
import dev.callsight.agent.core.client.OutboundCalls;
import dev.callsight.agent.core.client.RetrySource;
import dev.callsight.agent.core.client.TimeoutKind;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.HttpURLConnection;
import java.net.ProtocolException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.HttpsURLConnection;

/**
 * The glue between HttpURLConnection and the core. A connection carries one request over several
 * method calls, and applications keep calling getInputStream or getResponseCode after the
 * response is in; so a connection stays known after its call ends (mapped to null), and a call
 * starts only once per connection. The maps hold connections weakly, so they cost nothing once
 * the application lets go of them, and are striped so threads rarely wait on each other.
 *
 * <p>Timeouts: the policy's connect and read timeouts become the connection's own (never
 * longer than the application's); the read timeout is also capped by what is left of the
 * deadline, and a timer disconnects a call still waiting for its response at the deadline,
 * which the application then sees as the SocketTimeoutException it already handles.
 *
 * <p>Retries: a connection sends one request, so the agent sends a retry on a new connection to
 * the same URL with the same method, headers and settings ({@link Replay}), and the application's
 * connection is then answered by the last one that got a response (or throws the last attempt's
 * failure). Only a request without a body is resent, and not through a proxy the application
 * chose, which the new connection could not know.
 */
final class UrlConnectionCalls implements UrlConnectionHook {

    private static final int NO_STATUS = -1;
    private static final Object[] NO_ARGUMENTS = {};
    /** Only the JDK's own implementations; others merely inherit getResponseCode. */
    private static final String JDK_IMPLEMENTATIONS = "sun.net.www.protocol.";

    /** A connection's call while it is in flight. */
    private static final class Tracked {
        final LogicalCall logical;
        final ClientCall attempt;
        final CallRejectedException rejection;
        /** How to send the request again; null when the policy cannot retry it. */
        final Replay replay;
        volatile Alarm deadline;
        volatile boolean deadlinePassed;
        volatile boolean readCappedByDeadline;

        Tracked(LogicalCall logical, ClientCall attempt, CallRejectedException rejection, Replay replay) {
            this.logical = logical;
            this.attempt = attempt;
            this.rejection = rejection;
            this.replay = replay;
        }
    }

    /** How an attempt ended: its status (or {@link #NO_STATUS}), the error it is recorded with, what the method throws. */
    private static final class Ending {
        final int code;
        final Throwable error;
        final Throwable toThrow;

        Ending(int code, Throwable error, Throwable toThrow) {
            this.code = code;
            this.error = error;
            this.toThrow = toThrow;
        }
    }

    /** After agent retries: the connection that answers the application's, or the last attempt's failure to throw. */
    private static final class Replaced {
        final HttpURLConnection answered;
        final Throwable failure;

        Replaced(HttpURLConnection answered, Throwable failure) {
            this.answered = answered;
            this.failure = failure;
        }
    }

    private final OutboundCalls calls;
    /** getResponseCode calls getInputStream, and the https wrapper calls its delegate. */
    private final CallDepth depth = new CallDepth();
    private final WeakStripes<HttpURLConnection, Tracked> tracked = new WeakStripes<>();
    /** Credentials set on a connection, which it will not tell again; kept until its call begins. */
    private final WeakStripes<HttpURLConnection, Map<String, List<String>>> credentials = new WeakStripes<>();
    private final WeakStripes<HttpURLConnection, Replaced> replaced = new WeakStripes<>();
    /** No lookup at all on the response readers of a JVM whose calls were never retried. */
    private volatile boolean anyReplaced;

    UrlConnectionCalls(OutboundCalls calls) {
        this.calls = calls;
    }

    @Override
    public Object enter(HttpURLConnection connection) {
        Replaced retried = anyReplaced ? replaced.of(connection).get(connection) : null;
        if (depth.enter() > 0) {
            return null;
        }
        if (retried != null) {
            return retried.failure != null ? retried.failure : retried.answered;
        }
        Map<HttpURLConnection, Tracked> known = tracked.of(connection);
        Tracked existing = known.get(connection);
        if (existing != null && existing.rejection != null) {
            return existing.rejection;
        }
        if (existing != null || known.containsKey(connection) || InternalThread.isCurrent()
                || !connection.getClass().getName().startsWith(JDK_IMPLEMENTATIONS)) {
            return null;
        }
        ApplicationHeaders headers = new ApplicationHeaders(connection);
        LogicalCall logical;
        try {
            URL url = connection.getURL();
            logical = calls.begin(new ClientRequest(methodOf(connection), url.getProtocol(), url.getHost(),
                    url.getPort(), url.getPath(), url.getQuery() == null && url.getUserInfo() == null
                            && url.getRef() == null, () -> toUri(url), headers,
                    connection.getRequestProperty("Idempotency-Key") != null));
        } catch (CallRejectedException rejected) {
            known.put(connection, new Tracked(null, null, rejected, null));
            return rejected;
        }
        Replay replay = replayOf(connection, logical);
        Tracked call = new Tracked(logical, logical.startAttempt(logical.request(), RetrySource.FIRST), null, replay);
        try {
            logical.inject(call.attempt, headers);
            applyTimeouts(connection, call);
        } catch (IllegalStateException alreadyConnected) {
            // The application connected before the agent saw the connection; trace it untouched.
        }
        known.put(connection, call);
        return null;
    }

    /** Only for a request a retry policy could resend: no body, and its headers still readable. */
    private Replay replayOf(HttpURLConnection connection, LogicalCall logical) {
        Map<String, List<String>> secret = credentials.of(connection).remove(connection);
        if (logical.policy().retry() == null || !logical.policy().enforced() || connection.getDoOutput()) {
            return null;
        }
        try {
            return new Replay(connection, secret);
        } catch (IllegalStateException alreadyConnected) {
            return null;
        }
    }

    private void applyTimeouts(HttpURLConnection connection, Tracked call) {
        LogicalCall logical = call.logical;
        connection.setConnectTimeout(logical.connectTimeoutMillis(connection.getConnectTimeout()));
        int read = logical.readTimeoutMillis(connection.getReadTimeout());
        long deadline = logical.remainingDeadlineMillis();
        if (deadline == Long.MAX_VALUE) {
            connection.setReadTimeout(read);
            return;
        }
        call.readCappedByDeadline = read <= 0 || deadline < read;
        connection.setReadTimeout(call.readCappedByDeadline ? (int) Math.min(Integer.MAX_VALUE, deadline) : read);
        call.deadline = calls.timer().alarm(TimeUnit.MILLISECONDS.toNanos(deadline), () -> {
            call.deadlinePassed = true;
            connection.disconnect();
        });
    }

    @Override
    public Object exit(HttpURLConnection connection, Object entered, String method, Object returned, Throwable thrown)
            throws Throwable {
        Throwable toThrow = thrown;
        HttpURLConnection answered = entered instanceof HttpURLConnection ? (HttpURLConnection) entered : null;
        try {
            if (entered instanceof Throwable) {
                toThrow = (Throwable) entered;
            } else if (answered == null && depth.outermost()) {
                toThrow = end(connection, method, returned, thrown);
                Replaced retried = anyReplaced ? replaced.of(connection).get(connection) : null;
                if (retried != null && retried.failure != null) {
                    toThrow = retried.failure;
                } else if (retried != null) {
                    answered = retried.answered;
                }
            }
        } catch (RuntimeException agentFault) {
            AgentLog.warn("could not record an HttpURLConnection call", agentFault);
        } finally {
            depth.exit();
        }
        if (answered != null) {
            return delegate(answered, method, NO_ARGUMENTS);
        }
        if (toThrow != null) {
            throw toThrow;
        }
        return returned;
    }

    /** Ends the connection's call when the method ends its request; returns what the method throws. */
    private Throwable end(HttpURLConnection connection, String method, Object returned, Throwable thrown) {
        boolean endsRequest = "getInputStream".equals(method) || "getResponseCode".equals(method);
        if (!endsRequest && thrown == null) {
            return thrown;
        }
        Map<HttpURLConnection, Tracked> known = tracked.of(connection);
        Tracked call = known.get(connection);
        if (call == null || call.logical == null) {
            return thrown;
        }
        Ending ending = endAttempt(connection, call, endsRequest, returned, thrown);
        known.put(connection, null);
        if (call.replay != null) {
            retry(connection, call, ending);
        }
        call.logical.end();
        return ending.toThrow;
    }

    private Ending endAttempt(HttpURLConnection connection, Tracked call, boolean endsRequest, Object returned,
            Throwable thrown) {
        if (call.deadline != null) {
            call.deadline.cancel();
        }
        // Only once getInputStream or getResponseCode has run is the code cached; asking after
        // a failed connect would make the connection try again.
        int code = returned instanceof Integer ? (Integer) returned
                : endsRequest && !call.deadlinePassed ? cachedResponseCode(connection) : NO_STATUS;
        Throwable toThrow = thrown;
        TimeoutKind timeout = null;
        if (thrown != null && call.deadlinePassed) {
            toThrow = new SocketTimeoutException("deadline of policy " + call.logical.policy().name()
                    + " exceeded: " + call.logical.policy().timeouts().deadline());
            toThrow.initCause(thrown);
            timeout = TimeoutKind.DEADLINE;
        } else if (thrown instanceof SocketTimeoutException && call.readCappedByDeadline
                && TimeoutKind.of(thrown) == TimeoutKind.READ) {
            timeout = TimeoutKind.DEADLINE;
        }
        // HttpURLConnection throws for 4xx/5xx responses; the status already says what happened.
        boolean errorStatusOnly = toThrow != null && code >= 400;
        Throwable error = errorStatusOnly ? null
                : toThrow == null && code < 0 ? new ProtocolException("no valid HTTP status line") : toThrow;
        call.logical.endAttempt(call.attempt, Math.max(code, 0), null, error, timeout);
        return new Ending(code, error, toThrow);
    }

    /**
     * The agent's retries, on the application's thread as for the other blocking clients: while
     * the call's policy, deadline and budget allow, wait the backoff and send the request again
     * on a new connection, an attempt of the same call.
     */
    private void retry(HttpURLConnection connection, Tracked first, Ending firstEnding) {
        LogicalCall logical = first.logical;
        HttpURLConnection last = connection;
        Ending ending = firstEnding;
        HttpURLConnection answered = null;
        Throwable failure = null;
        // Through a proxy, which may be one the application gave this connection only, nothing is resent.
        boolean resendable = !connection.usingProxy();
        depth.enter();
        try {
            while (true) {
                String retryAfter = ending.code > 0 ? last.getHeaderField("Retry-After") : null;
                long delay = logical.retryDelayNanos(Math.max(ending.code, 0), ending.error, retryAfter, resendable);
                if (delay < 0 || !Backoff.sleep(delay)) {
                    break;
                }
                HttpURLConnection next;
                try {
                    next = first.replay.open();
                } catch (IOException | RuntimeException cannotReopen) {
                    AgentLog.warn("could not open a connection to retry " + connection.getURL(), cannotReopen);
                    break;
                }
                tracked.of(next).put(next, null);
                Tracked attempt = new Tracked(logical, logical.startAttempt(logical.request(), RetrySource.AGENT), null,
                        first.replay);
                logical.inject(attempt.attempt, next::setRequestProperty);
                applyTimeouts(next, attempt);
                Integer code = null;
                Throwable thrown = null;
                try {
                    code = next.getResponseCode();
                } catch (IOException noResponse) {
                    thrown = noResponse;
                }
                ending = endAttempt(next, attempt, true, code, thrown);
                last = next;
                if (ending.code > 0) {
                    answered = next;
                    failure = null;
                } else {
                    failure = ending.toThrow;
                }
            }
        } finally {
            depth.exit();
        }
        if (answered != null || failure != null) {
            replaced.of(connection).put(connection, new Replaced(answered, failure));
            anyReplaced = true;
        }
    }

    @Override
    public HttpURLConnection replacement(HttpURLConnection connection) {
        if (!anyReplaced) {
            return null;
        }
        Replaced retried = replaced.of(connection).get(connection);
        return retried == null ? null : retried.answered;
    }

    @Override
    public Object delegate(HttpURLConnection replacement, String method, Object[] arguments) throws Throwable {
        Method target = publicMethod(replacement, method, arguments);
        if (target == null) {
            return null;
        }
        try {
            return target.invoke(replacement, arguments);
        } catch (InvocationTargetException thrown) {
            throw thrown.getCause();
        }
    }

    /** The public API method (of HttpsURLConnection or HttpURLConnection) with this name that takes these arguments. */
    private static Method publicMethod(HttpURLConnection connection, String name, Object[] arguments) {
        Class<?> api = connection instanceof HttpsURLConnection ? HttpsURLConnection.class : HttpURLConnection.class;
        for (Method method : api.getMethods()) {
            if (method.getName().equals(name) && accepts(method.getParameterTypes(), arguments)) {
                return method;
            }
        }
        return null;
    }

    private static boolean accepts(Class<?>[] types, Object[] arguments) {
        if (types.length != arguments.length) {
            return false;
        }
        for (int i = 0; i < types.length; i++) {
            Class<?> type = types[i] == int.class ? Integer.class : types[i] == long.class ? Long.class : types[i];
            if (arguments[i] != null && !type.isInstance(arguments[i])) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void header(HttpURLConnection connection, String name, String value, boolean add) {
        if (!Replay.isCredential(name) || value == null) {
            return;
        }
        Map<HttpURLConnection, Map<String, List<String>>> stripe = credentials.of(connection);
        synchronized (stripe) {
            List<String> values = stripe.computeIfAbsent(connection, c -> new HashMap<>())
                    .computeIfAbsent(name, n -> new ArrayList<>());
            if (!add) {
                values.clear();
            }
            values.add(value);
        }
    }

    /**
     * The method the request will go out with: HttpURLConnection turns a GET into a POST when the
     * application writes a body, which it signals by setting doOutput before connecting.
     */
    private static String methodOf(HttpURLConnection connection) {
        String method = connection.getRequestMethod();
        return connection.getDoOutput() && "GET".equals(method) ? "POST" : method;
    }

    /** Runs while the depth is held, so the nested getResponseCode/getInputStream are not traced. */
    private static int cachedResponseCode(HttpURLConnection connection) {
        try {
            return connection.getResponseCode();
        } catch (Exception noResponse) {
            return NO_STATUS;
        }
    }

    private static URI toUri(URL url) {
        try {
            return url.toURI();
        } catch (URISyntaxException notStrictlyValid) {
            try {
                return new URI(url.getProtocol(), url.getUserInfo(), url.getHost(), url.getPort(), url.getPath(), url.getQuery(), null);
            } catch (URISyntaxException unusable) {
                return URI.create(url.getProtocol() + "://" + url.getHost());
            }
        }
    }
}
