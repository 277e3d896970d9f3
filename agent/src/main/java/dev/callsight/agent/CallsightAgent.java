package dev.callsight.agent;

import dev.callsight.agent.core.AgentInstaller;
import java.io.File;
import java.lang.instrument.Instrumentation;
import java.util.jar.JarFile;

/**
 * Entry point named in the jar manifest. It only moves the agent jar onto the bootstrap
 * class path, so that advice inlined into JDK classes (java.base, java.net.http) can see the
 * agent's classes, and then hands over to {@link AgentInstaller}. Nothing here may throw into
 * the application's startup.
 */
public final class CallsightAgent {

  private CallsightAgent() {}

  public static void premain(String args, Instrumentation instrumentation) {
    start(args, instrumentation);
  }

  public static void agentmain(String args, Instrumentation instrumentation) {
    start(args, instrumentation);
  }

  private static void start(String args, Instrumentation instrumentation) {
    try {
      File agentJar = new File(CallsightAgent.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      instrumentation.appendToBootstrapClassLoaderSearch(new JarFile(agentJar));
      AgentInstaller.install(args, instrumentation);
    } catch (Throwable t) {
      System.err.println("[callsight] agent disabled, could not start: " + t);
    }
  }
}
