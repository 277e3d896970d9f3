package dev.callsight.collector.ingest;

/** Told the outcome of every ingest request, for the collector's own health metrics. */
public interface IngestObserver {

    /** Committed: {@code spans} and {@code metricPoints} were in the request. */
    void accepted(Signal signal, long spans, long metricPoints);

    void rejected(Signal signal, String reason);

    /** The store failed; nothing was acknowledged. {@code cause} is a {@code StoreFailure} cause label. */
    void failed(Signal signal, String cause);
}
