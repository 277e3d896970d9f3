package dev.callsight.collector.store;

import java.util.Map;
import java.util.Objects;

/**
 * A trace search: spans of one service, optionally of one name, started within
 * [{@code startFromNano}, {@code startToNano}], optionally at least or at most so long (null: no bound), carrying
 * every one of {@code tags} ({@link SpanTags#searchable}: key to value as text, as the Jaeger API's {@code tags}).
 */
public record SpanQuery(String service, String operation, long startFromNano, long startToNano,
        Long minDurationNano, Long maxDurationNano, Map<String, String> tags, int limit) {

    public SpanQuery {
        Objects.requireNonNull(service, "service");
        tags = Map.copyOf(tags);
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive: " + limit);
        }
    }
}
