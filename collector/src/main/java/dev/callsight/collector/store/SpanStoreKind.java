package dev.callsight.collector.store;

import java.util.Arrays;
import java.util.Locale;

/** Which engine keeps the spans: the span log with its search indexes (default), or the JDBC store's table. */
public enum SpanStoreKind {
    LOG,
    JDBC;

    /** {@code log} or {@code jdbc}, as the {@code --span-store} flag spells it. */
    public static SpanStoreKind of(String name) {
        return Arrays.stream(values()).filter(kind -> kind.label().equals(name.toLowerCase(Locale.ROOT))).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown span store '" + name + "': use log or jdbc"));
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
