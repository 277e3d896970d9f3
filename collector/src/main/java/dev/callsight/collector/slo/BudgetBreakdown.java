package dev.callsight.collector.slo;

import dev.callsight.collector.aggregate.CallKey;
import dev.callsight.collector.aggregate.CallKind;
import dev.callsight.collector.aggregate.CallTotal;
import dev.callsight.collector.store.CallMatch;
import dev.callsight.collector.store.RollupStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * What burned an SLO's error budget over a time range: its bad calls per route, peer, status code and error type,
 * worst first, each with the share of the range's budget it spent. Read from the rollups in one query (hour rows for
 * folded hours, minute rows after), with the SLO's own SLI deciding which calls were bad.
 */
public final class BudgetBreakdown {

    /** Bad calls of one route, peer, status and error type; {@code calls} are the call keys they came from. */
    public record Cause(String route, String peer, int statusCode, String errorType, long badCalls,
            List<CallKey> calls) {

        public Cause {
            calls = List.copyOf(calls);
        }
    }

    /** The breakdown of {@code [fromUnixSeconds, toUnixSeconds)}: all calls, bad calls and their causes. */
    public record Result(SloDefinition slo, long fromUnixSeconds, long toUnixSeconds, long calls, long badCalls,
            List<Cause> causes) {

        public Result {
            causes = List.copyOf(causes);
        }

        /** The bad calls the range's traffic allows: (1 − target) × calls. */
        public double allowedBad() {
            return slo.errorBudget().doubleValue() * calls;
        }

        /** The share of the range's error budget that {@code bad} calls spent (above 1 when overspent). */
        public double budgetShare(long bad) {
            return calls == 0 ? Double.NaN : bad / allowedBad();
        }

        /** Bad calls summed by one dimension of the causes, worst first. */
        public Map<String, Long> ranking(Function<Cause, String> dimension) {
            Map<String, Long> sums = new TreeMap<>();
            causes.forEach(cause -> sums.merge(dimension.apply(cause), cause.badCalls(), Long::sum));
            Map<String, Long> ranked = new LinkedHashMap<>();
            sums.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                    .forEachOrdered(entry -> ranked.put(entry.getKey(), entry.getValue()));
            return ranked;
        }
    }

    private final RollupStore rollups;

    public BudgetBreakdown(RollupStore rollups) {
        this.rollups = rollups;
    }

    public Result of(Connection connection, SloDefinition slo, long fromUnixSeconds, long toUnixSeconds)
            throws SQLException {
        Selector selector = slo.selector();
        List<CallTotal> totals = rollups.totalsBetween(connection, new CallMatch(selector.service(),
                selector.address(), selector.port(), selector.route(), selector.method(), selector.kind()),
                fromUnixSeconds, toUnixSeconds);
        long calls = 0;
        long bad = 0;
        Map<List<Object>, List<CallTotal>> byCause = new LinkedHashMap<>();
        for (CallTotal total : totals) {
            CallKey call = total.call();
            if (!selector.matches(call)) {
                continue;
            }
            long badCalls = total.count() - slo.sli().good(call, total.count(), total.buckets());
            calls += total.count();
            bad += badCalls;
            if (badCalls > 0) {
                byCause.computeIfAbsent(List.of(call.route(), peer(call), call.statusCode(), call.errorType()),
                        key -> new ArrayList<>()).add(new CallTotal(call, badCalls, 0, total.buckets()));
            }
        }
        List<Cause> causes = new ArrayList<>();
        byCause.forEach((key, parts) -> causes.add(new Cause((String) key.get(0), (String) key.get(1),
                (Integer) key.get(2), (String) key.get(3), parts.stream().mapToLong(CallTotal::count).sum(),
                parts.stream().map(CallTotal::call).toList())));
        causes.sort(Comparator.comparingLong(Cause::badCalls).reversed().thenComparing(Cause::route)
                .thenComparing(Cause::peer).thenComparingInt(Cause::statusCode).thenComparing(Cause::errorType));
        return new Result(slo, fromUnixSeconds, toUnixSeconds, calls, bad, causes);
    }

    /** {@code host:port}; empty for a server's own requests, which have no peer. */
    private static String peer(CallKey call) {
        return call.kind() == CallKind.SERVER ? "" : call.peer();
    }
}
