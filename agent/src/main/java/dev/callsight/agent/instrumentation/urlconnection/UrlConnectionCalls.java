package dev.callsight.agent.instrumentation.urlconnection;

import dev.callsight.agent.bootstrap.UrlConnectionHook;
import dev.callsight.agent.core.CallDepth;
import dev.callsight.agent.core.ClientCall;
import dev.callsight.agent.core.ClientRequest;
import dev.callsight.agent.core.HttpClientTracer;
import dev.callsight.agent.core.InternalThread;
import java.net.HttpURLConnection;
import java.net.ProtocolException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The glue between HttpURLConnection and the core. A connection carries one request over several
 * method calls, and applications keep calling getInputStream or getResponseCode after the
 * response is in; so a connection stays known after its call ends (mapped to null), and a call
 * starts only once per connection. The maps hold connections weakly, so they cost nothing once
 * the application lets go of them, and are striped so threads rarely wait on each other.
 */
final class UrlConnectionCalls implements UrlConnectionHook {

    private static final int NO_STATUS = -1;
    private static final int STRIPES = 16;
    /** Only the JDK's own implementations; others merely inherit getResponseCode. */
    private static final String JDK_IMPLEMENTATIONS = "sun.net.www.protocol.";

    private final HttpClientTracer tracer;
    /** getResponseCode calls getInputStream, and the https wrapper calls its delegate. */
    private final CallDepth depth = new CallDepth();
    private final List<Map<HttpURLConnection, ClientCall>> calls = new ArrayList<>(STRIPES);

    UrlConnectionCalls(HttpClientTracer tracer) {
        this.tracer = tracer;
        for (int i = 0; i < STRIPES; i++) {
            calls.add(Collections.synchronizedMap(new WeakHashMap<>()));
        }
    }

    private Map<HttpURLConnection, ClientCall> callsOf(HttpURLConnection connection) {
        return calls.get(System.identityHashCode(connection) & (STRIPES - 1));
    }

    @Override
    public boolean enter(HttpURLConnection connection) {
        if (depth.enter() > 0) {
            return false;
        }
        Map<HttpURLConnection, ClientCall> known = callsOf(connection);
        if (!InternalThread.isCurrent() && !known.containsKey(connection)
                && connection.getClass().getName().startsWith(JDK_IMPLEMENTATIONS)) {
            ClientCall call = tracer.start(new ClientRequest(methodOf(connection), toUri(connection.getURL()),
                    connection.getRequestProperty("traceparent"), connection.getRequestProperty("tracestate")));
            try {
                tracer.inject(call, connection::setRequestProperty);
            } catch (IllegalStateException alreadyConnected) {
                // The application connected before the agent saw the connection; trace it untouched.
            }
            known.put(connection, call);
        }
        return true;
    }

    @Override
    public void exit(HttpURLConnection connection, boolean outermost, String method, Object returned, Throwable thrown) {
        if (!outermost) {
            depth.exit();
            return;
        }
        try {
            boolean endsRequest = "getInputStream".equals(method) || "getResponseCode".equals(method);
            if (!endsRequest && thrown == null) {
                return;
            }
            Map<HttpURLConnection, ClientCall> known = callsOf(connection);
            ClientCall call = known.get(connection);
            if (call == null) {
                return;
            }
            // Only once getInputStream or getResponseCode has run is the code cached; asking after
            // a failed connect would make the connection try again.
            int code = returned instanceof Integer ? (Integer) returned
                    : endsRequest ? cachedResponseCode(connection) : NO_STATUS;
            // HttpURLConnection throws for 4xx/5xx responses; the status already says what happened.
            boolean errorStatusOnly = thrown != null && code >= 400;
            Throwable error = errorStatusOnly ? null
                    : thrown == null && code < 0 ? new ProtocolException("no valid HTTP status line") : thrown;
            tracer.end(call, Math.max(code, 0), null, error);
            known.put(connection, null);
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
