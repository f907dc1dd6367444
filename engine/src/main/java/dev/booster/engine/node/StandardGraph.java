package dev.booster.engine.node;

import dev.booster.engine.graph.Graph;

/**
 * The engine's packet path. Nodes are listed upstream first, so a packet crosses the graph in one pass of the worker
 * (an ICMP error for a missing route takes a second: icmp-error sends it back to the lookup).
 * <pre>
 * ethernet-input -> arp-input -> interface-output                       (ARP reply to the gateway)
 *                -> ip4-input | ip6-input -> ip6-nd -> interface-output (neighbour advertisement)
 *                                         -> l4-extract -> ip4-lookup | ip6-lookup
 *   -> conntrack-lookup -> policy-egress -> policy-ingress -> conntrack -> rewrite -> interface-output
 *
 *                                                 rewrite -> tunnel-encap -> interface-output (into a tunnel, via the uplink)
 * ip4/ip6-input (to a local tunnel end) -> tunnel-decap -> ip4/ip6-input (the inner packet, as from the uplink)
 * ip4/ip6-input (TTL expired), ip4/ip6-lookup (no route), tunnel-encap (too big for the tunnel)
 *   -> icmp-error -> ip4/ip6-lookup (the error) | error-drop
 * any node -> error-drop (counted by reason, buffer freed)
 * </pre>
 */
public final class StandardGraph {
    private StandardGraph() {
    }

    public static Graph build() {
        return Graph.builder()
                .add(EthernetInput.NAME, EthernetInput::new)
                .add(ArpInput.NAME, ArpInput::new)
                .add(Ip4Input.NAME, Ip4Input::new)
                .add(Ip6Input.NAME, Ip6Input::new)
                .add(TunnelDecap.NAME, TunnelDecap::new)
                .add(Ip6Nd.NAME, Ip6Nd::new)
                .add(L4Extract.NAME, L4Extract::new)
                .add(IcmpError.NAME, IcmpError::new)
                .add(Ip4Lookup.NAME, Ip4Lookup::new)
                .add(Ip6Lookup.NAME, Ip6Lookup::new)
                .add(ConntrackLookup.NAME, ConntrackLookup::new)
                .add(PolicyEgress.NAME, PolicyEgress::new)
                .add(PolicyIngress.NAME, PolicyIngress::new)
                .add(ConntrackCommit.NAME, ConntrackCommit::new)
                .add(Rewrite.NAME, Rewrite::new)
                .add(TunnelEncap.NAME, TunnelEncap::new)
                .add(InterfaceOutput.NAME, wiring -> new InterfaceOutput())
                .add(ErrorDrop.NAME, wiring -> new ErrorDrop())
                .build(EthernetInput.NAME);
    }
}
