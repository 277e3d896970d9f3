package dev.callsight.collector.store;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The few statements that differ between the stores the collector supports; everything else it writes is
 * standard SQL that both run as is.
 */
public enum SqlDialect {

    /** H2's own {@code MERGE ... KEY}, its fastest upsert. */
    H2 {
        @Override
        String upsert(String table, List<String> columns, List<String> keyColumns) {
            return "MERGE INTO " + table + " (" + String.join(", ", columns) + ") KEY (" + String.join(", ", keyColumns)
                    + ") VALUES (" + placeholders(columns) + ")";
        }

        @Override
        String sizeQuery() {
            return "SELECT CAST(SETTING_VALUE AS BIGINT) FROM INFORMATION_SCHEMA.SETTINGS "
                    + "WHERE SETTING_NAME = 'info.FILE_SIZE'";
        }
    },

    /** {@code INSERT ... ON CONFLICT}, atomic under concurrent writers, unlike PostgreSQL's MERGE. */
    POSTGRESQL {
        @Override
        String upsert(String table, List<String> columns, List<String> keyColumns) {
            List<String> updated = columns.stream().filter(column -> !keyColumns.contains(column)).toList();
            return "INSERT INTO " + table + " (" + String.join(", ", columns) + ") VALUES (" + placeholders(columns)
                    + ") ON CONFLICT (" + String.join(", ", keyColumns) + ") DO "
                    + (updated.isEmpty() ? "NOTHING" : "UPDATE SET " + updated.stream()
                            .map(column -> column + " = EXCLUDED." + column).collect(Collectors.joining(", ")));
        }

        @Override
        String sizeQuery() {
            return "SELECT pg_database_size(current_database())";
        }
    };

    /** The dialect of a JDBC URL. */
    public static SqlDialect of(String jdbcUrl) {
        String url = jdbcUrl.toLowerCase(Locale.ROOT);
        if (url.startsWith("jdbc:h2:")) {
            return H2;
        }
        if (url.startsWith("jdbc:postgresql:")) {
            return POSTGRESQL;
        }
        throw new IllegalArgumentException("unsupported store " + jdbcUrl
                + ": use jdbc:h2:... (embedded) or jdbc:postgresql://host:port/database");
    }

    /** Inserts a row of {@code columns}, or replaces the row with the same {@code keyColumns}. */
    abstract String upsert(String table, List<String> columns, List<String> keyColumns);

    /** One row, one column: the store's size in bytes. */
    abstract String sizeQuery();

    /** A plain insert of one row, the same in every dialect. */
    static String insert(String table, List<String> columns) {
        return "INSERT INTO " + table + " (" + String.join(", ", columns) + ") VALUES (" + placeholders(columns) + ")";
    }

    private static String placeholders(List<String> columns) {
        return columns.stream().map(column -> "?").collect(Collectors.joining(", "));
    }
}
