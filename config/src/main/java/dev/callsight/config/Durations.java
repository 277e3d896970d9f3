package dev.callsight.config;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one duration grammar of callsight's files and flags: a number, whole or decimal, and a unit, {@code ms},
 * {@code s}, {@code m}, {@code h}, {@code d} or {@code w}: {@code 500ms}, {@code 1.5s}, {@code 5m}, {@code 30d}.
 * A bare {@code 0} is zero; any other number needs its unit, since a bare {@code 30} could mean seconds or days.
 * Fractions of a millisecond are rounded to the nearest one.
 */
public final class Durations {

    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h|d|w)");
    private static final String EXAMPLES = "500ms, 1.5s, 5m, 1h or 30d";

    private Durations() {}

    /** @throws IllegalArgumentException with the reason, e.g. {@code '5 seconds' is not a duration such as ...} */
    public static Duration parse(String text) {
        String value = text.strip().toLowerCase(Locale.ROOT);
        if (value.equals("0")) {
            return Duration.ZERO;
        }
        Matcher matcher = DURATION.matcher(value);
        if (!matcher.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration such as " + EXAMPLES);
        }
        BigDecimal millis = new BigDecimal(matcher.group(1)).multiply(BigDecimal.valueOf(unitMillis(matcher.group(2))));
        try {
            return Duration.ofMillis(millis.setScale(0, java.math.RoundingMode.HALF_UP).longValueExact());
        } catch (ArithmeticException tooLong) {
            throw new IllegalArgumentException("'" + text + "' is longer than any duration callsight can use");
        }
    }

    /** The shortest exact spelling in whole units: {@code 90s}, {@code 30m}, {@code 2h}, {@code 3d}, {@code 250ms}. */
    public static String format(Duration duration) {
        long millis = duration.toMillis();
        if (millis % 1000 != 0) {
            return millis + "ms";
        }
        long seconds = millis / 1000;
        if (seconds != 0 && seconds % 86_400 == 0) {
            return seconds / 86_400 + "d";
        }
        if (seconds != 0 && seconds % 3600 == 0) {
            return seconds / 3600 + "h";
        }
        return seconds != 0 && seconds % 60 == 0 ? seconds / 60 + "m" : seconds + "s";
    }

    private static long unitMillis(String unit) {
        switch (unit) {
            case "ms":
                return 1;
            case "s":
                return 1_000;
            case "m":
                return 60_000;
            case "h":
                return 3_600_000;
            case "d":
                return 86_400_000;
            default:
                return 7 * 86_400_000L;
        }
    }
}
