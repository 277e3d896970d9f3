package dev.callsight.agent;

import dev.callsight.agent.core.AgentInstaller;
import java.io.File;
import java.lang.instrument.Instrumentation;

/**
 * Entry point named in the jar manifest; hands over to {@link AgentInstaller}. Nothing here may
 * throw into the application's startup: an agent that cannot start leaves the application as
 * it would run without it.
 */
public final class CallsightAgent {

    private CallsightAgent() {}

    public static void premain(String args, Instrumentation instrumentation) {
        start(args, instrumentation, true);
    }

    /** Attached to a running JVM: the libraries are loaded already, so the install is done before this returns. */
    public static void agentmain(String args, Instrumentation instrumentation) {
        start(args, instrumentation, false);
    }

    private static void start(String args, Instrumentation instrumentation, boolean offMainThread) {
        try {
            File agentJar = new File(CallsightAgent.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            // Before any agent class that refers to the hooks is loaded, or it would bind to a second copy.
            BootstrapInjector.inject(agentJar, instrumentation);
            AgentInstaller.start(instrumentation, Instrumentations.all(), Instrumentations.servers(), args, offMainThread);
        } catch (Throwable t) {
            System.err.println("[callsight] agent disabled, could not start: " + t);
        }
    }
}
