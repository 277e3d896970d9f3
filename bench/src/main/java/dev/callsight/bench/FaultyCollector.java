package dev.callsight.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * An OTLP/HTTP endpoint that misbehaves in one way, on plain sockets so it can hang and reset. Prints
 * {@code otlp=http://127.0.0.1:PORT} once listening. The argument is the behaviour:
 * <ul>
 *   <li>{@code ok}: 200 at once, a healthy collector that keeps nothing.
 *   <li>{@code hang}: reads the request and never answers.
 *   <li>{@code slow:MS}: 200 after MS milliseconds.
 *   <li>{@code status:CODE} or {@code status:CODE:SECONDS}: always CODE, with {@code Retry-After: SECONDS} if given.
 *   <li>{@code reset}: reads the request headers, then resets the connection before reading the body.
 * </ul>
 */
public final class FaultyCollector {

    private final String[] mode;

    private FaultyCollector(String mode) {
        this.mode = mode.split(":");
    }

    public static void main(String[] args) throws IOException {
        FaultyCollector collector = new FaultyCollector(args[0]);
        ServerSocket server = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
        System.out.println("otlp=http://127.0.0.1:" + server.getLocalPort());
        while (true) {
            Socket socket = server.accept();
            Thread thread = new Thread(() -> collector.serve(socket), "connection");
            thread.setDaemon(true);
            thread.start();
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            while (true) {
                long contentLength = readHead(in);
                if (contentLength < 0) {
                    return;
                }
                if (mode[0].equals("reset")) {
                    socket.setSoLinger(true, 0);
                    return;
                }
                in.skipNBytes(contentLength);
                switch (mode[0]) {
                    case "hang" -> {
                        while (in.read() >= 0) {
                            Thread.onSpinWait();
                        }
                        return;
                    }
                    case "slow" -> {
                        Thread.sleep(Long.parseLong(mode[1]));
                        answer(out, 200, "");
                    }
                    case "status" -> answer(out, Integer.parseInt(mode[1]),
                            mode.length > 2 ? "Retry-After: " + mode[2] + "\r\n" : "");
                    default -> answer(out, 200, "");
                }
            }
        } catch (IOException | RuntimeException | InterruptedException gone) {
            // The agent went away or the behaviour ended the connection.
        }
    }

    private static void answer(OutputStream out, int status, String extraHeaders) throws IOException {
        out.write(("HTTP/1.1 " + status + " X\r\nContent-Type: application/x-protobuf\r\nContent-Length: 0\r\n"
                + extraHeaders + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** Reads the request line and headers; returns the body's length, or -1 at the end of the connection. */
    private static long readHead(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        long contentLength = 0;
        boolean any = false;
        int c;
        while ((c = in.read()) >= 0) {
            if (c != '\n') {
                line.append((char) c);
                continue;
            }
            String text = line.toString().trim();
            line.setLength(0);
            if (text.isEmpty()) {
                return any ? contentLength : -1;
            }
            any = true;
            if (text.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                contentLength = Long.parseLong(text.substring("content-length:".length()).trim());
            }
        }
        return -1;
    }
}
