package dev.callsight.agent.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * What glue keeps per library object (a connection, an exchange) for as long as the application holds that object:
 * weak keys, so it costs nothing once the object is let go of, split into stripes by identity hash, so threads on the
 * per-call path rarely wait on each other's lock. The keys' classes must not override equals (library connections and
 * exchanges do not).
 */
public final class WeakStripes<K, V> {

    private static final int STRIPES = 16;

    private final List<Map<K, V>> stripes = new ArrayList<>(STRIPES);

    public WeakStripes() {
        for (int i = 0; i < STRIPES; i++) {
            stripes.add(Collections.synchronizedMap(new WeakHashMap<>()));
        }
    }

    /** The synchronized map that holds {@code key}; a compound action on it synchronizes on the map. */
    public Map<K, V> of(K key) {
        return stripes.get(System.identityHashCode(key) & (STRIPES - 1));
    }
}
