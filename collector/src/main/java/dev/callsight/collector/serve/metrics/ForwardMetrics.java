package dev.callsight.collector.serve.metrics;

import dev.callsight.collector.forward.ForwardObserver;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Counter;
import io.prometheus.client.Gauge;

/** What became of spans forwarded over OTLP, and how many are held for it. */
public final class ForwardMetrics implements ForwardObserver {

    private final Counter spans;
    private final Gauge held;

    public ForwardMetrics(CollectorRegistry registry) {
        spans = Counter.build("callsight_forward_spans_total", "Spans forwarded over OTLP by outcome: sent, dropped "
                + "(queue full), failed (refused, or retries exhausted).").labelNames("outcome").register(registry);
        held = Gauge.build("callsight_forward_queue_spans", "Spans held for forwarding, queued or being sent.")
                .register(registry);
        // Every outcome shows from the start, so rate() and alerts see a zero rather than nothing.
        for (String outcome : new String[] {"sent", "dropped", "failed"}) {
            spans.labels(outcome);
        }
    }

    @Override
    public void sent(int count) {
        spans.labels("sent").inc(count);
    }

    @Override
    public void dropped(int count) {
        spans.labels("dropped").inc(count);
    }

    @Override
    public void failed(int count) {
        spans.labels("failed").inc(count);
    }

    @Override
    public void held(int count) {
        held.set(count);
    }
}
