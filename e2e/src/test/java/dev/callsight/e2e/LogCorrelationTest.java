package dev.callsight.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.callsight.e2e.app.Log4jApp;
import dev.callsight.e2e.app.LogbackApp;
import dev.callsight.e2e.support.ClientLibraries;
import dev.callsight.e2e.support.InstrumentedApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Log lines join traces: an application logging through SLF4J and Logback, or through Log4j 2,
 * gets {@code trace_id}, {@code span_id} and {@code trace_flags} of the span current when it
 * logged, on its own thread and in tasks it handed to a pool, and nothing when no span is current.
 * The application's own MDC or ThreadContext entries stay, and a trace_id it set itself wins.
 */
@Timeout(120)
class LogCorrelationTest {

    private static final String TRACE = "0af7651916cd43dd8448eb211c80319c";
    private static final String SPAN = "b7ad6b7169203331";
    private static final String PATTERN = "%X{trace_id}|%X{span_id}|%X{trace_flags}|%X{user}|%msg%n";

    @TempDir
    Path workDir;

    @Test
    void logbackLinesCarryTheCurrentSpansIdsInTheirMdc() throws Exception {
        Path config = workDir.resolve("logback.xml");
        Files.writeString(config, String.join("\n",
                "<configuration>",
                "  <shutdownHook/>",
                "  <appender name=\"SYNC\" class=\"ch.qos.logback.core.ConsoleAppender\">",
                "    <encoder><pattern>sync|" + PATTERN + "</pattern></encoder>",
                "  </appender>",
                "  <appender name=\"CONSOLE\" class=\"ch.qos.logback.core.ConsoleAppender\">",
                "    <encoder><pattern>async|" + PATTERN + "</pattern></encoder>",
                "  </appender>",
                "  <appender name=\"ASYNC\" class=\"ch.qos.logback.classic.AsyncAppender\">",
                "    <appender-ref ref=\"CONSOLE\"/>",
                "  </appender>",
                "  <root level=\"INFO\"><appender-ref ref=\"SYNC\"/><appender-ref ref=\"ASYNC\"/></root>",
                "</configuration>"));
        InstrumentedApp.Result app = run(LogbackApp.class, "logback", "-Dlogback.configurationFile=" + config);

        for (String appender : List.of("sync", "async")) {
            Map<String, String> lines = lines(app, appender);
            assertEquals("|||u1", lines.get("outside"), app::describe);
            assertEquals(TRACE + "|" + SPAN + "|01|u1", lines.get("inside"), app::describe);
            assertEquals(TRACE + "|" + SPAN + "|01|", lines.get("in-task"), app::describe);
            assertEquals("the-applications-own|||u1", lines.get("own-trace-id"), app::describe);
            assertEquals("|||u1", lines.get("after"), app::describe);
            assertEquals("|||", lines.get("task-after"), app::describe);
        }
    }

    @Test
    void log4jLinesCarryTheCurrentSpansIdsInTheirContextData() throws Exception {
        Path config = workDir.resolve("log4j2.xml");
        Files.writeString(config, String.join("\n",
                "<Configuration status=\"WARN\">",
                "  <Appenders>",
                "    <Console name=\"OUT\" target=\"SYSTEM_OUT\"><PatternLayout pattern=\"log4j|" + PATTERN + "\"/></Console>",
                "  </Appenders>",
                "  <Loggers><Root level=\"info\"><AppenderRef ref=\"OUT\"/></Root></Loggers>",
                "</Configuration>"));
        InstrumentedApp.Result app = run(Log4jApp.class, "log4j", "-Dlog4j2.configurationFile=" + config);

        Map<String, String> lines = lines(app, "log4j");
        assertEquals("|||u1", lines.get("outside"), app::describe);
        assertEquals(TRACE + "|" + SPAN + "|01|u1", lines.get("inside"), app::describe);
        assertEquals(TRACE + "|" + SPAN + "|01|", lines.get("in-task"), app::describe);
        assertEquals("|||u1", lines.get("after"), app::describe);
        assertEquals("|||", lines.get("task-after"), app::describe);
    }

    private static InstrumentedApp.Result run(Class<?> main, String library, String configOption) throws Exception {
        String release = ClientLibraries.releasesOf(library).get(0);
        InstrumentedApp.Result app = InstrumentedApp.run(Path.of(System.getProperty("java.home")),
                Map.of("OTEL_TRACES_EXPORTER", "none", "OTEL_METRICS_EXPORTER", "none"), List.of(configOption),
                ClientLibraries.jarsOf(release), main, List.of(TRACE, SPAN));
        assertEquals(0, app.exitCode(), app::describe);
        return app;
    }

    /** The IDs and user of each message one appender wrote, by message. */
    private static Map<String, String> lines(InstrumentedApp.Result app, String appender) {
        Map<String, String> lines = new LinkedHashMap<>();
        for (String line : app.output()) {
            if (line.startsWith(appender + "|")) {
                String fields = line.substring(appender.length() + 1);
                int lastBar = fields.lastIndexOf('|');
                lines.put(fields.substring(lastBar + 1), fields.substring(0, lastBar));
            }
        }
        return lines;
    }
}
