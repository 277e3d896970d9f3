package dev.callsight.collector.store.spanlog;

import dev.callsight.collector.store.PeerService;
import dev.callsight.collector.store.SpanOperation;
import dev.callsight.collector.store.SpanQuery;
import dev.callsight.collector.store.SpanRecord;
import dev.callsight.collector.store.SpanSearch;
import dev.callsight.collector.store.SpanStore;
import dev.callsight.collector.store.SpanStoreStats;
import dev.callsight.collector.store.StoreFailure;
import dev.callsight.collector.store.StoreUnavailableException;
import dev.callsight.collector.store.TraceKeepReason;
import dev.callsight.collector.store.TraceSummary;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.logging.Logger;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.MultiTerms;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.FieldDoc;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.AlreadyClosedException;
import org.apache.lucene.util.BytesRef;

/**
 * The default span store: an append-only, fsynced log acknowledges each batch (group commit, {@link SpanLog}), and a
 * Lucene index per hour, built from the log in the background ({@link SpanIndexer}), serves trace lookup and search.
 * A trace lookup also sees what is acknowledged and not yet searchable ({@link RecentSpans}). Retention drops whole
 * hours, log and index together. An exporter's retry of an acknowledged batch is stored again and shown once: reads
 * keep one span per (trace ID, span ID).
 */
public final class LogSpanStore implements SpanStore {

    private static final Logger LOG = Logger.getLogger(LogSpanStore.class.getName());
    /** Most spans one hour's index gives a trace lookup, so a runaway trace cannot exhaust the heap. */
    private static final int MAX_TRACE_SPANS = 100_000;
    private static final Sort NEWEST_FIRST = new Sort(new SortField(SpanDocuments.NEWEST, SortField.Type.LONG, true));
    private static final Set<String> SPANS_FIELD = Set.of(SpanDocuments.SPANS);
    private static final Set<String> SPANS_AND_POSITION = Set.of(SpanDocuments.SPANS, SpanDocuments.LOG_POSITION);
    /**
     * Most spans a search checks, matching or not: a document may hold spans other than the ones asked for, and a
     * search whose documents mostly do stops here.
     */
    private static final int MAX_CHECKED_SPANS = 10 * MAX_SEARCHED_SPANS;
    /**
     * Most bytes of spans held for lookup while the index catches up, a sixth of the heap (85 MiB of 512: over a
     * second of 100,000 spans/s); beyond it, ingest waits for the next refresh (and after 5 s answers 503).
     */
    private static final long MAX_RECENT_BYTES = Runtime.getRuntime().maxMemory() / 6;
    private static final long ROOM_WAIT_MILLIS = 5_000;
    static final long SEGMENT_BYTES = 128L * 1024 * 1024;
    /** Threads opening the hours' indexes at start; they wait for the disk more than they compute. */
    private static final int OPENERS = 8;
    static final Duration REFRESH_EVERY = Duration.ofSeconds(1);
    static final Duration COMMIT_EVERY = Duration.ofSeconds(5);

    private final SpanLog log;
    private final ConcurrentNavigableMap<Long, PartitionIndex> indexes;
    private final RecentSpans recent;
    private final SpanIndexer indexer;
    private final SpanLogSettings settings;
    private final Clock clock;
    private final ScheduledExecutorService retention;
    /** Traces compaction kept, by reason, and dropped, since the store opened. */
    private final Map<TraceKeepReason, AtomicLong> tracesKept = new EnumMap<>(TraceKeepReason.class);
    private final AtomicLong tracesDropped = new AtomicLong();

