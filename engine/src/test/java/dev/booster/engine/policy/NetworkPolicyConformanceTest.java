package dev.booster.engine.policy;

import dev.booster.api.policy.EgressRule;
import dev.booster.api.policy.IngressRule;
import dev.booster.api.policy.IpBlock;
import dev.booster.api.policy.LabelSelector;
import dev.booster.api.policy.LabelSelectorRequirement;
import dev.booster.api.policy.Labels;
import dev.booster.api.policy.NetworkPolicy;
import dev.booster.api.policy.NetworkPolicyPeer;
import dev.booster.api.policy.NetworkPolicyPort;
import dev.booster.api.policy.NetworkPolicySpec;
import dev.booster.api.policy.PolicySet;
import dev.booster.api.policy.PolicyType;
import dev.booster.api.policy.PortRef;
import dev.booster.api.policy.Protocol;
import dev.booster.api.policy.RuleAction;
import dev.booster.engine.policy.NetpolModel.Pod;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.booster.api.policy.PolicyType.EGRESS;
import static dev.booster.api.policy.PolicyType.INGRESS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Scenarios of Kubernetes' NetworkPolicy e2e suite ({@code test/e2e/network/netpol/network_policy.go}) on the same
 * x/y/z × a/b/c cluster ({@link NetpolModel}), each decided by both the compiled classifier and the reference.
 *
 * <p>One deliberate difference: the e2e suite always allows a pod to reach itself ({@code AllowLoopback}); Kubernetes
 * leaves that traffic undefined and Booster subjects it to policy like any other, so the matrices below expect it
 * to be blocked wherever the pod is isolated.
 */
class NetworkPolicyConformanceTest {
    private static final int ICMP = 1;
    private final NetpolModel model = new NetpolModel();

    private static LabelSelector pod(String name) {
        return LabelSelector.matchLabels(Map.of("pod", name));
    }

    private static LabelSelector ns(String name) {
        return LabelSelector.matchLabels(Map.of("ns", name));
    }

    private static NetworkPolicy policy(String namespace, String name, LabelSelector podSelector, List<PolicyType> types,
                                        List<IngressRule> ingress, List<EgressRule> egress) {
        return NetworkPolicy.of(namespace, name, NetworkPolicySpec.of(podSelector, types, ingress, egress));
    }

    private static IngressRule from(NetworkPolicyPeer... peers) {
        return IngressRule.allow(List.of(peers), List.of());
    }

    private static IngressRule fromAnyOn(NetworkPolicyPort... ports) {
        return IngressRule.allow(List.of(), List.of(ports));
    }

    private static boolean in(Pod pod, String namespace) {
        return pod.namespace().equals(namespace);
    }

    @Test
    void defaultDenyIngressBlocksEverythingIntoTheNamespace() {
        PolicySet set = model.policies(policy("x", "deny-ingress", LabelSelector.ALL, List.of(INGRESS), List.of(), List.of()));
        model.assertReachability(set, Protocol.TCP, 80, (from, to) -> !in(to, "x"));
    }

    @Test
    void defaultDenyAllBlocksBothDirectionsOfTheNamespace() {
        PolicySet set = model.policies(policy("x", "deny-all", LabelSelector.ALL, List.of(INGRESS, EGRESS), List.of(), List.of()));
        model.assertReachability(set, Protocol.TCP, 80, (from, to) -> !in(to, "x") && !in(from, "x"));
    }

    @Test
    void allowAllIngressTakesPrecedenceOverDenyAll() {
        PolicySet set = model.policies(
                policy("x", "deny-ingress", LabelSelector.ALL, List.of(INGRESS), List.of(), List.of()),
                policy("x", "allow-all", LabelSelector.ALL, List.of(INGRESS), List.of(IngressRule.allow(List.of(), List.of())), List.of()));
        model.assertReachability(set, Protocol.TCP, 80, (from, to) -> true);
    }

