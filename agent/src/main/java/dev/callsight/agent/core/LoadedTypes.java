package dev.callsight.agent.core;

import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.List;
import net.bytebuddy.agent.builder.AgentBuilder;

/**
 * The already loaded classes Byte Buddy weighs for retransformation when the agent installs: all but the agent's own.
 * In premain half the loaded classes are the agent's (Byte Buddy, the SDK), and a name test here is far cheaper than
 * the type description and matchers Byte Buddy would run for each before ignoring it.
 */
final class LoadedTypes implements AgentBuilder.RedefinitionStrategy.DiscoveryStrategy {

    private final List<String> ignoredPrefixes;

    LoadedTypes(List<String> ignoredPrefixes) {
        this.ignoredPrefixes = List.copyOf(ignoredPrefixes);
    }

    @Override
    public Iterable<Iterable<Class<?>>> resolve(Instrumentation instrumentation) {
        Class<?>[] loaded = instrumentation.getAllLoadedClasses();
        List<Class<?>> considered = new ArrayList<>(loaded.length);
        for (Class<?> type : loaded) {
            if (!ignored(type.getName())) {
                considered.add(type);
            }
        }
        return List.of(considered);
    }

    private boolean ignored(String typeName) {
        for (String prefix : ignoredPrefixes) {
            if (typeName.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
