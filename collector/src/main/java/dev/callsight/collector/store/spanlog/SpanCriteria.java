package dev.callsight.collector.store.spanlog;

import dev.callsight.collector.store.SpanRecord;
import dev.callsight.collector.store.SpanTags;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.util.BytesRef;

/**
 * What a search asks of spans, said twice by each criterion as it is added: as a Lucene filter over the span
 * documents ({@link SpanDocuments}), which finds the groups that may hold a match, and as a test of one span, which
 * decides. A group's document holds the union of its spans' trace IDs and tags and the range of their starts and
 * durations, so a document can match where none of its spans does.
 */
final class SpanCriteria {

    private final BooleanQuery.Builder filters = new BooleanQuery.Builder();
    private final List<Predicate<SpanRecord>> tests = new ArrayList<>();
    private boolean filtered;

    /** Spans started within [{@code fromNano}, {@code toNano}]. */
    SpanCriteria startedWithin(long fromNano, long toNano) {
        if (fromNano != Long.MIN_VALUE) {
            filter(LongPoint.newRangeQuery(SpanDocuments.NEWEST, fromNano, Long.MAX_VALUE));
        }
        if (toNano != Long.MAX_VALUE) {
            filter(LongPoint.newRangeQuery(SpanDocuments.OLDEST, Long.MIN_VALUE, toNano));
        }
        tests.add(span -> span.startUnixNano() >= fromNano && span.startUnixNano() <= toNano);
        return this;
    }

    /** Spans whose {@code field}, as {@code of} gives it, is {@code value}; a null value asks nothing. */
    SpanCriteria is(String field, String value, Function<SpanRecord, String> of) {
        if (value != null) {
            filter(new TermQuery(new Term(field, value)));
            tests.add(span -> value.equals(of.apply(span)));
        }
        return this;
    }

    /** Spans lasting at least {@code minNano} and at most {@code maxNano}; either may be null. */
    SpanCriteria lasting(Long minNano, Long maxNano) {
        if (minNano != null) {
            filter(LongPoint.newRangeQuery(SpanDocuments.LONGEST, minNano, Long.MAX_VALUE));
            tests.add(span -> span.durationNano() >= minNano);
        }
        if (maxNano != null) {
            filter(LongPoint.newRangeQuery(SpanDocuments.SHORTEST, Long.MIN_VALUE, maxNano));
            tests.add(span -> span.durationNano() <= maxNano);
        }
        return this;
    }

    /** Spans carrying every one of {@code tags} ({@link SpanTags#searchable}). */
    SpanCriteria tagged(Map<String, String> tags) {
        if (!tags.isEmpty()) {
            tags.forEach((key, value) -> filter(new TermQuery(new Term(SpanDocuments.TAG, SpanDocuments.tag(key,
                    value)))));
            tests.add(span -> {
                Map<String, String> present = SpanTags.searchable(span);
                return tags.entrySet().stream().allMatch(tag -> tag.getValue().equals(present.get(tag.getKey())));
            });
        }
        return this;
    }

    /** Spans of one of {@code traceIds}. */
    SpanCriteria ofTraces(Set<String> traceIds) {
        filter(new TermInSetQuery(SpanDocuments.TRACE_ID, traceIds.stream().map(BytesRef::new).toList()));
        tests.add(span -> traceIds.contains(span.traceId()));
        return this;
    }

    /** The documents that may hold a matching span. */
    Query query() {
        return filtered ? filters.build() : new MatchAllDocsQuery();
    }

    boolean matches(SpanRecord span) {
        for (Predicate<SpanRecord> test : tests) {
            if (!test.test(span)) {
                return false;
            }
        }
        return true;
    }

    private void filter(Query query) {
        filters.add(query, BooleanClause.Occur.FILTER);
        filtered = true;
    }
}
