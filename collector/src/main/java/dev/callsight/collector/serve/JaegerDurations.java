package dev.callsight.collector.serve;

import java.math.BigDecimal;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Go duration strings as the Jaeger query service reads them ({@code 100ms}, {@code 1.5s}, {@code 1h30m};
 * units ns, us, µs, ms, s, m, h), plus d for days, which the Jaeger UI's lookback choices use ({@code 2d}).
 */
final class JaegerDurations {

    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|μs|ms|s|m|h|d)");
    private static final Map<String, Long> UNIT_NANOS = Map.of("ns", 1L, "us", 1_000L, "µs", 1_000L,
            "μs", 1_000L, "ms", 1_000_000L, "s", 1_000_000_000L, "m", 60_000_000_000L, "h", 3_600_000_000_000L,
            "d", 86_400_000_000_000L);

    private JaegerDurations() {
    }

    /** @throws IllegalArgumentException when the text is not a non-negative duration, or too long for a long */
    static long parseNanos(String text) {
        if (text.equals("0")) {
            return 0;
        }
        Matcher part = PART.matcher(text);
        BigDecimal nanos = BigDecimal.ZERO;
        int end = 0;
        while (part.lookingAt()) {
            nanos = nanos.add(new BigDecimal(part.group(1)).multiply(BigDecimal.valueOf(UNIT_NANOS.get(part.group(2)))));
            end = part.end();
            part.region(end, text.length());
        }
        if (end == 0 || end != text.length()) {
            throw new IllegalArgumentException("invalid duration '" + text + "' (e.g. 100ms, 1.5s, 1h30m)");
        }
        try {
            return nanos.longValueExact();
        } catch (ArithmeticException e) {
            // A fraction of a nanosecond is dropped; only an overflow is an error.
            if (nanos.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
                throw new IllegalArgumentException("duration '" + text + "' is too long", e);
            }
            return nanos.longValue();
        }
    }
}
