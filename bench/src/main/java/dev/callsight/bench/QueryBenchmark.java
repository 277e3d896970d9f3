package dev.callsight.bench;

import dev.callsight.collector.CollectorConfig;
import dev.callsight.collector.aggregate.CanonicalBuckets;
import dev.callsight.collector.slo.SloDefinition;
import dev.callsight.collector.slo.SloEvaluator;
import dev.callsight.collector.slo.SloFile;
import dev.callsight.collector.slo.SloParser;
import dev.callsight.collector.slo.SloStatus;
import dev.callsight.bench.soak.CollectorChild;
import dev.callsight.bench.soak.SoakLoad;
import dev.callsight.collector.store.Database;
import dev.callsight.collector.store.RollupStore;
import dev.callsight.collector.store.SpanRecord;
import dev.callsight.collector.store.spanlog.LogSpanStore;
import dev.callsight.collector.store.spanlog.SpanLogSettings;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntFunction;

/**
 * What the collector's queries cost over a month of data: fills a new H2 store with {@code days} of minute rollups
 * for {@code routes} call sites (20 routes a service, 10 a peer, 2 statuses a minute per route) ending now, and
 * {@code spans} spans over the same days, and folds the minutes into hours as the collector does; then times, in
 * this process, the SLO loop's work for each SLO count given (a first evaluation, then steady runs a minute apart);
 * then starts a collector from {@code COLLECTOR_JAR} on the store with the last count of SLOs and times the web UI's
 * and the Jaeger API's queries over HTTP (RED series, call sites, trace search, one trace, SLO list and detail) while
 * it ingests 400 spans/s and metrics, each {@code repeats} times after a warm-up. Prints p50 and p99 per query, and
 * a {@code result} line each for the growth table.
 *
 * <p>Usage: {@code QueryBenchmark WORK_DIR COLLECTOR_JAR [days] [routes] [slos, e.g. 50 or 10,50,100] [spans]
 * [repeats]}.
 */
public final class QueryBenchmark {

    private static final int STATUSES = 2;
    private static final int ROUTES_PER_SERVICE = 20;
    private static final int ROUTES_PER_PEER = 10;
    private static final long MINUTE = 60;

    private final Path work;
    private final int days;
    private final int routes;
    private final List<Integer> sloCounts;
    private final int spans;
    private final int repeats;
    private final long nowMinute;
    private final long firstMinute;

