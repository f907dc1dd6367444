package dev.booster.engine.policy;

import dev.booster.api.policy.EgressRule;
import dev.booster.api.policy.IngressRule;
import dev.booster.api.policy.IpBlock;
import dev.booster.api.policy.LabelSelector;
import dev.booster.api.policy.NetworkPolicy;
import dev.booster.api.policy.NetworkPolicyPeer;
import dev.booster.api.policy.NetworkPolicySpec;
import dev.booster.api.policy.PolicySet;
import dev.booster.api.policy.PolicyType;
import dev.booster.api.policy.Protocol;
import dev.booster.api.policy.RuleAction;
import dev.booster.api.policy.Tier;
import dev.booster.engine.policy.NetpolModel.Pod;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.booster.api.policy.PolicyType.INGRESS;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Calico's tiers, orders and actions on the e2e cluster, decided by both evaluators. */
class TierSemanticsTest {
    private static final Tier SECURITY = new Tier("security", 100);
    private static final Tier PLATFORM = new Tier("platform", 200);

    private final NetpolModel model = new NetpolModel();

    private static NetworkPolicy global(String name, String tier, Double order, IngressRule... rules) {
        return NetworkPolicy.global(name, new NetworkPolicySpec(LabelSelector.matchLabels(Map.of("pod", "a")),
                List.of(INGRESS), List.of(rules), List.of(), Optional.ofNullable(order), Optional.ofNullable(tier), Optional.empty()));
    }

    private static IngressRule fromNamespace(String ns, RuleAction action) {
        return new IngressRule(List.of(NetworkPolicyPeer.namespaces(LabelSelector.matchLabels(Map.of("ns", ns)))), List.of(), action);
    }

    private static IngressRule anything(RuleAction action) {
        return new IngressRule(List.of(), List.of(), action);
    }

    private static NetworkPolicy allowAllInDefaultTier() {
        return NetworkPolicy.of("x", "allow-all", NetworkPolicySpec.of(LabelSelector.ALL, List.of(INGRESS),
                List.of(IngressRule.allow(List.of(), List.of())), List.of()));
    }

    private RuleDescriptor decidingRule(PolicySet set, String from, String to, boolean allowed) {
        ReferenceEvaluator.Decision d = model.decide(model.evaluators(set), model.pod(to), INGRESS, model.pod(from).ip(), Protocol.TCP, 80);
        assertEquals(allowed, d.allowed(), () -> from + " -> " + to + " decided by " + d.rule());
        return d.rule();
    }

    @Test
    void aDenyInAnEarlierTierOverridesAnAllowInTheDefaultTier() {
        PolicySet set = model.policies(List.of(SECURITY), global("block-z", "security", null, fromNamespace("z", RuleAction.DENY), anything(RuleAction.PASS)),
                allowAllInDefaultTier());
        // The global policy selects pod a of every namespace.
        model.assertReachability(set, Protocol.TCP, 80, (from, to) -> !(to.name().equals("a") && from.namespace().equals("z")));
        assertEquals(new RuleDescriptor("block-z", "security", INGRESS, 0, RuleAction.DENY), decidingRule(set, "z/b", "x/a", false));
        assertEquals(new RuleDescriptor("x/allow-all", "default", INGRESS, 0, RuleAction.ALLOW), decidingRule(set, "y/b", "x/a", true));
    }

    @Test
    void aTierWithoutAMatchingRuleDeniesEvenWhenALaterTierWouldAllow() {
        PolicySet set = model.policies(List.of(SECURITY), global("pass-y", "security", null, fromNamespace("y", RuleAction.PASS)),
                allowAllInDefaultTier());
        assertEquals(new RuleDescriptor("x/allow-all", "default", INGRESS, 0, RuleAction.ALLOW), decidingRule(set, "y/b", "x/a", true));
        assertEquals(RuleDescriptor.endOfTier("security", INGRESS), decidingRule(set, "z/b", "x/a", false));
        // x/b is not selected by the security policy, so that tier is skipped for it.
        assertEquals(new RuleDescriptor("x/allow-all", "default", INGRESS, 0, RuleAction.ALLOW), decidingRule(set, "z/b", "x/b", true));
    }

    @Test
    void passingEveryRemainingTierAllowsAndReportsTheLastPass() {
        PolicySet set = model.policies(List.of(SECURITY, PLATFORM),
                global("sec-pass", "security", null, anything(RuleAction.PASS)),
                global("plat-pass", "platform", null, anything(RuleAction.PASS)));
        assertEquals(new RuleDescriptor("plat-pass", "platform", INGRESS, 0, RuleAction.PASS), decidingRule(set, "z/b", "x/a", true));
    }

