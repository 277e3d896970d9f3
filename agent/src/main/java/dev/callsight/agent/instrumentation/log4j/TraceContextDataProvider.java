package dev.callsight.agent.instrumentation.log4j;

import dev.callsight.agent.core.context.LogCorrelation;
import java.util.Map;
import org.apache.logging.log4j.core.util.ContextDataProvider;

/**
 * Log4j 2 (2.13.2 and later) finds this through its ContextDataProvider service: the agent jar is
 * on the system class path, so a Log4j loaded there asks it for every log event's context data,
 * and the event gets the IDs of the span current when it was logged ({@code %X{trace_id}}),
 * beside the ThreadContext, which stays the application's. Without Log4j nothing reads the
 * service file, so nothing of this is loaded.
 */
public final class TraceContextDataProvider implements ContextDataProvider {

    @Override
    public Map<String, String> supplyContextData() {
        return LogCorrelation.currentIds();
    }
}
