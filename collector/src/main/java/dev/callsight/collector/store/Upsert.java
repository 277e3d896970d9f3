package dev.callsight.collector.store;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A standard SQL {@code MERGE} that inserts a row or overwrites the row with the same key, one parameter per
 * column in the order given. H2 and PostgreSQL (15 and later) both run it; H2's own {@code MERGE ... KEY} is not
 * portable. Each parameter is cast to its column's type, since PostgreSQL cannot infer parameter types inside
 * {@code VALUES}.
 */
final class Upsert {

    private Upsert() {
    }

    /**
     * @param key the key columns, a subset of the columns
     * @param columns {@code name TYPE} for every column, e.g. {@code "trace_id VARCHAR"}
     */
    static String sql(String table, List<String> key, String... columns) {
        List<String> names = new ArrayList<>();
        List<String> casts = new ArrayList<>();
        for (String column : columns) {
            int space = column.indexOf(' ');
            names.add(column.substring(0, space));
            casts.add("CAST(? AS " + column.substring(space + 1) + ")");
        }
        List<String> values = names.stream().filter(name -> !key.contains(name)).toList();
        return "MERGE INTO " + table + " t USING (VALUES (" + String.join(", ", casts) + ")) s ("
                + String.join(", ", names) + ") ON "
                + key.stream().map(k -> "t." + k + " = s." + k).collect(Collectors.joining(" AND "))
                + (values.isEmpty() ? "" : " WHEN MATCHED THEN UPDATE SET "
                        + values.stream().map(v -> v + " = s." + v).collect(Collectors.joining(", ")))
                + " WHEN NOT MATCHED THEN INSERT (" + String.join(", ", names) + ") VALUES ("
                + names.stream().map(n -> "s." + n).collect(Collectors.joining(", ")) + ")";
    }
}
