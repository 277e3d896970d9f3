package dev.callsight.agent.instrumentation.urlconnection;

import java.net.HttpURLConnection;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The request headers the application set on a connection, as the core reads them: the
 * connection also holds the context headers the agent wrote for the first attempt, which must
 * not pass for the application's when a retry's headers are written. As a BiConsumer it writes such a header.
 */
final class ApplicationHeaders implements Function<String, String>, BiConsumer<String, String> {

    private final HttpURLConnection connection;
    /** Lower-case names; an array copied on write, since the agent writes one to three names per call. */
    private volatile String[] written = NONE;
    private static final String[] NONE = {};

    ApplicationHeaders(HttpURLConnection connection) {
        this.connection = connection;
    }

    @Override
    public String apply(String name) {
        return isWritten(name.toLowerCase(Locale.ROOT)) ? null : connection.getRequestProperty(name);
    }

    /** Sets a header the agent writes on the connection. */
    @Override
    public void accept(String name, String value) {
        String lowerCase = name.toLowerCase(Locale.ROOT);
        if (!isWritten(lowerCase)) {
            String[] more = Arrays.copyOf(written, written.length + 1);
            more[more.length - 1] = lowerCase;
            written = more;
        }
        connection.setRequestProperty(name, value);
    }

    private boolean isWritten(String lowerCase) {
        for (String name : written) {
            if (name.equals(lowerCase)) {
                return true;
            }
        }
        return false;
    }
}
