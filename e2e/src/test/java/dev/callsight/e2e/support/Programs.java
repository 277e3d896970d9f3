package dev.callsight.e2e.support;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * External programs some tests drive (promtool, prometheus, prometheus-alertmanager, all from Debian's packages).
 * Where one is missing the test is skipped, except under CI, where it fails: CI installs them.
 */
public final class Programs {

    private Programs() {}

    /** Runs a command to its end (at most a minute) and returns its exit code and combined output. */
    public record Run(int exitCode, String output) {}

    public static Run run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        ProcessOutput output = ProcessOutput.follow(process, command.get(0));
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(command + " did not exit within 60 s:\n" + output);
        }
        // Every line as the program ended it, so an expected output can be compared whole.
        StringBuilder text = new StringBuilder();
        output.allLines(Duration.ofSeconds(10)).forEach(line -> text.append(line).append('\n'));
        return new Run(process.exitValue(), text.toString());
    }

    public static Path require(String name, String debianPackage) {
        Optional<Path> found = Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .map(directory -> Path.of(directory, name)).filter(Files::isExecutable).findFirst();
        if (found.isPresent()) {
            return found.get();
        }
        return unavailable(name + " not found on PATH; install Debian's " + debianPackage + " package");
    }

    /** Skips the test for what this machine cannot do, saying why; under CI fails instead. */
    public static <T> T unavailable(String message) {
        if ("true".equals(System.getenv("CI"))) {
            throw new IllegalStateException("CI must run this test: " + message);
        }
        return Assumptions.abort(message);
    }
}
