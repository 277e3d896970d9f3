package dev.callsight.agent.core.policy;

import dev.callsight.config.ConfigException;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Timeout;

/**
 * Any text is a policy file or a {@link ConfigException} with file and line, never another exception or a
 * hang: the agent reports a bad file and carries on, and must not fail the application's start. Findings are kept
 * under {@code src/test/resources/dev/callsight/agent/core/policy/PolicyFileReaderFuzzTestInputs/}.
 */
class PolicyFileReaderFuzzTest {

    @FuzzTest
    @Timeout(10)
    void parse(byte[] yaml) {
        try {
            PolicyFileReader.parse("fuzz.yaml", new String(yaml, StandardCharsets.UTF_8));
        } catch (ConfigException expected) {
            // The documented refusal.
        }
    }
}
