package dev.callsight.collector.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.callsight.collector.Collector;
import dev.callsight.collector.CollectorConfig;
import dev.callsight.collector.Http;
import dev.callsight.collector.Otlp;
import dev.callsight.collector.RawHttp;
import dev.callsight.collector.TestCollectors;
import dev.callsight.collector.secure.SecurityConfig;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Requests no honest exporter sends, written by hand on real sockets to a real collector: each gets a 4xx with a
 * message (or, for a sender too slow to finish its request, a cut connection), never a 5xx, and stores nothing.
 */
@Timeout(120)
class HostileInputTest {

    private static final long LIMIT = 12L * 1024 * 1024;
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(1);
    private static final String PROTOBUF = "Content-Type: application/x-protobuf\r\n";
    private static final String JSON = "Content-Type: application/json\r\n";

    @TempDir
    Path dataDir;

    private Collector collector;

    @BeforeEach
    void start() {
        collector = Collector.start(CollectorConfig.builder().otlpPort(0).httpPort(0).dataDir(dataDir)
                .maxBodyBytes(LIMIT).security(SecurityConfig.DEFAULT.withReadTimeout(READ_TIMEOUT)).build());
    }

    @AfterEach
    void stop() {
        collector.close();
    }

    @Test
    void truncatedProtobufIs400() {
        byte[] whole = traceRequest();
        RawHttp.Answer answer = post("/v1/traces", PROTOBUF, Arrays.copyOf(whole, whole.length / 2));
        assertRejected(answer, 400, "invalid OTLP protobuf for ExportTraceServiceRequest");
    }

    @Test
    void wrongOrMissingContentTypeIs415() {
        assertRejected(post("/v1/traces", "Content-Type: text/html\r\n", traceRequest()), 415,
                "unsupported Content-Type 'text/html'");
        assertRejected(post("/v1/metrics", "", traceRequest()), 415, "unsupported Content-Type 'null'");
    }

    @Test
    void unknownContentEncodingsAre415() {
        for (String encoding : List.of("br", "deflate", "gzip, br", "x\u00ff;;garbage")) {
            assertRejected(post("/v1/traces", PROTOBUF + "Content-Encoding: " + encoding + "\r\n", traceRequest()),
                    415, "unsupported Content-Encoding");
        }
    }

    @Test
    void bodyClaimingGzipThatIsNotIs400() {
        assertRejected(post("/v1/traces", PROTOBUF + "Content-Encoding: gzip\r\n", traceRequest()), 400,
                "invalid gzip body");
        byte[] gzip = Http.gzip(traceRequest());
        assertRejected(post("/v1/traces", PROTOBUF + "Content-Encoding: gzip\r\n",
                Arrays.copyOf(gzip, gzip.length - 12)), 400, "invalid gzip body");
    }

    /** 10 GiB of zeros as 160 gzip members of 64 MiB each (gzip readers must read concatenated members). */
    @Test
    void tenGigabyteGzipBombIs413() {
        byte[] member = gzipZeros(64 * 1024 * 1024);
        ByteArrayOutputStream bomb = new ByteArrayOutputStream();
        for (int i = 0; i < 160; i++) {
            bomb.writeBytes(member);
        }
        assertTrue(bomb.size() < LIMIT, "the bomb itself fits the limit: " + bomb.size());
        assertRejected(post("/v1/traces", PROTOBUF + "Content-Encoding: gzip\r\n", bomb.toByteArray()), 413,
                "decompressed request body exceeds the limit of " + LIMIT + " bytes");
    }

