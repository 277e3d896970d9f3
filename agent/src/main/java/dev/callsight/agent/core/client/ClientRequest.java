package dev.callsight.agent.core.client;

import java.net.URI;
import java.util.function.Function;

/**
 * What the core needs to know about an outbound request, whatever client sends it.
 *
 * @param method the HTTP method as the application gave it
 * @param uri the target; for HttpURLConnection the URL converted to a URI
 * @param headers the first value of a header the application set on the request, by name (any
 *     case), or null; read while the call begins, for the context headers the application set
 *     itself ({@code traceparent}, {@code b3}, {@code uber-trace-id}, {@code baggage}, ...)
 * @param idempotencyKey whether the application sent an {@code Idempotency-Key} header, which
 *     makes a POST or PATCH safe to retry
 */
public final class ClientRequest {

    /** For an attempt the client makes on its own, whose headers are copied from the application's request. */
    public static final Function<String, String> NO_HEADERS = name -> null;

    private final String method;
    private final URI uri;
    private final Function<String, String> headers;
    private final boolean idempotencyKey;

    public ClientRequest(String method, URI uri, Function<String, String> headers, boolean idempotencyKey) {
        this.method = method;
        this.uri = uri;
        this.headers = headers == null ? NO_HEADERS : headers;
        this.idempotencyKey = idempotencyKey;
    }

    public String method() {
        return method;
    }

    public URI uri() {
        return uri;
    }

    /** The application's value of a header, or null; a client that refuses to tell counts as none. */
    public String header(String name) {
        try {
            return headers.apply(name);
        } catch (RuntimeException unreadable) {
            return null;
        }
    }

    public boolean hasIdempotencyKey() {
        return idempotencyKey;
    }
}
