package dev.callsight.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;

/** The benchmarks' HttpURLConnection call: a GET, its response read to the end. Needs no library on the class path. */
final class UrlConnections {

    private UrlConnections() {}

    static void get(URI uri) throws IOException {
        get(uri, 0, 0);
    }

    /** With the application's own timeouts; 0 for none. */
    static void get(URI uri, int connectTimeoutMillis, int readTimeoutMillis) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
        connection.setConnectTimeout(connectTimeoutMillis);
        connection.setReadTimeout(readTimeoutMillis);
        try (InputStream in = connection.getInputStream()) {
            in.readAllBytes();
        }
    }
}
