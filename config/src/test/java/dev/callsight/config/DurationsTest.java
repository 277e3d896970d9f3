package dev.callsight.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The one duration grammar, as the agent's policy file, the SLO file and the collector's flags read it. */
class DurationsTest {

    @ParameterizedTest
    @CsvSource({"500ms, 500", "1.5s, 1500", "2s, 2000", "5m, 300000", "1h, 3600000", "2d, 172800000",
            "1w, 604800000", "0, 0", "0.25ms, 0", "0.5ms, 1", "' 30 S ', 30000"})
    void readsANumberAndAUnit(String text, long millis) {
        assertEquals(Duration.ofMillis(millis), Durations.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"30", "5 seconds", "1.5", "-1s", "s", "", "1e3s", "99999999999999999999d"})
    void refusesAnythingElseWithTheReason(String text) {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> Durations.parse(text));
        assertEquals(true, error.getMessage().startsWith("'" + text + "' is "), error.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"90000, 90s", "1800000, 30m", "7200000, 2h", "259200000, 3d", "250, 250ms", "0, 0s"})
    void writesTheShortestExactSpelling(long millis, String text) {
        assertEquals(text, Durations.format(Duration.ofMillis(millis)));
        assertEquals(Duration.ofMillis(millis), Durations.parse(text));
    }
}
