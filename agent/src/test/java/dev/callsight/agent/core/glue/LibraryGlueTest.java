package dev.callsight.agent.core.glue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.callsight.agent.bootstrap.OkHttpHook;
import dev.callsight.agent.core.client.OutboundCalls;
import dev.callsight.agent.instrumentation.okhttp.OkHttpModule;
import dev.callsight.agent.testing.RecordingTelemetry;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The OkHttp module's glue over real copies of OkHttp, each in a class loader of its own that the agent's loader
 * cannot see into, as a web app's or a Spring Boot jar's would be.
 */
class LibraryGlueTest {

    private static final Path COPIES = Path.of(System.getProperty("callsight.okhttp.copies"));

    private final RecordingTelemetry telemetry = new RecordingTelemetry();
    private final LibraryGlue glue = LibraryGlue.builder("okhttp", OkHttpModule.class)
            .anchor("okhttp3.OkHttpClient").entry("OkHttpCalls").build();
    private final Function<Class<?>, OkHttpHook> hooks =
            glue.hooks("OkHttpCalls", OkHttpHook.class, OutboundCalls.class, telemetry.calls());

    @AfterEach
    void close() {
        telemetry.close();
    }

    @Test
    void eachCopyOfTheLibraryGetsGlueLinkedToItself() throws Exception {
        try (URLClassLoader first = supported(); URLClassLoader second = supported()) {
            assertTrue(glue.loaders().matches(first));
            assertTrue(glue.loaders().matches(second));
            OkHttpHook firstGlue = hooks.apply(first.loadClass("okhttp3.OkHttpClient"));
            OkHttpHook secondGlue = hooks.apply(second.loadClass("okhttp3.OkHttpClient"));

            // One glue per copy, whichever of the copy's instrumented classes asks.
            assertSame(firstGlue, hooks.apply(first.loadClass("okhttp3.internal.connection.ConnectInterceptor")));
            assertNotSame(firstGlue.getClass(), secondGlue.getClass());
            assertSame(first, firstGlue.getClass().getClassLoader().getParent());
            assertSame(second, secondGlue.getClass().getClassLoader().getParent());

            // The glue works on its own copy's objects: a builder gets the agent's interceptors.
            Object builder = first.loadClass("okhttp3.OkHttpClient$Builder").getConstructor().newInstance();
            firstGlue.clientBuilding(builder);
            List<?> interceptors = (List<?>) builder.getClass().getMethod("interceptors").invoke(builder);
            assertEquals(1, interceptors.size());
            assertSame(firstGlue.getClass().getClassLoader(), interceptors.get(0).getClass().getClassLoader());
            assertSame(first.loadClass("okhttp3.Interceptor"), interceptors.get(0).getClass().getInterfaces()[0]);
        }
    }

    @Test
    void aReleaseWithoutWhatTheGlueCallsIsLeftAlone() throws Exception {
        try (URLClassLoader older = copy(System.getProperty("callsight.okhttp.unsupported"),
                System.getProperty("callsight.okio.unsupported"))) {
            assertTrue(older.getResource("okhttp3/OkHttpClient.class") != null);
            assertFalse(glue.loaders().matches(older));
        }
    }

    @Test
    void aLoaderWithoutTheLibraryIsLeftAlone() throws Exception {
        try (URLClassLoader empty = new URLClassLoader(new URL[0], ClassLoader.getPlatformClassLoader())) {
            assertFalse(glue.loaders().matches(empty));
            assertFalse(glue.loaders().matches(null));
        }
    }

    private static URLClassLoader supported() throws Exception {
        return copy(System.getProperty("callsight.okhttp.oldest"), System.getProperty("callsight.okio.oldest"));
    }

    /** OkHttp and its okio, over the platform loader: the test's own class path stays out of sight. */
    private static URLClassLoader copy(String okhttp, String okio) throws Exception {
        return new URLClassLoader(new URL[] {
                COPIES.resolve("okhttp-" + okhttp + ".jar").toUri().toURL(),
                COPIES.resolve("okio-" + okio + ".jar").toUri().toURL()}, ClassLoader.getPlatformClassLoader());
    }
}
