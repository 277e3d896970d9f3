package dev.callsight.agent.core.export;

import dev.callsight.agent.core.SdkInternals;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.AttributeType;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.KeyValue;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * Writes a batch of spans as an OTLP {@code ExportTraceServiceRequest} in protobuf, the bytes the SDK's exporter would
 * send for the same batch, in one pass over each span straight into a {@link ProtobufBuffer}. The SDK's marshaler
 * sizes every message in a first pass, keeps the sizes in a context, decodes each trace and span id through a hash
 * map and walks the attributes twice through generic callbacks: with every span exported, that was a quarter of the
 * agent's CPU. Spans are grouped by resource and then scope, by identity, as the SDK groups them; groups come in the
 * order their first span does. The resource and scope messages, one per group and batch, are the SDK's own.
 *
 * <p>One writer serves one request at a time: {@link OtlpSpanExporter} keeps a few and reuses them.
 */
final class TraceRequestWriter implements BiConsumer<AttributeKey<?>, Object> {

    // Field numbers from opentelemetry/proto/trace/v1/trace.proto and common/v1/common.proto.
    private static final int REQUEST_RESOURCE_SPANS = 1;
    private static final int RESOURCE_SPANS_RESOURCE = 1;
    private static final int RESOURCE_SPANS_SCOPE_SPANS = 2;
    private static final int RESOURCE_SPANS_SCHEMA_URL = 3;
    private static final int SCOPE_SPANS_SCOPE = 1;
    private static final int SCOPE_SPANS_SPANS = 2;
    private static final int SCOPE_SPANS_SCHEMA_URL = 3;
    private static final int SPAN_TRACE_ID = 1;
    private static final int SPAN_SPAN_ID = 2;
    private static final int SPAN_TRACE_STATE = 3;
    private static final int SPAN_PARENT_SPAN_ID = 4;
    private static final int SPAN_NAME = 5;
    private static final int SPAN_KIND = 6;
    private static final int SPAN_START = 7;
    private static final int SPAN_END = 8;
    private static final int SPAN_ATTRIBUTES = 9;
    private static final int SPAN_DROPPED_ATTRIBUTES = 10;
    private static final int SPAN_EVENTS = 11;
    private static final int SPAN_DROPPED_EVENTS = 12;
    private static final int SPAN_LINKS = 13;
    private static final int SPAN_DROPPED_LINKS = 14;
    private static final int SPAN_STATUS = 15;
    private static final int SPAN_FLAGS = 16;
    private static final int EVENT_TIME = 1;
    private static final int EVENT_NAME = 2;
    private static final int EVENT_ATTRIBUTES = 3;
    private static final int EVENT_DROPPED_ATTRIBUTES = 4;
    private static final int LINK_ATTRIBUTES = 4;
    private static final int LINK_DROPPED_ATTRIBUTES = 5;
    private static final int LINK_FLAGS = 6;
    private static final int STATUS_MESSAGE = 2;
    private static final int STATUS_CODE = 3;
    private static final int KEY_VALUE_KEY = 1;
    private static final int KEY_VALUE_VALUE = 2;
    private static final int ANY_STRING = 1;
    private static final int ANY_BOOL = 2;
    private static final int ANY_INT = 3;
    private static final int ANY_DOUBLE = 4;
    private static final int ANY_ARRAY = 5;
    private static final int ANY_KVLIST = 6;
    private static final int ANY_BYTES = 7;
    private static final int ARRAY_VALUES = 1;
    private static final int KVLIST_VALUES = 1;
    /** Span flags: the context's trace flags, and that whether the parent was remote is known (and if it was). */
    private static final int FLAGS_HAS_IS_REMOTE = 0x100;
    private static final int FLAGS_IS_REMOTE = 0x300;

    private final ProtobufBuffer out;
    /** The field {@link #accept} writes attributes into: span, event or link attributes. */
    private int attributesField;

    TraceRequestWriter(int initialCapacity) {
        out = new ProtobufBuffer(initialCapacity);
    }

    /** Writes the request for {@code spans}, replacing what this writer held. */
    ProtobufBuffer write(Collection<SpanData> spans) {
        out.reset();
        for (ResourceGroup resource : group(spans)) {
            int resourceSpans = out.startMessage(REQUEST_RESOURCE_SPANS, 3);
            out.encoded(RESOURCE_SPANS_RESOURCE, SdkInternals.resourceProtobuf(resource.resource));
            for (ScopeGroup scope : resource.scopes) {
                int scopeSpans = out.startMessage(RESOURCE_SPANS_SCOPE_SPANS, 3);
                out.encoded(SCOPE_SPANS_SCOPE, SdkInternals.scopeProtobuf(scope.scope));
                for (SpanData span : scope.spans) {
                    span(span);
                }
                optionalString(SCOPE_SPANS_SCHEMA_URL, scope.scope.getSchemaUrl());
                out.endMessage(scopeSpans);
            }
            optionalString(RESOURCE_SPANS_SCHEMA_URL, resource.resource.getSchemaUrl());
            out.endMessage(resourceSpans);
        }
        return out;
    }

