package dev.callsight.agent.core.client;

import static dev.callsight.agent.core.export.TelemetryBootstrap.INSTRUMENTATION_SCOPE;

import dev.callsight.agent.bootstrap.CallRejectedException;
import dev.callsight.agent.core.AgentLog;
import dev.callsight.agent.core.context.CarriedContext;
import dev.callsight.agent.core.export.SpanRecorder;
import dev.callsight.agent.core.policy.Policy;
import dev.callsight.agent.core.policy.PolicySet;
import dev.callsight.agent.core.resilience.CircuitBreaker;
import dev.callsight.agent.core.resilience.RetryBudget;
import dev.callsight.agent.core.resilience.UpstreamGuards;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.ObservableLongMeasurement;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Semaphore;
import java.util.function.LongSupplier;

/**
 * Where every outbound call enters the core: finds the call's policy, applies its circuit
 * breaker and concurrency limit, and hands back the {@link LogicalCall} whose attempts the
 * client-library glue then reports. This is the only object the instrumentation modules get.
 */
public final class OutboundCalls {

    /** Upstreams tracked per policy; beyond this, further upstreams of a policy share one entry. */
    private static final int MAX_UPSTREAMS = 4096;
    private static final AttributeKey<String> UPSTREAM = AttributeKey.stringKey("upstream");

    private final HttpClientTracer tracer;
    private final PolicySet policies;
    private final PolicyMetrics metrics;
    private final AgentTimer timer;
    private final ApplicationRetryDetector applicationRetries = new ApplicationRetryDetector();
    private final ConcurrentMap<Upstream, UpstreamGuards> upstreams = new ConcurrentHashMap<>();
    private final ThreadLocal<Upstream> probes = ThreadLocal.withInitial(Upstream::new);
    private final LongSupplier nanoClock;

    public OutboundCalls(OpenTelemetry openTelemetry, PolicySet policies) {
        this(openTelemetry, null, policies, System::nanoTime);
    }

    /** @param spans the recorder of the agent's own SDK, whose root spans take their trace ids from it */
    public OutboundCalls(OpenTelemetry openTelemetry, SpanRecorder spans, PolicySet policies) {
        this(openTelemetry, spans, policies, System::nanoTime);
    }

    OutboundCalls(OpenTelemetry openTelemetry, PolicySet policies, LongSupplier nanoClock) {
        this(openTelemetry, null, policies, nanoClock);
    }

    private OutboundCalls(OpenTelemetry openTelemetry, SpanRecorder spans, PolicySet policies,
            LongSupplier nanoClock) {
        this.tracer = new HttpClientTracer(openTelemetry, spans);
        this.policies = policies;
        this.metrics = new PolicyMetrics(openTelemetry.getMeter(INSTRUMENTATION_SCOPE), this::observeBreakers);
        this.timer = new AgentTimer();
        this.nanoClock = nanoClock;
    }

    /**
     * As {@link #begin(ClientRequest)}, for a client whose request is subscribed on a thread that
     * may hold no context of its own: the thread's context is the parent where it has a span,
     * otherwise the server request's context the reactive chain carried ({@code carried}, or null).
     */
    public LogicalCall begin(ClientRequest request, CarriedContext carried) throws CallRejectedException {
        Context current = Context.current();
        if (carried == null || Span.fromContext(current).getSpanContext().isValid()) {
            return begin(request);
        }
        try (Scope scope = carried.context().makeCurrent()) {
            return begin(request);
        }
    }

