package dev.callsight.collector.aggregate;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * What a policy did to a call, one per agent counter. Each counter carries a cause attribute and, for retries and
 * timeouts, a qualifier attribute; their names are also the Prometheus label names.
 */
public enum CallEvent {
    /** Attempts that repeated an earlier one: {@code reason} (e.g. 503, timeout) and {@code source} (agent, client, application). */
    RETRIES("callsight.http.client.retries", "reason", "source"),
    /** Attempts that hit a limit: {@code kind} (connect, read, deadline) and {@code mode} (enforce, observe). */
    TIMEOUTS("callsight.http.client.timeouts", "kind", "mode"),
    /** Calls refused unsent: {@code reason} (circuit_open, concurrency_limit). */
    REJECTIONS("callsight.http.client.rejections", "reason", "");

    private final String metricName;
    private final String causeAttribute;
    private final String qualifierAttribute;

    CallEvent(String metricName, String causeAttribute, String qualifierAttribute) {
        this.metricName = metricName;
        this.causeAttribute = causeAttribute;
        this.qualifierAttribute = qualifierAttribute;
    }

    public static Optional<CallEvent> forMetric(String metricName) {
        return Arrays.stream(values()).filter(e -> e.metricName.equals(metricName)).findFirst();
    }

    /** The inverse of {@link #label()}. */
    public static CallEvent forLabel(String label) {
        return valueOf(label.toUpperCase(Locale.ROOT));
    }

    public String metricName() {
        return metricName;
    }

    /** How the store and the API name the event: {@code retries}, {@code timeouts}, {@code rejections}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public String causeAttribute() {
        return causeAttribute;
    }

    /** Empty for rejections, which have no qualifier. */
    public Optional<String> qualifierAttribute() {
        return qualifierAttribute.isEmpty() ? Optional.empty() : Optional.of(qualifierAttribute);
    }
}