    @Test
    void podSelectorAlonePeersWithinThePolicysNamespace() {
        PolicySet set = model.policies(policy("x", "allow-same-ns", LabelSelector.ALL, List.of(INGRESS),
                List.of(from(NetworkPolicyPeer.pods(LabelSelector.ALL))), List.of()));
        model.assertReachability(set, Protocol.TCP, 80, (from, to) -> !in(to, "x") || in(from, "x"));
    }

    @Test
    void namespaceSelectorWithMatchExpressionsOnTheDefaultNamespaceLabel() {
        LabelSelector notX = LabelSelector.of(Map.of(), LabelSelectorRequirement.notIn(Labels.NAMESPACE_NAME, "x"));
        PolicySet set = model.policies(policy("x", "allow-other-ns", pod("a"), List.of(INGRESS),
                List.of(from(NetworkPolicyPeer.namespaces(notX))), List.of()));
        model.assertReachability(set, Protocol.TCP, 80, (from, to) -> !to.is("x/a") || !in(from, "x"));
    }

    @Test
    void podSelectorAndNamespaceSelectorInOnePeerMustBothMatch() {
        PolicySet set = model.policies(policy("x", "allow-y-b", pod("a"), List.of(INGRESS),
                List.of(from(NetworkPolicyPeer.podsInNamespaces(pod("b"), ns("y")))), List.of()));
        model.assertReachability(set, Protocol.TCP, 80, (from, to) -> !to.is("x/a") || from.is("y/b"));
    }

    @Test
    void podSelectorOrNamespaceSelectorAsTwoPeersMatchEither() {
        PolicySet set = model.policies(policy("x", "allow-y-or-b", pod("a"), List.of(INGRESS),
                List.of(from(NetworkPolicyPeer.namespaces(ns("y")), NetworkPolicyPeer.pods(pod("b")))), List.of()));
        model.assertReachability(set, Protocol.TCP, 80, (from, to) -> !to.is("x/a") || in(from, "y") || from.is("x/b"));
    }

    @Test
    void stackedPoliciesAllowTheUnionOfTheirRules() {
        PolicySet set = model.policies(
                policy("x", "allow-y", pod("a"), List.of(INGRESS), List.of(from(NetworkPolicyPeer.namespaces(ns("y")))), List.of()),
                policy("x", "allow-z", pod("a"), List.of(INGRESS), List.of(from(NetworkPolicyPeer.namespaces(ns("z")))), List.of()));
        model.assertReachability(set, Protocol.TCP, 80, (from, to) -> !to.is("x/a") || !in(from, "x"));
    }

    @Test
    void ipBlockExceptBlocksTheExceptedServer() {
        String yb = model.pod("y/b").ip() + "/32";
        PolicySet set = model.policies(policy("x", "egress-cidr", pod("a"), List.of(EGRESS), List.of(),
                List.of(EgressRule.allow(List.of(NetworkPolicyPeer.ipBlock(IpBlock.of("10.0.0.0/16", yb))), List.of()))));
        model.assertReachability(set, Protocol.TCP, 80, (from, to) -> !from.is("x/a") || !to.is("y/b"));
    }

    @Test
    void anAddressInBothACidrsExceptAndAnotherRuleIsAllowed() {
        String yb = model.pod("y/b").ip() + "/32";
        PolicySet set = model.policies(policy("x", "egress-cidr", pod("a"), List.of(EGRESS), List.of(), List.of(
                EgressRule.allow(List.of(NetworkPolicyPeer.ipBlock(IpBlock.of("10.0.0.0/16", yb))), List.of()),
                EgressRule.allow(List.of(NetworkPolicyPeer.ipBlock(IpBlock.of(yb))), List.of()))));
        model.assertReachability(set, Protocol.TCP, 80, (from, to) -> true);
    }

    @Test
    void ipBlockAppliesToPodAddressesOfOtherNamespaces() {
        PolicySet set = model.policies(policy("x", "from-y-cidr", LabelSelector.ALL, List.of(INGRESS),
                List.of(from(NetworkPolicyPeer.ipBlock(IpBlock.of("10.0.2.0/24")))), List.of()));
        model.assertReachability(set, Protocol.TCP, 80, (from, to) -> !in(to, "x") || in(from, "y"));
    }

