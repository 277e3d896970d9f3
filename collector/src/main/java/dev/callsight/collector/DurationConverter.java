package dev.callsight.collector;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * Parses durations such as {@code 500ms}, {@code 90s}, {@code 5m}, {@code 1h}, {@code 30d}, {@code 4w}; a bare number
 * is seconds.
 */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {

    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d|w)?");

    @Override
    public Duration convert(String value) {
        Matcher matcher = DURATION.matcher(value.strip().toLowerCase(Locale.ROOT));
        if (!matcher.matches()) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a duration such as 500ms, 90s, 5m, 1h or 30d");
        }
        long amount = Long.parseLong(matcher.group(1));
        return switch (matcher.group(2) == null ? "s" : matcher.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            case "d" -> Duration.ofDays(amount);
            case "w" -> Duration.ofDays(7 * amount);
            default -> Duration.ofSeconds(amount);
        };
    }
}
