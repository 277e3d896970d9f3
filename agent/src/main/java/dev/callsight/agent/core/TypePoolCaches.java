package dev.callsight.agent.core;

import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.pool.TypePool;

/**
 * Type descriptions read from class files, kept per class loader across class loads. Matching a class against
 * {@code hasSuperType} (the servlet modules do, for every class a web application loads) walks its superclasses and
 * interfaces; without a cache each class load parses them again, so a Spring Boot start reads the same framework base
 * classes thousands of times. Soft references let the JVM drop the descriptions under memory pressure, and the map is
 * weak, so a web application's loader can go.
 */
final class TypePoolCaches extends AgentBuilder.PoolStrategy.WithTypePoolCache {

    private final SdkInternals.WeakIdentityMap<ClassLoader, TypePool.CacheProvider> caches =
            SdkInternals.weakIdentityMap();
    private final TypePool.CacheProvider bootstrap = new TypePool.CacheProvider.Simple.UsingSoftReference();

    TypePoolCaches() {
        super(TypePool.Default.ReaderMode.FAST);
    }

    @Override
    protected TypePool.CacheProvider locate(ClassLoader loader) {
        if (loader == null) {
            return bootstrap;
        }
        TypePool.CacheProvider cache = caches.get(loader);
        if (cache == null) {
            // Two threads may both create one; the loser's is dropped, which costs a few parses at most.
            cache = new TypePool.CacheProvider.Simple.UsingSoftReference();
            caches.put(loader, cache);
        }
        return cache;
    }
}
