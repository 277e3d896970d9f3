package dev.callsight.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * Draws how cost grows, from the lines bench/growth.sh collects: acknowledged ingest against offered spans/s (with
 * the store's ceiling and the budget), query p99 against routes, and SLO evaluation p99 against the SLO count. One
 * PNG of three charts side by side.
 *
 * <p>Usage: {@code GrowthChart RESULTS_FILE PNG_FILE}.
 */
public final class GrowthChart {

    private static final Pattern FIELD = Pattern.compile("(\\w+)=([\\w./-]+)");
    private static final double INGEST_BUDGET = 100_000;
    private static final double QUERY_BUDGET_MS = 50;

    private GrowthChart() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("java.awt.headless", "true");
        List<Map<String, String>> results = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(args[0]))) {
            Map<String, String> fields = new LinkedHashMap<>();
            Matcher matcher = FIELD.matcher(line);
            while (matcher.find()) {
                fields.put(matcher.group(1), matcher.group(2));
            }
            if (line.startsWith("result ") || line.startsWith("ingest ")) {
                fields.put("kind", line.substring(0, line.indexOf(' ')));
                results.add(fields);
            }
        }
        List<XYChart> charts = List.of(ingest(results), queriesByRoutes(results), slosByCount(results));
        BitmapEncoder.saveBitmap(charts, 1, charts.size(), args[1].replaceFirst("\\.png$", ""),
                BitmapEncoder.BitmapFormat.PNG);
        System.out.println("wrote " + args[1]);
    }

    private static XYChart ingest(List<Map<String, String>> results) {
        XYChart chart = chart("Ingest into H2 (2 cores)", "offered spans/s", "acknowledged spans/s");
        List<Map<String, String>> runs = results.stream().filter(r -> r.get("kind").equals("ingest")
                && r.containsKey("offered")).sorted(Comparator.comparingDouble(r -> number(r, "offered"))).toList();
        if (runs.isEmpty()) {
            return chart;
        }
        double[] offered = runs.stream().mapToDouble(r -> number(r, "offered")).toArray();
        chart.addSeries("acknowledged", offered, runs.stream().mapToDouble(r -> number(r, "acknowledged")).toArray());
        double ceiling = results.stream().filter(r -> r.containsKey("ceiling")).mapToDouble(r -> number(r, "ceiling"))
                .findFirst().orElse(Double.NaN);
        if (!Double.isNaN(ceiling)) {
            chart.addSeries("store ceiling (same rows, no HTTP)", ends(offered), new double[] {ceiling, ceiling});
        }
        chart.addSeries("budget", ends(offered), new double[] {INGEST_BUDGET, INGEST_BUDGET});
        return chart;
    }

    private static XYChart queriesByRoutes(List<Map<String, String>> results) {
        XYChart chart = chart("Query p99 against routes", "routes (call sites)", "p99 ms");
        Map<String, TreeMap<Double, Double>> byQuery = new LinkedHashMap<>();
        results.stream().filter(r -> r.get("kind").equals("result") && !r.get("query").startsWith("slo"))
                .forEach(r -> byQuery.computeIfAbsent(r.get("query"), q -> new TreeMap<>())
                        .put(number(r, "routes"), number(r, "p99_ms")));
        byQuery.forEach((query, points) -> addSeries(chart, query, points));
        budgetLine(chart, byQuery.values());
        return chart;
    }

    private static XYChart slosByCount(List<Map<String, String>> results) {
        XYChart chart = chart("SLO evaluation p99 against SLOs", "SLOs", "p99 ms");
        TreeMap<Double, Double> points = new TreeMap<>();
        results.stream().filter(r -> r.get("kind").equals("result") && r.get("query").equals("slo-evaluation"))
                .forEach(r -> points.put(number(r, "slos"), number(r, "p99_ms")));
        addSeries(chart, "evaluate all SLOs", points);
        budgetLine(chart, List.of(points));
        return chart;
    }

    private static XYChart chart(String title, String x, String y) {
        XYChart chart = new XYChartBuilder().width(640).height(520).title(title).xAxisTitle(x).yAxisTitle(y).build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setChartTitleFont(chart.getStyler().getChartTitleFont().deriveFont(14f));
        return chart;
    }

    private static void addSeries(XYChart chart, String name, TreeMap<Double, Double> points) {
        if (!points.isEmpty()) {
            chart.addSeries(name, points.keySet().stream().mapToDouble(Double::doubleValue).toArray(),
                    points.values().stream().mapToDouble(Double::doubleValue).toArray());
        }
    }

    private static void budgetLine(XYChart chart, Collection<TreeMap<Double, Double>> series) {
        double[] xs = series.stream().flatMap(points -> points.keySet().stream()).mapToDouble(Double::doubleValue)
                .sorted().toArray();
        if (xs.length > 0) {
            chart.addSeries("budget " + (int) QUERY_BUDGET_MS + " ms", ends(xs),
                    new double[] {QUERY_BUDGET_MS, QUERY_BUDGET_MS});
        }
    }

    private static double[] ends(double[] sorted) {
        return new double[] {sorted[0], sorted[sorted.length - 1]};
    }

    private static double number(Map<String, String> fields, String name) {
        return Double.parseDouble(fields.get(name));
    }
}
