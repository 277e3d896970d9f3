package dev.callsight.collector.store;

import java.util.List;

/** Builds a WHERE clause from optional filters: a condition and its value join only when the value is set. */
final class SqlConditions {

    private SqlConditions() {
    }

    static void add(List<String> conditions, List<Object> values, String condition, Object value) {
        if (value != null) {
            conditions.add(condition);
            values.add(value);
        }
    }
}
