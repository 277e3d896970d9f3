package dev.callsight.collector.slo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/** A composed YAML node that knows its file and line, so every complaint about it can say where it is. */
record YamlNode(String file, Node node) {

    /** 1-based; the composer marks every node it reads. */
    int line() {
        return node.getStartMark().orElseThrow().getLine() + 1;
    }

    SloConfigException error(String reason) {
        return new SloConfigException(file, line(), reason);
    }

    boolean isScalar() {
        return node instanceof ScalarNode;
    }

    boolean isMapping() {
        return node instanceof MappingNode;
    }

    String scalar(String what) throws SloConfigException {
        if (!(node instanceof ScalarNode scalar)) {
            throw error(what + " must be a single value");
        }
        return scalar.getValue();
    }

    /** The entries of a mapping, in file order; rejects keys outside {@code allowed} unless it is empty. */
    Map<String, YamlNode> mapping(String what, Set<String> allowed) throws SloConfigException {
        if (!(node instanceof MappingNode mapping)) {
            throw error(what + " must be a mapping of keys to values");
        }
        Map<String, YamlNode> entries = new LinkedHashMap<>();
        for (NodeTuple tuple : mapping.getValue()) {
            YamlNode key = new YamlNode(file, tuple.getKeyNode());
            String name = key.scalar("a key");
            if (!allowed.isEmpty() && !allowed.contains(name)) {
                throw key.error("unknown key '" + name + "' in " + what + "; expected one of " + allowed);
            }
            if (entries.put(name, new YamlNode(file, tuple.getValueNode())) != null) {
                throw key.error("duplicate key '" + name + "' in " + what);
            }
        }
        return entries;
    }

    List<YamlNode> sequence(String what) throws SloConfigException {
        if (!(node instanceof SequenceNode sequence)) {
            throw error(what + " must be a list");
        }
        List<YamlNode> items = new ArrayList<>();
        for (Node item : sequence.getValue()) {
            items.add(new YamlNode(file, item));
        }
        return items;
    }

    static YamlNode required(YamlNode parent, Map<String, YamlNode> entries, String key, String what)
            throws SloConfigException {
        YamlNode value = entries.get(key);
        if (value == null) {
            throw parent.error(what + " needs '" + key + "'");
        }
        return value;
    }

    static Optional<String> optionalScalar(Map<String, YamlNode> entries, String key) throws SloConfigException {
        YamlNode value = entries.get(key);
        return value == null ? Optional.empty() : Optional.of(value.scalar("'" + key + "'"));
    }
}
