package dev.booster.engine.policy;

import dev.booster.api.policy.PolicyType;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/** The {@link CompiledPolicy} {@link PolicyCompiler} builds: one shared {@link RuleClassifier} per distinct rule list. */
final class BitmapPolicy implements CompiledPolicy {
    private static final int NOT_ISOLATED_INGRESS = Verdict.allow(RuleTable.notIsolatedRule(PolicyType.INGRESS));
    private static final int NOT_ISOLATED_EGRESS = Verdict.allow(RuleTable.notIsolatedRule(PolicyType.EGRESS));
    private static final int UNKNOWN_INGRESS = Verdict.deny(RuleTable.unknownEndpointRule(PolicyType.INGRESS));
    private static final int UNKNOWN_EGRESS = Verdict.deny(RuleTable.unknownEndpointRule(PolicyType.EGRESS));

    private final long generation;
    private final RuleDescriptor[] rules;
    /** Per local endpoint id; null where no policy isolates the endpoint in that direction. */
    private final RuleClassifier[] ingress;
    private final RuleClassifier[] egress;

    BitmapPolicy(long generation, RuleDescriptor[] rules, RuleClassifier[] ingress, RuleClassifier[] egress) {
        this.generation = generation;
        this.rules = rules;
        this.ingress = ingress;
        this.egress = egress;
    }

    @Override
    public int classify4(int endpoint, PolicyType direction, int peer, int protocol, int port) {
        boolean in = direction == PolicyType.INGRESS;
        if (endpoint < 0 || endpoint >= ingress.length) return in ? UNKNOWN_INGRESS : UNKNOWN_EGRESS;
        RuleClassifier classifier = in ? ingress[endpoint] : egress[endpoint];
        if (classifier == null) return in ? NOT_ISOLATED_INGRESS : NOT_ISOLATED_EGRESS;
        return classifier.classify4(peer, protocol, port);
    }

    @Override
    public int classify6(int endpoint, PolicyType direction, long peerHigh, long peerLow, int protocol, int port) {
        boolean in = direction == PolicyType.INGRESS;
        if (endpoint < 0 || endpoint >= ingress.length) return in ? UNKNOWN_INGRESS : UNKNOWN_EGRESS;
        RuleClassifier classifier = in ? ingress[endpoint] : egress[endpoint];
        if (classifier == null) return in ? NOT_ISOLATED_INGRESS : NOT_ISOLATED_EGRESS;
        return classifier.classify6(peerHigh, peerLow, protocol, port);
    }

    @Override
    public RuleDescriptor rule(int ruleId) {
        if (ruleId < 0 || ruleId >= rules.length) {
            throw new IllegalArgumentException("rule id " + ruleId + " is not in 0.." + (rules.length - 1) + " of generation " + generation);
        }
        return rules[ruleId];
    }

    @Override
    public int ruleCount() {
        return rules.length;
    }

    @Override
    public long generation() {
        return generation;
    }

    /** How many distinct classifiers the endpoints share (for tests and sizing). */
    int distinctClassifiers() {
        return distinct().size();
    }

    /** Estimated heap bytes of all distinct classifiers' lookup arrays. */
    long footprintBytes() {
        long bytes = 0;
        for (RuleClassifier c : distinct()) bytes += c.footprintBytes();
        return bytes;
    }

    private Set<RuleClassifier> distinct() {
        Set<RuleClassifier> distinct = Collections.newSetFromMap(new IdentityHashMap<>());
        for (RuleClassifier c : ingress) if (c != null) distinct.add(c);
        for (RuleClassifier c : egress) if (c != null) distinct.add(c);
        return distinct;
    }
}
