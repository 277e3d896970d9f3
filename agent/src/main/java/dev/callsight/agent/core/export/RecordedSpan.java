package dev.callsight.agent.core.export;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.common.InstrumentationLibraryInfo;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A span the agent records itself ({@link SpanRecorder}) and hands to the SDK's span processors as the SDK's own
 * spans are handed: readable and writable while open, its own immutable {@link SpanData} once ended, so the batch
 * processor copies nothing. One object and its attributes' array per span, where the SDK's span takes a builder, a
 * clock, a lock, an attribute map of four arrays and a data copy at the end. Writes after the end are ignored, as the
 * SDK ignores them.
 */
public final class RecordedSpan implements ReadWriteSpan, SpanData {

    private static final String EXCEPTION_EVENT = "exception";
    private static final AttributeKey<String> EXCEPTION_TYPE = AttributeKey.stringKey("exception.type");
    private static final AttributeKey<String> EXCEPTION_MESSAGE = AttributeKey.stringKey("exception.message");
    private static final AttributeKey<String> EXCEPTION_STACKTRACE = AttributeKey.stringKey("exception.stacktrace");

    private final SpanRecorder recorder;
    private final SpanKind kind;
    private final SpanContext context;
    private final SpanContext parent;
    private final List<LinkData> links;
    private final long startEpochNanos;
    private final long startNanoTime;
    private final SpanAttributes attributes;
    // Guarded by this until the span ends; read without the lock after, once the processor has it.
    private String name;
    private List<EventData> events = Collections.emptyList();
    private int totalEvents;
    private StatusData status = StatusData.unset();
    private long endEpochNanos;
    private volatile boolean ended;

    RecordedSpan(SpanRecorder recorder, String name, SpanKind kind, SpanContext context, SpanContext parent,
            List<LinkData> links, long startEpochNanos, long startNanoTime, SpanAttributes attributes) {
        this.recorder = recorder;
        this.name = name;
        this.kind = kind;
        this.context = context;
        this.parent = parent;
        this.links = links;
        this.startEpochNanos = startEpochNanos;
        this.startNanoTime = startNanoTime;
        this.attributes = attributes;
    }

    @Override
    public synchronized <T> Span setAttribute(AttributeKey<T> key, T value) {
        if (!ended) {
            attributes.put(key, value);
        }
        return this;
    }

    @Override
    public Span addEvent(String eventName, Attributes eventAttributes) {
        return addEvent(eventName, eventAttributes, recorder.nowEpochNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public synchronized Span addEvent(String eventName, Attributes eventAttributes, long timestamp, TimeUnit unit) {
        if (ended || eventName == null) {
            return this;
        }
        totalEvents++;
        if (events.size() < recorder.limits().getMaxNumberOfEvents()) {
            if (events.isEmpty()) {
                events = new ArrayList<>(2);
            }
            events.add(EventData.create(unit.toNanos(timestamp), eventName,
                    eventAttributes == null ? Attributes.empty() : eventAttributes));
        }
        return this;
    }

    @Override
    public synchronized Span setStatus(StatusCode code, String description) {
        if (!ended && code != null && status.getStatusCode() != StatusCode.OK) {
            status = StatusData.create(code, description);
        }
        return this;
    }

    /** The event the conventions ask for, with the attributes the SDK's span gives it. */
    @Override
    public Span recordException(Throwable exception, Attributes additional) {
        if (exception == null) {
            return this;
        }
        StringWriter trace = new StringWriter();
        exception.printStackTrace(new PrintWriter(trace));
        io.opentelemetry.api.common.AttributesBuilder event = Attributes.builder()
                .put(EXCEPTION_TYPE, exception.getClass().getCanonicalName())
                .put(EXCEPTION_STACKTRACE, trace.toString());
        if (exception.getMessage() != null) {
            event.put(EXCEPTION_MESSAGE, exception.getMessage());
        }
        if (additional != null) {
            event.putAll(additional);
        }
        return addEvent(EXCEPTION_EVENT, event.build());
    }

    @Override
    public synchronized Span updateName(String newName) {
        if (!ended && newName != null) {
            name = newName;
        }
        return this;
    }

    @Override
    public void end() {
        endAt(startEpochNanos + getLatencyNanos());
    }

    @Override
    public void end(long timestamp, TimeUnit unit) {
        endAt(timestamp == 0 ? startEpochNanos + getLatencyNanos() : unit.toNanos(timestamp));
    }

    private void endAt(long epochNanos) {
        synchronized (this) {
            if (ended) {
                return;
            }
            endEpochNanos = epochNanos;
            ended = true;
        }
        recorder.ended(this);
    }

    @Override
    public SpanContext getSpanContext() {
        return context;
    }

    @Override
    public boolean isRecording() {
        return !ended;
    }

    @Override
    public SpanContext getParentSpanContext() {
        return parent;
    }

    @Override
    public synchronized String getName() {
        return name;
    }

    @Override
    public SpanData toSpanData() {
        return this;
    }

    @Override
    @SuppressWarnings("deprecation") // the SDK's interfaces still declare it
    public InstrumentationLibraryInfo getInstrumentationLibraryInfo() {
        return recorder.libraryInfo();
    }

    @Override
    public InstrumentationScopeInfo getInstrumentationScopeInfo() {
        return recorder.scope();
    }

    @Override
    public boolean hasEnded() {
        return ended;
    }

    @Override
    public long getLatencyNanos() {
        return ended ? endEpochNanos - startEpochNanos : recorder.nanoTime() - startNanoTime;
    }

    @Override
    public SpanKind getKind() {
        return kind;
    }

    @Override
    public synchronized <T> T getAttribute(AttributeKey<T> key) {
        return attributes.get(key);
    }

    @Override
    public Attributes getAttributes() {
        return attributes;
    }

    @Override
    public synchronized StatusData getStatus() {
        return status;
    }

    @Override
    public long getStartEpochNanos() {
        return startEpochNanos;
    }

    @Override
    public synchronized List<EventData> getEvents() {
        return events;
    }

    @Override
    public List<LinkData> getLinks() {
        return links;
    }

    @Override
    public long getEndEpochNanos() {
        return endEpochNanos;
    }

    @Override
    public synchronized int getTotalRecordedEvents() {
        return totalEvents;
    }

    @Override
    public int getTotalRecordedLinks() {
        return links.size();
    }

    @Override
    public synchronized int getTotalAttributeCount() {
        return attributes.total();
    }

    @Override
    public Resource getResource() {
        return recorder.resource();
    }

    @Override
    public String toString() {
        return "RecordedSpan{" + getName() + ", " + context + ", parent " + parent.getSpanId() + "}";
    }
}