    private LogSpanStore(SpanLog log, ConcurrentNavigableMap<Long, PartitionIndex> indexes, RecentSpans recent,
            SpanIndexer indexer, SpanLogSettings settings, Clock clock) {
        this.log = log;
        this.indexes = indexes;
        this.recent = recent;
        this.indexer = indexer;
        this.settings = settings;
        this.clock = clock;
        for (TraceKeepReason reason : TraceKeepReason.values()) {
            tracesKept.put(reason, new AtomicLong());
        }
        this.retention = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "callsight-span-retention");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Opens the store in {@code directory}, creating it if need be: finishes or undoes a compaction a crash
     * interrupted, cuts a torn tail off the log, opens each hour's index and indexes what the log holds beyond the
     * indexes' last commits, so it is all searchable on return.
     */
    public static LogSpanStore open(Path directory, SpanLogSettings settings, Clock clock) throws IOException {
        PartitionCompaction.recover(directory);
        SpanLog log = SpanLog.open(directory, clock, SEGMENT_BYTES);
        ConcurrentNavigableMap<Long, PartitionIndex> indexes = new ConcurrentSkipListMap<>();
        try {
            LogPosition from = null;
            List<Long> hours = List.copyOf(log.hours());
            List<PartitionIndex> opened = openIndexes(log, hours);
            for (int i = 0; i < hours.size(); i++) {
                long hour = hours.get(i);
                PartitionIndex index = opened.get(i);
                LogPosition covered = LogPosition.startOf(hour);
                if (index != null) {
                    indexes.put(hour, index);
                    covered = index.committed();
                }
                if (from == null && log.endOf(hour).after(covered)) {
                    from = covered;
                }
            }
            RecentSpans recent = new RecentSpans();
            SpanIndexer indexer = new SpanIndexer(log, indexes, recent, from == null ? log.end() : from,
                    REFRESH_EVERY, COMMIT_EVERY, clock);
            indexer.catchUp();
            indexer.start();
            LogSpanStore store = new LogSpanStore(log, indexes, recent, indexer, settings, clock);
            store.retention.scheduleWithFixedDelay(store::enforceRetentionQuietly, 0, 1, TimeUnit.MINUTES);
            return store;
        } catch (IOException | RuntimeException e) {
            log.close();
            for (PartitionIndex index : indexes.values()) {
                index.close();
            }
            throw e;
        }
    }

