package dev.callsight.collector.slo;

import java.util.Iterator;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.common.SpecVersion;
import org.snakeyaml.engine.v2.composer.Composer;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.exceptions.ComposerException;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.parser.Parser;
import org.snakeyaml.engine.v2.parser.ParserImpl;
import org.snakeyaml.engine.v2.scanner.StreamReader;

/**
 * The documents of an SLO file as YAML 1.2 node trees, composed one at a time as they are iterated, so an error in
 * a later document is only met once the earlier ones have been read. Values stay untyped strings: the SLO parser
 * decides what each field means.
 */
final class YamlDocuments {

    /** Nesting deeper than this is refused: the composer recurses and has no limit of its own. */
    private static final int MAX_DEPTH = 50;

    /**
     * Non-scalar keys are let through so that {@link YamlNode#mapping} reports them with their line; a {@code %YAML}
     * directive other than 1.x gets a reason rather than the engine's bare version number. The whole text is one
     * buffer: snakeyaml-engine 3.0.1 fails on a surrogate pair (an emoji) that straddles its buffer boundary (found
     * by SloParserFuzzTest).
     */
    private static LoadSettings settings(String text) {
        return LoadSettings.builder().setAllowNonScalarKeys(true).setVersionFunction(YamlDocuments::supported)
                .setBufferSize(text.length() + 1).build();
    }

    private YamlDocuments() {}

    private static SpecVersion supported(SpecVersion version) {
        if (version.getMajor() != 1) {
            throw new YamlEngineException("found incompatible YAML document (version 1.* is required)");
        }
        return version;
    }

    static Iterator<Node> compose(String text) {
        LoadSettings settings = settings(text);
        DepthLimit events = new DepthLimit(new ParserImpl(settings, new StreamReader(settings, text)));
        Composer composer = new Composer(settings, events);
        // The composer's own checks (e.g. of a tag) throw IllegalArgumentException: reported as invalid YAML where
        // the node starts (found by SloParserFuzzTest).
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                try {
                    return composer.hasNext();
                } catch (IllegalArgumentException e) {
                    throw new ComposerException(e.getMessage(), events.lastMark);
                }
            }

            @Override
            public Node next() {
                try {
                    return composer.next();
                } catch (IllegalArgumentException e) {
                    throw new ComposerException(e.getMessage(), events.lastMark);
                }
            }
        };
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
                case SequenceStart, MappingStart -> {
                    refuseDeeper(event);
                    depth++;
                }
                case Scalar -> refuseDeeper(event);
                case SequenceEnd, MappingEnd -> depth--;
                default -> { }
            }
            return event;
        }

        /** Any node inside more than {@link #MAX_DEPTH} collections, the limit the collector's YAML 1.1 parser had. */
        private void refuseDeeper(Event node) {
            if (depth > MAX_DEPTH) {
                throw new ComposerException("Nesting Depth exceeded max " + MAX_DEPTH, node.getStartMark());
            }
        }
    }
}
