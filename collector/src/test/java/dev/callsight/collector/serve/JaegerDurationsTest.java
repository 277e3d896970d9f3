package dev.callsight.collector.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class JaegerDurationsTest {

    @Test
    void goDurationStringsAsJaegerReadsThem() {
        assertEquals(100_000_000L, JaegerDurations.parseNanos("100ms"));
        assertEquals(1_500_000_000L, JaegerDurations.parseNanos("1.5s"));
        assertEquals(5_400_000_000_000L, JaegerDurations.parseNanos("1h30m"));
        assertEquals(7_000L, JaegerDurations.parseNanos("7us"));
        assertEquals(7_000L, JaegerDurations.parseNanos("7µs"));
        assertEquals(12L, JaegerDurations.parseNanos("12ns"));
        assertEquals(500_000_000L, JaegerDurations.parseNanos(".5s"));
        assertEquals(0L, JaegerDurations.parseNanos("0"));
        assertEquals(2 * 86_400_000_000_000L, JaegerDurations.parseNanos("2d"));
    }

    @Test
    void anythingElseIsRefused() {
        for (String text : new String[] {"", "100", "fast", "1.5", "-1s", "1s ", "s", "1x", "99999999999h"}) {
            assertThrows(IllegalArgumentException.class, () -> JaegerDurations.parseNanos(text), text);
        }
    }
}
