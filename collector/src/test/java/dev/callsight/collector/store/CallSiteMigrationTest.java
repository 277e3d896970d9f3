package dev.callsight.collector.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * V6 fills call_site from the minute rollups already stored, summed per call site, and a run cut short after any of
 * its statements completes cleanly, counting nothing twice, when the migration runs again.
 */
class CallSiteMigrationTest {

    @TempDir
    Path dir;

    @Test
    void storedMinutesAreSummedPerCallSiteWhereverAnEarlierRunStopped() throws Exception {
        MigrationScripts.rerunAfterEachStop(dir, "V6__call_site_reads.sql", statement -> {
            MigrationScripts.apply(statement, "V1__initial.sql", "V2__slo.sql", "V3__call_events.sql",
                    "V4__jaeger_query.sql", "V5__server_requests.sql");
            for (String minute : List.of("60, 200, 7", "120, 200, 5", "120, 503, 1")) {
                statement.execute("INSERT INTO rollup_minute (minute_unix_s, http_status_code, call_count, "
                        + "service_name, server_address, server_port, route, http_method, error_type, call_kind, "
                        + "sum_seconds, b00, b01, b02, b03, b04, b05, b06, b07, b08, b09, b10, b11, b12, b13, b14) "
                        + "VALUES (" + minute + ", 'checkout', 'users.internal', 443, '/users/{id}', 'GET', '', "
                        + "'client', 0.1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)");
            }
        }, (statement, done) -> {
            assertEquals("checkout|client|users.internal|443|/users/{id}|GET|13", MigrationScripts.firstValue(statement,
                    "SELECT service_name || '|' || call_kind || '|' || server_address || '|' || server_port || '|' "
                            + "|| route || '|' || http_method || '|' || call_count FROM call_site"),
                    "after a run cut short after " + done + " statements");
            assertEquals("1", MigrationScripts.firstValue(statement, "SELECT COUNT(*) FROM call_site"));
        });
    }
}
