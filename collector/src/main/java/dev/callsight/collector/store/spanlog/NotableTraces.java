package dev.callsight.collector.store.spanlog;

import dev.callsight.collector.store.TraceKeepReason;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.MultiTerms;
import org.apache.lucene.index.PostingsEnum;
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
import org.apache.lucene.util.FixedBitSet;

/**
 * Which traces are notable, read from an hour's index after their spans arrived: a span that timed out (the agent's
 * {@code callsight.timeout.kind}, or {@code callsight.timeout.would_exceed} in observe mode), was a retry
 * ({@code http.request.resend_count} above 0), failed (status error or an {@code error.type}) or lasted longer than
 * its service's slow threshold. Asked of the index as it is, so hours indexed before the rule existed, and thresholds
 * changed since, are judged alike.
 */
final class NotableTraces {

    /** Visits each trace of an hour once, with the first reason any of its spans there has, or null. */
    interface TraceVisitor {
        void visit(String traceId, TraceKeepReason reason);
    }

    private final Map<TraceKeepReason, Query> queries = new EnumMap<>(TraceKeepReason.class);

    NotableTraces(SlowThresholds slow) {
        queries.put(TraceKeepReason.TIMEOUT, anyOf(tagPrefix("callsight.timeout.kind"),
                tagPrefix("callsight.timeout.would_exceed")));
        BooleanQuery.Builder retried = new BooleanQuery.Builder();
        for (String key : List.of("http.request.resend_count", "http.resend_count")) {
            retried.add(tagPrefix(key), BooleanClause.Occur.SHOULD);
            retried.add(new TermQuery(new Term(SpanDocuments.TAG, SpanDocuments.tag(key, "0"))),
                    BooleanClause.Occur.MUST_NOT);
        }
        queries.put(TraceKeepReason.RETRY, retried.build());
        queries.put(TraceKeepReason.ERROR, anyOf(
                new TermQuery(new Term(SpanDocuments.TAG, SpanDocuments.tag("otel.status_code", "ERROR"))),
                new TermRangeQuery(SpanDocuments.ERROR_TYPE, null, null, true, true)));
        queries.put(TraceKeepReason.SLOW, slower(slow));
    }

    private static Query tagPrefix(String key) {
        return new PrefixQuery(new Term(SpanDocuments.TAG, SpanDocuments.tag(key, "")));
    }

    private static Query anyOf(Query... queries) {
        BooleanQuery.Builder any = new BooleanQuery.Builder();
        for (Query query : queries) {
            any.add(query, BooleanClause.Occur.SHOULD);
        }
        return any.build();
    }

    /** Spans longer than their service's threshold, or than the default for services without one. */
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
        return LongPoint.newRangeQuery(SpanDocuments.DURATION, threshold.toNanos() + 1, Long.MAX_VALUE);
    }

    /** Adds each notable trace of an hour to {@code found}, under the first reason it has there or already had. */
    void collect(IndexSearcher searcher, Map<String, TraceKeepReason> found) throws IOException {
        scan(searcher, true, (traceId, reason) -> found.merge(traceId, reason, NotableTraces::first));
    }

    /** Visits every trace of an hour, in trace ID order. */
    void scan(IndexSearcher searcher, TraceVisitor visitor) throws IOException {
        scan(searcher, false, visitor);
    }

    private void scan(IndexSearcher searcher, boolean notableOnly, TraceVisitor visitor) throws IOException {
        List<TraceKeepReason> reasons = new ArrayList<>();
        List<FixedBitSet> matches = new ArrayList<>();
        for (Map.Entry<TraceKeepReason, Query> reason : queries.entrySet()) {
            FixedBitSet docs = matching(searcher, reason.getValue());
            if (docs.cardinality() > 0) {
                reasons.add(reason.getKey());
                matches.add(docs);
            }
        }
        Terms terms = MultiTerms.getTerms(searcher.getIndexReader(), SpanDocuments.TRACE_ID);
        if (terms == null || (notableOnly && reasons.isEmpty())) {
            return;
        }
        TermsEnum traceIds = terms.iterator();
        PostingsEnum docs = null;
        for (BytesRef traceId = traceIds.next(); traceId != null; traceId = traceIds.next()) {
            TraceKeepReason reason = null;
            if (!reasons.isEmpty()) {
                docs = traceIds.postings(docs, PostingsEnum.NONE);
                for (int doc = docs.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = docs.nextDoc()) {
                    for (int i = 0; i < reasons.size(); i++) {
                        if (matches.get(i).get(doc)) {
                            reason = first(reason, reasons.get(i));
                            break;
                        }
                    }
                }
            }
            if (reason != null || !notableOnly) {
                visitor.visit(traceId.utf8ToString(), reason);
            }
        }
    }

    /** The documents of the whole index (doc IDs across its segments, as a multi-segment postings list has them). */
    private static FixedBitSet matching(IndexSearcher searcher, Query query) throws IOException {
        IndexReader reader = searcher.getIndexReader();
        FixedBitSet docs = new FixedBitSet(Math.max(1, reader.maxDoc()));
        Weight weight = searcher.createWeight(searcher.rewrite(query), ScoreMode.COMPLETE_NO_SCORES, 1);
        for (LeafReaderContext leaf : reader.leaves()) {
            Scorer scorer = weight.scorer(leaf);
            if (scorer != null) {
                DocIdSetIterator matched = scorer.iterator();
                for (int doc = matched.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = matched.nextDoc()) {
                    docs.set(leaf.docBase + doc);
                }
            }
        }
        return docs;
    }

    /** The reason checked first of two, either of which may be null. */
    static TraceKeepReason first(TraceKeepReason one, TraceKeepReason other) {
        return one == null ? other : other == null ? one : one.compareTo(other) <= 0 ? one : other;
    }
}