    /**
     * Each hour's index, or null where none was committed, opened by several threads at once: on a cold page cache
     * opening is waiting for the disk, a page at a time, and a month has hundreds of hours. Closes what it opened
     * when one fails.
     */
    private static List<PartitionIndex> openIndexes(SpanLog log, List<Long> hours) throws IOException {
        ExecutorService openers = Executors.newFixedThreadPool(OPENERS, task -> {
            Thread thread = new Thread(task, "callsight-span-open");
            thread.setDaemon(true);
            return thread;
        });
        List<Future<PartitionIndex>> pending = new ArrayList<>();
        try {
            for (long hour : hours) {
                pending.add(openers.submit(() -> PartitionIndex.openReadOnly(hour, log.directory(hour).resolve("index"))));
            }
            List<PartitionIndex> opened = new ArrayList<>();
            Throwable failure = null;
            for (Future<PartitionIndex> each : pending) {
                try {
                    opened.add(each.get());
                } catch (ExecutionException e) {
                    failure = failure == null ? e.getCause() : failure;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    failure = failure == null ? new InterruptedIOException("interrupted opening the span indexes")
                            : failure;
                }
            }
            if (failure == null) {
                return opened;
            }
            for (PartitionIndex index : opened) {
                if (index != null) {
                    index.close();
                }
            }
            if (failure instanceof IOException io) {
                throw io;
            }
            if (failure instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IOException(failure);
        } finally {
            openers.shutdownNow();
        }
    }

    @Override
    public void insert(List<SpanRecord> spans) {
        if (spans.isEmpty()) {
            return;
        }
        List<byte[]> encoded = spans.stream().map(SpanCodec::encode).toList();
        List<String> traceIds = spans.stream().map(SpanRecord::traceId).toList();
        try {
            if (!recent.awaitRoom(MAX_RECENT_BYTES, ROOM_WAIT_MILLIS)) {
                throw new StoreUnavailableException(new StoreFailure("indexing_behind",
                        "span indexing is behind ingest; retry shortly"), null);
            }
            recent.add(log.append(SpanCodec.batch(encoded.stream().map(SpanCodec.Slice::of).toList())), traceIds,
                    encoded);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable(new IOException("interrupted", e));
        } catch (IOException e) {
            throw unavailable(e);
        }
    }

    @Override
    public List<String> services() {
        Set<String> services = new TreeSet<>();
        forEachPartition(Long.MIN_VALUE, Long.MAX_VALUE, lease -> {
            terms(lease.searcher(), SpanDocuments.SERVICE, "", term -> {
                services.add(term);
                return true;
            });
            return true;
        });
        return List.copyOf(services);
    }

    @Override
    public List<SpanOperation> operations(String service) {
        String prefix = service + SpanDocuments.SEPARATOR;
        Set<SpanOperation> operations = new TreeSet<>(
                Comparator.comparing(SpanOperation::name).thenComparingInt(SpanOperation::kind));
        forEachPartition(Long.MIN_VALUE, Long.MAX_VALUE, lease -> {
            terms(lease.searcher(), SpanDocuments.OPERATION, prefix, term -> {
                String kindAndName = term.substring(prefix.length());
                int separator = kindAndName.indexOf(SpanDocuments.SEPARATOR);
                operations.add(new SpanOperation(kindAndName.substring(separator + 1),
                        Integer.parseInt(kindAndName.substring(0, separator))));
                return operations.size() < MAX_OPERATIONS_PER_SERVICE;
            });
            return operations.size() < MAX_OPERATIONS_PER_SERVICE;
        });
        return List.copyOf(operations);
    }

    @Override
    public List<String> searchTraceIds(SpanQuery query) {
        SpanCriteria criteria = new SpanCriteria().startedWithin(query.startFromNano(), query.startToNano())
                .is(SpanDocuments.SERVICE, query.service(), SpanRecord::serviceName)
                .is(SpanDocuments.NAME, query.operation(), SpanRecord::name)
                .lasting(query.minDurationNano(), query.maxDurationNano())
                .tagged(query.tags());
        Set<String> traceIds = new LinkedHashSet<>();
        newestFirst(criteria, query.startFromNano(), query.startToNano(), query.limit(), span -> {
            traceIds.add(span.traceId());
            return traceIds.size() < query.limit();
        });
        return List.copyOf(traceIds);
    }

    @Override
    public List<SpanRecord> search(SpanSearch search) {
        SpanCriteria criteria = new SpanCriteria().startedWithin(search.startFromNano(), search.startToNano())
                .is(SpanDocuments.SERVICE, search.service(), SpanRecord::serviceName)
                .is(SpanDocuments.PEER, SpanDocuments.peer(search.serverAddress(), search.serverPort()),
                        SpanDocuments::peer)
                .is(SpanDocuments.ROUTE, search.route(), SpanRecord::route)
                .is(SpanDocuments.STATUS, SpanDocuments.status(search.status()),
                        span -> SpanDocuments.status(span.httpStatusCode()))
                .is(SpanDocuments.ERROR_TYPE, search.errorType(), SpanRecord::errorType)
                .lasting(search.minDurationNano(), null)
                .tagged(search.tags());
        Map<String, SpanRecord> newestOfTrace = new LinkedHashMap<>();
        newestFirst(criteria, search.startFromNano(), search.startToNano(), search.limit(), span -> {
            // Hours are walked newest first, but an older hour can hold a later start (a span exported late).
            newestOfTrace.merge(span.traceId(), span,
                    (kept, other) -> other.startUnixNano() > kept.startUnixNano() ? other : kept);
            return newestOfTrace.size() < search.limit();
        });
        List<SpanRecord> found = new ArrayList<>(newestOfTrace.values());
        found.sort(Comparator.comparingLong(SpanRecord::startUnixNano).reversed());
        return found;
    }

    @Override
    public List<SpanRecord> findTrace(String traceId) {
        return findTraces(List.of(traceId)).get(traceId);
    }

    /** One walk over the partitions for all the traces: a search's 20 traces cost about what one does. */
    @Override
    public Map<String, List<SpanRecord>> findTraces(List<String> traceIds) {
        // Held spans are read before the index: a batch the indexer makes searchable in between is in one or the
        // other. Of two copies of a span (an exporter's retry), the later one in the log is kept.
        Map<String, List<byte[]>> held = new HashMap<>();
        traceIds.forEach(id -> held.put(id, recent.trace(id)));
        Map<String, Map<String, SpanRecord>> spans = new HashMap<>();
        Map<String, Map<String, Long>> positions = new HashMap<>();
        Query query = new TermInSetQuery(SpanDocuments.TRACE_ID,
                held.keySet().stream().map(BytesRef::new).toList());
        int most = MAX_TRACE_SPANS * held.size();
        forEachPartition(Long.MIN_VALUE, Long.MAX_VALUE, lease -> {
            IndexSearcher searcher = lease.searcher();
            int count = searcher.count(query);
            if (count > 0) {
                TopDocs hits = searcher.search(query, Math.min(count, most));
                StoredFields stored = searcher.storedFields();
                for (ScoreDoc hit : hits.scoreDocs) {
                    Document document = stored.document(hit.doc, SPANS_AND_POSITION);
                    long position = document.getField(SpanDocuments.LOG_POSITION).numericValue().longValue();
                    for (SpanRecord span : SpanDocuments.spans(document)) {
                        if (!held.containsKey(span.traceId())) {
                            continue;
                        }
                        Map<String, Long> traceOrder = positions.computeIfAbsent(span.traceId(),
                                id -> new HashMap<>());
                        if (position >= traceOrder.getOrDefault(span.spanId(), Long.MIN_VALUE)) {
                            traceOrder.put(span.spanId(), position);
                            spans.computeIfAbsent(span.traceId(), id -> new HashMap<>()).put(span.spanId(), span);
                        }
                    }
                }
            }
            return true;
        });
        Map<String, List<SpanRecord>> traces = new LinkedHashMap<>();
        for (String traceId : traceIds) {
            Map<String, SpanRecord> trace = spans.computeIfAbsent(traceId, id -> new HashMap<>());
            // What is held is later in the log than anything indexed, and held in the order it was acknowledged.
            for (byte[] bytes : held.get(traceId)) {
                SpanRecord span = SpanCodec.decode(bytes, 0, bytes.length);
                trace.put(span.spanId(), span);
            }
            List<SpanRecord> sorted = new ArrayList<>(trace.values());
            sorted.sort(Comparator.comparingLong(SpanRecord::startUnixNano).thenComparing(SpanRecord::spanId));
            traces.put(traceId, sorted);
        }
        return traces;
    }

    @Override
    public List<TraceSummary> recentTraces(String service, int limit) {
        SpanCriteria criteria = new SpanCriteria().is(SpanDocuments.SERVICE, service, SpanRecord::serviceName);
        Map<String, Map<String, SpanRecord>> byTrace = new LinkedHashMap<>();
        int wanted = limit * RECENT_SPANS_PER_TRACE;
        int[] seen = {0};
        newestFirst(criteria, Long.MIN_VALUE, Long.MAX_VALUE, wanted, span -> {
            byTrace.computeIfAbsent(span.traceId(), id -> new HashMap<>()).putIfAbsent(span.spanId(), span);
            return ++seen[0] < wanted;
        });
        List<TraceSummary> traces = new ArrayList<>();
        byTrace.forEach((traceId, spans) -> traces.add(summary(traceId, spans.values())));
        traces.sort(Comparator.comparingLong(TraceSummary::startUnixNano).reversed());
        return List.copyOf(traces.subList(0, Math.min(limit, traces.size())));
    }

    private static TraceSummary summary(String traceId, Iterable<SpanRecord> spans) {
        long started = Long.MAX_VALUE;
        long ended = Long.MIN_VALUE;
        int count = 0;
        boolean failed = false;
        String rootName = null;
        String anyName = null;
        for (SpanRecord span : spans) {
            started = Math.min(started, span.startUnixNano());
            ended = Math.max(ended, span.endUnixNano());
            count++;
            failed |= span.statusCode() == 2;
            if (span.parentSpanId() == null && (rootName == null || span.name().compareTo(rootName) < 0)) {
                rootName = span.name();
            }
            if (anyName == null || span.name().compareTo(anyName) < 0) {
                anyName = span.name();
            }
        }
        return new TraceSummary(traceId, rootName != null ? rootName : anyName, started, ended - started, count,
                failed);
    }

    @Override
    public List<PeerService> peerServices(String caller, long fromNano) {
        SpanCriteria clients = new SpanCriteria().is(SpanDocuments.SERVICE, caller, SpanRecord::serviceName)
                .is(SpanDocuments.KIND, SpanDocuments.kind(SpanRecord.KIND_CLIENT),
                        span -> SpanDocuments.kind(span.kind()))
                .startedWithin(fromNano, Long.MAX_VALUE);
        Map<String, SpanRecord> callsBySpan = new HashMap<>();
        newestFirst(clients, fromNano, Long.MAX_VALUE, MAX_SEARCHED_SPANS, span -> {
            if (span.serverAddress() != null && span.serverPort() != null) {
                callsBySpan.put(span.traceId() + span.spanId(), span);
            }
            return true;
        });
        if (callsBySpan.isEmpty()) {
            return List.of();
        }
        Set<String> traceIds = new HashSet<>();
        callsBySpan.values().forEach(span -> traceIds.add(span.traceId()));
        SpanCriteria servers = new SpanCriteria()
                .is(SpanDocuments.KIND, SpanDocuments.kind(SpanRecord.KIND_SERVER),
                        span -> SpanDocuments.kind(span.kind()))
                .ofTraces(traceIds);
        Map<PeerService, Long> counts = new LinkedHashMap<>();
        Set<String> counted = new HashSet<>();
        newestFirst(servers, fromNano, Long.MAX_VALUE, MAX_SEARCHED_SPANS, span -> {
            SpanRecord call = span.parentSpanId() == null ? null
                    : callsBySpan.get(span.traceId() + span.parentSpanId());
            if (call != null && !span.serviceName().equals(caller) && counted.add(span.traceId() + span.spanId())) {
                counts.merge(new PeerService(call.serverAddress(), call.serverPort(), span.serviceName(), 0), 1L,
                        Long::sum);
            }
            return true;
        });
        List<PeerService> found = new ArrayList<>();
        counts.forEach((peer, spans) -> found.add(new PeerService(peer.serverAddress(), peer.serverPort(),
                peer.service(), spans)));
        return found;
    }

    /** Spans held for lookup plus spans in the indexes, read while no refresh moved spans from one to the other. */
    @Override
    public long spanCount() {
        while (true) {
            long generation = recent.generation();
            if ((generation & 1) == 0) {
                long[] indexed = {recent.size()};
                forEachPartition(Long.MIN_VALUE, Long.MAX_VALUE, lease -> {
                    indexed[0] += lease.spans();
                    return true;
                });
                if (recent.generation() == generation) {
                    return indexed[0];
                }
            }
            Thread.onSpinWait();
        }
    }

    /** Work on one partition's searcher; false stops the walk. */
    private interface PartitionWork {
        boolean apply(PartitionIndex.Lease lease) throws IOException;
    }

    /**
     * Walks the partitions holding spans started within [{@code fromNano}, {@code toNano}], newest first. A partition
     * is the hour spans arrived in, which is mostly but not always just after they started (clock skew, an exporter's
     * backlog), so partitions are chosen by the start times they hold (the points' bounds, kept in memory), not by
     * their hour. A partition dropped by retention meanwhile is passed over; one compacted meanwhile is read in its
     * new copy.
     */
    private void forEachPartition(long fromNano, long toNano, PartitionWork work) {
        try {
            for (PartitionIndex index : indexes.descendingMap().values()) {
                try (PartitionIndex.Lease lease = lease(index)) {
                    if (lease != null && lease.holdsStarts(fromNano, toNano) && !work.apply(lease)) {
                        return;
                    }
                }
            }
        } catch (IOException e) {
            throw unavailable(e);
        }
    }

    /** A lease of the partition, or of the copy compaction replaced it with meanwhile; null once it was dropped. */
    private PartitionIndex.Lease lease(PartitionIndex index) throws IOException {
        PartitionIndex current = index;
        while (current != null) {
            try {
                return current.lease();
            } catch (AlreadyClosedException closed) {
                PartitionIndex now = indexes.get(current.hour());
                current = now == current ? null : now;
            }
        }
        LOG.fine("span store: partition " + index.hour() + " dropped during a search");
        return null;
    }

    /**
     * Visits the spans matching {@code criteria} started within the range, newest first (by partition, then by start),
     * reading documents a page of about {@code pageSize} at a time, until the visitor says stop, or
     * {@link #MAX_SEARCHED_SPANS} were visited or {@link #MAX_CHECKED_SPANS} checked.
     */
    private void newestFirst(SpanCriteria criteria, long fromNano, long toNano, int pageSize,
            Predicate<SpanRecord> visitor) {
        Query query = criteria.query();
        int page = Math.max(50, Math.min(pageSize * 2, MAX_SEARCHED_SPANS));
        int[] counts = {0, 0};
        forEachPartition(fromNano, toNano, lease -> {
            IndexSearcher searcher = lease.searcher();
            StoredFields stored = searcher.storedFields();
            // Documents come by their newest start; their matching spans wait here until no later document can hold a
            // later start.
            PriorityQueue<SpanRecord> pending = new PriorityQueue<>(
                    Comparator.comparingLong(SpanRecord::startUnixNano).reversed());
            FieldDoc after = null;
            while (true) {
                TopDocs hits = after == null ? searcher.search(query, page, NEWEST_FIRST)
                        : searcher.searchAfter(after, query, page, NEWEST_FIRST);
                for (ScoreDoc hit : hits.scoreDocs) {
                    long newest = (Long) ((FieldDoc) hit).fields[0];
                    if (!visitStartedAfter(pending, newest, visitor, counts)) {
                        return false;
                    }
                    for (SpanRecord span : SpanDocuments.spans(stored.document(hit.doc, SPANS_FIELD))) {
                        if (criteria.matches(span)) {
                            pending.add(span);
                        }
                        if (++counts[1] >= MAX_CHECKED_SPANS) {
                            visitStartedAfter(pending, Long.MIN_VALUE, visitor, counts);
                            return false;
                        }
                    }
                }
                if (hits.scoreDocs.length < page) {
                    return visitStartedAfter(pending, Long.MIN_VALUE, visitor, counts);
                }
                after = (FieldDoc) hits.scoreDocs[hits.scoreDocs.length - 1];
            }
        });
    }

    /**
     * Visits the pending spans started after {@code startNano} (all of them at {@link Long#MIN_VALUE}), latest first;
     * false once the visitor said stop or {@link #MAX_SEARCHED_SPANS} were visited.
     */
    private static boolean visitStartedAfter(PriorityQueue<SpanRecord> pending, long startNano,
            Predicate<SpanRecord> visitor, int[] counts) {
        while (!pending.isEmpty() && (startNano == Long.MIN_VALUE || pending.peek().startUnixNano() > startNano)) {
            if (!visitor.test(pending.poll()) || ++counts[0] >= MAX_SEARCHED_SPANS) {
                return false;
            }
        }
        return true;
    }

    /** Visits the terms of a field that start with {@code prefix}, in order, until the visitor says stop. */
    private static void terms(IndexSearcher searcher, String field, String prefix, Predicate<String> visitor)
            throws IOException {
        Terms terms = MultiTerms.getTerms(searcher.getIndexReader(), field);
        if (terms == null) {
            return;
        }
        TermsEnum iterator = terms.iterator();
        if (iterator.seekCeil(new BytesRef(prefix)) == TermsEnum.SeekStatus.END) {
            return;
        }
        for (BytesRef term = iterator.term(); term != null; term = iterator.next()) {
            String text = term.utf8ToString();
            if (!text.startsWith(prefix) || !visitor.test(text)) {
                return;
            }
        }
    }

    private static StoreUnavailableException unavailable(IOException e) {
        return new StoreUnavailableException(StoreFailure.of(e), e);
    }

    /**
     * Drops whole hours, log and index, oldest first: those that ended more than the retention ago, then while all
     * take more than the size bound. Then compacts the hours that ended more than the retention of ordinary traces
     * ago to the traces the tail-based rule keeps, and merges each sealed hour's index to one segment. The hour being
     * indexed and any later one are kept whole.
     */
    public synchronized void enforceRetention() {
        long keptFrom = indexer.sealedBefore();
        dropExpired(keptFrom);
        if (settings.tail().ordinary() != null) {
            compactAged(keptFrom);
        }
        mergeSealed(keptFrom);
    }

    /**
     * Merges each sealed hour to one segment: an hour written live flushes a segment at many of its refreshes, and a
     * trace lookup asks every segment of every hour (a month's 721 hours held 4,300 segments in QueryBenchmark).
     */
    private void mergeSealed(long keptFrom) {
        for (PartitionIndex index : indexes.headMap(keptFrom).values()) {
            try {
                if (index.mergeSealed()) {
                    LOG.fine("span store: merged partition " + SpanLog.hourName(index.hour()) + " to one segment");
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot merge span partition " + SpanLog.hourName(index.hour()), e);
            }
        }
    }

    private void dropExpired(long keptFrom) {
        NavigableSet<Long> hours = hours();
        long expiredBefore = Math.floorDiv(clock.millis() - settings.retention().toMillis(), SpanLog.HOUR_MILLIS);
        Map<Long, Long> sizes = new LinkedHashMap<>();
        for (long hour : hours) {
            sizes.put(hour, size(log.directory(hour)));
        }
        long total = sizes.values().stream().mapToLong(Long::longValue).sum();
        for (long hour : hours) {
            boolean expired = hour + 1 <= expiredBefore;
            boolean tooBig = settings.maxBytes() > 0 && total > settings.maxBytes();
            if (hour >= keptFrom || !(expired || tooBig)) {
                return;
            }
            drop(hour);
            total -= sizes.get(hour);
        }
    }

    /**
     * Compacts each hour past the retention of ordinary traces, once the hour after it is indexed whole too: a trace's
     * spans can arrive on both sides of an hour's end, and its notable span may be in either.
     */
    private void compactAged(long keptFrom) {
        long agedBefore = Math.floorDiv(clock.millis() - settings.tail().ordinary().toMillis(), SpanLog.HOUR_MILLIS);
        for (long hour : hours()) {
            if (hour + 1 > agedBefore || hour + 1 >= keptFrom) {
                return;
            }
            if (!PartitionCompaction.compacted(log.directory(hour))) {
                try {
                    compact(hour);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot compact span partition " + SpanLog.hourName(hour), e);
                }
            }
        }
    }

    /**
     * Keeps of one hour the spans of its notable traces (notable in it or in the hours on either side) and of the
     * chosen fraction of the others, counting each trace of the hour as kept, by reason, or dropped.
     */
    private void compact(long hour) throws IOException {
        PartitionIndex index = indexes.get(hour);
        if (index == null) {
            return;
        }
        NotableTraces notable = new NotableTraces(settings.tail().slow());
        TraceIdRatio sampled = new TraceIdRatio(settings.tail().ordinaryFraction());
        Map<String, TraceKeepReason> kept = new HashMap<>();
        for (long neighbour : new long[] {hour - 1, hour + 1}) {
            PartitionIndex next = indexes.get(neighbour);
            if (next != null) {
                try (PartitionIndex.Lease lease = next.lease()) {
                    notable.collect(lease.searcher(), kept);
                }
            }
        }
        Map<TraceKeepReason, Long> keptTraces = new EnumMap<>(TraceKeepReason.class);
        long[] droppedTraces = {0};
        try (PartitionIndex.Lease lease = index.lease()) {
            notable.scan(lease.searcher(), (traceId, reason) -> {
                TraceKeepReason why = NotableTraces.first(reason, kept.get(traceId));
                if (why != null) {
                    kept.put(traceId, why);
                } else if (sampled.keeps(traceId)) {
                    why = TraceKeepReason.SAMPLED;
                }
                if (why == null) {
                    droppedTraces[0]++;
                } else {
                    keptTraces.merge(why, 1L, Long::sum);
                }
            });
        }
        PartitionCompaction.Built built = keptTraces.isEmpty() ? null : PartitionCompaction.build(log, hour,
                traceId -> kept.containsKey(traceId) || sampled.keeps(traceId), SEGMENT_BYTES);
        if (built == null || built.spans() == 0) {
            // An hour without segments would be no partition of the log's, so nothing kept means nothing left.
            if (built != null) {
                SpanLog.deleteTree(built.directory());
            }
            drop(hour);
        } else {
            Path replaced = PartitionCompaction.install(built.directory());
            log.reload(hour);
            PartitionIndex old = indexes.put(hour, PartitionIndex.openReadOnly(hour,
                    log.directory(hour).resolve("index")));
            old.close();
            SpanLog.deleteTree(replaced);
            LOG.info("span store: compacted partition " + SpanLog.hourName(hour) + " to " + built.spans()
                    + " spans of " + keptTraces.values().stream().mapToLong(Long::longValue).sum() + " traces");
        }
        keptTraces.forEach((reason, traces) -> tracesKept.get(reason).addAndGet(traces));
        tracesDropped.addAndGet(droppedTraces[0]);
    }

    private NavigableSet<Long> hours() {
        NavigableSet<Long> hours = new TreeSet<>(log.hours());
        hours.addAll(indexes.keySet());
        return hours;
    }

    @Override
    public Optional<SpanStoreStats> stats() {
        NavigableSet<Long> hours = hours();
        long bytes = 0;
        for (long hour : hours) {
            bytes += size(log.directory(hour));
        }
        Map<TraceKeepReason, Long> kept = new EnumMap<>(TraceKeepReason.class);
        tracesKept.forEach((reason, traces) -> kept.put(reason, traces.get()));
        return Optional.of(new SpanStoreStats(bytes, hours.size(), spanCount(), kept, tracesDropped.get()));
    }

    private void enforceRetentionQuietly() {
        try {
            enforceRetention();
        } catch (RuntimeException e) {
            LOG.warning("span store retention failed: " + e);
        }
    }

    private void drop(long hour) {
        PartitionIndex index = indexes.remove(hour);
        try {
            if (index != null) {
                index.close();
            }
            log.forget(hour);
            Path directory = log.directory(hour);
            SpanLog.deleteTree(directory);
            LOG.info("span store: dropped partition " + directory.getFileName());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot drop span partition " + SpanLog.hourName(hour), e);
        }
    }

    /** Bytes of the files under {@code directory}; Lucene's temporary files come and go while it is walked. */
    static long size(Path directory) {
        long[] total = {0};
        try {
            Files.walkFileTree(directory, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                    total[0] += attributes.size();
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException gone) {
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            LOG.fine("span store: sizing " + directory + " stopped: " + e);
        }
        return total[0];
    }

    /** Stops retention, then appends, indexes and commits what the log holds, and closes every index. */
    @Override
    public void close() {
        // A compaction in progress is cut short (its interrupted file writes fail) and undone on the next start.
        retention.shutdownNow();
        try {
            if (!retention.awaitTermination(1, TimeUnit.MINUTES)) {
                LOG.warning("span store: retention still running after a minute; closing anyway");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.close();
        indexer.close();
        for (PartitionIndex index : indexes.values()) {
            try {
                index.close();
            } catch (IOException e) {
                LOG.warning("span store: closing partition " + index.hour() + " failed: " + e);
            }
        }
    }
}
