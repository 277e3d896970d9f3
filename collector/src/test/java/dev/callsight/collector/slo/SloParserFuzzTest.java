package dev.callsight.collector.slo;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.callsight.config.ConfigException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Timeout;

/**
 * Any text is an SLO file or a {@link ConfigException} with file and line, never another exception or a hang.
 * Findings are kept under {@code src/test/resources/dev/callsight/collector/slo/SloParserFuzzTestInputs/}.
 */
class SloParserFuzzTest {

    private final SloParser parser = new SloParser();

    @FuzzTest
    @Timeout(10)
    void parse(byte[] yaml) {
        try {
            parser.parse(new String(yaml, StandardCharsets.UTF_8), "fuzz.yaml");
        } catch (ConfigException expected) {
            // The documented refusal.
        }
    }
}
