package dev.callsight.agent.core.policy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The policies of one agent, in file order: the first whose match fits a request is its
 * policy. Requests no policy matches get the built-in default, which observes the seed
 * timeouts (connect 5 s, deadline 30 s) without enforcing them, so an agent without a policy
 * file, or with a broken one, changes no call.
 */
public final class PolicySet {

    public static final Policy BUILT_IN_DEFAULT = Policy.builder("default")
            .timeouts(Timeouts.builder().connect(Duration.ofSeconds(5)).deadline(Duration.ofSeconds(30)).build())
            .mode(Mode.OBSERVE)
            .build();

    public static final PolicySet DEFAULT = new PolicySet(List.of(), RetryBudgetPolicy.DEFAULT);

    private final List<Policy> policies;
    private final RetryBudgetPolicy retryBudget;

    public PolicySet(List<Policy> policies, RetryBudgetPolicy retryBudget) {
        List<Policy> all = new ArrayList<>(policies);
        if (all.stream().noneMatch(policy -> policy.match().matchesEverything())) {
            all.add(BUILT_IN_DEFAULT);
        }
        this.policies = List.copyOf(all);
        this.retryBudget = retryBudget;
    }

    public Policy policyFor(String method, String host, int port, String path) {
        for (Policy policy : policies) {
            if (policy.match().matches(method, host, port, path)) {
                return policy;
            }
        }
        return BUILT_IN_DEFAULT;
    }

    /** The policy for any request no narrower policy matches. */
    public Policy catchAll() {
        for (Policy policy : policies) {
            if (policy.match().matchesEverything()) {
                return policy;
            }
        }
        return BUILT_IN_DEFAULT;
    }

    public List<Policy> policies() {
        return policies;
    }

    public RetryBudgetPolicy retryBudget() {
        return retryBudget;
    }
}
