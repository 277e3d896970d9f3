package dev.callsight.agent.core;

import dev.callsight.agent.core.client.OutboundCalls;
import java.util.List;
import net.bytebuddy.agent.builder.AgentBuilder;

/** One client library's instrumentation: which types it changes and with which advice. */
public interface InstrumentationModule {

    /** A short name for logs, e.g. "jdk-httpclient". */
    String name();

    /**
     * Names, or name prefixes, of the classes that carry this library's calls and must not run uninstrumented: while the
     * agent starts off the main thread, such a class waits for it as it loads ({@code StartupGate}). The types the
     * module changes, not whole packages: a JDK class can load while its loader holds a lock the agent's own start
     * needs. Empty where missing the first moments costs nothing that matters.
     */
    List<String> gatedTypes();

    /** Adds this library's advice to the builder; the advice reaches the agent through the hooks {@link #publish}es. */
    AgentBuilder extend(AgentBuilder builder);

    /** Publishes this library's hooks, which report to {@code calls}. */
    void publish(OutboundCalls calls);
}
