package dev.callsight.agent.core;

import static net.bytebuddy.matcher.ElementMatchers.isSynthetic;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;
import static net.bytebuddy.matcher.ElementMatchers.none;

import dev.callsight.agent.bootstrap.Hooks;
import dev.callsight.agent.core.client.OutboundCalls;
import dev.callsight.agent.core.export.RootTraceIds;
import dev.callsight.agent.core.export.TelemetryBootstrap;
import dev.callsight.agent.core.server.HttpServerTracer;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import java.lang.instrument.Instrumentation;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.Nexus;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.utility.JavaModule;

/** Starts the SDK, publishes each module's hooks and installs its advice. */
public final class AgentInstaller {

    /**
     * Left alone: the agent's own classes, not every dev.callsight one (the tests' applications live there). Byte Buddy
     * ignores bootstrap classes by default, but the JDK's HTTP clients live there.
     */
    private static final List<String> AGENT_PACKAGES =
            List.of("dev.callsight.agent.", "dev.callsight.shaded.", "net.bytebuddy.");

    private AgentInstaller() {}

    /** Must run after the bootstrap package has been injected. */
    public static void install(Instrumentation instrumentation, List<InstrumentationModule> modules,
            List<ServerModule> serverModules, String agentArguments) {
        long start = System.nanoTime();
        // The advice needs no injected initialiser; turning the nexus off keeps Byte Buddy away
        // from sun.misc.Unsafe, which JDK 24+ warns about on the application's stderr.
        System.setProperty(Nexus.PROPERTY, "true");
        RootTraceIds rootIds = new RootTraceIds();
        OpenTelemetrySdk sdk = TelemetryBootstrap.start(rootIds);
        OutboundCalls calls = new OutboundCalls(sdk, rootIds, PolicyLoader.load(agentArguments));
        HttpServerTracer serverTracer = new HttpServerTracer(sdk);
        long sdkReady = System.nanoTime();

        AgentBuilder builder = new AgentBuilder.Default(new ByteBuddy().with(TypeValidation.DISABLED))
                .disableClassFormatChanges()
                .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
                .with(new LoadedTypes(AGENT_PACKAGES))
                .with(AgentBuilder.InitializationStrategy.NoOp.INSTANCE)
                .with(AgentBuilder.TypeStrategy.Default.REDEFINE)
                .with(new TypePoolCaches())
                .with(new FailureListener())
                .ignore(agentPackages().or(isSynthetic()))
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

    private static ElementMatcher.Junction<TypeDescription> agentPackages() {
        ElementMatcher.Junction<TypeDescription> matcher = none();
        for (String prefix : AGENT_PACKAGES) {
            matcher = matcher.or(nameStartsWith(prefix));
        }
        return matcher;
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
