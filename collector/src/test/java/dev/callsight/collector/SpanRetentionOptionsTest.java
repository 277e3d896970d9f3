package dev.callsight.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.callsight.collector.store.SpanStoreKind;
import dev.callsight.collector.store.spanlog.TailRetention;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The span retention flags: what they set, and how a bad value or combination is refused. */
class SpanRetentionOptionsTest {

    @Test
    void byDefaultEveryTraceIsKeptAlike() {
        TailRetention tail = config().spanLog().tail();
        assertNull(tail.ordinary());
        assertEquals(0, tail.ordinaryFraction());
        assertEquals(Duration.ofSeconds(1), tail.slow().byDefault());
        assertEquals(Map.of(), tail.slow().services());
    }

    @Test
    void theFlagsSetTheTailBasedRule() {
        TailRetention tail = config("--span-retention", "30d", "--span-retention-ordinary", "2d",
                "--span-keep-ordinary-fraction", "0.05", "--span-slow", "checkout=250ms", "--span-slow", "2s",
                "--span-slow", "payments = 1.5s").spanLog().tail();
        assertEquals(Duration.ofDays(2), tail.ordinary());
        assertEquals(0.05, tail.ordinaryFraction());
        assertEquals(Duration.ofSeconds(2), tail.slow().byDefault());
        assertEquals(Map.of("checkout", Duration.ofMillis(250), "payments", Duration.ofMillis(1500)),
                tail.slow().services());
    }

    @Test
    void badValuesAndCombinationsAreRefusedNamingTheFlag() {
        assertRefused("--span-slow checkout=fast:", "--span-slow", "checkout=fast");
        assertRefused("--span-slow =1s: a slow threshold needs a service name", "--span-slow", "=1s");
        assertRefused("--span-slow 0s: a slow threshold must be positive", "--span-slow", "0s");
        assertRefused("service 'checkout' has two slow thresholds", "--span-slow", "checkout=1s", "--span-slow",
                "checkout=2s");
        assertRefused("the retention of ordinary traces (7d) must be shorter than the span retention (7d)",
                "--span-retention-ordinary", "7d");
        assertRefused("the retention of ordinary traces must be at least 1h: 30m", "--span-retention-ordinary",
                "30m");
        assertRefused("must be from 0 to 1: 1.5", "--span-retention-ordinary", "1d", "--span-keep-ordinary-fraction",
                "1.5");
        assertRefused("a fraction of ordinary traces is kept only after a retention of ordinary traces",
                "--span-keep-ordinary-fraction", "0.1");
    }

    @Test
    void theJdbcTableRefusesTheSpanLogsRetentionFlags() {
        assertEquals(Duration.ofDays(7), config().spanLog().retention());
        assertRefused("--span-retention, --span-slow: the span log's retention, which --span-store jdbc does not have",
                "--span-store", "jdbc", "--span-retention", "30d", "--span-slow", "2s");
        assertRefused("--span-max-size, --span-retention-ordinary, --span-keep-ordinary-fraction: the span log's",
                "--span-store", "jdbc", "--span-max-size", "1GiB", "--span-retention-ordinary", "1d",
                "--span-keep-ordinary-fraction", "0.1");
        assertEquals(SpanStoreKind.JDBC, config("--span-store", "jdbc").spanStore());
    }

    private static void assertRefused(String reason, String... args) {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> config(args));
        assertTrue(refused.getMessage().contains(reason), refused.getMessage());
    }

    private static CollectorConfig config(String... args) {
        CollectorOptions options = new CollectorOptions();
        new CommandLine(options).parseArgs(args);
        return options.toConfig();
    }
}
