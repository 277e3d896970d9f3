package dev.callsight.agent.core.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.sdk.common.export.Compressor;
import io.opentelemetry.sdk.common.export.HttpResponse;
import io.opentelemetry.sdk.common.export.HttpSenderConfig;
import io.opentelemetry.sdk.common.export.MessageWriter;
import io.opentelemetry.sdk.common.export.ProxyOptions;
import io.opentelemetry.sdk.common.export.RetryPolicy;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The agent's plain-text OTLP sender against real local servers: what it sends, how it retries, when it gives up. */
class PlainHttpSenderTest {

    private static final byte[] BODY = "spans, as protobuf".getBytes(StandardCharsets.UTF_8);
    private static final RetryPolicy QUICK_RETRIES = RetryPolicy.builder().setMaxAttempts(3)
            .setInitialBackoff(Duration.ofMillis(10)).build();

    private final ExecutorService exportThread = Executors.newSingleThreadExecutor();
    private HttpServer server;
    private ServerSocket rawServer;

    @AfterEach
    void stop() throws IOException {
        exportThread.shutdownNow();
        if (server != null) {
            server.stop(0);
        }
        if (rawServer != null) {
            rawServer.close();
        }
    }

    @Test
    void postsTheBodyWithTheConfiguredHeadersOnOneKeptAliveConnection() throws Exception {
        ConcurrentLinkedQueue<String> seen = new ConcurrentLinkedQueue<>();
        startServer(exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            seen.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " "
                    + exchange.getRequestHeaders().getFirst("Content-Type") + " "
                    + exchange.getRequestHeaders().getFirst("Authorization") + " "
                    + new String(body, StandardCharsets.UTF_8) + " from port " + exchange.getRemoteAddress().getPort());
            byte[] answer = "ok".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        PlainHttpSender sender = new PlainHttpSender(config(null, QUICK_RETRIES, Duration.ofSeconds(10)));

        HttpResponse first = send(sender).get(10, TimeUnit.SECONDS);
        HttpResponse second = send(sender).get(10, TimeUnit.SECONDS);

        assertEquals(200, first.getStatusCode());
        assertArrayEquals("ok".getBytes(StandardCharsets.UTF_8), second.getResponseBody());
        List<String> requests = List.copyOf(seen);
        assertEquals(2, requests.size());
        assertTrue(requests.get(0).startsWith(
                "POST /v1/traces application/x-protobuf Bearer s3cret spans, as protobuf from port "), requests.get(0));
        assertEquals(port(requests.get(0)), port(requests.get(1)), "the second request reuses the connection");
    }

