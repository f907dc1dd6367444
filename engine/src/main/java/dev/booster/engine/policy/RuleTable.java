package dev.booster.engine.policy;

import dev.booster.api.policy.NetworkPolicy;
import dev.booster.api.policy.PolicyRule;
import dev.booster.api.policy.PolicySet;
import dev.booster.api.policy.PolicyType;
import dev.booster.api.policy.Tier;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The policies of a set in evaluation order (tier order then name; within a tier {@code spec.order}, unordered
 * last, then key) and the global rule ids: first the synthetic rules, then each tier's end-of-tier deny per
 * direction, then every policy's ingress and egress rules. Rule ids of real rules rise with priority.
 */
final class RuleTable {
    private static final int NOT_ISOLATED_INGRESS = 0;
    private static final int NOT_ISOLATED_EGRESS = 1;
    private static final int UNKNOWN_ENDPOINT_INGRESS = 2;
    private static final int UNKNOWN_ENDPOINT_EGRESS = 3;
    private static final int FIRST_TIER_RULE = 4;

    /** A policy at its place in evaluation order, with the ids of its first ingress and first egress rule. */
    record OrderedPolicy(NetworkPolicy policy, int position, int tier, int firstIngressRule, int firstEgressRule) {
        List<? extends PolicyRule> rules(PolicyType direction) {
            return direction == PolicyType.INGRESS ? policy.spec().ingress() : policy.spec().egress();
        }

        int ruleId(PolicyType direction, int ruleIndex) {
            return (direction == PolicyType.INGRESS ? firstIngressRule : firstEgressRule) + ruleIndex;
        }
    }

    private final List<Tier> tiers;
    private final List<OrderedPolicy> policies;
    private final RuleDescriptor[] descriptors;

    private RuleTable(List<Tier> tiers, List<OrderedPolicy> policies, RuleDescriptor[] descriptors) {
        this.tiers = tiers;
        this.policies = policies;
        this.descriptors = descriptors;
    }

    static RuleTable of(PolicySet set) {
        List<Tier> tiers = new ArrayList<>(set.tiers());
        tiers.sort(Comparator.comparingDouble(Tier::order).thenComparing(Tier::name));
        List<String> tierNames = tiers.stream().map(Tier::name).toList();

        List<NetworkPolicy> sorted = new ArrayList<>(set.policies());
        sorted.sort(Comparator.comparingInt((NetworkPolicy p) -> tierNames.indexOf(tierName(p)))
                .thenComparing(p -> p.spec().order().isPresent() ? 0 : 1)
                .thenComparingDouble(p -> p.spec().order().orElse(0.0))
                .thenComparing(NetworkPolicy::key));

        List<RuleDescriptor> descriptors = new ArrayList<>(List.of(
                RuleDescriptor.notIsolated(PolicyType.INGRESS), RuleDescriptor.notIsolated(PolicyType.EGRESS),
                RuleDescriptor.unknownEndpoint(PolicyType.INGRESS), RuleDescriptor.unknownEndpoint(PolicyType.EGRESS)));
        for (Tier tier : tiers) {
            descriptors.add(RuleDescriptor.endOfTier(tier.name(), PolicyType.INGRESS));
            descriptors.add(RuleDescriptor.endOfTier(tier.name(), PolicyType.EGRESS));
        }
        List<OrderedPolicy> ordered = new ArrayList<>();
        for (NetworkPolicy p : sorted) {
            int firstIngress = descriptors.size();
            addRules(descriptors, p, PolicyType.INGRESS, p.spec().ingress());
            int firstEgress = descriptors.size();
            addRules(descriptors, p, PolicyType.EGRESS, p.spec().egress());
            ordered.add(new OrderedPolicy(p, ordered.size(), tierNames.indexOf(tierName(p)), firstIngress, firstEgress));
        }
        return new RuleTable(List.copyOf(tiers), List.copyOf(ordered), descriptors.toArray(RuleDescriptor[]::new));
    }

    private static void addRules(List<RuleDescriptor> descriptors, NetworkPolicy p, PolicyType direction, List<? extends PolicyRule> rules) {
        for (int i = 0; i < rules.size(); i++) {
            descriptors.add(new RuleDescriptor(p.key(), tierName(p), direction, i, rules.get(i).action()));
        }
    }

    private static String tierName(NetworkPolicy p) {
        return p.spec().tier().orElse(Tier.DEFAULT.name());
    }

    List<OrderedPolicy> policies() {
        return policies;
    }

    int endOfTierRule(int tier, PolicyType direction) {
        return FIRST_TIER_RULE + 2 * tier + (direction == PolicyType.INGRESS ? 0 : 1);
    }

    static int notIsolatedRule(PolicyType direction) {
        return direction == PolicyType.INGRESS ? NOT_ISOLATED_INGRESS : NOT_ISOLATED_EGRESS;
    }

    static int unknownEndpointRule(PolicyType direction) {
        return direction == PolicyType.INGRESS ? UNKNOWN_ENDPOINT_INGRESS : UNKNOWN_ENDPOINT_EGRESS;
    }

    RuleDescriptor[] descriptors() {
        return descriptors.clone();
    }

    int tierCount() {
        return tiers.size();
    }
}