    private void span(SpanData span) {
        int started = out.startMessage(SCOPE_SPANS_SPANS, 2);
        SpanContext context = span.getSpanContext();
        identity(context);
        SpanContext parent = span.getParentSpanContext();
        if (parent.isValid()) {
            out.hexBytes(SPAN_PARENT_SPAN_ID, parent.getSpanId());
        }
        optionalString(SPAN_NAME, span.getName());
        // SpanKind's order is the proto's, one off: INTERNAL is 1.
        out.uint64(SPAN_KIND, span.getKind().ordinal() + 1);
        optionalFixed64(SPAN_START, span.getStartEpochNanos());
        optionalFixed64(SPAN_END, span.getEndEpochNanos());
        attributes(SPAN_ATTRIBUTES, SPAN_DROPPED_ATTRIBUTES, span.getAttributes(), span.getTotalAttributeCount());
        List<EventData> events = span.getEvents();
        for (int i = 0; i < events.size(); i++) {
            event(events.get(i));
        }
        optionalCount(SPAN_DROPPED_EVENTS, span.getTotalRecordedEvents() - events.size());
        List<LinkData> links = span.getLinks();
        for (int i = 0; i < links.size(); i++) {
            link(links.get(i));
        }
        optionalCount(SPAN_DROPPED_LINKS, span.getTotalRecordedLinks() - links.size());
        status(span.getStatus());
        out.fixed32(SPAN_FLAGS, flags(context, parent.isRemote()));
        out.endMessage(started);
    }

    private void event(EventData event) {
        int started = out.startMessage(SPAN_EVENTS, 2);
        optionalFixed64(EVENT_TIME, event.getEpochNanos());
        optionalString(EVENT_NAME, event.getName());
        attributes(EVENT_ATTRIBUTES, EVENT_DROPPED_ATTRIBUTES, event.getAttributes(), event.getTotalAttributeCount());
        out.endMessage(started);
    }

    private void link(LinkData link) {
        int started = out.startMessage(SPAN_LINKS, 1);
        SpanContext context = link.getSpanContext();
        identity(context);
        attributes(LINK_ATTRIBUTES, LINK_DROPPED_ATTRIBUTES, link.getAttributes(), link.getTotalAttributeCount());
        out.fixed32(LINK_FLAGS, flags(context, context.isRemote()));
        out.endMessage(started);
    }

    private void status(StatusData status) {
        int started = out.startMessage(SPAN_STATUS, 1);
        optionalString(STATUS_MESSAGE, status.getDescription());
        // StatusCode's order is the proto's: UNSET, OK, ERROR.
        int code = status.getStatusCode().ordinal();
        if (code != 0) {
            out.uint64(STATUS_CODE, code);
        }
        out.endMessage(started);
    }

    /** Trace id, span id and trace state: fields 1 to 3 of a span and of a link alike. */
    private void identity(SpanContext context) {
        out.hexBytes(SPAN_TRACE_ID, context.getTraceId());
        out.hexBytes(SPAN_SPAN_ID, context.getSpanId());
        traceState(SPAN_TRACE_STATE, context.getTraceState());
    }

    /** Attributes as repeated {@code KeyValue}s, and how many of the {@code total} set were dropped. */
    private void attributes(int field, int droppedField, Attributes attributes, int total) {
        attributesField = field;
        attributes.forEach(this);
        optionalCount(droppedField, total - attributes.size());
    }

    /** One attribute as a {@code KeyValue}, into {@link #attributesField}. */
    @Override
    @SuppressWarnings("unchecked")
    public void accept(AttributeKey<?> key, Object value) {
        int keyValue = out.startMessage(attributesField, 1);
        optionalString(KEY_VALUE_KEY, key.getKey());
        int anyValue = out.startMessage(KEY_VALUE_VALUE, 1);
        AttributeType type = key.getType();
        switch (type) {
            case STRING:
            case LONG:
            case BOOLEAN:
            case DOUBLE:
                scalar(value);
                break;
            case STRING_ARRAY:
            case LONG_ARRAY:
            case BOOLEAN_ARRAY:
            case DOUBLE_ARRAY:
                int array = out.startMessage(ANY_ARRAY, 1);
                for (Object element : (List<Object>) value) {
                    int any = out.startMessage(ARRAY_VALUES, 1);
                    scalar(element);
                    out.endMessage(any);
                }
                out.endMessage(array);
                break;
            default:
                anyValue((Value<?>) value);
        }
        out.endMessage(anyValue);
        out.endMessage(keyValue);
    }

