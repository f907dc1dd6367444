package dev.booster.engine.testing;

import dev.booster.api.policy.PolicyType;
import dev.booster.api.policy.RuleAction;
import dev.booster.engine.policy.CompiledPolicy;
import dev.booster.engine.policy.RuleDescriptor;
import dev.booster.engine.policy.Verdict;

import java.util.ArrayList;
import java.util.List;

/**
 * A hand-made compiled policy for engine tests: everything is allowed except the listed (endpoint, direction, port)
 * denials. Port -1 denies every packet of that endpoint and direction.
 */
public final class TestPolicy implements CompiledPolicy {
    public static final int ALLOW_INGRESS = 0;
    public static final int ALLOW_EGRESS = 1;

    private final long generation;
    private final List<Deny> denies = new ArrayList<>();
    private final List<RuleDescriptor> rules = new ArrayList<>();

    private record Deny(int endpoint, PolicyType direction, int port) {
    }

    public TestPolicy(long generation) {
        this.generation = generation;
        rules.add(new RuleDescriptor("", "", PolicyType.INGRESS, RuleDescriptor.NOT_ISOLATED, RuleAction.ALLOW));
        rules.add(new RuleDescriptor("", "", PolicyType.EGRESS, RuleDescriptor.NOT_ISOLATED, RuleAction.ALLOW));
    }

    public TestPolicy deny(int endpoint, PolicyType direction, int port) {
        denies.add(new Deny(endpoint, direction, port));
        rules.add(new RuleDescriptor("test/deny-" + (port < 0 ? "all" : port), "default", direction, denies.size() - 1, RuleAction.DENY));
        return this;
    }

    @Override
    public int classify4(int endpoint, PolicyType direction, int peer, int protocol, int port) {
        return classify(endpoint, direction, port);
    }

    @Override
    public int classify6(int endpoint, PolicyType direction, long peerHigh, long peerLow, int protocol, int port) {
        return classify(endpoint, direction, port);
    }

    private int classify(int endpoint, PolicyType direction, int port) {
        for (int i = 0; i < denies.size(); i++) {
            Deny d = denies.get(i);
            if (d.endpoint == endpoint && d.direction == direction && (d.port < 0 || d.port == port)) return Verdict.deny(2 + i);
        }
        return Verdict.allow(direction == PolicyType.INGRESS ? ALLOW_INGRESS : ALLOW_EGRESS);
    }

    @Override
    public RuleDescriptor rule(int ruleId) {
        return rules.get(ruleId);
    }

    @Override
    public int ruleCount() {
        return rules.size();
    }

    @Override
    public long generation() {
        return generation;
    }
}
