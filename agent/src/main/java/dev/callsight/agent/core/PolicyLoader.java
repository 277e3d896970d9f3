package dev.callsight.agent.core;

import dev.callsight.agent.core.policy.PolicyFileReader;
import dev.callsight.agent.core.policy.PolicySet;
import dev.callsight.config.ConfigException;
import java.nio.file.Paths;

/**
 * Finds and reads the policy file: the agent argument {@code config=path}, else the system
 * property {@code callsight.config}. A file that cannot be used is reported once, with file,
 * line and reason, and the agent carries on under the built-in default, which changes no call.
 */
final class PolicyLoader {

    static final String PROPERTY = "callsight.config";

    private PolicyLoader() {}

    static PolicySet load(String agentArguments) {
        String path = argument(agentArguments, "config");
        if (path == null) {
            path = System.getProperty(PROPERTY);
        }
        if (path == null || path.isBlank()) {
            return PolicySet.DEFAULT;
        }
        try {
            PolicySet policies = PolicyFileReader.read(Paths.get(path.trim()));
            AgentLog.info("policies from " + path.trim() + ": " + policies.policies());
            return policies;
        } catch (ConfigException | RuntimeException unusable) {
            AgentLog.warn("policy file not used, every call runs under the built-in default (observe only): "
                    + unusable.getMessage(), null);
            return PolicySet.DEFAULT;
        }
    }

    /** Agent arguments are {@code key=value} pairs separated by commas. */
    private static String argument(String agentArguments, String key) {
        if (agentArguments == null) {
            return null;
        }
        for (String pair : agentArguments.split(",")) {
            int equals = pair.indexOf('=');
            if (equals > 0 && pair.substring(0, equals).trim().equals(key)) {
                return pair.substring(equals + 1);
            }
        }
        return null;
    }
}
