package dev.callsight.collector.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Types;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Spans as rows of the JDBC store's {@code spans} table (H2 or PostgreSQL), each batch one transaction. The
 * measured alternative to the span log ({@code --span-store jdbc}): a row per span under a random key caps ingest
 * near 10k spans/s on 2 cores (docs/BENCHMARKS.md).
 */
public final class JdbcSpanStore implements SpanStore {

    private static final List<String> COLUMN_LIST = List.of("trace_id", "span_id", "parent_span_id", "service_name",
            "scope_name", "name", "kind", "start_unix_nano", "end_unix_nano", "duration_nano", "status_code",
            "status_message", "http_method", "server_address", "server_port", "route", "http_status_code", "error_type",
            "resend_count", "attributes", "resource_attributes", "links", "events");
    private static final String COLUMNS = String.join(", ", COLUMN_LIST);

    /** SQLSTATE of a unique key violation, in H2 and PostgreSQL alike. */
    private static final String UNIQUE_VIOLATION = "23505";

    private static final String INSERT_SPAN = SqlDialect.insert("spans", COLUMN_LIST);

    private final Database database;
    private final String upsertSpan;
    private final String upsertOperation;
    /** H2 commits one at a time anyway; writers in parallel measured no faster (docs/BENCHMARKS.md). */
    private final ReentrantLock writer = new ReentrantLock();

    public JdbcSpanStore(Database database) {
        this.database = database;
        SqlDialect dialect = database.dialect();
        this.upsertSpan = dialect.upsert("spans", COLUMN_LIST, List.of("trace_id", "span_id"));
        List<String> operationColumns = List.of("service_name", "span_name", "kind");
        this.upsertOperation = dialect.upsert("span_operation", operationColumns, operationColumns);
    }

    /**
     * Inserts the spans; an exporter's retry of a stored batch changes nothing. A plain insert is tried first,
     * as retries are rare and an upsert looks each key up before it writes; a batch that meets a stored span runs
     * again as an upsert by (trace_id, span_id).
     */
    @Override
    public void insert(List<SpanRecord> spans) {
        if (spans.isEmpty()) {
            return;
        }
        writer.lock();
        try {
            database.inTransaction(connection -> {
                insert(connection, spans);
                return null;
            });
        } finally {
            writer.unlock();
        }
    }

    /** As {@link #insert(List)}, inside the caller's transaction. */
    public void insert(Connection connection, List<SpanRecord> spans) throws SQLException {
        Savepoint beforeInsert = connection.setSavepoint();
        try {
            write(connection, INSERT_SPAN, spans);
        } catch (SQLException e) {
            if (!isDuplicateKey(e)) {
                throw e;
            }
            connection.rollback(beforeInsert);
            write(connection, upsertSpan, spans);
        }
        insertOperations(connection, spans);
    }

    private static boolean isDuplicateKey(SQLException e) {
        for (SQLException next = e; next != null; next = next.getNextException()) {
            if (UNIQUE_VIOLATION.equals(next.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    private static void write(Connection connection, String sql, List<SpanRecord> spans) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(sql)) {
            for (SpanRecord span : spans) {
                int i = 0;
                insert.setString(++i, span.traceId());
                insert.setString(++i, span.spanId());
                insert.setString(++i, span.parentSpanId());
                insert.setString(++i, span.serviceName());
                insert.setString(++i, span.scopeName());
                insert.setString(++i, span.name());
                insert.setInt(++i, span.kind());
                insert.setLong(++i, span.startUnixNano());
                insert.setLong(++i, span.endUnixNano());
                insert.setLong(++i, span.durationNano());
                insert.setInt(++i, span.statusCode());
                insert.setString(++i, span.statusMessage());
                insert.setString(++i, span.httpMethod());
                insert.setString(++i, span.serverAddress());
                setInteger(insert, ++i, span.serverPort());
                insert.setString(++i, span.route());
                setInteger(insert, ++i, span.httpStatusCode());
                insert.setString(++i, span.errorType());
                setInteger(insert, ++i, span.resendCount());
                insert.setString(++i, span.attributesJson());
                insert.setString(++i, span.resourceAttributesJson());
                insert.setString(++i, span.linksJson());
                insert.setString(++i, span.eventsJson());
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    /**
     * A batch holds few distinct operations, so only those are upserted; a service that already has
     * {@link #MAX_OPERATIONS_PER_SERVICE} gets no more, so unique span names cannot grow the list without bound.
     */
    private void insertOperations(Connection connection, List<SpanRecord> spans) throws SQLException {
        Map<String, Set<ServiceOperation>> byService = new LinkedHashMap<>();
        spans.forEach(span -> byService.computeIfAbsent(span.serviceName(), service -> new LinkedHashSet<>())
                .add(new ServiceOperation(span.serviceName(), span.name(), span.kind())));
        try (PreparedStatement count = connection.prepareStatement(
                "SELECT COUNT(*) FROM span_operation WHERE service_name = ?");
                PreparedStatement insert = connection.prepareStatement(upsertOperation)) {
            for (Map.Entry<String, Set<ServiceOperation>> service : byService.entrySet()) {
                count.setString(1, service.getKey());
                long room;
                try (ResultSet rows = count.executeQuery()) {
                    rows.next();
                    room = MAX_OPERATIONS_PER_SERVICE - rows.getLong(1);
                }
                for (ServiceOperation operation : service.getValue()) {
                    if (room-- <= 0) {
                        break;
                    }
                    insert.setString(1, operation.service());
                    insert.setString(2, operation.name());
                    insert.setInt(3, operation.kind());
                    insert.addBatch();
                }
            }
            insert.executeBatch();
        }
    }

    /** Every service that sent a span, by name. */
    @Override
    public List<String> services() {
        return database.inTransaction(JdbcSpanStore::services);
    }

    private static List<String> services(Connection connection) throws SQLException {
        List<String> services = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT DISTINCT service_name FROM span_operation ORDER BY service_name");
                ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                services.add(rows.getString(1));
            }
        }
        return services;
    }

    /** The span names and kinds one service has sent, by name. */
    @Override
    public List<SpanOperation> operations(String service) {
        return database.inTransaction(connection -> operations(connection, service));
    }

    private static List<SpanOperation> operations(Connection connection, String service) throws SQLException {
        List<SpanOperation> operations = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement("SELECT span_name, kind FROM span_operation "
                + "WHERE service_name = ? ORDER BY span_name, kind")) {
            query.setString(1, service);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    operations.add(new SpanOperation(rows.getString(1), rows.getInt(2)));
                }
            }
        }
        return operations;
    }

