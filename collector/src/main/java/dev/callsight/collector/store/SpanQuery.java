package dev.callsight.collector.store;

import java.util.Objects;

/**
 * A trace search: spans of one service, optionally of one name, started within
 * [{@code startFromNano}, {@code startToNano}], optionally at least or at most so long (null: no bound).
 */
public record SpanQuery(String service, String operation, long startFromNano, long startToNano,
        Long minDurationNano, Long maxDurationNano, int limit) {

    public SpanQuery {
        Objects.requireNonNull(service, "service");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive: " + limit);
        }
    }
}
