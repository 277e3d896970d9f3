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
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
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
     * instrumentation are built on agent threads while the application's main runs, behind a {@link StartupGate};
     * the policy file is read here first, so a bad one is reported before the application starts and the first
     * call already runs under it. Should a library the gate guards be loaded already, the install stays on this
     * thread, since its calls could otherwise run uninstrumented. Either way the SDK starts on a thread of its own,
     * beside Byte Buddy's matching and retransforming, the two longest steps of the start.
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
        FutureTask<Telemetry> telemetry = new FutureTask<>(() -> Telemetry.start(policies));
        Thread sdk = InternalThread.create(telemetry, "callsight-sdk");
        boolean behindGate = offMainThread && !gate.anyGated(instrumentation.getAllLoadedClasses());
        Runnable install = () -> install(instrumentation, modules, serverModules, telemetry, behindGate, gate, start);
        Thread installer = behindGate ? InternalThread.create(install, "callsight-start") : Thread.currentThread();
        gate.installOn(installer, sdk);
        sdk.start();
        if (behindGate) {
            installer.start();
        } else {
            install.run();
        }
    }

    /** What the hooks report to, built on the SDK's thread. */
    private static final class Telemetry {

        private final OutboundCalls calls;
        private final HttpServerTracer serverTracer;
        private final long millis;

        private Telemetry(OutboundCalls calls, HttpServerTracer serverTracer, long millis) {
            this.calls = calls;
            this.serverTracer = serverTracer;
            this.millis = millis;
        }

        static Telemetry start(PolicySet policies) {
            long begun = System.nanoTime();
            TelemetryBootstrap.Sdk sdk = TelemetryBootstrap.start(new RootTraceIds());
            return new Telemetry(new OutboundCalls(sdk.openTelemetry(), sdk.spans(), policies),
                    new HttpServerTracer(sdk.openTelemetry()),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begun));
        }

        void publish(List<InstrumentationModule> modules, List<ServerModule> serverModules) {
            modules.forEach(module -> module.publish(calls));
            serverModules.forEach(module -> module.publish(serverTracer));
        }
    }

    private static void install(Instrumentation instrumentation, List<InstrumentationModule> modules,
            List<ServerModule> serverModules, Future<Telemetry> telemetry, boolean behindGate, StartupGate gate,
            long start) {
        try {
            long begun = System.nanoTime();
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
                builder = module.extend(builder);
                names.append(names.length() == 0 ? "" : ", ").append(module.name());
            }
            for (ServerModule module : serverModules) {
                builder = module.extend(builder);
                names.append(names.length() == 0 ? "" : ", ").append(module.name());
            }
            Telemetry ready;
            if (behindGate) {
                // Every class whose advice reports to the hooks waits at the gate, so the hooks may follow the advice.
                builder.installOn(instrumentation);
                ready = telemetry.get();
                ready.publish(modules, serverModules);
            } else {
                ready = telemetry.get();
                ready.publish(modules, serverModules);
                builder.installOn(instrumentation);
            }
            long end = System.nanoTime();
            AgentLog.info("agent started in " + TimeUnit.NANOSECONDS.toMillis(end - start) + " ms ("
                    + (InternalThread.isCurrent() ? "off the main thread, which it held "
                            + TimeUnit.NANOSECONDS.toMillis(begun - start) + " ms; " : "")
                    + "SDK " + ready.millis + " ms beside the instrumentation's "
                    + TimeUnit.NANOSECONDS.toMillis(end - begun) + " ms); instrumenting " + names);
        } catch (Throwable t) {
            AgentLog.warn("agent disabled, could not start", t instanceof ExecutionException ? t.getCause() : t);
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
