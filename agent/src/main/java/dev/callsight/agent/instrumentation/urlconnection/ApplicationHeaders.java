package dev.callsight.agent.instrumentation.urlconnection;

import java.net.HttpURLConnection;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The request headers the application set on a connection, as the core reads them: the
 * connection also holds the context headers the agent wrote for the first attempt, which must
 * not pass for the application's when a retry's headers are written.
 */
final class ApplicationHeaders implements Function<String, String> {

    private final HttpURLConnection connection;
    private final Set<String> written = new CopyOnWriteArraySet<>();

    ApplicationHeaders(HttpURLConnection connection) {
        this.connection = connection;
    }

    @Override
    public String apply(String name) {
        return written.contains(name.toLowerCase(Locale.ROOT)) ? null : connection.getRequestProperty(name);
    }

    /** Sets a header the agent writes on the connection. */
    BiConsumer<String, String> writer() {
        return (name, value) -> {
            written.add(name.toLowerCase(Locale.ROOT));
            connection.setRequestProperty(name, value);
        };
    }
}
