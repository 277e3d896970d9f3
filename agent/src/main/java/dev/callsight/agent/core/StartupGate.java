package dev.callsight.agent.core;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.IllegalClassFormatException;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.agent.builder.ResettableClassFileTransformer;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.utility.JavaModule;

/**
 * The agent's one registered class file transformer while it installs off the application's main thread. Until the
 * instrumentation is ready, a class that carries an instrumented library's calls waits for it as it loads, then is
 * transformed as it loads; every other class loads at once and, if instrumented at all, is retransformed when the
 * install finishes. So the application never waits for the agent unless it reaches for an HTTP library in its first
 * moments, and no call through such a library runs uninstrumented. Every class goes to the instrumentation's
 * transformer once Byte Buddy has built it, which it registers as an inert twin ({@link #decorator}): one transformer
 * sees each class, whenever it started loading.
 */
final class StartupGate implements ClassFileTransformer {

    private final List<String> gatedPrefixes;
    private final long maxWaitMillis;
    private final CountDownLatch settled = new CountDownLatch(1);
    private volatile ClassFileTransformer instrumentation;
    private volatile List<Thread> installers = List.of();

    /** @param types class names or name prefixes, as the modules declare them */
    StartupGate(List<String> types, long maxWaitMillis) {
        this.gatedPrefixes =
                types.stream().map(prefix -> prefix.replace('.', '/')).collect(Collectors.toUnmodifiableList());
        this.maxWaitMillis = maxWaitMillis;
    }

    /** Whether a gated class is among {@code loaded}: its calls could run before the install. */
    boolean anyGated(Class<?>[] loaded) {
        for (Class<?> type : loaded) {
            if (gated(type.getName().replace('.', '/'))) {
                return true;
            }
        }
        return false;
    }

    /**
     * The threads that install (the instrumentation's and the SDK's) pass without waiting, which would be on
     * themselves. The agent's other threads wait like the application's: an exporter loading the JDK HttpClient ahead
     * of its first export would otherwise load it untransformed, and the application's first calls would use it so
     * until the install retransformed it.
     */
    void installOn(Thread... threads) {
        installers = List.of(threads);
    }

    /**
     * From here on every class, and every retransformation, goes to {@code transformer}; classes that carry calls keep
     * waiting until {@link #release}.
     */
    void delegateTo(ClassFileTransformer transformer) {
        instrumentation = transformer;
    }

    /**
     * The install is done, the classes loaded before it retransformed (executors, logging): the classes waiting at
     * the gate load, through the instrumentation if there is one.
     */
    void release() {
        settled.countDown();
    }

    /**
     * Hands Byte Buddy's transformer to the gate and registers an inert twin in its place: the gate is already in
     * every class load's list of transformers, Byte Buddy's would join only the loads that start later.
     */
    AgentBuilder.TransformerDecorator decorator() {
        return transformer -> {
            delegateTo(transformer);
            return new Inert(transformer);
        };
    }

    @Override
    public byte[] transform(Module module, ClassLoader loader, String className, Class<?> classBeingRedefined,
            ProtectionDomain protectionDomain, byte[] classfileBuffer) throws IllegalClassFormatException {
        if (settled.getCount() > 0 && classBeingRedefined == null && className != null && gated(className)
                && !installers.contains(Thread.currentThread())) {
            awaitInstall(className);
        }
        ClassFileTransformer ready = instrumentation;
        return ready == null ? null
                : ready.transform(module, loader, className, classBeingRedefined, protectionDomain, classfileBuffer);
    }

    private boolean gated(String internalName) {
        for (String prefix : gatedPrefixes) {
            if (internalName.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    private void awaitInstall(String className) {
        try {
            if (!settled.await(maxWaitMillis, TimeUnit.MILLISECONDS)) {
                AgentLog.warn("still starting after " + maxWaitMillis + " ms; " + className.replace('/', '.')
                        + " loads before its instrumentation, which applies once the agent has started", null);
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Registered for Byte Buddy's transformer, whose work the gate does; answers for it everywhere but there. */
    private static final class Inert extends ResettableClassFileTransformer.AbstractBase {

        private final ResettableClassFileTransformer transformer;

        Inert(ResettableClassFileTransformer transformer) {
            this.transformer = transformer;
        }

        @Override
        public Iterator<AgentBuilder.Transformer> iterator(TypeDescription typeDescription, ClassLoader classLoader,
                JavaModule module, Class<?> classBeingRedefined, ProtectionDomain protectionDomain) {
            return transformer.iterator(typeDescription, classLoader, module, classBeingRedefined, protectionDomain);
        }

        @Override
        public boolean reset(Instrumentation instrumentation,
                ResettableClassFileTransformer classFileTransformer, AgentBuilder.RedefinitionStrategy strategy,
                AgentBuilder.RedefinitionStrategy.DiscoveryStrategy discovery,
                AgentBuilder.RedefinitionStrategy.BatchAllocator batches,
                AgentBuilder.RedefinitionStrategy.Listener listener) {
            return transformer.reset(instrumentation, classFileTransformer, strategy, discovery, batches, listener);
        }
    }
}
