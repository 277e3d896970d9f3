package dev.callsight.agent.core.client;

import dev.callsight.agent.core.http.UrlRedactor;
import java.net.URI;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What the core needs to know about an outbound request, whatever client sends it: the method, where it goes
 * (scheme, host, port and raw path, which every call needs for its policy, metrics and span name) and, only for the
 * calls that need it (a recorded span's {@code url.full}, an application's retry), the whole target as a URI. A
 * client that keeps its target in parts (HttpURLConnection's URL, OkHttp's HttpUrl, Apache's route and request line)
 * passes the parts and a way to build the URI, so an unsampled call parses none.
 *
 * <p>{@code headers} gives the first value of a header the application set on the request, by name (any case), or
 * null; read while the call begins, for the context headers the application set itself ({@code traceparent},
 * {@code b3}, {@code uber-trace-id}, {@code baggage}, ...). {@code idempotencyKey} says whether the application sent
 * an {@code Idempotency-Key} header, which makes a POST or PATCH safe to retry.
 */
public final class ClientRequest {

    /** For an attempt the client makes on its own, whose headers are copied from the application's request. */
    public static final Function<String, String> NO_HEADERS = name -> null;

    private final String method;
    private final String scheme;
    private final String host;
    /** As the target writes it: negative when it names none. */
    private final int targetPort;
    private final int port;
    private final String rawPath;
    /** Whether the target is scheme, host, port and path alone: no user info, query or fragment. */
    private final boolean plainTarget;
    private final Supplier<URI> target;
    private final Function<String, String> headers;
    private final boolean idempotencyKey;
    /** Built from target on first use; racing threads build equal ones. */
    private URI uri;

    /** A request whose client holds its target as a URI. */
    public ClientRequest(String method, URI uri, Function<String, String> headers, boolean idempotencyKey) {
        this(method, uri.getScheme(), uri.getHost(), uri.getPort(), uri.getRawPath(), false, null, headers,
                idempotencyKey);
        this.uri = uri;
    }

    /**
     * A request whose client keeps its target in parts.
     *
     * @param port the port as the target writes it, or a negative number when it names none (the scheme's default)
     * @param rawPath the path as it goes out, without the query
     * @param plainTarget whether the target is scheme, host, port and path alone (no user info, query or fragment):
     *     then {@link #urlFull()} writes it from these parts and parses no URI
     * @param target builds the whole target, query included; called at most once or twice, off the common path
     */
    public ClientRequest(String method, String scheme, String host, int port, String rawPath, boolean plainTarget,
            Supplier<URI> target, Function<String, String> headers, boolean idempotencyKey) {
        this.method = method;
        this.scheme = scheme;
        this.host = host == null ? "" : host;
        this.targetPort = port;
        this.port = port > 0 ? port : "https".equalsIgnoreCase(scheme) ? 443 : 80;
        this.rawPath = rawPath;
        this.plainTarget = plainTarget && scheme != null;
        this.target = target;
        this.headers = headers == null ? NO_HEADERS : headers;
        this.idempotencyKey = idempotencyKey;
    }

    public String method() {
        return method;
    }

    /** The host, or "" when the target names none. */
    public String host() {
        return host;
    }

    /** The port, the scheme's default (80 or 443) when the target names none. */
    public int port() {
        return port;
    }

    /** The raw path, without the query; may be null or empty. */
    public String rawPath() {
        return rawPath;
    }

    /** The whole target. */
    public URI uri() {
        URI built = uri;
        if (built == null) {
            built = target.get();
            uri = built;
        }
        return built;
    }

    /**
     * The target as a recorded span's {@code url.full} gives it ({@link UrlRedactor}): written from its parts when it
     * has nothing to redact or drop, so a recorded call of a client that keeps its target in parts parses no URI.
     */
    public String urlFull() {
        return plainTarget ? UrlRedactor.plain(scheme, host, targetPort, rawPath) : UrlRedactor.redact(uri());
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
