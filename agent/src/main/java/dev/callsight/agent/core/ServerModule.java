package dev.callsight.agent.core;

import dev.callsight.agent.core.server.HttpServerTracer;
import net.bytebuddy.agent.builder.AgentBuilder;

/** One server library's instrumentation: which types it changes and with which advice. */
public interface ServerModule {

    /** A short name for logs, e.g. "servlet-jakarta". */
    String name();

    /** Publishes this library's hooks, which report to {@code tracer}, and adds its advice to the builder. */
    AgentBuilder extend(AgentBuilder builder, HttpServerTracer tracer);
}
