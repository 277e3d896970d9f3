package dev.callsight.collector.store.spanlog;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.PointValues;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.SearcherFactory;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.store.AlreadyClosedException;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.Bits;

/**
 * The Lucene index of one hour's partition of the log. While the indexer adds to it, it has a writer and its
 * searcher is near-real-time over that writer; once the indexer has moved on (or at startup, when the index covers
 * its log), it is read-only. Each commit records the log position it covers, so a restart replays only the rest.
 * Searches lease a searcher and give it back; a lease stays valid when the index is sealed or dropped meanwhile.
 */
final class PartitionIndex implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(PartitionIndex.class.getName());

    private static final String COMMITTED_HOUR = "log.hour";
    private static final String COMMITTED_SEGMENT = "log.segment";
    private static final String COMMITTED_OFFSET = "log.offset";
    /**
     * The documents' layout, recorded with each commit: an index of another layout (one written before spans were
     * indexed in groups) is dropped at open, and its hour indexed again from the log.
     */
    private static final String LAYOUT = "layout";
    private static final String SPAN_GROUPS = "span-groups";
    /**
     * Lucene's buffer before it flushes a segment: larger means fewer, bigger segments at steady ingest. 48 MiB, or a
     * tenth of a small heap (at least 16 MiB), beside the spans held for lookup.
     */
    private static final double RAM_BUFFER_MB =
            Math.max(16, Math.min(48, Runtime.getRuntime().maxMemory() / 10 / 1024 / 1024));

    /**
     * Searchers without Lucene's query cache: a search asks each of up to hundreds of partitions (a month holds 720)
     * once, so the cache's bookkeeping on every segment cost more than its hits saved (a tenth of the CPU of
     * QueryBenchmark's searches over 50 M spans).
     */
    private static final SearcherFactory UNCACHED = new SearcherFactory() {
        @Override
        public IndexSearcher newSearcher(IndexReader reader, IndexReader previousReader) {
            IndexSearcher searcher = new IndexSearcher(reader);
            searcher.setQueryCache(null);
            return searcher;
        }
    };

    private final long hour;
    private final Path path;
    private final Directory directory;
    private IndexWriter writer;
    private volatile SearcherManager searchers;
    private LogPosition committed;
    /** The start times the last reader asked about holds: a sealed hour's reader, and so these, never change. */
    private volatile StartBounds startBounds;
    /** Spans each segment holds, by the segment's core: a segment never changes, so each is counted once. */
    private final Map<Object, Long> segmentSpans = new ConcurrentHashMap<>();

    private PartitionIndex(long hour, Path path, Directory directory, SearcherManager searchers,
            LogPosition committed) {
        this.hour = hour;
        this.path = path;
        this.directory = directory;
        this.searchers = searchers;
        this.committed = committed;
    }

    /**
     * The index at {@code path}, read-only, or null when nothing was ever committed there or what was is of an earlier
     * layout (then it is deleted).
     */
    static PartitionIndex openReadOnly(long hour, Path path) throws IOException {
        if (!Files.isDirectory(path)) {
            return null;
        }
        Directory directory = FSDirectory.open(path);
        try {
            if (!DirectoryReader.indexExists(directory)) {
                directory.close();
                return null;
            }
            Map<String, String> commit = SegmentInfos.readLatestCommit(directory).getUserData();
            if (!SPAN_GROUPS.equals(commit.get(LAYOUT))) {
                directory.close();
                LOG.info("span index of " + SpanLog.hourName(hour) + " has an earlier layout; indexing its log again");
                SpanLog.deleteTree(path);
                return null;
            }
            LogPosition committed = position(hour, commit);
            return new PartitionIndex(hour, path, directory, new SearcherManager(directory, UNCACHED), committed);
        } catch (IOException | RuntimeException e) {
            directory.close();
            throw e;
        }
    }

    /** A new index to add to at {@code path}, or the one there made writable. */
    static PartitionIndex openWritable(long hour, Path path) throws IOException {
        PartitionIndex existing = openReadOnly(hour, path);
        if (existing != null) {
            existing.makeWritable();
            return existing;
        }
        Files.createDirectories(path);
        Directory directory = FSDirectory.open(path);
        try {
            IndexWriter writer = newWriter(directory);
            PartitionIndex index = new PartitionIndex(hour, path, directory, new SearcherManager(writer, UNCACHED),
                    LogPosition.startOf(hour));
            index.writer = writer;
            // A committed (empty) index is what searches fall back to after a failed write.
            index.commit(index.committed);
            return index;
        } catch (IOException | RuntimeException e) {
            directory.close();
            throw e;
        }
    }

    private static IndexWriter newWriter(Directory directory) throws IOException {
        return new IndexWriter(directory, new IndexWriterConfig().setRAMBufferSizeMB(RAM_BUFFER_MB)
                .setCommitOnClose(false));
    }

    /** Opens a writer on the committed index, whose near-real-time searcher replaces the committed one. */
    void makeWritable() throws IOException {
        if (writer != null) {
            return;
        }
        IndexWriter opened = newWriter(directory);
        SearcherManager old = searchers;
        searchers = new SearcherManager(opened, UNCACHED);
        writer = opened;
        old.close();
    }

    private static LogPosition position(long hour, Map<String, String> data) {
        String segment = data.get(COMMITTED_SEGMENT);
        return segment == null ? LogPosition.startOf(hour)
                : new LogPosition(Long.parseLong(data.get(COMMITTED_HOUR)), Integer.parseInt(segment),
                        Long.parseLong(data.get(COMMITTED_OFFSET)));
    }

    long hour() {
        return hour;
    }

    Path path() {
        return path;
    }

    /** The log position the last commit covers. */
    LogPosition committed() {
        return committed;
    }

    boolean writable() {
        return writer != null;
    }

    void add(List<Document> documents) throws IOException {
        writer.addDocuments(documents);
    }

    /** Makes what was added searchable. */
    void refresh() throws IOException {
        searchers.maybeRefreshBlocking();
    }

    /** Makes what was added durable, recording that it covers the log up to {@code position}. */
    void commit(LogPosition position) throws IOException {
        writer.setLiveCommitData(Map.of(COMMITTED_HOUR, Long.toString(position.hour()),
                COMMITTED_SEGMENT, Integer.toString(position.segment()),
                COMMITTED_OFFSET, Long.toString(position.offset()), LAYOUT, SPAN_GROUPS).entrySet());
        writer.commit();
        committed = position;
    }

    /** Commits, closes the writer and serves searches from the committed index alone. */
    void seal(LogPosition position) throws IOException {
        commit(position);
        SearcherManager sealed = new SearcherManager(directory, UNCACHED);
        SearcherManager old = searchers;
        searchers = sealed;
        old.close();
        writer.close();
        writer = null;
    }

    /**
     * Merges a sealed index down to one segment and serves searches from that: a trace lookup then seeks one term
     * dictionary in the hour, not one per segment its refreshes flushed. Searches go on meanwhile on the old segments.
     *
     * @return false when there was one segment already
     */
    boolean mergeSealed() throws IOException {
        if (writer != null) {
            throw new IllegalStateException("partition " + hour + " is being written");
        }
        SegmentInfos commit = SegmentInfos.readLatestCommit(directory);
        if (commit.size() <= 1) {
            return false;
        }
        try (IndexWriter merging = newWriter(directory)) {
            merging.forceMerge(1);
            // The log position the index covers stays with it, so a restart replays nothing.
            merging.setLiveCommitData(commit.getUserData().entrySet());
            merging.commit();
        }
        searchers.maybeRefreshBlocking();
        return true;
    }

    /** Drops what was added since the last commit (after a failed write), leaving the index read-only. */
    void rollback() throws IOException {
        SearcherManager old = searchers;
        searchers = new SearcherManager(directory, UNCACHED);
        old.close();
        writer.rollback();
        writer = null;
    }

    Lease lease() throws IOException {
        while (true) {
            SearcherManager manager = searchers;
            try {
                return new Lease(this, manager, manager.acquire());
            } catch (AlreadyClosedException e) {
                // Sealed or rolled back between reading the field and acquiring: the field has the new one.
                if (manager == searchers) {
                    throw e;
                }
            }
        }
    }

    /** The earliest and latest start time {@code reader} holds; an empty reader's bounds hold no time. */
    private StartBounds startBounds(IndexReader reader) throws IOException {
        StartBounds known = startBounds;
        if (known != null && known.reader() == reader) {
            return known;
        }
        byte[] min = PointValues.getMinPackedValue(reader, SpanDocuments.OLDEST);
        byte[] max = PointValues.getMaxPackedValue(reader, SpanDocuments.NEWEST);
        StartBounds bounds = min == null ? new StartBounds(reader, Long.MAX_VALUE, Long.MIN_VALUE)
                : new StartBounds(reader, LongPoint.decodeDimension(min, 0), LongPoint.decodeDimension(max, 0));
        startBounds = bounds;
        return bounds;
    }

    private record StartBounds(IndexReader reader, long min, long max) {}

    /** The spans {@code reader} holds: the groups' counts summed, once per segment. */
    private long spans(IndexReader reader) throws IOException {
        long total = 0;
        List<Object> current = new ArrayList<>(reader.leaves().size());
        for (LeafReaderContext leaf : reader.leaves()) {
            IndexReader.CacheHelper core = leaf.reader().getCoreCacheHelper();
            Long known = core == null ? null : segmentSpans.get(core.getKey());
            if (known == null) {
                known = spans(leaf.reader());
                if (core != null) {
                    segmentSpans.put(core.getKey(), known);
                }
            }
            if (core != null) {
                current.add(core.getKey());
            }
            total += known;
        }
        // Segments merged away are forgotten; a concurrent reader's are counted again at worst.
        if (segmentSpans.size() > 2 * current.size() + 8) {
            segmentSpans.keySet().retainAll(current);
        }
        return total;
    }

    private static long spans(LeafReader segment) throws IOException {
        NumericDocValues counts = segment.getNumericDocValues(SpanDocuments.SPAN_COUNT);
        Bits live = segment.getLiveDocs();
        long total = 0;
        if (counts != null) {
            for (int doc = counts.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = counts.nextDoc()) {
                if (live == null || live.get(doc)) {
                    total += counts.longValue();
                }
            }
        }
        return total;
    }

    /** A searcher of this partition, given back when closed. */
    record Lease(PartitionIndex index, SearcherManager manager, IndexSearcher searcher) implements AutoCloseable {

        /**
         * Whether the searcher holds a span started within [{@code fromNano}, {@code toNano}], by the start points'
         * bounds: worked out once per reader, as asking Lucene each time was an eighth of a month-long search.
         */
        boolean holdsStarts(long fromNano, long toNano) throws IOException {
            StartBounds bounds = index.startBounds(searcher.getIndexReader());
            return bounds.min() <= toNano && bounds.max() >= fromNano;
        }

        /** How many spans the searcher holds. */
        long spans() throws IOException {
            return index.spans(searcher.getIndexReader());
        }

        @Override
        public void close() throws IOException {
            manager.release(searcher);
        }
    }

    @Override
    public void close() throws IOException {
        searchers.close();
        if (writer != null) {
            writer.rollback();
        }
        directory.close();
    }
}
