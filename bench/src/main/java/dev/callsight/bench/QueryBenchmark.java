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
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * What the collector's queries cost over a month of data: fills a new H2 store with {@code days} of minute rollups
 * for {@code routes} call sites (20 routes a service, 10 a peer, 2 statuses a minute per route) ending now, and
 * {@code spans} spans over the same days, and folds the minutes into hours as the collector does; then times, in
 * this process, the SLO loop's work for each SLO count given (a first evaluation, then steady runs a minute apart);
 * then starts a collector from {@code COLLECTOR_JAR} on the store with the last count of SLOs, reports how long it
 * took to start and what it holds (open files, memory, heap), and times the web UI's and the Jaeger API's queries over
 * HTTP (RED series, call sites, trace search by each criterion over 1 hour to 30 days, one trace by ID through each
 * API, SLO list and detail) while it ingests 400 spans/s and metrics, each {@code repeats} times after a warm-up.
 * Prints p50 and p99 per query, and a {@code result} line each for the growth table.
 *
 * <p>A run leaves its fill in {@code WORK_DIR} (with a record of its arguments); a later run on the same directory
 * with the same fill arguments skips the fill and the in-process SLO timing and times the collector on it again.
 *
 * <p>Usage: {@code QueryBenchmark WORK_DIR COLLECTOR_JAR [days] [routes] [slos, e.g. 50 or 10,50,100] [spans]
 * [repeats]}.
 */
public final class QueryBenchmark {

    private static final int STATUSES = 2;
    private static final int ROUTES_PER_SERVICE = 20;
    private static final int ROUTES_PER_PEER = 10;
    private static final long MINUTE = 60;
    private static final int TENANTS = 1000;
    private static final long HOUR_NANOS = 3_600_000_000_000L;
    private static final String TIMEOUT = "java.net.SocketTimeoutException";
    private static final String FILL_RECORD = "fill.properties";
    private static final String FILL = "fill";
    private static final String FILL_END = "fill_end_unix_s";

    private final Path work;
    private final int days;
    private final int routes;
    private final List<Integer> sloCounts;
    private final int spans;
    private final int repeats;
    private final long nowMinute;
    private final long firstMinute;

    /** Null for a new fill, else the fill a previous run left in {@code work}, which this run times again. */
    private final Properties reused;

