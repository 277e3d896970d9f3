package dev.callsight.collector.store;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where spans are kept: the only way {@code ingest} and {@code serve} reach them, so neither knows the engine.
 * Every method throws {@link StoreUnavailableException} when the engine cannot do the work now, and
 * {@link StoreDataException} when it refuses the data itself.
 */
public interface SpanStore extends AutoCloseable {

    /** Most span names and kinds listed per service (Jaeger's operations); spans beyond it are still stored. */
    int MAX_OPERATIONS_PER_SERVICE = 1000;

    /**
     * Most spans a search reads before it stops: searches whose criteria match rarely look only at this many of the
     * newest spans that pass the others, so one search never holds the store for long.
     */
    int MAX_SEARCHED_SPANS = 10_000;

    /** How many of the latest spans a trace listing looks at for each trace it lists, so its cost stays flat. */
    int RECENT_SPANS_PER_TRACE = 20;

    /**
     * Stores the spans and returns only once they are durable. An exporter's retry of a stored batch does not make
     * a trace show a span twice.
     */
    void insert(List<SpanRecord> spans);

    /** Every service that sent a span, by name. */
    List<String> services();

    /** The span names and kinds one service has sent, by name then kind. */
    List<SpanOperation> operations(String service);

    /**
     * IDs of the traces holding a span that meets the query, the trace with the newest such span first; at most
     * {@code query.limit()} of them.
     */
    List<String> searchTraceIds(SpanQuery query);

    /** The newest span of each trace that has a span matching {@code search}, newest first. */
    List<SpanRecord> search(SpanSearch search);

    /** All spans of a trace, earliest first (then by span ID); a span acknowledged by {@link #insert} is here. */
    List<SpanRecord> findTrace(String traceId);

    /** Each trace as {@link #findTrace} gives it (empty when unknown), in the order asked. */
    default Map<String, List<SpanRecord>> findTraces(List<String> traceIds) {
        Map<String, List<SpanRecord>> traces = new LinkedHashMap<>();
        traceIds.forEach(id -> traces.put(id, findTrace(id)));
        return traces;
    }

    /** The most recent traces, newest first, optionally of one service (null: any). */
    List<TraceSummary> recentTraces(String service, int limit);

    /**
     * Which services answered a caller's CLIENT spans started since {@code fromNano}: per peer of the caller and
     * service of a SERVER child span in another service, how many such pairs were seen.
     */
    List<PeerService> peerServices(String caller, long fromNano);

    /**
     * How many spans are stored, for tests and benchmarks that check nothing acknowledged was lost. The span log counts
     * an exporter's retry of a stored batch again; the JDBC table does not.
     */
    long spanCount();

    /** The store's size and what its retention kept and dropped, for {@code /metrics}; empty for the JDBC table. */
    Optional<SpanStoreStats> stats();

    @Override
    void close();
}
