package dev.callsight.agent.core.resilience;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** The wait a {@code Retry-After} header asks for: delay-seconds or an HTTP-date (RFC 9110 10.2.3). */
public final class RetryAfter {

    /** Returned when the header is absent or unreadable. */
    public static final long NONE = -1;

    private RetryAfter() {}

    /** @return the wait in nanoseconds (0 for a date in the past), or {@link #NONE} */
    public static long nanos(String header, long nowEpochMillis) {
        if (header == null || header.isBlank()) {
            return NONE;
        }
        String value = header.trim();
        if (value.chars().allMatch(Character::isDigit)) {
            try {
                return Math.multiplyExact(Long.parseLong(value), 1_000_000_000L);
            } catch (ArithmeticException | NumberFormatException tooLarge) {
                return Long.MAX_VALUE;
            }
        }
        try {
            long at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
            return Math.max(0, at - nowEpochMillis) * 1_000_000L;
        } catch (DateTimeParseException notADate) {
            return NONE;
        }
    }
}
