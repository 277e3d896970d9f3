package dev.callsight.agent.core;

import java.net.URI;

/**
 * What the core needs to know about an outbound request, whatever client sends it.
 *
 * @param method the HTTP method as the application gave it
 * @param uri the target; for HttpURLConnection the URL converted to a URI
 * @param traceparent the {@code traceparent} header the application set itself, or null
 * @param tracestate the {@code tracestate} header the application set itself, or null
 * @param idempotencyKey whether the application sent an {@code Idempotency-Key} header, which
 *     makes a POST or PATCH safe to retry
 */
public final class ClientRequest {

    private final String method;
    private final URI uri;
    private final String traceparent;
    private final String tracestate;
    private final boolean idempotencyKey;

    public ClientRequest(String method, URI uri, String traceparent, String tracestate, boolean idempotencyKey) {
        this.method = method;
        this.uri = uri;
        this.traceparent = traceparent;
        this.tracestate = tracestate;
        this.idempotencyKey = idempotencyKey;
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

    public boolean hasIdempotencyKey() {
        return idempotencyKey;
    }

    public boolean hasApplicationTraceparent() {
        return traceparent != null;
    }
}
