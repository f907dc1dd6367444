package dev.booster.engine.node;

import dev.booster.engine.DropReason;
import dev.booster.engine.graph.Frame;
import dev.booster.engine.graph.Graph;
import dev.booster.engine.graph.NodeContext;
import dev.booster.engine.packet.Checksum;
import dev.booster.engine.packet.PacketVector;
import dev.booster.engine.state.ForwardingState;

import static dev.booster.engine.packet.PacketMemory.*;

/**
 * Validates an IPv4 header (RFC 1812 section 5.2.2) once, so later nodes may read any header field without checking
 * bounds again: version, IHL, total length within the frame (Ethernet padding is trimmed), header checksum. Fragments
 * are dropped (no reassembly), as are packets to multicast or broadcast addresses or sent to a broadcast/multicast MAC
 * (no multicast routing, and a router forwards only what was sent to it); an expiring TTL goes to icmp-error.
 */
public final class Ip4Input extends PacketNode {
    public static final String NAME = "ip4-input";
    private static final int MIN_HEADER = 20;

    private final int l4;
    private final int icmpError;
    private final int tunnelDecap;

    public Ip4Input(Graph.Wiring wiring) {
        super(NAME, wiring);
        l4 = wiring.index(L4Extract.NAME);
        icmpError = wiring.index(IcmpError.NAME);
        tunnelDecap = wiring.index(TunnelDecap.NAME);
    }

    @Override
    public void process(Frame frame, PacketVector p, NodeContext ctx) {
        for (int i = 0; i < frame.count; i++) {
            int s = frame.slots[i];
            p.next[s] = check(p, s, ctx.state);
            ctx.trace(p, s, this, p.next[s] == l4 || p.next[s] == tunnelDecap ? -1 : p.error[s], p.protocol[s]);
        }
    }

    private int check(PacketVector p, int s, ForwardingState state) {
        int l3 = p.l3Offset[s];
        int available = p.length[s] - l3;
        if (available < MIN_HEADER) return drop(p, s, DropReason.TRUNCATED);
        long ip = p.data[s] + l3;
        int first = u8(ip);
        if ((first >>> 4) != 4) return drop(p, s, DropReason.BAD_HEADER);
        int headerLength = (first & 0xf) * 4;
        if (headerLength < MIN_HEADER) return drop(p, s, DropReason.BAD_HEADER);
        if (headerLength > available) return drop(p, s, DropReason.TRUNCATED);
        int total = u16(ip + 2);
        if (total < headerLength) return drop(p, s, DropReason.BAD_HEADER);
        if (total > available) return drop(p, s, DropReason.TRUNCATED);
        if (!Checksum.verifies(Checksum.add(0, ip, headerLength))) return drop(p, s, DropReason.BAD_CHECKSUM);
        p.length[s] = l3 + total;
        p.protocol[s] = u8(ip + 9);
        p.l4Offset[s] = l3 + headerLength;
        int fragment = u16(ip + 6);
        if ((fragment & 0x1fff) != 0) p.flags[s] |= PacketVector.F_NON_FIRST_FRAGMENT;
        if ((fragment & 0x3fff) != 0) return drop(p, s, DropReason.FRAGMENT);
        int src = u32(ip + 12);
        if (IpFields.isMulticast4(src) || src == 0xffff_ffff) return drop(p, s, DropReason.BAD_HEADER);
        int dst = u32(ip + 16);
        if (IpFields.isMulticast4(dst) || dst == 0xffff_ffff || (p.flags[s] & PacketVector.F_L2_MULTICAST) != 0) {
            return drop(p, s, DropReason.NOT_FOR_US);
        }
        // To a local tunnel end from the network: the node's own tunnel traffic, whatever its TTL.
        if (state.tunnels().isLocal4(dst) && (p.flags[s] & PacketVector.F_DECAPSULATED) == 0 && !state.interfaces().isPod(p.rxInterface[s])) {
            return tunnelDecap;
        }
        if (u8(ip + 8) <= 1) {
            p.error[s] = DropReason.TTL_EXPIRED.ordinal();
            return icmpError;
        }
        return l4;
    }

    @Override
    public String describe(int code, int detail, ForwardingState state) {
        return code < 0 ? "valid, protocol " + detail : DropReason.of(code).reasonName();
    }
}
