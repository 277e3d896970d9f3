package dev.callsight.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The {@code serve} command as a separate JVM, as users and the end-to-end tests run it. */
class ProcessTest {

    private static final Pattern STARTED = Pattern.compile(
            "callsight collector started: otlp=http://127\\.0\\.0\\.1:(\\d+) web=http://127\\.0\\.0\\.1:(\\d+) store=(\\S+)");

    @TempDir
    Path dataDir;

    @Test
    void acknowledgedSpansSurviveKillDashNine() throws Exception {
        String traceId = "7a2190356c3fc94b5b2d8b4e1e0e4736";
        Process process = startServe();
        try {
            sendSpan(process, traceId);
            process.destroyForcibly();
            assertTrue(process.waitFor(10, TimeUnit.SECONDS));
        } finally {
            process.destroyForcibly();
        }
        assertTraceStored(traceId);
    }

    @Test
    void sigtermShutsDownCleanly() throws Exception {
        String traceId = "1c2190356c3fc94b5b2d8b4e1e0e4736";
        Process process = startServe();
        try {
            sendSpan(process, traceId);
            process.destroy();
            assertTrue(process.waitFor(10, TimeUnit.SECONDS), "still running after SIGTERM");
            assertEquals(143, process.exitValue());
        } finally {
            process.destroyForcibly();
        }
        assertTraceStored(traceId);
    }

    private Process startServe() throws IOException {
        return new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "serve",
                "--otlp-port", "0", "--http-port", "0", "--data-dir", dataDir.toString()))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }

    /** Reads the startup line and exports one span to the OTLP port it names. */
    private void sendSpan(Process process, String traceId) throws IOException {
        BufferedReader stdout = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line = stdout.readLine();
        Matcher started = STARTED.matcher(line == null ? "" : line);
        assertTrue(started.matches(), "startup line: " + line);
        assertTrue(started.group(3).startsWith("jdbc:h2:file:" + dataDir.toAbsolutePath()), line);
        assertEquals(200, Http.post("http://127.0.0.1:" + started.group(1) + "/v1/traces", "application/x-protobuf",
                Otlp.traces("checkout", Otlp.clientSpan(traceId, "00f067aa0ba902b7", 200)).toByteArray())
                .statusCode());
    }

    private void assertTraceStored(String traceId) {
        try (Collector collector = TestCollectors.start(dataDir)) {
            assertEquals(200, Http.get(collector.webEndpoint() + "/api/traces/" + traceId).statusCode());
        }
    }

    @Test
    void badFlagsExitWithUsageError() {
        StringWriter err = new StringWriter();
        CommandLine commandLine = Main.commandLine().setErr(new PrintWriter(err));
        assertEquals(2, commandLine.execute("serve", "--otlp-port", "not-a-port"));
        assertTrue(err.toString().contains("--otlp-port"), err.toString());
        assertEquals(2, Main.commandLine().setErr(new PrintWriter(new StringWriter()))
                .execute("serve", "--max-body-size", "lots"));
        assertEquals(2, Main.commandLine().setErr(new PrintWriter(new StringWriter())).execute());
    }

    @Test
    void helpExplainsEveryFlag() {
        StringWriter out = new StringWriter();
        assertEquals(0, Main.commandLine().setOut(new PrintWriter(out)).execute("serve", "--help"));
        for (String flag : List.of("--otlp-port", "--http-port", "--data-dir", "--jdbc-url", "--bind",
                "--max-body-size")) {
            assertTrue(out.toString().contains(flag), flag + " in\n" + out);
        }
    }
}
