package dev.callsight.collector.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a tag search matches is what the Jaeger model shows, as text, though the two read the attributes apart. */
class SpanTagsTest {

    @Test
    void searchableTextsAreTheJaegerTagsAsText() {
        String attributes = "{\"http.request.method\":\"GET\",\"server.port\":8080,\"ratio\":0.25,\"big\":1e3,"
                + "\"huge\":123456789012345678901,\"negative\":-0,\"retry\":true,\"gone\":null,"
                + "\"list\":[1,\"two\",{\"three\":3}],\"map\":{\"a\":[]},\"quote\":\"say \\\"hi\\\"\\n\","
                + "\"dup\":\"first\",\"service.instance.id\":\"span's own\",\"dup\":\"second\"}";
        SpanRecord span = new SpanRecord("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331", null, "checkout",
                "scope", "GET /pay", SpanRecord.KIND_CLIENT, 1, 2, 2, "boom", "GET", "payments", 8080, "/pay", 503,
                "timeout", 1, attributes, "{\"service.name\":\"checkout\",\"service.instance.id\":\"i-1\","
                        + "\"host.cores\":2}", "[]", "[]");

        Map<String, String> expected = new LinkedHashMap<>(SpanTags.processTexts(span));
        SpanTags.spanTags(span).forEach(tag -> expected.put(tag.getKey(), SpanTags.text(tag.getValue())));

        Map<String, String> searchable = SpanTags.searchable(span);
        assertEquals(expected, searchable);
        assertEquals(List.copyOf(expected.keySet()), List.copyOf(searchable.keySet()));
        assertEquals("8080", searchable.get("server.port"));
        assertEquals("1000.0", searchable.get("big"));
        assertEquals("second", searchable.get("dup"));
        assertEquals("span's own", searchable.get("service.instance.id"));
    }
}
