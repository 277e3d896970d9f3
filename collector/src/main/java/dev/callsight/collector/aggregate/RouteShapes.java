package dev.callsight.collector.aggregate;

import java.util.regex.Pattern;

/**
 * Collapses path segments that look like per-request values into {@code {id}}, so a route received as a raw path
 * still names one route: numbers, UUIDs, long hex strings, base64-like tokens, e-mail addresses and dates.
 * Segments already templated, such as {@code {id}}, stay. The agent's {@code RouteTemplate} applies the same
 * shapes; this side catches senders that do not.
 */
public final class RouteShapes {

    static final String ID = "{id}";
    private static final int MAX_SEGMENTS = 12;
    private static final Pattern NUMBER = Pattern.compile("[0-9]+");
    private static final Pattern UUID = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    /** At least 16 hex digits with a digit among them, so words such as {@code deadbeefdeadbeef} stay. */
    private static final Pattern LONG_HEX = Pattern.compile("(?=.*[0-9])[0-9a-fA-F]{16,}");
    /** At least 16 base64 or base64url characters mixing digits, upper and lower case: a token, not a slug. */
    private static final Pattern TOKEN = Pattern.compile("(?=.*[0-9])(?=.*[a-z])(?=.*[A-Z])[A-Za-z0-9+_=.-]{16,}");
    /** Something@domain.tld, the at sign as is or percent-encoded. */
    private static final Pattern EMAIL = Pattern.compile("[^@/]+(@|%40)[^@/]+\\.[^@/.]+");
    /** An ISO date, optionally followed by a time (percent-encoded or not): 2026-01-31, 2026-01-31T10:15:30Z. */
    private static final Pattern DATE = Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}([Tt][0-9:.+%AaZz-]*)?");

    private RouteShapes() {
    }

    /** The route with identifier-shaped segments as {@code {id}}; the query string, if any, dropped. */
    public static String collapse(String route) {
        if (route.isEmpty()) {
            return route;
        }
        int query = route.indexOf('?');
        String path = query < 0 ? route : route.substring(0, query);
        StringBuilder collapsed = new StringBuilder(path.length());
        String[] segments = path.split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            if (i > MAX_SEGMENTS) {
                collapsed.append("/…");
                break;
            }
            if (i > 0) {
                collapsed.append('/');
            }
            collapsed.append(isIdentifier(segments[i]) ? ID : segments[i]);
        }
        return collapsed.toString();
    }

    static boolean isIdentifier(String segment) {
        return !segment.isEmpty() && mayBeIdentifier(segment) && (NUMBER.matcher(segment).matches() || UUID.matcher(segment).matches()
                || LONG_HEX.matcher(segment).matches() || TOKEN.matcher(segment).matches()
                || EMAIL.matcher(segment).matches() || DATE.matcher(segment).matches());
    }

    /**
     * False for a segment none of the shapes can match, found without a regular expression: every shape but a UUID
     * needs a digit or an at sign (as is or percent-encoded), and a UUID is 36 characters long. Most segments of a
     * route are words or templates, and the expressions were a sixth of ingest's CPU.
     */
    private static boolean mayBeIdentifier(String segment) {
        if (segment.length() == 36) {
            return true;
        }
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if ((c >= '0' && c <= '9') || c == '@' || c == '%') {
                return true;
            }
        }
        return false;
    }
}
