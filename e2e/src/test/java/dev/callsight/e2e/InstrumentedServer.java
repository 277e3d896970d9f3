package dev.callsight.e2e;

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
 * A server application in a fresh JVM with the built agent attached: started, asked for its port, and stopped by
 * closing its standard input, so the agent's shutdown flush runs as in a normal exit.
 */
final class InstrumentedServer implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("^listening\\|(\\d+)$");

    private final Process process;
    private final ProcessOutput output;
    private final URI base;

    private InstrumentedServer(Process process, ProcessOutput output, URI base) {
        this.process = process;
        this.output = output;
        this.base = base;
    }

    /** Runs {@code main} with the test classes and the given jars on its class path, and waits until it listens. */
    static InstrumentedServer start(Path javaHome, Map<String, String> environment, List<Path> libraries,
            String main) throws Exception {
        return start(javaHome, environment, List.of(), libraries, main, List.of());
    }

    /** The same, with JVM options and arguments for {@code main}. */
    static InstrumentedServer start(Path javaHome, Map<String, String> environment, List<String> jvmOptions,
            List<Path> libraries, String main, List<String> arguments) throws Exception {
        List<String> classPath = new ArrayList<>(List.of(Jvm.testClasses().toString()));
        libraries.forEach(library -> classPath.add(library.toString()));
        List<String> command = new ArrayList<>(List.of(Jvm.javaIn(javaHome).toString(), "-javaagent:" + Jvm.agentJar()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", String.join(File.pathSeparator, classPath), main));
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().keySet().removeIf(key -> key.startsWith("OTEL_"));
        builder.environment().putAll(environment);
        Process process = builder.start();
        ProcessOutput output = ProcessOutput.follow(process, main);
        try {
            String port = output.await(LISTENING, Duration.ofSeconds(60)).group(1);
            return new InstrumentedServer(process, output, URI.create("http://127.0.0.1:" + port));
        } catch (AssertionError | InterruptedException notStarted) {
            process.destroyForcibly();
            throw notStarted;
        }
    }

    URI uri(String pathAndQuery) {
        return base.resolve(pathAndQuery);
    }

    int port() {
        return base.getPort();
    }

    String describe() {
        return String.join("\n", output.lines());
    }

    /** Closes its standard input and waits for the exit, in which the agent flushes spans and metrics. */
    @Override
    public void close() throws Exception {
        process.getOutputStream().close();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("server did not exit within 30 s:\n" + describe());
        }
    }
}
