package dev.callsight.agent.bootstrap;

import java.util.Map;

/**
 * Called by advice inlined into logging libraries (Logback's LoggingEvent), which may be loaded
 * where the agent is not visible, to put the current span's IDs beside the application's MDC.
 */
public interface LogHook {

    LogHook NONE = new LogHook() {
        @Override
        public boolean spanCurrent() {
            return false;
        }

        @Override
        public Map<String, String> withTraceIds(Map<String, String> mdc) {
            return mdc;
        }
    };

    /** Whether a valid span is current on this thread. */
    boolean spanCurrent();

    /**
     * The MDC with {@code trace_id}, {@code span_id} and {@code trace_flags} of the current span
     * added: a new unmodifiable map, or {@code mdc} itself when no span is current or the
     * application already put a {@code trace_id} there.
     */
    Map<String, String> withTraceIds(Map<String, String> mdc);
}
