package dev.callsight.agent.core;

import static net.bytebuddy.matcher.ElementMatchers.isSynthetic;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;

import dev.callsight.agent.bootstrap.Hooks;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import java.lang.instrument.Instrumentation;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.TimeUnit;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.Nexus;
import net.bytebuddy.utility.JavaModule;

/** Starts the SDK, publishes each module's hooks and installs its advice. */
public final class AgentInstaller {

    /** How long the JVM's exit may wait for the last spans and metrics to reach the collector. */
    private static final long SHUTDOWN_FLUSH_MILLIS = 2_000;

    private AgentInstaller() {}

    /** Must run after the bootstrap package has been injected. */
    public static void install(Instrumentation instrumentation, List<InstrumentationModule> modules,
            List<ServerModule> serverModules, String agentArguments) {
        long start = System.nanoTime();
        // The advice needs no injected initialiser; turning the nexus off keeps Byte Buddy away
        // from sun.misc.Unsafe, which JDK 24+ warns about on the application's stderr.
        System.setProperty(Nexus.PROPERTY, "true");
        ExportDrops drops = new ExportDrops();
        OpenTelemetrySdk sdk = TelemetryBootstrap.build(drops);
        OutboundCalls calls = new OutboundCalls(sdk, PolicyLoader.load(agentArguments));
        HttpServerTracer serverTracer = new HttpServerTracer(sdk);
        long sdkReady = System.nanoTime();
        Runtime.getRuntime().addShutdownHook(InternalThread.create(() -> flushWithin(sdk), "callsight-shutdown"));

        AgentBuilder builder = new AgentBuilder.Default(new ByteBuddy().with(TypeValidation.DISABLED))
                .disableClassFormatChanges()
                .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
                .with(AgentBuilder.InitializationStrategy.NoOp.INSTANCE)
                .with(AgentBuilder.TypeStrategy.Default.REDEFINE)
                .with(new FailureListener())
                // Byte Buddy ignores bootstrap classes by default; the JDK's HTTP clients live there. Only the
                // agent's own classes are left alone, not every dev.callsight one: the tests' applications live there.
                .ignore(nameStartsWith("dev.callsight.agent.").or(nameStartsWith("dev.callsight.shaded."))
                        .or(nameStartsWith("net.bytebuddy.")).or(isSynthetic()))
                .assureReadEdgeFromAndTo(instrumentation, Hooks.class);
        StringBuilder names = new StringBuilder();
        for (InstrumentationModule module : modules) {
            builder = module.extend(builder, calls);
            names.append(names.length() == 0 ? "" : ", ").append(module.name());
        }
        for (ServerModule module : serverModules) {
            builder = module.extend(builder, serverTracer);
            names.append(names.length() == 0 ? "" : ", ").append(module.name());
        }
        builder.installOn(instrumentation);
        long end = System.nanoTime();
        AgentLog.info("agent started in " + TimeUnit.NANOSECONDS.toMillis(end - start) + " ms (SDK "
                + TimeUnit.NANOSECONDS.toMillis(sdkReady - start) + " ms, instrumentation "
                + TimeUnit.NANOSECONDS.toMillis(end - sdkReady) + " ms); instrumenting " + names);
    }

    /**
     * The SDK's shutdown blocks on the last metric export and then hands back a result that
     * completes when the last spans are out; a slow or absent collector can stretch either to the
     * exporter's timeout and retries. The JVM waits for this hook, so it waits a bounded time.
     */
    private static void flushWithin(OpenTelemetrySdk sdk) {
        CompletableFuture<Void> flushed = new CompletableFuture<>();
        InternalThread.create(() -> sdk.shutdown().whenComplete(() -> flushed.complete(null)), "callsight-flush").start();
        try {
            flushed.get(SHUTDOWN_FLUSH_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException notFlushed) {
            // Whatever did not reach the collector in time is lost; the application's exit is not held up.
        }
    }

    /** Reports a type the agent could not instrument; the type is left as it was. */
    private static final class FailureListener extends AgentBuilder.Listener.Adapter {
        @Override
        public void onError(String typeName, ClassLoader classLoader, JavaModule module, boolean loaded,
                Throwable throwable) {
            AgentLog.warn("could not instrument " + typeName, throwable);
        }

        @Override
        public void onTransformation(TypeDescription type, ClassLoader loader, JavaModule module, boolean loaded,
                DynamicType dynamicType) {
            if (Boolean.getBoolean("callsight.debug")) {
                AgentLog.info("instrumented " + type.getName());
            }
        }
    }
}