    private QueryBenchmark(Path work, int days, int routes, List<Integer> sloCounts, int spans, int repeats,
            Properties reused) {
        this.work = work;
        this.days = days;
        this.routes = routes;
        this.sloCounts = sloCounts;
        this.spans = spans;
        this.repeats = repeats;
        this.reused = reused;
        // The steady SLO runs add one minute each, so the fill stops that many minutes short of now.
        this.nowMinute = reused != null ? Long.parseLong(reused.getProperty(FILL_END))
                : Instant.now().getEpochSecond() / MINUTE * MINUTE - (long) sloCounts.size() * repeats * MINUTE;
        this.firstMinute = nowMinute - days * 86_400L;
    }

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]);
        Path collectorJar = Path.of(args[1]);
        int days = args.length > 2 ? Integer.parseInt(args[2]) : 30;
        int routes = args.length > 3 ? Integer.parseInt(args[3]) : 200;
        String sloText = args.length > 4 ? args[4] : "50";
        List<Integer> slos = Arrays.stream(sloText.split(",")).map(Integer::valueOf).toList();
        int spans = args.length > 5 ? Integer.parseInt(args[5]) : 1_000_000;
        int repeats = args.length > 6 ? Integer.parseInt(args[6]) : 100;
        String fill = days + " " + routes + " " + sloText + " " + spans;
        Properties reused = null;
        if (Files.exists(work.resolve(FILL_RECORD))) {
            reused = new Properties();
            try (var in = Files.newBufferedReader(work.resolve(FILL_RECORD))) {
                reused.load(in);
            }
            if (!fill.equals(reused.getProperty(FILL))) {
                throw new IllegalArgumentException(work + " holds a fill of days, routes, slos, spans "
                        + reused.getProperty(FILL) + ", not " + fill + ": give those or an empty directory");
            }
        }
        new QueryBenchmark(work, days, routes, slos, spans, repeats, reused).run(collectorJar, fill);
    }

    private void run(Path collectorJar, String fill) throws Exception {
        Path dataDir = work.resolve("data");
        Path sloFile = work.resolve("slos.yaml");
        if (reused == null) {
            fillAndTimeSlos(dataDir, sloFile);
            Properties record = new Properties();
            record.setProperty(FILL, fill);
            record.setProperty(FILL_END, Long.toString(nowMinute));
            try (var out = Files.newBufferedWriter(work.resolve(FILL_RECORD))) {
                record.store(out, "QueryBenchmark's fill, which a run on the same directory times again");
            }
        } else {
            System.out.printf(Locale.ROOT, "reusing the fill in %s (%s), which ended at %s: %s of spans%n", work, fill,
                    Instant.ofEpochSecond(nowMinute), mib(size(dataDir.resolve("spans"))));
        }
        Path log = work.resolve("collector.log");
        long started = System.nanoTime();
        try (CollectorChild collector = CollectorChild.start(collectorJar, dataDir, "1g", log, "--slos",
                sloFile.toString(), "--span-retention", spanRetention().toDays() + "d")) {
            System.out.printf(Locale.ROOT, "collector started on the store in %.1f s; %s%n", seconds(started),
                    ProcessState.of(collector.pid()));
            queryOverHttp(collector.web(), collector.otlp());
            System.out.printf(Locale.ROOT, "collector after the queries: %s%n", ProcessState.of(collector.pid()));
        }
    }

    private void fillAndTimeSlos(Path dataDir, Path sloFile) throws Exception {
        Files.createDirectories(dataDir);
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
        // The collector keeps each call site's and call key's totals as it adds rollups; rows inserted here get
        // theirs at once.
        String keys = "service_name, server_address, server_port, route, http_method, http_status_code, error_type, "
                + "call_kind";
        String buckets = IntStream.range(0, 15).mapToObj(b -> String.format(Locale.ROOT, "b%02d", b))
                .collect(Collectors.joining(", "));
        database.inTransaction(c -> {
            try (Statement statement = c.createStatement()) {
                statement.executeUpdate("INSERT INTO rollup_total (" + keys + ", call_count, sum_seconds, " + buckets
                        + ") SELECT " + keys + ", SUM(call_count), SUM(sum_seconds), "
                        + buckets.replaceAll("(b\\d\\d)", "SUM($1)") + " FROM rollup_minute GROUP BY " + keys);
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
            int batch = 5_000;
            long step = Math.max(batch, spans / 100L);
            long nextProgress = step;
            int done = 0;
            while (done < spans) {
                // A batch ends at an hour's end, so each span lands in the hour it started in.
                List<SpanRecord> records = new ArrayList<>(batch);
                SpanRecord first = span(done);
                long hour = first.startUnixNano() / HOUR_NANOS;
                records.add(first);
                while (records.size() < batch && done + records.size() < spans) {
                    SpanRecord next = span(done + records.size());
                    if (next.startUnixNano() / HOUR_NANOS != hour) {
                        break;
                    }
                    records.add(next);
                }
                arrival.now = Instant.ofEpochSecond(0, first.startUnixNano());
                spanStore.insert(records);
                done += records.size();
                if (done >= nextProgress) {
                    System.out.printf(Locale.ROOT, "  spans: %,d of %,d in %.0f s (%,.0f spans/s)%n", done, spans,
                            seconds(started), done / seconds(started));
                    nextProgress += step;
                }
            }
            System.out.printf(Locale.ROOT, "appended %,d spans in %.1f s; indexing the rest and closing%n", spans,
                    seconds(started));
        }
        System.out.printf(Locale.ROOT, "filled %,d spans over %d days in %.1f s: %s on disk in %d hour partitions%n",
                spans, days, seconds(started), mib(size(spanDirectory)), partitions(spanDirectory));
    }

    private static long size(Path directory) throws IOException {
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(Files::isRegularFile).mapToLong(file -> file.toFile().length()).sum();
        }
    }

    private static long partitions(Path spanDirectory) throws IOException {
        try (Stream<Path> hours = Files.list(spanDirectory)) {
            return hours.filter(Files::isDirectory).count();
        }
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
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

    /**
     * Client spans of the routes, spread evenly over the days; one in five has a parent. One in ten answers 503 and one
     * in a hundred times out (no status, {@code error.type} the exception); one in a hundred takes 1-5 s, the rest
     * 1-200 ms; each is for one of {@link #TENANTS} tenants ({@code tenant.id}), the attribute searches ask for. Which
     * spans fail, are slow and which tenant is whose come from separate bits of a scramble of {@code i}, so they are
     * independent of each other and of the route ({@code i % routes}), as each search needs.
     */
    private SpanRecord span(int i) {
        int route = i % routes;
        long startSeconds = firstMinute + (long) ((nowMinute - firstMinute) * (i / (double) spans));
        long start = startSeconds * 1_000_000_000L + i % 1000 * 1000L;
        long mixed = mix(i);
        boolean slow = Math.floorMod(mixed >>> 20, 100) == 3;
        long duration = slow ? 1_000_000_000L + Math.floorMod(mixed, 4_000_000_000L)
                : 1_000_000L + Math.floorMod(mixed, 199_000_000L);
        boolean timedOut = Math.floorMod(mixed >>> 28, 100) == 7;
        Integer status = timedOut ? null : Math.floorMod(mixed >>> 36, 10) == 0 ? 503 : 200;
        String errorType = timedOut ? TIMEOUT : status == 503 ? "503" : null;
        String url = "https://" + peer(route) + route(route).replace("{id}", Integer.toString(i));
        String attributes = "{\"http.request.method\":\"GET\",\"url.full\":\"" + url + "\",\"url.template\":\""
                + route(route) + "\",\"server.address\":\"" + peer(route) + "\",\"server.port\":443,"
                + (status == null ? "" : "\"http.response.status_code\":" + status + ",")
                + (errorType == null ? "" : "\"error.type\":\"" + errorType + "\",")
                + "\"tenant.id\":\"" + tenant(Math.floorMod(mixed >>> 44, TENANTS)) + "\"}";
        return new SpanRecord(traceId(i), hex(i + 1L, 16), i % 5 == 0 ? hex(i + 7L, 16) : null, service(route),
                "callsight", "GET " + route(route), 3, start, start + duration, errorType == null ? 0 : 2, "", "GET",
                peer(route), 443, route(route), status, errorType, null, attributes,
                "{\"service.name\":\"" + service(route) + "\"}", "[]", "[]");
    }

    /** The ID of the trace span {@code i} is in (each span its own trace). */
    private static String traceId(long i) {
        return hex(i + 1, 32);
    }

    /** {@code value} as lower-case hex, zero-padded to {@code digits}: String.format took a third of the fill. */
    private static String hex(long value, int digits) {
        String hex = Long.toHexString(value);
        return "0".repeat(digits - hex.length()) + hex;
    }

    /** A fixed scramble of {@code i} (SplitMix64's finaliser), so durations and tenants look random but repeat. */
    private static long mix(long i) {
        long z = i * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static String tenant(long tenant) {
        return "tenant-" + tenant;
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
        spanQueries(queries);
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

    /**
     * The web UI's and the Jaeger API's trace searches, by each criterion they take, over ranges ending where the
     * fill ends (it stops short of now, and the spans ingested meanwhile would answer a search of the latest hour),
     * and one trace by ID through each. Jaeger asks for a service always, and for the rest as tags.
     */
    private void spanQueries(Map<String, IntFunction<String>> queries) {
        long end = nowMinute;
        String hour = "&from=" + (end - 3_600) + "&to=" + end + "&limit=100";
        String day = "&from=" + (end - 86_400) + "&to=" + end + "&limit=100";
        String week = "&from=" + (end - 7 * 86_400) + "&to=" + end + "&limit=100";
        String all = "&from=" + firstMinute + "&to=" + end + "&limit=100";
        queries.put("ui-search-1h-service (/api/search)", i -> "/api/search?service=" + service(i % routes) + hour);
        queries.put("ui-search-24h-peer", i -> "/api/search?peer=" + encode(peer(i % routes) + ":443") + day);
        queries.put("ui-search-24h-route", i -> "/api/search?route=" + encode(route(i % routes)) + day);
        queries.put("ui-search-24h-status (503, a service)", i -> "/api/search?service=" + service(i % routes)
                + "&status=503" + day);
        queries.put("ui-search-24h-error-type (timeout)", i -> "/api/search?errorType=" + encode(TIMEOUT) + day);
        queries.put("ui-search-24h-min-duration (1 s)", i -> "/api/search?minDurationMs=1000" + day);
        queries.put("ui-search-24h-tag (tenant.id)", i -> "/api/search?tag="
                + encode("tenant.id=" + tenant(i % TENANTS)) + day);
        queries.put("ui-search-7d-error-type (a service, timeout)", i -> "/api/search?service=" + service(i % routes)
                + "&errorType=" + encode(TIMEOUT) + week);
        queries.put("ui-search-30d-route-status (503)", i -> "/api/search?route=" + encode(route(i % routes))
                + "&status=503" + all);
        queries.put("ui-search-30d-tag-min-duration (tenant.id, 1 s)", i -> "/api/search?tag="
                + encode("tenant.id=" + tenant(i % TENANTS)) + "&minDurationMs=1000" + all);
        // A tenant no span has: the search reads every partition of the range and finds nothing, the worst case.
        queries.put("ui-search-30d-no-match (tenant.id)", i -> "/api/search?tag=" + encode("tenant.id=" + tenant(-1))
                + all);
        String jaegerHour = jaegerRange(end - 3_600, end);
        String jaegerDay = jaegerRange(end - 86_400, end);
        String jaegerWeek = jaegerRange(end - 7 * 86_400, end);
        String jaegerAll = jaegerRange(firstMinute, end);
        queries.put("jaeger-search-1h-operation (/jaeger/api/traces)", i -> jaeger(i) + "&operation="
                + encode("GET " + route(i % routes)) + jaegerHour);
        queries.put("jaeger-search-24h-peer (server.address)", i -> jaeger(i) + tags("server.address", peer(i % routes))
                + jaegerDay);
        queries.put("jaeger-search-24h-route (url.template)", i -> jaeger(i) + tags("url.template", route(i % routes))
                + jaegerDay);
        queries.put("jaeger-search-24h-status (503)", i -> jaeger(i) + tags("http.response.status_code", "503")
                + jaegerDay);
        queries.put("jaeger-search-24h-error-type (timeout)", i -> jaeger(i) + tags("error.type", TIMEOUT)
                + jaegerDay);
        queries.put("jaeger-search-24h-min-duration (1 s)", i -> jaeger(i) + "&minDuration=1s" + jaegerDay);
        queries.put("jaeger-search-7d-tag (tenant.id)", i -> jaeger(i) + tags("tenant.id", tenant(i % TENANTS))
                + jaegerWeek);
        queries.put("jaeger-search-30d-tag-min-duration (tenant.id, 1 s)", i -> jaeger(i)
                + tags("tenant.id", tenant(i % TENANTS)) + "&minDuration=1s" + jaegerAll);
        queries.put("jaeger-search-30d-no-match (tenant.id)", i -> jaeger(i) + tags("tenant.id", tenant(-1))
                + jaegerAll);
        queries.put("trace (by id, /api/traces/{id})", i -> "/api/traces/" + someTrace(i));
        queries.put("jaeger-trace (by id, /jaeger/api/traces/{id})", i -> "/jaeger/api/traces/" + someTrace(i));
    }

    /** The ID of a filled trace, spread over the fill. */
    private String someTrace(int i) {
        return traceId((long) i * 7919 % Math.max(1, spans));
    }

    /** A Jaeger search of one service's traces, 20 of them as the Jaeger UI asks. */
    private String jaeger(int i) {
        return "/jaeger/api/traces?limit=20&service=" + service(i % routes);
    }

    /** Jaeger takes microseconds. */
    private static String jaegerRange(long fromSeconds, long toSeconds) {
        return "&start=" + fromSeconds * 1_000_000 + "&end=" + toSeconds * 1_000_000;
    }

    private static String tags(String key, String value) {
        return "&tags=" + encode("{\"" + key + "\":\"" + value + "\"}");
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
