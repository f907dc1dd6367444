package dev.booster.engine.policy;

import dev.booster.api.policy.PolicyType;
import dev.booster.api.policy.RuleAction;

/**
 * Which rule decided, for counters and traces.
 *
 * @param policy    the policy key ({@code ns/name}, or a global policy's name); empty for the synthetic rules
 * @param tier      the tier of the policy, or of the tier that ended without a verdict; empty for the other synthetic rules
 * @param ruleIndex index into {@code spec.ingress}/{@code spec.egress}, or {@link #END_OF_TIERS} / {@link #NOT_ISOLATED}
 *                  / {@link #UNKNOWN_ENDPOINT}
 */
public record RuleDescriptor(String policy, String tier, PolicyType direction, int ruleIndex, RuleAction action) {
    /** The endpoint was isolated in this direction and no rule allowed the packet. */
    public static final int END_OF_TIERS = -1;
    /** No policy selects the endpoint in this direction, so everything is allowed. */
    public static final int NOT_ISOLATED = -2;
    /** The classifier was asked about an endpoint id it was not compiled for; such packets are dropped (fail closed). */
    public static final int UNKNOWN_ENDPOINT = -3;

    /** The deny at the end of {@code tier}, which had policies for the endpoint but no rule that decided. */
    public static RuleDescriptor endOfTier(String tier, PolicyType direction) {
        return new RuleDescriptor("", tier, direction, END_OF_TIERS, RuleAction.DENY);
    }

    /** The allow of an endpoint no policy selects in {@code direction}. */
    public static RuleDescriptor notIsolated(PolicyType direction) {
        return new RuleDescriptor("", "", direction, NOT_ISOLATED, RuleAction.ALLOW);
    }

    /** The deny for an endpoint id the classifier does not know. */
    public static RuleDescriptor unknownEndpoint(PolicyType direction) {
        return new RuleDescriptor("", "", direction, UNKNOWN_ENDPOINT, RuleAction.DENY);
    }

    @Override
    public String toString() {
        return switch (ruleIndex) {
            case END_OF_TIERS -> direction + " default deny (isolated, no rule allowed it)" + (tier.isEmpty() ? "" : " in tier " + tier);
            case NOT_ISOLATED -> direction + " allowed (no policy selects the pod)";
            case UNKNOWN_ENDPOINT -> direction + " denied (endpoint unknown to this policy generation)";
            default -> policy + " " + direction.name().toLowerCase() + "[" + ruleIndex + "] " + action;
        };
    }
}
