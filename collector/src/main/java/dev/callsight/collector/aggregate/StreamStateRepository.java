package dev.callsight.collector.aggregate;

import java.sql.SQLException;
import java.util.Optional;

/** Where last-seen cumulative states live; implemented on the ingest transaction so they commit with it. */
public interface StreamStateRepository {

    Optional<StreamState> find(String streamId) throws SQLException;

    void save(String streamId, StreamState state) throws SQLException;
}
