package dev.callsight.agent.core.context;

import dev.callsight.agent.bootstrap.LogHook;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/**
 * The IDs of the current span under the keys OpenTelemetry's log correlation uses, for logging
 * libraries to put beside the application's MDC or context data when a line is logged. Read at
 * log time, they are right for whichever span is current, whoever made it current.
 */
public final class LogCorrelation implements LogHook {

    public static final String TRACE_ID = "trace_id";
    public static final String SPAN_ID = "span_id";
    public static final String TRACE_FLAGS = "trace_flags";

    /** The current span's IDs, or an empty map when no valid span is current. */
    public static Map<String, String> currentIds() {
        SpanContext span = Span.current().getSpanContext();
        if (!span.isValid()) {
            return Collections.emptyMap();
        }
        Map<String, String> ids = new HashMap<>(4);
        putIds(ids, span);
        return ids;
    }

    @Override
    public boolean spanCurrent() {
        return Span.current().getSpanContext().isValid();
    }

    @Override
    public Map<String, String> withTraceIds(Map<String, String> mdc) {
        SpanContext span = Span.current().getSpanContext();
        if (!span.isValid() || (mdc != null && mdc.containsKey(TRACE_ID))) {
            return mdc;
        }
        Map<String, String> with = mdc == null ? new HashMap<>(4) : new HashMap<>(mdc);
        putIds(with, span);
        return Collections.unmodifiableMap(with);
    }

    private static void putIds(Map<String, String> ids, SpanContext span) {
        ids.put(TRACE_ID, span.getTraceId());
        ids.put(SPAN_ID, span.getSpanId());
        ids.put(TRACE_FLAGS, span.getTraceFlags().asHex());
    }
}
