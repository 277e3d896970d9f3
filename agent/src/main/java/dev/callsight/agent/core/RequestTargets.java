package dev.callsight.agent.core;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * Puts a request's target back together for libraries that keep scheme, host, port and the
 * request path apart (Apache HttpClient's route and request line), and names their protocol
 * versions as the semantic conventions do.
 */
public final class RequestTargets {

    private RequestTargets() {}

    /**
     * @param port the port, or a negative number for the scheme's default
     * @param pathAndQuery the raw path with its query, as it goes out on the request line
     */
    public static URI uri(String scheme, String host, int port, String pathAndQuery) {
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
