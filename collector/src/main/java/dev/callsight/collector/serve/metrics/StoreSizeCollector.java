package dev.callsight.collector.serve.metrics;

import dev.callsight.collector.store.Database;
import io.prometheus.client.Collector;
import io.prometheus.client.GaugeMetricFamily;
import java.util.List;
import java.util.OptionalLong;

/** {@code callsight_store_size_bytes}, read from the store at each scrape; absent when the store cannot tell. */
public final class StoreSizeCollector extends Collector {

    private final Database database;

    public StoreSizeCollector(Database database) {
        this.database = database;
    }

    @Override
    public List<MetricFamilySamples> collect() {
        OptionalLong size = database.sizeBytes();
        if (size.isEmpty()) {
            return List.of();
        }
        return List.of(new GaugeMetricFamily("callsight_store_size_bytes", "Size of the H2 data file in bytes.",
                size.getAsLong()));
    }
}
