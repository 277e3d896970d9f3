package dev.callsight.agent.core.policy;

import java.util.Optional;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.exceptions.ComposerException;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.parser.Parser;

/**
 * Counts open collections as the composer takes events and refuses nesting deeper than a policy file ever needs,
 * before the composer, which recurses per level and has no limit of its own, could overflow the stack. Catching
 * the overflow instead is not safe in an agent: a class first initialised in an overflowing frame stays broken.
 */
final class DepthLimitedParser implements Parser {

    static final int MAX_DEPTH = 50;

    private final Parser parser;
    private int depth;
    private Optional<Mark> lastMark = Optional.empty();

    DepthLimitedParser(Parser parser) {
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

    /** Where the last event the composer took starts: where a failure while composing it lies. */
    Optional<Mark> lastMark() {
        return lastMark;
    }

    private void refuseDeeper(Event node) {
        if (depth > MAX_DEPTH) {
            throw new ComposerException("nested more than " + MAX_DEPTH + " levels deep", node.getStartMark());
        }
    }
}