    @Test
    void ingressNamedPortAllowsOnlyThatPortAndProtocol() {
        PolicySet set = model.policies(policy("x", "named-80", pod("a"), List.of(INGRESS),
                List.of(fromAnyOn(NetworkPolicyPort.named(Protocol.TCP, "serve-80-tcp"))), List.of()));
        model.assertReachability(set, Protocol.TCP, 80, (from, to) -> true);
        model.assertReachability(set, Protocol.TCP, 81, (from, to) -> !to.is("x/a"));
        model.assertReachability(set, Protocol.UDP, 80, (from, to) -> !to.is("x/a"));
    }

    @Test
    void egressNamedPortResolvesAgainstTheDestinationPod() {
        PolicySet set = model.policies(policy("x", "egress-named-81", pod("a"), List.of(EGRESS), List.of(),
                List.of(EgressRule.allow(List.of(), List.of(NetworkPolicyPort.named(Protocol.UDP, "serve-81-udp"))))));
        model.assertReachability(set, Protocol.UDP, 81, (from, to) -> true);
        model.assertReachability(set, Protocol.UDP, 80, (from, to) -> !from.is("x/a"));
        model.assertReachability(set, Protocol.TCP, 81, (from, to) -> !from.is("x/a"));
        // z/d (remote) serves serve-81-udp on 8081: the name follows the destination, not the number.
        NetpolModel.Evaluators e = model.evaluators(set);
        Pod xa = model.pod("x/a");
        Pod zd = model.pod("z/d");
        assertFalse(model.connects(e, xa, zd, Protocol.UDP, 81));
        assertTrue(model.connects(e, xa, zd, Protocol.UDP, 8081));
        assertFalse(model.connects(e, xa, model.pod("z/c"), Protocol.UDP, 8081));
    }

    @Test
    void endPortAllowsTheWholeRangeAndNothingElse() {
        PolicySet set = model.policies(policy("x", "range", pod("a"), List.of(INGRESS),
                List.of(fromAnyOn(NetworkPolicyPort.range(Protocol.TCP, 80, 81))), List.of()));
        model.assertReachability(set, Protocol.TCP, 80, (from, to) -> true);
        model.assertReachability(set, Protocol.TCP, 81, (from, to) -> true);
        model.assertReachability(set, Protocol.TCP, 82, (from, to) -> !to.is("x/a"));
        model.assertReachability(set, Protocol.TCP, 79, (from, to) -> !to.is("x/a"));
        model.assertReachability(set, Protocol.UDP, 80, (from, to) -> !to.is("x/a"));
    }

    @Test
    void anyPortOfOneProtocol() {
        PolicySet set = model.policies(policy("x", "any-tcp", pod("a"), List.of(INGRESS),
                List.of(fromAnyOn(new NetworkPolicyPort(Protocol.TCP, Optional.empty(), Optional.empty()))), List.of()));
        model.assertReachability(set, Protocol.TCP, 81, (from, to) -> true);
        model.assertReachability(set, Protocol.UDP, 81, (from, to) -> !to.is("x/a"));
    }

    @Test
    void sctpIsNotMistakenForTcpAndUdpOnlyDeniesTcp() {
        PolicySet sctp = model.policies(policy("x", "sctp-80", pod("a"), List.of(INGRESS),
                List.of(fromAnyOn(new NetworkPolicyPort(Protocol.SCTP, Optional.of(PortRef.of(80)), Optional.empty()))), List.of()));
        model.assertReachability(sctp, Protocol.SCTP, 80, (from, to) -> true);
        model.assertReachability(sctp, Protocol.TCP, 80, (from, to) -> !to.is("x/a"));
        PolicySet udp = model.policies(policy("x", "udp-80", pod("a"), List.of(INGRESS), List.of(fromAnyOn(NetworkPolicyPort.udp(80))), List.of()));
        model.assertReachability(udp, Protocol.TCP, 80, (from, to) -> !to.is("x/a"));
        model.assertReachability(udp, Protocol.UDP, 80, (from, to) -> true);
    }

