package dev.callsight.agent.core.client;

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

    /**
     * As {@link #uri(String, String, int, String)}, but {@code known} itself when it is that very URI: an attempt
     * usually goes where the application's request went, whose URI was built already.
     */
    public static URI uri(String scheme, String host, int port, String pathAndQuery, URI known) {
        return known != null && isBuiltFrom(known, scheme, host, port, pathAndQuery)
                ? known : uri(scheme, host, port, pathAndQuery);
    }

    private static boolean isBuiltFrom(URI known, String scheme, String host, int port, String pathAndQuery) {
        String authority = known.getRawAuthority();
        String path = known.getRawPath();
        String query = known.getRawQuery();
        if (authority == null || path == null || known.getRawFragment() != null || host.indexOf(':') >= 0
                || pathAndQuery == null || !pathAndQuery.startsWith("/") || known.getPort() != port
                || !scheme.equals(known.getScheme())) {
            return false;
        }
        int authorityLength = host.length() + (port >= 0 ? 1 + Integer.toString(port).length() : 0);
        int length = path.length() + (query == null ? 0 : 1 + query.length());
        return authority.length() == authorityLength && authority.startsWith(host)
                && pathAndQuery.length() == length && pathAndQuery.startsWith(path)
                && (query == null || pathAndQuery.charAt(path.length()) == '?' && pathAndQuery.endsWith(query));
    }

    /** "1.1" for HTTP/1.1, "2" for HTTP/2.0. */
    public static String protocolVersion(int major, int minor) {
        return major >= 2 && minor == 0 ? Integer.toString(major) : major + "." + minor;
    }
}
