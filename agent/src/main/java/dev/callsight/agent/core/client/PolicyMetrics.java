package dev.callsight.agent.core.client;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.ObservableLongMeasurement;
import java.util.function.Consumer;

/**
 * The agent's own counters of what policies did, exported beside the call durations:
 * {@code callsight.http.client.retries}, {@code .timeouts}, {@code .rejections} and the
 * circuit breakers' {@code .circuit_breaker.state} (0 closed, 1 open, 2 half-open).
 */
final class PolicyMetrics {

    static final AttributeKey<String> REASON = AttributeKey.stringKey("reason");
    static final AttributeKey<String> SOURCE = AttributeKey.stringKey("source");
    static final AttributeKey<String> KIND = AttributeKey.stringKey("kind");
    static final AttributeKey<String> MODE = AttributeKey.stringKey("mode");
    static final AttributeKey<String> POLICY = AttributeKey.stringKey("callsight.policy");

    private final LongCounter retries;
    private final LongCounter timeouts;
    private final LongCounter rejections;

    PolicyMetrics(Meter meter, Consumer<ObservableLongMeasurement> breakerStates) {
        retries = meter.counterBuilder("callsight.http.client.retries").setUnit("{retry}")
                .setDescription("Attempts that repeated an earlier attempt of the same call, by reason and by who made them.")
                .build();
        timeouts = meter.counterBuilder("callsight.http.client.timeouts").setUnit("{timeout}")
                .setDescription("Attempts that ran into a connect, read or deadline limit; mode observe counts the ones a policy would have ended.")
                .build();
        rejections = meter.counterBuilder("callsight.http.client.rejections").setUnit("{call}")
                .setDescription("Calls refused without being sent: circuit open or concurrency limit reached.")
                .build();
        meter.gaugeBuilder("callsight.http.client.circuit_breaker.state").ofLongs()
                .setDescription("Circuit breaker state per policy and upstream: 0 closed, 1 open, 2 half-open.")
                .buildWithCallback(breakerStates);
    }

    void retry(Attributes call, String reason, RetrySource source) {
        retries.add(1, call.toBuilder().put(REASON, reason).put(SOURCE, source.attributeValue()).build());
    }

    void timeout(Attributes call, TimeoutKind kind, boolean enforced) {
        timeouts.add(1, call.toBuilder().put(KIND, kind.attributeValue())
                .put(MODE, enforced ? "enforce" : "observe").build());
    }

    void rejection(Attributes call, String reason) {
        rejections.add(1, call.toBuilder().put(REASON, reason).build());
    }
}
