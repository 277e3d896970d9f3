package dev.callsight.collector.store.spanlog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.callsight.collector.serve.metrics.SpanStoreCollector;
import dev.callsight.collector.store.SpanQuery;
import dev.callsight.collector.store.SpanRecord;
import dev.callsight.collector.store.SpanSearch;
import dev.callsight.collector.store.SpanStoreStats;
import dev.callsight.collector.store.TraceKeepReason;
import dev.callsight.testing.Eventually;
import io.prometheus.client.Collector.MetricFamilySamples;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tail-based rule on real files and real Lucene indexes: traces of every kind across an hour's end, a clock moved
 * past the retention of ordinary traces, and exactly which traces the compacted hours keep.
 */
class TailRetentionTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    /** Trace IDs ending in these are kept, and not kept, by a fraction of one half, as a ratio sampler decides. */
    private static final long SAMPLED = 0x1000_0000_0000_0000L;
    private static final long NOT_SAMPLED = 0x7000_0000_0000_0000L;
    private static final String HOUR_10 = "2026-12-01-10";
    private static final String HOUR_11 = "2026-12-01-11";
    private static final String HOUR_12 = "2026-12-01-12";
    private static final String HOUR_13 = "2026-12-01-13";
    private static final SpanLogSettings TAIL = new SpanLogSettings(Duration.ofDays(30), 0, TailRetention.builder()
            .ordinary(Duration.ofHours(2)).ordinaryFraction(0.5)
            .slow(SlowThresholds.builder().service("checkout", Duration.ofMillis(100)).build()).build());

    @TempDir
    Path directory;

    /** Where a test keeps a partition as it was before compaction. */
    @TempDir
    Path saved;

    private final SettableClock clock = new SettableClock(Instant.parse("2026-12-01T10:10:00Z"));

    private final String timeout = traceId(1, NOT_SAMPLED);
    private final String retry = traceId(2, NOT_SAMPLED);
    private final String error = traceId(3, NOT_SAMPLED);
    private final String slow = traceId(4, NOT_SAMPLED);
    private final String sampled = traceId(5, SAMPLED);
    private final String dropped = traceId(6, NOT_SAMPLED);
    /** Slower than the default threshold allows for checkout, within it for billing. */
    private final String billing = traceId(7, NOT_SAMPLED);
    /** Ordinary in its first hour, failing in the next. */
    private final String failsLater = traceId(8, NOT_SAMPLED);
    /** Failing in its first hour, ordinary in the next. */
    private final String failedEarlier = traceId(9, NOT_SAMPLED);
    private final String droppedLater = traceId(10, NOT_SAMPLED);
    private final Map<String, List<SpanRecord>> written = new HashMap<>();

    private long now() {
        return clock.millis() * 1_000_000L;
    }

    private static String traceId(long high, long low) {
        return String.format("%016x%016x", high, low);
    }

    @Test
    void compactionKeepsNotableTracesOnEitherSideOfAnHourAndTheSampledFractionOfTheRest() throws Exception {
        try (LogSpanStore store = LogSpanStore.open(directory, TAIL, clock)) {
            writeTwoHoursAndMoveOn(store);
            // 13:10: the hour of 10:00 ended over two hours ago, and the hour after it is indexed whole.
            compactUntil(store, List.of(HOUR_10));
            assertEquals(Map.of(TraceKeepReason.TIMEOUT, 1L, TraceKeepReason.RETRY, 1L, TraceKeepReason.ERROR, 3L,
                    TraceKeepReason.SLOW, 1L, TraceKeepReason.SAMPLED, 1L), kept(store.stats().orElseThrow()));
            assertEquals(2, store.stats().orElseThrow().tracesDropped());
            // failsLater's span of 10:00 was kept for its error at 11:00.
            assertKept(store, List.of(dropped, billing));

            clock.advance(Duration.ofHours(1));
            compactUntil(store, List.of(HOUR_10, HOUR_11));
            SpanStoreStats stats = store.stats().orElseThrow();
            assertEquals(Map.of(TraceKeepReason.TIMEOUT, 1L, TraceKeepReason.RETRY, 1L, TraceKeepReason.ERROR, 5L,
                    TraceKeepReason.SLOW, 1L, TraceKeepReason.SAMPLED, 1L), kept(stats));
            assertEquals(3, stats.tracesDropped());

            assertKept(store, List.of(dropped, billing, droppedLater));
            long from = Instant.parse("2026-12-01T10:00:00Z").toEpochMilli() * 1_000_000L;
            long to = Instant.parse("2026-12-01T12:00:00Z").toEpochMilli() * 1_000_000L;
            assertEquals(List.of(written.get(timeout).get(0)), store.search(new SpanSearch(null, null, null, null,
                    null, "java.net.SocketTimeoutException", null, Map.of(), from, to, 50)));
            assertEquals(List.of(retry), store.searchTraceIds(new SpanQuery("checkout", null, from, to, null, null,
                    Map.of("http.request.resend_count", "1"), 10)));
            assertEquals(List.of(slow), store.searchTraceIds(new SpanQuery("checkout", null, from, to, 150_000_000L,
                    null, Map.of(), 10)));

            Map<String, Double> metrics = samples(new SpanStoreCollector(store).collect());
            assertSample(5, metrics, "callsight_span_store_traces_kept_total{reason=error}");
            assertSample(1, metrics, "callsight_span_store_traces_kept_total{reason=sampled}");
            assertSample(3, metrics, "callsight_span_store_traces_dropped_total{}");
            assertSample(4, metrics, "callsight_span_store_partitions{}");
            assertSample(stats.spans(), metrics, "callsight_span_store_spans{}");
            assertTrue(metrics.getOrDefault("callsight_span_store_bytes{}", 0.0) > 0, metrics.toString());
        }
        try (LogSpanStore store = LogSpanStore.open(directory, TAIL, clock)) {
            assertKept(store, List.of(dropped, billing, droppedLater));
            store.enforceRetention();
            assertEquals(0, store.stats().orElseThrow().tracesKept().values().stream().mapToLong(Long::longValue)
                    .sum(), "a compacted hour is not compacted again");
        }
    }

    @Test
    void anIdleStoreCompactsItsLastHoursOnceTheClockHasLeftThem() throws Exception {
        try (LogSpanStore store = LogSpanStore.open(directory, TAIL, clock)) {
            write(store, client(error, 1, "checkout", 5_000_000, 200, "java.io.IOException", "{}"),
                    client(dropped, 1, "checkout", 5_000_000, 200, null, "{}"));
            clock.advance(Duration.ofHours(1));
            write(store, client(failsLater, 2, "checkout", 5_000_000, 502, null, "{}"),
                    client(droppedLater, 1, "checkout", 5_000_000, 200, null, "{}"));
            // 14:10 and nothing since 11:10: no later hour will get spans, yet 10:00 and 11:00 are complete.
            clock.advance(Duration.ofHours(3));
            compactUntil(store, List.of(HOUR_10, HOUR_11));
            assertKept(store, List.of(dropped, droppedLater));
            assertEquals(Map.of(TraceKeepReason.ERROR, 2L), kept(store.stats().orElseThrow()));
        }
    }

    @Test
    void eachSpanOfACallSitesDocumentIsJudgedByItself() throws Exception {
        // One batch to one call site (service, route, status and error type alike): one index document holds them all.
        String notRetried = traceId(13, NOT_SAMPLED);
        try (LogSpanStore store = LogSpanStore.open(directory, TAIL, clock)) {
            write(store, client(timeout, 1, "checkout", 5_000_000, 200, null, "{\"callsight.timeout.kind\":\"read\"}"),
                    client(retry, 1, "checkout", 5_000_000, 200, null, "{\"http.request.resend_count\":1}"),
                    client(notRetried, 1, "checkout", 5_000_000, 200, null, "{\"http.request.resend_count\":0}"),
                    client(slow, 1, "checkout", 200_000_000, 200, null, "{}"),
                    client(dropped, 1, "checkout", 5_000_000, 200, null, "{}"));
            clock.advance(Duration.ofHours(4));
            compactUntil(store, List.of(HOUR_10));
            assertKept(store, List.of(notRetried, dropped));
            SpanStoreStats stats = store.stats().orElseThrow();
            assertEquals(Map.of(TraceKeepReason.TIMEOUT, 1L, TraceKeepReason.RETRY, 1L, TraceKeepReason.SLOW, 1L),
                    kept(stats));
            assertEquals(2, stats.tracesDropped());
            assertEquals(3, stats.spans());
        }
    }

    @Test
    void aCompactionLeftUnfinishedIsDeletedOnReopenAndTheOldPartitionKeepsEverySpan() throws Exception {
        Path original = compactOnceKeepingTheOriginal();
        Path partition = directory.resolve(HOUR_10);
        Path building = directory.resolve(HOUR_10 + ".compacting");
        Files.move(partition, building);
        Files.delete(building.resolve(PartitionCompaction.MARKER));
        Files.move(original, partition);

        try (LogSpanStore store = LogSpanStore.open(directory, new SpanLogSettings(Duration.ofDays(30), 0), clock)) {
            assertEquals(List.of(HOUR_10, HOUR_11, HOUR_12, HOUR_13), entries(), "the unfinished copy was deleted");
            assertFalse(PartitionCompaction.compacted(partition));
            assertKept(store, List.of());
        }
    }

    @Test
    void aCompactionBuiltWholeIsFinishedOnReopenBeforeTheOldPartitionWasMovedAside() throws Exception {
        finishesOnReopen(false);
    }

    @Test
    void aCompactionBuiltWholeIsFinishedOnReopenAfterTheOldPartitionWasMovedAside() throws Exception {
        finishesOnReopen(true);
    }

    /** As after a kill -9 between building the new copy and swapping it in, or between the swap's two renames. */
    private void finishesOnReopen(boolean movedAside) throws Exception {
        Path original = compactOnceKeepingTheOriginal();
        Path partition = directory.resolve(HOUR_10);
        Files.move(partition, directory.resolve(HOUR_10 + ".compacting"));
        Files.move(original, movedAside ? directory.resolve(HOUR_10 + ".replaced") : partition);

        try (LogSpanStore store = LogSpanStore.open(directory, TAIL, clock)) {
            assertEquals(List.of(HOUR_10, HOUR_11, HOUR_12, HOUR_13), entries());
            assertTrue(PartitionCompaction.compacted(partition));
            assertKept(store, List.of(dropped, billing));
        }
    }

    /** Writes, compacts the hour of 10:00 and returns a copy of it as it was before. */
    private Path compactOnceKeepingTheOriginal() throws Exception {
        try (LogSpanStore store = LogSpanStore.open(directory, new SpanLogSettings(Duration.ofDays(30), 0), clock)) {
            writeTwoHoursAndMoveOn(store);
        }
        copy(directory.resolve(HOUR_10), saved.resolve(HOUR_10));
        try (LogSpanStore store = LogSpanStore.open(directory, TAIL, clock)) {
            compactUntil(store, List.of(HOUR_10));
        }
        return saved.resolve(HOUR_10);
    }

    /** Spans at 10:10 and 11:10, then one at 12:10 and one at 13:10, so the hour of 11:00 is indexed whole. */
    private void writeTwoHoursAndMoveOn(LogSpanStore store) {
        write(store, client(timeout, 1, "checkout", 5_000_000, 504, "java.net.SocketTimeoutException",
                "{\"callsight.timeout.kind\":\"read\"}"));
        write(store, client(retry, 1, "checkout", 5_000_000, 200, null, "{\"http.request.resend_count\":1}"),
                client(retry, 2, "checkout", 5_000_000, 503, null, "{}"));
        write(store, client(error, 1, "checkout", 5_000_000, 200, "java.io.IOException", "{}"));
        write(store, client(slow, 1, "checkout", 200_000_000, 200, null, "{}"));
        write(store, client(sampled, 1, "checkout", 5_000_000, 200, null, "{}"),
                client(dropped, 1, "checkout", 5_000_000, 200, null, "{}"),
                client(billing, 1, "billing", 200_000_000, 200, null, "{}"),
                client(failsLater, 1, "checkout", 5_000_000, 200, null, "{}"),
                client(failedEarlier, 1, "checkout", 5_000_000, 500, null, "{}"));
        clock.advance(Duration.ofHours(1));
        write(store, client(failsLater, 2, "checkout", 5_000_000, 502, null, "{}"),
                client(failedEarlier, 2, "checkout", 5_000_000, 200, null, "{}"),
                client(droppedLater, 1, "checkout", 5_000_000, 200, null, "{}"));
        clock.advance(Duration.ofHours(1));
        write(store, client(traceId(11, SAMPLED), 1, "checkout", 5_000_000, 200, null, "{}"));
        clock.advance(Duration.ofHours(1));
        write(store, client(traceId(12, SAMPLED), 1, "checkout", 5_000_000, 200, null, "{}"));
    }

    /** Every trace written is whole but those {@code gone}, which have no span left. */
    private void assertKept(LogSpanStore store, List<String> gone) {
        written.forEach((traceId, spans) -> assertEquals(gone.contains(traceId) ? List.of() : spans,
                store.findTrace(traceId), traceId));
    }

    private void compactUntil(LogSpanStore store, List<String> compacted) throws Exception {
        Eventually.until(() -> {
            store.enforceRetention();
            return compacted().equals(compacted);
        }, "hours compacted: " + compacted, () -> call(this::compacted).toString(), PATIENCE);
    }

    private SpanRecord client(String traceId, int span, String service, long durationNano, int status,
            String errorType, String attributesJson) {
        return Spans.client(traceId, Spans.spanId(span), service, now() + span, durationNano, "payments", 8080,
                "/pay/{id}", status, errorType, attributesJson);
    }

    private void write(LogSpanStore store, SpanRecord... spans) {
        store.insert(List.of(spans));
        for (SpanRecord span : spans) {
            written.computeIfAbsent(span.traceId(), id -> new ArrayList<>()).add(span);
        }
    }

    private static Map<TraceKeepReason, Long> kept(SpanStoreStats stats) {
        Map<TraceKeepReason, Long> kept = new HashMap<>(stats.tracesKept());
        kept.values().removeIf(count -> count == 0);
        return kept;
    }

    private static void assertSample(double expected, Map<String, Double> samples, String sample) {
        assertEquals(expected, (double) samples.getOrDefault(sample, Double.NaN), sample + " in " + samples);
    }

    /** Each sample as {@code name{label=value,…}} to its value. */
    private static Map<String, Double> samples(List<MetricFamilySamples> families) {
        Map<String, Double> samples = new LinkedHashMap<>();
        for (MetricFamilySamples family : families) {
            for (MetricFamilySamples.Sample sample : family.samples) {
                List<String> labels = new ArrayList<>();
                for (int i = 0; i < sample.labelNames.size(); i++) {
                    labels.add(sample.labelNames.get(i) + "=" + sample.labelValues.get(i));
                }
                samples.put(sample.name + "{" + String.join(",", labels) + "}", sample.value);
            }
        }
        return samples;
    }

    private List<String> entries() throws IOException {
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.map(entry -> entry.getFileName().toString()).sorted().toList();
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.toList()) {
                Files.copy(file, to.resolve(from.relativize(file).toString()));
            }
        }
    }

    private List<String> compacted() throws IOException {
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.filter(Files::isDirectory).filter(PartitionCompaction::compacted)
                    .map(entry -> entry.getFileName().toString()).sorted().toList();
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
