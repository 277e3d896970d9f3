package dev.callsight.collector;

import dev.callsight.config.Durations;
import java.time.Duration;
import picocli.CommandLine;

/** Reads a duration flag in the grammar of callsight's files ({@link Durations}): {@code 500ms}, {@code 1.5s}, {@code 30d}. */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {

    @Override
    public Duration convert(String value) {
        try {
            return Durations.parse(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
