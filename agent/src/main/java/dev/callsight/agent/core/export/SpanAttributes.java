package dev.callsight.agent.core.export;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * A {@link RecordedSpan}'s attributes: keys and values side by side in one array, in the order they were set, a
 * repeated key replacing its value. A span holds about ten, so a scan beats a hash table and costs one array, where
 * the SDK's span keeps four. Written only by its span, under the span's lock, until the span ends; read after.
 */
final class SpanAttributes implements Attributes {

    /** An HTTP client attempt's attributes, with room for an error's. */
    private static final int INITIAL_PAIRS = 10;

    private final int limit;
    private final int valueLengthLimit;
    private Object[] pairs = new Object[INITIAL_PAIRS * 2];
    private int size;
    /** Every attribute set, those over the limit included: OTLP reports the difference as dropped. */
    private int total;

    SpanAttributes(int limit, int valueLengthLimit) {
        this.limit = limit;
        this.valueLengthLimit = valueLengthLimit;
    }

    <T> void put(AttributeKey<T> key, T value) {
        if (key == null || key.getKey().isEmpty() || value == null) {
            return;
        }
        Object kept = value instanceof String && ((String) value).length() > valueLengthLimit
                ? ((String) value).substring(0, valueLengthLimit) : value;
        for (int i = 0; i < size * 2; i += 2) {
            if (pairs[i].equals(key)) {
                pairs[i + 1] = kept;
                return;
            }
        }
        total++;
        if (size >= limit) {
            return;
        }
        if (size * 2 == pairs.length) {
            pairs = Arrays.copyOf(pairs, pairs.length * 2);
        }
        pairs[size * 2] = key;
        pairs[size * 2 + 1] = kept;
        size++;
    }

    int total() {
        return total;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T get(AttributeKey<T> key) {
        for (int i = 0; i < size * 2; i += 2) {
            if (pairs[i].equals(key)) {
                return (T) pairs[i + 1];
            }
        }
        return null;
    }

    @Override
    public void forEach(BiConsumer<? super AttributeKey<?>, ? super Object> consumer) {
        for (int i = 0; i < size * 2; i += 2) {
            consumer.accept((AttributeKey<?>) pairs[i], pairs[i + 1]);
        }
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public boolean isEmpty() {
        return size == 0;
    }

    @Override
    public Map<AttributeKey<?>, Object> asMap() {
        Map<AttributeKey<?>, Object> map = new LinkedHashMap<>();
        forEach(map::put);
        return map;
    }

    @Override
    @SuppressWarnings("unchecked")
    public AttributesBuilder toBuilder() {
        AttributesBuilder builder = Attributes.builder();
        forEach((key, value) -> builder.put((AttributeKey<Object>) key, value));
        return builder;
    }

    @Override
    public String toString() {
        return asMap().toString();
    }
}
