package dev.callsight.collector.ingest;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.callsight.collector.aggregate.BreakerStateExtractor;
import dev.callsight.collector.aggregate.CallEventAggregator;
import dev.callsight.collector.aggregate.CallEventPointExtractor;
import dev.callsight.collector.aggregate.DurationPoint;
import dev.callsight.collector.aggregate.DurationPointExtractor;
import dev.callsight.collector.aggregate.InvalidTelemetryException;
import dev.callsight.collector.aggregate.RollupAggregator;
import dev.callsight.collector.aggregate.StreamState;
import dev.callsight.collector.aggregate.StreamStateRepository;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Timeout;

/**
 * Any body, protobuf or JSON, decodes and maps to the rows the collector would store, or is refused with the
 * collector's own 400 exceptions; nothing else may escape, and nothing may hang. Inputs that once broke this live
 * under {@code src/test/resources/dev/callsight/collector/ingest/OtlpDecoderFuzzTestInputs/} and are replayed in
 * every build; {@code bench/fuzz.sh} fuzzes.
 */
class OtlpDecoderFuzzTest {

    private final OtlpDecoder decoder = new OtlpDecoder();

    @FuzzTest
    @Timeout(10)
    void protobuf(byte[] body) throws SQLException {
        decodeAndMap(body, OtlpEncoding.PROTOBUF);
    }

    @FuzzTest
    @Timeout(10)
    void json(byte[] body) throws SQLException {
        decodeAndMap(body, OtlpEncoding.JSON);
    }

    private void decodeAndMap(byte[] body, OtlpEncoding encoding) throws SQLException {
        try {
            new SpanRecordMapper(IngestLimits.DEFAULTS.maxAttributeLength())
                    .map(decoder.decodeTraces(body, encoding));
        } catch (RequestRejectedException | InvalidTelemetryException expected) {
            // The documented refusal: 400 with a message.
        }
        try {
            ExportMetricsServiceRequest metrics = decoder.decodeMetrics(body, encoding);
            MemoryStates states = new MemoryStates();
            List<DurationPoint> points = new DurationPointExtractor().extract(metrics);
            new RollupAggregator().aggregate(points, states);
            new CallEventAggregator().aggregate(new CallEventPointExtractor().extract(metrics), states);
            new BreakerStateExtractor().extract(metrics);
        } catch (RequestRejectedException | InvalidTelemetryException expected) {
            // As above.
        }
    }

    /** The cumulative-stream states the ingest transaction would keep in H2. */
    private static final class MemoryStates implements StreamStateRepository {
        private final Map<String, StreamState> states = new HashMap<>();

        @Override
        public Optional<StreamState> find(String streamId) {
            return Optional.ofNullable(states.get(streamId));
        }

        @Override
        public void save(String streamId, StreamState state) {
            states.put(streamId, state);
        }
    }
}
