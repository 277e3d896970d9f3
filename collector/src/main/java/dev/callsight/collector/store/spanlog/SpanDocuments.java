package dev.callsight.collector.store.spanlog;

import dev.callsight.collector.store.SpanRecord;
import dev.callsight.collector.store.SpanTags;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;

/**
 * A span as a Lucene document: exact-match keyword fields for what searches filter on, points for the ranges, the
 * start time also as doc values (same field name, so Lucene's sort skips what cannot be in the top hits), and the
 * span's encoded bytes as the one stored field.
 */
final class SpanDocuments {

    static final String TRACE_ID = "trace_id";
    static final String SERVICE = "service";
    static final String NAME = "name";
    static final String KIND = "kind";
    /** {@code service}, NUL, kind, NUL, name: what lists a service's operations from the term dictionary. */
    static final String OPERATION = "operation";
    static final String PEER = "peer";
    static final String ROUTE = "route";
    static final String STATUS = "status";
    static final String ERROR_TYPE = "error_type";
    /** {@code key=value} for every tag a Jaeger search can ask for ({@link SpanTags#searchable}). */
    static final String TAG = "tag";
    static final String START = "start";
    static final String DURATION = "duration";
    static final String SPAN = "span";
    /** Where the span's record ends in the log ({@link LogPosition#packed}): the later of two copies wins. */
    static final String LOG_POSITION = "log_position";
    static final char SEPARATOR = '\u0000';
    /**
     * Longest value indexed as a term, in chars: Lucene refuses terms over 32,766 UTF-8 bytes (and a refused document
     * would stop indexing), and at three bytes a char this stays under it. A longer value is stored, not searchable.
     */
    static final int MAX_TERM_CHARS = 8_000;

    private SpanDocuments() {
    }

    /** The documents of one log record's spans; {@code after} is the position after the record. */
    static List<Document> ofRecord(LogPosition after, byte[] payload) {
        List<SpanCodec.Slice> spans = SpanCodec.spans(payload);
        List<Document> documents = new ArrayList<>(spans.size());
        // A batch's spans mostly share a resource: its tags are worked out once.
        Map<String, Map<String, String>> processTags = new HashMap<>();
        for (SpanCodec.Slice slice : spans) {
            SpanRecord span = slice.decode();
            documents.add(of(span, slice.bytes(), slice.offset(), slice.length(), after,
                    processTags.computeIfAbsent(span.resourceAttributesJson(), json -> SpanTags.processTexts(span))));
        }
        return documents;
    }

    /** @param processTags the span's process tags ({@link SpanTags#processTexts}), shared by spans of a resource */
    private static Document of(SpanRecord span, byte[] bytes, int offset, int length, LogPosition record,
            Map<String, String> processTags) {
        Document document = new Document();
        keyword(document, TRACE_ID, span.traceId());
        keyword(document, SERVICE, span.serviceName());
        keyword(document, NAME, span.name());
        keyword(document, KIND, Integer.toString(span.kind()));
        keyword(document, OPERATION, operation(span.serviceName(), span.kind(), span.name()));
        if (span.serverAddress() != null) {
            keyword(document, PEER, peer(span.serverAddress(), span.serverPort()));
        }
        keyword(document, ROUTE, span.route());
        keyword(document, STATUS, span.httpStatusCode() == null ? null : span.httpStatusCode().toString());
        keyword(document, ERROR_TYPE, span.errorType());
        for (Map.Entry<String, String> tag : SpanTags.searchable(span, processTags).entrySet()) {
            keyword(document, TAG, tag(tag.getKey(), tag.getValue()));
        }
        document.add(new LongPoint(START, span.startUnixNano()));
        document.add(new NumericDocValuesField(START, span.startUnixNano()));
        document.add(new LongPoint(DURATION, span.durationNano()));
        document.add(new StoredField(SPAN, bytes, offset, length));
        document.add(new StoredField(LOG_POSITION, record.packed()));
        return document;
    }

    static String operation(String service, int kind, String name) {
        return service + SEPARATOR + kind + SEPARATOR + name;
    }

    static String peer(String address, Integer port) {
        return address + ":" + port;
    }

    static String tag(String key, String value) {
        return key + "=" + value;
    }

    private static void keyword(Document document, String field, String value) {
        if (value != null && value.length() <= MAX_TERM_CHARS) {
            document.add(new StringField(field, value, Field.Store.NO));
        }
    }
}
