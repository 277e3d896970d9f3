package dev.callsight.agent.core;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.IllegalClassFormatException;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.Iterator;
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
 * moments, and no call through such a library runs uninstrumented. Once ready, every class goes to the
 * instrumentation's transformer, which Byte Buddy registers as an inert twin ({@link #decorator}): one transformer
 * sees each class, whenever it started loading.
 */
final class StartupGate implements ClassFileTransformer {

    private final List<String> gatedPrefixes;
    private final long maxWaitMillis;
    private final CountDownLatch settled = new CountDownLatch(1);
    private volatile ClassFileTransformer instrumentation;

    /** @param types class names or name prefixes, as the modules declare them */
    StartupGate(List<String> types, long maxWaitMillis) {
        this.gatedPrefixes = types.stream().map(prefix -> prefix.replace('.', '/')).collect(Collectors.toUnmodifiableList());
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

    /** From here on every class goes to {@code transformer}; classes waiting at the gate go on to it. */
    void open(ClassFileTransformer transformer) {
        instrumentation = transformer;
        settled.countDown();
    }

    /**
     * Hands Byte Buddy's transformer to the gate, which opens, and registers an inert twin in its place: the gate is
     * already in every class load's list of transformers, Byte Buddy's would join only the loads that start later.
     */
    AgentBuilder.TransformerDecorator decorator() {
        return transformer -> {
            open(transformer);
            return new Inert(transformer);
        };
    }

    /** The install failed: classes waiting at the gate load as they are. */
    void abandon() {
        settled.countDown();
    }

    @Override
    public byte[] transform(Module module, ClassLoader loader, String className, Class<?> classBeingRedefined,
            ProtectionDomain protectionDomain, byte[] classfileBuffer) throws IllegalClassFormatException {
        ClassFileTransformer ready = instrumentation;
        if (ready == null) {
            if (classBeingRedefined != null || className == null || !gated(className) || InternalThread.isCurrent()
                    || !awaitInstall(className)) {
                return null;
            }
            ready = instrumentation;
            if (ready == null) {
                return null;
            }
        }
        return ready.transform(module, loader, className, classBeingRedefined, protectionDomain, classfileBuffer);
    }

    private boolean gated(String internalName) {
        for (String prefix : gatedPrefixes) {
            if (internalName.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    private boolean awaitInstall(String className) {
        try {
            if (settled.await(maxWaitMillis, TimeUnit.MILLISECONDS)) {
                return true;
            }
            AgentLog.warn("still starting after " + maxWaitMillis + " ms; " + className.replace('/', '.')
                    + " loads before its instrumentation, which applies once the agent has started", null);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
        return false;
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
