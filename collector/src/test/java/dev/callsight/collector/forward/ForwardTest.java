package dev.callsight.collector.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import dev.callsight.collector.Collector;
import dev.callsight.collector.CollectorConfig;
import dev.callsight.collector.Http;
import dev.callsight.collector.Otlp;
import dev.callsight.collector.TestCollectors;
import dev.callsight.testing.Eventually;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --forward-otlp}: a second collector is the receiver. */
class ForwardTest {

    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @TempDir
    Path senderDir;

    @TempDir
    Path receiverDir;

    @Test
    void acceptedSpansArriveAtTheReceiverWithIdenticalIds() throws Exception {
        try (Collector receiver = TestCollectors.start(receiverDir);
                Collector sender = sender(URI.create(receiver.otlpEndpoint()), 1000)) {
            Span root = Otlp.clientSpan(TRACE, "00f067aa0ba90201", 200);
            Span child = Otlp.clientSpan(TRACE, "00f067aa0ba90202", 503).toBuilder()
                    .setParentSpanId(root.getSpanId())
                    .addLinks(Span.Link.newBuilder().setTraceId(root.getTraceId()).setSpanId(root.getSpanId()))
                    .addEvents(Span.Event.newBuilder().setName("retry").setTimeUnixNano(Otlp.BASE_NANOS + 1))
                    .build();
            post(sender, Otlp.traces("checkout", root, child).toByteArray());

            Eventually.until(() -> Http.get(receiver.webEndpoint() + "/jaeger/api/traces/" + TRACE).statusCode() == 200,
                    "the trace at the receiver", () -> "", PATIENCE);
            // The same trace, field by field, read back from either store.
            assertEquals(JsonParser.parseString(Http.get(sender.webEndpoint() + "/jaeger/api/traces/" + TRACE).body()),
                    JsonParser.parseString(Http.get(receiver.webEndpoint() + "/jaeger/api/traces/" + TRACE).body()));
            Eventually.until(() -> forwarded(sender, "sent") == 2, "2 spans forwarded",
                    () -> "sent: " + forwarded(sender, "sent"), PATIENCE);
            assertEquals(0, forwarded(sender, "dropped"));
            assertEquals(0, forwarded(sender, "failed"));
            Eventually.until(() -> metric(sender, "callsight_forward_queue_spans ") == 0, "the forward queue empty",
                    () -> "", PATIENCE);
        }
    }

    @Test
    void aReceiverThatHangsNeverSlowsIngestAndOverflowIsDropped() throws Exception {
        // Accepts connections into its backlog and never answers.
        try (ServerSocket hanging = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                Collector sender = sender(URI.create("http://127.0.0.1:" + hanging.getLocalPort()), 5)) {
            for (int i = 0; i < 20; i++) {
                long started = System.nanoTime();
                post(sender, Otlp.traces("checkout", Otlp.clientSpan(TRACE, String.format("00f067aa0ba9%04x", i + 1),
                        200)).toByteArray());
                long millis = (System.nanoTime() - started) / 1_000_000;
                assertTrue(millis < 1000, "ingest took " + millis + " ms while the receiver hangs");
            }
            assertEquals(20, sender.spanStore().spanCount());
            assertTrue(forwarded(sender, "dropped") >= 14, "at most 5 held, 1 in flight: " + forwarded(sender, "dropped"));
            assertTrue(metric(sender, "callsight_forward_queue_spans ") <= 5);
        }
    }

    @Test
    void spansFlowAgainOnceAnAbsentReceiverComesUp() throws Exception {
        int port;
        try (ServerSocket reserved = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = reserved.getLocalPort();
        }
        try (Collector sender = sender(URI.create("http://127.0.0.1:" + port + "/v1/traces"), 1000)) {
            String whileDown = "5bf92f3577b34da6a3ce929d0e0e4731";
            String afterUp = "5bf92f3577b34da6a3ce929d0e0e4732";
            post(sender, Otlp.traces("checkout", Otlp.clientSpan(whileDown, "00f067aa0ba90201", 200)).toByteArray());
            try (Collector receiver = Collector.start(CollectorConfig.builder().otlpPort(port).httpPort(0)
                    .dataDir(receiverDir).build())) {
                post(sender, Otlp.traces("checkout", Otlp.clientSpan(afterUp, "00f067aa0ba90202", 200)).toByteArray());
                Eventually.until(() -> Http.get(receiver.webEndpoint() + "/api/traces/" + afterUp).statusCode() == 200,
                        "the trace sent after the receiver came up", () -> "", PATIENCE);
                Eventually.until(() -> Http.get(receiver.webEndpoint() + "/api/traces/" + whileDown).statusCode() == 200,
                        "the trace sent while the receiver was down", () -> "", PATIENCE);
                Eventually.until(() -> forwarded(sender, "sent") == 2, "2 spans forwarded",
                    () -> "sent: " + forwarded(sender, "sent"), PATIENCE);
            }
        }
    }

    private Collector sender(URI target, int queueSpans) {
        return Collector.start(CollectorConfig.builder().otlpPort(0).httpPort(0).dataDir(senderDir)
                .forwardOtlp(target).forwardQueueSpans(queueSpans).build());
    }

    private static void post(Collector collector, byte[] body) {
        HttpResponse<String> response = Http.post(collector.otlpEndpoint() + "/v1/traces", "application/x-protobuf",
                body);
        assertEquals(200, response.statusCode(), response.body());
    }

    private static double forwarded(Collector collector, String outcome) {
        return metric(collector, "callsight_forward_spans_total{outcome=\"" + outcome + "\",} ");
    }

    private static double metric(Collector collector, String prefix) {
        String text = Http.get(collector.webEndpoint() + "/metrics").body();
        Matcher line = Pattern.compile("^" + Pattern.quote(prefix) + "(\\S+)$", Pattern.MULTILINE).matcher(text);
        assertTrue(line.find(), prefix + " not in /metrics:\n" + text);
        return Double.parseDouble(line.group(1));
    }
}
