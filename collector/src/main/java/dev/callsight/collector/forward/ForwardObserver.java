package dev.callsight.collector.forward;

/** Told what became of forwarded spans, for the collector's own metrics. */
public interface ForwardObserver {

    /** The receiver acknowledged these spans. */
    void sent(int spans);

    /** Not queued: the queue was full, or the collector is closing. */
    void dropped(int spans);

    /** Given up on: refused as invalid, or still failing after every retry. */
    void failed(int spans);

    /** Spans held for forwarding now, queued or being sent. */
    void held(int spans);
}
