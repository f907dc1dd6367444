package dev.booster.bench;

import dev.booster.api.net.Ip4Address;
import dev.booster.api.net.IpAddress;
import dev.booster.api.net.IpPrefix;
import dev.booster.api.policy.EgressRule;
import dev.booster.api.policy.IngressRule;
import dev.booster.api.policy.IpBlock;
import dev.booster.api.policy.LabelSelector;
import dev.booster.api.policy.NetworkPolicy;
import dev.booster.api.policy.NetworkPolicyPeer;
import dev.booster.api.policy.NetworkPolicyPort;
import dev.booster.api.policy.NetworkPolicySpec;
import dev.booster.api.policy.PolicySet;
import dev.booster.api.policy.PolicyType;
import dev.booster.api.policy.PortRef;
import dev.booster.api.policy.Protocol;
import dev.booster.api.policy.RuleAction;
import dev.booster.api.policy.Tier;
import dev.booster.engine.policy.PolicyEndpoint;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A cluster's policy set of {@value #RULES} rules as one node compiles it: {@value #LOCAL_PODS} local pods (10
 * namespaces × 10 apps) among {@value #REMOTE_PODS} pods on other nodes, which selectors also resolve to.
 * <ul>
 *   <li>tier {@code platform}: one global policy over every pod with 999 ingress rules (denied and allowed /24s on
 *       assorted ports, like blocklists and monitoring ranges) and a final Pass, so each local pod's ingress list
 *       starts with these 1,000 rows;</li>
 *   <li>tier {@code default}: for each namespace and app, 9 policies of 5 ingress and 5 egress rules whose peers are
 *       pod selectors, namespace selectors and CIDRs.</li>
 * </ul>
 * So each of the 100 pods has its own ingress list of 1,045 rows and egress list of 45: 100 + 100 classifiers.
 */
final class ClusterPolicies {
    static final int RULES = 10_000;
    static final int LOCAL_PODS = 100;
    static final int REMOTE_PODS = 900;
    private static final int NAMESPACES = 10;
    private static final int APPS = 10;
    private static final int POLICIES_PER_APP = 9;
    private static final int PLATFORM_RULES = 999;
    private static final Tier PLATFORM = new Tier("platform", 10);

    private ClusterPolicies() {
    }

    static List<PolicyEndpoint> endpoints() {
        List<PolicyEndpoint> endpoints = new ArrayList<>();
        for (int i = 0; i < LOCAL_PODS + REMOTE_PODS; i++) {
            boolean local = i < LOCAL_PODS;
            // Local pods in 10.0.0.0/16, the others in 10.1.0.0/16 and up.
            IpAddress address = new Ip4Address((local ? 0x0A00_0000 : 0x0A01_0000) + (local ? i : i - LOCAL_PODS) + 1);
            endpoints.add(new PolicyEndpoint(local ? i : PolicyEndpoint.REMOTE, "pod-" + i, namespace(i % NAMESPACES),
                    Map.of("app", app((i / NAMESPACES) % APPS), "role", i % 3 == 0 ? "frontend" : "backend"),
                    List.of(address), List.of()));
        }
        return endpoints;
    }

    static PolicySet policies() {
        List<NetworkPolicy> policies = new ArrayList<>();
        policies.add(platformPolicy());
        for (int ns = 0; ns < NAMESPACES; ns++) {
            for (int app = 0; app < APPS; app++) {
                for (int p = 0; p < POLICIES_PER_APP; p++) policies.add(appPolicy(ns, app, p));
            }
        }
        Map<String, Map<String, String>> namespaceLabels = new HashMap<>();
        for (int ns = 0; ns < NAMESPACES; ns++) namespaceLabels.put(namespace(ns), Map.of("team", "team-" + ns % 3));
        return new PolicySet(policies, List.of(PLATFORM), namespaceLabels);
    }

    private static NetworkPolicy platformPolicy() {
        List<IngressRule> ingress = new ArrayList<>();
        for (int r = 0; r < PLATFORM_RULES; r++) {
            // 172.16.0.0/12 cut into /24s, one per rule.
            IpPrefix block = IpPrefix.containing(new Ip4Address(0xAC10_0000 + (r << 8)), 24);
            RuleAction action = r % 5 == 0 ? RuleAction.DENY : RuleAction.ALLOW;
            List<NetworkPolicyPort> ports = r % 7 == 0 ? List.of() : List.of(NetworkPolicyPort.tcp(1 + (r * 37) % 20_000));
            ingress.add(new IngressRule(List.of(NetworkPolicyPeer.ipBlock(new IpBlock(block, List.of()))), ports, action));
        }
        ingress.add(new IngressRule(List.of(), List.of(), RuleAction.PASS));
        return NetworkPolicy.global("platform-ingress", new NetworkPolicySpec(LabelSelector.ALL, List.of(PolicyType.INGRESS),
                ingress, List.of(), Optional.empty(), Optional.of(PLATFORM.name()), Optional.empty()));
    }

    private static NetworkPolicy appPolicy(int ns, int app, int p) {
        List<IngressRule> ingress = new ArrayList<>();
        List<EgressRule> egress = new ArrayList<>();
        for (int r = 0; r < 5; r++) {
            int k = (p * 5 + r) + ns * 7 + app * 13;
            ingress.add(IngressRule.allow(List.of(peer(k, ns)), List.of(port(k))));
            egress.add(EgressRule.allow(List.of(peer(k + 3, ns)), List.of(port(k + 5))));
        }
        return NetworkPolicy.of(namespace(ns), "app-" + app + "-" + p, NetworkPolicySpec.of(
                LabelSelector.matchLabels(Map.of("app", app(app))), List.of(PolicyType.INGRESS, PolicyType.EGRESS), ingress, egress));
    }

    private static NetworkPolicyPeer peer(int k, int ns) {
        return switch (k % 4) {
            case 0 -> NetworkPolicyPeer.pods(LabelSelector.matchLabels(Map.of("app", app(k % APPS))));
            case 1 -> NetworkPolicyPeer.namespaces(LabelSelector.matchLabels(Map.of("team", "team-" + k % 3)));
            case 2 -> NetworkPolicyPeer.podsInNamespaces(LabelSelector.matchLabels(Map.of("role", k % 2 == 0 ? "frontend" : "backend")),
                    LabelSelector.matchLabels(Map.of("team", "team-" + (k + ns) % 3)));
            default -> NetworkPolicyPeer.ipBlock(new IpBlock(IpPrefix.containing(new Ip4Address(0xC0A8_0000 + ((k % 256) << 8)), 24 - k % 8), List.of()));
        };
    }

    private static NetworkPolicyPort port(int k) {
        Protocol protocol = k % 5 == 0 ? Protocol.UDP : Protocol.TCP;
        return k % 3 == 0 ? NetworkPolicyPort.range(protocol, 8000 + k % 50, 8100 + k % 50) : new NetworkPolicyPort(protocol,
                Optional.of(new PortRef.Number(1000 + (k * 31) % 9000)), Optional.empty());
    }

    private static String namespace(int ns) {
        return "ns-" + ns;
    }

    private static String app(int app) {
        return "app-" + app;
    }
}
