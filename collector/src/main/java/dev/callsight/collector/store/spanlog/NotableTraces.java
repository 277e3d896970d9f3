package dev.callsight.collector.store.spanlog;

import dev.callsight.collector.store.SpanRecord;
import dev.callsight.collector.store.SpanTags;
import dev.callsight.collector.store.TraceKeepReason;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.MultiTerms;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.PrefixQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.Scorer;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TermRangeQuery;
import org.apache.lucene.search.Weight;
import org.apache.lucene.util.BytesRef;

/**
 * Which traces are notable, read from an hour's index after their spans arrived: a span that timed out (the agent's
 * {@code callsight.timeout.kind}, or {@code callsight.timeout.would_exceed} in observe mode), was a retry
 * ({@code http.request.resend_count} above 0), failed (status error or an {@code error.type}) or lasted longer than
 * its service's slow threshold. Asked of the index as it is, so hours indexed before the rule existed, and thresholds
 * changed since, are judged alike: a query finds the span groups that may hold such a span ({@link SpanDocuments}),
 * and each of their spans is then judged by itself.
 */
final class NotableTraces {

    private static final List<String> TIMEOUT_KEYS = List.of("callsight.timeout.kind",
            "callsight.timeout.would_exceed");
    private static final List<String> RESEND_KEYS = List.of("http.request.resend_count", "http.resend_count");

    /** Visits each trace of an hour once, with the first reason any of its spans there has, or null. */
    interface TraceVisitor {
        void visit(String traceId, TraceKeepReason reason);
    }

    private final SlowThresholds slow;
    /** The groups that may hold a notable span. */
    private final Query mayBeNotable;

    NotableTraces(SlowThresholds slow) {
        this.slow = slow;
        BooleanQuery.Builder any = new BooleanQuery.Builder();
        Stream.concat(TIMEOUT_KEYS.stream(), RESEND_KEYS.stream())
                .forEach(key -> any.add(tagPrefix(key), BooleanClause.Occur.SHOULD));
        any.add(new TermQuery(new Term(SpanDocuments.TAG, SpanDocuments.tag("otel.status_code", "ERROR"))),
                BooleanClause.Occur.SHOULD);
        any.add(new TermRangeQuery(SpanDocuments.ERROR_TYPE, null, null, true, true), BooleanClause.Occur.SHOULD);
        any.add(slower(slow), BooleanClause.Occur.SHOULD);
        mayBeNotable = any.build();
    }

    private static Query tagPrefix(String key) {
        return new PrefixQuery(new Term(SpanDocuments.TAG, SpanDocuments.tag(key, "")));
    }

    /** Groups with a span longer than its service's threshold, or than the default for services without one. */
    private static Query slower(SlowThresholds slow) {
        BooleanQuery.Builder slower = new BooleanQuery.Builder();
        Set<BytesRef> own = new HashSet<>();
        slow.services().forEach((service, threshold) -> {
            own.add(new BytesRef(service));
            slower.add(new BooleanQuery.Builder()
                    .add(new TermQuery(new Term(SpanDocuments.SERVICE, service)), BooleanClause.Occur.FILTER)
                    .add(longerThan(threshold), BooleanClause.Occur.FILTER).build(), BooleanClause.Occur.SHOULD);
        });
        BooleanQuery.Builder others = new BooleanQuery.Builder().add(longerThan(slow.byDefault()),
                BooleanClause.Occur.FILTER);
        if (!own.isEmpty()) {
            others.add(new TermInSetQuery(SpanDocuments.SERVICE, own), BooleanClause.Occur.MUST_NOT);
        }
        slower.add(others.build(), BooleanClause.Occur.SHOULD);
        return slower.build();
    }

    private static Query longerThan(Duration threshold) {
        return LongPoint.newRangeQuery(SpanDocuments.LONGEST, threshold.toNanos() + 1, Long.MAX_VALUE);
    }

    /** The first reason a span makes its trace notable, or null. */
    TraceKeepReason reason(SpanRecord span) {
        Map<String, String> tags = SpanTags.searchable(span);
        if (TIMEOUT_KEYS.stream().anyMatch(tags::containsKey)) {
            return TraceKeepReason.TIMEOUT;
        }
        if (RESEND_KEYS.stream().map(tags::get).anyMatch(count -> count != null && !count.equals("0"))) {
            return TraceKeepReason.RETRY;
        }
        if ("ERROR".equals(tags.get("otel.status_code")) || span.errorType() != null) {
            return TraceKeepReason.ERROR;
        }
        Duration threshold = slow.services().getOrDefault(span.serviceName(), slow.byDefault());
        return span.durationNano() > threshold.toNanos() ? TraceKeepReason.SLOW : null;
    }

    /** Adds each notable trace of an hour to {@code found}, under the first reason it has there or already had. */
    void collect(IndexSearcher searcher, Map<String, TraceKeepReason> found) throws IOException {
        notable(searcher).forEach((traceId, reason) -> found.merge(traceId, reason, NotableTraces::first));
    }

    /** Visits every trace of an hour, in trace ID order. */
    void scan(IndexSearcher searcher, TraceVisitor visitor) throws IOException {
        Map<String, TraceKeepReason> notable = notable(searcher);
        Terms terms = MultiTerms.getTerms(searcher.getIndexReader(), SpanDocuments.TRACE_ID);
        if (terms == null) {
            return;
        }
        TermsEnum traceIds = terms.iterator();
        for (BytesRef traceId = traceIds.next(); traceId != null; traceId = traceIds.next()) {
            String id = traceId.utf8ToString();
            visitor.visit(id, notable.get(id));
        }
    }

    /** The notable traces of an hour, each with the first reason one of its spans there has. */
    private Map<String, TraceKeepReason> notable(IndexSearcher searcher) throws IOException {
        Map<String, TraceKeepReason> notable = new HashMap<>();
        IndexReader reader = searcher.getIndexReader();
        StoredFields stored = reader.storedFields();
        Weight weight = searcher.createWeight(searcher.rewrite(mayBeNotable), ScoreMode.COMPLETE_NO_SCORES, 1);
        for (LeafReaderContext leaf : reader.leaves()) {
            Scorer scorer = weight.scorer(leaf);
            if (scorer == null) {
                continue;
            }
            DocIdSetIterator docs = scorer.iterator();
            for (int doc = docs.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = docs.nextDoc()) {
                for (SpanRecord span : SpanDocuments.spans(stored.document(leaf.docBase + doc,
                        Set.of(SpanDocuments.SPANS)))) {
                    TraceKeepReason reason = reason(span);
                    if (reason != null) {
                        notable.merge(span.traceId(), reason, NotableTraces::first);
                    }
                }
            }
        }
        return notable;
    }

    /** The reason checked first of two, either of which may be null. */
    static TraceKeepReason first(TraceKeepReason one, TraceKeepReason other) {
        return one == null ? other : other == null ? one : one.compareTo(other) <= 0 ? one : other;
    }
}
