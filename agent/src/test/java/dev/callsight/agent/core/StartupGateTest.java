package dev.callsight.agent.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class StartupGateTest {

    private static final byte[] ORIGINAL = {1};
    private static final byte[] TRANSFORMED = {2};

    private final AtomicInteger transformed = new AtomicInteger();
    private final ClassFileTransformer instrumentation = new ClassFileTransformer() {
        @Override
        public byte[] transform(Module module, ClassLoader loader, String className, Class<?> classBeingRedefined,
                ProtectionDomain protectionDomain, byte[] classfileBuffer) {
            transformed.incrementAndGet();
            return TRANSFORMED;
        }
    };

    @Test
    void aGatedClassWaitsForTheInstallThenIsTransformedAsItLoads() throws Exception {
        StartupGate gate = new StartupGate(List.of("okhttp3.", "java.net.HttpURLConnection"), 60_000);
        CompletableFuture<byte[]> result = new CompletableFuture<>();
        Thread loading = new Thread(() -> result.complete(load(gate, "okhttp3/OkHttpClient")), "app");
        loading.start();
        awaitWaiting(loading);
        assertFalse(result.isDone());
        assertEquals(0, transformed.get());

        gate.delegateTo(instrumentation);
        assertArrayEquals(TRANSFORMED, load(gate, "com/example/Main"));
        assertFalse(result.isDone(), "a class that carries calls waits until the loaded ones are retransformed too");

        gate.release();

        assertArrayEquals(TRANSFORMED, result.get(10, TimeUnit.SECONDS));
        assertEquals(2, transformed.get());
    }

    @Test
    void otherClassesLoadAtOnceAndAsTheyAreWhileTheAgentStarts() {
        StartupGate gate = new StartupGate(List.of("okhttp3."), 60_000);

        assertNull(load(gate, "com/example/Main"));
        assertNull(load(gate, "okhttp3x/NotOkHttp"));
        assertEquals(0, transformed.get());
    }

    @Test
    void theInstallingThreadsPassAGatedClassWithoutWaitingAndTheAgentsOtherThreadsWait() throws Exception {
        StartupGate gate = new StartupGate(List.of("jdk.internal.net.http."), 60_000);
        CompletableFuture<byte[]> installing = new CompletableFuture<>();
        InternalThread installer = InternalThread.create(
                () -> installing.complete(load(gate, "jdk/internal/net/http/HttpClientImpl")), "callsight-test-start");
        CompletableFuture<byte[]> startingSdk = new CompletableFuture<>();
        InternalThread sdk = InternalThread.create(
                () -> startingSdk.complete(load(gate, "jdk/internal/net/http/HttpClientImpl")), "callsight-test-sdk");
        gate.installOn(installer, sdk);
        installer.start();
        sdk.start();
        assertNull(installing.get(10, TimeUnit.SECONDS));
        assertNull(startingSdk.get(10, TimeUnit.SECONDS));

        CompletableFuture<byte[]> exporting = new CompletableFuture<>();
        InternalThread exporter = InternalThread.create(
                () -> exporting.complete(load(gate, "jdk/internal/net/http/HttpClientImpl")), "callsight-test-export");
        exporter.start();
        awaitWaiting(exporter);
        gate.delegateTo(instrumentation);
        gate.release();

        assertArrayEquals(TRANSFORMED, exporting.get(10, TimeUnit.SECONDS));
        assertEquals(1, transformed.get());
    }

    @Test
    void onceOpenEveryClassAndEveryRetransformationGoesToTheInstrumentation() throws Exception {
        StartupGate gate = new StartupGate(List.of("okhttp3."), 60_000);
        gate.delegateTo(instrumentation);
        gate.release();

        assertArrayEquals(TRANSFORMED, load(gate, "com/example/Main"));
        assertArrayEquals(TRANSFORMED, load(gate, "okhttp3/OkHttpClient"));
        assertArrayEquals(TRANSFORMED, gate.transform(null, null, "java/util/concurrent/FutureTask",
                FutureTask.class, null, ORIGINAL));
        assertEquals(3, transformed.get());
    }

    @Test
    void aFailedInstallLetsTheWaitingClassLoadAsItIs() throws Exception {
        StartupGate gate = new StartupGate(List.of("okhttp3."), 60_000);
        CompletableFuture<byte[]> result = new CompletableFuture<>();
        Thread loading = new Thread(() -> result.complete(load(gate, "okhttp3/OkHttpClient")), "app");
        loading.start();
        awaitWaiting(loading);

        gate.release();

        assertNull(result.get(10, TimeUnit.SECONDS));
        assertEquals(0, transformed.get());
    }

    @Test
    void theWaitIsBounded() {
        StartupGate gate = new StartupGate(List.of("okhttp3."), 50);

        assertNull(load(gate, "okhttp3/OkHttpClient"));
        assertEquals(0, transformed.get());
    }

    @Test
    void findsAGatedClassAmongTheLoadedOnes() {
        assertTrue(new StartupGate(List.of("java.util.concurrent."), 1)
                .anyGated(new Class<?>[] {String.class, FutureTask.class}));
        assertFalse(new StartupGate(List.of("okhttp3."), 1).anyGated(new Class<?>[] {String.class}));
    }

    private static byte[] load(StartupGate gate, String className) {
        try {
            return gate.transform(null, null, className, null, null, ORIGINAL);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Until the loading thread is parked at the gate; bounded, since a gate that lets it through fails the test. */
    private static void awaitWaiting(Thread thread) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (thread.getState() != Thread.State.TIMED_WAITING) {
            assertTrue(thread.isAlive() && System.nanoTime() < deadline, "the class did not wait at the gate");
            Thread.onSpinWait();
        }
    }
}