    /** As the interface says, from at most {@link #MAX_SEARCHED_SPANS} spans; tags are matched as rows are read. */
    @Override
    public List<String> searchTraceIds(SpanQuery query) {
        return database.inTransaction(connection -> searchTraceIds(connection, query));
    }

    private static List<String> searchTraceIds(Connection connection, SpanQuery query) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS
                + " FROM spans WHERE service_name = ? AND start_unix_nano BETWEEN ? AND ?");
        List<Object> values = new ArrayList<>(List.of(query.service(), query.startFromNano(), query.startToNano()));
        if (query.operation() != null) {
            sql.append(" AND name = ?");
            values.add(query.operation());
        }
        if (query.minDurationNano() != null) {
            sql.append(" AND duration_nano >= ?");
            values.add(query.minDurationNano());
        }
        if (query.maxDurationNano() != null) {
            sql.append(" AND duration_nano <= ?");
            values.add(query.maxDurationNano());
        }
        sql.append(" ORDER BY start_unix_nano DESC LIMIT ").append(MAX_SEARCHED_SPANS);
        Set<String> traceIds = new LinkedHashSet<>();
        try (PreparedStatement statement = connection.prepareStatement(sql.toString())) {
            for (int i = 0; i < values.size(); i++) {
                statement.setObject(i + 1, values.get(i));
            }
            try (ResultSet rows = statement.executeQuery()) {
                while (traceIds.size() < query.limit() && rows.next()) {
                    SpanRecord span = span(rows);
                    if (SpanTags.matches(span, query.tags())) {
                        traceIds.add(span.traceId());
                    }
                }
            }
        }
        return List.copyOf(traceIds);
    }

    /** As the interface says, from at most {@link #MAX_SEARCHED_SPANS} spans; tags are matched as rows are read. */
    @Override
    public List<SpanRecord> search(SpanSearch search) {
        return database.inTransaction(connection -> search(connection, search));
    }

    private static List<SpanRecord> search(Connection connection, SpanSearch search) throws SQLException {
        List<Object> values = new ArrayList<>();
        String sql = "SELECT " + COLUMNS + " FROM spans WHERE " + search.where(values)
                + " ORDER BY start_unix_nano DESC LIMIT " + MAX_SEARCHED_SPANS;
        Set<String> traceIds = new LinkedHashSet<>();
        List<SpanRecord> found = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < values.size(); i++) {
                statement.setObject(i + 1, values.get(i));
            }
            try (ResultSet rows = statement.executeQuery()) {
                while (found.size() < search.limit() && rows.next()) {
                    SpanRecord span = span(rows);
                    if (SpanTags.matches(span, search.tags()) && traceIds.add(span.traceId())) {
                        found.add(span);
                    }
                }
            }
        }
        return found;
    }

    @Override
    public List<SpanRecord> findTrace(String traceId) {
        return database.inTransaction(connection -> findTrace(connection, traceId));
    }

    private static List<SpanRecord> findTrace(Connection connection, String traceId) throws SQLException {
        List<SpanRecord> spans = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT " + COLUMNS + " FROM spans WHERE trace_id = ? ORDER BY start_unix_nano, span_id")) {
            query.setString(1, traceId);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    spans.add(span(rows));
                }
            }
        }
        return spans;
    }

    /** Only the latest spans are grouped, so the cost stays flat however much is stored. */
    @Override
    public List<TraceSummary> recentTraces(String service, int limit) {
        return database.inTransaction(connection -> recentTraces(connection, service, limit));
    }

    private static List<TraceSummary> recentTraces(Connection connection, String service, int limit)
            throws SQLException {
        String recentSpans = "SELECT trace_id, name, parent_span_id, start_unix_nano, end_unix_nano, status_code FROM spans"
                + (service == null ? "" : " WHERE service_name = ?") + " ORDER BY start_unix_nano DESC LIMIT ?";
        List<TraceSummary> traces = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement("SELECT trace_id, MIN(start_unix_nano) AS started, "
                + "MAX(end_unix_nano) AS ended, COUNT(*) AS spans, MAX(CASE WHEN status_code = 2 THEN 1 ELSE 0 END) AS failed, "
                + "MIN(CASE WHEN parent_span_id IS NULL THEN name END) AS root_name, MIN(name) AS any_name "
                + "FROM (" + recentSpans + ") recent GROUP BY trace_id ORDER BY started DESC LIMIT ?")) {
            int i = 0;
            if (service != null) {
                query.setString(++i, service);
            }
            query.setInt(++i, limit * RECENT_SPANS_PER_TRACE);
            query.setInt(++i, limit);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    String root = rows.getString("root_name");
                    traces.add(new TraceSummary(rows.getString("trace_id"), root != null ? root : rows.getString("any_name"),
                            rows.getLong("started"), rows.getLong("ended") - rows.getLong("started"),
                            rows.getInt("spans"), rows.getInt("failed") == 1));
                }
            }
        }
        return traces;
    }

    @Override
    public List<PeerService> peerServices(String caller, long fromNano) {
        String sql = "SELECT c.server_address, c.server_port, s.service_name, COUNT(*) FROM spans c JOIN spans s"
                + " ON s.trace_id = c.trace_id AND s.parent_span_id = c.span_id"
                + " WHERE c.service_name = ? AND c.start_unix_nano >= ? AND c.kind = ? AND s.kind = ?"
                + " AND s.service_name <> c.service_name AND c.server_address IS NOT NULL"
                + " GROUP BY c.server_address, c.server_port, s.service_name";
        return database.inTransaction(connection -> {
            List<PeerService> found = new ArrayList<>();
            try (PreparedStatement query = connection.prepareStatement(sql)) {
                query.setString(1, caller);
                query.setLong(2, fromNano);
                query.setInt(3, SpanRecord.KIND_CLIENT);
                query.setInt(4, SpanRecord.KIND_SERVER);
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        found.add(new PeerService(rows.getString(1), rows.getInt(2), rows.getString(3),
                                rows.getLong(4)));
                    }
                }
            }
            return found;
        });
    }

    @Override
    public long spanCount() {
        return database.inTransaction(connection -> {
            try (PreparedStatement query = connection.prepareStatement("SELECT COUNT(*) FROM spans");
                    ResultSet rows = query.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        });
    }

    /** The table's size is the JDBC store's ({@code callsight_store_size_bytes}), and it keeps every trace alike. */
    @Override
    public Optional<SpanStoreStats> stats() {
        return Optional.empty();
    }

    /** The table lives in the JDBC store, which its owner closes. */
    @Override
    public void close() {
    }

    private static SpanRecord span(ResultSet rows) throws SQLException {
        return new SpanRecord(
                rows.getString("trace_id"),
                rows.getString("span_id"),
                rows.getString("parent_span_id"),
                rows.getString("service_name"),
                rows.getString("scope_name"),
                rows.getString("name"),
                rows.getInt("kind"),
                rows.getLong("start_unix_nano"),
                rows.getLong("end_unix_nano"),
                rows.getInt("status_code"),
                rows.getString("status_message"),
                rows.getString("http_method"),
                rows.getString("server_address"),
                rows.getObject("server_port", Integer.class),
                rows.getString("route"),
                rows.getObject("http_status_code", Integer.class),
                rows.getString("error_type"),
                rows.getObject("resend_count", Integer.class),
                rows.getString("attributes"),
                rows.getString("resource_attributes"),
                rows.getString("links"),
                rows.getString("events"));
    }

    private static void setInteger(PreparedStatement statement, int index, Integer value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.INTEGER);
        } else {
            statement.setInt(index, value);
        }
    }

    private record ServiceOperation(String service, String name, int kind) {}
}
