package dev.callsight.agent.core.export;

import dev.callsight.agent.core.Backoff;
import dev.callsight.agent.core.SdkInternals;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.Compressor;
import io.opentelemetry.sdk.common.export.HttpResponse;
import io.opentelemetry.sdk.common.export.HttpSender;
import io.opentelemetry.sdk.common.export.HttpSenderConfig;
import io.opentelemetry.sdk.common.export.MessageWriter;
import io.opentelemetry.sdk.common.export.RetryPolicy;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;

/**
 * An OTLP exporter's sender for a plain-text {@code http://} collector reached without a proxy: HTTP/1.1 POSTs on
 * the exporter's own thread over one kept-alive connection, each written in one go and answered before the next. The
 * JDK HttpClient it replaces runs every request through its asynchronous pipeline and worker threads, which cost
 * the agent about as much CPU as writing the spans did. TLS and proxies stay with the JDK's sender.
 *
 * <p>Retries are the JDK sender's, from the same {@link RetryPolicy}: 429, 502, 503 and 504 and I/O errors, with
 * jittered exponential back-off or as long as a {@code Retry-After} asks, all within the export timeout.
 */
final class PlainHttpSender implements HttpSender {

    private final ExecutorService executor;
    private final InetSocketAddress address;
    private final String headFixed;
    private final Compressor compressor;
    private final Supplier<Map<String, List<String>>> headers;
    private final long timeoutNanos;
    private final long connectTimeoutNanos;
    private final long maxResponseBytes;
    private final RetryPolicy retryPolicy;
    private final Predicate<IOException> retryable;
    private final Body body = new Body();
    /** Held while a request is under way; the connection is touched only under it. */
    private final ReentrantLock inFlight = new ReentrantLock();
    private volatile HttpConnection connection;
    private volatile boolean shutDown;

    PlainHttpSender(HttpSenderConfig config) {
        URI endpoint = config.getEndpoint();
        int port = endpoint.getPort() < 0 ? 80 : endpoint.getPort();
        executor = config.getExecutorService();
        address = InetSocketAddress.createUnresolved(endpoint.getHost(), port);
        String path = endpoint.getRawPath() == null || endpoint.getRawPath().isEmpty() ? "/" : endpoint.getRawPath();
        String query = endpoint.getRawQuery() == null ? "" : "?" + endpoint.getRawQuery();
        headFixed = "POST " + path + query + " HTTP/1.1\r\nHost: " + endpoint.getHost()
                + (endpoint.getPort() < 0 ? "" : ":" + port) + "\r\nContent-Type: " + config.getContentType()
                + "\r\nAccept-Encoding: gzip, identity\r\n";
        compressor = config.getCompressor();
        headers = config.getHeadersSupplier();
        timeoutNanos = config.getTimeout().toNanos();
        connectTimeoutNanos = config.getConnectTimeout().toNanos();
        maxResponseBytes = config.getMaxResponseBodySize();
        retryPolicy = config.getRetryPolicy();
        Predicate<IOException> predicate = retryPolicy == null ? null : retryPolicy.getRetryExceptionPredicate();
        retryable = predicate != null ? predicate
                : failure -> !(failure instanceof SSLException || failure instanceof HttpConnection.PermanentFailure);
    }

    /**
     * Whether this sender serves {@code config}: not when it needs what only the JDK's does, TLS or a proxy, be it
     * configured for the exporter or chosen by the JVM's default proxy selector (the {@code http.proxyHost}
     * properties, or the application's own selector), which the JDK's client follows.
     */
    static boolean serves(HttpSenderConfig config) {
        URI endpoint = config.getEndpoint();
        return "http".equalsIgnoreCase(endpoint.getScheme()) && endpoint.getHost() != null
                && config.getProxyOptions() == null && config.getExecutorService() != null && direct(endpoint);
    }

    private static boolean direct(URI endpoint) {
        ProxySelector selector = ProxySelector.getDefault();
        if (selector == null) {
            return true;
        }
        try {
            List<Proxy> proxies = selector.select(endpoint);
            return proxies == null || proxies.isEmpty()
                    || proxies.stream().allMatch(proxy -> proxy.type() == Proxy.Type.DIRECT);
        } catch (RuntimeException failed) {
            // A selector that cannot answer is the JDK client's to deal with, as it would without this sender.
            return false;
        }
    }

    @Override
    public void send(MessageWriter writer, Consumer<HttpResponse> onResponse, Consumer<Throwable> onError) {
        try {
            executor.execute(() -> {
                HttpResponse response;
                try {
                    response = post(writer);
                } catch (IOException | RuntimeException failed) {
                    onError.accept(failed);
                    return;
                }
                onResponse.accept(response);
            });
        } catch (RejectedExecutionException busy) {
            onError.accept(busy);
        }
    }

    private HttpResponse post(MessageWriter writer) throws IOException {
        inFlight.lock();
        try {
            return postLocked(writer);
        } finally {
            if (shutDown) {
                closeConnection();
            }
            inFlight.unlock();
        }
    }

