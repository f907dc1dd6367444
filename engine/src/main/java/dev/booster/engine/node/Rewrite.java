package dev.booster.engine.node;

import dev.booster.engine.DropReason;
import dev.booster.engine.graph.Frame;
import dev.booster.engine.graph.Graph;
import dev.booster.engine.graph.NodeContext;
import dev.booster.engine.packet.Checksum;
import dev.booster.engine.packet.PacketVector;
import dev.booster.engine.state.Adjacencies;
import dev.booster.engine.state.ForwardingState;
import dev.booster.engine.state.InterfaceTable;
import dev.booster.engine.state.Neighbours;

import static dev.booster.engine.packet.PacketMemory.*;

/**
 * Prepares a packet for its output interface: Ethernet addresses from the adjacency (or the neighbour learned on the
 * interface) and our MAC, and one hop less of TTL/hop limit, patching the IPv4 checksum incrementally (RFC 1624).
 * Packets the engine made keep their TTL. A packet for a tunnel adjacency goes on to tunnel-encap, which writes the
 * Ethernet header in front of the outer headers.
 */
public final class Rewrite extends PacketNode {
    public static final String NAME = "rewrite";

    private final int output;
    private final int tunnelEncap;

    public Rewrite(Graph.Wiring wiring) {
        super(NAME, wiring);
        output = wiring.index(InterfaceOutput.NAME);
        tunnelEncap = wiring.index(TunnelEncap.NAME);
    }

    @Override
    public void process(Frame frame, PacketVector p, NodeContext ctx) {
        Adjacencies adjacencies = ctx.state.adjacencies();
        InterfaceTable interfaces = ctx.state.interfaces();
        for (int i = 0; i < frame.count; i++) {
            int s = frame.slots[i];
            int adjacency = p.adjacency[s];
            if (adjacencies.tunnel(adjacency) != Adjacencies.NO_TUNNEL) {
                // tunnel-encap writes the outer headers and the Ethernet header in front of them
                decrementTtl(p, s, p.data[s]);
                ctx.trace(p, s, this, adjacencies.interfaceOf(adjacency), 2);
                p.next[s] = tunnelEncap;
                continue;
            }
            int out = adjacencies.interfaceOf(adjacency);
            long dstMac = adjacencies.mac(adjacency);
            if (dstMac == Adjacencies.LEARNED) dstMac = ctx.neighbours.mac(out);
            if (dstMac == Neighbours.UNKNOWN) {
                ctx.trace(p, s, this, out, 0);
                p.next[s] = drop(p, s, DropReason.NO_NEIGHBOUR);
                continue;
            }
            long frameStart = p.data[s];
            putMac(frameStart, dstMac);
            putMac(frameStart + 6, interfaces.mac(out));
            decrementTtl(p, s, frameStart);
            p.txInterface[s] = out;
            ctx.trace(p, s, this, out, 1);
            p.next[s] = output;
        }
    }

    private static void decrementTtl(PacketVector p, int s, long frameStart) {
        if ((p.flags[s] & PacketVector.F_LOCAL_ORIGIN) != 0) return;
        long ip = frameStart + p.l3Offset[s];
        if ((p.flags[s] & PacketVector.F_IP6) != 0) {
            put8(ip + 7, u8(ip + 7) - 1);
        } else {
            int oldWord = u16(ip + 8);
            int newWord = oldWord - 0x100;
            put16(ip + 8, newWord);
            put16(ip + 10, Checksum.update(u16(ip + 10), oldWord, newWord));
        }
    }

    @Override
    public String describe(int code, int detail, ForwardingState state) {
        String name = state.interfaces().present(code) ? state.interfaces().name(code) : "#" + code;
        return switch (detail) {
            case 1 -> "to " + name;
            case 2 -> "into a tunnel over " + name;
            default -> "no neighbour known on " + name;
        };
    }
}
