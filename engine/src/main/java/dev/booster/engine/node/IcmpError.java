package dev.booster.engine.node;

import dev.booster.engine.DropReason;
import dev.booster.engine.graph.Frame;
import dev.booster.engine.graph.Graph;
import dev.booster.engine.graph.NodeContext;
import dev.booster.engine.packet.Checksum;
import dev.booster.engine.packet.PacketBuffers;
import dev.booster.engine.packet.PacketVector;
import dev.booster.engine.state.ForwardingState;
import dev.booster.engine.state.LocalAddresses;

import static dev.booster.engine.packet.PacketMemory.*;

/**
 * Tells the sender why its packet died: ICMP Time Exceeded / Destination Unreachable (no route) / Fragmentation
 * Needed (too big for a tunnel, with the tunnel's inner MTU; only for IPv4 with DF), or their ICMPv6 forms (types 3,
 * 1 and 2, Packet Too Big). The error is built in a fresh buffer from the packet's own pool, quoting as much of the
 * packet as fits in 576 (IPv4, RFC 1812) or 1280 bytes (IPv6, RFC 4443); the original is counted as dropped and
 * freed, and its slot continues as the error through the lookup. Never in answer to an ICMP error, a non-first
 * fragment, a broadcast/multicast, or an unspecified or multicast source; rate-limited per worker.
 */
public final class IcmpError extends PacketNode {
    public static final String NAME = "icmp-error";
    private static final int SENT = -1;
    private static final int NOT_ELIGIBLE = -2;
    private static final int RATE_LIMITED = -3;
    private static final int NO_BUFFER = -4;
    private static final int IP4_MAX = 576;
    private static final int IP6_MAX = 1280;
    private static final int ICMP_HEADER = 8;
    private static final int DONT_FRAGMENT = 0x4000;
    private static final int SUPPRESSING_FLAGS = PacketVector.F_LOCAL_ORIGIN | PacketVector.F_ICMP_ERROR
            | PacketVector.F_L2_MULTICAST | PacketVector.F_NON_FIRST_FRAGMENT;

    private final int ip4Lookup;
    private final int ip6Lookup;

    public IcmpError(Graph.Wiring wiring) {
        super(NAME, wiring);
        ip4Lookup = wiring.index(Ip4Lookup.NAME);
        ip6Lookup = wiring.index(Ip6Lookup.NAME);
    }

    @Override
    public void process(Frame frame, PacketVector p, NodeContext ctx) {
        for (int i = 0; i < frame.count; i++) {
            int s = frame.slots[i];
            DropReason reason = DropReason.of(p.error[s]);
            int outcome = eligible(p, s, reason) ? send(p, s, reason, ctx) : NOT_ELIGIBLE;
            ctx.trace(p, s, this, outcome, reason.ordinal());
            if (outcome == SENT) p.next[s] = (p.flags[s] & PacketVector.F_IP6) != 0 ? ip6Lookup : ip4Lookup;
            else p.next[s] = errorDrop;
        }
    }

    private static boolean eligible(PacketVector p, int s, DropReason reason) {
        if (reason != DropReason.TTL_EXPIRED && reason != DropReason.NO_ROUTE && reason != DropReason.PACKET_TOO_BIG) return false;
        if ((p.flags[s] & SUPPRESSING_FLAGS) != 0) return false;
        long ip = p.data[s] + p.l3Offset[s];
        boolean ip6 = (p.flags[s] & PacketVector.F_IP6) != 0;
        // IPv4 without DF may be fragmented, which the engine does not do: dropped (counted), no error to act on.
        if (reason == DropReason.PACKET_TOO_BIG && !ip6 && (u16(ip + 6) & DONT_FRAGMENT) == 0) return false;
        boolean hasType = p.l4Offset[s] + 1 <= p.length[s];
        int type = hasType ? u8(p.data[s] + p.l4Offset[s]) : -1;
        if (ip6) {
            long srcHigh = u64(ip + 8);
            if ((srcHigh == 0 && u64(ip + 16) == 0) || IpFields.isMulticast6(srcHigh)) return false;
            return !(p.protocol[s] == IpFields.ICMP6 && hasType && type < 128);
        }
        int src = u32(ip + 12);
        if (src == 0 || src == 0xffff_ffff || IpFields.isMulticast4(src)) return false;
        return !(p.protocol[s] == IpFields.ICMP && hasType && IpFields.isIcmp4Error(type));
    }

