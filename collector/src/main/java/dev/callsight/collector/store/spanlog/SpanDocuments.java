package dev.callsight.collector.store.spanlog;

import dev.callsight.collector.store.SpanRecord;
import dev.callsight.collector.store.SpanTags;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.util.BytesRef;

/**
 * A log record's spans as Lucene documents, one per group of spans that share what a search names exactly (service,
 * kind, name, peer, route, HTTP status and error type) and the decade of their duration. A group's document holds
 * those once, the union of its spans' trace IDs and tags, the range of their start times and durations, and their
 * encoded bytes as the one stored field. So a document answers "may hold a match"; readers check each of its spans
 * ({@link SpanCriteria}). Indexing a span as a document of its own cost some 18 terms and three points a span, and
 * was most of the collector's CPU at ingest; a batch of an agent's spans mostly falls into a few dozen groups. The
 * duration's decade (under 10 ms, under 100 ms, under 1 s, ...) keeps slow spans apart from fast ones, so a minimum
 * duration at a decade's start (1 s) matches no document of faster spans: a search by a tag and a minimum duration
 * read some 14 documents for each span it found when a call site's spans of every duration shared one.
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
    /** The earliest start of the group's spans, a point. */
    static final String OLDEST = "oldest";
    /**
     * The latest start of the group's spans, a point and doc values under one name, so Lucene's newest-first sort
     * skips what cannot be in the top hits.
     */
    static final String NEWEST = "newest";
    static final String SHORTEST = "shortest";
    static final String LONGEST = "longest";
    /** The group's spans, each encoded after the one before ({@link SpanCodec#encodeGroup}). */
    static final String SPANS = "spans";
    /** How many spans the group holds, as doc values: what counts the store's spans. */
    static final String SPAN_COUNT = "span_count";
    /** Where the spans' record ends in the log ({@link LogPosition#packed}): the later of two copies wins. */
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
        // A batch's spans mostly share a resource, and many a call site's spans their attributes: the tags of each
        // are worked out once.
        Map<String, Map<String, String>> processTags = new HashMap<>();
        Map<TagSource, List<String>> tags = new HashMap<>();
        Map<GroupKey, Group> groups = new LinkedHashMap<>();
        for (SpanCodec.Slice slice : SpanCodec.spans(payload)) {
            SpanRecord span = slice.decode();
            TagSource source = TagSource.of(span);
            Group group = groups.computeIfAbsent(GroupKey.of(span), key -> new Group());
            group.add(span);
            if (group.tagSources.add(source)) {
                group.tags.addAll(tags.computeIfAbsent(source, same -> tagTerms(span, processTags.computeIfAbsent(
                        span.resourceAttributesJson(), json -> SpanTags.processTexts(span)))));
            }
        }
        List<Document> documents = new ArrayList<>(groups.size());
        groups.forEach((key, group) -> documents.add(group.document(key, after)));
        return documents;
    }

    /** The span's tags as {@link #TAG} terms. */
    private static List<String> tagTerms(SpanRecord span, Map<String, String> processTags) {
        Map<String, String> searchable = SpanTags.searchable(span, processTags);
        List<String> terms = new ArrayList<>(searchable.size());
        searchable.forEach((key, value) -> terms.add(tag(key, value)));
        return terms;
    }

    /** The spans a document holds. */
    static List<SpanRecord> spans(Document document) {
        BytesRef bytes = document.getBinaryValue(SPANS);
        return SpanCodec.decodeGroup(bytes.bytes, bytes.offset, bytes.length);
    }

    static String operation(String service, int kind, String name) {
        return service + SEPARATOR + kind + SEPARATOR + name;
    }

    /*
     * What a document holds of a field as its term's text, and so what a search asks for: one function per field,
     * used by both.
     */

    /** A peer as {@link #PEER} holds it, or null when there is no address. */
    static String peer(String address, Integer port) {
        return address == null ? null : address + ":" + port;
    }

    /** The peer a span called, as {@link #PEER} holds it, or null. */
    static String peer(SpanRecord span) {
        return peer(span.serverAddress(), span.serverPort());
    }

    /** A span kind as {@link #KIND} holds it. */
    static String kind(int kind) {
        return Integer.toString(kind);
    }

    /** An HTTP status as {@link #STATUS} holds it, or null. */
    static String status(Integer httpStatus) {
        return httpStatus == null ? null : httpStatus.toString();
    }

    static String tag(String key, String value) {
        return key + "=" + value;
    }

    /** What the spans of a group share. */
    private record GroupKey(String service, int kind, String name, String serverAddress, Integer serverPort,
            String route, Integer status, String errorType, int durationDecade) {

        static GroupKey of(SpanRecord span) {
            return new GroupKey(span.serviceName(), span.kind(), span.name(), span.serverAddress(), span.serverPort(),
                    span.route(), span.httpStatusCode(), span.errorType(), decade(span.durationNano()));
        }

        /** How many digits the duration in nanoseconds has: 7 for 1 ms up to 10 ms. */
        private static int decade(long durationNano) {
            int digits = 1;
            for (long rest = durationNano; rest >= 10; rest /= 10) {
                digits++;
            }
            return digits;
        }
    }

    /** What a span's tags are made of ({@link SpanTags#searchable}). */
    private record TagSource(String attributesJson, String resourceAttributesJson, String scopeName, int kind,
            int statusCode, String statusMessage) {

        static TagSource of(SpanRecord span) {
            return new TagSource(span.attributesJson(), span.resourceAttributesJson(), span.scopeName(), span.kind(),
                    span.statusCode(), span.statusMessage());
        }
    }

    private static final class Group {
        private final List<SpanRecord> spans = new ArrayList<>();
        private final Set<String> traceIds = new LinkedHashSet<>();
        private final Set<TagSource> tagSources = new HashSet<>();
        private final Set<String> tags = new HashSet<>();
        private long oldest = Long.MAX_VALUE;
        private long newest = Long.MIN_VALUE;
        private long shortest = Long.MAX_VALUE;
        private long longest = Long.MIN_VALUE;

        void add(SpanRecord span) {
            spans.add(span);
            traceIds.add(span.traceId());
            oldest = Math.min(oldest, span.startUnixNano());
            newest = Math.max(newest, span.startUnixNano());
            shortest = Math.min(shortest, span.durationNano());
            longest = Math.max(longest, span.durationNano());
        }

        Document document(GroupKey key, LogPosition record) {
            Document document = new Document();
            keyword(document, SERVICE, key.service());
            keyword(document, NAME, key.name());
            keyword(document, KIND, kind(key.kind()));
            keyword(document, OPERATION, operation(key.service(), key.kind(), key.name()));
            keyword(document, PEER, peer(key.serverAddress(), key.serverPort()));
            keyword(document, ROUTE, key.route());
            keyword(document, STATUS, status(key.status()));
            keyword(document, ERROR_TYPE, key.errorType());
            traceIds.forEach(traceId -> keyword(document, TRACE_ID, traceId));
            tags.forEach(tag -> keyword(document, TAG, tag));
            document.add(new LongPoint(OLDEST, oldest));
            document.add(new LongPoint(NEWEST, newest));
            document.add(new NumericDocValuesField(NEWEST, newest));
            document.add(new LongPoint(SHORTEST, shortest));
            document.add(new LongPoint(LONGEST, longest));
            document.add(new StoredField(SPANS, SpanCodec.encodeGroup(spans)));
            document.add(new NumericDocValuesField(SPAN_COUNT, spans.size()));
            document.add(new StoredField(LOG_POSITION, record.packed()));
            return document;
        }
    }

    private static void keyword(Document document, String field, String value) {
        if (value != null && value.length() <= MAX_TERM_CHARS) {
            document.add(new StringField(field, value, Field.Store.NO));
        }
    }
}
