package dev.callsight.e2e.support;

import dev.callsight.e2e.app.CallingApp;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs {@link CallingApp} in a fresh JVM with the built agent attached and collects what it did. */
public final class InstrumentedApp {

    public record Result(int exitCode, Duration elapsed, List<String> output) {

        public List<AppResult> results() {
            return output.stream().filter(line -> line.startsWith("result|")).map(AppResult::parse).toList();
        }

        /** The lines of calls that ended in an exception, as printed. */
        public List<String> errors() {
            return output.stream().filter(line -> line.startsWith("error|")).toList();
        }

        public String describe() {
            return "exit " + exitCode + " after " + elapsed.toMillis() + " ms:\n" + String.join("\n", output);
        }
    }

    private InstrumentedApp() {}

    /** Runs {@code CallingApp}, which makes the calls one after another. */
    public static Result run(Path javaHome, Map<String, String> environment, List<String> jvmOptions,
            List<AppCall> calls) throws Exception {
        return run(javaHome, environment, jvmOptions, List.of(), CallingApp.class, AppCall.arguments(calls));
    }

    /** Runs {@code main} with the test classes and the given library jars on its class path. */
    public static Result run(Path javaHome, Map<String, String> environment, List<String> jvmOptions, List<Path> libraries,
            Class<?> main, List<String> arguments) throws Exception {
        long start = System.nanoTime();
        Process process = start(true, javaHome, environment, jvmOptions, libraries, main, arguments);
        ProcessOutput output = ProcessOutput.follow(process, main.getSimpleName());
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("application did not exit within 60 s:\n" + output);
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        return new Result(process.exitValue(), elapsed, output.allLines(Duration.ofSeconds(10)));
    }

    /**
     * Starts {@code main} with or without the agent and returns at once, for an application that must
     * outlive what the test changes around it; its stdout and stderr are one stream.
     */
    public static Process start(boolean withAgent, Path javaHome, Map<String, String> environment, List<String> jvmOptions,
            List<Path> libraries, Class<?> main, List<String> arguments) throws Exception {
        List<String> classPath = new ArrayList<>(List.of(Jvm.testClasses().toString()));
        libraries.forEach(library -> classPath.add(library.toString()));
        List<String> command = new ArrayList<>();
        command.add(Jvm.javaIn(javaHome).toString());
        if (withAgent) {
            command.add("-javaagent:" + Jvm.agentJar());
        }
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", String.join(File.pathSeparator, classPath), main.getName()));
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().keySet().removeIf(key -> key.startsWith("OTEL_"));
        builder.environment().putAll(environment);
        return builder.start();
    }

    /** Exports quickly so the tests need not wait a minute for the first metrics. */
    public static Map<String, String> exportingTo(CollectorProcess collector, String serviceName) {
        return Map.of(
                "OTEL_SERVICE_NAME", serviceName,
                "OTEL_EXPORTER_OTLP_ENDPOINT", collector.otlp().toString().replaceAll("/$", ""),
                "OTEL_BSP_SCHEDULE_DELAY", "200",
                "OTEL_METRIC_EXPORT_INTERVAL", "500");
    }
}
