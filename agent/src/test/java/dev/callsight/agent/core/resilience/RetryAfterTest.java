package dev.callsight.agent.core.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.Test;

class RetryAfterTest {

    @Test
    void readsSecondsAndHttpDates() {
        long now = ZonedDateTime.of(2026, 11, 23, 12, 0, 0, 0, ZoneOffset.UTC).toInstant().toEpochMilli();
        assertEquals(2_000_000_000L, RetryAfter.nanos("2", now));
        assertEquals(0, RetryAfter.nanos("0", now));
        String inThreeSeconds = DateTimeFormatter.RFC_1123_DATE_TIME.format(
                ZonedDateTime.of(2026, 11, 23, 12, 0, 3, 0, ZoneOffset.UTC));
        assertEquals(3_000_000_000L, RetryAfter.nanos(inThreeSeconds, now));
        assertEquals(0, RetryAfter.nanos("Mon, 23 Nov 2026 11:00:00 GMT", now), "a date in the past: no wait");
        assertEquals(RetryAfter.NONE, RetryAfter.nanos("soon", now));
        assertEquals(RetryAfter.NONE, RetryAfter.nanos(null, now));
    }
}
