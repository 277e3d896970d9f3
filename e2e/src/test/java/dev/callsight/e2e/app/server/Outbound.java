package dev.callsight.e2e.app.server;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;

/** What the test applications share besides their servlets: the outbound call a handler makes, and the main loop. */
public final class Outbound {

    /** How long the async handler takes before it answers. */
    public static final long ASYNC_DELAY_MILLIS = 400;

    private Outbound() {}

    /** Calls the URL with HttpURLConnection and returns its status. */
    public static int get(String url) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) URI.create(url).toURL().openConnection();
        connection.setConnectTimeout(5000);
        connection.setReadTimeout(5000);
        int status = connection.getResponseCode();
        try (InputStream body = status >= 400 ? connection.getErrorStream() : connection.getInputStream()) {
            if (body != null) {
                body.readAllBytes();
            }
        }
        return status;
    }

    /** Announces the port, then serves until the test closes standard input. */
    public static void serveUntilStdinCloses(int port) throws IOException {
        System.out.println("listening|" + port);
        System.out.flush();
        while (System.in.read() >= 0) {
            // The test only ever closes the stream.
        }
    }
}
