package dev.callsight.collector.aggregate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class CanonicalBucketsTest {

    @Test
    void identicalBoundsMapOneToOne() {
        List<Long> counts = List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L, 13L, 14L, 15L);
        assertEquals(counts, CanonicalBuckets.rebucket(CanonicalBuckets.bounds(), counts, 120));
    }

    @Test
    void otherBoundsGoToTheBucketHoldingTheirUpperBound() {
        // Bounds in seconds converted from milliseconds: 5 ms, 20 ms, 100 ms, 30 s.
        List<Long> result = CanonicalBuckets.rebucket(List.of(5 * 0.001, 20 * 0.001, 100 * 0.001, 30.0),
                List.of(1L, 2L, 3L, 4L, 5L), 15);
        assertEquals(List.of(1L, 0L, 2L, 0L, 0L, 3L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 9L), result);
    }

    @Test
    void noBucketsPutsEverythingInOverflow() {
        assertEquals(7L, CanonicalBuckets.rebucket(List.of(), List.of(), 7).get(14));
    }
}