    @Test
    void bodiesOverTheLimitAre413() {
        // Declared too large: answered from the headers alone, before a byte of the body.
        try (RawHttp http = RawHttp.connect(collector.otlpEndpoint())) {
            http.write(RawHttp.post("/v1/traces", PROTOBUF, 10L * 1024 * 1024 * 1024).getBytes(StandardCharsets.UTF_8));
            assertRejected(http.answer(), 413, "request body of 10737418240 bytes exceeds the limit");
        }
        // Chunked, so only counting finds it.
        byte[] chunk = new byte[1024 * 1024];
        try (RawHttp http = RawHttp.connect(collector.otlpEndpoint())) {
            http.write(("POST /v1/traces HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" + PROTOBUF
                    + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            for (int i = 0; i <= LIMIT / chunk.length && http.write(chunkOf(chunk)); i++) {
                // Keeps sending until past the limit or until the collector stops reading.
            }
            http.write("0\r\n\r\n".getBytes(StandardCharsets.UTF_8));
            assertRejected(http.answer(), 413, "request body exceeds the limit");
        }
    }

    @Test
    void jsonWithWrongTypesIs400() {
        List<String> bodies = List.of(
                "[]", "null", "\"resourceSpans\"", "{\"resourceSpans\": \"x\"}", "{\"resourceSpans\": [1]}",
                "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"startTimeUnixNano\":\"soon\"}]}]}]}",
                "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"kind\":{}}]}]}]}",
                "{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"a\",\"value\":{\"intValue\":\"1e99\"}}]}}]}",
                "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":12345}]}]}]}",
                "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"name\":[\"a\"]}]}]}]}");
        for (String body : bodies) {
            assertRejected(post("/v1/traces", JSON, body.getBytes(StandardCharsets.UTF_8)), 400, "invalid OTLP");
        }
        assertRejected(post("/v1/metrics", JSON, ("{\"resourceMetrics\":[{\"scopeMetrics\":[{\"metrics\":[{\"name\":"
                + "\"http.client.request.duration\",\"histogram\":{\"dataPoints\":[{\"bucketCounts\":\"many\"}]}}]}]}]}")
                .getBytes(StandardCharsets.UTF_8)), 400, "invalid OTLP");
    }

    @Test
    void oversizedHeadersAre400() {
        // Undertow refuses them itself, before any handler, with an empty 400.
        RawHttp.Answer answer = post("/v1/traces", PROTOBUF + "X-Padding: " + "a".repeat(100 * 1024) + "\r\n",
                traceRequest());
        assertEquals(400, answer.status(), answer.toString());
        assertNothingStored();
    }

    /** A body trickled in slower than the read timeout allows loses its connection; nothing of it is stored. */
    @Test
    void slowSenderIsCutOff() {
        byte[] body = traceRequest();
        try (RawHttp http = RawHttp.connect(collector.otlpEndpoint())) {
            http.write(RawHttp.post("/v1/traces", PROTOBUF, body.length).getBytes(StandardCharsets.UTF_8));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            int sent = 0;
            while (sent < body.length - 1 && System.nanoTime() < deadline && http.write(new byte[] {body[sent]})) {
                sent++;
                sleep(200);
            }
            assertTrue(sent < body.length - 1, "cut off before the end of the body");
            assertTrue(http.answer().cut());
        }
        assertNothingStored();
    }

    @Test
    void headersThatNeverEndAreCutOff() {
        try (RawHttp http = RawHttp.connect(collector.otlpEndpoint())) {
            http.write("POST /v1/traces HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.UTF_8));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            int lines = 0;
            while (System.nanoTime() < deadline && http.write(("X-" + lines + ": y\r\n").getBytes(StandardCharsets.UTF_8))) {
                lines++;
                sleep(200);
            }
            assertTrue(System.nanoTime() < deadline, "cut off within 20 s, after " + lines + " lines");
        }
    }

    /** More slow senders than the server has workers: they are all cut off, and an honest exporter gets through. */
    @Test
    void manySlowSendersDoNotLockOutOthers() throws Exception {
        ExecutorService senders = Executors.newFixedThreadPool(40);
        CountDownLatch connected = new CountDownLatch(40);
        try {
            List<Future<Boolean>> cut = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                cut.add(senders.submit(() -> {
                    try (RawHttp http = RawHttp.connect(collector.otlpEndpoint())) {
                        http.write(RawHttp.post("/v1/traces", PROTOBUF, 1000).getBytes(StandardCharsets.UTF_8));
                        http.write(new byte[] {0});
                        connected.countDown();
                        // A slow client's pace, a byte every 200 ms, not a wait for anything.
                        for (int b = 0; b < 100 && http.write(new byte[] {0}); b++) {
                            sleep(200);
                        }
                        return http.answer().cut();
                    }
                }));
            }
            assertTrue(connected.await(30, TimeUnit.SECONDS), "the 40 slow senders started their requests");
            RawHttp.Answer honest = post("/v1/traces", PROTOBUF, traceRequest());
            assertEquals(200, honest.status(), honest.toString());
            long held = cut.stream().filter(each -> !each.isDone()).count();
            // Each is cut a second after its start: the honest request must not have waited that out.
            assertTrue(held > 0, "the honest request was answered while slow senders still held their connections");
            for (Future<Boolean> each : cut) {
                assertTrue(each.get(30, TimeUnit.SECONDS));
            }
        } finally {
            senders.shutdownNow();
        }
        assertEquals(1, collector.spanStore().spanCount());
    }

    private RawHttp.Answer post(String path, String headers, byte[] body) {
        return RawHttp.exchange(collector.otlpEndpoint(), RawHttp.post(path, headers, body.length), body);
    }

    private void assertRejected(RawHttp.Answer answer, int status, String message) {
        assertEquals(status, answer.status(), answer.toString());
        assertTrue(answer.body().contains(message), answer.toString());
        assertNothingStored();
    }

    private void assertNothingStored() {
        assertEquals(0, collector.spanStore().spanCount());
        assertEquals(0, TestCollectors.count(collector, "SELECT COUNT(*) FROM rollup_minute"));
        assertEquals(0, TestCollectors.count(collector, "SELECT COUNT(*) FROM cumulative_stream"));
    }

    private static byte[] traceRequest() {
        return Otlp.traces("checkout", Otlp.clientSpan("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", 200))
                .toByteArray();
    }

    private static byte[] chunkOf(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes((Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.writeBytes(data);
        out.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private static byte[] gzipZeros(int length) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out, 64 * 1024) {
            {
                def.setLevel(Deflater.BEST_COMPRESSION);
            }
        }) {
            byte[] zeros = new byte[1024 * 1024];
            for (int i = 0; i < length / zeros.length; i++) {
                gzip.write(zeros);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
