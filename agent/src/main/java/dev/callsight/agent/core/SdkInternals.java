package dev.callsight.agent.core;

import io.opentelemetry.context.internal.shaded.WeakConcurrentMap;
import io.opentelemetry.exporter.internal.FailedExportException;
import io.opentelemetry.exporter.sender.jdk.internal.JdkHttpSenderProvider;
import io.opentelemetry.sdk.common.export.HttpSenderProvider;

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
}
