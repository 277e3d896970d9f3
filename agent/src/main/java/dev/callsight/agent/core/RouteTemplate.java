package dev.callsight.agent.core;

/**
 * Turns a URL path into a low-cardinality route such as {@code /users/{id}/orders}: segments
 * that are numbers, UUIDs or long hex strings become {@code {id}}. The result names spans and
 * labels metrics, so it must never carry per-request values.
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
        StringBuilder route = new StringBuilder(path.length());
        int segments = 0;
        int start = path.charAt(0) == '/' ? 1 : 0;
        while (start <= path.length()) {
            int end = path.indexOf('/', start);
            if (end < 0) {
                end = path.length();
            }
            if (++segments > MAX_SEGMENTS) {
                route.append("/…");
                break;
            }
            route.append('/');
            String segment = path.substring(start, end);
            route.append(isIdentifier(segment) ? ID : segment);
            start = end + 1;
        }
        return route.toString();
    }

    static boolean isIdentifier(String segment) {
        return !segment.isEmpty() && (isNumber(segment) || isUuid(segment) || isLongHex(segment));
    }

    private static boolean isNumber(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (!Character.isDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isUuid(String s) {
        if (s.length() != 36) {
            return false;
        }
        for (int i = 0; i < 36; i++) {
            char c = s.charAt(i);
            boolean dash = i == 8 || i == 13 || i == 18 || i == 23;
            if (dash ? c != '-' : !isHex(c)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isLongHex(String s) {
        if (s.length() < MIN_HEX_ID_LENGTH) {
            return false;
        }
        boolean digit = false;
        for (int i = 0; i < s.length(); i++) {
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
