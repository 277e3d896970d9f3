package dev.callsight.agent.core.client;

import static dev.callsight.agent.core.export.TelemetryBootstrap.INSTRUMENTATION_SCOPE;
import static dev.callsight.agent.core.http.HttpSemantics.DURATION_BUCKETS;
import static dev.callsight.agent.core.http.HttpSemantics.ERROR_TYPE;
import static dev.callsight.agent.core.http.HttpSemantics.HTTP_REQUEST_METHOD;
import static dev.callsight.agent.core.http.HttpSemantics.HTTP_REQUEST_METHOD_ORIGINAL;
import static dev.callsight.agent.core.http.HttpSemantics.HTTP_RESPONSE_STATUS_CODE;
import static dev.callsight.agent.core.http.HttpSemantics.SERVER_ADDRESS;
import static dev.callsight.agent.core.http.HttpSemantics.SERVER_PORT;

import dev.callsight.agent.bootstrap.CallRejectedException;
import dev.callsight.agent.core.export.SpanRecorder;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * The one place that turns an attempt of an outbound HTTP request into a CLIENT span and a
 * {@code http.client.request.duration} measurement, following the OpenTelemetry HTTP semantic
 * conventions, and a logical call (all its attempts, backoff included) into one
 * {@code callsight.client.call.duration} measurement with its final outcome. {@link LogicalCall}
 * decides when attempts start; client-library glue only describes the request and reports how it
 * ended.
 */
public final class HttpClientTracer {

    static final AttributeKey<String> URL_FULL = AttributeKey.stringKey("url.full");
    static final AttributeKey<String> URL_TEMPLATE = AttributeKey.stringKey("url.template");
    static final AttributeKey<String> NETWORK_PROTOCOL_VERSION = AttributeKey.stringKey("network.protocol.version");
    static final AttributeKey<Long> HTTP_REQUEST_RESEND_COUNT = AttributeKey.longKey("http.request.resend_count");
    static final AttributeKey<String> RETRY_SOURCE = AttributeKey.stringKey("callsight.retry.source");
    static final AttributeKey<String> RETRY_REASON = AttributeKey.stringKey("callsight.retry.reason");
    static final AttributeKey<String> POLICY = AttributeKey.stringKey("callsight.policy");


    /** Method, server and route combinations whose attributes are kept; routes are low-cardinality, so few. */
    private static final int MAX_CALL_SITES = 2048;

    private static final Set<String> KNOWN_METHODS =
            Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH");

    /** The application's own headers, for the configured propagators to extract from. */
    private static final TextMapGetter<ClientRequest> APPLICATION_HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(ClientRequest request) {
            return List.of();
        }

