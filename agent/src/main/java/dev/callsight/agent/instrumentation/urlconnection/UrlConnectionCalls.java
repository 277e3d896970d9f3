package dev.callsight.agent.instrumentation.urlconnection;

import dev.callsight.agent.bootstrap.CallRejectedException;
import dev.callsight.agent.bootstrap.UrlConnectionHook;
import dev.callsight.agent.core.CallDepth;
import dev.callsight.agent.core.ClientCall;
import dev.callsight.agent.core.ClientRequest;
import dev.callsight.agent.core.InternalThread;
import dev.callsight.agent.core.LogicalCall;
import dev.callsight.agent.core.OutboundCalls;
import dev.callsight.agent.core.RetrySource;
import dev.callsight.agent.core.TimeoutKind;
import java.net.HttpURLConnection;
import java.net.ProtocolException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

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
 * which the application then sees as the SocketTimeoutException it already handles. A
 * connection is one request, so the agent records it but cannot retry it.
 */
final class UrlConnectionCalls implements UrlConnectionHook {

    private static final int NO_STATUS = -1;
    private static final int STRIPES = 16;
    /** Only the JDK's own implementations; others merely inherit getResponseCode. */
    private static final String JDK_IMPLEMENTATIONS = "sun.net.www.protocol.";

    /** A connection's call while it is in flight. */
    private static final class Tracked {
        final LogicalCall logical;
        final ClientCall attempt;
        final CallRejectedException rejection;
        volatile ScheduledFuture<?> deadline;
        volatile boolean deadlinePassed;
        volatile boolean readCappedByDeadline;

        Tracked(LogicalCall logical, ClientCall attempt, CallRejectedException rejection) {
            this.logical = logical;
            this.attempt = attempt;
            this.rejection = rejection;
        }
    }

    private final OutboundCalls calls;
    /** getResponseCode calls getInputStream, and the https wrapper calls its delegate. */
    private final CallDepth depth = new CallDepth();
    private final List<Map<HttpURLConnection, Tracked>> tracked = new ArrayList<>(STRIPES);

    UrlConnectionCalls(OutboundCalls calls) {
        this.calls = calls;
        for (int i = 0; i < STRIPES; i++) {
            tracked.add(Collections.synchronizedMap(new WeakHashMap<>()));
        }
    }

    private Map<HttpURLConnection, Tracked> trackedOf(HttpURLConnection connection) {
        return tracked.get(System.identityHashCode(connection) & (STRIPES - 1));
    }

    @Override
    public Object enter(HttpURLConnection connection) {
        if (depth.enter() > 0) {
            return null;
        }
        Map<HttpURLConnection, Tracked> known = trackedOf(connection);
        Tracked existing = known.get(connection);
        if (existing != null && existing.rejection != null) {
            return existing.rejection;
        }
        if (existing != null || known.containsKey(connection) || InternalThread.isCurrent()
                || !connection.getClass().getName().startsWith(JDK_IMPLEMENTATIONS)) {
            return Boolean.TRUE;
        }
        LogicalCall logical;
        try {
            logical = calls.begin(new ClientRequest(methodOf(connection), toUri(connection.getURL()),
                    connection::getRequestProperty, connection.getRequestProperty("Idempotency-Key") != null));
        } catch (CallRejectedException rejected) {
            known.put(connection, new Tracked(null, null, rejected));
            return rejected;
        }
        Tracked call = new Tracked(logical, logical.startAttempt(logical.request(), RetrySource.FIRST), null);
        try {
            logical.inject(call.attempt, connection::setRequestProperty);
            applyTimeouts(connection, call);
        } catch (IllegalStateException alreadyConnected) {
            // The application connected before the agent saw the connection; trace it untouched.
        }
        known.put(connection, call);
        return Boolean.TRUE;
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
        call.deadline = calls.timer().schedule(() -> {
            call.deadlinePassed = true;
            connection.disconnect();
        }, TimeUnit.MILLISECONDS.toNanos(deadline));
    }

    @Override
    public Throwable exit(HttpURLConnection connection, Object entered, String method, Object returned,
            Throwable thrown) {
        if (!Boolean.TRUE.equals(entered)) {
            depth.exit();
            return entered instanceof CallRejectedException ? (CallRejectedException) entered : thrown;
        }
        try {
            boolean endsRequest = "getInputStream".equals(method) || "getResponseCode".equals(method);
            if (!endsRequest && thrown == null) {
                return thrown;
            }
            Map<HttpURLConnection, Tracked> known = trackedOf(connection);
            Tracked call = known.get(connection);
            if (call == null || call.logical == null) {
                return thrown;
            }
            if (call.deadline != null) {
                call.deadline.cancel(false);
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
            call.logical.end();
            known.put(connection, null);
            return toThrow;
        } finally {
            depth.exit();
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
