package dev.callsight.agent.core;

import java.time.Instant;

/**
 * The agent's few messages go to stderr with a fixed prefix. It deliberately avoids
 * java.util.logging so that starting the agent never initialises the application's
 * LogManager before the application gets to configure it.
 */
public final class AgentLog {

    private AgentLog() {}

    public static void info(String message) {
        System.err.println(Instant.now() + " [callsight] " + message);
    }

    public static void warn(String message, Throwable cause) {
        System.err.println(Instant.now() + " [callsight] WARN " + message + (cause == null ? "" : ": " + cause));
    }
}
