package dev.booster.engine.node;

import dev.booster.engine.DropReason;
import dev.booster.engine.graph.Frame;
import dev.booster.engine.graph.Graph;
import dev.booster.engine.graph.NodeContext;
import dev.booster.engine.packet.Checksum;
import dev.booster.engine.packet.PacketMemory;
import dev.booster.engine.packet.PacketVector;
import dev.booster.engine.state.Adjacencies;
import dev.booster.engine.state.ForwardingState;
import dev.booster.engine.state.InterfaceTable;
import dev.booster.engine.state.TunnelTable;
import dev.booster.ipsec.EspEncryptor;

import static dev.booster.engine.packet.PacketMemory.*;

/**
 * Wraps a packet routed into a tunnel (rewrite sends it here, TTL already decremented) in the tunnel's outer headers,
 * written into the buffer's headroom in front of the inner IP header (the old Ethernet header's 14 bytes included),
 * and hands it to the uplink with the next hop's MAC:
 * <ul>
 *   <li>IP in IP: an outer IPv4 or IPv6 header, protocol 4 (IPv4 inside) or 41 (IPv6 inside);</li>
 *   <li>VXLAN: outer IP, UDP from a port hashed from the inner flow (49152..65535, for ECMP) to 4789, the VXLAN header
 *       with the VNI, and an inner Ethernet header (to {@code ee:ee:ee:ee:ee:ee}, from the uplink's MAC). The UDP
 *       checksum is 0 over IPv4 and computed over IPv6;</li>
 *   <li>ESP: the tunnel's outbound SA encrypts the inner packet in place and writes the outer header itself.</li>
 * </ul>
 * Outer headers: TTL/hop limit 64, DSCP/ECN copied from the inner packet, IPv4 DF set (nothing bigger than the
 * uplink's MTU leaves: a packet bigger than the tunnel's inner MTU goes to icmp-error as packet-too-big instead).
 */
public final class TunnelEncap extends PacketNode {
    public static final String NAME = "tunnel-encap";
    private static final int TTL = 64;
    private static final int DONT_FRAGMENT = 0x4000;
    private static final long INNER_DESTINATION_MAC = 0xeeee_eeee_eeeeL;
    private static final int ENCAPSULATED = -1;

    private final int output;
    private final int icmpError;
    /** The outer IPv4 identification; the worker's own, as this node is. */
    private int identification;

    public TunnelEncap(Graph.Wiring wiring) {
        super(NAME, wiring);
        output = wiring.index(InterfaceOutput.NAME);
        icmpError = wiring.index(IcmpError.NAME);
    }

    @Override
    public void process(Frame frame, PacketVector p, NodeContext ctx) {
        Adjacencies adjacencies = ctx.state.adjacencies();
        TunnelTable tunnels = ctx.state.tunnels();
        InterfaceTable interfaces = ctx.state.interfaces();
        for (int i = 0; i < frame.count; i++) {
            int s = frame.slots[i];
            int t = adjacencies.tunnel(p.adjacency[s]);
            if (!tunnels.present(t)) { // a tunnel removed while its packet was in flight
                ctx.trace(p, s, this, DropReason.INTERFACE_DOWN.ordinal(), t);
                p.next[s] = drop(p, s, DropReason.INTERFACE_DOWN);
                continue;
            }
            if (p.length[s] - p.l3Offset[s] > tunnels.innerMtu(t)) {
                ctx.trace(p, s, this, DropReason.PACKET_TOO_BIG.ordinal(), t);
                p.error[s] = DropReason.PACKET_TOO_BIG.ordinal();
                p.next[s] = icmpError;
                continue;
            }
            DropReason refused = wrap(p, s, tunnels, t, interfaces);
            ctx.trace(p, s, this, refused == null ? ENCAPSULATED : refused.ordinal(), t);
            p.next[s] = refused == null ? output : drop(p, s, refused);
        }
    }

