package dev.callsight.collector.ingest;

import dev.callsight.collector.aggregate.AgentDropExtractor;
import dev.callsight.collector.aggregate.AgentDropPoint;
import dev.callsight.collector.aggregate.BreakerState;
import dev.callsight.collector.aggregate.BreakerStateExtractor;
import dev.callsight.collector.aggregate.CallEventAggregator;
import dev.callsight.collector.aggregate.CallEventDelta;
import dev.callsight.collector.aggregate.CallEventPoint;
import dev.callsight.collector.aggregate.CallEventPointExtractor;
import dev.callsight.collector.aggregate.CallSiteLimiter;
import dev.callsight.collector.aggregate.DurationExemplar;
import dev.callsight.collector.aggregate.DurationPoint;
import dev.callsight.collector.aggregate.DurationPointExtractor;
import dev.callsight.collector.aggregate.RollupAggregator;
import dev.callsight.collector.aggregate.RollupDelta;
import dev.callsight.collector.store.BreakerStateStore;
import dev.callsight.collector.store.CallEventStore;
import dev.callsight.collector.store.Database;
import dev.callsight.collector.store.JdbcStreamStates;
import dev.callsight.collector.store.RollupStore;
import dev.callsight.collector.store.SpanRecord;
import dev.callsight.collector.store.SpanStore;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Stores one decoded request: its spans in the span store, its metrics in one transaction. Everything that can reject
 * a request runs before anything is stored, so a rejected request stores nothing. Returns only once the data is
 * durable.
 *
 * <p>Metric writers take turns: turning cumulative points into deltas reads and then writes stream state, and two
 * batches creating the same rollup row at once would collide. Span writers do not: the span store orders them.
 */
public final class IngestService {

    private final Database database;
    private final SpanStore spanStore;
    private final RollupStore rollupStore;
    private final CallEventStore callEventStore;
    private final BreakerStateStore breakerStateStore;
    private final SpanRecordMapper spanMapper;
    private final CallSiteLimiter callSites;
    private final DurationPointExtractor pointExtractor = new DurationPointExtractor();
    private final CallEventPointExtractor eventExtractor = new CallEventPointExtractor();
    private final BreakerStateExtractor breakerExtractor = new BreakerStateExtractor();
    private final AgentDropExtractor agentDropExtractor = new AgentDropExtractor();
    private final RollupAggregator aggregator = new RollupAggregator();
    private final CallEventAggregator eventAggregator = new CallEventAggregator();
    private final Consumer<CommittedMetrics> committedMetrics;
    private final Consumer<ExportTraceServiceRequest> committedTraces;
    private final ReentrantLock writer = new ReentrantLock();

    /**
     * @param committedMetrics told, in commit order, of what each committed metrics request added
     * @param committedTraces handed each trace request once committed; must not block, ingest waits for it
     * @param callSites folds call sites beyond the cardinality bounds before they reach the rollups
     * @param maxAttributeLength characters kept of each stored span attribute value
     */
    public IngestService(Database database, SpanStore spanStore, RollupStore rollupStore,
            CallEventStore callEventStore, BreakerStateStore breakerStateStore,
            Consumer<CommittedMetrics> committedMetrics, Consumer<ExportTraceServiceRequest> committedTraces,
            CallSiteLimiter callSites, int maxAttributeLength) {
        this.database = database;
        this.spanStore = spanStore;
        this.rollupStore = rollupStore;
        this.callEventStore = callEventStore;
        this.breakerStateStore = breakerStateStore;
        this.committedMetrics = committedMetrics;
        this.committedTraces = committedTraces;
        this.callSites = callSites;
        this.spanMapper = new SpanRecordMapper(maxAttributeLength);
    }

    /**
     * @return the number of spans stored
     * @throws dev.callsight.collector.store.StoreUnavailableException nothing stored, worth retrying
     * @throws dev.callsight.collector.store.StoreDataException nothing stored, never will be
     */
    public int ingest(ExportTraceServiceRequest request) {
        List<SpanRecord> spans = spanMapper.map(request);
        spanStore.insert(spans);
        committedTraces.accept(request);
        return spans.size();
    }

    /** @return the number of metric data points in the request, of any metric; throws as the spans' ingest does */
    public int ingest(ExportMetricsServiceRequest request) {
        List<DurationPoint> points = pointExtractor.extract(request).stream().map(callSites::limit).toList();
        List<CallEventPoint> eventPoints = eventExtractor.extract(request).stream().map(callSites::limit).toList();
        List<BreakerState> breakerStates = breakerExtractor.extract(request);
        List<AgentDropPoint> agentDrops = agentDropExtractor.extract(request);
        List<DurationExemplar> exemplars = points.stream().flatMap(point -> point.exemplars().stream()).toList();
        writer.lock();
        try {
            CommittedMetrics committed = database.inTransaction(connection -> {
                JdbcStreamStates states = new JdbcStreamStates(connection, database.dialect());
                List<RollupDelta> rollups = aggregator.aggregate(points, states);
                List<CallEventDelta> events = eventAggregator.aggregate(eventPoints, states);
                rollupStore.add(connection, rollups);
                callEventStore.add(connection, events);
                return new CommittedMetrics(rollups, events, breakerStateStore.save(connection, breakerStates),
                        exemplars, agentDrops);
            });
            committedMetrics.accept(committed);
        } finally {
            writer.unlock();
        }
        return pointCount(request);
    }

    private static int pointCount(ExportMetricsServiceRequest request) {
        int count = 0;
        for (ResourceMetrics resourceMetrics : request.getResourceMetricsList()) {
            for (ScopeMetrics scopeMetrics : resourceMetrics.getScopeMetricsList()) {
                for (Metric metric : scopeMetrics.getMetricsList()) {
                    count += switch (metric.getDataCase()) {
                        case GAUGE -> metric.getGauge().getDataPointsCount();
                        case SUM -> metric.getSum().getDataPointsCount();
                        case HISTOGRAM -> metric.getHistogram().getDataPointsCount();
                        case EXPONENTIAL_HISTOGRAM -> metric.getExponentialHistogram().getDataPointsCount();
                        case SUMMARY -> metric.getSummary().getDataPointsCount();
                        default -> 0;
                    };
                }
            }
        }
        return count;
    }
}
