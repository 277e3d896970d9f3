package dev.callsight.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;

/**
 * Makes two calls with HttpURLConnection as the first thing it does, then exits: a batch job's or CLI's start, where an
 * agent still installing would either hold the first call or miss it.
 */
public final class TwoCalls {

    public static void main(String[] args) throws IOException {
        for (int i = 0; i < 2; i++) {
            HttpURLConnection connection = (HttpURLConnection) new URL(args[0]).openConnection();
            int status = connection.getResponseCode();
            try (InputStream body = status < 400 ? connection.getInputStream() : connection.getErrorStream()) {
                if (body != null) {
                    body.readAllBytes();
                }
            }
        }
    }
}
