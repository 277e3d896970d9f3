package dev.callsight.e2e.support;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names a PromQL expression selects, with the label names its matchers use on each, and the label names
 * it groups or joins by. A scanner, not a parser: promtool judges validity, this only finds what is referred to.
 */
public record PromqlReferences(Map<String, Set<String>> selectors, Set<String> groupingLabels) {

    private static final Pattern TOKEN = Pattern.compile(
            "\\s+|\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`"
                    + "|\\[[^\\]]*\\]"                                  // range or subquery: durations only
                    + "|\\d+(?:\\.\\d+)?(?:[eE][+-]?\\d+)?[smhdwy]*"     // number or duration (after offset)
                    + "|[a-zA-Z_:][a-zA-Z0-9_:]*|.");
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "by", "without", "on",
            "ignoring", "group_left", "group_right", "inf", "nan");
    private static final Set<String> GROUPING = Set.of("by", "without", "on", "ignoring", "group_left", "group_right");

    public static PromqlReferences of(String expression) {
        Map<String, Set<String>> selectors = new LinkedHashMap<>();
        Set<String> grouping = new LinkedHashSet<>();
        Matcher token = TOKEN.matcher(expression);
        String lastMetric = null;      // the metric a following {...} belongs to, if any
        String pending = null;         // an identifier not yet known to be a metric or a function
        boolean inBraces = false;
        boolean groupingNext = false;  // the next "(...)" lists label names
        boolean inGroupList = false;
        while (token.find()) {
            String text = token.group();
            if (text.isBlank()) {
                continue;
            }
            // An identifier before "(" is a function; before by/without, an aggregation; otherwise a metric.
            if (pending != null && !text.equals("(") && !GROUPING.contains(text.toLowerCase(Locale.ROOT))) {
                selectors.computeIfAbsent(pending, name -> new LinkedHashSet<>());
                lastMetric = pending;
            }
            pending = null;
            if (inBraces) {
                if (text.equals("}")) {
                    inBraces = false;
                    lastMetric = null;
                } else if (Character.isLetter(text.charAt(0)) || text.charAt(0) == '_') {
                    selectors.computeIfAbsent(lastMetric == null ? "" : lastMetric, name -> new LinkedHashSet<>())
                            .add(text);
                }
                continue;
            }
            if (inGroupList) {
                if (text.equals(")")) {
                    inGroupList = false;
                } else if (!text.equals(",")) {
                    grouping.add(text);
                }
                continue;
            }
            if (text.equals("{")) {
                inBraces = true;
            } else if (text.equals("(") && groupingNext) {
                inGroupList = true;
                groupingNext = false;
            } else if (GROUPING.contains(text.toLowerCase(Locale.ROOT))) {
                groupingNext = true;
                lastMetric = null;
            } else if (text.matches("[a-zA-Z_:][a-zA-Z0-9_:]*") && !KEYWORDS.contains(text.toLowerCase(Locale.ROOT))) {
                pending = text;
                lastMetric = null;
            } else {
                groupingNext = false;
                lastMetric = null;
            }
        }
        if (pending != null) {
            selectors.computeIfAbsent(pending, name -> new LinkedHashSet<>());
        }
        return new PromqlReferences(selectors, grouping);
    }
}
