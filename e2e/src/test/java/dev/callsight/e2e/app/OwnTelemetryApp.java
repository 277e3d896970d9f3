package dev.callsight.e2e.app;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * An application that brings its own, unshaded OpenTelemetry SDK (registered as the global one) and an OkHttp older
 * than the agent supports, run by the tests with the agent attached. Arguments: the URL to GET with OkHttp, then the
 * URL to GET with the JDK's HttpClient, each inside a span of its own SDK. It prints {@code sdk|VERSION},
 * {@code okhttp|USER-AGENT}, {@code interceptors|APPLICATION|NETWORK} (the class names of the OkHttp client's
 * interceptors), {@code call|okhttp|STATUS} and {@code call|jdk|STATUS}, and {@code app-span|NAME|TRACE|SPAN} for each
 * span its SDK exports; it exits 0 when both calls got an answer.
 */
public final class OwnTelemetryApp {

    public static void main(String[] args) throws Exception {
        SdkTracerProvider tracerProvider = SdkTracerProvider.builder()
                .addSpanProcessor(SimpleSpanProcessor.create(new PrintingExporter())).build();
        OpenTelemetrySdk.builder().setTracerProvider(tracerProvider).buildAndRegisterGlobal();
        System.out.println("sdk|" + Resource.getDefault().getAttribute(AttributeKey.stringKey("telemetry.sdk.version")));
        Tracer tracer = GlobalOpenTelemetry.getTracer("own-telemetry-app");

        OkHttpClient okhttp = new OkHttpClient.Builder().build();
        System.out.println("okhttp|" + okhttp3.internal.Version.userAgent());
        System.out.println("interceptors|" + names(okhttp.interceptors()) + "|" + names(okhttp.networkInterceptors()));
        Span okhttpSpan = tracer.spanBuilder("fetch-with-okhttp").startSpan();
        try (Scope scope = okhttpSpan.makeCurrent();
                Response response = okhttp.newCall(new Request.Builder().url(args[0]).build()).execute()) {
            response.body().string();
            System.out.println("call|okhttp|" + response.code());
        } finally {
            okhttpSpan.end();
        }

        HttpClient jdk = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        Span jdkSpan = tracer.spanBuilder("fetch-with-jdk").startSpan();
        try (Scope scope = jdkSpan.makeCurrent()) {
            HttpResponse<String> response = jdk.send(HttpRequest.newBuilder(URI.create(args[1])).build(),
                    HttpResponse.BodyHandlers.ofString());
            System.out.println("call|jdk|" + response.statusCode());
        } finally {
            jdkSpan.end();
        }

        tracerProvider.forceFlush().join(5, TimeUnit.SECONDS);
        tracerProvider.shutdown().join(5, TimeUnit.SECONDS);
        okhttp.dispatcher().executorService().shutdown();
        okhttp.connectionPool().evictAll();
        System.exit(0);
    }

    private static String names(List<Interceptor> interceptors) {
        return interceptors.stream().map(interceptor -> interceptor.getClass().getName())
                .collect(Collectors.joining(","));
    }

    /** The application's own exporter: every span its SDK ends, on standard output. */
    private static final class PrintingExporter implements SpanExporter {

        @Override
        public CompletableResultCode export(Collection<SpanData> spans) {
            for (SpanData span : spans) {
                System.out.println("app-span|" + span.getName() + "|" + span.getTraceId() + "|" + span.getSpanId());
            }
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
        }
    }
}
