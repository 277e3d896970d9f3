package dev.callsight.agent.core.policy;

import dev.callsight.config.ConfigException;
import dev.callsight.config.Durations;
import dev.callsight.config.YamlMapping;
import dev.callsight.config.YamlNode;
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
import java.util.function.Consumer;

/**
 * Reads a policy file (YAML, through the shared {@code dev.callsight.config} reader): it maps keys onto the policies'
 * builders, which hold the defaults and refuse values out of range; an error names the file, the line and the
 * reason. Durations are written as everywhere in callsight ({@link Durations}: {@code 500ms}, {@code 1.5s},
 * {@code 5m}); shares as {@code 50%} or {@code 0.5}. See docs/policies.md for the format.
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
    /** Large enough for any real policy file; a bigger one is a mistake, not a configuration. */
    private static final int MAX_FILE_BYTES = 1 << 20;

    private PolicyFileReader() {}

    public static PolicySet read(Path file) throws ConfigException {
        String name = file.toString();
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw new ConfigException(name, 0, "larger than " + MAX_FILE_BYTES + " bytes");
            }
            return parse(name, new String(Files.readAllBytes(file), StandardCharsets.UTF_8));
        } catch (IOException unreadable) {
            throw new ConfigException(name, 0, "cannot read the file: " + unreadable);
        }
    }

    public static PolicySet parse(String file, String yaml) throws ConfigException {
        List<YamlNode> documents = YamlNode.documents(file, yaml);
        if (documents.isEmpty()) {
            return PolicySet.DEFAULT;
        }
        if (documents.size() > 1) {
            throw documents.get(1).error("a policy file is one YAML document");
        }
        YamlMapping top = documents.get(0).mapping("a policy file", TOP_KEYS);
        List<Policy> policies = new ArrayList<>();
        if (top.has("policies")) {
            for (YamlNode entry : top.list("policies")) {
                policies.add(policy(entry.mapping("a policy", POLICY_KEYS), policies.size()));
            }
        }
        RetryBudgetPolicy budget = top.has("retryBudget")
                ? retryBudget(top.mapping("retryBudget", BUDGET_KEYS)) : RetryBudgetPolicy.DEFAULT;
        return new PolicySet(policies, budget);
    }

    private static Policy policy(YamlMapping section, int index) throws ConfigException {
        String name = section.has("name") ? section.text("name") : "policies[" + index + "]";
        if (!section.has("match")) {
            throw section.error("match", "every policy needs a match, e.g. { host: \"*\" }");
        }
        Policy.Builder policy = Policy.builder(name).match(match(section.mapping("match", MATCH_KEYS)));
        if (section.has("timeouts")) {
            policy.timeouts(timeouts(section.mapping("timeouts", TIMEOUT_KEYS)));
        }
        if (section.has("mode")) {
            String mode = section.text("mode").toLowerCase(Locale.ROOT);
            if (!mode.equals("enforce") && !mode.equals("observe")) {
                throw section.error("mode", "must be enforce or observe, not '" + mode + "'");
            }
            policy.mode(mode.equals("enforce") ? Mode.ENFORCE : Mode.OBSERVE);
        }
        if (section.has("retry")) {
            policy.retry(retry(section.mapping("retry", RETRY_KEYS)));
        }
        if (section.has("circuitBreaker")) {
            policy.circuitBreaker(circuitBreaker(section.mapping("circuitBreaker", BREAKER_KEYS)));
        }
        set(section, "maxConcurrent", PolicyFileReader::wholeNumber, policy::maxConcurrent);
        return policy.build();
    }

    private static RequestMatch match(YamlMapping match) throws ConfigException {
        String host = match.has("host") ? match.text("host") : "*";
        if (host.isEmpty() || host.indexOf('*') > 0 || host.indexOf('/') >= 0) {
            throw match.error("host", "must be a host name, \"*\", or \"*.domain\", not '" + host + "'");
        }
        int port = match.has("port") ? wholeNumber(match, "port") : 0;
        if (match.has("port") && (port < 1 || port > 65_535)) {
            throw match.error("port", "must be a port from 1 to 65535");
        }
        String path = match.has("path") ? match.text("path") : "/**";
        if (!path.startsWith("/")) {
            throw match.error("path", "must start with '/', not '" + path + "'");
        }
        Set<String> methods = new LinkedHashSet<>();
        if (match.has("methods")) {
            for (YamlNode node : match.list("methods")) {
                String method = node.scalar("a method").toUpperCase(Locale.ROOT);
                if (!METHODS.contains(method)) {
                    throw node.error("unknown HTTP method '" + method + "'");
                }
                methods.add(method);
            }
        }
        return new RequestMatch(host, port, path, methods);
    }

    private static RetryPolicy retry(YamlMapping retry) throws ConfigException {
        RetryPolicy.Builder builder = RetryPolicy.builder();
        set(retry, "maxAttempts", PolicyFileReader::wholeNumber, builder::maxAttempts);
        set(retry, "initialBackoff", PolicyFileReader::duration, builder::initialBackoff);
        set(retry, "multiplier", PolicyFileReader::number, builder::multiplier);
        set(retry, "maxBackoff", PolicyFileReader::duration, builder::maxBackoff);
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
            for (YamlNode node : retry.list("on")) {
                String value = node.scalar("a retry condition").toLowerCase(Locale.ROOT);
                Optional<RetryCondition> condition = Arrays.stream(RetryCondition.values())
                        .filter(candidate -> candidate.configName().equals(value)).findFirst();
                if (condition.isPresent()) {
                    conditions.add(condition.get());
                } else if (value.matches("[1-5]\\d\\d")) {
                    statuses.add(Integer.parseInt(value));
                } else {
                    throw node.error("retry 'on' takes connect_error, timeout, io_error or a status code"
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

    private static CircuitBreakerPolicy circuitBreaker(YamlMapping breaker) throws ConfigException {
        CircuitBreakerPolicy.Builder builder = CircuitBreakerPolicy.builder();
        set(breaker, "failureRateThreshold", PolicyFileReader::share, builder::failureRateThreshold);
        set(breaker, "minimumCalls", PolicyFileReader::wholeNumber, builder::minimumCalls);
        set(breaker, "window", PolicyFileReader::duration, builder::window);
        set(breaker, "openFor", PolicyFileReader::duration, builder::openFor);
        set(breaker, "halfOpenCalls", PolicyFileReader::wholeNumber, builder::halfOpenCalls);
        return builder.build();
    }

    private static RetryBudgetPolicy retryBudget(YamlMapping budget) throws ConfigException {
        RetryBudgetPolicy.Builder builder = RetryBudgetPolicy.builder();
        set(budget, "ratio", PolicyFileReader::share, builder::ratio);
        set(budget, "minPerSecond", PolicyFileReader::wholeNumber, builder::minPerSecond);
        set(budget, "window", PolicyFileReader::duration, builder::window);
        return builder.build();
    }

    private static Timeouts timeouts(YamlMapping timeouts) throws ConfigException {
        Timeouts.Builder builder = Timeouts.builder();
        set(timeouts, "connect", PolicyFileReader::duration, builder::connect);
        set(timeouts, "read", PolicyFileReader::duration, builder::read);
        set(timeouts, "deadline", PolicyFileReader::duration, builder::deadline);
        return builder.build();
    }

    /** Reads one kind of value under a key, or says at the key's line why it cannot. */
    private interface ValueReader<T> {
        T read(YamlMapping section, String key) throws ConfigException;
    }

    /**
     * Reads {@code key}, when the section has it, and hands the value to a builder; the builder's refusal becomes an
     * error at the key's line.
     */
    private static <T> void set(YamlMapping section, String key, ValueReader<T> reader, Consumer<T> setter)
            throws ConfigException {
        if (!section.has(key)) {
            return;
        }
        T value = reader.read(section, key);
        try {
            setter.accept(value);
        } catch (IllegalArgumentException refused) {
            throw section.error(key, refused.getMessage());
        }
    }

    private static Duration duration(YamlMapping section, String key) throws ConfigException {
        try {
            return Durations.parse(section.text(key));
        } catch (IllegalArgumentException notADuration) {
            throw section.error(key, notADuration.getMessage());
        }
    }

    private static double share(YamlMapping section, String key) throws ConfigException {
        String text = section.text(key);
        double value;
        try {
            value = text.endsWith("%") ? Double.parseDouble(text.substring(0, text.length() - 1).trim()) / 100
                    : Double.parseDouble(text);
        } catch (NumberFormatException notNumber) {
            throw section.error(key, "'" + text + "' is not a share such as 50% or 0.5");
        }
        return value;
    }

    private static double number(YamlMapping section, String key) throws ConfigException {
        String text = section.text(key);
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException notNumber) {
            throw section.error(key, "'" + text + "' is not a number");
        }
    }

    private static int wholeNumber(YamlMapping section, String key) throws ConfigException {
        String text = section.text(key);
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException notNumber) {
            throw section.error(key, "'" + text + "' is not a whole number");
        }
    }

    private static boolean bool(YamlMapping section, String key) throws ConfigException {
        String text = section.text(key).toLowerCase(Locale.ROOT);
        if (!text.equals("true") && !text.equals("false")) {
            throw section.error(key, "must be true or false, not '" + text + "'");
        }
        return text.equals("true");
    }
}
