package dev.callsight.agent.core;

import static net.bytebuddy.matcher.ElementMatchers.isSynthetic;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;
import static net.bytebuddy.matcher.ElementMatchers.none;

import dev.callsight.agent.bootstrap.Hooks;
import dev.callsight.agent.core.client.OutboundCalls;
import dev.callsight.agent.core.export.RootTraceIds;
import dev.callsight.agent.core.export.TelemetryBootstrap;
import dev.callsight.agent.core.policy.PolicySet;
import dev.callsight.agent.core.server.HttpServerTracer;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
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

/** Starts the SDK, publishes each module's hooks and installs its advice, off the application's main thread. */
public final class AgentInstaller {

    /**
     * Left alone: the agent's own classes, not every dev.callsight one (the tests' applications live there). Byte Buddy
     * ignores bootstrap classes by default, but the JDK's HTTP clients live there.
     */
    private static final List<String> AGENT_PACKAGES =
            List.of("dev.callsight.agent.", "dev.callsight.shaded.", "net.bytebuddy.");

    /**
     * How long a class of an instrumented library waits for a starting agent: far longer than an install takes on a
     * loaded machine, yet bounded, so a stuck install costs the application its instrumentation, never its progress.
     */
    private static final long GATE_WAIT_MILLIS = 30_000;

    private AgentInstaller() {}

    /**
     * Must run after the bootstrap package has been injected. With {@code offMainThread} (premain) the SDK and the
     * instrumentation are built on an agent thread while the application's main runs, behind a {@link StartupGate};
     * the policy file is read here first, so a bad one is reported before the application starts and the first
     * call already runs under it. Should a library the gate guards be loaded already, the install stays on this
     * thread, since its calls could otherwise run uninstrumented.
     */
    public static void start(Instrumentation instrumentation, List<InstrumentationModule> modules,
            List<ServerModule> serverModules, String agentArguments, boolean offMainThread) {
        long start = System.nanoTime();
        // The advice needs no injected initialiser; turning the nexus off keeps Byte Buddy away
        // from sun.misc.Unsafe, which JDK 24+ warns about on the application's stderr.
        System.setProperty(Nexus.PROPERTY, "true");
        PolicySet policies = PolicyLoader.load(agentArguments);
        StartupGate gate = new StartupGate(gatedTypes(modules, serverModules), GATE_WAIT_MILLIS);
        instrumentation.addTransformer(gate, true);
        Runnable install = () -> install(instrumentation, modules, serverModules, policies, gate, start);
        if (offMainThread && !gate.anyGated(instrumentation.getAllLoadedClasses())) {
            Thread installer = InternalThread.create(install, "callsight-start");
            gate.installOn(installer);
            installer.start();
        } else {
            gate.installOn(Thread.currentThread());
            install.run();
        }
    }

    private static void install(Instrumentation instrumentation, List<InstrumentationModule> modules,
            List<ServerModule> serverModules, PolicySet policies, StartupGate gate, long start) {
        try {
            long begun = System.nanoTime();
            RootTraceIds rootIds = new RootTraceIds();
            OpenTelemetrySdk sdk = TelemetryBootstrap.start(rootIds);
            OutboundCalls calls = new OutboundCalls(sdk, rootIds, policies);
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
                    .with(gate.decorator())
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
            AgentLog.info("agent started in " + TimeUnit.NANOSECONDS.toMillis(end - start) + " ms ("
                    + (InternalThread.isCurrent() ? "off the main thread, which it held "
                            + TimeUnit.NANOSECONDS.toMillis(begun - start) + " ms; " : "")
                    + "SDK " + TimeUnit.NANOSECONDS.toMillis(sdkReady - begun) + " ms, instrumentation "
                    + TimeUnit.NANOSECONDS.toMillis(end - sdkReady) + " ms); instrumenting " + names);
        } catch (Throwable t) {
            AgentLog.warn("agent disabled, could not start", t);
        } finally {
            gate.release();
        }
    }

    private static List<String> gatedTypes(List<InstrumentationModule> modules, List<ServerModule> serverModules) {
        List<String> types = new ArrayList<>();
        modules.forEach(module -> types.addAll(module.gatedTypes()));
        serverModules.forEach(module -> types.addAll(module.gatedTypes()));
        return types;
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
