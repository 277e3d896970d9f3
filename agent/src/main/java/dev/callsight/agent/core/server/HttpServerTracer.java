package dev.callsight.agent.core.server;

import static dev.callsight.agent.core.export.TelemetryBootstrap.INSTRUMENTATION_SCOPE;

import dev.callsight.agent.core.http.HttpSemantics;
import dev.callsight.agent.core.http.RequestHeaders;
import dev.callsight.agent.core.http.RouteTemplate;
import dev.callsight.agent.core.http.UrlRedactor;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.util.Locale;
import java.util.Set;

/**
 * The one place that turns an inbound HTTP request into a SERVER span and a
 * {@code http.server.request.duration} measurement, following the OpenTelemetry HTTP semantic
 * conventions. The parent comes from the request's headers through the SDK's configured
 * propagators; the span is current while the application handles the request, so the calls it
 * makes meanwhile are its children. Server-library glue describes the request and reports how
 * it ended.
 */
public final class HttpServerTracer {

    static final AttributeKey<String> URL_PATH = AttributeKey.stringKey("url.path");
    static final AttributeKey<String> URL_QUERY = AttributeKey.stringKey("url.query");
    static final AttributeKey<String> URL_SCHEME = AttributeKey.stringKey("url.scheme");
    static final AttributeKey<String> HTTP_ROUTE = AttributeKey.stringKey("http.route");
    static final AttributeKey<String> CLIENT_ADDRESS = AttributeKey.stringKey("client.address");
    static final AttributeKey<String> USER_AGENT = AttributeKey.stringKey("user_agent.original");

    private static final Set<String> KNOWN_METHODS =
            Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH");

    private static final TextMapGetter<RequestHeaders> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(RequestHeaders headers) {
            return headers.names();
        }

        @Override
        public String get(RequestHeaders headers, String key) {
            return headers == null ? null : headers.get(key);
        }
    };

    private final Tracer tracer;
    private final DoubleHistogram duration;
    private final TextMapPropagator propagator;

    public HttpServerTracer(OpenTelemetry openTelemetry) {
        this.tracer = openTelemetry.getTracer(INSTRUMENTATION_SCOPE);
        this.duration = openTelemetry.getMeter(INSTRUMENTATION_SCOPE)
                .histogramBuilder("http.server.request.duration")
                .setUnit("s")
                .setDescription("Duration of HTTP server requests.")
                .setExplicitBucketBoundariesAdvice(HttpSemantics.DURATION_BUCKETS)
                .build();
        this.propagator = openTelemetry.getPropagators().getTextMapPropagator();
    }

    /** Starts the request's span, a child of the context its headers carry, and makes it current. */
    public ServerCall start(ServerRequest request) {
        String method = request.method() == null ? "GET" : request.method().toUpperCase(Locale.ROOT);
        String knownMethod = KNOWN_METHODS.contains(method) ? method : "_OTHER";
        String route = request.route() != null ? request.route() : RouteTemplate.of(request.path());
        Context parent = propagator.extract(Context.root(), request.headers(), HEADERS);
        var span = tracer.spanBuilder(knownMethod + " " + route)
                .setSpanKind(SpanKind.SERVER)
                .setParent(parent)
                .setAttribute(HttpSemantics.HTTP_REQUEST_METHOD, knownMethod)
                .setAttribute(URL_SCHEME, request.scheme())
                .setAttribute(URL_PATH, request.path())
                .setAttribute(HTTP_ROUTE, route);
        if (!knownMethod.equals(method)) {
            span.setAttribute(HttpSemantics.HTTP_REQUEST_METHOD_ORIGINAL, request.method());
        }
        if (request.query() != null && !request.query().isEmpty()) {
            span.setAttribute(URL_QUERY, UrlRedactor.redactQuery(request.query()));
        }
        if (request.serverAddress() != null) {
            span.setAttribute(HttpSemantics.SERVER_ADDRESS, request.serverAddress());
        }
        if (request.serverPort() > 0) {
            span.setAttribute(HttpSemantics.SERVER_PORT, (long) request.serverPort());
        }
        if (request.clientAddress() != null) {
            span.setAttribute(CLIENT_ADDRESS, request.clientAddress());
        }
        if (request.userAgent() != null) {
            span.setAttribute(USER_AGENT, request.userAgent());
        }
        Span started = span.startSpan();
        Attributes metricAttributes = Attributes.of(HttpSemantics.HTTP_REQUEST_METHOD, knownMethod, URL_SCHEME,
                request.scheme(), HTTP_ROUTE, route);
        // The parent's baggage stays current too, so the application and its outbound calls see it.
        Context context = parent.with(started);
        return new ServerCall(started, context, context.makeCurrent(), metricAttributes, System.nanoTime());
    }

    /**
     * Ends a request once; later calls for the same request do nothing.
     *
     * @param statusCode the response status, or 0 when none was sent
     * @param error what the handler threw, or null
     */
    public void end(ServerCall call, int statusCode, Throwable error) {
        end(call, statusCode, error, null);
    }

    /**
     * The same, with the route the application's framework matched (e.g. Spring MVC's
     * {@code /orders/{orderId}/items}), known only once the handler has run; it replaces the route
     * the span started with, in its name, its attributes and its duration's.
     *
     * @param frameworkRoute the matched route, or null when no framework named one
     */
    public void end(ServerCall call, int statusCode, Throwable error, String frameworkRoute) {
        if (!call.markEnded()) {
            return;
        }
        double seconds = (System.nanoTime() - call.startNanos()) / 1e9;
        // A server's 4xx is the client's error, not the server's (semantic conventions).
        String errorType = error != null ? error.getClass().getName()
                : statusCode >= 500 ? Integer.toString(statusCode) : null;
        AttributesBuilder metric = call.metricAttributes().toBuilder();
        Span span = call.span();
        if (frameworkRoute != null && !frameworkRoute.equals(call.metricAttributes().get(HTTP_ROUTE))) {
            span.updateName(call.metricAttributes().get(HttpSemantics.HTTP_REQUEST_METHOD) + " " + frameworkRoute);
            span.setAttribute(HTTP_ROUTE, frameworkRoute);
            metric.put(HTTP_ROUTE, frameworkRoute);
        }
        if (statusCode > 0) {
            metric.put(HttpSemantics.HTTP_RESPONSE_STATUS_CODE, statusCode);
            span.setAttribute(HttpSemantics.HTTP_RESPONSE_STATUS_CODE, statusCode);
        }
        if (errorType != null) {
            metric.put(HttpSemantics.ERROR_TYPE, errorType);
            span.setAttribute(HttpSemantics.ERROR_TYPE, errorType);
            span.setStatus(StatusCode.ERROR);
            if (error != null) {
                span.recordException(error);
            }
        }
        // Recorded in the span's context, so the measurement can carry its trace as an exemplar.
        duration.record(seconds, metric.build(), Context.root().with(span));
        span.end();
    }
}
