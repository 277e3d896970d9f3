package dev.callsight.collector.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * V22 fills rollup_total from the minute rollups already stored, summed per call key, and a run cut short after any
 * of its statements completes cleanly, counting nothing twice, when the migration runs again.
 */
class RollupTotalMigrationTest {

    @TempDir
    Path dir;

    @Test
    void storedMinutesAreSummedPerCallKeyWhereverAnEarlierRunStopped() throws Exception {
        MigrationScripts.rerunAfterEachStop(dir, "V22__rollup_total.sql", statement -> {
            MigrationScripts.apply(statement, "V1__initial.sql", "V2__slo.sql", "V3__call_events.sql",
                    "V4__jaeger_query.sql", "V5__server_requests.sql");
            for (String minute : List.of("60, 200, 7, 0.7, 7", "120, 200, 5, 0.5, 5", "120, 503, 1, 2.5, 0")) {
                statement.execute("INSERT INTO rollup_minute (minute_unix_s, http_status_code, call_count, "
                        + "sum_seconds, b05, service_name, server_address, server_port, route, http_method, "
                        + "error_type, call_kind, b00, b01, b02, b03, b04, b06, b07, b08, b09, b10, b11, b12, b13, "
                        + "b14) VALUES (" + minute + ", 'checkout', 'users.internal', 443, '/users/{id}', 'GET', "
                        + "'', 'client', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)");
            }
        }, (statement, done) -> {
            assertEquals("200|12|1.2|12;503|1|2.5|0", MigrationScripts.firstValue(statement,
                    "SELECT LISTAGG(http_status_code || '|' || call_count || '|' || sum_seconds || '|' || b05, ';') "
                            + "WITHIN GROUP (ORDER BY http_status_code) FROM rollup_total"),
                    "after a run cut short after " + done + " statements");
        });
    }
}
