package dev.callsight.agent.core;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Builds the (shaded) OpenTelemetry SDK from the standard {@code OTEL_*} environment variables
 * and {@code otel.*} system properties, with the agent's defaults: OTLP over HTTP/protobuf to
 * 127.0.0.1:4318, no log export, exporters running on agent threads so their calls are never
 * traced, and failed exports counted in {@link ExportDrops}.
 */
final class TelemetryBootstrap {

    private static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");
    private static final String UNKNOWN_SERVICE_PREFIX = "unknown_service";

    private TelemetryBootstrap() {}

    static OpenTelemetrySdk build(ExportDrops drops) {
        return AutoConfiguredOpenTelemetrySdk.builder()
                .addPropertiesSupplier(() -> Map.of(
                        "otel.exporter.otlp.protocol", "http/protobuf",
                        "otel.exporter.otlp.endpoint", "http://127.0.0.1:4318",
                        "otel.logs.exporter", "none"))
                .addResourceCustomizer((resource, config) -> withDerivedServiceName(resource))
                .addSpanExporterCustomizer((exporter, config) ->
                        new DropCountingSpanExporter(onAgentThreads(exporter), drops))
                .addMetricExporterCustomizer((exporter, config) ->
                        new FailureCountingMetricExporter(onAgentThreads(exporter), drops))
                .setServiceClassLoader(ClassLoader.getSystemClassLoader())
                .disableShutdownHook()
                .build()
                .getOpenTelemetrySdk();
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

    private static SpanExporter onAgentThreads(SpanExporter exporter) {
        if (!(exporter instanceof OtlpHttpSpanExporter)) {
            return exporter;
        }
        SpanExporter rebuilt = ((OtlpHttpSpanExporter) exporter).toBuilder().setExecutorService(exportThread("spans")).build();
        exporter.shutdown();
        return rebuilt;
    }

    private static MetricExporter onAgentThreads(MetricExporter exporter) {
        if (!(exporter instanceof OtlpHttpMetricExporter)) {
            return exporter;
        }
        MetricExporter rebuilt = ((OtlpHttpMetricExporter) exporter).toBuilder().setExecutorService(exportThread("metrics")).build();
        exporter.shutdown();
        return rebuilt;
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