    /** Returns null when the packet is ready for the uplink (an enum: no allocation). */
    private DropReason wrap(PacketVector p, int s, TunnelTable tunnels, int t, InterfaceTable interfaces) {
        long inner = p.data[s] + p.l3Offset[s];
        int innerLength = p.length[s] - p.l3Offset[s];
        int before = p.headroom[s] + p.l3Offset[s];
        boolean innerIp6 = (p.flags[s] & PacketVector.F_IP6) != 0;
        boolean outerIp6 = tunnels.outerIp6(t);
        int ipHeader = outerIp6 ? 40 : 20;
        int tos = innerIp6 ? u16(inner) >>> 4 & 0xff : u8(inner + 1);
        long outer;
        int outerLength;
        switch (tunnels.kind(t)) {
            case ESP -> {
                EspEncryptor encryptor = tunnels.encryptor(t);
                if (encryptor == null) return DropReason.ESP_NO_SA;
                int result = encryptor.encrypt(PacketMemory.ALL, inner, innerLength, before - Ethernet.HEADER, p.room[s] - p.length[s]);
                if (result < 0) return DropReason.ofEspCode(result);
                outer = inner - encryptor.headerBytes();
                outerLength = result;
            }
            case IPIP -> {
                if (before < Ethernet.HEADER + ipHeader) return DropReason.NO_HEADROOM;
                outer = inner - ipHeader;
                outerLength = ipHeader + innerLength;
                writeIp(outer, tunnels, t, innerIp6 ? TunnelDecap.IPIP6 : TunnelDecap.IPIP4, innerLength, tos, 0);
            }
            case VXLAN -> {
                int udpLength = 8 + 8 + Ethernet.HEADER + innerLength;
                if (before < Ethernet.HEADER + ipHeader + udpLength - innerLength) return DropReason.NO_HEADROOM;
                long innerEthernet = inner - Ethernet.HEADER;
                putMac(innerEthernet, INNER_DESTINATION_MAC);
                putMac(innerEthernet + 6, interfaces.mac(tunnels.uplink(t)));
                put16(innerEthernet + 12, innerIp6 ? Ethernet.TYPE_IP6 : Ethernet.TYPE_IP4);
                long vxlan = innerEthernet - 8;
                put32(vxlan, 0x0800_0000);
                put32(vxlan + 4, tunnels.vni(t) << 8);
                long udp = vxlan - 8;
                int entropy = entropy(p, s, inner, innerIp6);
                put16(udp, 0xc000 | entropy & 0x3fff);
                put16(udp + 2, TunnelDecap.VXLAN_PORT);
                put16(udp + 4, udpLength);
                put16(udp + 6, 0);
                outer = udp - ipHeader;
                outerLength = ipHeader + udpLength;
                writeIp(outer, tunnels, t, IpFields.UDP, udpLength, tos, entropy);
                if (outerIp6) {
                    int sum = Checksum.finish(Checksum.add(Checksum.ip6PseudoHeader(outer, udpLength, IpFields.UDP), udp, udpLength));
                    put16(udp + 6, sum == 0 ? 0xffff : sum);
                }
            }
            default -> throw new IllegalStateException(); // unreachable: the enum has three constants
        }
        long ethernet = outer - Ethernet.HEADER;
        int uplink = tunnels.uplink(t);
        putMac(ethernet, tunnels.nextHop(t));
        putMac(ethernet + 6, interfaces.mac(uplink));
        put16(ethernet + 12, outerIp6 ? Ethernet.TYPE_IP6 : Ethernet.TYPE_IP4);
        int moved = (int) (p.data[s] - ethernet);
        p.data[s] = ethernet;
        p.headroom[s] -= moved;
        p.room[s] += moved;
        p.length[s] = Ethernet.HEADER + outerLength;
        p.l3Offset[s] = Ethernet.HEADER;
        p.l4Offset[s] = Ethernet.HEADER + ipHeader;
        p.txInterface[s] = uplink;
        return null;
    }

    private void writeIp(long at, TunnelTable tunnels, int t, int protocol, int payloadLength, int tos, int flowLabel) {
        if (tunnels.outerIp6(t)) {
            put32(at, 6 << 28 | tos << 20 | flowLabel & 0xfffff);
            put16(at + 4, payloadLength);
            put8(at + 6, protocol);
            put8(at + 7, TTL);
            put64(at + 8, tunnels.localHigh(t));
            put64(at + 16, tunnels.localLow(t));
            put64(at + 24, tunnels.remoteHigh(t));
            put64(at + 32, tunnels.remoteLow(t));
        } else {
            put16(at, 0x4500 | tos);
            put16(at + 2, 20 + payloadLength);
            put16(at + 4, identification++);
            put16(at + 6, DONT_FRAGMENT);
            put16(at + 8, TTL << 8 | protocol);
            put16(at + 10, 0);
            put32(at + 12, tunnels.local4(t));
            put32(at + 16, tunnels.remote4(t));
            put16(at + 10, Checksum.finish(Checksum.add(0, at, 20)));
        }
    }

    /** A hash of the inner flow (addresses, protocol, ports), so ECMP spreads tunnels' flows as it would the inner ones. */
    private static int entropy(PacketVector p, int s, long inner, boolean innerIp6) {
        int h = innerIp6
                ? (int) (u64(inner + 8) ^ u64(inner + 16) ^ u64(inner + 24) ^ u64(inner + 32))
                : u32(inner + 12) ^ u32(inner + 16);
        h ^= p.protocol[s] << 24 ^ p.srcPort[s] << 16 ^ p.dstPort[s];
        h *= 0x9E3779B9;
        return h ^ h >>> 15;
    }

    @Override
    public String describe(int code, int detail, ForwardingState state) {
        return code == ENCAPSULATED ? "into tunnel #" + detail : DropReason.of(code).reasonName() + " (tunnel #" + detail + ")";
    }
}
