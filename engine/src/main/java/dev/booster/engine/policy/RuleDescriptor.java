package dev.booster.engine.policy;

import dev.booster.api.policy.PolicyType;
import dev.booster.api.policy.RuleAction;

/**
 * Which rule decided, for counters and traces.
 *
 * @param policy    the policy key ({@code ns/name}, or a global policy's name); empty for the synthetic rules
 * @param ruleIndex index into {@code spec.ingress}/{@code spec.egress}, or {@link #END_OF_TIERS} / {@link #NOT_ISOLATED}
 */
public record RuleDescriptor(String policy, String tier, PolicyType direction, int ruleIndex, RuleAction action) {
    /** The endpoint was isolated in this direction and no rule allowed the packet. */
    public static final int END_OF_TIERS = -1;
    /** No policy selects the endpoint in this direction, so everything is allowed. */
    public static final int NOT_ISOLATED = -2;

    @Override
    public String toString() {
        return switch (ruleIndex) {
            case END_OF_TIERS -> direction + " default deny (isolated, no rule allowed it)";
            case NOT_ISOLATED -> direction + " allowed (no policy selects the pod)";
            default -> policy + " " + direction.name().toLowerCase() + "[" + ruleIndex + "] " + action;
        };
    }
}
