package dev.callsight.collector.store.spanlog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.callsight.collector.store.SpanQuery;
import dev.callsight.collector.store.SpanRecord;
import dev.callsight.collector.store.SpanSearch;
import dev.callsight.testing.Eventually;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The span log store on real files with real Lucene indexes. */
class LogSpanStoreTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final SpanLogSettings KEEP_ALL = new SpanLogSettings(Duration.ofDays(30), 0);

    @TempDir
    Path directory;

    private final SettableClock clock = new SettableClock(Instant.parse("2026-12-01T10:10:00Z"));

    private long now() {
        return clock.millis() * 1_000_000L;
    }

    private LogSpanStore open() throws IOException {
        return open(KEEP_ALL);
    }

    private LogSpanStore open(SpanLogSettings settings) throws IOException {
        return LogSpanStore.open(directory, settings, clock);
    }

    @Test
    void acknowledgedSpansAreReadBackAndSurviveAReopen() throws Exception {
        List<SpanRecord> batch = List.of(Spans.client(Spans.traceId(1), Spans.spanId(1), now()),
                Spans.client(Spans.traceId(1), Spans.spanId(2), now() + 1_000));
        try (LogSpanStore store = open()) {
            store.insert(batch);
            assertEquals(batch, store.findTrace(Spans.traceId(1)));
        }
        try (LogSpanStore store = open()) {
            assertEquals(batch, store.findTrace(Spans.traceId(1)));
            assertEquals(2, store.spanCount());
            assertEquals(List.of("checkout"), store.services());
        }
    }

    @Test
    void aTraceIsFoundTheMomentItsBatchIsAcknowledgedByEveryConcurrentWriter() throws Exception {
        int writers = 8;
        int batchesEach = 50;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try (LogSpanStore store = open()) {
            List<Future<List<String>>> results = new ArrayList<>();
            for (int writer = 0; writer < writers; writer++) {
                int id = writer;
                results.add(pool.submit(() -> {
                    List<String> missing = new ArrayList<>();
                    for (int batch = 0; batch < batchesEach; batch++) {
                        long n = id * 1000L + batch;
                        List<SpanRecord> spans = List.of(Spans.client(Spans.traceId(n), Spans.spanId(1), now()),
                                Spans.client(Spans.traceId(n), Spans.spanId(2), now()));
                        store.insert(spans);
                        if (store.findTrace(Spans.traceId(n)).size() != 2) {
                            missing.add(Spans.traceId(n));
                        }
                    }
                    return missing;
                }));
            }
            for (Future<List<String>> result : results) {
                assertEquals(List.of(), result.get());
            }
            assertEquals(writers * batchesEach * 2L, store.spanCount());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aTornTailIsCutAndTheLogBeyondTheIndexCommitIsReplayedOnce() throws Exception {
        SpanRecord first = Spans.client(Spans.traceId(1), Spans.spanId(1), now());
        SpanRecord second = Spans.client(Spans.traceId(2), Spans.spanId(1), now());
        try (LogSpanStore store = open()) {
            store.insert(List.of(first));
        }
        Path partition = onlyPartition();
        Path savedIndex = directory.resolve("index-covering-first");
        copy(partition.resolve("index"), savedIndex);
        try (LogSpanStore store = open()) {
            store.insert(List.of(second));
        }
        // As after a crash: the index's last commit covers only the first batch, and a write was cut mid-record.
        delete(partition.resolve("index"));
        copy(savedIndex, partition.resolve("index"));
        Path segment = lastSegment(partition);
        byte[] record = Files.readAllBytes(segment);
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.APPEND)) {
            channel.write(ByteBuffer.wrap(record, 0, record.length / 2));
        }
        long torn = Files.size(segment);

        try (LogSpanStore store = open()) {
            assertEquals(List.of(first), store.findTrace(Spans.traceId(1)));
            assertEquals(List.of(second), store.findTrace(Spans.traceId(2)));
            assertEquals(2, store.spanCount(), "the first batch was indexed once");
            assertTrue(Files.size(segment) < torn, "the torn tail was cut");
            SpanRecord third = Spans.client(Spans.traceId(3), Spans.spanId(1), now());
            store.insert(List.of(third));
            assertEquals(List.of(third), store.findTrace(Spans.traceId(3)));
        }
        try (LogSpanStore store = open()) {
            assertEquals(3, store.spanCount());
        }
    }

    @Test
    void aCleanCloseCommitsTheIndexUpToTheLogsEndSoAStartReplaysNothing() throws Exception {
        try (LogSpanStore store = open()) {
            store.insert(List.of(Spans.client(Spans.traceId(1), Spans.spanId(1), now())));
            // Indexed and refreshed before the close, the case where nothing is left for the close to read.
            Eventually.until(() -> store.recentTraces(null, 10).size() == 1, "the span searchable", () -> "",
                    PATIENCE);
        }
        Path partition = onlyPartition();
        long hour = clock.millis() / 3_600_000L;
        try (SpanLog log = SpanLog.open(directory, clock, LogSpanStore.SEGMENT_BYTES);
                PartitionIndex index = PartitionIndex.openReadOnly(hour, partition.resolve("index"))) {
            assertEquals(log.endOf(hour), index.committed());
        }
    }

    @Test
    void aLostIndexIsRebuiltFromTheLog() throws Exception {
        try (LogSpanStore store = open()) {
            for (int i = 0; i < 20; i++) {
                store.insert(List.of(Spans.client(Spans.traceId(i), Spans.spanId(1), now())));
            }
        }
        delete(onlyPartition().resolve("index"));
        try (LogSpanStore store = open()) {
            assertEquals(20, store.spanCount());
            assertEquals(1, store.findTrace(Spans.traceId(7)).size());
        }
    }

    @Test
    void anIndexOfAnEarlierLayoutIsBuiltAgainFromTheLog() throws Exception {
        try (LogSpanStore store = open()) {
            for (int i = 0; i < 20; i++) {
                store.insert(List.of(Spans.client(Spans.traceId(i), Spans.spanId(1), now())));
            }
        }
        // What an index written before span groups records: the log position it covers, and no layout.
        try (FSDirectory index = FSDirectory.open(onlyPartition().resolve("index"));
                IndexWriter writer = new IndexWriter(index, new IndexWriterConfig())) {
            Map<String, String> commit = new HashMap<>(SegmentInfos.readLatestCommit(index).getUserData());
            commit.remove("layout");
            writer.setLiveCommitData(commit.entrySet());
            writer.commit();
        }
        try (LogSpanStore store = open()) {
            assertEquals(20, store.spanCount());
            assertEquals(1, store.findTrace(Spans.traceId(7)).size());
        }
        try (LogSpanStore store = open()) {
            assertEquals(20, store.spanCount(), "indexed once");
        }
    }

    @Test
    void searchesFindSpansByEveryFieldAndByTag() throws Exception {
        long start = now() - 60_000_000_000L;
        SpanRecord fast = Spans.client(Spans.traceId(1), Spans.spanId(1), "checkout", start, 2_000_000, "payments",
                8080, "/pay/{id}", 200, null, "{\"http.request.method\":\"POST\",\"retry\":true}");
        SpanRecord failed = Spans.client(Spans.traceId(2), Spans.spanId(1), "checkout", start + 1_000, 900_000_000,
                "inventory", 9090, "/stock/{sku}", 503, "timeout", "{\"http.request.method\":\"GET\",\"attempt\":2}");
        SpanRecord other = Spans.client(Spans.traceId(3), Spans.spanId(1), "billing", start + 2_000, 10_000_000,
                "payments", 8080, "/refund", 404, null, "{\"http.request.method\":\"GET\"}");
        try (LogSpanStore store = open()) {
            store.insert(List.of(fast, failed));
            store.insert(List.of(other));
            long from = start - 1_000_000_000L;
            long to = now();
            Eventually.until(() -> store.search(search(null, null, null, null, null, null, from, to)).size() == 3,
                    "all three spans searchable", () -> "", PATIENCE);

            assertEquals(List.of(failed, fast), store.search(search("checkout", null, null, null, null, null, from, to)));
            assertEquals(List.of(other, fast), store.search(search(null, "payments", null, null, null, null, from, to)));
            assertEquals(List.of(failed), store.search(search(null, null, "/stock/{sku}", null, null, null, from, to)));
            assertEquals(List.of(other), store.search(search(null, null, null, 404, null, null, from, to)));
            assertEquals(List.of(failed), store.search(search(null, null, null, null, "timeout", null, from, to)));
            assertEquals(List.of(failed), store.search(search(null, null, null, null, null, 100_000_000L, from, to)));
            assertEquals(List.of(), store.search(search(null, null, null, null, null, null, from, start - 1)));
            assertEquals(List.of(failed), store.search(new SpanSearch(null, null, null, null, null, null, null,
                    Map.of("attempt", "2", "span.kind", "client"), from, to, 50)));
            assertEquals(List.of(), store.search(new SpanSearch("billing", null, null, null, null, null, null,
                    Map.of("attempt", "2"), from, to, 50)));

            assertEquals(List.of(Spans.traceId(1)), store.searchTraceIds(jaeger("checkout", Map.of("retry", "true"))));
            assertEquals(List.of(Spans.traceId(2)), store.searchTraceIds(jaeger("checkout",
                    Map.of("attempt", "2", "error", "true", "span.kind", "client"))));
            assertEquals(List.of(Spans.traceId(2), Spans.traceId(1)), store.searchTraceIds(jaeger("checkout",
                    Map.of("deployment.environment", "test"))));
            assertEquals(List.of(), store.searchTraceIds(jaeger("checkout", Map.of("attempt", "3"))));
            assertEquals(List.of(Spans.traceId(2)), store.searchTraceIds(new SpanQuery("checkout",
                    "GET /stock/{sku}", from, to, null, null, Map.of(), 10)));
            assertEquals(List.of(Spans.traceId(1)), store.searchTraceIds(new SpanQuery("checkout", null, from, to,
                    null, 5_000_000L, Map.of(), 10)));
            assertEquals(List.of("billing", "checkout"), store.services());
            assertEquals(List.of("GET /pay/{id}", "GET /stock/{sku}"),
                    store.operations("checkout").stream().map(operation -> operation.name()).toList());
        }
    }

    @Test
    void spansOfOneCallSiteShareADocumentYetEachIsMatchedAndOrderedByItself() throws Exception {
        long start = now() - 60_000_000_000L;
        // Two batches to one call site, their start times interleaved: two documents of three and one spans.
        SpanRecord first = call(1, start, 2_000_000, "{\"attempt\":1}");
        SpanRecord longest = call(2, start + 2_000, 900_000_000, "{\"attempt\":2}");
        SpanRecord latest = call(3, start + 3_000, 5_000_000, "{\"attempt\":3}");
        SpanRecord between = call(4, start + 1_000, 3_000_000, "{\"attempt\":4}");
        try (LogSpanStore store = open()) {
            store.insert(List.of(first, longest, latest));
            store.insert(List.of(between));
            long from = start - 1_000_000_000L;
            long to = now();
            Eventually.until(() -> store.search(search(null, null, null, null, null, null, from, to)).size() == 4,
                    "all four spans searchable", () -> "", PATIENCE);

            assertEquals(List.of(latest, longest, between, first),
                    store.search(search("checkout", null, null, null, null, null, from, to)));
            assertEquals(List.of(longest), store.search(search(null, null, null, null, null, 100_000_000L, from, to)));
            assertEquals(List.of(between), store.search(new SpanSearch(null, null, null, null, null, null, null,
                    Map.of("attempt", "4"), from, to, 50)));
            assertEquals(List.of(longest, between, first), store.search(search(null, null, null, null, null, null,
                    from, start + 2_000)), "what started after the range is left out, though its document overlaps it");
            assertEquals(List.of(Spans.traceId(3), Spans.traceId(4), Spans.traceId(1)),
                    store.searchTraceIds(new SpanQuery("checkout", null, from, to, null, 10_000_000L, Map.of(), 10)));
            assertEquals(List.of(), store.searchTraceIds(new SpanQuery("checkout", null, from, to, null, 10_000_000L,
                    Map.of("attempt", "2"), 10)), "the one span tagged so is too long");
            assertEquals(List.of(longest), store.findTrace(Spans.traceId(2)));
            assertEquals(4, store.spanCount());

            // A server span with the client span's attributes and resource, in one batch: each has its own kind's tag.
            SpanRecord client = call(5, start + 4_000, 1_000_000, "{\"attempt\":5}");
            SpanRecord server = new SpanRecord(Spans.traceId(5), Spans.spanId(2), Spans.spanId(1), "checkout", "test",
                    "GET /pay/{id}", SpanRecord.KIND_SERVER, start + 4_001, start + 900_000, 0, "", "GET", null, null,
                    "/pay/{id}", 200, null, null, client.attributesJson(), client.resourceAttributesJson(), "[]",
                    "[]");
            store.insert(List.of(client, server));
            Eventually.until(() -> store.spanCount() == 6 && store.search(search(null, null, null, null, null, null,
                    from, to)).size() == 5, "the batch searchable", () -> "", PATIENCE);
            assertEquals(List.of(server), store.search(new SpanSearch(null, null, null, null, null, null, null,
                    Map.of("span.kind", "server"), from, to, 50)));
            assertEquals(List.of(client), store.search(new SpanSearch(null, null, null, null, null, null, null,
                    Map.of("span.kind", "client", "attempt", "5"), from, to, 50)));
        }
        try (LogSpanStore store = open()) {
            assertEquals(List.of(between), store.findTrace(Spans.traceId(4)));
            assertEquals(6, store.spanCount());
        }
    }

    private static SpanRecord call(int trace, long startNano, long durationNano, String attributesJson) {
        return Spans.client(Spans.traceId(trace), Spans.spanId(1), "checkout", startNano, durationNano, "payments",
                8080, "/pay/{id}", 200, null, attributesJson);
    }

    @Test
    void aTraceWhoseSpansArrivedInDifferentHoursIsWholeAndALateSpanIsFoundByItsStartTime() throws Exception {
        long started = now();
        SpanRecord early = Spans.client(Spans.traceId(1), Spans.spanId(1), started);
        SpanRecord late = Spans.client(Spans.traceId(1), Spans.spanId(2), started + 1_000);
        try (LogSpanStore store = open()) {
            store.insert(List.of(early));
            // The second span comes three hours later, as from an exporter that had been cut off.
            clock.advance(Duration.ofHours(3));
            store.insert(List.of(late));
            assertEquals(List.of("2026-12-01-10", "2026-12-01-13"), partitions());
            assertEquals(List.of(early, late), store.findTrace(Spans.traceId(1)));
            long from = started - 1_000_000_000L;
            long to = started + 1_000_000_000L;
            // The newest span of the trace is found, though it was filed under the hour it arrived.
            Eventually.until(() -> store.search(search(null, null, null, null, null, null, from, to))
                    .equals(List.of(late)), "the late span searchable by its start time",
                    () -> store.search(search(null, null, null, null, null, null, from, to)).toString(), PATIENCE);
        }
        try (LogSpanStore store = open()) {
            assertEquals(List.of(early, late), store.findTrace(Spans.traceId(1)));
        }
    }

    @Test
    void manyTracesAreFoundInOneWalkEachWholeAndInTheOrderAsked() throws Exception {
        SpanRecord first = Spans.client(Spans.traceId(1), Spans.spanId(1), now());
        SpanRecord second = Spans.client(Spans.traceId(2), Spans.spanId(1), now() + 1);
        SpanRecord original = Spans.client(Spans.traceId(1), Spans.spanId(2), now() + 2);
        SpanRecord resent = Spans.client(Spans.traceId(1), Spans.spanId(2), "checkout", now() + 2, 5_000_000,
                "payments", 8080, "/pay/{id}", 503, null, "{}");
        List<String> asked = List.of(Spans.traceId(3), Spans.traceId(2), Spans.traceId(1));
        Map<String, List<SpanRecord>> expected = new LinkedHashMap<>();
        expected.put(Spans.traceId(3), List.of());
        expected.put(Spans.traceId(2), List.of(second));
        expected.put(Spans.traceId(1), List.of(first, resent));
        try (LogSpanStore store = open()) {
            store.insert(List.of(first, second, original));
            clock.advance(Duration.ofHours(2));
            store.insert(List.of(resent));
            Map<String, List<SpanRecord>> found = store.findTraces(asked);
            assertEquals(expected, found);
            assertEquals(asked, List.copyOf(found.keySet()));
        }
        try (LogSpanStore store = open()) {
            assertEquals(expected, store.findTraces(asked), "read from the indexes alone");
        }
    }

    @Test
    void anHourBeingWrittenIsSearchedByTheStartTimesItHoldsNowNotThoseItHeldWhenFirstAsked() throws Exception {
        long now = now();
        SpanRecord current = Spans.client(Spans.traceId(1), Spans.spanId(1), now);
        // Exported two days late into the same hour: the hour's start bounds widen after they were first asked.
        SpanRecord late = Spans.client(Spans.traceId(2), Spans.spanId(1), now - 48 * 3_600_000_000_000L);
        long lateFrom = late.startUnixNano() - 1_000_000_000L;
        long lateTo = late.startUnixNano() + 1_000_000_000L;
        try (LogSpanStore store = open()) {
            store.insert(List.of(current));
            Eventually.until(() -> store.search(search(null, null, null, null, null, null, now - 1, now + 1))
                    .equals(List.of(current)), "the first span searchable", () -> "", PATIENCE);
            assertEquals(List.of(), store.search(search(null, null, null, null, null, null, lateFrom, lateTo)));
            store.insert(List.of(late));
            Eventually.until(() -> store.search(search(null, null, null, null, null, null, lateFrom, lateTo))
                    .equals(List.of(late)), "the late span searchable by its start time",
                    () -> store.search(search(null, null, null, null, null, null, lateFrom, lateTo)).toString(),
                    PATIENCE);
            assertEquals(List.of("2026-12-01-10"), partitions());
        }
    }

    @Test
    void retentionMergesASealedHourToOneSegmentThatARestartDoesNotReplay() throws Exception {
        List<SpanRecord> written = new ArrayList<>();
        try (LogSpanStore store = open()) {
            for (int batch = 0; batch < 3; batch++) {
                SpanRecord span = Spans.client(Spans.traceId(batch), Spans.spanId(1), now() + batch);
                store.insert(List.of(span));
                written.add(span);
                // Searchable before the next batch: each refresh flushed its own segment.
                int expected = written.size();
                Eventually.until(() -> store.search(search(null, null, null, null, null, null, 0, Long.MAX_VALUE))
                        .size() == expected, "batch " + batch + " searchable", () -> "", PATIENCE);
            }
            clock.advance(Duration.ofHours(1));
            store.insert(List.of(Spans.client(Spans.traceId(9), Spans.spanId(1), now())));
            Eventually.until(() -> store.search(search(null, null, null, null, null, null, 0, Long.MAX_VALUE))
                    .size() == 4, "the next hour searchable, so the first is sealed", () -> "", PATIENCE);
            assertTrue(segments("2026-12-01-10") > 1, "refreshes flushed several segments");

            store.enforceRetention();

            assertEquals(1, segments("2026-12-01-10"));
            assertEquals(List.of(written.get(1)), store.findTrace(Spans.traceId(1)));
            assertEquals(3, store.search(search("checkout", null, null, null, null, null, 0, now() - 1)).size());
        }
        try (LogSpanStore store = open()) {
            assertEquals(4, store.spanCount(), "nothing replayed into the merged hour");
            assertEquals(List.of(written.get(2)), store.findTrace(Spans.traceId(2)));
        }
    }

    private int segments(String hour) throws IOException {
        try (FSDirectory index = FSDirectory.open(directory.resolve(hour).resolve("index"))) {
            return SegmentInfos.readLatestCommit(index).size();
        }
    }

    @Test
    void aResentBatchShowsOnceAndItsLatestCopyWins() throws Exception {
        SpanRecord original = Spans.client(Spans.traceId(1), Spans.spanId(1), now());
        SpanRecord other = Spans.client(Spans.traceId(1), Spans.spanId(2), now() + 1);
        SpanRecord resent = Spans.client(Spans.traceId(1), Spans.spanId(1), "checkout", now(), 5_000_000,
                "payments", 8080, "/pay/{id}", 503, null, "{}");
        try (LogSpanStore store = open()) {
            store.insert(List.of(original, other));
            store.insert(List.of(original, other));
            store.insert(List.of(resent));
            assertEquals(List.of(resent, other), store.findTrace(Spans.traceId(1)));
            Eventually.until(() -> store.recentTraces(null, 10).size() == 1, "the trace listed",
                    () -> store.recentTraces(null, 10).toString(), PATIENCE);
            assertEquals(2, store.recentTraces(null, 10).get(0).spanCount());
        }
        try (LogSpanStore store = open()) {
            assertEquals(List.of(resent, other), store.findTrace(Spans.traceId(1)), "read from the index alone");
        }
    }

    @Test
    void retentionDropsWholeHoursOlderThanTheRetention() throws Exception {
        try (LogSpanStore store = open(new SpanLogSettings(Duration.ofHours(2), 0))) {
            for (int hour = 0; hour < 4; hour++) {
                store.insert(List.of(Spans.client(Spans.traceId(hour), Spans.spanId(1), now())));
                clock.advance(Duration.ofHours(1));
            }
            // 14:10 now: the hours of 10:00 and 11:00 ended over two hours ago.
            List<String> kept = List.of("2026-12-01-12", "2026-12-01-13");
            Eventually.until(() -> {
                store.enforceRetention();
                return partitions().equals(kept);
            }, "only the last two hours kept", () -> partitions().toString(), PATIENCE);
            assertEquals(List.of(), store.findTrace(Spans.traceId(0)));
            assertEquals(List.of(), store.findTrace(Spans.traceId(1)));
            assertEquals(1, store.findTrace(Spans.traceId(3)).size());
            assertEquals(2, store.spanCount());
        }
    }

    @Test
    void retentionDropsTheOldestHoursWhileTheStoreIsOverItsSize() throws Exception {
        byte[] filler = new byte[200_000];
        java.util.Arrays.fill(filler, (byte) 'x');
        String big = "{\"payload\":\"" + new String(filler, java.nio.charset.StandardCharsets.US_ASCII) + "\"}";
        long maxBytes = 1_000_000;
        try (LogSpanStore store = open(new SpanLogSettings(Duration.ofDays(30), maxBytes))) {
            for (int hour = 0; hour < 6; hour++) {
                store.insert(List.of(Spans.client(Spans.traceId(hour), Spans.spanId(1), "checkout", now(), 1,
                        "payments", 8080, "/pay", 200, null, big)));
                clock.advance(Duration.ofHours(1));
            }
            Eventually.until(() -> {
                store.enforceRetention();
                return LogSpanStore.size(directory) <= maxBytes;
            }, "the store within its size", () -> partitions() + ": " + LogSpanStore.size(directory) + " bytes",
                    PATIENCE);
            List<String> kept = partitions();
            assertTrue(kept.contains("2026-12-01-15"), "the newest hour is kept: " + kept);
            assertFalse(kept.contains("2026-12-01-10"), "the oldest hour is dropped: " + kept);
            assertEquals(List.of(), store.findTrace(Spans.traceId(0)));
            assertEquals(1, store.findTrace(Spans.traceId(5)).size());
        }
    }

    private static SpanSearch search(String service, String peerAddress, String route, Integer status,
            String errorType, Long minDurationNano, long from, long to) {
        return new SpanSearch(service, peerAddress, peerAddress == null ? null : 8080, route, status, errorType,
                minDurationNano, Map.of(), from, to, 50);
    }

    private SpanQuery jaeger(String service, Map<String, String> tags) {
        return new SpanQuery(service, null, now() - 3_600_000_000_000L, now(), null, null, tags, 10);
    }

    private Path onlyPartition() {
        List<String> hours = partitions();
        assertEquals(1, hours.size(), hours.toString());
        return directory.resolve(hours.get(0));
    }

    private List<String> partitions() {
        return call(() -> {
            try (Stream<Path> hours = Files.list(directory)) {
                return hours.filter(Files::isDirectory).map(path -> path.getFileName().toString()).sorted().toList();
            }
        });
    }

    private static Path lastSegment(Path partition) throws IOException {
        try (Stream<Path> files = Files.list(partition)) {
            return files.filter(file -> file.toString().endsWith(".log")).filter(LogSpanStoreTest::nonEmpty)
                    .max(Comparator.naturalOrder()).orElseThrow();
        }
    }

    private static boolean nonEmpty(Path file) {
        return call(() -> Files.size(file) > 0);
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.toList()) {
                Files.copy(file, to.resolve(from.relativize(file).toString()));
            }
        }
    }

    private static void delete(Path path) throws IOException {
        try (Stream<Path> files = Files.walk(path)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }

    private static <T> T call(Callable<T> work) {
        try {
            return work.call();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
