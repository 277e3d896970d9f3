package dev.callsight.collector.store.spanlog;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.store.AlreadyClosedException;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;

/**
 * The Lucene index of one hour's partition of the log. While the indexer adds to it, it has a writer and its
 * searcher is near-real-time over that writer; once the indexer has moved on (or at startup, when the index covers
 * its log), it is read-only. Each commit records the log position it covers, so a restart replays only the rest.
 * Searches lease a searcher and give it back; a lease stays valid when the index is sealed or dropped meanwhile.
 */
final class PartitionIndex implements AutoCloseable {

    private static final String COMMITTED_HOUR = "log.hour";
    private static final String COMMITTED_SEGMENT = "log.segment";
    private static final String COMMITTED_OFFSET = "log.offset";
    /**
     * Lucene's buffer before it flushes a segment: larger means fewer, bigger segments at steady ingest. 48 MiB, or a
     * tenth of a small heap (at least 16 MiB), beside the spans held for lookup.
     */
    private static final double RAM_BUFFER_MB =
            Math.max(16, Math.min(48, Runtime.getRuntime().maxMemory() / 10 / 1024 / 1024));

    private final long hour;
    private final Path path;
    private final Directory directory;
    private IndexWriter writer;
    private volatile SearcherManager searchers;
    private LogPosition committed;

    private PartitionIndex(long hour, Path path, Directory directory, SearcherManager searchers,
            LogPosition committed) {
        this.hour = hour;
        this.path = path;
        this.directory = directory;
        this.searchers = searchers;
        this.committed = committed;
    }

    /** The index at {@code path}, read-only, or null when nothing was ever committed there. */
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
            LogPosition committed = position(hour, SegmentInfos.readLatestCommit(directory).getUserData());
            return new PartitionIndex(hour, path, directory, new SearcherManager(directory, null), committed);
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
            PartitionIndex index = new PartitionIndex(hour, path, directory, new SearcherManager(writer, null),
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
        searchers = new SearcherManager(opened, null);
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
                COMMITTED_OFFSET, Long.toString(position.offset())).entrySet());
        writer.commit();
        committed = position;
    }

    /** Commits, closes the writer and serves searches from the committed index alone. */
    void seal(LogPosition position) throws IOException {
        commit(position);
        SearcherManager sealed = new SearcherManager(directory, null);
        SearcherManager old = searchers;
        searchers = sealed;
        old.close();
        writer.close();
        writer = null;
    }

    /** Drops what was added since the last commit (after a failed write), leaving the index read-only. */
    void rollback() throws IOException {
        SearcherManager old = searchers;
        searchers = new SearcherManager(directory, null);
        old.close();
        writer.rollback();
        writer = null;
    }

    Lease lease() throws IOException {
        while (true) {
            SearcherManager manager = searchers;
            try {
                return new Lease(manager, manager.acquire());
            } catch (AlreadyClosedException e) {
                // Sealed or rolled back between reading the field and acquiring: the field has the new one.
                if (manager == searchers) {
                    throw e;
                }
            }
        }
    }

    /** A searcher of this partition, given back when closed. */
    record Lease(SearcherManager manager, IndexSearcher searcher) implements AutoCloseable {

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
