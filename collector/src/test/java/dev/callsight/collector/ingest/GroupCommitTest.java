package dev.callsight.collector.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.callsight.collector.CollectorConfig;
import dev.callsight.collector.store.Database;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Writes that queue while another commits share one transaction; one failing write fails only itself. */
@Timeout(60)
class GroupCommitTest {

    @TempDir
    Path dataDir;

    private Database database;
    private ExecutorService threads;

    @BeforeEach
    void open() throws SQLException {
        database = Database.open(CollectorConfig.defaultJdbcUrl(dataDir));
        database.inTransaction(connection -> {
            try (Statement statement = connection.createStatement()) {
                return statement.execute("CREATE TABLE written (name VARCHAR PRIMARY KEY)");
            }
        });
        threads = Executors.newFixedThreadPool(4);
    }

    @AfterEach
    void close() {
        threads.shutdownNow();
        database.close();
    }

    @Test
    void writesQueuedBehindACommitShareTheNextAndAFailingOneFailsAlone() throws Exception {
        GroupCommit commits = new GroupCommit(database);
        CountDownLatch firstWriting = new CountDownLatch(1);
        CountDownLatch releaseFirst = new CountDownLatch(1);
        List<String> committed = Collections.synchronizedList(new ArrayList<>());
        Future<String> first = threads.submit(() -> commits.write(connection -> {
            firstWriting.countDown();
            try {
                assertTrue(releaseFirst.await(30, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                throw new SQLException(e);
            }
            return insert(connection, "first");
        }, committed::add));
        assertTrue(firstWriting.await(30, TimeUnit.SECONDS));
        List<Future<String>> queued = new ArrayList<>();
        for (String name : List.of("second", "third", "fourth")) {
            queued.add(threads.submit(() -> commits.write(connection -> insert(connection, name),
                    committed::add)));
        }
        Future<String> failing = threads.submit(() -> commits.write(connection -> {
            insert(connection, "failing");
            throw new SQLException("this write fails");
        }, committed::add));
        // Time for the four to queue behind the first; any that queue later only commit in a later group.
        Thread.sleep(500);
        releaseFirst.countDown();

        assertEquals("first", first.get(30, TimeUnit.SECONDS));
        for (Future<String> write : queued) {
            write.get(30, TimeUnit.SECONDS);
        }
        ExecutionException failure = assertThrows(ExecutionException.class, () -> failing.get(30, TimeUnit.SECONDS));
        assertEquals("this write fails", failure.getCause().getMessage());
        assertEquals(List.of("first", "fourth", "second", "third"), stored(), "the failing write's row is not");
        assertEquals("first", committed.get(0), "after-commit steps run in commit order");
        assertEquals(List.of("first", "fourth", "second", "third"), committed.stream().sorted().toList(),
                "and once per committed write");
    }

    @Test
    void aWriteAloneCommitsAtOnce() throws Exception {
        GroupCommit commits = new GroupCommit(database);
        List<String> committed = new ArrayList<>();
        assertEquals("only", commits.write(connection -> insert(connection, "only"), committed::add));
        assertEquals(List.of("only"), committed);
        assertEquals(List.of("only"), stored());
    }

    private static String insert(Connection connection, String name) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("INSERT INTO written VALUES ('" + name + "')");
        }
        return name;
    }

    private List<String> stored() throws SQLException {
        return database.inTransaction(connection -> {
            List<String> names = new ArrayList<>();
            try (Statement statement = connection.createStatement();
                    ResultSet rows = statement.executeQuery("SELECT name FROM written ORDER BY name")) {
                while (rows.next()) {
                    names.add(rows.getString(1));
                }
            }
            return names;
        });
    }
}
