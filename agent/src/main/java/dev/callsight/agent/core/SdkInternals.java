package dev.callsight.agent.core;

import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.propagation.internal.W3CTraceContextEncoding;
import io.opentelemetry.context.internal.shaded.WeakConcurrentMap;
import io.opentelemetry.exporter.internal.FailedExportException;
import io.opentelemetry.exporter.internal.RetryUtil;
import io.opentelemetry.exporter.internal.marshal.Marshaler;
import io.opentelemetry.exporter.internal.otlp.InstrumentationScopeMarshaler;
import io.opentelemetry.exporter.internal.otlp.ResourceMarshaler;
import io.opentelemetry.exporter.sender.jdk.internal.JdkHttpSenderProvider;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.common.export.HttpResponse;
import io.opentelemetry.sdk.common.export.HttpSenderProvider;
import io.opentelemetry.sdk.resources.Resource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.OptionalLong;

/**
 * The one place the agent reaches into OpenTelemetry's internal packages, each for a reason no public API serves.
 * The SDK is shaded into the agent at a pinned version, so these cannot change under it; a version bump that
 * breaks one breaks the build here.
 */
public final class SdkInternals {

    private SdkInternals() {}

    /**
     * A map keyed by identity and held weakly, safe for concurrent use, expunged as it is used: the JDK has none,
     * and the SDK carries one for the same purpose (contexts attached to objects).
     */
    public static <K, V> WeakIdentityMap<K, V> weakIdentityMap() {
        return new WeakIdentityMap<>(new WeakConcurrentMap.WithInlinedExpunction<>());
    }

    /** The SDK's weak concurrent map, behind the operations the agent uses. */
    public static final class WeakIdentityMap<K, V> {
        private final WeakConcurrentMap<K, V> map;

        private WeakIdentityMap(WeakConcurrentMap<K, V> map) {
            this.map = map;
        }

        public V get(K key) {
            return map.get(key);
        }

        public void put(K key, V value) {
            map.put(key, value);
        }

        public V remove(K key) {
            return map.remove(key);
        }

        /** Whether the map is empty, give or take entries whose keys were just collected. */
        public boolean isEmpty() {
            return map.approximateSize() == 0;
        }
    }

    /** The HTTP status the OTLP exporter's failure carries, or -1: its exception type is internal. */
    public static int exportFailureStatus(Throwable failure) {
        if (failure instanceof FailedExportException.HttpExportException) {
            FailedExportException.HttpExportException http = (FailedExportException.HttpExportException) failure;
            if (http.failedWithResponse()) {
                return http.getResponse().getStatusCode();
            }
        }
        return -1;
    }

    /** The JDK HttpClient sender, which the agent wraps to create it lazily: its provider class is internal. */
    public static HttpSenderProvider jdkHttpSenderProvider() {
        return new JdkHttpSenderProvider();
    }

    /** An export failure the SDK's exporters would report for this response (its type is internal). */
    public static Throwable exportFailure(HttpResponse response) {
        return FailedExportException.httpFailedWithResponse(response);
    }

    /** An export failure the SDK's exporters would report for this error. */
    public static Throwable exportFailure(Throwable error) {
        return FailedExportException.httpFailedExceptionally(error);
    }

    /** Whether the OTLP exporters retry an export answered with this status (429, 502, 503, 504). */
    public static boolean retryableStatus(int status) {
        return RetryUtil.retryableHttpResponseCodes().contains(status);
    }

    /** The wait a {@code Retry-After} value asks for, seconds or an HTTP date, as the OTLP exporters read it. */
    public static OptionalLong retryAfterNanos(String retryAfter) {
        return RetryUtil.retryAfterNanos(retryAfter);
    }

    /** A resource as an OTLP {@code Resource} message body, encoded by the SDK (entity references and all). */
    public static byte[] resourceProtobuf(Resource resource) {
        return protobuf(ResourceMarshaler.create(resource));
    }

    /** A scope as an OTLP {@code InstrumentationScope} message body, encoded by the SDK. */
    public static byte[] scopeProtobuf(InstrumentationScopeInfo scope) {
        return protobuf(InstrumentationScopeMarshaler.create(scope));
    }

    /** A trace state as the W3C {@code tracestate} header writes it, which is how OTLP carries it. */
    public static String w3cTraceState(TraceState state) {
        return W3CTraceContextEncoding.encodeTraceState(state);
    }

    private static byte[] protobuf(Marshaler marshaler) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(marshaler.getBinarySerializedSize());
        try {
            marshaler.writeBinaryTo(bytes);
        } catch (IOException impossible) {
            throw new UncheckedIOException(impossible);
        }
        return bytes.toByteArray();
    }
}
