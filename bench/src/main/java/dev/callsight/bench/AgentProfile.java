package dev.callsight.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where the agent's CPU goes, from a JFR recording of a call loop: the execution samples that ran on the agent's
 * threads or had agent code on the stack, sorted into the steps of a call by the first rule whose frame names appear
 * on the stack. Library work beneath something the agent passes through (an OkHttp interceptor's proceed, a body the
 * application reads through the agent's wrapper) is the library's, not the agent's, and is left out.
 *
 * <p>Span export is three steps: writing the spans' protobuf, sending it (the agent's HTTP sender, or the JDK's; the
 * JDK HttpClient's own worker threads are not counted, as they cannot be told from the application's), and the rest
 * (the batch processor's queue and hand-off).
 *
 * <p>Usage: {@code AgentProfile RECORDING.jfr}. Prints one line per step, {@code step share_percent samples}, the
 * steps in a fixed order, then {@code agent samples N of M}, then the glue's busiest agent frames, {@code glue
 * samples frame}.
 */
public final class AgentProfile {

    private static final String AGENT_CODE = "dev.callsight.agent.";
    private static final String SHADED_CODE = "dev.callsight.shaded.";

    /** A step of a call and the frames (class or method name fragments, or thread-name prefixes) that mark it. */
    private record Step(String name, List<String> threads, List<String> frames) {}

    private static final List<Step> STEPS = List.of(
            new Step("start", List.of("callsight-start", "callsight-sdk"),
                    List.of("AgentInstaller", "StartupGate", "TelemetryBootstrap", "net.bytebuddy.", "GlueClassLoader")),
            new Step("span-serialisation", List.of(),
                    List.of("TraceRequestWriter", "ProtobufBuffer", "otlp.traces.", "TraceRequestMarshaler")),
            new Step("export-metrics", List.of("PeriodicMetricReader", "callsight-export-metrics"),
                    List.of("MetricExporter", "collectAllMetrics")),
            new Step("span-sending", List.of(), List.of("export.PlainHttpSender", "export.HttpConnection", "sender.jdk")),
            new Step("export-spans", List.of("BatchSpanProcessor", "callsight-export-spans"),
                    List.of("SpanExporter")),
            new Step("span-creation", List.of(),
                    List.of("SdkSpanBuilder", "SdkTracer.spanBuilder", "RootTraceIds", "RootDecision",
                            "droppedTraceparent")),
            new Step("span-attributes", List.of(),
                    List.of("putAttemptAttributes", "SdkSpan.setAttribute", "UrlRedactor", "recordException")),
            new Step("span-end", List.of(), List.of("SdkSpan.end", "BoundedSpanProcessor", "SpanBacklog")),
            new Step("histogram", List.of(), List.of("SdkDoubleHistogram", "DoubleHistogram.record", "endCall")),
            new Step("header-injection", List.of(),
                    List.of("HttpClientTracer.inject", "LogicalCall.inject", "Propagator.inject")),
            new Step("context-extraction", List.of(), List.of("parentOf", "carriesApplicationContext", ".extract")),
            new Step("policy-engine", List.of(),
                    List.of("PolicySet", "CircuitBreaker", "RetryBudget", "UpstreamGuards", "SlidingWindow",
                            "AttemptTimeouts", "Backoff", "retryDelayNanos")),
            new Step("call-site-cache", List.of(), List.of("CallSite")),
            new Step("glue", List.of(), List.of(AGENT_CODE, SHADED_CODE)));

    /** How many of the glue's busiest frames are listed under the table. */
    private static final int GLUE_LINES = 8;

    /** Frames the agent passes the application's or the library's own work through. */
    private static final List<String> PASS_THROUGH = List.of("okhttp3.internal.http.RealInterceptorChain.proceed",
            "okio.ForwardingSource.read", "okio.RealBufferedSource", "EofSensorInputStream.read",
            "SessionInputBufferImpl", "ContentLengthInputStream.read");

    public static void main(String[] args) throws IOException {
        Map<String, Integer> counts = new LinkedHashMap<>();
        Map<String, Integer> glue = new HashMap<>();
        STEPS.forEach(step -> counts.put(step.name(), 0));
        int samples = 0;
        int agent = 0;
        for (RecordedEvent event : RecordingFile.readAllEvents(Path.of(args[0]))) {
            if (!event.getEventType().getName().equals("jdk.ExecutionSample") || event.getStackTrace() == null) {
                continue;
            }
            samples++;
            List<String> frames = frames(event.getStackTrace());
            String step = stepOf(threadName(event), frames);
            if (step != null) {
                agent++;
                counts.merge(step, 1, Integer::sum);
                if (step.equals("glue")) {
                    glue.merge(innermostAgentFrame(frames), 1, Integer::sum);
                }
            }
        }
        for (Map.Entry<String, Integer> count : counts.entrySet()) {
            System.out.printf(Locale.ROOT, "%-20s %5.1f %6d%n", count.getKey(),
                    agent == 0 ? 0 : 100.0 * count.getValue() / agent, count.getValue());
        }
        System.out.printf(Locale.ROOT, "agent samples %d of %d%n", agent, samples);
        glue.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(GLUE_LINES)
                .forEach(frame -> System.out.printf(Locale.ROOT, "glue %6d %s%n", frame.getValue(), frame.getKey()));
    }

    private static boolean isAgents(String frame) {
        return frame.startsWith(AGENT_CODE) || frame.startsWith(SHADED_CODE);
    }

    /** The agent's own frame nearest the top of the stack: where in the glue the sample was. */
    private static String innermostAgentFrame(List<String> frames) {
        return frames.stream().filter(AgentProfile::isAgents).findFirst()
                .orElse(frames.isEmpty() ? "?" : frames.get(0));
    }

    /** The step a sample belongs to, or null when it is not the agent's work. */
    private static String stepOf(String thread, List<String> frames) {
        boolean agentThread = STEPS.stream().anyMatch(step -> step.threads().stream().anyMatch(thread::startsWith));
        if (!agentThread) {
            for (String frame : frames) {
                if (isAgents(frame)) {
                    break;
                }
                if (PASS_THROUGH.stream().anyMatch(frame::contains)) {
                    return null;
                }
            }
            if (frames.stream().noneMatch(AgentProfile::isAgents)) {
                return null;
            }
        }
        for (Step step : STEPS) {
            if (step.threads().stream().anyMatch(thread::startsWith)
                    || frames.stream().anyMatch(frame -> step.frames().stream().anyMatch(frame::contains))) {
                return step.name();
            }
        }
        return "glue";
    }

    private static String threadName(RecordedEvent event) {
        RecordedThread thread = event.getThread("sampledThread");
        return thread == null || thread.getJavaName() == null ? "" : thread.getJavaName();
    }

    /** Class and method of each frame, innermost first. */
    private static List<String> frames(RecordedStackTrace stack) {
        List<String> frames = new ArrayList<>();
        for (RecordedFrame frame : stack.getFrames()) {
            if (frame.getMethod() != null) {
                frames.add(frame.getMethod().getType().getName() + "." + frame.getMethod().getName());
            }
        }
        return frames;
    }
}
