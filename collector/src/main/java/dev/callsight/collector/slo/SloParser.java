package dev.callsight.collector.slo;

import dev.callsight.collector.aggregate.CallKind;
import dev.callsight.config.ConfigException;
import dev.callsight.config.Durations;
import dev.callsight.config.YamlNode;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads SLO files: callsight's own {@code slos:} list, and OpenSLO v1 {@code SLO} documents for the subset that maps
 * onto it (one inline ratio or threshold indicator over callsight's calls, occurrences budgeting, one objective,
 * one time window). Every error names the file, the line and the reason.
 */
public final class SloParser {

    /** Names end up in URLs, Prometheus labels and Alertmanager labels, so they stay plain. */
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9._-]{0,61}[a-z0-9])?");
    private static final Pattern TARGET_PERCENT = Pattern.compile("(\\d+(\\.\\d+)?)\\s*%");
    private static final Pattern PEER = Pattern.compile("([^:\\s]+)(:(\\d{1,5}))?");
    private static final String CALLSIGHT_SOURCE = "callsight";

    private static final Set<String> SLO_KEYS = Set.of("name", "description", "selector", "per", "sli", "target",
            "window", "alerting");
    private static final Set<String> SELECTOR_KEYS = Set.of("service", "peer", "route", "method", "kind");
    private static final Set<String> SLI_KEYS = Set.of("success", "latency");
    private static final Set<String> ALERTING_KEYS = Set.of("page", "ticket", "minEvents", "noDataAfter");

    public List<SloDefinition> parse(String text, String file) throws ConfigException {
        List<SloDefinition> slos = new ArrayList<>();
        Map<String, Integer> firstLines = new HashMap<>();
        List<YamlNode> roots = YamlNode.documents(file, text);
        OpenSloDocuments openSlo = OpenSloDocuments.collect(roots);
        for (YamlNode root : roots) {
            Map<String, YamlNode> entries = root.mapping("an SLO file", Set.of());
            boolean isOpenSlo = entries.containsKey("apiVersion");
            if (isOpenSlo && !openSlo.isSlo(root)) {
                continue;
            }
            List<YamlNode> items = isOpenSlo ? List.of(root) : callsightList(root, entries);
            for (YamlNode item : items) {
                SloDefinition slo = isOpenSlo ? openSlo(root, entries, openSlo) : callsightSlo(item);
                Integer first = firstLines.putIfAbsent(slo.name(), item.line());
                if (first != null) {
                    throw item.error("SLO name '" + slo.name() + "' is already used on line " + first);
                }
                slos.add(slo);
            }
        }
        return List.copyOf(slos);
    }

    private static List<YamlNode> callsightList(YamlNode root, Map<String, YamlNode> entries)
            throws ConfigException {
        if (!entries.containsKey("slos") || entries.size() != 1) {
            throw root.error("expected 'slos:' with a list of SLOs, or an OpenSLO document ('apiVersion: openslo/v1')");
        }
        return entries.get("slos").sequence("'slos'");
    }

    private SloDefinition callsightSlo(YamlNode item) throws ConfigException {
        Map<String, YamlNode> slo = item.mapping("an SLO", SLO_KEYS);
        String name = name(YamlNode.required(item, slo, "name", "an SLO"));
        String what = "SLO '" + name + "'";
        YamlNode selectorNode = YamlNode.required(item, slo, "selector", what);
        Map<String, YamlNode> selector = selectorNode.mapping("'selector'", SELECTOR_KEYS);
        if (selector.isEmpty()) {
            throw selectorNode.error("'selector' needs at least one of " + SELECTOR_KEYS);
        }
        return new SloDefinition(name, YamlNode.optionalScalar(slo, "description").orElse(""),
                selector(selector, YamlNode.optionalScalar(selector, "service").orElse(null), slo.get("per")),
                sli(YamlNode.required(item, slo, "sli", what)),
                target(YamlNode.required(item, slo, "target", what)),
                window(YamlNode.required(item, slo, "window", what)),
                slo.containsKey("alerting") ? alerting(slo.get("alerting")) : AlertPolicy.DEFAULT);
    }

    private static String name(YamlNode node) throws ConfigException {
        String name = node.scalar("'name'");
        if (!NAME.matcher(name).matches()) {
            throw node.error("SLO name '" + name + "' must be 1-63 lowercase letters, digits, '.', '_' or '-', "
                    + "starting and ending with a letter or digit");
        }
        return name;
    }

    /**
     * The calls a selector picks; {@code per} ({@code attempt}, the default, or {@code call}) chooses between each
     * attempt of an outbound call and the logical call the application made (its final outcome and total time).
     */
    private static Selector selector(Map<String, YamlNode> fields, String service, YamlNode per)
            throws ConfigException {
        String address = null;
        Integer port = null;
        YamlNode peerNode = fields.get("peer");
        if (peerNode != null) {
            Matcher peer = PEER.matcher(peerNode.scalar("'peer'"));
            if (!peer.matches() || (peer.group(3) != null && Integer.parseInt(peer.group(3)) > 65535)) {
                throw peerNode.error("'peer' must be host or host:port, not '" + peerNode.scalar("'peer'") + "'");
            }
            address = peer.group(1);
            port = peer.group(3) == null ? null : Integer.valueOf(peer.group(3));
        }
        CallKind kind = CallKind.CLIENT;
        YamlNode kindNode = fields.get("kind");
        if (kindNode != null) {
            String label = kindNode.scalar("'kind'");
            if (!label.equals("client") && !label.equals("server")) {
                throw kindNode.error("'kind' must be client or server, not '" + label + "'");
            }
            kind = CallKind.ofLabel(label);
            if (kind == CallKind.SERVER && address != null) {
                throw peerNode.error("'peer' cannot be set with kind: server; a service's own requests have no peer");
            }
        }
        if (per != null) {
            String text = per.scalar("'per'");
            if (!text.equals("attempt") && !text.equals("call")) {
                throw per.error("'per' must be attempt (each attempt, as the upstream answered it) or call (the "
                        + "application's call, retries included), not '" + text + "'");
            }
            if (text.equals("call")) {
                if (kind == CallKind.SERVER) {
                    throw per.error("'per: call' is for outbound calls; a server's requests have no retries to fold");
                }
                kind = CallKind.CALL;
            }
        }
        return new Selector(service, address, port, YamlNode.optionalScalar(fields, "route").orElse(null),
                YamlNode.optionalScalar(fields, "method").map(m -> m.toUpperCase(Locale.ROOT)).orElse(null), kind);
    }

    /** {@code success}, {@code {success: {goodStatus: [200, 404]}}} or {@code {latency: {threshold: 300ms}}}. */
    private Sli sli(YamlNode node) throws ConfigException {
        if (node.isScalar()) {
            if (!node.scalar("'sli'").equals("success")) {
                throw node.error("'sli' must be 'success', {success: {goodStatus: [...]}} or "
                        + "{latency: {threshold: 300ms}}, not '" + node.scalar("'sli'") + "'");
            }
            return new Sli.Success(Set.of());
        }
        Map<String, YamlNode> kinds = node.mapping("'sli'", SLI_KEYS);
        if (kinds.size() != 1) {
            throw node.error("'sli' must have exactly one of " + SLI_KEYS);
        }
        if (kinds.containsKey("success")) {
            YamlNode success = kinds.get("success");
            if (success.isScalar() && success.scalar("'success'").isEmpty()) {
                return new Sli.Success(Set.of());
            }
            Map<String, YamlNode> options = success.mapping("'success'", Set.of("goodStatus"));
            return new Sli.Success(statuses(YamlNode.required(success, options, "goodStatus", "'success'")));
        }
        YamlNode latency = kinds.get("latency");
        Map<String, YamlNode> options = latency.mapping("'latency'", Set.of("threshold"));
        YamlNode threshold = YamlNode.required(latency, options, "threshold", "'latency'");
        return latency(threshold, duration(threshold, threshold.scalar("'threshold'")));
    }

    private static Set<Integer> statuses(YamlNode node) throws ConfigException {
        Set<Integer> statuses = new LinkedHashSet<>();
        for (YamlNode item : node.sequence("'goodStatus'")) {
            String text = item.scalar("a status");
            if (!text.matches("[1-5]\\d\\d")) {
                throw item.error("'" + text + "' is not an HTTP status (100-599)");
            }
            statuses.add(Integer.parseInt(text));
        }
        if (statuses.isEmpty()) {
            throw node.error("'goodStatus' needs at least one status");
        }
        return statuses;
    }

    private static Sli latency(YamlNode node, Duration threshold) throws ConfigException {
        try {
            return new Sli.Latency(threshold);
        } catch (IllegalArgumentException e) {
            throw node.error(e.getMessage());
        }
    }

    private static BigDecimal target(YamlNode node) throws ConfigException {
        return target(node, node.scalar("'target'"));
    }

    /** {@code 99.9%} or a fraction such as {@code 0.999}. */
    private static BigDecimal target(YamlNode node, String text) throws ConfigException {
        BigDecimal target;
        try {
            Matcher percent = TARGET_PERCENT.matcher(text.strip());
            target = percent.matches() ? new BigDecimal(percent.group(1)).movePointLeft(2) : new BigDecimal(text.strip());
        } catch (NumberFormatException e) {
            target = null;
        }
        if (target == null || target.signum() <= 0 || target.compareTo(BigDecimal.ONE) >= 0) {
            throw node.error("'target' must be a percentage such as 99.9% or a fraction such as 0.999, above 0 and "
                    + "below 100%, not '" + text + "'");
        }
        return target.stripTrailingZeros();
    }

    /** {@code 30d}, {@code 4w}, {@code calendar-week} or {@code calendar-month}. */
    private SloWindow window(YamlNode node) throws ConfigException {
        String text = node.scalar("'window'").strip();
        return switch (text) {
            case "calendar-week" -> new SloWindow.Calendar(ChronoUnit.WEEKS);
            case "calendar-month" -> new SloWindow.Calendar(ChronoUnit.MONTHS);
            default -> rolling(node, text);
        };
    }

    private SloWindow rolling(YamlNode node, String text) throws ConfigException {
        Duration length = duration(node, text);
        if (length.toDays() < 1 || !length.equals(Duration.ofDays(length.toDays()))) {
            throw node.error("a window is whole days such as 28d or 30d (or calendar-week, calendar-month), not '"
                    + text + "'");
        }
        return new SloWindow.Rolling(length);
    }

    private Duration duration(YamlNode node, String text) throws ConfigException {
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw node.error(e.getMessage());
        }
    }

    private AlertPolicy alerting(YamlNode node) throws ConfigException {
        Map<String, YamlNode> options = node.mapping("'alerting'", ALERTING_KEYS);
        boolean page = bool(options.get("page"), true);
        boolean ticket = bool(options.get("ticket"), true);
        return new AlertPolicy(page, ticket, minEvents(options.get("minEvents")),
                noDataAfter(options.get("noDataAfter")));
    }

    private static long minEvents(YamlNode min) throws ConfigException {
        if (min == null) {
            return AlertPolicy.DEFAULT_MIN_EVENTS;
        }
        String text = min.scalar("'minEvents'");
        if (!text.matches("\\d{1,12}")) {
            throw min.error("'minEvents' must be a whole number of calls, not '" + text + "'");
        }
        return Long.parseLong(text);
    }

    /** {@code 30m} (the default), up to three days, or {@code off}. */
    private Duration noDataAfter(YamlNode node) throws ConfigException {
        if (node == null) {
            return AlertPolicy.DEFAULT_NO_DATA_AFTER;
        }
        String text = node.scalar("'noDataAfter'").strip();
        if (text.equals("off") || text.equals("false")) {
            return null;
        }
        Duration silence = duration(node, text);
        if (silence.compareTo(Duration.ofMinutes(1)) < 0 || silence.compareTo(BurnWindow.D3.length()) > 0
                || !silence.equals(Duration.ofMinutes(silence.toMinutes()))) {
            throw node.error("'noDataAfter' must be whole minutes from 1m to 3d, or off, not '" + text + "'");
        }
        return silence;
    }

    private static boolean bool(YamlNode node, boolean absent) throws ConfigException {
        if (node == null) {
            return absent;
        }
        return switch (node.scalar("a switch").toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw node.error("expected true or false, not '" + node.scalar("a switch") + "'");
        };
    }

    // OpenSLO v1: cosmetic fields (displayName, labels, annotations) are ignored; anything that would change
    // what is measured and is outside the subset is refused rather than silently dropped.

    private SloDefinition openSlo(YamlNode root, Map<String, YamlNode> document, OpenSloDocuments documents)
            throws ConfigException {
        YamlNode metadata = YamlNode.required(root, document, "metadata", "an OpenSLO SLO");
        Map<String, YamlNode> metadataFields = metadata.mapping("'metadata'", Set.of());
        String name = name(YamlNode.required(metadata, metadataFields, "name", "'metadata'"));
        YamlNode specNode = YamlNode.required(root, document, "spec", "an OpenSLO SLO");
        Map<String, YamlNode> spec = specNode.mapping("'spec'", Set.of());
        YamlNode budgeting = YamlNode.required(specNode, spec, "budgetingMethod", "'spec'");
        if (!budgeting.scalar("'budgetingMethod'").equals("Occurrences")) {
            throw budgeting.error("only budgetingMethod 'Occurrences' is supported, not '"
                    + budgeting.scalar("'budgetingMethod'") + "'");
        }
        String service = YamlNode.optionalScalar(spec, "service").orElse(null);
        YamlNode indicator = spec.containsKey("indicatorRef")
                ? documents.sli(spec.get("indicatorRef")) : YamlNode.required(specNode, spec, "indicator", "'spec'");
        YamlNode indicatorSpecNode = YamlNode.required(indicator, indicator.mapping("'indicator'", Set.of()), "spec",
                "'indicator'");
        Map<String, YamlNode> indicatorSpec = indicatorSpecNode.mapping("'indicator.spec'", Set.of());
        YamlNode objective = single(YamlNode.required(specNode, spec, "objectives", "'spec'"), "'objectives'");
        Map<String, YamlNode> objectiveFields = objective.mapping("an objective", Set.of());

        Selector selector;
        Sli sli;
        if (indicatorSpec.containsKey("ratioMetric")) {
            YamlNode ratioNode = indicatorSpec.get("ratioMetric");
            Map<String, YamlNode> ratio = ratioNode.mapping("'ratioMetric'", Set.of());
            Map<String, YamlNode> total = callsightSource(YamlNode.required(ratioNode, ratio, "total", "'ratioMetric'"));
            YamlNode goodNode = YamlNode.required(ratioNode, ratio, "good", "'ratioMetric'");
            Map<String, YamlNode> good = callsightSource(goodNode);
            selector = selector(total, service, total.get("per"));
            if (!selector(good, service, good.get("per")).equals(selector)) {
                throw goodNode.error("'good' must select the same calls as 'total' (only 'goodStatus' may differ)");
            }
            sli = new Sli.Success(good.containsKey("goodStatus") ? statuses(good.get("goodStatus")) : Set.of());
        } else if (indicatorSpec.containsKey("thresholdMetric")) {
            Map<String, YamlNode> source = callsightSource(indicatorSpec.get("thresholdMetric"));
            selector = selector(source, service, source.get("per"));
            sli = threshold(objective, objectiveFields);
        } else {
            throw indicatorSpecNode.error("the indicator needs 'ratioMetric' or 'thresholdMetric'");
        }
        return new SloDefinition(name, YamlNode.optionalScalar(spec, "description").orElse(""), selector, sli,
                openSloTarget(objective, objectiveFields), openSloWindow(specNode, spec),
                openSloAlerting(spec.get("alertPolicies"), metadataFields.get("annotations"), documents));
    }

    /**
     * Pages when an alert policy has a condition of severity {@code page} or {@code critical}, files tickets when one
     * has any other severity; the burn rates are callsight's own tiers whatever the conditions say. Without
     * {@code alertPolicies}, both; with an empty list, neither. The low-traffic guard and the no-data silence come
     * from the annotations {@code callsight.dev/min-events} and {@code callsight.dev/no-data-after}.
     */
    private AlertPolicy openSloAlerting(YamlNode policiesNode, YamlNode annotationsNode, OpenSloDocuments documents)
            throws ConfigException {
        boolean page = policiesNode == null;
        boolean ticket = policiesNode == null;
        if (policiesNode != null) {
            for (YamlNode policy : policiesNode.sequence("'alertPolicies'")) {
                for (String severity : documents.severities(policy)) {
                    boolean paging = severity.equalsIgnoreCase("page") || severity.equalsIgnoreCase("critical");
                    page |= paging;
                    ticket |= !paging;
                }
            }
        }
        Map<String, YamlNode> annotations = annotationsNode == null ? Map.of()
                : annotationsNode.mapping("'annotations'", Set.of());
        return new AlertPolicy(page, ticket, minEvents(annotations.get(OpenSloWriter.MIN_EVENTS)),
                noDataAfter(annotations.get(OpenSloWriter.NO_DATA_AFTER)));
    }

    private static YamlNode single(YamlNode list, String what) throws ConfigException {
        List<YamlNode> items = list.sequence(what);
        if (items.size() != 1) {
            throw list.error(what + " must have exactly one entry; callsight has no composite SLOs");
        }
        return items.get(0);
    }

    /** The {@code spec} of a {@code metricSource} of type {@code callsight}: peer, route, method, goodStatus. */
    private static Map<String, YamlNode> callsightSource(YamlNode metric) throws ConfigException {
        Map<String, YamlNode> fields = metric.mapping("a metric", Set.of());
        YamlNode sourceNode = YamlNode.required(metric, fields, "metricSource", "a metric");
        Map<String, YamlNode> source = sourceNode.mapping("'metricSource'", Set.of());
        YamlNode type = YamlNode.required(sourceNode, source, "type", "'metricSource'");
        if (!type.scalar("'type'").equals(CALLSIGHT_SOURCE)) {
            throw type.error("metricSource type must be '" + CALLSIGHT_SOURCE + "' (the calls this collector stores), "
                    + "not '" + type.scalar("'type'") + "'");
        }
        YamlNode specNode = YamlNode.required(sourceNode, source, "spec", "'metricSource'");
        Set<String> allowed = new LinkedHashSet<>(SELECTOR_KEYS);
        allowed.add("goodStatus");
        allowed.add("per");
        allowed.remove("service");
        return specNode.mapping("'metricSource.spec'", allowed);
    }

    /** A threshold objective: {@code op: lt} or {@code lte} and {@code value} in seconds. */
    private static Sli threshold(YamlNode objective, Map<String, YamlNode> fields) throws ConfigException {
        YamlNode op = YamlNode.required(objective, fields, "op", "a threshold objective");
        if (!Set.of("lt", "lte").contains(op.scalar("'op'"))) {
            throw op.error("a latency objective needs op 'lt' or 'lte' (calls faster than 'value' are good), not '"
                    + op.scalar("'op'") + "'");
        }
        YamlNode value = YamlNode.required(objective, fields, "value", "a threshold objective");
        BigDecimal seconds;
        try {
            seconds = new BigDecimal(value.scalar("'value'"));
        } catch (NumberFormatException e) {
            throw value.error("'value' must be a number of seconds, not '" + value.scalar("'value'") + "'");
        }
        return latency(value, Duration.ofNanos(seconds.movePointRight(9).longValue()));
    }

    private static BigDecimal openSloTarget(YamlNode objective, Map<String, YamlNode> fields)
            throws ConfigException {
        YamlNode percent = fields.get("targetPercent");
        if (percent != null) {
            return target(percent, percent.scalar("'targetPercent'") + "%");
        }
        return target(YamlNode.required(objective, fields, "target", "an objective"));
    }

    /** One window: {@code duration: 30d, isRolling: true}, or {@code 1w}/{@code 1M} with {@code isRolling: false}. */
    private SloWindow openSloWindow(YamlNode specNode, Map<String, YamlNode> spec) throws ConfigException {
        YamlNode windowNode = single(YamlNode.required(specNode, spec, "timeWindow", "'spec'"), "'timeWindow'");
        Map<String, YamlNode> window = windowNode.mapping("a time window", Set.of());
        YamlNode duration = YamlNode.required(windowNode, window, "duration", "a time window");
        String text = duration.scalar("'duration'").strip();
        if (bool(window.get("isRolling"), false)) {
            return rolling(duration, text);
        }
        YamlNode calendar = window.get("calendar");
        if (calendar != null) {
            YamlNode zone = calendar.mapping("'calendar'", Set.of()).get("timeZone");
            if (zone != null && !Set.of("UTC", "Etc/UTC").contains(zone.scalar("'timeZone'"))) {
                throw zone.error("calendar windows are in UTC; timeZone '" + zone.scalar("'timeZone'")
                        + "' is not supported");
            }
        }
        return switch (text) {
            case "1w" -> new SloWindow.Calendar(ChronoUnit.WEEKS);
            case "1M" -> new SloWindow.Calendar(ChronoUnit.MONTHS);
            default -> throw duration.error("a calendar window is '1w' or '1M', not '" + text + "'");
        };
    }
}