    @Test
    void tiersRunInOrderThenByName() {
        Tier first = new Tier("b-first", 5);
        Tier tieLater = new Tier("d-tie", 10);
        Tier tieEarlier = new Tier("c-tie", 10);
        PolicySet set = model.policies(List.of(tieLater, tieEarlier, first),
                global("in-d", "d-tie", null, anything(RuleAction.DENY)),
                global("in-c", "c-tie", null, anything(RuleAction.ALLOW)),
                global("in-b", "b-first", null, anything(RuleAction.PASS)));
        assertEquals(new RuleDescriptor("in-c", "c-tie", INGRESS, 0, RuleAction.ALLOW), decidingRule(set, "y/a", "x/a", true));
    }

    @Test
    void policiesRunByOrderWithUnorderedLastThenByKey() {
        PolicySet set = model.policies(
                global("unordered", null, null, anything(RuleAction.DENY)),
                global("order-2", null, 2.0, fromNamespace("z", RuleAction.ALLOW)),
                global("order-1", null, 1.0, fromNamespace("y", RuleAction.DENY)),
                global("b-tie", null, 3.0, fromNamespace("x", RuleAction.DENY)),
                global("a-tie", null, 3.0, fromNamespace("x", RuleAction.ALLOW)));
        assertEquals(new RuleDescriptor("order-1", "default", INGRESS, 0, RuleAction.DENY), decidingRule(set, "y/b", "x/a", false));
        assertEquals(new RuleDescriptor("order-2", "default", INGRESS, 0, RuleAction.ALLOW), decidingRule(set, "z/b", "x/a", true));
        assertEquals(new RuleDescriptor("a-tie", "default", INGRESS, 0, RuleAction.ALLOW), decidingRule(set, "x/b", "x/a", true));
    }

    @Test
    void logRulesDecideNothing() {
        PolicySet logThenAllow = model.policies(global("log", null, null, anything(RuleAction.LOG), fromNamespace("y", RuleAction.ALLOW)));
        assertEquals(new RuleDescriptor("log", "default", INGRESS, 1, RuleAction.ALLOW), decidingRule(logThenAllow, "y/b", "x/a", true));
        assertEquals(RuleDescriptor.endOfTier("default", INGRESS), decidingRule(logThenAllow, "z/b", "x/a", false));
    }

    @Test
    void globalPolicyNamespaceSelectorChoosesWhichNamespacesItAppliesTo() {
        NetworkPolicy onlyInY = NetworkPolicy.global("deny-into-y", new NetworkPolicySpec(LabelSelector.ALL, List.of(INGRESS), List.of(), List.of(),
                Optional.empty(), Optional.empty(), Optional.of(LabelSelector.matchLabels(Map.of("ns", "y")))));
        model.assertReachability(model.policies(onlyInY), Protocol.TCP, 80, (from, to) -> !to.namespace().equals("y"));
    }

    @Test
    void globalPolicyPodSelectorPeerLooksInEveryNamespace() {
        NetworkPolicy fromAnyB = NetworkPolicy.global("from-b", new NetworkPolicySpec(LabelSelector.ALL, List.of(INGRESS),
                List.of(IngressRule.allow(List.of(NetworkPolicyPeer.pods(LabelSelector.matchLabels(Map.of("pod", "b")))), List.of())), List.of(),
                Optional.empty(), Optional.empty(), Optional.empty()));
        model.assertReachability(model.policies(fromAnyB), Protocol.TCP, 80, (from, to) -> from.name().equals("b"));
    }

    @Test
    void egressDenyInTierBlocksACidr() {
        NetworkPolicy denyCidr = NetworkPolicy.global("deny-cidr", new NetworkPolicySpec(LabelSelector.ALL, List.of(PolicyType.EGRESS), List.of(),
                List.of(new EgressRule(List.of(NetworkPolicyPeer.ipBlock(IpBlock.of("10.0.3.0/24"))), List.of(), RuleAction.DENY),
                        new EgressRule(List.of(), List.of(), RuleAction.PASS)),
                Optional.empty(), Optional.of("security"), Optional.empty()));
        PolicySet set = model.policies(List.of(SECURITY), denyCidr);
        model.assertReachability(set, Protocol.TCP, 80, (Pod from, Pod to) -> !to.namespace().equals("z"));
    }
}
