package dev.callsight.config;

import java.util.AbstractMap;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The entries of one mapping, in file order, with the node they came from: a reader asks for keys and gets errors
 * that point at the value's line, {@code file:line: 'key': reason}.
 */
public final class YamlMapping extends AbstractMap<String, YamlNode> {

    private final YamlNode node;
    private final Map<String, YamlNode> entries;

    YamlMapping(YamlNode node, Map<String, YamlNode> entries) {
        this.node = node;
        this.entries = Collections.unmodifiableMap(entries);
    }

    /** The mapping's own node, for an error about the mapping as a whole. */
    public YamlNode node() {
        return node;
    }

    @Override
    public Set<Entry<String, YamlNode>> entrySet() {
        return entries.entrySet();
    }

    @Override
    public YamlNode get(Object key) {
        return entries.get(key);
    }

    public boolean has(String key) {
        return entries.containsKey(key);
    }

    /** The value under {@code key}, trimmed; null when the key is absent. */
    public String text(String key) throws ConfigException {
        YamlNode value = entries.get(key);
        return value == null ? null : value.scalar("'" + key + "'");
    }

    /** A mapping under {@code key}, with the keys it may have. */
    public YamlMapping mapping(String key, Set<String> allowed) throws ConfigException {
        return entries.get(key).mapping("'" + key + "'", allowed);
    }

    /** The list under {@code key}; one value stands for a list of one. */
    public List<YamlNode> list(String key) throws ConfigException {
        return entries.get(key).sequenceOrOne("'" + key + "'");
    }

    /** An error about {@code key}'s value, at its line (the mapping's own when the key is absent). */
    public ConfigException error(String key, String reason) {
        return entries.getOrDefault(key, node).error("'" + key + "': " + reason);
    }
}
