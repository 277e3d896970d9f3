package dev.callsight.e2e;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The collector jar on a real PostgreSQL (Debian's postgresql package) through --jdbc-url, killed mid-ingest; the
 * collector module's tests cover ingest, queries and SLOs on PostgreSQL.
 */
class CollectorPostgresTest {

    @TempDir
    Path temp;

    @Test
    void everyAcknowledgedSpanSurvivesSigkillMidIngest() throws Exception {
        try (PostgresServer postgres = PostgresServer.start()) {
            CollectorFaultsTest.sigkillMidIngest(() -> CollectorProcess.start(temp.resolve("unused"),
                    "--jdbc-url", postgres.jdbcUrl()));
        }
    }
}
