package dev.callsight.collector;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * HTTP/1.1 written by hand on a socket, for requests no well-behaved client would send: lying headers, bodies
 * trickled in, headers that never end. Every request says {@code Connection: close}, so the answer ends at EOF.
 */
public final class RawHttp implements AutoCloseable {

    /** A status and body, or status -1 when the server closed the connection without an answer. */
    public record Answer(int status, String head, String body) {
        public boolean cut() {
            return status == -1;
        }
    }

    private final Socket socket;

    private RawHttp(Socket socket) {
        this.socket = socket;
    }

    public static RawHttp connect(String baseUrl) {
        URI uri = URI.create(baseUrl);
        try {
            Socket socket = new Socket();
            socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 5000);
            socket.setSoTimeout(30_000);
            return new RawHttp(socket);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends a whole request at once and reads the answer. */
    public static Answer exchange(String baseUrl, String head, byte[] body) {
        try (RawHttp http = connect(baseUrl)) {
            http.write(head.getBytes(StandardCharsets.ISO_8859_1));
            http.write(body);
            return http.answer();
        }
    }

    /** A POST with a Content-Length and the given extra header lines (each ending in CRLF). */
    public static String post(String path, String headers, long contentLength) {
        return "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" + headers
                + "Content-Length: " + contentLength + "\r\n\r\n";
    }

    /** Writes, or returns false when the server has already closed the connection. */
    public boolean write(byte[] bytes) {
        try {
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public Answer answer() {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        try {
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8192];
            int n;
            while ((n = in.read(buffer)) != -1) {
                received.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException e) {
            throw new IllegalStateException("no answer and no close within 30 s", e);
        } catch (IOException e) {
            // A reset after (or instead of) the answer: keep what arrived.
        }
        String text = received.toString(StandardCharsets.UTF_8);
        int end = text.indexOf("\r\n\r\n");
        if (!text.startsWith("HTTP/1.1 ") || end < 0) {
            return new Answer(-1, text, "");
        }
        return new Answer(Integer.parseInt(text.substring(9, 12)), text.substring(0, end), dechunk(text, end));
    }

    private static String dechunk(String text, int end) {
        String body = text.substring(end + 4);
        if (!text.substring(0, end).toLowerCase().contains("transfer-encoding: chunked")) {
            return body;
        }
        StringBuilder out = new StringBuilder();
        int at = 0;
        while (at < body.length()) {
            int lineEnd = body.indexOf("\r\n", at);
            int size = Integer.parseInt(body.substring(at, lineEnd).strip(), 16);
            if (size == 0) {
                break;
            }
            out.append(body, lineEnd + 2, lineEnd + 2 + size);
            at = lineEnd + 2 + size + 2;
        }
        return out.toString();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
