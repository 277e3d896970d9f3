package dev.callsight.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What both of callsight's file readers get from the shared YAML reading: lines, limits and strict keys. */
class YamlNodeTest {

    @Test
    void everyNodeKnowsItsLineAndErrorsSayFileLineAndReason() throws ConfigException {
        List<YamlNode> documents = YamlNode.documents("f.yaml", "a: 1\nb:\n  c: [x, y]\n---\nd: 2\n");
        assertEquals(2, documents.size());
        YamlMapping first = documents.get(0).mapping("the top", Set.of("a", "b"));
        YamlMapping b = first.mapping("b", Set.of("c"));
        assertEquals(3, b.list("c").get(1).line());
        ConfigException error = first.error("a", "must be two");
        assertEquals("f.yaml:1: 'a': must be two", error.getMessage());
        assertEquals(List.of(), YamlNode.documents("empty.yaml", ""));
    }

    @Test
    void anUnknownOrRepeatedKeyIsAnError() throws ConfigException {
        YamlNode root = YamlNode.documents("f.yaml", "a: 1\ntimeout: 2\n").get(0);
        ConfigException unknown = assertThrows(ConfigException.class, () -> root.mapping("x", Set.of("a", "timeouts")));
        assertEquals(2, unknown.line());
        assertTrue(unknown.reason().startsWith("unknown key 'timeout'"), unknown.getMessage());
        YamlNode repeated = YamlNode.documents("f.yaml", "a: 1\na: 2\n").get(0);
        assertEquals(2, assertThrows(ConfigException.class, () -> repeated.mapping("x", Set.of())).line());
    }

    @Test
    void nestingBeyondTheLimitIsRefusedBeforeTheStackCouldOverflow() {
        ConfigException error = assertThrows(ConfigException.class,
                () -> YamlNode.documents("deep.yaml", "a: " + "[".repeat(100_000)));
        assertEquals("deep.yaml:1: not valid YAML: nested more than 50 levels deep", error.getMessage());
    }
}
