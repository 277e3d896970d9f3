package dev.callsight.e2e.support;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback HTTP/1.1 upstream that misbehaves on request, written on plain sockets so that it
 * can do what a real server framework would not: hang, trickle, reset. The first path segment
 * picks the behaviour, the rest is free so each test uses its own counter:
 * <ul>
 *   <li>{@code /ok/...}: 200.
 *   <li>{@code /fail-then-ok/N/...}: 503 for the first N requests to this path, then 200.
 *   <li>{@code /retry-after/S/...}: the first request gets 503 with {@code Retry-After: S}, then 200.
 *   <li>{@code /status/CODE/...}: always CODE.
 *   <li>{@code /throttle/CODE/S/...}: always CODE with {@code Retry-After: S}.
 *   <li>{@code /slow/MS/...}: 200 after MS milliseconds.
 *   <li>{@code /redirect/...}: 302 to {@code /ok/redirected/...}.
 *   <li>{@code /hang/...}: reads the request and never answers.
 *   <li>{@code /trickle/MS/...}: a 200 whose body comes one byte every MS milliseconds, 1000 bytes.
 *   <li>{@code /reset/...}: the status line and headers, part of the body, then a TCP reset.
 * </ul>
 * It records every request's path, traceparent and arrival time, and keeps connections alive as HTTP/1.1 does.
 */
public final class FaultyUpstream implements AutoCloseable {

    /** One request as the upstream saw it; {@code arrivalNanos} on {@link System#nanoTime()}'s scale. */
    public record Seen(String method, String path, String traceparent, long arrivalNanos) {}

    private static final int MAX_HEADER_BYTES = 16 * 1024;

    private final ServerSocket server;
    private final ExecutorService threads = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "faulty-upstream");
        thread.setDaemon(true);
        return thread;
    });
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
    private final List<Socket> open = new CopyOnWriteArrayList<>();

    public FaultyUpstream() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        threads.execute(this::accept);
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getLocalPort() + path);
    }

    /** Requests seen for exactly this path, in arrival order. */
    public List<Seen> requests(String path) {
        List<Seen> matching = new ArrayList<>();
        for (Seen request : seen) {
            if (request.path().equals(path)) {
                matching.add(request);
            }
        }
        return matching;
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                open.add(socket);
                threads.execute(() -> serve(socket));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            while (true) {
                List<String> head = readHead(in);
                if (head == null) {
                    return;
                }
                String[] requestLine = head.get(0).split(" ");
                String path = requestLine[1];
                String traceparent = null;
                long contentLength = 0;
                for (String header : head.subList(1, head.size())) {
                    int colon = header.indexOf(':');
                    String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                    String value = header.substring(colon + 1).trim();
                    if (name.equals("traceparent")) {
                        traceparent = value;
                    } else if (name.equals("content-length")) {
                        contentLength = Long.parseLong(value);
                    }
                }
                long arrivalNanos = System.nanoTime();
                in.skipNBytes(contentLength);
                seen.add(new Seen(requestLine[0], path, traceparent, arrivalNanos));
                if (!respond(path, socket, out)) {
                    return;
                }
            }
        } catch (IOException | RuntimeException | InterruptedException gone) {
            // The client went away or the behaviour ended the connection.
        }
    }

    /** Returns false when the connection must not be reused. */
    private boolean respond(String path, Socket socket, OutputStream out) throws IOException, InterruptedException {
        String[] segments = path.split("/");
        int count = counts.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
        switch (segments[1]) {
            case "fail-then-ok":
                return answer(out, count <= Integer.parseInt(segments[2]) ? 503 : 200, "");
            case "retry-after":
                return answer(out, count == 1 ? 503 : 200, count == 1 ? "Retry-After: " + segments[2] + "\r\n" : "");
            case "status":
                return answer(out, Integer.parseInt(segments[2]), "");
            case "throttle":
                return answer(out, Integer.parseInt(segments[2]), "Retry-After: " + segments[3] + "\r\n");
            case "redirect":
                return answer(out, 302, "Location: /ok/redirected" + path.substring("/redirect".length()) + "\r\n");
            case "slow":
                Thread.sleep(Long.parseLong(segments[2]));
                return answer(out, 200, "");
            case "hang":
                // Hold the connection until the client gives up or the upstream closes.
                while (socket.getInputStream().read() >= 0) {
                    Thread.onSpinWait();
                }
                return false;
            case "trickle":
                out.write("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                for (int i = 0; i < 1000 && !socket.isClosed(); i++) {
                    Thread.sleep(Long.parseLong(segments[2]));
                    out.write('x');
                    out.flush();
                }
                return false;
            case "reset":
                out.write("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\npartial".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                socket.setSoLinger(true, 0);
                socket.close();
                return false;
            default:
                return answer(out, 200, "");
        }
    }

    private static boolean answer(OutputStream out, int status, String extraHeaders) throws IOException {
        byte[] body = ("status " + status + "\n").getBytes(StandardCharsets.US_ASCII);
        out.write(("HTTP/1.1 " + status + " X\r\nContent-Type: text/plain\r\nContent-Length: " + body.length + "\r\n"
                + extraHeaders + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
        return true;
    }

    /** The request line and headers, or null at the end of the connection. */
    private static List<String> readHead(InputStream in) throws IOException {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        int total = 0;
        int c;
        while ((c = in.read()) >= 0 && total++ < MAX_HEADER_BYTES) {
            if (c == '\n') {
                String text = line.toString().replace("\r", "");
                if (text.isEmpty()) {
                    return lines.isEmpty() ? null : lines;
                }
                lines.add(text);
                line.setLength(0);
            } else {
                line.append((char) c);
            }
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : open) {
            socket.close();
        }
        threads.shutdownNow();
    }
}
