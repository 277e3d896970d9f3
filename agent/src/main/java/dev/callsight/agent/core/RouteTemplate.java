package dev.callsight.agent.core;

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
        return !segment.isEmpty() && (isNumber(segment) || isUuid(segment) || isLongHex(segment)
                || isToken(segment) || isEmail(segment) || isDate(segment));
    }

    /** At least 16 base64 or base64url characters mixing digits, upper and lower case: a token, not a slug. */
    private static boolean isToken(String s) {
        if (s.length() < MIN_HEX_ID_LENGTH) {
            return false;
        }
        boolean digit = false;
        boolean upper = false;
        boolean lower = false;
        for (int i = 0; i < s.length(); i++) {
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
    private static boolean isEmail(String s) {
        int at = s.indexOf('@');
        int width = 1;
        if (at < 0) {
            at = s.indexOf("%40");
            width = 3;
        }
        return at > 0 && s.indexOf('.', at + width + 1) > 0 && s.charAt(s.length() - 1) != '.';
    }

    /** An ISO date, optionally followed by a time: 2026-01-31, 2026-01-31T10:15:30Z. */
    private static boolean isDate(String s) {
        if (s.length() < 10) {
            return false;
        }
        for (int i = 0; i < 10; i++) {
            char c = s.charAt(i);
            if (i == 4 || i == 7 ? c != '-' : !Character.isDigit(c)) {
                return false;
            }
        }
        if (s.length() == 10) {
            return true;
        }
        char separator = s.charAt(10);
        if (separator != 'T' && separator != 't') {
            return false;
        }
        for (int i = 11; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!Character.isDigit(c) && ":.+-Zz".indexOf(c) < 0 && !(c == '%' || c == 'A' || c == 'a')) {
                return false;
            }
        }
        return true;
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
