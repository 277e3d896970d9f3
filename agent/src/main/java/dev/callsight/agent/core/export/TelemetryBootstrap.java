package dev.callsight.agent.core.export;

import dev.callsight.agent.core.InternalThread;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.common.ComponentLoader;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.common.export.HttpSender;
import io.opentelemetry.sdk.common.export.HttpSenderConfig;
import io.opentelemetry.sdk.common.export.HttpSenderProvider;
import io.opentelemetry.sdk.common.export.MemoryMode;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Builds the (shaded) OpenTelemetry SDK from the standard {@code OTEL_*} environment variables
 * and {@code otel.*} system properties, with the agent's defaults: OTLP over HTTP/protobuf to
 * 127.0.0.1:4318, no log export, exporters running on agent threads so their calls are never
 * traced, and spans refused by a full queue and failed exports counted in {@link ExportDrops}.
 *
 * <p>What the agent holds while the collector is away is bounded: the batch span processor's
 * queue ({@code otel.bsp.max.queue.size}, 2048 spans), one batch in flight and one waiting per
 * signal on the export threads, and the metric aggregates, whose size depends on the calls' routes
 * and statuses, not on time. The OTLP sender retries 429, 502, 503, 504 and I/O errors within the
 * export timeout ({@code otel.exporter.otlp.timeout}, 10 s), waiting as long as a
 * {@code Retry-After} asks, then gives the batch up.
 */
public final class TelemetryBootstrap {

    private static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");
    private static final String UNKNOWN_SERVICE_PREFIX = "unknown_service";
    private static final int DEFAULT_MAX_QUEUE_SIZE = 2048;
    private static final String PROTOBUF = "application/x-protobuf";
    /** The scope of the agent's spans and metrics. */
    public static final String INSTRUMENTATION_SCOPE = "dev.callsight.agent";

    /**
     * The SDK's own java.util.logging warnings, silenced: with the collector away they would print a
     * stack trace per failed export on the application's stderr, where {@link ExportDrops} says it
     * once a minute. Held here because a logger's level lasts only as long as the logger object.
     */
    private static final Logger SDK_LOGGER = Logger.getLogger(sdkPackageRoot());

    private TelemetryBootstrap() {}

    /** The SDK, and the recorder of client spans that hands them to the SDK's span processors. */
    public static final class Sdk {

        private final OpenTelemetrySdk openTelemetry;
        private final SpanRecorder spans;

        Sdk(OpenTelemetrySdk openTelemetry, SpanRecorder spans) {
            this.openTelemetry = openTelemetry;
            this.spans = spans;
        }

        public OpenTelemetrySdk openTelemetry() {
            return openTelemetry;
        }

        public SpanRecorder spans() {
            return spans;
        }
    }

    /**
     * Builds the SDK and has the JVM's exit flush it, within a bound that depends on how the collector has answered
     * so far ({@link CollectorContact}). Root spans take their trace ids from {@code ids}.
     */
    public static Sdk start(RootTraceIds ids) {
        ExportDrops drops = new ExportDrops();
        CollectorContact contact = new CollectorContact();
        Sdk sdk = build(drops, contact, ids);
        try {
            Runtime.getRuntime().addShutdownHook(
                    InternalThread.create(new ExitFlush(sdk.openTelemetry(), contact), "callsight-shutdown"));
        } catch (IllegalStateException exiting) {
            // The application finished while the agent was still starting: it made no call the agent saw.
        }
        return sdk;
    }

    static Sdk build(ExportDrops drops, CollectorContact contact, RootTraceIds ids) {
        if (!Boolean.getBoolean("callsight.debug")) {
            SDK_LOGGER.setLevel(Level.OFF);
        }
        SpanBacklog backlog = new SpanBacklog();
        // What the SDK's tracer provider is built with, for the agent's own client spans (SpanRecorder).
        List<SpanProcessor> processors = new ArrayList<>();
        AtomicReference<Resource> resource = new AtomicReference<>(Resource.getDefault());
        OpenTelemetrySdk sdk = AutoConfiguredOpenTelemetrySdk.builder()
                .addPropertiesSupplier(() -> Map.of(
                        "otel.exporter.otlp.protocol", "http/protobuf",
                        "otel.exporter.otlp.endpoint", "http://127.0.0.1:4318",
                        "otel.logs.exporter", "none",
                        // Reused metric data can be rewritten by the next collection while an export that outlived
                        // its timeout still serialises it; a loaded agent sent truncated protobuf (collector 400s).
                        "otel.java.exporter.memory_mode", "immutable_data"))
                .addResourceCustomizer((configured, config) -> {
                    resource.set(withDerivedServiceName(configured));
                    return resource.get();
                })
                .addTracerProviderCustomizer((tracerProvider, config) -> tracerProvider.setIdGenerator(ids))
                .addSpanExporterCustomizer((exporter, config) ->
                        new DropCountingSpanExporter(onAgentThreads(exporter, contact), backlog, drops))
                .addSpanProcessorCustomizer((processor, config) -> {
                    SpanProcessor customized = processor instanceof BatchSpanProcessor
                            ? new BoundedSpanProcessor(processor, backlog,
                                    config.getInt("otel.bsp.max.queue.size", DEFAULT_MAX_QUEUE_SIZE), drops)
                            : processor;
                    processors.add(customized);
                    return customized;
                })
                .addMetricExporterCustomizer((exporter, config) ->
                        new FailureCountingMetricExporter(onAgentThreads(exporter, contact), drops))
                .setServiceClassLoader(ClassLoader.getSystemClassLoader())
                .disableShutdownHook()
                .build()
                .getOpenTelemetrySdk();
        drops.register(sdk.getMeter(INSTRUMENTATION_SCOPE));
        return new Sdk(sdk, new SpanRecorder(SpanProcessor.composite(processors), resource.get(),
                INSTRUMENTATION_SCOPE, sdk.getSdkTracerProvider().getSpanLimits(), ids));
    }

