package dev.callsight.agent.core.export;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.Clock;
import io.opentelemetry.sdk.common.InstrumentationLibraryInfo;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SpanLimits;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.LinkData;
import java.util.List;

/**
 * Starts the spans of calls the sampler has already kept ({@link RecordedSpan}), without the SDK's span builder, and
 * hands them to the SDK's own span processors when they end: the batch processor, its queue bound and the OTLP
 * exporter see them as they see the SDK's spans, under the same resource and the agent's instrumentation scope, with
 * the same span limits and clock. Only for a decision already taken: the caller has asked the sampler, and the trace
 * state of the parent is empty.
 */
public final class SpanRecorder {

    private final SpanProcessor processor;
    private final Resource resource;
    private final InstrumentationScopeInfo scope;
    @SuppressWarnings("deprecation") // the SDK's span data still declares it
    private final InstrumentationLibraryInfo libraryInfo;
    private final SpanLimits limits;
    private final RootTraceIds ids;
    private final Clock clock = Clock.getDefault();

    @SuppressWarnings("deprecation")
    public SpanRecorder(SpanProcessor processor, Resource resource, String scopeName, SpanLimits limits,
            RootTraceIds ids) {
        this.processor = processor;
        this.resource = resource;
        this.scope = InstrumentationScopeInfo.create(scopeName);
        this.libraryInfo = InstrumentationLibraryInfo.create(scopeName, null);
        this.limits = limits;
        this.ids = ids;
    }

    /**
     * Starts a span the sampler has kept, in the parent's trace, or for a root in the trace the sampler was asked about
     * (the id {@link RootTraceIds} holds for the thread).
     *
     * @param link a span the new one links to, or null
     */
    public Span start(String name, SpanKind kind, Context parentContext, SpanContext link) {
        SpanContext parent = Span.fromContext(parentContext).getSpanContext();
        String traceId = parent.isValid() ? parent.getTraceId() : ids.generateTraceId();
        SpanContext context = SpanContext.create(traceId, ids.generateSpanId(), TraceFlags.getSampled(),
                parent.getTraceState());
        List<LinkData> links = link == null || !link.isValid() || limits.getMaxNumberOfLinks() < 1
                ? List.of() : List.of(LinkData.create(link));
        RecordedSpan span = new RecordedSpan(this, name, kind, context,
                parent.isValid() ? parent : SpanContext.getInvalid(), links, clock.now(), clock.nanoTime(),
                new SpanAttributes(limits.getMaxNumberOfAttributes(), limits.getMaxAttributeValueLength()));
        if (processor.isStartRequired()) {
            processor.onStart(parentContext, span);
        }
        return span;
    }

    /** Where root spans take their trace ids from. */
    public RootTraceIds rootIds() {
        return ids;
    }

    void ended(RecordedSpan span) {
        if (processor.isEndRequired()) {
            processor.onEnd(span);
        }
    }

    long nowEpochNanos() {
        return clock.now();
    }

    long nanoTime() {
        return clock.nanoTime();
    }

    SpanLimits limits() {
        return limits;
    }

    Resource resource() {
        return resource;
    }

    InstrumentationScopeInfo scope() {
        return scope;
    }

    @SuppressWarnings("deprecation")
    InstrumentationLibraryInfo libraryInfo() {
        return libraryInfo;
    }
}
