package dev.booster.api.stats;

import dev.booster.api.policy.PolicyType;

/**
 * Packets that matched one rule of one policy.
 *
 * @param policy    {@code namespace/name}, or the name of a global policy
 * @param ruleIndex the index in {@code spec.ingress} or {@code spec.egress}; -1 for the implicit end-of-tier deny
 */
public record PolicyHitCounter(String policy, PolicyType direction, int ruleIndex, long packets, long bytes) {
}