    /**
     * One agent thread per signal, with room for one export waiting behind the one in flight:
     * when the collector hangs, further exports are refused, and so counted as failed, rather
     * than queueing without limit.
     */
    private static ExecutorService exportThread(String signal) {
        return new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(1),
                InternalThread.factory("callsight-export-" + signal));
    }

    /** The service loader's components, but for the HTTP sender: {@code provider}'s. */
    private static ComponentLoader loaderWith(HttpSenderProvider provider) {
        ComponentLoader services = ComponentLoader.forClassLoader(TelemetryBootstrap.class.getClassLoader());
        return new ComponentLoader() {
            @Override
            public <T> Iterable<T> load(Class<T> type) {
                return type == HttpSenderProvider.class ? List.of(type.cast(provider)) : services.load(type);
            }
        };
    }

    /**
     * The OTLP/HTTP span exporter the configuration asked for, on an agent thread; for protobuf, the agent's own
     * ({@link OtlpSpanExporter}) over the sender the SDK's builder configured, which it takes as the builder creates
     * it. JSON, gRPC and other exporters stay the SDK's.
     */
    private static SpanExporter onAgentThreads(SpanExporter exporter, CollectorContact contact) {
        if (!(exporter instanceof OtlpHttpSpanExporter)) {
            return exporter;
        }
        SenderCapture capture = new SenderCapture(new LazyHttpSenderProvider(contact));
        // Spans are immutable once ended, so the exporter may reuse its marshalers (the SDK's default, which the
        // immutable_data setting above, meant for metrics, turns off): a batch then costs a fraction of the garbage.
        SpanExporter rebuilt = ((OtlpHttpSpanExporter) exporter).toBuilder().setExecutorService(exportThread("spans"))
                .setComponentLoader(loaderWith(capture)).setMemoryMode(MemoryMode.REUSABLE_DATA).build();
        exporter.shutdown();
        return capture.protobuf() ? new OtlpSpanExporter(capture.sender) : rebuilt;
    }

    /** Hands out its provider's senders and keeps the last, with its configuration. */
    private static final class SenderCapture implements HttpSenderProvider {
        private final HttpSenderProvider provider;
        private HttpSenderConfig config;
        private HttpSender sender;

        SenderCapture(HttpSenderProvider provider) {
            this.provider = provider;
        }

        @Override
        public HttpSender createSender(HttpSenderConfig senderConfig) {
            config = senderConfig;
            sender = provider.createSender(senderConfig);
            return sender;
        }

        boolean protobuf() {
            return sender != null && PROTOBUF.equals(config.getContentType());
        }
    }

    private static MetricExporter onAgentThreads(MetricExporter exporter, CollectorContact contact) {
        if (!(exporter instanceof OtlpHttpMetricExporter)) {
            return exporter;
        }
        MetricExporter rebuilt = ((OtlpHttpMetricExporter) exporter).toBuilder().setExecutorService(exportThread("metrics"))
                .setComponentLoader(loaderWith(new LazyHttpSenderProvider(contact))).build();
        exporter.shutdown();
        return rebuilt;
    }

    /** {@code io.opentelemetry} as relocated in the agent jar, {@code dev.callsight.shaded.io.opentelemetry}. */
    private static String sdkPackageRoot() {
        String sdk = OpenTelemetrySdk.class.getName();
        return sdk.substring(0, sdk.length() - ".sdk.OpenTelemetrySdk".length());
    }

    /** Names an unnamed service after its main class or jar rather than "unknown_service:java". */
    private static Resource withDerivedServiceName(Resource resource) {
        String name = resource.getAttribute(SERVICE_NAME);
        if (name != null && !name.startsWith(UNKNOWN_SERVICE_PREFIX)) {
            return resource;
        }
        String command = System.getProperty("sun.java.command", "").trim();
        if (command.isEmpty()) {
            return resource;
        }
        String main = command.split(" ", 2)[0];
        String derived = main.endsWith(".jar")
                ? main.substring(main.lastIndexOf('/') + 1, main.length() - 4)
                : main.substring(main.lastIndexOf('.') + 1);
        return derived.isEmpty() ? resource : resource.toBuilder().put(SERVICE_NAME, derived).build();
    }
}
