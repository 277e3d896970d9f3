package dev.callsight.agent.core;

import dev.callsight.agent.core.client.OutboundCalls;
import net.bytebuddy.agent.builder.AgentBuilder;

/** One client library's instrumentation: which types it changes and with which advice. */
public interface InstrumentationModule {

    /** A short name for logs, e.g. "jdk-httpclient". */
    String name();

    /** Publishes this library's hooks, which report to {@code calls}, and adds its advice to the builder. */
    AgentBuilder extend(AgentBuilder builder, OutboundCalls calls);
}
