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
 * Packets the engine made keep their TTL.
 */
public final class Rewrite extends PacketNode {
    public static final String NAME = "rewrite";

    private final int output;

    public Rewrite(Graph.Wiring wiring) {
        super(NAME, wiring);
        output = wiring.index(InterfaceOutput.NAME);
    }

    @Override
    public void process(Frame frame, PacketVector p, NodeContext ctx) {
        Adjacencies adjacencies = ctx.state.adjacencies();
        InterfaceTable interfaces = ctx.state.interfaces();
        for (int i = 0; i < frame.count; i++) {
            int s = frame.slots[i];
            int adjacency = p.adjacency[s];
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
            if ((p.flags[s] & PacketVector.F_LOCAL_ORIGIN) == 0) {
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
            p.txInterface[s] = out;
            ctx.trace(p, s, this, out, 1);
            p.next[s] = output;
        }
    }

    @Override
    public String describe(int code, int detail, ForwardingState state) {
        String name = state.interfaces().present(code) ? state.interfaces().name(code) : "#" + code;
        return detail == 1 ? "to " + name : "no neighbour known on " + name;
    }
}
