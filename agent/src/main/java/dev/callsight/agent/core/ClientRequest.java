package dev.callsight.agent.core;

import java.net.URI;

/**
 * What the core needs to know about an outbound request, whatever client sends it.
 *
 * @param method the HTTP method as the application gave it
 * @param uri the target; for HttpURLConnection the URL converted to a URI
 * @param traceparent the {@code traceparent} header the application set itself, or null
 * @param tracestate the {@code tracestate} header the application set itself, or null
 */
public final class ClientRequest {

    private final String method;
    private final URI uri;
    private final String traceparent;
    private final String tracestate;

    public ClientRequest(String method, URI uri, String traceparent, String tracestate) {
        this.method = method;
        this.uri = uri;
        this.traceparent = traceparent;
        this.tracestate = tracestate;
    }

    public String method() {
        return method;
    }

    public URI uri() {
        return uri;
    }

    public String traceparent() {
        return traceparent;
    }

    public String tracestate() {
        return tracestate;
    }

    public boolean hasApplicationTraceparent() {
        return traceparent != null;
    }
}