    private static int send(PacketVector p, int s, DropReason reason, NodeContext ctx) {
        if (!ctx.icmpErrors.tryTake(ctx.now)) return RATE_LIMITED;
        boolean ip6 = (p.flags[s] & PacketVector.F_IP6) != 0;
        int headers = Ethernet.HEADER + (ip6 ? 40 : 20) + ICMP_HEADER;
        PacketBuffers owner = p.owner[s];
        int headroom = owner.headroom();
        int room = owner.bufferSize() - headroom;
        long original = p.data[s] + p.l3Offset[s];
        int quote = Math.min(p.length[s] - p.l3Offset[s], Math.min(room, Ethernet.HEADER + (ip6 ? IP6_MAX : IP4_MAX)) - headers);
        if (quote < 0) return NO_BUFFER;
        int handle = owner.alloc();
        if (handle == PacketBuffers.NO_BUFFER) return NO_BUFFER;
        long frame = owner.address(handle) + headroom;
        LocalAddresses local = ctx.state.addresses();
        putMac(frame, 0);
        putMac(frame + 6, 0);
        long icmp;
        if (ip6) {
            put16(frame + 12, Ethernet.TYPE_IP6);
            long ip = frame + Ethernet.HEADER;
            put32(ip, 0x6000_0000);
            put16(ip + 4, ICMP_HEADER + quote);
            put8(ip + 6, IpFields.ICMP6);
            put8(ip + 7, 64);
            put64(ip + 8, local.icmpSource6High());
            put64(ip + 16, local.icmpSource6Low());
            put64(ip + 24, u64(original + 8));
            put64(ip + 32, u64(original + 16));
            icmp = ip + 40;
            put8(icmp, switch (reason) {
                case TTL_EXPIRED -> 3;
                case PACKET_TOO_BIG -> 2;
                default -> 1;
            });
            put8(icmp + 1, 0);
        } else {
            put16(frame + 12, Ethernet.TYPE_IP4);
            long ip = frame + Ethernet.HEADER;
            put32(ip, 0x4500_0000 | (20 + ICMP_HEADER + quote));
            put32(ip + 4, 0);
            put16(ip + 8, (64 << 8) | IpFields.ICMP);
            put16(ip + 10, 0);
            put32(ip + 12, local.icmpSource4());
            put32(ip + 16, u32(original + 12));
            put16(ip + 10, Checksum.finish(Checksum.add(0, ip, 20)));
            icmp = ip + 20;
            put8(icmp, reason == DropReason.TTL_EXPIRED ? 11 : 3);
            put8(icmp + 1, reason == DropReason.PACKET_TOO_BIG ? 4 : 0); // 4: fragmentation needed and DF set
        }
        put16(icmp + 2, 0);
        // Packet too big / fragmentation needed carry the MTU of the next hop: the tunnel's inner MTU (RFC 4443, RFC 1191).
        put32(icmp + 4, reason == DropReason.PACKET_TOO_BIG ? tunnelMtu(p, s, ctx) : 0);
        copy(original, icmp + ICMP_HEADER, quote);
        long sum = ip6 ? Checksum.ip6PseudoHeader(icmp - 40, ICMP_HEADER + quote, IpFields.ICMP6) : 0;
        put16(icmp + 2, Checksum.finish(Checksum.add(sum, icmp, ICMP_HEADER + quote)));

        ctx.countDrop(p, s, reason);
        owner.free(p.buffer[s]);
        p.rebuffer(s, handle, frame, headers + quote, headroom, room);
        p.flags[s] = PacketVector.F_LOCAL_ORIGIN | PacketVector.F_ICMP_ERROR | (ip6 ? PacketVector.F_IP6 : 0);
        p.l3Offset[s] = Ethernet.HEADER;
        p.l4Offset[s] = (int) (icmp - frame);
        p.protocol[s] = ip6 ? IpFields.ICMP6 : IpFields.ICMP;
        p.srcPort[s] = 0;
        p.dstPort[s] = 0;
        p.srcEndpoint[s] = PacketVector.NONE;
        p.dstEndpoint[s] = PacketVector.NONE;
        p.flow[s] = PacketVector.NONE;
        ctx.counters.generated++;
        return SENT;
    }

    private static int tunnelMtu(PacketVector p, int s, NodeContext ctx) {
        return ctx.state.tunnels().innerMtu(ctx.state.adjacencies().tunnel(p.adjacency[s]));
    }

    @Override
    public String describe(int code, int detail, ForwardingState state) {
        String reason = DropReason.of(detail).reasonName();
        return switch (code) {
            case SENT -> reason + ": original dropped, sent " + switch (DropReason.of(detail)) {
                case TTL_EXPIRED -> "time-exceeded";
                case PACKET_TOO_BIG -> "packet-too-big (fragmentation needed)";
                default -> "destination-unreachable";
            };
            case RATE_LIMITED -> reason + ": no ICMP error (rate limited)";
            case NO_BUFFER -> reason + ": no ICMP error (no buffer)";
            default -> reason + ": no ICMP error (not allowed for this packet)";
        };
    }
}
