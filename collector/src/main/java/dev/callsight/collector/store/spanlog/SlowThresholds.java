package dev.callsight.collector.store.spanlog;

import dev.callsight.config.Durations;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How long a span must last for its trace to count as slow: one threshold per service where one is set, otherwise the
 * default. The builder holds the default and refuses a bad value as it is set.
 */
public final class SlowThresholds {

    public static final Duration DEFAULT = Duration.ofSeconds(1);
    public static final SlowThresholds DEFAULTS = builder().build();

    private final Duration byDefault;
    private final Map<String, Duration> services;

    private SlowThresholds(Duration byDefault, Map<String, Duration> services) {
        this.byDefault = byDefault;
        this.services = Map.copyOf(services);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The threshold of services without one of their own. */
    public Duration byDefault() {
        return byDefault;
    }

    /** The services with a threshold of their own. */
    public Map<String, Duration> services() {
        return services;
    }

    public static final class Builder {
        private Duration byDefault = DEFAULT;
        private final Map<String, Duration> services = new LinkedHashMap<>();

        private Builder() {
        }

        public Builder byDefault(Duration threshold) {
            byDefault = positive(threshold);
            return this;
        }

        public Builder service(String service, Duration threshold) {
            if (service == null || service.isBlank()) {
                throw new IllegalArgumentException("a slow threshold needs a service name");
            }
            if (services.putIfAbsent(service, positive(threshold)) != null) {
                throw new IllegalArgumentException("service '" + service + "' has two slow thresholds");
            }
            return this;
        }

        private static Duration positive(Duration threshold) {
            if (threshold == null || threshold.isNegative() || threshold.isZero()) {
                throw new IllegalArgumentException("a slow threshold must be positive: "
                        + (threshold == null ? "none" : Durations.format(threshold)));
            }
            return threshold;
        }

        public SlowThresholds build() {
            return new SlowThresholds(byDefault, services);
        }
    }
}