    /**
     * Starts a logical call: the application's request, however many attempts it takes.
     *
     * @throws CallRejectedException when the policy's circuit is open or its concurrency limit
     *     is reached; the rejection is already recorded, and the glue throws it to the application
     */
    public LogicalCall begin(ClientRequest request) throws CallRejectedException {
        String method = request.method() == null ? "GET" : request.method().toUpperCase(Locale.ROOT);
        Policy policy = policies.policyFor(method, request.host(), request.port(), request.rawPath());
        UpstreamGuards guards = needsGuards(policy) ? guardsFor(policy, request.host(), request.port()) : null;
        Context current = Context.current();
        Context parent = tracer.parentOf(request);
        long now = nanoClock.getAsLong();
        String parentSpanId = Span.fromContext(parent).getSpanContext().getSpanId();
        ApplicationRetryDetector.FailedCall repeated =
                applicationRetries.repeatOf(method, request, parentSpanId, now);
        LogicalCall call = new LogicalCall(this, request, method, policy, guards, parent, parent != current,
                parentSpanId, now, repeated);
        if (guards != null && guards.retryBudget() != null) {
            guards.retryBudget().recordCall();
        }
        if (policy.enforced() && guards != null) {
            call.admit();
        }
        return call;
    }

    /**
     * The policy a request would begin under, for a client that fixes its timeouts when the
     * request is built, before the call begins.
     */
    public Policy policyFor(ClientRequest request) {
        String method = request.method() == null ? "GET" : request.method().toUpperCase(Locale.ROOT);
        return policies.policyFor(method, request.host(), request.port(), request.rawPath());
    }

    /** The policy for requests no narrower policy matches, for settings a client fixes when it is built. */
    public Policy catchAllPolicy() {
        return policies.catchAll();
    }

    public AgentTimer timer() {
        return timer;
    }

    HttpClientTracer tracer() {
        return tracer;
    }

    PolicyMetrics metrics() {
        return metrics;
    }

    ApplicationRetryDetector applicationRetries() {
        return applicationRetries;
    }

    long nanoTime() {
        return nanoClock.getAsLong();
    }

    private static boolean needsGuards(Policy policy) {
        return policy.retry() != null || policy.circuitBreaker() != null || policy.maxConcurrent() > 0;
    }

    private UpstreamGuards guardsFor(Policy policy, String host, int port) {
        UpstreamGuards known = upstreams.get(probes.get().of(policy.name(), host, port));
        if (known != null) {
            return known;
        }
        if (upstreams.size() >= MAX_UPSTREAMS) {
            return upstreams.computeIfAbsent(new Upstream().of(policy.name(), "*", 0), overflow -> newGuards(policy, "*"));
        }
        return upstreams.computeIfAbsent(new Upstream().of(policy.name(), host, port),
                absent -> newGuards(policy, host + ":" + port));
    }

    /**
     * A policy's upstream, the key of its guards. A key in the map is never changed; each thread looks keys up with a
     * probe of its own that it sets for every call ({@link #probes}), so a call allocates no key.
     */
    private static final class Upstream {
        private String policy;
        private String host;
        private int port;

        Upstream of(String policy, String host, int port) {
            this.policy = policy;
            this.host = host;
            this.port = port;
            return this;
        }

        @Override
        public boolean equals(Object other) {
            if (!(other instanceof Upstream)) {
                return false;
            }
            Upstream that = (Upstream) other;
            return port == that.port && host.equals(that.host) && policy.equals(that.policy);
        }

        @Override
        public int hashCode() {
            return (policy.hashCode() * 31 + host.hashCode()) * 31 + port;
        }
    }

    private UpstreamGuards newGuards(Policy policy, String upstream) {
        // Logged, since an operator wants to know; the attempt whose outcome changed it also gets a span event.
        CircuitBreaker.Transitions logged = (from, to) -> AgentLog.info(
                "circuit breaker for " + upstream + " (policy " + policy.name() + "): " + from + " -> " + to);
        return new UpstreamGuards(upstream, policy.name(),
                policy.circuitBreaker() == null ? null : new CircuitBreaker(policy.circuitBreaker(), nanoClock, logged),
                policy.maxConcurrent() > 0 ? new Semaphore(policy.maxConcurrent()) : null,
                policy.retry() == null ? null : new RetryBudget(policies.retryBudget(), nanoClock));
    }

    private void observeBreakers(ObservableLongMeasurement measurement) {
        for (UpstreamGuards guards : upstreams.values()) {
            if (guards.breaker() != null) {
                measurement.record(guards.breaker().state().ordinal(), Attributes.of(
                        PolicyMetrics.POLICY, guards.policy(), UPSTREAM, guards.upstream()));
            }
        }
    }
}
