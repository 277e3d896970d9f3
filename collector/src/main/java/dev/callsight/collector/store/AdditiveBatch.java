package dev.callsight.collector.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Adds counts to rollup rows in two batches: an UPDATE adding to the rows that exist, then an INSERT of the rows
 * that did not. Both statements bind the same parameters in the same order. Callers serialise writers: two
 * transactions inserting the same new row at once would collide on the primary key.
 */
final class AdditiveBatch<T> {

    /** Binds one row's counts and key to a statement. */
    @FunctionalInterface
    interface Binder<T> {
        void bind(PreparedStatement statement, T row) throws SQLException;
    }

    private final String update;
    private final String insert;
    private final Binder<T> binder;

    AdditiveBatch(String update, String insert, Binder<T> binder) {
        this.update = update;
        this.insert = insert;
        this.binder = binder;
    }

    void add(Connection connection, List<T> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        int[] updated;
        try (PreparedStatement statement = connection.prepareStatement(update)) {
            for (T row : rows) {
                binder.bind(statement, row);
                statement.addBatch();
            }
            updated = statement.executeBatch();
        }
        List<T> missing = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            if (updated[i] == 0) {
                missing.add(rows.get(i));
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        try (PreparedStatement statement = connection.prepareStatement(insert)) {
            for (T row : missing) {
                binder.bind(statement, row);
                statement.addBatch();
            }
            statement.executeBatch();
        }
    }
}
