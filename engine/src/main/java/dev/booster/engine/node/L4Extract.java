package dev.booster.engine.node;

import dev.booster.engine.DropReason;
import dev.booster.engine.graph.Frame;
import dev.booster.engine.graph.Graph;
import dev.booster.engine.graph.NodeContext;
import dev.booster.engine.packet.PacketVector;
import dev.booster.engine.state.ForwardingState;

import static dev.booster.engine.packet.PacketMemory.u16;
import static dev.booster.engine.packet.PacketMemory.u8;

/**
 * Reads the transport header policy and conntrack key on: ports for TCP, UDP and SCTP, the identifier (as both
 * ports) for ICMP echo, TCP flags, and whether the packet is an ICMP error. Each header must lie within the packet.
 * Protocols without ports pass with ports 0.
 */
public final class L4Extract extends PacketNode {
    public static final String NAME = "l4-extract";

    private final int ip4Lookup;
    private final int ip6Lookup;

    public L4Extract(Graph.Wiring wiring) {
        super(NAME, wiring);
        ip4Lookup = wiring.index(Ip4Lookup.NAME);
        ip6Lookup = wiring.index(Ip6Lookup.NAME);
    }

    @Override
    public void process(Frame frame, PacketVector p, NodeContext ctx) {
        for (int i = 0; i < frame.count; i++) {
            int s = frame.slots[i];
            DropReason bad = extract(p, s);
            if (bad != null) {
                p.next[s] = drop(p, s, bad);
                ctx.trace(p, s, this, -1 - bad.ordinal(), 0);
            } else {
                p.next[s] = (p.flags[s] & PacketVector.F_IP6) != 0 ? ip6Lookup : ip4Lookup;
                ctx.trace(p, s, this, p.srcPort[s], p.dstPort[s]);
            }
        }
    }

    /** Returns null when the header is sound (an enum constant, so nothing is allocated). */
    private static DropReason extract(PacketVector p, int s) {
        long l4 = p.data[s] + p.l4Offset[s];
        int available = p.length[s] - p.l4Offset[s];
        boolean ip6 = (p.flags[s] & PacketVector.F_IP6) != 0;
        switch (p.protocol[s]) {
            case IpFields.TCP -> {
                if (available < 20) return DropReason.TRUNCATED;
                int dataOffset = (u8(l4 + 12) >>> 4) * 4;
                if (dataOffset < 20) return DropReason.BAD_HEADER;
                if (dataOffset > available) return DropReason.TRUNCATED;
                ports(p, s, l4);
                p.tcpFlags[s] = u8(l4 + 13);
            }
            case IpFields.UDP -> {
                if (available < 8) return DropReason.TRUNCATED;
                int length = u16(l4 + 4);
                if (length < 8) return DropReason.BAD_HEADER;
                if (length > available) return DropReason.TRUNCATED;
                ports(p, s, l4);
            }
            case IpFields.SCTP -> {
                if (available < 12) return DropReason.TRUNCATED;
                ports(p, s, l4);
            }
            case IpFields.ICMP -> {
                if (ip6) return null;
                if (available < 8) return DropReason.TRUNCATED;
                int type = u8(l4);
                if (type == 0 || type == 8) echo(p, s, l4);
                else if (IpFields.isIcmp4Error(type)) p.flags[s] |= PacketVector.F_ICMP_ERROR;
            }
            case IpFields.ICMP6 -> {
                if (!ip6) return null;
                if (available < 8) return DropReason.TRUNCATED;
                int type = u8(l4);
                if (type == 128 || type == 129) echo(p, s, l4);
                else if (type < 128) p.flags[s] |= PacketVector.F_ICMP_ERROR;
            }
            default -> {
            }
        }
        return null;
    }

    private static void ports(PacketVector p, int s, long l4) {
        p.srcPort[s] = u16(l4);
        p.dstPort[s] = u16(l4 + 2);
    }

    private static void echo(PacketVector p, int s, long l4) {
        int identifier = u16(l4 + 4);
        p.srcPort[s] = identifier;
        p.dstPort[s] = identifier;
    }

    @Override
    public String describe(int code, int detail, ForwardingState state) {
        return code < 0 ? DropReason.of(-1 - code).reasonName() : "ports " + code + " -> " + detail;
    }
}
