package dev.callsight.collector.store.spanlog;

import dev.callsight.collector.store.SpanRecord;
import java.io.IOException;
import java.util.List;
import org.apache.lucene.index.BinaryDocValues;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.util.BytesRef;

/**
 * The spans and log positions of a reader's span documents ({@link SpanDocuments}), read from their doc values by
 * document ID. Doc values are read forward only: each segment's readers are kept for the next document after, and
 * made again for one before (a newest-first walk goes mostly backwards). Not for more than one thread.
 */
final class GroupValues {

    private final List<LeafReaderContext> leaves;
    private final BinaryDocValues[] spans;
    private final NumericDocValues[] positions;

    GroupValues(IndexReader reader) {
        this.leaves = reader.leaves();
        this.spans = new BinaryDocValues[leaves.size()];
        this.positions = new NumericDocValues[leaves.size()];
    }

    /** The spans of document {@code doc} (an ID of the whole reader), in the order they were logged. */
    List<SpanRecord> spans(int doc) throws IOException {
        int leaf = ReaderUtil.subIndex(doc, leaves);
        int target = doc - leaves.get(leaf).docBase;
        if (spans[leaf] == null || spans[leaf].docID() >= target) {
            spans[leaf] = leaves.get(leaf).reader().getBinaryDocValues(SpanDocuments.SPANS);
        }
        if (spans[leaf] == null || !spans[leaf].advanceExact(target)) {
            return List.of();
        }
        BytesRef bytes = spans[leaf].binaryValue();
        return SpanCodec.decodeGroup(bytes.bytes, bytes.offset, bytes.length);
    }

    /** Where document {@code doc}'s record ends in the log ({@link LogPosition#packed}). */
    long logPosition(int doc) throws IOException {
        int leaf = ReaderUtil.subIndex(doc, leaves);
        int target = doc - leaves.get(leaf).docBase;
        if (positions[leaf] == null || positions[leaf].docID() >= target) {
            positions[leaf] = leaves.get(leaf).reader().getNumericDocValues(SpanDocuments.LOG_POSITION);
        }
        if (positions[leaf] == null || !positions[leaf].advanceExact(target)) {
            throw new IOException("span document " + doc + " has no log position");
        }
        return positions[leaf].longValue();
    }
}
