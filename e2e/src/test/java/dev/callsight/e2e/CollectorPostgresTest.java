package dev.callsight.e2e;

import dev.callsight.collector.PostgresServer;
import dev.callsight.e2e.support.CollectorProcess;
import dev.callsight.e2e.support.Programs;
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
        Path binaries = PostgresServer.binaries().orElseGet(() -> Programs.unavailable(
                "PostgreSQL not found; install Debian's postgresql package"));
        try (PostgresServer postgres = PostgresServer.start(binaries)) {
            String jdbcUrl = postgres.newDatabaseUrl();
            CollectorFaultsTest.sigkillMidIngest(() -> CollectorProcess.start(temp.resolve("unused"),
                    "--jdbc-url", jdbcUrl));
        }
    }
}