    @Test
    void egressOnlyToDns() {
        LabelSelector kubeSystem = LabelSelector.matchLabels(Map.of(Labels.NAMESPACE_NAME, "kube-system"));
        PolicySet set = model.policies(policy("x", "dns-only", LabelSelector.ALL, List.of(EGRESS), List.of(),
                List.of(EgressRule.allow(List.of(NetworkPolicyPeer.namespaces(kubeSystem)), List.of(NetworkPolicyPort.udp(53), NetworkPolicyPort.tcp(53))))));
        NetpolModel.Evaluators e = model.evaluators(set);
        Pod dns = model.pod("kube-system/dns");
        for (Pod client : model.localPods()) {
            boolean inX = in(client, "x");
            assertTrue(model.connects(e, client, dns, Protocol.UDP, 53), client.key());
            assertTrue(model.connects(e, client, dns, Protocol.TCP, 53), client.key());
            assertEquals(!inX, model.connects(e, client, dns, Protocol.TCP, 80), client.key());
            assertEquals(!inX, model.connects(e, client, dns, ICMP, 0), client.key());
        }
        model.assertReachability(set, Protocol.UDP, 53, (from, to) -> !in(from, "x"));
    }

    @Test
    void denyAllEgressLeavesIngressOpen() {
        PolicySet set = model.policies(policy("x", "deny-egress", LabelSelector.ALL, List.of(EGRESS), List.of(), List.of()));
        model.assertReachability(set, Protocol.TCP, 80, (from, to) -> !in(from, "x"));
    }

    @Test
    void policyWithOnlyEgressTypeLeavesIngressOpen() {
        PolicySet set = model.policies(policy("x", "egress-to-y", pod("a"), List.of(EGRESS), List.of(),
                List.of(EgressRule.allow(List.of(NetworkPolicyPeer.namespaces(ns("y"))), List.of()))));
        model.assertReachability(set, Protocol.TCP, 80, (from, to) -> !from.is("x/a") || in(to, "y"));
        NetpolModel.Evaluators e = model.evaluators(set);
        ReferenceEvaluator.Decision ingress = model.decide(e, model.pod("x/a"), INGRESS, model.pod("z/c").ip(), Protocol.TCP, 80);
        assertEquals(RuleDescriptor.notIsolated(INGRESS), ingress.rule());
    }

    @Test
    void ingressAndEgressAreControlledIndependently() {
        PolicySet set = model.policies(
                policy("x", "a-ingress-from-b", pod("a"), List.of(INGRESS), List.of(from(NetworkPolicyPeer.pods(pod("b")))), List.of()),
                policy("x", "a-egress-to-c", pod("a"), List.of(EGRESS), List.of(), List.of(EgressRule.allow(List.of(NetworkPolicyPeer.pods(pod("c"))), List.of()))));
        model.assertReachability(set, Protocol.TCP, 80, (from, to) ->
                (!to.is("x/a") || from.is("x/b")) && (!from.is("x/a") || to.is("x/c")));
    }

    @Test
    void decidingRulesAreReported() {
        PolicySet set = model.policies(
                policy("x", "deny-ingress", LabelSelector.ALL, List.of(INGRESS), List.of(), List.of()),
                policy("x", "allow-y", pod("a"), List.of(INGRESS), List.of(from(NetworkPolicyPeer.namespaces(ns("y")))), List.of()));
        NetpolModel.Evaluators e = model.evaluators(set);
        Pod xa = model.pod("x/a");
        assertEquals(new RuleDescriptor("x/allow-y", "default", INGRESS, 0, RuleAction.ALLOW),
                model.decide(e, xa, INGRESS, model.pod("y/c").ip(), Protocol.TCP, 80).rule());
        assertEquals(RuleDescriptor.endOfTier("default", INGRESS), model.decide(e, xa, INGRESS, model.pod("z/c").ip(), Protocol.TCP, 80).rule());
        assertEquals(RuleDescriptor.notIsolated(INGRESS), model.decide(e, model.pod("y/a"), INGRESS, xa.ip(), Protocol.TCP, 80).rule());
    }
}
