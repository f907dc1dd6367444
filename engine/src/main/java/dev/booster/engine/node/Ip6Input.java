package dev.booster.engine.node;

import dev.booster.engine.DropReason;
import dev.booster.engine.graph.Frame;
import dev.booster.engine.graph.Graph;
import dev.booster.engine.graph.NodeContext;
import dev.booster.engine.packet.PacketVector;
import dev.booster.engine.state.ForwardingState;

import static dev.booster.engine.packet.PacketMemory.*;

/**
 * Validates an IPv6 header and walks its extension header chain (RFC 8200) to the upper-layer header, checking every
 * length against the payload. Hop-by-hop must come first; its options are checked and an unknown one whose type says
 * "discard" drops the packet. Destination options and routing headers are only skipped: they are for the destination.
 * Fragments are dropped (no reassembly). Neighbour discovery goes to ip6-nd; other link-local or multicast traffic, and
 * anything sent to a multicast MAC, is not routed.
 */
public final class Ip6Input extends PacketNode {
    public static final String NAME = "ip6-input";
    private static final int HEADER = 40;
    private static final int HOP_BY_HOP = 0;
    private static final int ROUTING = 43;
    private static final int FRAGMENT = 44;
    private static final int DESTINATION_OPTIONS = 60;
    /** More than this many extension headers is treated as an attack, not a packet. */
    private static final int MAX_EXTENSION_HEADERS = 8;
    private static final int OPTION_PAD1 = 0;
    private static final int OPTION_PADN = 1;
    private static final int OPTION_ROUTER_ALERT = 5;

    private final int l4;
    private final int nd;
    private final int icmpError;
    private final int tunnelDecap;

    public Ip6Input(Graph.Wiring wiring) {
        super(NAME, wiring);
        l4 = wiring.index(L4Extract.NAME);
        nd = wiring.index(Ip6Nd.NAME);
        icmpError = wiring.index(IcmpError.NAME);
        tunnelDecap = wiring.index(TunnelDecap.NAME);
    }

    @Override
    public void process(Frame frame, PacketVector p, NodeContext ctx) {
        for (int i = 0; i < frame.count; i++) {
            int s = frame.slots[i];
            p.next[s] = check(p, s, ctx.state);
            int code = p.next[s] == l4 || p.next[s] == nd || p.next[s] == tunnelDecap ? -1 : p.error[s];
            ctx.trace(p, s, this, code, p.protocol[s]);
        }
    }

    private int check(PacketVector p, int s, ForwardingState state) {
        int l3 = p.l3Offset[s];
        int available = p.length[s] - l3;
        if (available < HEADER) return drop(p, s, DropReason.TRUNCATED);
        long ip = p.data[s] + l3;
        if ((u8(ip) >>> 4) != 6) return drop(p, s, DropReason.BAD_HEADER);
        int end = HEADER + u16(ip + 4);
        if (end > available) return drop(p, s, DropReason.TRUNCATED);
        p.length[s] = l3 + end;
        if (IpFields.isMulticast6(u64(ip + 8))) return drop(p, s, DropReason.BAD_HEADER);

        int next = u8(ip + 6);
        int offset = HEADER;
        for (int headers = 0; ; headers++) {
            if (next != HOP_BY_HOP && next != ROUTING && next != DESTINATION_OPTIONS && next != FRAGMENT) break;
            if (headers == MAX_EXTENSION_HEADERS) return drop(p, s, DropReason.BAD_HEADER);
            if (next == HOP_BY_HOP && headers != 0) return drop(p, s, DropReason.BAD_HEADER);
            if (offset + 8 > end) return drop(p, s, DropReason.TRUNCATED);
            if (next == FRAGMENT) {
                if ((u16(ip + offset + 2) & 0xfff8) != 0) p.flags[s] |= PacketVector.F_NON_FIRST_FRAGMENT;
                return drop(p, s, DropReason.FRAGMENT);
            }
            int length = (u8(ip + offset + 1) + 1) * 8;
            if (offset + length > end) return drop(p, s, DropReason.TRUNCATED);
            if (next != ROUTING && !optionsValid(ip + offset + 2, ip + offset + length, next == HOP_BY_HOP)) {
                return drop(p, s, DropReason.BAD_HEADER);
            }
            next = u8(ip + offset);
            offset += length;
        }
        p.protocol[s] = next;
        p.l4Offset[s] = l3 + offset;

        long dstHigh = u64(ip + 24);
        if (next == IpFields.ICMP6 && offset + 1 <= end && isNeighbourDiscovery(u8(ip + offset))) return nd;
        if (IpFields.isMulticast6(dstHigh) || IpFields.isLinkLocal6(dstHigh) || (p.flags[s] & PacketVector.F_L2_MULTICAST) != 0) {
            return drop(p, s, DropReason.NOT_FOR_US);
        }
        if (state.tunnels().isLocal6(dstHigh, u64(ip + 32)) && (p.flags[s] & PacketVector.F_DECAPSULATED) == 0
                && !state.interfaces().isPod(p.rxInterface[s])) {
            return tunnelDecap;
        }
        if (u8(ip + 7) <= 1) {
            p.error[s] = DropReason.TTL_EXPIRED.ordinal();
            return icmpError;
        }
        return l4;
    }

    /** Walks the TLV options in {@code [from, to)}; a router acts only on hop-by-hop options. */
    private static boolean optionsValid(long from, long to, boolean hopByHop) {
        long at = from;
        while (at < to) {
            int type = u8(at);
            if (type == OPTION_PAD1) {
                at++;
                continue;
            }
            if (at + 2 > to) return false;
            long optionEnd = at + 2 + u8(at + 1);
            if (optionEnd > to) return false;
            boolean known = type == OPTION_PADN || type == OPTION_ROUTER_ALERT;
            if (hopByHop && !known && (type >>> 6) != 0) return false;
            at = optionEnd;
        }
        return true;
    }

    static boolean isNeighbourDiscovery(int icmpType) {
        return icmpType >= Ip6Nd.ROUTER_SOLICITATION && icmpType <= Ip6Nd.REDIRECT;
    }

    @Override
    public String describe(int code, int detail, ForwardingState state) {
        return code < 0 ? "valid, next header " + detail : DropReason.of(code).reasonName();
    }
}
