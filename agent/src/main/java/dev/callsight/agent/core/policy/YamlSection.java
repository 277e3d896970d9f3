package dev.callsight.agent.core.policy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * One YAML mapping of a policy file, read with the line of every value at hand so that each
 * error names where it is. Unknown keys are errors: a misspelt {@code timeout:} must not
 * silently leave a call without one.
 */
final class YamlSection {

    private final String file;
    private final Node node;
    private final Map<String, Node> entries = new LinkedHashMap<>();

    YamlSection(String file, Node node, Set<String> allowedKeys) throws PolicyFileException {
        this.file = file;
        this.node = node;
        if (!(node instanceof MappingNode)) {
            throw error(node, "expected a mapping of " + allowedKeys);
        }
        for (NodeTuple tuple : ((MappingNode) node).getValue()) {
            String key = scalar(tuple.getKeyNode());
            if (!allowedKeys.contains(key)) {
                throw error(tuple.getKeyNode(), "unknown key '" + key + "', expected one of " + allowedKeys);
            }
            if (entries.put(key, tuple.getValueNode()) != null) {
                throw error(tuple.getKeyNode(), "'" + key + "' appears twice");
            }
        }
    }

    boolean has(String key) {
        return entries.containsKey(key);
    }

    Node node(String key) {
        return entries.get(key);
    }

    YamlSection section(String key, Set<String> allowedKeys) throws PolicyFileException {
        return new YamlSection(file, entries.get(key), allowedKeys);
    }

    /** The scalar under key, or null when the key is absent. */
    String text(String key) throws PolicyFileException {
        Node value = entries.get(key);
        return value == null ? null : scalar(value);
    }

    List<Node> sequence(String key) throws PolicyFileException {
        Node value = entries.get(key);
        if (value instanceof ScalarNode) {
            return List.of(value);
        }
        if (!(value instanceof SequenceNode)) {
            throw error(value, "'" + key + "' must be a list");
        }
        return new ArrayList<>(((SequenceNode) value).getValue());
    }

    String scalar(Node value) throws PolicyFileException {
        if (!(value instanceof ScalarNode)) {
            throw error(value, "expected a single value");
        }
        return ((ScalarNode) value).getValue().trim();
    }

    PolicyFileException error(String key, String reason) {
        Node at = entries.getOrDefault(key, node);
        return error(at, "'" + key + "': " + reason);
    }

    PolicyFileException error(Node at, String reason) {
        int line = at == null ? 0 : at.getStartMark().map(mark -> mark.getLine() + 1).orElse(0);
        return new PolicyFileException(file, line, reason);
    }

    /** A mapping inside a list, e.g. one policy. */
    YamlSection child(Node value, Set<String> allowedKeys) throws PolicyFileException {
        return new YamlSection(file, value, allowedKeys);
    }
}
