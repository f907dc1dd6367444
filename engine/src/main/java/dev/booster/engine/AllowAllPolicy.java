package dev.booster.engine;

import dev.booster.api.policy.PolicyType;
import dev.booster.api.policy.RuleAction;
import dev.booster.engine.policy.CompiledPolicy;
import dev.booster.engine.policy.RuleDescriptor;
import dev.booster.engine.policy.Verdict;

/** The policy before any is published: no policy selects any pod, so every packet is allowed (generation 0). */
final class AllowAllPolicy implements CompiledPolicy {
    private static final RuleDescriptor INGRESS = new RuleDescriptor("", "", PolicyType.INGRESS, RuleDescriptor.NOT_ISOLATED, RuleAction.ALLOW);
    private static final RuleDescriptor EGRESS = new RuleDescriptor("", "", PolicyType.EGRESS, RuleDescriptor.NOT_ISOLATED, RuleAction.ALLOW);

    @Override
    public int classify4(int endpoint, PolicyType direction, int peer, int protocol, int port) {
        return Verdict.allow(direction == PolicyType.INGRESS ? 0 : 1);
    }

    @Override
    public int classify6(int endpoint, PolicyType direction, long peerHigh, long peerLow, int protocol, int port) {
        return Verdict.allow(direction == PolicyType.INGRESS ? 0 : 1);
    }

    @Override
    public RuleDescriptor rule(int ruleId) {
        return ruleId == 0 ? INGRESS : EGRESS;
    }

    @Override
    public int ruleCount() {
        return 2;
    }

    @Override
    public long generation() {
        return 0;
    }
}
