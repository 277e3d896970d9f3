package dev.callsight.agent.core.policy;

import dev.callsight.config.ConfigException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class PolicyFileReaderTest {

    /** The example of issue 4, as it must keep working. */
    static final String EXAMPLE = String.join("\n",
            "policies:",
            "  - match: { host: \"payments.internal\", path: \"/charge/**\", methods: [POST] }",
            "    timeouts: { connect: 500ms, read: 2s, deadline: 3s }",
            "    mode: enforce            # or observe",
            "    retry: { maxAttempts: 3, initialBackoff: 500ms, multiplier: 2, maxBackoff: 5s, jitter: full,",
            "             on: [connect_error, timeout, 502, 503, 504, 429], nonIdempotent: false }",
            "    circuitBreaker: { failureRateThreshold: 50%, minimumCalls: 20, window: 30s, openFor: 30s, halfOpenCalls: 5 }",
            "    maxConcurrent: 100",
            "  - match: { host: \"*\" }",
            "    timeouts: { connect: 5s, deadline: 30s }",
            "retryBudget: { ratio: 0.2, minPerSecond: 10, window: 10s }",
            "");

    @Test
    void theIssuesExampleReadsAsWritten() throws Exception {
        PolicySet set = PolicyFileReader.parse("policies.yaml", EXAMPLE);

        Policy charge = set.policyFor("POST", "payments.internal", 443, "/charge/42");
        assertEquals("policies[0]", charge.name());
        assertEquals(Duration.ofMillis(500), charge.timeouts().connect());
        assertEquals(Duration.ofSeconds(2), charge.timeouts().read());
        assertEquals(Duration.ofSeconds(3), charge.timeouts().deadline());
        assertTrue(charge.enforced());
        RetryPolicy retry = charge.retry();
        assertEquals(3, retry.maxAttempts());
        assertEquals(500_000_000L, retry.backoffNanos(1));
        assertEquals(1_000_000_000L, retry.backoffNanos(2));
        assertEquals(5_000_000_000L, retry.backoffNanos(9), "capped at maxBackoff");
        assertTrue(retry.fullJitter());
        assertTrue(retry.retriesOn(RetryCondition.CONNECT_ERROR));
        assertTrue(retry.retriesOn(RetryCondition.TIMEOUT));
        assertFalse(retry.retriesOn(RetryCondition.IO_ERROR));
        assertTrue(retry.retriesOnStatus(429));
        assertFalse(retry.retriesOnStatus(500));
        assertFalse(retry.nonIdempotent());
        assertEquals(0.5, charge.circuitBreaker().failureRateThreshold());
        assertEquals(20, charge.circuitBreaker().minimumCalls());
        assertEquals(5, charge.circuitBreaker().halfOpenCalls());
        assertEquals(100, charge.maxConcurrent());

        Policy other = set.policyFor("GET", "payments.internal", 443, "/charge/42");
        assertEquals("policies[1]", other.name(), "GET is not in the first policy's methods");
        assertEquals(Duration.ofSeconds(5), other.timeouts().connect());
        assertNull(other.timeouts().read());
        assertTrue(other.enforced(), "a written policy enforces unless it says observe");
        assertSame(other, set.catchAll());
        assertEquals(0.2, set.retryBudget().ratio());
        assertEquals(10, set.retryBudget().minPerSecond());
    }

    @Test
    void pathsAndHostsMatchAsGlobs() throws Exception {
        PolicySet set = PolicyFileReader.parse("p.yaml", String.join("\n",
                "policies:",
                "  - name: internal",
                "    match: { host: \"*.internal\", path: \"/v1/*/items\" }",
                "    mode: observe"));

        assertEquals("internal", set.policyFor("GET", "Orders.INTERNAL", 80, "/v1/abc/items").name());
        assertEquals("default", set.policyFor("GET", "orders.internal", 80, "/v1/a/b/items").name(),
                "* stays within one segment");
        assertEquals("default", set.policyFor("GET", "internal.example", 80, "/v1/abc/items").name());
        assertSame(PolicySet.BUILT_IN_DEFAULT, set.catchAll());
        assertFalse(set.catchAll().enforced(), "the built-in default only observes");
    }

    @Test
    void doubleStarCoversTheDirectoryItself() {
        RequestMatch match = new RequestMatch("h", 0, "/charge/**", java.util.Set.of());
        assertTrue(match.matches("POST", "h", 1, "/charge"));
        assertTrue(match.matches("POST", "h", 1, "/charge/1/refund"));
        assertFalse(match.matches("POST", "h", 1, "/charges"));
    }

    /** Found by PolicyFileReaderFuzzTest: the composer recursed until the stack overflowed. */
    @Test
    void deepNestingIsRefusedBeforeTheStackOverflows() {
        String deep = "policies:\n  - match: " + "{a: ".repeat(20_000) + "1" + "}".repeat(20_000) + "\n";
        ConfigException error = assertThrows(ConfigException.class, () -> PolicyFileReader.parse("p.yaml", deep));
        assertTrue(error.getMessage().contains("p.yaml:2: not valid YAML: nested more than 50 levels deep"),
                error.getMessage());
    }

    /** Found by PolicyFileReaderFuzzTest: the YAML reader failed on a surrogate pair across its 1024-char buffer. */
    @Test
    void anEmojiAnywhereReads() throws Exception {
        for (int at = 1015; at < 1030; at++) {
            String yaml = "# " + "a".repeat(at - 2) + "\uD83D\uDE00\npolicies:\n  - name: p\n    match: { host: \"*\" }\n";
            assertEquals("p", PolicyFileReader.parse("p.yaml", yaml).policyFor("GET", "h", 80, "/").name());
        }
    }

    /** Found by PolicyFileReaderFuzzTest: a tag the composer rejects threw IllegalArgumentException. */
    @Test
    void anInvalidTagIsInvalidYamlWithItsLine() {
        ConfigException error = assertThrows(ConfigException.class,
                () -> PolicyFileReader.parse("p.yaml", "policies:\n  - !-%-0 x\n"));
        assertTrue(error.getMessage().startsWith("p.yaml:2: not valid YAML: Tag must not contain leading or trailing"),
                error.getMessage());
    }

    @Test
    void errorsNameTheFileTheLineAndTheReason() {
        assertError(3, "'connect': '5 seconds' is not a duration", String.join("\n",
                "policies:",
                "  - match: { host: \"*\" }",
                "    timeouts: { connect: 5 seconds }"));
        assertError(3, "unknown key 'timeout'", String.join("\n",
                "policies:",
                "  - match: { host: \"*\" }",
                "    timeout: { connect: 5s }"));
        assertError(2, "every policy needs a match", String.join("\n",
                "policies:",
                "  - timeouts: { connect: 5s }"));
        assertError(3, "retry 'on' takes connect_error", String.join("\n",
                "policies:",
                "  - match: { host: \"*\" }",
                "    retry: { on: [sometimes] }"));
        assertError(2, "'failureRateThreshold': must be between", String.join("\n",
                "policies:",
                "  - { match: { host: a }, circuitBreaker: { failureRateThreshold: 150% } }"));
        assertError(3, "not valid YAML", "policies:\n  - match: { host: \"*\"\n");
    }

    @Test
    void aFileNestedWithoutEndIsAnErrorNotACrash() {
        String nested = "policies: " + "[".repeat(100_000);
        ConfigException error = assertThrows(ConfigException.class, () -> PolicyFileReader.parse("deep.yaml", nested));
        assertTrue(error.getMessage().startsWith("deep.yaml:"), error.getMessage());
    }

    @Test
    void anEmptyFileMeansTheBuiltInDefault() throws Exception {
        assertSame(PolicySet.DEFAULT, PolicyFileReader.parse("empty.yaml", ""));
    }

    private static void assertError(int line, String reason, String yaml) {
        ConfigException error = assertThrows(ConfigException.class, () -> PolicyFileReader.parse("bad.yaml", yaml));
        assertEquals("bad.yaml", error.file());
        assertEquals(line, error.line(), error.getMessage());
        assertTrue(error.reason().contains(reason), error.getMessage());
        assertTrue(error.getMessage().startsWith("bad.yaml:" + line + ": "), error.getMessage());
    }
}
