package dev.callsight.agent.instrumentation.reactornetty;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.callsight.agent.bootstrap.ReactorNettyClientHook;
import dev.callsight.agent.bootstrap.ReactorNettyServerHook;
import dev.callsight.agent.core.client.OutboundCalls;
import dev.callsight.agent.core.glue.LibraryGlue;
import dev.callsight.agent.core.server.HttpServerTracer;
import dev.callsight.agent.testing.RecordingTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BiFunction;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Reactor Netty glue over real copies of the library, each in a class loader of its own: it links with the oldest
 * release it claims (1.0.0, with the Reactor and Netty it was released with) and works on that copy's objects, and it
 * leaves the 0.9 line alone, whose application then runs unchanged.
 */
class ReactorNettyGlueTest {

    private static final Path COPIES = Path.of(System.getProperty("callsight.reactor-netty.copies"));
    private static final String CLIENT = "reactor.netty.http.client.HttpClient";
    private static final String SERVER = "reactor.netty.http.server.HttpServer";

    private final RecordingTelemetry telemetry = new RecordingTelemetry();
    private final LibraryGlue client = LibraryGlue.builder("reactor-netty-client", ReactorNettyClientModule.class)
            .anchor(CLIENT).entry("ReactorNettyClientCalls").build();
    private final LibraryGlue server = LibraryGlue.builder("reactor-netty-server", ReactorNettyServerModule.class)
            .anchor(SERVER).entry("ReactorNettyServerCalls").build();

    @AfterEach
    void close() {
        telemetry.close();
    }

    @Test
    void theOldestSupportedReleaseLinksAndItsRequestsAreAnsweredByATracedCopy() throws Exception {
        try (URLClassLoader oldest = copy("oldest")) {
            assertTrue(client.loaders().matches(oldest));
            assertTrue(server.loaders().matches(oldest));

            ReactorNettyClientHook hook = client.hooks("ReactorNettyClientCalls", ReactorNettyClientHook.class,
                    OutboundCalls.class, telemetry.calls()).apply(oldest.loadClass(CLIENT));
            Class<?> httpClient = oldest.loadClass(CLIENT);
            Object sender = httpClient.getMethod("get").invoke(httpClient.getMethod("create").invoke(null));
            Object receiver = oldest.loadClass(CLIENT + "$UriConfiguration").getMethod("uri", String.class)
                    .invoke(sender, "http://127.0.0.1:1/users/7");
            Object traced = hook.traced(receiver);
            hook.exited();

            assertNotNull(traced, "a request with an absolute URI is traced");
            assertNotSame(receiver, traced);
            assertTrue(oldest.loadClass(CLIENT + "$ResponseReceiver").isInstance(traced));
            assertSame(oldest, hook.getClass().getClassLoader().getParent(), "the glue links to this copy");

            ReactorNettyServerHook serverHook = server.hooks("ReactorNettyServerCalls", ReactorNettyServerHook.class,
                    HttpServerTracer.class, new HttpServerTracer(OpenTelemetry.noop())).apply(oldest.loadClass(SERVER));
            BiFunction<Object, Object, Object> handler = (request, response) -> null;
            Object wrapped = serverHook.handler(handler);
            assertNotSame(handler, wrapped);
            assertSame(wrapped, serverHook.handler(wrapped), "a handler is wrapped once");
        }
    }

    @Test
    void theLineBeforeOneZeroIsLeftAlone() throws Exception {
        try (URLClassLoader older = copy("unsupported")) {
            assertNotNull(older.getResource(CLIENT.replace('.', '/') + ".class"));
            assertFalse(client.loaders().matches(older));
            assertFalse(server.loaders().matches(older));
        }
    }

    /** One copy's jars over the platform loader: the test's own class path stays out of sight. */
    private static URLClassLoader copy(String folder) throws Exception {
        try (Stream<Path> jars = Files.list(COPIES.resolve(folder))) {
            List<URL> urls = jars.sorted().map(jar -> {
                try {
                    return jar.toUri().toURL();
                } catch (MalformedURLException unusable) {
                    throw new IllegalStateException(unusable);
                }
            }).collect(Collectors.toList());
            return new URLClassLoader(urls.toArray(new URL[0]), ClassLoader.getPlatformClassLoader());
        }
    }
}
