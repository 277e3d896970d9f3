package dev.callsight.agent.core.http;

import java.net.URI;
import java.util.Locale;
import java.util.Set;

/**
 * Produces {@code url.full} as the OpenTelemetry semantic conventions ask: credentials in the
 * user-info part and the values of sensitive query parameters are replaced by
 * {@code REDACTED}; the fragment, which never leaves the client, is dropped.
 */
public final class UrlRedactor {

    static final String REDACTED = "REDACTED";

    /** The semantic conventions' list, plus the parameter names that carry secrets in practice. */
    private static final Set<String> SENSITIVE_QUERY_KEYS = Set.of(
            "awsaccesskeyid", "signature", "sig", "x-goog-signature", "x-amz-signature", "x-amz-credential",
            "x-amz-security-token", "token", "access_token", "refresh_token", "id_token", "api_key", "apikey",
            "api-key", "key", "password", "passwd", "pwd", "secret", "client_secret", "auth", "authorization",
            "session", "sessionid", "jsessionid");

    private UrlRedactor() {}

    public static String redact(URI uri) {
        String query = uri.getRawQuery();
        if (query == null && uri.getRawUserInfo() == null && uri.getRawFragment() == null && uri.getScheme() != null) {
            // Nothing to redact or drop: the URI's own text is the result when it has exactly the parts written
            // below (no empty port, no missing path), which its length tells; and it is built already.
            String whole = uri.toString();
            if (whole.length() == plainLength(uri)) {
                return whole;
            }
        }
        StringBuilder out = new StringBuilder(128);
        out.append(uri.getScheme()).append("://");
        if (uri.getRawUserInfo() != null) {
            out.append(REDACTED).append(':').append(REDACTED).append('@');
        }
        String host = uri.getHost();
        appendHostPortPath(out, host == null ? "" : host, uri.getPort(), uri.getRawPath());
        if (query != null) {
            out.append('?');
            appendRedactedQuery(query, out);
        }
        return out.toString();
    }

    /**
     * scheme://host[:port]path, as {@link #redact} writes a target without user info, query or fragment, from its
     * parts: an IPv6 host gets its brackets, an empty path is "/".
     *
     * @param port the port as the target writes it, negative for none
     */
    public static String plain(String scheme, String host, int port, String rawPath) {
        StringBuilder out = new StringBuilder(scheme.length() + host.length() + 32).append(scheme).append("://");
        return appendHostPortPath(out, host, port, rawPath).toString();
    }

    /** host[:port]path: an IPv6 host without its brackets gets them, an empty path is "/". */
    private static StringBuilder appendHostPortPath(StringBuilder out, String host, int port, String rawPath) {
        boolean bareIpv6 = host.indexOf(':') >= 0 && !host.startsWith("[");
        if (bareIpv6) {
            out.append('[').append(host).append(']');
        } else {
            out.append(host);
        }
        if (port >= 0) {
            out.append(':').append(port);
        }
        return out.append(rawPath == null || rawPath.isEmpty() ? "/" : rawPath);
    }

    /** The length of scheme://host[:port]path, as {@link #redact} writes a URI without user info or query. */
    private static int plainLength(URI uri) {
        String host = uri.getHost();
        String path = uri.getRawPath();
        int port = uri.getPort();
        return uri.getScheme().length() + 3 + (host == null ? 0 : host.length())
                + (port >= 0 ? 1 + digits(port) : 0)
                + (path == null || path.isEmpty() ? 1 : path.length());
    }

    private static int digits(int number) {
        int digits = 1;
        for (int rest = number / 10; rest > 0; rest /= 10) {
            digits++;
        }
        return digits;
    }

    /** A raw query string with the values of sensitive parameters replaced, for {@code url.query}. */
    public static String redactQuery(String query) {
        StringBuilder out = new StringBuilder(query.length());
        appendRedactedQuery(query, out);
        return out.toString();
    }

    private static void appendRedactedQuery(String query, StringBuilder out) {
        int start = 0;
        while (start <= query.length()) {
            int end = query.indexOf('&', start);
            if (end < 0) {
                end = query.length();
            }
            String pair = query.substring(start, end);
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            if (eq >= 0 && SENSITIVE_QUERY_KEYS.contains(key.toLowerCase(Locale.ROOT))) {
                out.append(key).append('=').append(REDACTED);
            } else {
                out.append(pair);
            }
            if (end < query.length()) {
                out.append('&');
            }
            start = end + 1;
        }
    }
}