    private HttpResponse postLocked(MessageWriter writer) throws IOException {
        long start = System.nanoTime();
        ByteBuffer content = body.write(writer, compressor);
        ByteBuffer head = head(content.remaining());
        if (retryPolicy == null) {
            return exchange(head, content, start + timeoutNanos);
        }
        long backoffNanos = retryPolicy.getInitialBackoff().toNanos();
        OptionalLong askedDelay = OptionalLong.empty();
        HttpConnection.Response last = null;
        IOException failure = null;
        for (int attempt = 0; attempt < retryPolicy.getMaxAttempts(); attempt++) {
            if (attempt > 0) {
                long remaining = start + timeoutNanos - System.nanoTime();
                long current = Math.min(backoffNanos, retryPolicy.getMaxBackoff().toNanos());
                long wait = Math.min(remaining, askedDelay.isPresent() ? askedDelay.getAsLong()
                        : (long) (ThreadLocalRandom.current().nextDouble(0.8, 1.2) * current));
                backoffNanos = (long) (current * retryPolicy.getBackoffMultiplier());
                if (remaining <= 0 || !Backoff.sleep(wait) || System.nanoTime() - start >= timeoutNanos) {
                    break;
                }
                head.rewind();
                content.rewind();
            }
            last = null;
            failure = null;
            try {
                last = exchange(head, content, start + timeoutNanos);
            } catch (IOException failed) {
                if (shutDown || !retryable.test(failed)) {
                    throw failed;
                }
                failure = failed;
                askedDelay = OptionalLong.empty();
                continue;
            }
            if (!SdkInternals.retryableStatus(last.getStatusCode())) {
                return last;
            }
            askedDelay = SdkInternals.retryAfterNanos(last.retryAfter());
        }
        if (last != null) {
            return last;
        }
        throw failure;
    }

    /**
     * One request and its response, on the kept-alive connection when there is one. A kept-alive connection the
     * collector closed while it sat idle fails before any of the response arrives: the request goes again, once,
     * on a new connection.
     */
    private HttpConnection.Response exchange(ByteBuffer head, ByteBuffer content, long deadline) throws IOException {
        if (shutDown) {
            throw new InterruptedIOException("the exporter's sender is shut down");
        }
        boolean reused = connection != null;
        if (!reused) {
            connection = HttpConnection.open(resolved(), Math.min(deadline, System.nanoTime() + connectTimeoutNanos));
        }
        try {
            HttpConnection.Response response = connection.exchange(head, content, deadline, maxResponseBytes);
            if (!connection.reusable()) {
                closeConnection();
            }
            return response;
        } catch (IOException | RuntimeException failed) {
            boolean stale = reused && !connection.responseStarted() && !(failed instanceof InterruptedIOException);
            closeConnection();
            if (!stale) {
                throw failed;
            }
            head.rewind();
            content.rewind();
            return exchange(head, content, deadline);
        }
    }

    /** Resolved for every new connection, so a collector that moves is followed as the JDK's client follows it. */
    private InetSocketAddress resolved() {
        return new InetSocketAddress(address.getHostString(), address.getPort());
    }

    private ByteBuffer head(int contentLength) {
        StringBuilder head = new StringBuilder(headFixed.length() + 128).append(headFixed);
        if (compressor != null) {
            head.append("Content-Encoding: ").append(compressor.getEncoding()).append("\r\n");
        }
        Map<String, List<String>> extra = headers.get();
        if (extra != null) {
            extra.forEach((name, values) -> values.forEach(value ->
                    head.append(headerText(name)).append(": ").append(headerText(value)).append("\r\n")));
        }
        head.append("Content-Length: ").append(contentLength).append("\r\n\r\n");
        return ByteBuffer.wrap(head.toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    /** A configured header's name or value, refused when it would end the line it is on (as the JDK client refuses it). */
    private static String headerText(String text) {
        if (text.indexOf('\r') >= 0 || text.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("an OTLP header name or value holds a line break: " + text);
        }
        return text;
    }

    private void closeConnection() {
        if (connection != null) {
            connection.close();
            connection = null;
        }
    }

    /**
     * Never waits for a request under way (the JVM's exit may be the caller): that request is woken from its wait
     * and fails, and closes the connection on its way out.
     */
    @Override
    public CompletableResultCode shutdown() {
        shutDown = true;
        if (inFlight.tryLock()) {
            try {
                closeConnection();
            } finally {
                inFlight.unlock();
            }
        } else {
            HttpConnection busy = connection;
            if (busy != null) {
                busy.abort();
            }
        }
        return CompletableResultCode.ofSuccess();
    }

    /** The request body, written (and compressed) once into a buffer kept for the next request. */
    private static final class Body extends ByteArrayOutputStream {

        Body() {
            super(64 * 1024);
        }

        ByteBuffer write(MessageWriter writer, Compressor compressor) throws IOException {
            reset();
            if (compressor == null) {
                writer.writeMessage(this);
            } else {
                try (OutputStream compressed = compressor.compress(this)) {
                    writer.writeMessage(compressed);
                }
            }
            return ByteBuffer.wrap(buf, 0, count);
        }

        @Override
        public void close() {
            // The compressor's stream closes what it wraps; this buffer stays open for the next request.
        }
    }
}
