package dev.booster.engine.policy;

import dev.booster.api.net.IpAddress;
import dev.booster.api.net.IpFamily;
import dev.booster.api.policy.IpBlock;
import dev.booster.api.policy.NetworkPolicy;
import dev.booster.api.policy.NetworkPolicyPeer;
import dev.booster.api.policy.PolicySet;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Resolves a rule's peers to address spans: selectors to the addresses of the endpoints they select (as Calico
 * resolves them to IP sets), ipBlocks to their CIDR minus the exceptions. Selector results are cached, since many
 * rules repeat the same peer.
 */
final class PeerResolver {
    private final PolicySet set;
    private final List<PolicyEndpoint> endpoints;
    private final Map<SelectorPeer, List<IpAddress>> selected = new HashMap<>();

    /** A selector peer as seen from a namespace ({@code null}: a global policy, which sees every namespace). */
    private record SelectorPeer(String policyNamespace, NetworkPolicyPeer peer) {
    }

    PeerResolver(PolicySet set, List<PolicyEndpoint> endpoints) {
        this.set = set;
        this.endpoints = endpoints;
    }

    PeerSpans resolve(NetworkPolicy policy, List<NetworkPolicyPeer> peers) {
        if (peers.isEmpty()) return PeerSpans.ANY;
        List<Span> ip4 = new ArrayList<>();
        List<Span> ip6 = new ArrayList<>();
        for (NetworkPolicyPeer peer : peers) {
            if (peer.ipBlock().isPresent()) {
                IpBlock block = peer.ipBlock().get();
                List<Span> holes = Span.union(block.exceptions().stream().map(Span::of).toList());
                (block.cidr().family() == IpFamily.IPV4 ? ip4 : ip6).addAll(Span.minus(Span.of(block.cidr()), holes));
                continue;
            }
            String scope = policy.isGlobal() ? null : policy.metadata().namespace();
            for (IpAddress address : selected.computeIfAbsent(new SelectorPeer(scope, peer), this::select)) {
                (address.family() == IpFamily.IPV4 ? ip4 : ip6).add(Span.of(Point.of(address)));
            }
        }
        return new PeerSpans(Span.union(ip4), Span.union(ip6));
    }

    private List<IpAddress> select(SelectorPeer selector) {
        NetworkPolicyPeer peer = selector.peer();
        List<IpAddress> addresses = new ArrayList<>();
        for (PolicyEndpoint e : endpoints) {
            boolean podMatches = peer.podSelector().map(s -> s.matches(e.labels())).orElse(true);
            boolean namespaceMatches = peer.namespaceSelector()
                    .map(s -> s.matches(set.labelsOf(e.namespace())))
                    .orElse(selector.policyNamespace() == null || selector.policyNamespace().equals(e.namespace()));
            if (podMatches && namespaceMatches) addresses.addAll(e.addresses());
        }
        return addresses;
    }
}
