package dev.callsight.agent.core.policy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.composer.Composer;
import org.snakeyaml.engine.v2.exceptions.ComposerException;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.parser.ParserImpl;
import org.snakeyaml.engine.v2.scanner.StreamReader;

/**
 * Reads a policy file (YAML). Durations are written {@code 500ms}, {@code 2s}, {@code 5m} or
 * {@code 1h}; shares as {@code 50%} or {@code 0.5}. See docs/policies.md for the format.
 */
public final class PolicyFileReader {

    private static final Set<String> TOP_KEYS = Set.of("policies", "retryBudget");
    private static final Set<String> POLICY_KEYS =
            Set.of("name", "match", "timeouts", "mode", "retry", "circuitBreaker", "maxConcurrent");
    private static final Set<String> MATCH_KEYS = Set.of("host", "port", "path", "methods");
    private static final Set<String> TIMEOUT_KEYS = Set.of("connect", "read", "deadline");
    private static final Set<String> RETRY_KEYS = Set.of("maxAttempts", "initialBackoff", "multiplier", "maxBackoff",
            "jitter", "on", "nonIdempotent");
    private static final Set<String> BREAKER_KEYS =
            Set.of("failureRateThreshold", "minimumCalls", "window", "openFor", "halfOpenCalls");
    private static final Set<String> BUDGET_KEYS = Set.of("ratio", "minPerSecond", "window");
    private static final Set<String> METHODS =
            Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH");
    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)");
    /** Large enough for any real policy file; a bigger one is a mistake, not a configuration. */
    private static final int MAX_FILE_BYTES = 1 << 20;

    private PolicyFileReader() {}

    public static PolicySet read(Path file) throws PolicyFileException {
        String name = file.toString();
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw new PolicyFileException(name, 0, "larger than " + MAX_FILE_BYTES + " bytes");
            }
            return parse(name, new String(Files.readAllBytes(file), StandardCharsets.UTF_8));
        } catch (IOException unreadable) {
            throw new PolicyFileException(name, 0, "cannot read the file: " + unreadable);
        }
    }

    public static PolicySet parse(String file, String yaml) throws PolicyFileException {
        Optional<Node> root;
        try {
            // One buffer for the whole text: snakeyaml-engine 3.0.1 fails on a surrogate pair (an emoji) that straddles
            // its buffer boundary (found by PolicyFileReaderFuzzTest).
            LoadSettings settings = LoadSettings.builder().setLabel(file).setBufferSize(yaml.length() + 1).build();
            DepthLimitedParser events = new DepthLimitedParser(new ParserImpl(settings, new StreamReader(settings, yaml)));
            try {
                root = new Composer(settings, events).getSingleNode();
            } catch (IllegalArgumentException invalidNode) {
                // The composer's own checks, e.g. of a tag (found by PolicyFileReaderFuzzTest).
                throw new ComposerException(invalidNode.getMessage(), events.lastMark());
            }
        } catch (MarkedYamlEngineException malformed) {
            int line = malformed.getProblemMark().map(mark -> mark.getLine() + 1).orElse(0);
            throw new PolicyFileException(file, line, "not valid YAML: " + malformed.getProblem());
        } catch (YamlEngineException malformed) {
            throw new PolicyFileException(file, 0, "not valid YAML: " + malformed.getMessage());
        }
        if (root.isEmpty()) {
            return PolicySet.DEFAULT;
        }
        YamlSection top = new YamlSection(file, root.get(), TOP_KEYS);
        List<Policy> policies = new ArrayList<>();
        if (top.has("policies")) {
            for (Node entry : top.sequence("policies")) {
                policies.add(policy(top.child(entry, POLICY_KEYS), policies.size()));
            }
        }
        RetryBudgetPolicy budget = top.has("retryBudget")
                ? retryBudget(top.section("retryBudget", BUDGET_KEYS)) : RetryBudgetPolicy.DEFAULT;
        return new PolicySet(policies, budget);
    }

    private static Policy policy(YamlSection section, int index) throws PolicyFileException {
        String name = section.has("name") ? section.text("name") : "policies[" + index + "]";
        if (!section.has("match")) {
            throw section.error("match", "every policy needs a match, e.g. { host: \"*\" }");
        }
        Policy.Builder policy = Policy.builder(name).match(match(section.section("match", MATCH_KEYS)));
        if (section.has("timeouts")) {
            YamlSection timeouts = section.section("timeouts", TIMEOUT_KEYS);
            policy.timeouts(new Timeouts(optionalDuration(timeouts, "connect"), optionalDuration(timeouts, "read"),
                    optionalDuration(timeouts, "deadline")));
        }
        if (section.has("mode")) {
            String mode = section.text("mode").toLowerCase(Locale.ROOT);
            if (!mode.equals("enforce") && !mode.equals("observe")) {
                throw section.error("mode", "must be enforce or observe, not '" + mode + "'");
            }
            policy.mode(mode.equals("enforce") ? Mode.ENFORCE : Mode.OBSERVE);
        }
        if (section.has("retry")) {
            policy.retry(retry(section.section("retry", RETRY_KEYS)));
        }
        if (section.has("circuitBreaker")) {
            policy.circuitBreaker(circuitBreaker(section.section("circuitBreaker", BREAKER_KEYS)));
        }
        if (section.has("maxConcurrent")) {
            policy.maxConcurrent(positiveInt(section, "maxConcurrent"));
        }
        return policy.build();
    }

    private static RequestMatch match(YamlSection match) throws PolicyFileException {
        String host = match.has("host") ? match.text("host") : "*";
        if (host.isEmpty() || host.indexOf('*') > 0 || host.indexOf('/') >= 0) {
            throw match.error("host", "must be a host name, \"*\", or \"*.domain\", not '" + host + "'");
        }
        int port = match.has("port") ? positiveInt(match, "port") : 0;
        String path = match.has("path") ? match.text("path") : "/**";
        if (!path.startsWith("/")) {
            throw match.error("path", "must start with '/', not '" + path + "'");
        }
        Set<String> methods = new LinkedHashSet<>();
        if (match.has("methods")) {
            for (Node node : match.sequence("methods")) {
                String method = match.scalar(node).toUpperCase(Locale.ROOT);
                if (!METHODS.contains(method)) {
                    throw match.error(node, "unknown HTTP method '" + method + "'");
                }
                methods.add(method);
            }
        }
        return new RequestMatch(host, port, path, methods);
    }

    private static RetryPolicy retry(YamlSection retry) throws PolicyFileException {
        RetryPolicy.Builder builder = RetryPolicy.builder();
        if (retry.has("maxAttempts")) {
            builder.maxAttempts(positiveInt(retry, "maxAttempts"));
        }
        if (retry.has("initialBackoff")) {
            builder.initialBackoff(duration(retry, "initialBackoff"));
        }
        if (retry.has("multiplier")) {
            double multiplier = number(retry, "multiplier");
            if (multiplier < 1) {
                throw retry.error("multiplier", "must be at least 1");
            }
            builder.multiplier(multiplier);
        }
        if (retry.has("maxBackoff")) {
            builder.maxBackoff(duration(retry, "maxBackoff"));
        }
        if (retry.has("jitter")) {
            String jitter = retry.text("jitter").toLowerCase(Locale.ROOT);
            if (!jitter.equals("full") && !jitter.equals("none")) {
                throw retry.error("jitter", "must be full or none, not '" + jitter + "'");
            }
            builder.fullJitter(jitter.equals("full"));
        }
        if (retry.has("on")) {
            Set<RetryCondition> conditions = EnumSet.noneOf(RetryCondition.class);
            Set<Integer> statuses = new LinkedHashSet<>();
            for (Node node : retry.sequence("on")) {
                String value = retry.scalar(node).toLowerCase(Locale.ROOT);
                Optional<RetryCondition> condition = Arrays.stream(RetryCondition.values())
                        .filter(candidate -> candidate.configName().equals(value)).findFirst();
                if (condition.isPresent()) {
                    conditions.add(condition.get());
                } else if (value.matches("[1-5]\\d\\d")) {
                    statuses.add(Integer.parseInt(value));
                } else {
                    throw retry.error(node, "retry 'on' takes connect_error, timeout, io_error or a status code"
                            + " such as 503, not '" + value + "'");
                }
            }
            builder.on(conditions, statuses);
        }
        if (retry.has("nonIdempotent")) {
            builder.nonIdempotent(bool(retry, "nonIdempotent"));
        }
        return builder.build();
    }

    private static CircuitBreakerPolicy circuitBreaker(YamlSection breaker) throws PolicyFileException {
        return new CircuitBreakerPolicy(
                breaker.has("failureRateThreshold") ? share(breaker, "failureRateThreshold") : 0.5,
                breaker.has("minimumCalls") ? positiveInt(breaker, "minimumCalls") : 20,
                breaker.has("window") ? duration(breaker, "window") : Duration.ofSeconds(30),
                breaker.has("openFor") ? duration(breaker, "openFor") : Duration.ofSeconds(30),
                breaker.has("halfOpenCalls") ? positiveInt(breaker, "halfOpenCalls") : 5);
    }

    private static RetryBudgetPolicy retryBudget(YamlSection budget) throws PolicyFileException {
        RetryBudgetPolicy defaults = RetryBudgetPolicy.DEFAULT;
        return new RetryBudgetPolicy(
                budget.has("ratio") ? share(budget, "ratio") : defaults.ratio(),
                budget.has("minPerSecond") ? nonNegativeInt(budget, "minPerSecond") : defaults.minPerSecond(),
                budget.has("window") ? duration(budget, "window") : defaults.window());
    }

    private static Duration optionalDuration(YamlSection section, String key) throws PolicyFileException {
        return section.has(key) ? duration(section, key) : null;
    }

    private static Duration duration(YamlSection section, String key) throws PolicyFileException {
        String text = section.text(key);
        Matcher matcher = DURATION.matcher(text.toLowerCase(Locale.ROOT));
        if (!matcher.matches()) {
            throw section.error(key, "'" + text + "' is not a duration such as 500ms, 2s, 5m or 1h");
        }
        double amount = Double.parseDouble(matcher.group(1));
        double millis = amount * unitMillis(matcher.group(2));
        if (millis < 1) {
            throw section.error(key, "must be at least 1ms");
        }
        return Duration.ofMillis(Math.round(millis));
    }

    private static long unitMillis(String unit) {
        switch (unit) {
            case "ms":
                return 1;
            case "s":
                return 1_000;
            case "m":
                return 60_000;
            default:
                return 3_600_000;
        }
    }

    private static double share(YamlSection section, String key) throws PolicyFileException {
        String text = section.text(key);
        double value;
        try {
            value = text.endsWith("%") ? Double.parseDouble(text.substring(0, text.length() - 1).trim()) / 100
                    : Double.parseDouble(text);
        } catch (NumberFormatException notNumber) {
            throw section.error(key, "'" + text + "' is not a share such as 50% or 0.5");
        }
        if (value < 0 || value > 1) {
            throw section.error(key, "must be between 0% and 100%");
        }
        return value;
    }

    private static double number(YamlSection section, String key) throws PolicyFileException {
        String text = section.text(key);
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException notNumber) {
            throw section.error(key, "'" + text + "' is not a number");
        }
    }

    private static int positiveInt(YamlSection section, String key) throws PolicyFileException {
        int value = nonNegativeInt(section, key);
        if (value == 0) {
            throw section.error(key, "must be at least 1");
        }
        return value;
    }

    private static int nonNegativeInt(YamlSection section, String key) throws PolicyFileException {
        String text = section.text(key);
        try {
            int value = Integer.parseInt(text);
            if (value < 0) {
                throw section.error(key, "must not be negative");
            }
            return value;
        } catch (NumberFormatException notNumber) {
            throw section.error(key, "'" + text + "' is not a whole number");
        }
    }

    private static boolean bool(YamlSection section, String key) throws PolicyFileException {
        String text = section.text(key).toLowerCase(Locale.ROOT);
        if (!text.equals("true") && !text.equals("false")) {
            throw section.error(key, "must be true or false, not '" + text + "'");
        }
        return text.equals("true");
    }
}
