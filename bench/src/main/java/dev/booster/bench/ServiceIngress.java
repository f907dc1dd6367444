package dev.booster.bench;

import dev.booster.api.net.Ip4Address;
import dev.booster.api.net.IpAddress;
import dev.booster.api.net.IpPrefix;
import dev.booster.api.policy.IngressRule;
import dev.booster.api.policy.IpBlock;
import dev.booster.api.policy.LabelSelector;
import dev.booster.api.policy.NetworkPolicy;
import dev.booster.api.policy.NetworkPolicyPeer;
import dev.booster.api.policy.NetworkPolicyPort;
import dev.booster.api.policy.NetworkPolicySpec;
import dev.booster.api.policy.PolicySet;
import dev.booster.api.policy.PolicyType;
import dev.booster.engine.policy.PolicyEndpoint;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The benchmarks' policy: pod B is a shared service whose ingress has {@code rules} allow rules, in policies of ten
 * rules each, and the one rule that lets pod A's packets in sits at row {@link AllowRow#of} of B's rule list. The
 * other rules each allow one client /32 (in 100.64.0.0/10) to a port: every 4th to UDP {@link #SERVICE_PORT}, the
 * one A uses, the rest to some TCP port, except the rows where the {@link RuleLayout} allows the node's pod CIDR
 * 10.0.0.0/16 (which holds A) to TCP {@link #METRICS_PORT}. So many rows match the port, some match A's address, and
 * they meet only at A's row: what the bitmap AND must find.
 */
final class ServiceIngress {
    static final IpAddress POD_A = IpAddress.parse("10.0.0.1");
    static final IpAddress POD_B = IpAddress.parse("10.0.0.2");
    static final int ENDPOINT_A = 0;
    static final int ENDPOINT_B = 1;
    static final int SERVICE_PORT = 5432;
    static final int METRICS_PORT = 9100;
    private static final int RULES_PER_POLICY = 10;
    private static final IpPrefix POD_CIDR = IpPrefix.parse("10.0.0.0/16");
    /** Clients live in 100.64.0.0/10 (one /32 per rule), outside the pod CIDR. */
    private static final int FIRST_CLIENT = 0x6440_0000;

    private ServiceIngress() {
    }

    static List<PolicyEndpoint> endpoints() {
        return List.of(
                new PolicyEndpoint(ENDPOINT_A, "uid-a", "clients", Map.of("app", "a"), List.of(POD_A), List.of()),
                new PolicyEndpoint(ENDPOINT_B, "uid-b", "svc", Map.of("app", "b"), List.of(POD_B), List.of()));
    }

    static PolicySet policies(int rules, AllowRow match, RuleLayout layout) {
        if (rules < 1) throw new IllegalArgumentException("rules must be >= 1, not " + rules);
        int matchRow = match.of(rules);
        List<NetworkPolicy> policies = new ArrayList<>();
        for (int first = 0; first < rules; first += RULES_PER_POLICY) {
            List<IngressRule> ingress = new ArrayList<>();
            for (int row = first; row < Math.min(rules, first + RULES_PER_POLICY); row++) {
                ingress.add(row == matchRow ? allow(IpPrefix.containing(POD_A, 32), NetworkPolicyPort.udp(SERVICE_PORT)) : filler(row, layout));
            }
            // Zero-padded names keep the policies, and so the rows, in this order.
            policies.add(NetworkPolicy.of("svc", String.format("ingress-%05d", first / RULES_PER_POLICY),
                    NetworkPolicySpec.of(LabelSelector.matchLabels(Map.of("app", "b")), List.of(PolicyType.INGRESS), ingress, List.of())));
        }
        return PolicySet.of(policies);
    }

    private static IngressRule filler(int row, RuleLayout layout) {
        if (layout.podCidrRow(row)) return allow(POD_CIDR, NetworkPolicyPort.tcp(METRICS_PORT));
        IpPrefix client = IpPrefix.containing(new Ip4Address(FIRST_CLIENT + row), 32);
        if (row % 4 == 1) return allow(client, NetworkPolicyPort.udp(SERVICE_PORT));
        return allow(client, NetworkPolicyPort.tcp(8000 + row % 100));
    }

    private static IngressRule allow(IpPrefix peer, NetworkPolicyPort port) {
        return IngressRule.allow(List.of(NetworkPolicyPeer.ipBlock(new IpBlock(peer, List.of()))), List.of(port));
    }
}
