package dev.callsight.agent.core.http;

/**
 * Turns a URL path into a low-cardinality route such as {@code /users/{id}/orders}: segments
 * that are numbers, UUIDs, long hex strings, base64-like tokens, e-mail addresses or ISO dates
 * become {@code {id}}. The result names spans and labels metrics, so it must never carry
 * per-request values. The collector collapses the same shapes in routes it receives.
 */
public final class RouteTemplate {

    static final String ID = "{id}";
    private static final int MIN_HEX_ID_LENGTH = 16;
    private static final int MAX_SEGMENTS = 12;

    private RouteTemplate() {}

    public static String of(String path) {
        if (path == null || path.isEmpty() || "/".equals(path)) {
            return "/";
        }
        // Segments are judged where they lie in the path; the route is only written out once one differs from it.
        StringBuilder route = null;
        int segments = 0;
        int start = path.charAt(0) == '/' ? 1 : 0;
        while (start <= path.length()) {
            int end = path.indexOf('/', start);
            if (end < 0) {
                end = path.length();
            }
            if (++segments > MAX_SEGMENTS) {
                route = started(route, path, start - 1);
                route.append("/…");
                break;
            }
            if (isIdentifier(path, start, end)) {
                route = started(route, path, start - 1);
                route.append('/').append(ID);
            } else if (route != null) {
                route.append('/').append(path, start, end);
            }
            start = end + 1;
        }
        if (route != null) {
            return route.toString();
        }
        return path.charAt(0) == '/' ? path : "/" + path;
    }

    /** {@code of(path).hashCode()}, without building the route. */
    public static int hashOf(String path) {
        return walk(path, null);
    }

    /** Whether {@code of(path)} is {@code route}, without building it. */
    public static boolean matches(String route, String path) {
        return walk(path, route) == route.length();
    }

    /**
     * Walks the route {@link #of} would write for {@code path} without writing it: with {@code route} null, returns
     * the route's hash code; otherwise how much of {@code route} it matched, -1 where it differs. So a cache keyed by
     * route finds a path's entry with no allocation.
     */
    private static int walk(String path, String route) {
        if (path == null || path.isEmpty() || "/".equals(path)) {
            return put(0, route, "/", 0, 1);
        }
        int state = 0;
        int segments = 0;
        int start = path.charAt(0) == '/' ? 1 : 0;
        while (start <= path.length() && state >= (route == null ? Integer.MIN_VALUE : 0)) {
            int end = path.indexOf('/', start);
            if (end < 0) {
                end = path.length();
            }
            if (++segments > MAX_SEGMENTS) {
                return put(state, route, "/…", 0, 2);
            }
            state = put(state, route, "/", 0, 1);
            state = isIdentifier(path, start, end) ? put(state, route, ID, 0, ID.length())
                    : put(state, route, path, start, end);
            start = end + 1;
        }
        return state;
    }

    /** Appends {@code s[from, to)} to the walk: to the hash when {@code route} is null, else to the match so far. */
    private static int put(int state, String route, String s, int from, int to) {
        if (route == null) {
            int hash = state;
            for (int i = from; i < to; i++) {
                hash = 31 * hash + s.charAt(i);
            }
            return hash;
        }
        int length = to - from;
        return state >= 0 && route.regionMatches(state, s, from, length) ? state + length : -1;
    }

    /** The route written so far: the segments before {@code upTo}, unchanged, when nothing was written yet. */
    private static StringBuilder started(StringBuilder route, String path, int upTo) {
        if (route != null) {
            return route;
        }
        StringBuilder started = new StringBuilder(path.length() + 8);
        if (upTo > 0) {
            if (path.charAt(0) != '/') {
                started.append('/');
            }
            started.append(path, 0, upTo);
        }
        return started;
    }

    static boolean isIdentifier(String segment) {
        return isIdentifier(segment, 0, segment.length());
    }

    private static boolean isIdentifier(String s, int from, int to) {
        return from < to && (isNumber(s, from, to) || isUuid(s, from, to) || isLongHex(s, from, to)
                || isToken(s, from, to) || isEmail(s, from, to) || isDate(s, from, to));
    }

    /** At least 16 base64 or base64url characters mixing digits, upper and lower case: a token, not a slug. */
    private static boolean isToken(String s, int from, int to) {
        if (to - from < MIN_HEX_ID_LENGTH) {
            return false;
        }
        boolean digit = false;
        boolean upper = false;
        boolean lower = false;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                digit = true;
            } else if (c >= 'A' && c <= 'Z') {
                upper = true;
            } else if (c >= 'a' && c <= 'z') {
                lower = true;
            } else if (c != '+' && c != '_' && c != '=' && c != '.' && c != '-') {
                return false;
            }
        }
        return digit && upper && lower;
    }

    /** Something@domain.tld, the at sign as is or percent-encoded. */
    private static boolean isEmail(String s, int from, int to) {
        int at = indexOf(s, "@", from, to);
        int width = 1;
        if (at < 0) {
            at = indexOf(s, "%40", from, to);
            width = 3;
        }
        return at > from && indexOf(s, ".", at + width + 1, to) > 0 && s.charAt(to - 1) != '.';
    }

    private static int indexOf(String s, String part, int from, int to) {
        int found = s.indexOf(part, from);
        return found >= 0 && found + part.length() <= to ? found : -1;
    }

    /** An ISO date, optionally followed by a time: 2026-01-31, 2026-01-31T10:15:30Z. */
    private static boolean isDate(String s, int from, int to) {
        if (to - from < 10) {
            return false;
        }
        for (int i = 0; i < 10; i++) {
            char c = s.charAt(from + i);
            if (i == 4 || i == 7 ? c != '-' : !Character.isDigit(c)) {
                return false;
            }
        }
        if (to - from == 10) {
            return true;
        }
        char separator = s.charAt(from + 10);
        if (separator != 'T' && separator != 't') {
            return false;
        }
        for (int i = from + 11; i < to; i++) {
            char c = s.charAt(i);
            if (!Character.isDigit(c) && ":.+-Zz".indexOf(c) < 0 && !(c == '%' || c == 'A' || c == 'a')) {
                return false;
            }
        }
        return true;
    }

    private static boolean isNumber(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            if (!Character.isDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isUuid(String s, int from, int to) {
        if (to - from != 36) {
            return false;
        }
        for (int i = 0; i < 36; i++) {
            char c = s.charAt(from + i);
            boolean dash = i == 8 || i == 13 || i == 18 || i == 23;
            if (dash ? c != '-' : !isHex(c)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isLongHex(String s, int from, int to) {
        if (to - from < MIN_HEX_ID_LENGTH) {
            return false;
        }
        boolean digit = false;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (!isHex(c)) {
                return false;
            }
            digit |= Character.isDigit(c);
        }
        return digit;
    }

    private static boolean isHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }
}