    @Test
    void compressesTheBodyWithTheConfiguredCompressor() throws Exception {
        CompletableFuture<byte[]> received = new CompletableFuture<>();
        startServer(exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            if ("gzip".equals(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
                try (InputStream gunzip = new GZIPInputStream(new ByteArrayInputStream(body))) {
                    received.complete(gunzip.readAllBytes());
                }
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        Compressor gzip = new Compressor() {
            @Override
            public String getEncoding() {
                return "gzip";
            }

            @Override
            public OutputStream compress(OutputStream out) throws IOException {
                return new GZIPOutputStream(out);
            }
        };
        PlainHttpSender sender = new PlainHttpSender(config(gzip, QUICK_RETRIES, Duration.ofSeconds(10)));

        assertEquals(200, send(sender).get(10, TimeUnit.SECONDS).getStatusCode());
        assertArrayEquals(BODY, received.get(10, TimeUnit.SECONDS));
    }

    @Test
    void retriesAnOverloadedCollectorAndReturnsItsLastAnswer() throws Exception {
        AtomicInteger requests = new AtomicInteger();
        startServer(exchange -> {
            exchange.getRequestBody().readAllBytes();
            if (requests.incrementAndGet() == 1) {
                exchange.getResponseHeaders().add("Retry-After", "0");
                exchange.sendResponseHeaders(503, -1);
            } else {
                // A chunked error body: the sender reads it whole and hands it on.
                exchange.sendResponseHeaders(400, 0);
                exchange.getResponseBody().write("malformed spans".getBytes(StandardCharsets.UTF_8));
            }
            exchange.close();
        });
        PlainHttpSender sender = new PlainHttpSender(config(null, QUICK_RETRIES, Duration.ofSeconds(10)));

        HttpResponse answer = send(sender).get(10, TimeUnit.SECONDS);

        assertEquals(400, answer.getStatusCode(), "400 is not retried");
        assertEquals("malformed spans", new String(answer.getResponseBody(), StandardCharsets.UTF_8));
        assertEquals(2, requests.get());
    }

    @Test
    void aCollectorThatNeverAnswersFailsTheSendAtTheExportTimeout() throws Exception {
        rawServer = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        PlainHttpSender sender = new PlainHttpSender(config(null, null, Duration.ofMillis(300)));

        CompletableFuture<HttpResponse> sent = send(sender);

        Throwable failure = sent.handle((response, error) -> error).get(10, TimeUnit.SECONDS);
        assertInstanceOf(SocketTimeoutException.class, failure);
    }

    @Test
    void shuttingDownEndsARequestTheCollectorHoldsWithoutWaitingForIt() throws Exception {
        rawServer = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        CompletableFuture<Socket> held = new CompletableFuture<>();
        Thread collector = new Thread(() -> {
            try {
                Socket socket = rawServer.accept();
                readRequest(socket.getInputStream());
                held.complete(socket);
            } catch (IOException closed) {
                held.completeExceptionally(closed);
            }
        });
        collector.setDaemon(true);
        collector.start();
        PlainHttpSender sender = new PlainHttpSender(config(null, QUICK_RETRIES, Duration.ofMinutes(5)));
        CompletableFuture<HttpResponse> sent = send(sender);
        try (Socket socket = held.get(10, TimeUnit.SECONDS)) {

            assertTrue(sender.shutdown().isSuccess());

            Throwable failure = sent.handle((response, error) -> error).get(10, TimeUnit.SECONDS);
            assertInstanceOf(InterruptedIOException.class, failure, String.valueOf(failure));
        }
    }

    @Test
    void aConfiguredHeaderWithALineBreakIsRefusedNotSent() throws Exception {
        rawServer = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        PlainHttpSender sender = new PlainHttpSender(
                config(null, null, Duration.ofSeconds(10), Map.of("X-Tenant", List.of("a\r\nX-Injected: b"))));

        Throwable failure = send(sender).handle((response, error) -> error).get(10, TimeUnit.SECONDS);

        assertInstanceOf(IllegalArgumentException.class, failure);
    }

    @Test
    void aCollectorTheJvmsProxySelectorSendsThroughAProxyIsLeftToTheJdkClient() throws Exception {
        rawServer = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        HttpSenderConfig config = config(null, null, Duration.ofSeconds(10));
        ProxySelector original = ProxySelector.getDefault();
        try {
            assertTrue(PlainHttpSender.serves(config), "direct by default");
            ProxySelector.setDefault(new ProxySelector() {
                @Override
                public List<Proxy> select(URI uri) {
                    return List.of(new Proxy(Proxy.Type.HTTP, new InetSocketAddress("127.0.0.1", 3128)));
                }

                @Override
                public void connectFailed(URI uri, SocketAddress address, IOException failure) {
                    // nothing to learn here
                }
            });

            assertFalse(PlainHttpSender.serves(config));
        } finally {
            ProxySelector.setDefault(original);
        }
    }

    @Test
    void aKeptAliveConnectionTheCollectorClosedIsReplacedWithoutLosingTheRequest() throws Exception {
        rawServer = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        AtomicInteger connections = new AtomicInteger();
        Thread collector = new Thread(() -> {
            // Answers one request per connection, keep-alive said, then closes it: as a collector's idle timeout does.
            for (int i = 0; i < 2; i++) {
                try (Socket socket = rawServer.accept()) {
                    connections.incrementAndGet();
                    readRequest(socket.getInputStream());
                    socket.getOutputStream().write(
                            "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                } catch (IOException closed) {
                    return;
                }
            }
        });
        collector.setDaemon(true);
        collector.start();
        PlainHttpSender sender = new PlainHttpSender(config(null, null, Duration.ofSeconds(10)));

        assertEquals(200, send(sender).get(10, TimeUnit.SECONDS).getStatusCode());
        assertEquals(200, send(sender).get(10, TimeUnit.SECONDS).getStatusCode());
        assertEquals(2, connections.get());
        collector.join(10_000);
        assertFalse(collector.isAlive());
    }

    private CompletableFuture<HttpResponse> send(PlainHttpSender sender) {
        CompletableFuture<HttpResponse> result = new CompletableFuture<>();
        sender.send(new MessageWriter() {
            @Override
            public void writeMessage(OutputStream out) throws IOException {
                out.write(BODY);
            }

            @Override
            public int getContentLength() {
                return BODY.length;
            }
        }, result::complete, result::completeExceptionally);
        return result;
    }

    private void startServer(com.sun.net.httpserver.HttpHandler handler) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/traces", handler);
        server.start();
    }

    private static int port(String request) {
        return Integer.parseInt(request.substring(request.lastIndexOf(' ') + 1));
    }

    /** Reads a request's head and its Content-Length of body. */
    private static void readRequest(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("closed mid-request");
            }
            head.append((char) c);
        }
        String lengthHeader = "Content-Length: ";
        int at = head.indexOf(lengthHeader);
        int length = Integer.parseInt(head.substring(at + lengthHeader.length(), head.indexOf("\r\n", at)));
        in.readNBytes(length);
    }

    private HttpSenderConfig config(Compressor compressor, RetryPolicy retries, Duration timeout) {
        return config(compressor, retries, timeout, Map.of("Authorization", List.of("Bearer s3cret")));
    }

    private HttpSenderConfig config(Compressor compressor, RetryPolicy retries, Duration timeout,
            Map<String, List<String>> headers) {
        int port = server != null ? server.getAddress().getPort() : rawServer.getLocalPort();
        URI endpoint = URI.create("http://127.0.0.1:" + port + "/v1/traces");
        return new HttpSenderConfig() {
            @Override
            public URI getEndpoint() {
                return endpoint;
            }

            @Override
            public String getContentType() {
                return "application/x-protobuf";
            }

            @Override
            public Compressor getCompressor() {
                return compressor;
            }

            @Override
            public Duration getTimeout() {
                return timeout;
            }

            @Override
            public Duration getConnectTimeout() {
                return Duration.ofSeconds(10);
            }

            @Override
            public Supplier<Map<String, List<String>>> getHeadersSupplier() {
                return () -> headers;
            }

            @Override
            public ProxyOptions getProxyOptions() {
                return null;
            }

            @Override
            public RetryPolicy getRetryPolicy() {
                return retries;
            }

            @Override
            public SSLContext getSslContext() {
                return null;
            }

            @Override
            public X509TrustManager getTrustManager() {
                return null;
            }

            @Override
            public ExecutorService getExecutorService() {
                return exportThread;
            }
        };
    }
}
