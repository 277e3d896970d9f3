package dev.callsight.agent.core.export;

import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;

/**
 * Sits in front of the SDK's batch span processor and refuses, and counts, a sampled span when its
 * queue is full. The SDK would drop the span too, but silently.
 */
final class BoundedSpanProcessor implements SpanProcessor {

    private final SpanProcessor batch;
    private final SpanBacklog backlog;
    private final long capacity;
    private final ExportDrops drops;

    BoundedSpanProcessor(SpanProcessor batch, SpanBacklog backlog, long capacity, ExportDrops drops) {
        this.batch = batch;
        this.backlog = backlog;
        this.capacity = capacity;
        this.drops = drops;
    }

    @Override
    public void onStart(Context parentContext, ReadWriteSpan span) {
        batch.onStart(parentContext, span);
    }

    @Override
    public boolean isStartRequired() {
        return batch.isStartRequired();
    }

    @Override
    public void onEnd(ReadableSpan span) {
        if (!span.getSpanContext().isSampled()) {
            return;
        }
        if (backlog.admit(capacity)) {
            batch.onEnd(span);
        } else {
            drops.spansRefusedQueueFull(1);
        }
    }

    @Override
    public boolean isEndRequired() {
        return true;
    }

    @Override
    public CompletableResultCode shutdown() {
        return batch.shutdown();
    }

    @Override
    public CompletableResultCode forceFlush() {
        return batch.forceFlush();
    }
}
