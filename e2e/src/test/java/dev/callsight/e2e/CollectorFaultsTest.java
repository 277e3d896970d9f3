package dev.callsight.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.callsight.e2e.support.CollectorProcess;
import dev.callsight.e2e.support.OtlpBatch;
import dev.callsight.e2e.support.PrometheusText;
import dev.callsight.e2e.support.Tmpfs;
import dev.callsight.testing.Eventually;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The collector jar in its own JVM under load and faults: more senders than it admits, SIGKILL mid-ingest, a full
 * disk and a read-only data directory. Every test ends by finding every acknowledged (200) batch in the store.
 */
class CollectorFaultsTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @TempDir
    Path temp;

    @Test
    void overloadIsAnswered429WithRetryAfterAndEveryAcknowledgedBatchIsStored() throws Exception {
        Path dataDir = temp.resolve("data");
        try (CollectorProcess collector = CollectorProcess.start(List.of("-Xmx128m", "-XX:+ExitOnOutOfMemoryError"),
                dataDir, "--max-pending-requests", "4", "--max-pending-bytes", "4MiB")) {
            ConcurrentLinkedQueue<OtlpBatch> acknowledged = new ConcurrentLinkedQueue<>();
            ConcurrentLinkedQueue<HttpResponse<String>> refused = new ConcurrentLinkedQueue<>();
            int senders = 16;
            ExecutorService pool = Executors.newFixedThreadPool(senders);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Void>> sent = new ArrayList<>();
            try {
                for (int sender = 0; sender < senders; sender++) {
                    int id = sender;
                    sent.add(pool.submit(() -> {
                        go.await();
                        for (int batch = 0; batch < 8; batch++) {
                            OtlpBatch batchSent = OtlpBatch.of("overload", OtlpBatch.traceId(id, batch), 50,
                                    8 * 1024);
                            HttpResponse<String> response = collector.postOtlp("/v1/traces", OtlpBatch.CONTENT_TYPE,
                                    batchSent.protobuf());
                            if (response.statusCode() == 200) {
                                acknowledged.add(batchSent);
                            } else {
                                refused.add(response);
                            }
                        }
                        return null;
                    }));
                }
                go.countDown();
                pool.shutdown();
                assertTrue(pool.awaitTermination(2, TimeUnit.MINUTES), "senders still running");
                for (Future<Void> sender : sent) {
                    // Every request was answered: a refusal is a 429, never a dropped connection.
                    sender.get();
                }
            } finally {
                pool.shutdownNow();
            }

            assertFalse(refused.isEmpty(), "16 senders against 4 admitted requests were never refused");
            assertFalse(acknowledged.isEmpty(), "nothing was admitted");
            for (HttpResponse<String> response : refused) {
                assertEquals(429, response.statusCode(), response.body());
                assertEquals(Optional.of("1"), response.headers().firstValue("Retry-After"));
                assertTrue(response.body().startsWith("collector overloaded: "), response.body());
            }
            assertTrue(collector.isAlive(), "collector died under load: " + collector.output());
            assertFalse(String.join("\n", collector.output()).contains("OutOfMemoryError"), collector.output()::toString);
            assertEquals(refused.size(), metric(collector, "callsight_ingest_rejected_total", Map.of("reason", "overloaded")));
            assertEquals(0, metric(collector, "callsight_ingest_pending_requests", Map.of()));
            assertStored(collector, acknowledged);
        }
    }

    @Test
    void everyAcknowledgedSpanSurvivesSigkillMidIngest() throws Exception {
        Path dataDir = temp.resolve("data");
        sigkillMidIngest(() -> CollectorProcess.start(dataDir));
    }

    /**
     * Four senders export batches until 200 are acknowledged, then the collector gets SIGKILL mid-ingest; a
     * collector started again on the same store must serve every span of every acknowledged batch.
     */
    static void sigkillMidIngest(Callable<CollectorProcess> start) throws Exception {
        ConcurrentLinkedQueue<OtlpBatch> acknowledged = new ConcurrentLinkedQueue<>();
        try (CollectorProcess collector = start.call()) {
            AtomicBoolean killed = new AtomicBoolean();
            int senders = 4;
            ExecutorService pool = Executors.newFixedThreadPool(senders);
            try {
                for (int sender = 0; sender < senders; sender++) {
                    int id = sender;
                    pool.submit(() -> {
                        long deadline = System.nanoTime() + PATIENCE.toNanos();
                        for (int batch = 0; batch < 5_000 && !killed.get() && System.nanoTime() < deadline; batch++) {
                            OtlpBatch sent = OtlpBatch.of("sigkill", OtlpBatch.traceId(id, batch), 20, 200);
                            try {
                                if (collector.postOtlp("/v1/traces", OtlpBatch.CONTENT_TYPE, sent.protobuf())
                                        .statusCode() == 200) {
                                    acknowledged.add(sent);
                                }
                            } catch (IOException gone) {
                                return null;
                            }
                        }
                        return null;
                    });
                }
                Eventually.get(() -> acknowledged.size() >= 200 ? true : null, "200 acknowledged batches", PATIENCE);
                collector.kill();
                killed.set(true);
                pool.shutdown();
                assertTrue(pool.awaitTermination(1, TimeUnit.MINUTES), "senders still running");
            } finally {
                pool.shutdownNow();
            }
        }
        try (CollectorProcess restarted = start.call()) {
            assertStored(restarted, acknowledged);
        }
    }

    @Test
    void fullDiskIsAnswered503AndIngestResumesWhenSpaceReturns() throws Exception {
        List<OtlpBatch> acknowledged = new ArrayList<>();
        try (Tmpfs disk = Tmpfs.mount(temp.resolve("disk"), "16m")) {
            Path dataDir = disk.directory().resolve("data");
            try (CollectorProcess collector = CollectorProcess.start(dataDir)) {
                for (int batch = 0; batch < 5; batch++) {
                    acknowledged.add(sendExpecting(collector, 200, batch));
                }
                Path filler = disk.fill();

                HttpResponse<String> full = null;
                for (int batch = 5; batch < 200 && full == null; batch++) {
                    OtlpBatch sent = OtlpBatch.of("disk", OtlpBatch.traceId(0, batch), 20, 4096);
                    HttpResponse<String> response = collector.postOtlp("/v1/traces", OtlpBatch.CONTENT_TYPE,
                            sent.protobuf());
                    if (response.statusCode() == 200) {
                        acknowledged.add(sent);
                    } else {
                        full = response;
                    }
                }
                assertTrue(full != null, "a full disk never refused a batch");
                assertEquals(503, full.statusCode(), full.body());
                assertTrue(full.body().startsWith("store unavailable: disk full"), full.body());
                assertTrue(full.headers().firstValue("Retry-After").isPresent(), full.headers().toString());
                assertTrue(metric(collector, "callsight_ingest_store_failures_total", Map.of("cause", "disk_full")) >= 1);

                Files.delete(filler);
                int[] batch = {1_000};
                acknowledged.add(Eventually.get(() -> {
                    OtlpBatch sent = OtlpBatch.of("disk", OtlpBatch.traceId(0, batch[0]++), 20, 4096);
                    return collector.postOtlp("/v1/traces", OtlpBatch.CONTENT_TYPE, sent.protobuf()).statusCode() == 200
                            ? sent : null;
                }, "a batch accepted once space returned", PATIENCE));
                assertEquals(143, collector.stop());
            }
            try (CollectorProcess restarted = CollectorProcess.start(dataDir)) {
                assertStored(restarted, acknowledged);
            }
        }
    }

    @Test
    void readOnlyDataDirectoryIsAnswered503AndIngestResumesWhenWritable() throws Exception {
        List<OtlpBatch> acknowledged = new ArrayList<>();
        try (Tmpfs disk = Tmpfs.mount(temp.resolve("disk"), "16m")) {
            Path dataDir = disk.directory().resolve("data");
            try (CollectorProcess collector = CollectorProcess.start(dataDir)) {
                acknowledged.add(sendExpecting(collector, 200, 0));
                collector.stop();
            }
            disk.remountReadOnly();
            try (CollectorProcess collector = CollectorProcess.start(dataDir)) {
                assertStored(collector, acknowledged);
                HttpResponse<String> refused = collector.postOtlp("/v1/traces", OtlpBatch.CONTENT_TYPE,
                        OtlpBatch.of("readonly", OtlpBatch.traceId(0, 1), 20, 200).protobuf());
                assertEquals(503, refused.statusCode(), refused.body());
                assertTrue(refused.body().startsWith("store unavailable: read-only data directory"), refused.body());
                assertTrue(refused.headers().firstValue("Retry-After").isPresent());
                assertTrue(metric(collector, "callsight_ingest_store_failures_total", Map.of("cause", "read_only")) >= 1);

                disk.remountWritable();
                int[] batch = {2};
                acknowledged.add(Eventually.get(() -> {
                    OtlpBatch sent = OtlpBatch.of("readonly", OtlpBatch.traceId(0, batch[0]++), 20, 200);
                    return collector.postOtlp("/v1/traces", OtlpBatch.CONTENT_TYPE, sent.protobuf()).statusCode() == 200
                            ? sent : null;
                }, "a batch accepted once the directory was writable", PATIENCE));
                assertEquals(143, collector.stop());
            }
            try (CollectorProcess restarted = CollectorProcess.start(dataDir)) {
                assertStored(restarted, acknowledged);
            }
        }
    }

    private static OtlpBatch sendExpecting(CollectorProcess collector, int status, int batch) throws Exception {
        OtlpBatch sent = OtlpBatch.of("disk", OtlpBatch.traceId(0, batch), 20, 4096);
        HttpResponse<String> response = collector.postOtlp("/v1/traces", OtlpBatch.CONTENT_TYPE, sent.protobuf());
        assertEquals(status, response.statusCode(), response.body());
        return sent;
    }

    /** Every span of every batch is served by the (restarted) collector; lists the trace IDs of any missing. */
    static void assertStored(CollectorProcess collector, Iterable<OtlpBatch> batches) throws Exception {
        List<String> missing = new ArrayList<>();
        int checked = 0;
        for (OtlpBatch batch : batches) {
            checked++;
            if (collector.spans(batch.traceId()).size() != batch.spans()) {
                missing.add(batch.traceId());
            }
        }
        assertEquals(List.of(), missing, missing.size() + " of " + checked + " acknowledged batches not stored whole");
    }

    /** The sum of a collector health metric's series with the given labels. */
    static double metric(CollectorProcess collector, String name, Map<String, String> labels)
            throws Exception {
        double total = 0;
        for (PrometheusText.Sample sample : PrometheusText.parse(collector.get("/metrics").body())) {
            if (sample.name().equals(name) && sample.labels().entrySet().containsAll(labels.entrySet())) {
                total += sample.value();
            }
        }
        return total;
    }
}
