package dev.callsight.collector.store.spanlog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.callsight.collector.store.SpanRecord;
import java.util.List;
import org.junit.jupiter.api.Test;

class SpanCodecTest {

    @Test
    void aGroupsSpansComeBackAsTheyWentInWhateverTheyShare() {
        SpanRecord first = Spans.client(Spans.traceId(1), Spans.spanId(1), "checkout", 1_000, 5_000, "payments", 8080,
                "/pay/{id}", 200, null, "{\"attempt\":1}");
        SpanRecord same = Spans.client(Spans.traceId(2), Spans.spanId(1), "checkout", 2_000, 5_000, "payments", 8080,
                "/pay/{id}", 200, null, "{\"attempt\":1}");
        SpanRecord different = new SpanRecord(Spans.traceId(2), Spans.spanId(2), Spans.spanId(1), "checkout", "",
                "GET /pay/{id}", SpanRecord.KIND_SERVER, 3_000, 2_500, 2, "ü broken", null, null, null, null, null,
                "java.io.IOException", 3, "{}", "{\"service.name\":\"checkout\"}", "[]", "[]");
        List<SpanRecord> group = List.of(first, same, different, first);
        byte[] bytes = SpanCodec.encodeGroup(group);
        assertEquals(group, SpanCodec.decodeGroup(bytes, 0, bytes.length));
        byte[] padded = new byte[bytes.length + 7];
        System.arraycopy(bytes, 0, padded, 3, bytes.length);
        assertEquals(group, SpanCodec.decodeGroup(padded, 3, bytes.length));
        assertEquals(first, SpanCodec.decode(SpanCodec.encode(first), 0, SpanCodec.encode(first).length));
    }

    @Test
    void aFirstSpanCannotReferToASpanBeforeIt() {
        // One span whose trace ID claims to be the span before's.
        byte[] bytes = {1, 1};
        assertThrows(IllegalArgumentException.class, () -> SpanCodec.decodeGroup(bytes, 0, bytes.length));
    }
}
