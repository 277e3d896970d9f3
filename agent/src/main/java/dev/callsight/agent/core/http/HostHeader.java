package dev.callsight.agent.core.http;

/** The parts of an HTTP Host header, for servers whose request says which address it was sent to. */
public final class HostHeader {

    private HostHeader() {}

    /** The host of a Host header: a name, an IPv4 address or a bracketed IPv6 address, then an optional port. */
    public static String hostOf(String hostHeader) {
        if (hostHeader.startsWith("[")) {
            int close = hostHeader.indexOf(']');
            return close > 0 ? hostHeader.substring(1, close) : hostHeader;
        }
        int colon = hostHeader.indexOf(':');
        return colon < 0 ? hostHeader : hostHeader.substring(0, colon);
    }

    /** The port of a Host header, or {@code fallback} when it names none. */
    public static int portOf(String hostHeader, int fallback) {
        int colon = hostHeader.lastIndexOf(':');
        if (colon < 0 || colon < hostHeader.lastIndexOf(']')) {
            return fallback;
        }
        try {
            return Integer.parseInt(hostHeader.substring(colon + 1));
        } catch (NumberFormatException notAPort) {
            return fallback;
        }
    }
}