    private QueryBenchmark(Path work, int days, int routes, List<Integer> sloCounts, int spans, int repeats) {
        this.work = work;
        this.days = days;
        this.routes = routes;
        this.sloCounts = sloCounts;
        this.spans = spans;
        this.repeats = repeats;
        // The steady SLO runs add one minute each, so the fill stops that many minutes short of now.
        this.nowMinute = Instant.now().getEpochSecond() / MINUTE * MINUTE - (long) sloCounts.size() * repeats * MINUTE;
        this.firstMinute = nowMinute - days * 86_400L;
    }

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]);
        Path collectorJar = Path.of(args[1]);
        int days = args.length > 2 ? Integer.parseInt(args[2]) : 30;
        int routes = args.length > 3 ? Integer.parseInt(args[3]) : 200;
        List<Integer> slos = Arrays.stream((args.length > 4 ? args[4] : "50").split(",")).map(Integer::valueOf)
                .toList();
        int spans = args.length > 5 ? Integer.parseInt(args[5]) : 1_000_000;
        int repeats = args.length > 6 ? Integer.parseInt(args[6]) : 100;
        new QueryBenchmark(work, days, routes, slos, spans, repeats).run(collectorJar);
    }

    private void run(Path collectorJar) throws Exception {
        Path dataDir = work.resolve("data");
        Files.createDirectories(dataDir);
        Path sloFile = work.resolve("slos.yaml");
        try (Database database = Database.open(CollectorConfig.defaultJdbcUrl(dataDir))) {
            fill(database, dataDir.resolve("spans"));
            RollupStore rollups = new RollupStore();
            long started = System.nanoTime();
            int hours = database.inTransaction(c -> rollups.downsampleHours(c, nowMinute - 600));
            System.out.printf(Locale.ROOT, "first fold into hour rollups: %,d hour rows in %.1f s%n", hours,
                    seconds(started));
            long minute = nowMinute;
            for (int slos : sloCounts) {
                Files.writeString(sloFile, sloYaml(slos));
                minute = evaluateSlos(database, SloFile.parse(sloFile, new SloParser()), minute);
            }
        }
        Path log = work.resolve("collector.log");
        try (CollectorChild collector = CollectorChild.start(collectorJar, dataDir, "1g", log, "--slos",
                sloFile.toString(), "--span-retention", spanRetention().toDays() + "d")) {
            queryOverHttp(collector.web(), collector.otlp());
        }
    }

    /** Longer than the filled days, so the collector's span retention keeps them all. */
    private Duration spanRetention() {
        return Duration.ofDays(days + 1L);
    }

    private void fill(Database database, Path spanDirectory) throws SQLException, IOException {
        long started = System.nanoTime();
        long rows = 0;
        for (long day = firstMinute; day < nowMinute; day += 86_400) {
            long from = day;
            rows += database.inTransaction(c -> insertMinutes(c, from, Math.min(from + 86_400, nowMinute)));
            progress("minute rollups", (day - firstMinute) / 86_400 + 1, days);
        }
        // The collector keeps each call site's total as it adds rollups; rows inserted here get theirs at once.
        database.inTransaction(c -> {
            try (Statement statement = c.createStatement()) {
                return statement.executeUpdate("INSERT INTO call_site (service_name, call_kind, server_address, "
                        + "server_port, route, http_method, call_count) SELECT service_name, call_kind, "
                        + "server_address, server_port, route, http_method, SUM(call_count) FROM rollup_minute GROUP BY "
                        + "service_name, call_kind, server_address, server_port, route, http_method");
            }
        });
        System.out.printf(Locale.ROOT, "filled %,d minute rollup rows (%d days x %d routes x %d statuses) in %.1f s%n",
                rows, days, routes, STATUSES, seconds(started));

        started = System.nanoTime();
        // The span log files each span under the hour it arrives; here it arrives when it started.
        FillClock arrival = new FillClock();
        try (LogSpanStore spanStore = LogSpanStore.open(spanDirectory,
                new SpanLogSettings(spanRetention(), 0), arrival)) {
            int batch = 2_000;
            for (int done = 0; done < spans; done += batch) {
                List<SpanRecord> records = new ArrayList<>(batch);
                for (int i = done; i < Math.min(spans, done + batch); i++) {
                    records.add(span(i));
                }
                arrival.now = Instant.ofEpochSecond(0, records.get(0).startUnixNano());
                spanStore.insert(records);
                if ((done / batch) % 50 == 0) {
                    progress("spans", done, spans);
                }
            }
        }
        System.out.printf(Locale.ROOT, "filled %,d spans over %d days in %.1f s%n", spans, days, seconds(started));
    }

    /** The arrival time the fill gives the span store. */
    private static final class FillClock extends Clock {
        private volatile Instant now = Instant.EPOCH;

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private static void progress(String what, long done, long of) {
        System.out.printf(Locale.ROOT, "  %s: %,d of %,d%n", what, done, of);
    }

    /** One row per route and status (200 or 503) per minute; 503s are rare, most calls fast. */
    private long insertMinutes(Connection connection, long fromMinute, long toMinute) throws SQLException {
        StringBuilder sql = new StringBuilder("INSERT INTO rollup_minute (minute_unix_s, service_name, "
                + "server_address, server_port, route, http_method, http_status_code, error_type, call_kind, "
                + "call_count, sum_seconds");
        for (int b = 0; b < CanonicalBuckets.BUCKET_COUNT; b++) {
            sql.append(String.format(Locale.ROOT, ", b%02d", b));
        }
        sql.append(") VALUES (?, ?, ?, 443, ?, 'GET', ?, ?, 'client', ?, ?")
                .append(", ?".repeat(CanonicalBuckets.BUCKET_COUNT)).append(")");
        long rows = 0;
        try (PreparedStatement insert = connection.prepareStatement(sql.toString())) {
            for (long minute = fromMinute; minute < toMinute; minute += MINUTE) {
                for (int route = 0; route < routes; route++) {
                    for (int status = 0; status < STATUSES; status++) {
                        long count = status == 0 ? 600 : 1 + (minute / MINUTE + route) % 3;
                        int i = 0;
                        insert.setLong(++i, minute);
                        insert.setString(++i, service(route));
                        insert.setString(++i, peer(route));
                        insert.setString(++i, route(route));
                        insert.setInt(++i, status == 0 ? 200 : 503);
                        insert.setString(++i, status == 0 ? "" : "503");
                        insert.setLong(++i, count);
                        insert.setDouble(++i, count * 0.02);
                        for (int b = 0; b < CanonicalBuckets.BUCKET_COUNT; b++) {
                            insert.setLong(++i, b == 1 ? count - count / 10 : b == 6 ? count / 10 : 0);
                        }
                        insert.addBatch();
                        rows++;
                    }
                }
                if (rows % 20_000 < routes * STATUSES) {
                    insert.executeBatch();
                }
            }
            insert.executeBatch();
        }
        return rows;
    }

    /** Client spans of the routes, spread evenly over the days; one in ten fails, one in five has a parent. */
    private SpanRecord span(int i) {
        int route = i % routes;
        long startSeconds = firstMinute + (long) ((nowMinute - firstMinute) * (i / (double) spans));
        long start = startSeconds * 1_000_000_000L + i % 1000 * 1000L;
        long duration = 1_000_000L + ThreadLocalRandom.current().nextLong(200_000_000L);
        int status = i % 10 == 0 ? 503 : 200;
        String url = "https://" + peer(route) + route(route).replace("{id}", Integer.toString(i));
        String attributes = "{\"http.request.method\":\"GET\",\"url.full\":\"" + url + "\",\"url.template\":\""
                + route(route) + "\",\"server.address\":\"" + peer(route) + "\",\"server.port\":443,"
                + "\"http.response.status_code\":" + status + "}";
        return new SpanRecord(String.format(Locale.ROOT, "%032x", i + 1L), String.format(Locale.ROOT, "%016x", i + 1L),
                i % 5 == 0 ? String.format(Locale.ROOT, "%016x", i + 7L) : null, service(route), "callsight",
                "GET " + route(route), 3, start, start + duration, status == 503 ? 2 : 0, "", "GET", peer(route), 443,
                route(route), status, status == 503 ? "503" : null, null, attributes,
                "{\"service.name\":\"" + service(route) + "\"}", "[]", "[]");
    }

    private static String service(int route) {
        return "svc-" + route / ROUTES_PER_SERVICE;
    }

    private static String peer(int route) {
        return "peer-" + (route / ROUTES_PER_PEER) % 2 + ".internal";
    }

    private static String route(int route) {
        return "/r" + route + "/{id}";
    }

    /** Half success SLOs, half latency; a third on calendar months; spread over the routes. */
    private String sloYaml(int slos) {
        StringBuilder yaml = new StringBuilder("slos:\n");
        for (int i = 0; i < slos; i++) {
            int route = (int) ((long) i * routes / slos);
            yaml.append("  - name: slo-").append(i).append('\n')
                    .append("    selector: { service: ").append(service(route)).append(", peer: \"")
                    .append(peer(route)).append(":443\", route: \"").append(route(route)).append("\" }\n")
                    .append("    sli: ").append(i % 2 == 0 ? "success" : "{ latency: { threshold: 300ms } }")
                    .append('\n')
                    .append("    target: 99.9%\n")
                    .append("    window: ").append(i % 3 == 0 ? "calendar-month" : "30d").append('\n');
        }
        return yaml.toString();
    }

    /**
     * Times the SLO loop's work as it runs on the minute from {@code fromMinute}: a first evaluation (every SLO new,
     * so hours and three days of minutes are read), then steady runs that each add a minute of calls, fold any hour
     * now complete and evaluate. The fold is timed apart: it runs once an hour, not once a minute.
     *
     * @return the minute after the last steady run
     */
    private long evaluateSlos(Database database, List<SloDefinition> definitions, long fromMinute)
            throws SQLException {
        RollupStore rollups = new RollupStore();
        SloEvaluator evaluator = new SloEvaluator(rollups);
        Instant now = Instant.ofEpochSecond(fromMinute + 30);
        long started = System.nanoTime();
        List<SloStatus> first = database.inTransaction(c -> evaluator.evaluate(c, definitions, now));
        System.out.printf(Locale.ROOT, "first evaluation of %d SLOs (reads hours and 3 days of minutes): %.0f ms; "
                + "check: %s SLI %.5f over %,d calls%n", definitions.size(), seconds(started) * 1000,
                first.get(0).slo().name(), first.get(0).sli(), first.get(0).window().total());
        double[] evaluations = new double[repeats];
        List<Double> folds = new ArrayList<>();
        for (int run = 0; run < repeats; run++) {
            Instant at = now.plusSeconds((run + 1) * MINUTE);
            long minute = at.getEpochSecond() / MINUTE * MINUTE;
            database.inTransaction(c -> insertMinutes(c, minute, minute + MINUTE));
            long t = System.nanoTime();
            int folded = database.inTransaction(c -> rollups.downsampleHours(c, at.getEpochSecond() - 600));
            if (folded > 0) {
                folds.add(seconds(t) * 1000);
            }
            t = System.nanoTime();
            database.inTransaction(c -> evaluator.evaluate(c, definitions, at));
            evaluations[run] = seconds(t) * 1000;
        }
        report("slo-evaluation (all " + definitions.size() + " SLOs, one more minute each run)", evaluations,
                definitions.size());
        System.out.printf(Locale.ROOT, "hourly fold of an hour of minutes into hour rows: %s%n", folds.isEmpty()
                ? "none due in these runs" : folds.stream().map(ms -> String.format(Locale.ROOT, "%.0f ms", ms)).toList());
        return fromMinute + (long) repeats * MINUTE;
    }

    private void queryOverHttp(URI web, URI otlp) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        awaitSloEvaluation(http, web);
        // Queries run while the collector ingests, as they would: a store that never changes would let H2 answer a
        // repeated query from the result it kept.
        AtomicBoolean stop = new AtomicBoolean();
        Thread ingest = new Thread(() -> ingestWhileQuerying(http, otlp, stop), "query-benchmark-ingest");
        ingest.setDaemon(true);
        ingest.start();
        try {
            timeQueries(http, web);
        } finally {
            stop.set(true);
            ingest.join(10_000);
        }
    }

    /** 400 spans/s and a metrics export each second, the load of a few instrumented services. */
    private static void ingestWhileQuerying(HttpClient http, URI otlp, AtomicBoolean stop) {
        SoakLoad load = new SoakLoad(0);
        int failed = 0;
        try {
            while (!stop.get()) {
                for (int i = 0; i < 4 && !stop.get(); i++) {
                    failed += post(http, otlp.resolve("/v1/traces"), load.spans(100).toByteArray());
                    Thread.sleep(250);
                }
                failed += post(http, otlp.resolve("/v1/metrics"), load.metrics().toByteArray());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (failed > 0) {
            System.out.println("background ingest: " + failed + " requests failed");
        }
    }

    /** @return 1 if the request failed, else 0 */
    private static int post(HttpClient http, URI uri, byte[] body) throws InterruptedException {
        try {
            return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/x-protobuf").POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200 ? 0 : 1;
        } catch (IOException e) {
            return 1;
        }
    }

    private void timeQueries(HttpClient http, URI web) throws Exception {
        long now = Instant.now().getEpochSecond();
        Map<String, IntFunction<String>> queries = new LinkedHashMap<>();
        queries.put("red-1h (one route)", i -> "/api/calls/series?service=" + service(i % routes) + "&peer="
                + peer(i % routes) + ":443&route=" + encode(route(i % routes)));
        queries.put("red-24h (a service's calls)", i -> "/api/calls/series?service=" + service(i % routes)
                + "&from=" + (now - 86_400) + "&to=" + now);
        queries.put("red-7d (a service's calls)", i -> "/api/calls/series?service=" + service(i % routes)
                + "&from=" + (now - 7 * 86_400) + "&to=" + now);
        queries.put("call-sites (/api/services)", i -> "/api/services");
        queries.put("trace-search-1h (a service)", i -> "/api/search?service=" + service(i % routes)
                + "&from=" + (now - 3_600) + "&to=" + now + "&limit=100");
        queries.put("trace-search-24h (route + status 503)", i -> "/api/search?service=" + service(i % routes)
                + "&route=" + encode(route(i % routes)) + "&status=503&from=" + (now - 86_400) + "&to=" + now
                + "&limit=100");
        queries.put("jaeger-search-1h (service + operation)", i -> "/jaeger/api/traces?service="
                + service(i % routes) + "&operation=" + encode("GET " + route(i % routes)) + "&lookback=1h&limit=20");
        queries.put("trace (by id)", i -> "/api/traces/" + String.format(Locale.ROOT, "%032x",
                1L + (long) i * 7919 % Math.max(1, spans)));
        queries.put("slo-list (/api/slos)", i -> "/api/slos");
        int slos = sloCounts.get(sloCounts.size() - 1);
        queries.put("slo-detail", i -> "/api/slos/slo-" + i % slos);
        queries.put("slo-breakdown-30d (what burned the budget)", i -> "/api/slos/slo-" + i % slos
                + "/breakdown?from=" + (now - 30 * 86_400) + "&to=" + now);
        for (Map.Entry<String, IntFunction<String>> query : queries.entrySet()) {
            for (int i = 0; i < 10; i++) {
                get(http, web, query.getValue().apply(i));
            }
            double[] millis = new double[repeats];
            for (int i = 0; i < repeats; i++) {
                long t = System.nanoTime();
                get(http, web, query.getValue().apply(i * 37));
                millis[i] = seconds(t) * 1000;
            }
            report(query.getKey(), millis, slos);
        }
    }

    private static void awaitSloEvaluation(HttpClient http, URI web) throws Exception {
        for (int attempt = 0; attempt < 600; attempt++) {
            if (get(http, web, "/api/slos").contains("\"sli\"")) {
                return;
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("the collector did not evaluate its SLOs within 5 minutes");
    }

    private static String get(HttpClient http, URI web, String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(web.resolve(path))
                .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(path + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    private void report(String query, double[] millis, int slos) {
        double[] sorted = millis.clone();
        Arrays.sort(sorted);
        double p50 = sorted[(int) Math.floor(0.50 * (sorted.length - 1))];
        double p99 = sorted[(int) Math.ceil(0.99 * (sorted.length - 1))];
        System.out.printf(Locale.ROOT, "%-50s p50 %8.1f ms  p99 %8.1f ms  (%d runs)%n", query, p50, p99,
                sorted.length);
        System.out.printf(Locale.ROOT, "result query=%s days=%d routes=%d slos=%d spans=%d p50_ms=%.2f p99_ms=%.2f%n",
                query.split(" ")[0], days, routes, slos, spans, p50, p99);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
