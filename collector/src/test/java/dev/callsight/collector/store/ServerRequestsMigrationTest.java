package dev.callsight.collector.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * V5 rebuilds both rollup tables with call_kind in the key: rows stored before it become client rows, and a run
 * cut short after any of its statements completes cleanly when the migration runs again.
 */
class ServerRequestsMigrationTest {

    @TempDir
    Path dir;

    @Test
    void storedRollupsBecomeClientRowsWhereverAnEarlierRunStopped() throws Exception {
        MigrationScripts.rerunAfterEachStop(dir, "V5__server_requests.sql", statement -> {
            MigrationScripts.apply(statement, "V1__initial.sql", "V2__slo.sql", "V3__call_events.sql",
                    "V4__jaeger_query.sql");
            for (String table : List.of("rollup_minute (minute_unix_s", "rollup_hour (hour_unix_s")) {
                statement.execute("INSERT INTO " + table + ", service_name, server_address, server_port, route, "
                        + "http_method, http_status_code, error_type, call_count, sum_seconds, b00, b01, b02, b03, "
                        + "b04, b05, b06, b07, b08, b09, b10, b11, b12, b13, b14) VALUES (3600, 'checkout', "
                        + "'users.internal', 443, '/users/{id}', 'GET', 200, '', 7, 0.7, 7, 0, 0, 0, 0, 0, 0, 0, 0, "
                        + "0, 0, 0, 0, 0, 0)");
            }
        }, (statement, done) -> {
            for (String table : List.of("rollup_minute", "rollup_hour")) {
                assertEquals("client|7|7", MigrationScripts.firstValue(statement, "SELECT call_kind || '|' || call_count || '|' || b00 FROM "
                        + table), table + " after a run cut short after " + done + " statements");
                String time = table.equals("rollup_minute") ? "minute_unix_s" : "hour_unix_s";
                statement.execute("INSERT INTO " + table + " SELECT " + time + ", service_name, server_address, "
                        + "server_port, route, http_method, http_status_code, error_type, 'server', call_count, "
                        + "sum_seconds, b00, b01, b02, b03, b04, b05, b06, b07, b08, b09, b10, b11, b12, b13, b14 "
                        + "FROM " + table);
                assertEquals("2", MigrationScripts.firstValue(statement, "SELECT COUNT(*) FROM " + table), "client and server rows coexist");
            }
            assertEquals("0", MigrationScripts.firstValue(statement, "SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_NAME LIKE "
                    + "'ROLLUP\\_%\\_V_'"), "no table left aside");
        });
    }
}
