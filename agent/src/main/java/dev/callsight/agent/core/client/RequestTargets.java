package dev.callsight.agent.core.client;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.function.Function;

/**
 * Describes the requests of libraries that keep scheme, host, port and the request path apart (Apache HttpClient's
 * route and request line), and names their protocol versions as the semantic conventions do.
 */
public final class RequestTargets {

    private RequestTargets() {}

    /**
     * A request of a library that keeps its target in parts; its URI is put together only if a call needs it.
     *
     * @param port the port, or a negative number for the scheme's default
     * @param pathAndQuery the raw path with its query, as it goes out on the request line
     */
    public static ClientRequest request(String method, String scheme, String host, int port, String pathAndQuery,
            Function<String, String> headers, boolean idempotencyKey) {
        int query = pathAndQuery == null ? -1 : pathAndQuery.indexOf('?');
        String path = query < 0 ? pathAndQuery : pathAndQuery.substring(0, query);
        return new ClientRequest(method, scheme, host, port, path, query < 0,
                () -> uri(scheme, host, port, pathAndQuery), headers, idempotencyKey);
    }

    static URI uri(String scheme, String host, int port, String pathAndQuery) {
        String authority = (host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host)
                + (port >= 0 ? ":" + port : "");
        String path = pathAndQuery == null || pathAndQuery.isEmpty() ? "/" : pathAndQuery;
        try {
            return new URI(scheme + "://" + authority + (path.startsWith("/") ? path : "/" + path));
        } catch (URISyntaxException notStrictlyValid) {
            // Libraries send what a lenient server accepts; the span keeps at least where it went.
            return URI.create(scheme + "://" + authority + "/");
        }
    }

    /** "1.1" for HTTP/1.1, "2" for HTTP/2.0. */
    public static String protocolVersion(int major, int minor) {
        return major >= 2 && minor == 0 ? Integer.toString(major) : major + "." + minor;
    }
}
