package dev.callsight.config;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.common.SpecVersion;
import org.snakeyaml.engine.v2.composer.Composer;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.exceptions.ComposerException;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.parser.Parser;
import org.snakeyaml.engine.v2.parser.ParserImpl;
import org.snakeyaml.engine.v2.scanner.StreamReader;

/**
 * A node of a configuration file that knows its file and line, so every complaint about it says where it is. Files
 * are composed with snakeyaml-engine through a depth limit; a reader maps keys to its own types and nothing else.
 */
public final class YamlNode {

    /** Deeper than any of callsight's files: refused before the composer, which recurses per level, could overflow. */
    public static final int MAX_DEPTH = 50;

    private final String file;
    private final Node node;

    private YamlNode(String file, Node node) {
        this.file = file;
        this.node = node;
    }

    /**
     * Every document of the text, in order: none for an empty text.
     *
     * @throws ConfigException for text that is not YAML, with the line where it stops being so
     */
    public static List<YamlNode> documents(String file, String text) throws ConfigException {
        // One buffer for the whole text: snakeyaml-engine 3.0.1 fails on a surrogate pair (an emoji) that straddles
        // its buffer boundary (found by fuzzing). Non-scalar keys are let through so mapping() reports them with
        // their line; a %YAML directive other than 1.x gets a reason rather than the engine's bare version number.
        LoadSettings settings = LoadSettings.builder().setLabel(file).setAllowNonScalarKeys(true)
                .setVersionFunction(YamlNode::supported).setBufferSize(text.length() + 1).build();
        DepthLimit events = new DepthLimit(new ParserImpl(settings, new StreamReader(settings, text)));
        Composer composer = new Composer(settings, events);
        List<YamlNode> documents = new ArrayList<>();
        try {
            for (Iterator<Node> nodes = composer; nodes.hasNext(); ) {
                documents.add(new YamlNode(file, nodes.next()));
            }
        } catch (IllegalArgumentException invalidNode) {
            // The composer's own checks, e.g. of a tag (found by fuzzing): where the node starts.
            throw new ConfigException(file, events.lastLine(), "not valid YAML: " + invalidNode.getMessage());
        } catch (MarkedYamlEngineException malformed) {
            throw new ConfigException(file, malformed.getProblemMark().map(mark -> mark.getLine() + 1).orElse(1),
                    "not valid YAML: " + malformed.getProblem());
        } catch (YamlEngineException malformed) {
            throw new ConfigException(file, 1, "not valid YAML: " + malformed.getMessage());
        }
        return documents;
    }

    private static SpecVersion supported(SpecVersion version) {
        if (version.getMajor() != 1) {
            throw new YamlEngineException("found incompatible YAML document (version 1.* is required)");
        }
        return version;
    }

    public String file() {
        return file;
    }

    /** 1-based; the composer marks every node it reads. */
    public int line() {
        return node.getStartMark().map(mark -> mark.getLine() + 1).orElse(0);
    }

    public ConfigException error(String reason) {
        return new ConfigException(file, line(), reason);
    }

    public boolean isScalar() {
        return node instanceof ScalarNode;
    }

    public boolean isMapping() {
        return node instanceof MappingNode;
    }

    public boolean isSequence() {
        return node instanceof SequenceNode;
    }

    /** The value, trimmed. */
    public String scalar(String what) throws ConfigException {
        if (!(node instanceof ScalarNode)) {
            throw error(what + " must be a single value");
        }
        return ((ScalarNode) node).getValue().strip();
    }

    /**
     * The entries of a mapping, in file order; a key outside {@code allowed} is an error unless it is empty, so a
     * misspelt key never silently leaves a setting at its default.
     */
    public YamlMapping mapping(String what, Set<String> allowed) throws ConfigException {
        if (!(node instanceof MappingNode)) {
            throw error(what + " must be a mapping of keys to values");
        }
        Map<String, YamlNode> entries = new LinkedHashMap<>();
        for (NodeTuple tuple : ((MappingNode) node).getValue()) {
            YamlNode key = new YamlNode(file, tuple.getKeyNode());
            String name = key.scalar("a key");
            if (!allowed.isEmpty() && !allowed.contains(name)) {
                throw key.error("unknown key '" + name + "' in " + what + "; expected one of " + allowed);
            }
            if (entries.put(name, new YamlNode(file, tuple.getValueNode())) != null) {
                throw key.error("duplicate key '" + name + "' in " + what);
            }
        }
        return new YamlMapping(this, entries);
    }

    public List<YamlNode> sequence(String what) throws ConfigException {
        if (!(node instanceof SequenceNode)) {
            throw error(what + " must be a list");
        }
        List<YamlNode> items = new ArrayList<>();
        for (Node item : ((SequenceNode) node).getValue()) {
            items.add(new YamlNode(file, item));
        }
        return items;
    }

    /** A list, or one value standing for a list of one. */
    public List<YamlNode> sequenceOrOne(String what) throws ConfigException {
        return isScalar() ? List.of(this) : sequence(what);
    }

    public static YamlNode required(YamlNode parent, Map<String, YamlNode> entries, String key, String what)
            throws ConfigException {
        YamlNode value = entries.get(key);
        if (value == null) {
            throw parent.error(what + " needs '" + key + "'");
        }
        return value;
    }

    public static Optional<String> optionalScalar(Map<String, YamlNode> entries, String key) throws ConfigException {
        YamlNode value = entries.get(key);
        return value == null ? Optional.empty() : Optional.of(value.scalar("'" + key + "'"));
    }

    /** Counts open collections as the composer takes events, and stops before the stack could overflow. */
    private static final class DepthLimit implements Parser {

        private final Parser parser;
        private int depth;
        private Optional<Mark> lastMark = Optional.empty();

        DepthLimit(Parser parser) {
            this.parser = parser;
        }

        @Override
        public boolean checkEvent(Event.ID id) {
            return parser.checkEvent(id);
        }

        @Override
        public Event peekEvent() {
            return parser.peekEvent();
        }

        @Override
        public boolean hasNext() {
            return parser.hasNext();
        }

        @Override
        public Event next() {
            Event event = parser.next();
            lastMark = event.getStartMark();
            switch (event.getEventId()) {
                case SequenceStart:
                case MappingStart:
                    refuseDeeper(event);
                    depth++;
                    break;
                case Scalar:
                    refuseDeeper(event);
                    break;
                case SequenceEnd:
                case MappingEnd:
                    depth--;
                    break;
                default:
                    break;
            }
            return event;
        }

        /** 1-based line of the last event the composer took: where a failure while composing it lies. */
        int lastLine() {
            return lastMark.map(mark -> mark.getLine() + 1).orElse(1);
        }

        private void refuseDeeper(Event node) {
            if (depth > MAX_DEPTH) {
                throw new ComposerException("nested more than " + MAX_DEPTH + " levels deep", node.getStartMark());
            }
        }
    }
}