    /** The body of an {@code AnyValue} holding a string, long, boolean or double. */
    private void scalar(Object value) {
        if (value instanceof String) {
            out.string(ANY_STRING, (String) value);
        } else if (value instanceof Long) {
            out.uint64(ANY_INT, (Long) value);
        } else if (value instanceof Boolean) {
            out.bool(ANY_BOOL, (Boolean) value);
        } else {
            out.double64(ANY_DOUBLE, (Double) value);
        }
    }

    /** The body of an {@code AnyValue} for the API's {@link Value}, which may nest arrays and key-value lists. */
    @SuppressWarnings("unchecked")
    private void anyValue(Value<?> value) {
        switch (value.getType()) {
            case STRING:
            case BOOLEAN:
            case LONG:
            case DOUBLE:
                scalar(value.getValue());
                return;
            case ARRAY:
                int array = out.startMessage(ANY_ARRAY, 1);
                for (Value<?> element : (List<Value<?>>) value.getValue()) {
                    int any = out.startMessage(ARRAY_VALUES, 1);
                    anyValue(element);
                    out.endMessage(any);
                }
                out.endMessage(array);
                return;
            case KEY_VALUE_LIST:
                int list = out.startMessage(ANY_KVLIST, 1);
                for (KeyValue entry : (List<KeyValue>) value.getValue()) {
                    int keyValue = out.startMessage(KVLIST_VALUES, 1);
                    optionalString(KEY_VALUE_KEY, entry.getKey());
                    int any = out.startMessage(KEY_VALUE_VALUE, 1);
                    anyValue(entry.getValue());
                    out.endMessage(any);
                    out.endMessage(keyValue);
                }
                out.endMessage(list);
                return;
            case BYTES:
                ByteBuffer buffer = ((ByteBuffer) value.getValue()).duplicate();
                byte[] bytes = new byte[buffer.remaining()];
                buffer.get(bytes);
                out.encoded(ANY_BYTES, bytes);
                return;
            default:
                // EMPTY: an AnyValue with no field set.
        }
    }

    private void traceState(int field, TraceState state) {
        if (!state.isEmpty()) {
            out.string(field, SdkInternals.w3cTraceState(state));
        }
    }

    private void optionalString(int field, String value) {
        if (value != null && !value.isEmpty()) {
            out.string(field, value);
        }
    }

    private void optionalFixed64(int field, long value) {
        if (value != 0) {
            out.fixed64(field, value);
        }
    }

    private void optionalCount(int field, int count) {
        if (count != 0) {
            out.uint64(field, count & 0xFFFFFFFFL);
        }
    }

    private static int flags(SpanContext context, boolean remote) {
        return (context.getTraceFlags().asByte() & 0xFF) | (remote ? FLAGS_IS_REMOTE : FLAGS_HAS_IS_REMOTE);
    }

    /**
     * Spans by resource, then scope, both by identity, in order of first appearance. A batch holds one resource and
     * a scope or two, so a scan beats hashing; the scan starts at the last match, which the next span most often
     * shares.
     */
    private static List<ResourceGroup> group(Collection<SpanData> spans) {
        List<ResourceGroup> resources = new ArrayList<>(1);
        ResourceGroup lastResource = null;
        ScopeGroup lastScope = null;
        for (SpanData span : spans) {
            Resource resource = span.getResource();
            InstrumentationScopeInfo scope = span.getInstrumentationScopeInfo();
            if (lastScope == null || lastResource.resource != resource || lastScope.scope != scope) {
                lastResource = ResourceGroup.in(resources, resource);
                lastScope = lastResource.scope(scope);
            }
            lastScope.spans.add(span);
        }
        return resources;
    }

    /** A resource's spans, by scope. */
    private static final class ResourceGroup {
        final Resource resource;
        final List<ScopeGroup> scopes = new ArrayList<>(2);

        private ResourceGroup(Resource resource) {
            this.resource = resource;
        }

        /** The group of {@code resource} among {@code groups}, added when it is not there yet. */
        static ResourceGroup in(List<ResourceGroup> groups, Resource resource) {
            for (ResourceGroup group : groups) {
                if (group.resource == resource) {
                    return group;
                }
            }
            ResourceGroup added = new ResourceGroup(resource);
            groups.add(added);
            return added;
        }

        /** The group of {@code scope} in this resource, added when it is not there yet. */
        ScopeGroup scope(InstrumentationScopeInfo scope) {
            for (ScopeGroup group : scopes) {
                if (group.scope == scope) {
                    return group;
                }
            }
            ScopeGroup added = new ScopeGroup(scope);
            scopes.add(added);
            return added;
        }
    }

    /** A scope's spans. */
    private static final class ScopeGroup {
        final InstrumentationScopeInfo scope;
        final List<SpanData> spans = new ArrayList<>();

        ScopeGroup(InstrumentationScopeInfo scope) {
            this.scope = scope;
        }
    }
}
