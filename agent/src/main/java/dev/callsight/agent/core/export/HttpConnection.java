package dev.callsight.agent.core.export;

import io.opentelemetry.sdk.common.export.HttpResponse;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * One HTTP/1.1 connection to a plain-text collector, used by one thread at a time: a request written whole, its
 * response read whole, every step bounded by a deadline (a non-blocking channel and a selector, since a blocking
 * socket's write cannot time out and a hanging collector stops reading).
 */
final class HttpConnection implements Closeable {

    private static final int READ_BUFFER_BYTES = 8 * 1024;
    private static final int MAX_HEAD_LINE = 8 * 1024;

    private final SocketChannel channel;
    private final Selector selector;
    private final SelectionKey key;
    private final ByteBuffer input = ByteBuffer.allocate(READ_BUFFER_BYTES).flip();
    private boolean reusable = true;
    private boolean responseStarted;
    private volatile boolean aborted;

    private HttpConnection(SocketChannel channel, Selector selector) throws IOException {
        this.channel = channel;
        this.selector = selector;
        this.key = channel.register(selector, 0);
    }

    static HttpConnection open(InetSocketAddress address, long connectDeadline) throws IOException {
        SocketChannel channel = SocketChannel.open();
        Selector selector = null;
        try {
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            selector = Selector.open();
            HttpConnection connection = new HttpConnection(channel, selector);
            if (!channel.connect(address)) {
                while (!channel.finishConnect()) {
                    connection.await(SelectionKey.OP_CONNECT, connectDeadline, "connect");
                }
            }
            return connection;
        } catch (IOException | RuntimeException failed) {
            channel.close();
            if (selector != null) {
                selector.close();
            }
            throw failed;
        }
    }

    /** Whether the connection may carry another request: the last response neither closed it nor was cut short. */
    boolean reusable() {
        return reusable;
    }

    /**
     * Whether any of the last exchange's response arrived. A kept-alive connection the collector closed while idle
     * fails before any does, and the request may go again on a new one.
     */
    boolean responseStarted() {
        return responseStarted;
    }

    /** Writes the request head and body, then reads the whole response. */
    Response exchange(ByteBuffer head, ByteBuffer body, long deadline, long maxBodyBytes) throws IOException {
        reusable = false;
        responseStarted = false;
        ByteBuffer[] request = {head, body};
        while (head.hasRemaining() || body.hasRemaining()) {
            if (channel.write(request) == 0) {
                await(SelectionKey.OP_WRITE, deadline, "write");
            }
        }
        Response response = readResponse(deadline, maxBodyBytes);
        reusable = response.keepAlive;
        return response;
    }

    private Response readResponse(long deadline, long maxBodyBytes) throws IOException {
        String statusLine;
        int status;
        do {
            statusLine = line(deadline);
            status = statusOf(statusLine);
            if (status / 100 == 1) {
                // Interim responses (100 Continue) precede the real one; their headers say nothing about it.
                skipHeaders(deadline);
            }
        } while (status / 100 == 1);
        long contentLength = -1;
        boolean chunked = false;
        boolean keepAlive = statusLine.startsWith("HTTP/1.1");
        String encoding = null;
        String retryAfter = null;
        for (String header = line(deadline); !header.isEmpty(); header = line(deadline)) {
            int colon = header.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = header.substring(colon + 1).trim();
            switch (name) {
                case "content-length":
                    contentLength = parseLength(value);
                    break;
                case "transfer-encoding":
                    chunked = value.toLowerCase(Locale.ROOT).endsWith("chunked");
                    break;
                case "connection":
                    keepAlive = keepAlive ? !value.equalsIgnoreCase("close") : value.equalsIgnoreCase("keep-alive");
                    break;
                case "content-encoding":
                    encoding = value;
                    break;
                case "retry-after":
                    retryAfter = value;
                    break;
                default:
                    break;
            }
        }
        byte[] body;
        if (status == 204 || status == 304) {
            body = new byte[0];
        } else if (chunked) {
            body = chunkedBody(deadline, maxBodyBytes);
        } else if (contentLength >= 0) {
            body = fixedBody(contentLength, deadline, maxBodyBytes);
        } else {
            body = bodyToEnd(deadline, maxBodyBytes);
            keepAlive = false;
        }
        String message = statusLine.length() > 13 ? statusLine.substring(13) : "";
        return new Response(status, message, decoded(body, encoding, maxBodyBytes), keepAlive, retryAfter);
    }

    private byte[] fixedBody(long length, long deadline, long maxBodyBytes) throws IOException {
        requireWithin(length, maxBodyBytes);
        byte[] body = new byte[(int) length];
        for (int read = 0; read < body.length; ) {
            fill(deadline, true);
            int chunk = Math.min(input.remaining(), body.length - read);
            input.get(body, read, chunk);
            read += chunk;
        }
        return body;
    }

    private byte[] chunkedBody(long deadline, long maxBodyBytes) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = line(deadline);
            int extension = sizeLine.indexOf(';');
            long size;
            try {
                size = Long.parseLong((extension < 0 ? sizeLine : sizeLine.substring(0, extension)).trim(), 16);
            } catch (NumberFormatException malformed) {
                throw new IOException("malformed chunk size from the collector: " + sizeLine);
            }
            if (size == 0) {
                skipHeaders(deadline);
                return body.toByteArray();
            }
            requireWithin(body.size() + size, maxBodyBytes);
            body.write(fixedBody(size, deadline, maxBodyBytes));
            line(deadline);
        }
    }

    private byte[] bodyToEnd(long deadline, long maxBodyBytes) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (fill(deadline, false)) {
            requireWithin(body.size() + (long) input.remaining(), maxBodyBytes);
            body.write(input.array(), input.position(), input.remaining());
            input.position(input.limit());
        }
        return body.toByteArray();
    }

    private static byte[] decoded(byte[] body, String encoding, long maxBodyBytes) throws IOException {
        if (encoding == null || encoding.equalsIgnoreCase("identity") || body.length == 0) {
            return body;
        }
        if (!encoding.equalsIgnoreCase("gzip")) {
            throw new PermanentFailure("the collector answered in an unsupported content encoding: " + encoding);
        }
        try (InputStream gzip = new GZIPInputStream(new ByteArrayInputStream(body))) {
            byte[] decoded = gzip.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBodyBytes + 1));
            requireWithin(decoded.length, maxBodyBytes);
            return decoded;
        }
    }

    private static void requireWithin(long length, long maxBodyBytes) throws PermanentFailure {
        if (length > maxBodyBytes || length > Integer.MAX_VALUE - 8) {
            throw new PermanentFailure("the collector's response body exceeds " + maxBodyBytes + " bytes");
        }
    }

    /** Header lines up to the blank one that ends them (an interim response's, or a chunked body's trailers). */
    private void skipHeaders(long deadline) throws IOException {
        String line;
        do {
            line = line(deadline);
        } while (!line.isEmpty());
    }

    /** One CRLF-terminated line of the head, without its terminator, read as ISO-8859-1. */
    private String line(long deadline) throws IOException {
        StringBuilder line = new StringBuilder(64);
        while (true) {
            fill(deadline, true);
            while (input.hasRemaining()) {
                char c = (char) (input.get() & 0xFF);
                if (c == '\n') {
                    int end = line.length();
                    return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
                }
                if (line.length() >= MAX_HEAD_LINE) {
                    throw new IOException("a line of the collector's response head exceeds " + MAX_HEAD_LINE + " bytes");
                }
                line.append(c);
            }
        }
    }

    /**
     * Makes input available unless some is; at the end of the stream, false, or an {@link EOFException} when more was
     * {@code required}.
     */
    private boolean fill(long deadline, boolean required) throws IOException {
        if (input.hasRemaining()) {
            return true;
        }
        input.clear();
        try {
            int read;
            while ((read = channel.read(input)) == 0) {
                await(SelectionKey.OP_READ, deadline, "response");
            }
            responseStarted |= read > 0;
            if (read < 0) {
                if (required) {
                    throw new EOFException("the collector closed the connection before its response ended");
                }
                return false;
            }
            return true;
        } finally {
            input.flip();
        }
    }

    /** Ends the exchange under way, from another thread: its wait wakes and fails. */
    void abort() {
        aborted = true;
        selector.wakeup();
    }

    private void await(int operation, long deadline, String step) throws IOException {
        long remainingMillis = (deadline - System.nanoTime()) / 1_000_000;
        failIfAborted(step);
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedIOException("interrupted waiting for the collector (" + step + ")");
        }
        if (remainingMillis <= 0) {
            throw new SocketTimeoutException("timed out waiting for the collector (" + step + ")");
        }
        key.interestOps(operation);
        selector.select(remainingMillis);
        selector.selectedKeys().clear();
        failIfAborted(step);
    }

    private void failIfAborted(String step) throws InterruptedIOException {
        if (aborted) {
            throw new InterruptedIOException("the exporter's sender shut down waiting for the collector (" + step + ")");
        }
    }

    private static int statusOf(String statusLine) throws IOException {
        if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12 || statusLine.charAt(8) != ' ') {
            throw new IOException("not an HTTP/1.x response from the collector: " + statusLine);
        }
        try {
            return Integer.parseInt(statusLine.substring(9, 12));
        } catch (NumberFormatException malformed) {
            throw new IOException("not an HTTP/1.x response from the collector: " + statusLine);
        }
    }

    private static long parseLength(String value) throws IOException {
        try {
            long length = Long.parseLong(value);
            if (length >= 0) {
                return length;
            }
        } catch (NumberFormatException malformed) {
            // reported below
        }
        throw new IOException("malformed Content-Length from the collector: " + value);
    }

    @Override
    public void close() {
        try {
            selector.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing left to release
        }
    }

    /** A whole response, as the SDK's exporters read it, with the {@code Retry-After} the retries heed. */
    static final class Response implements HttpResponse {
        private final int status;
        private final String message;
        private final byte[] body;
        private final boolean keepAlive;
        private final String retryAfter;

        Response(int status, String message, byte[] body, boolean keepAlive, String retryAfter) {
            this.status = status;
            this.message = message;
            this.body = body;
            this.keepAlive = keepAlive;
            this.retryAfter = retryAfter;
        }

        @Override
        public int getStatusCode() {
            return status;
        }

        @Override
        public String getStatusMessage() {
            return message;
        }

        @Override
        public byte[] getResponseBody() {
            return body;
        }

        /** The {@code Retry-After} header's value, or null. */
        String retryAfter() {
            return retryAfter;
        }
    }

    /** A failure that another try would not mend: a body over the limit, an encoding the agent cannot read. */
    static final class PermanentFailure extends IOException {
        private static final long serialVersionUID = 1L;

        PermanentFailure(String message) {
            super(message);
        }
    }
}
