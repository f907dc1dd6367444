package dev.booster.agent.kube;

import dev.booster.api.net.IpAddress;
import dev.booster.api.net.IpPrefix;
import dev.booster.api.tunnel.TunnelSpec;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1NodeAddress;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Nodes as routes to their pods: every other node with an InternalIP and pod CIDRs becomes a plain tunnel spec
 * (unencapsulated, unprotected: the route to its pod CIDRs via its InternalIP), keyed by node name.
 */
public final class NodeMapping {

    private NodeMapping() {
    }

    /** This node's InternalIP of the family of its first address, if it has one. */
    public static Optional<IpAddress> internalIp(V1Node node) {
        if (node.getStatus() == null || node.getStatus().getAddresses() == null) return Optional.empty();
        for (V1NodeAddress a : node.getStatus().getAddresses()) {
            if ("InternalIP".equals(a.getType()) && a.getAddress() != null) {
                try {
                    return Optional.of(IpAddress.parse(a.getAddress()));
                } catch (IllegalArgumentException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    /** The node's pod CIDRs ({@code spec.podCIDRs}, else {@code spec.podCIDR}). */
    public static List<IpPrefix> podCidrs(V1Node node) {
        List<IpPrefix> cidrs = new ArrayList<>();
        if (node.getSpec() == null) return cidrs;
        List<String> texts = node.getSpec().getPodCIDRs() != null && !node.getSpec().getPodCIDRs().isEmpty()
                ? node.getSpec().getPodCIDRs()
                : node.getSpec().getPodCIDR() == null ? List.of() : List.of(node.getSpec().getPodCIDR());
        for (String t : texts) {
            try {
                cidrs.add(IpPrefix.parse(t));
            } catch (IllegalArgumentException ignored) {
                // The API server validates podCIDRs; an unreadable one cannot be routed to and is left out.
            }
        }
        return cidrs;
    }

    /**
     * The tunnels this node ({@code self}) wants: one per other node that has an InternalIP of this node's family and
     * at least one pod CIDR of that family. Empty while this node's own InternalIP is unknown.
     */
    public static Map<String, TunnelSpec> tunnels(String self, Collection<V1Node> nodes) {
        Map<String, TunnelSpec> tunnels = new TreeMap<>();
        Optional<IpAddress> local = nodes.stream().filter(n -> n.getMetadata() != null && self.equals(n.getMetadata().getName()))
                .findFirst().flatMap(NodeMapping::internalIp);
        if (local.isEmpty()) return tunnels;
        for (V1Node node : nodes) {
            String name = node.getMetadata() == null ? null : node.getMetadata().getName();
            if (name == null || name.equals(self)) continue;
            Optional<IpAddress> remote = internalIp(node).filter(a -> a.family() == local.get().family());
            List<IpPrefix> cidrs = podCidrs(node).stream().filter(p -> p.family() == local.get().family()).toList();
            if (remote.isEmpty() || cidrs.isEmpty()) continue;
            tunnels.put(name, TunnelSpec.plain(name, local.get(), remote.get(), cidrs.toArray(IpPrefix[]::new)));
        }
        return tunnels;
    }
}