        @Override
        public String get(ClientRequest request, String key) {
            return request == null ? null : request.header(key);
        }
    };

    private final Tracer tracer;
    private final DoubleHistogram duration;
    /** The caller's view: one measurement per logical call, whatever the retries, with its final outcome. */
    private final DoubleHistogram callDuration;
    private final TextMapPropagator propagator;
    private final CallSite.Cache sites = new CallSite.Cache(MAX_CALL_SITES);
    /**
     * Whether the sampler may look at a span's attributes. The standard ones (always on or off, trace-id ratio, parent
     * based) decide on the trace id and parent alone, so the attributes are put on a span only once it records: an
     * unsampled call then builds none of them. Any other sampler gets them at the start, as the conventions ask.
     */
    private final boolean samplerReadsAttributes;
    /** Dropped attempts without a span, where the sampler and propagators allow it; else null. */
    private final UnsampledAttempts unsampled;
    /** Where the attempts {@link #unsampled} finds kept are recorded without the SDK's span builder; else null. */
    private final SpanRecorder recorder;

    public HttpClientTracer(OpenTelemetry openTelemetry) {
        this(openTelemetry, null);
    }

    /** @param spans the recorder of the agent's own SDK, whose root spans take their trace ids from it; else null */
    public HttpClientTracer(OpenTelemetry openTelemetry, SpanRecorder spans) {
        this.unsampled = spans == null ? null : UnsampledAttempts.of(openTelemetry, spans.rootIds());
        this.recorder = unsampled == null ? null : spans;
        this.samplerReadsAttributes = !(openTelemetry instanceof OpenTelemetrySdk)
                || !decidesOnIdsAlone(((OpenTelemetrySdk) openTelemetry).getSdkTracerProvider().getSampler());
        this.tracer = openTelemetry.getTracer(INSTRUMENTATION_SCOPE);
        this.duration = openTelemetry.getMeter(INSTRUMENTATION_SCOPE)
                .histogramBuilder("http.client.request.duration")
                .setUnit("s")
                .setDescription("Duration of HTTP client requests.")
                .setExplicitBucketBoundariesAdvice(DURATION_BUCKETS)
                .build();
        this.callDuration = openTelemetry.getMeter(INSTRUMENTATION_SCOPE)
                .histogramBuilder("callsight.client.call.duration")
                .setUnit("s")
                .setDescription("Duration of logical HTTP client calls: every attempt and the waits between them, "
                        + "with the outcome of the last attempt.")
                .setExplicitBucketBoundariesAdvice(DURATION_BUCKETS)
                .build();
        this.propagator = openTelemetry.getPropagators().getTextMapPropagator();
    }

    /** The SDK's own samplers that ignore attributes, by their descriptions: AlwaysOnSampler, ParentBased{...}, .... */
    static boolean decidesOnIdsAlone(Sampler sampler) {
        String rest = sampler.getDescription().replaceAll("AlwaysOnSampler|AlwaysOffSampler|TraceIdRatioBased\\{[0-9.]+\\}"
                + "|ParentBased|root:|remoteParentSampled:|remoteParentNotSampled:|localParentSampled:"
                + "|localParentNotSampled:|[{},]", "");
        return rest.isEmpty();
    }

    /**
     * The context a call's attempts are children of: the trace the application's own headers
     * carry (in any format the configured propagators read: traceparent, b3, uber-trace-id), or
     * the current one.
     */
    Context parentOf(ClientRequest request) {
        Context current = Context.current();
        Context extracted = propagator.extract(current, request, APPLICATION_HEADERS);
        return carriesTrace(extracted, current) ? extracted : current;
    }

    /** Whether the application put a trace context of its own on the request, which is then left as it is. */
    boolean carriesApplicationContext(ClientRequest request) {
        Context current = Context.current();
        return carriesTrace(propagator.extract(current, request, APPLICATION_HEADERS), current);
    }

    /**
     * A trace header of the current trace is no context of the application's own: a proxy or
     * gateway copied the inbound request's headers, and the call is the current span's child.
     */
    private static boolean carriesTrace(Context extracted, Context current) {
        SpanContext span = Span.fromContext(extracted).getSpanContext();
        SpanContext currentSpan = Span.fromContext(current).getSpanContext();
        return span.isValid() && span.isRemote()
                && !(currentSpan.isValid() && currentSpan.getTraceId().equals(span.getTraceId()));
    }

    /**
     * Starts the span of one attempt.
     *
     * @param resend 0 for a call's first attempt, n for its n-th resend
     * @param first the first attempt of the same logical call, linked from every resend; null for the first
     * @param applicationContext whether the request carries a trace context the application set itself
     * @param policy the name of the call's policy
     */
    ClientCall startAttempt(ClientRequest request, Context parent, int resend, SpanContext first, RetrySource source,
            String retryReason, boolean applicationContext, String policy) {
        String method = request.method() == null ? "GET" : request.method().toUpperCase(Locale.ROOT);
        String knownMethod = KNOWN_METHODS.contains(method) ? method : "_OTHER";
        String host = request.host();
        CallSite site = sites.get(knownMethod, host, request.port(), request.rawPath());

        String dropped = unsampled == null ? null : unsampled.droppedTraceparent(parent, site.spanName);
        if (dropped != null) {
            return new ClientCall(parent, site, applicationContext, System.nanoTime(), dropped);
        }
        if (recorder != null && Span.fromContext(parent).getSpanContext().getTraceState().isEmpty()) {
            // Kept by the sampler just now, on the ids alone: no SDK span builder to ask it again.
            Span started = recorder.start(site.spanName, SpanKind.CLIENT, parent, resend > 0 ? first : null);
            putAttemptAttributes(started::setAttribute, request, method, knownMethod, host, site, resend, source,
                    retryReason, policy);
            return new ClientCall(started, parent.with(started), site, applicationContext, System.nanoTime(),
                    unsampled.keptTraceparent(started.getSpanContext()));
        }
        SpanBuilder span = tracer.spanBuilder(site.spanName).setSpanKind(SpanKind.CLIENT).setParent(parent);
        if (samplerReadsAttributes) {
            AttributesBuilder attributes = Attributes.builder();
            putAttemptAttributes(attributes::put, request, method, knownMethod, host, site, resend, source,
                    retryReason, policy);
            span.setAllAttributes(attributes.build());
        }
        if (resend > 0 && first != null && first.isValid()) {
            span.addLink(first);
        }
        Span started = span.startSpan();
        if (!samplerReadsAttributes && started.isRecording()) {
            // Straight onto the span: no Attributes built, sorted and copied on the way.
            putAttemptAttributes(started::setAttribute, request, method, knownMethod, host, site, resend, source,
                    retryReason, policy);
        }
        return new ClientCall(started, parent.with(started), site, applicationContext, System.nanoTime());
    }

    /** Where an attempt's attributes go: a builder, or the span itself. */
    private interface AttributeSink {
        <T> void put(AttributeKey<T> key, T value);
    }

    private static void putAttemptAttributes(AttributeSink attributes, ClientRequest request, String method,
            String knownMethod, String host, CallSite site, int resend, RetrySource source, String retryReason,
            String policy) {
        attributes.put(HTTP_REQUEST_METHOD, knownMethod);
        attributes.put(URL_FULL, request.urlFull());
        attributes.put(URL_TEMPLATE, site.route);
        attributes.put(SERVER_ADDRESS, host);
        attributes.put(SERVER_PORT, site.portValue);
        attributes.put(POLICY, policy);
        if (!knownMethod.equals(method)) {
            attributes.put(HTTP_REQUEST_METHOD_ORIGINAL, request.method());
        }
        if (resend > 0) {
            attributes.put(HTTP_REQUEST_RESEND_COUNT, (long) resend);
            attributes.put(RETRY_SOURCE, source.attributeValue());
            if (retryReason != null) {
                attributes.put(RETRY_REASON, retryReason);
            }
        }
    }

    /**
     * Writes the call's context with the client's own header setter, in the configured formats
     * (traceparent and baggage by default), but no header the application set itself, unless it was copied from the
     * inbound request (this trace's): the call names its own span.
     */
    void inject(ClientCall call, ClientRequest application, BiConsumer<String, String> setHeader) {
        if (call.continuesApplicationContext()) {
            return;
        }
        String traceparent = call.traceparent();
        if (traceparent != null && mayWrite(call, application, UnsampledAttempts.TRACEPARENT)) {
            setHeader.accept(UnsampledAttempts.TRACEPARENT, traceparent);
        }
        // A call with its traceparent written and no baggage builds no setter: almost every call at a low ratio.
        if (traceparent == null || (unsampled.baggage() != null && !Baggage.fromContext(call.context()).isEmpty())) {
            TextMapSetter<BiConsumer<String, String>> unlessTheApplicationsOwn = (carrier, key, value) -> {
                if (mayWrite(call, application, key)) {
                    carrier.accept(key, value);
                }
            };
            (traceparent == null ? propagator : unsampled.baggage())
                    .inject(call.context(), setHeader, unlessTheApplicationsOwn);
        }
    }

    private boolean mayWrite(ClientCall call, ClientRequest application, String header) {
        return application.header(header) == null || copiedFromThisTrace(call, application);
    }

    private boolean copiedFromThisTrace(ClientCall call, ClientRequest application) {
        String applicationTrace = Span.fromContext(propagator.extract(Context.root(), application, APPLICATION_HEADERS))
                .getSpanContext().getTraceId();
        String traceparent = call.traceparent();
        return traceparent == null ? applicationTrace.equals(call.span().getSpanContext().getTraceId())
                : traceparent.regionMatches(3, applicationTrace, 0, 32);
    }

    /**
     * Ends an attempt its caller has claimed with {@link ClientCall#markEnded()}.
     *
     * @param statusCode the response status, or 0 when no response arrived
     * @param protocolVersion e.g. "1.1" or "2", or null when unknown
     * @param error what the client threw, or null
     */
    Attributes end(ClientCall call, int statusCode, String protocolVersion, Throwable error) {
        double seconds = (System.nanoTime() - call.startNanos()) / 1e9;
        String errorType = error instanceof CallRejectedException ? ((CallRejectedException) error).reason()
                : error != null ? error.getClass().getName()
                : statusCode >= 400 ? Integer.toString(statusCode) : null;

        CallSite.Outcome outcome = call.site().outcome(Math.max(statusCode, 0), errorType);
        Span span = call.span();
        if (statusCode > 0) {
            span.setAttribute(HTTP_RESPONSE_STATUS_CODE, outcome.statusValue);
        }
        if (protocolVersion != null) {
            span.setAttribute(NETWORK_PROTOCOL_VERSION, protocolVersion);
        }
        if (errorType != null) {
            span.setAttribute(ERROR_TYPE, errorType);
            span.setStatus(StatusCode.ERROR);
            if (error != null) {
                span.recordException(error);
            }
        }
        duration.record(seconds, outcome.metricAttributes);
        span.end();
        return outcome.metricAttributes;
    }

    /**
     * Records a logical call that has ended.
     *
     * @param finalOutcome the metric attributes of its last attempt: site, status and error type
     */
    void endCall(long nanos, Attributes finalOutcome) {
        callDuration.record(nanos / 1e9, finalOutcome);
    }
}
