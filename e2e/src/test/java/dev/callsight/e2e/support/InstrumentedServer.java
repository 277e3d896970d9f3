package dev.callsight.e2e.support;

import java.io.File;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A server in a fresh JVM with the built agent attached: started, asked for its port, and stopped so that the agent's
 * shutdown flush runs as in a normal exit. A test application announces {@code listening|PORT} and stops when its
 * standard input closes; a server as users deploy it (an executable jar, a standalone container) names its port in a
 * log line and stops on SIGTERM, as a service manager stops it.
 */
public final class InstrumentedServer implements AutoCloseable {

    /** What the test applications print once they accept requests; group 1 is the port. */
    public static final Pattern LISTENING = Pattern.compile("^listening\\|(\\d+)$");
    private static final Duration STARTUP = Duration.ofSeconds(90);

    private final Process process;
    private final ProcessOutput output;
    private final URI base;
    private final boolean stopsOnSignal;

    private InstrumentedServer(Process process, ProcessOutput output, URI base, boolean stopsOnSignal) {
        this.process = process;
        this.output = output;
        this.base = base;
        this.stopsOnSignal = stopsOnSignal;
    }

    /** Runs {@code main} with the test classes and the given jars on its class path, and waits until it listens. */
    public static InstrumentedServer start(Path javaHome, Map<String, String> environment, List<Path> libraries,
            String main) throws Exception {
        return start(javaHome, environment, List.of(), libraries, main, List.of());
    }

    /** The same, with JVM options and arguments for {@code main}. */
    public static InstrumentedServer start(Path javaHome, Map<String, String> environment, List<String> jvmOptions,
            List<Path> libraries, String main, List<String> arguments) throws Exception {
        List<String> classPath = new ArrayList<>(List.of(Jvm.testClasses().toString()));
        libraries.forEach(library -> classPath.add(library.toString()));
        List<String> javaArguments = new ArrayList<>(jvmOptions);
        javaArguments.addAll(List.of("-cp", String.join(File.pathSeparator, classPath), main));
        javaArguments.addAll(arguments);
        return launch(javaHome, environment, javaArguments, main, LISTENING, LISTENING, false);
    }

    /**
     * Runs {@code java -javaagent:AGENT javaArguments...} (e.g. {@code -jar app.jar}, or a container's bootstrap class)
     * and waits for a line matching {@code port}, whose first group is the port it listens on, and for one matching
     * {@code ready}; {@link #close()} stops it with SIGTERM.
     */
    public static InstrumentedServer launch(Path javaHome, Map<String, String> environment, List<String> javaArguments,
            String name, Pattern port, Pattern ready) throws Exception {
        return launch(javaHome, environment, javaArguments, name, port, ready, true);
    }

    private static InstrumentedServer launch(Path javaHome, Map<String, String> environment,
            List<String> javaArguments, String name, Pattern port, Pattern ready, boolean stopsOnSignal)
            throws Exception {
        List<String> command = new ArrayList<>(List.of(Jvm.javaIn(javaHome).toString(), "-javaagent:" + Jvm.agentJar()));
        command.addAll(javaArguments);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().keySet().removeIf(key -> key.startsWith("OTEL_"));
        builder.environment().putAll(environment);
        Process process = builder.start();
        ProcessOutput output = ProcessOutput.follow(process, name);
        try {
            String listening = output.await(port, STARTUP).group(1);
            output.await(ready, STARTUP);
            return new InstrumentedServer(process, output, URI.create("http://127.0.0.1:" + listening),
                    stopsOnSignal);
        } catch (AssertionError | InterruptedException notStarted) {
            process.destroyForcibly();
            throw notStarted;
        }
    }

    public URI uri(String pathAndQuery) {
        return base.resolve(pathAndQuery);
    }

    public int port() {
        return base.getPort();
    }

    /** Everything it printed so far, stdout and stderr. */
    public List<String> lines() {
        return output.lines();
    }

    public String describe() {
        return String.join("\n", output.lines());
    }

    /** Stops it (closes its standard input, or SIGTERM) and waits for the exit, in which the agent flushes. */
    @Override
    public void close() throws Exception {
        if (stopsOnSignal) {
            process.destroy();
        } else {
            process.getOutputStream().close();
        }
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("server did not exit within 30 s:\n" + describe());
        }
    }
}
