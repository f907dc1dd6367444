package dev.booster.engine.node;

import dev.booster.engine.DropReason;
import dev.booster.engine.fib.Ip6Fib;
import dev.booster.engine.graph.Frame;
import dev.booster.engine.graph.Graph;
import dev.booster.engine.graph.NodeContext;
import dev.booster.engine.packet.PacketVector;
import dev.booster.engine.state.Adjacencies;
import dev.booster.engine.state.ForwardingState;
import dev.booster.engine.state.InterfaceTable;

import static dev.booster.engine.packet.PacketMemory.u64;

/** {@link Ip4Lookup} for IPv6. */
public final class Ip6Lookup extends PacketNode {
    public static final String NAME = "ip6-lookup";

    private final int conntrackLookup;
    private final int icmpError;

    public Ip6Lookup(Graph.Wiring wiring) {
        super(NAME, wiring);
        conntrackLookup = wiring.index(ConntrackLookup.NAME);
        icmpError = wiring.index(IcmpError.NAME);
    }

    @Override
    public void process(Frame frame, PacketVector p, NodeContext ctx) {
        Ip6Fib fib = ctx.state.fib6();
        Adjacencies adjacencies = ctx.state.adjacencies();
        InterfaceTable interfaces = ctx.state.interfaces();
        for (int i = 0; i < frame.count; i++) {
            int s = frame.slots[i];
            long ip = p.data[s] + p.l3Offset[s];
            int adjacency = fib.lookup(u64(ip + 24), u64(ip + 32));
            p.adjacency[s] = adjacency;
            ctx.trace(p, s, this, adjacency, 0);
            if (adjacency == Ip6Fib.MISS) {
                p.error[s] = DropReason.NO_ROUTE.ordinal();
                p.next[s] = icmpError;
                continue;
            }
            int out = adjacencies.interfaceOf(adjacency);
            if (out == Adjacencies.DISCARD) {
                p.next[s] = drop(p, s, DropReason.DROP_ROUTE);
                continue;
            }
            if ((p.flags[s] & PacketVector.F_DECAPSULATED) != 0 && !interfaces.isPod(out)) {
                // A tunnel delivers to this node's pods only: the node never relays a peer's packets onwards.
                p.next[s] = drop(p, s, DropReason.NOT_FOR_US);
                continue;
            }
            p.dstEndpoint[s] = interfaces.endpoint(out);
            if ((p.flags[s] & PacketVector.F_LOCAL_ORIGIN) == 0) {
                int rx = p.rxInterface[s];
                if (interfaces.isPod(rx)) {
                    int back = fib.lookup(u64(ip + 8), u64(ip + 16));
                    if (back == Ip6Fib.MISS || adjacencies.interfaceOf(back) != rx) {
                        p.next[s] = drop(p, s, DropReason.SPOOFED_SOURCE);
                        continue;
                    }
                }
                p.srcEndpoint[s] = interfaces.endpoint(rx);
            }
            p.next[s] = conntrackLookup;
        }
    }

    @Override
    public String describe(int code, int detail, ForwardingState state) {
        return Lookups.describe(code, state);
    }
}
