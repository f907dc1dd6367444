package dev.booster.engine.node;

import dev.booster.engine.DropReason;
import dev.booster.engine.TunnelConfig;
import dev.booster.engine.graph.Frame;
import dev.booster.engine.graph.Graph;
import dev.booster.engine.graph.NodeContext;
import dev.booster.engine.packet.PacketMemory;
import dev.booster.engine.packet.PacketVector;
import dev.booster.engine.state.ForwardingState;
import dev.booster.engine.state.TunnelTable;
import dev.booster.ipsec.Esp;

import static dev.booster.engine.packet.PacketMemory.*;

/**
 * Unwraps tunnel traffic to a local tunnel end (ip4/ip6-input send it here, having validated the outer header): finds
 * the tunnel by the outer source, checks that the packet is of the tunnel's kind (an ESP tunnel takes only ESP, so
 * nothing unprotected gets in beside it; a VXLAN tunnel only its VNI; ESP comes as protocol 50 or in UDP to 4500, RFC
 * 3948, whichever the SA's peer sends), removes the outer headers (ESP: decrypts and
 * checks in place) and sends the inner packet to ip4/ip6-input as if it had arrived on the uplink, so pod policy
 * applies as to any traffic from outside. Nothing moves: the frame now starts 14 bytes before the inner IP header,
 * in what were the outer headers, and gets the inner ethertype there.
 */
public final class TunnelDecap extends PacketNode {
    public static final String NAME = "tunnel-decap";
    static final int VXLAN_PORT = 4789;
    /** ESP in UDP (RFC 3948): NAT-T, or a peer that always encapsulates (strongSwan's kernel-libipsec). */
    static final int ESP_IN_UDP_PORT = 4500;
    static final int IPIP4 = 4;
    static final int IPIP6 = 41;
    private static final int VXLAN_HEADER = 8;
    private static final int UDP_HEADER = 8;
    private static final int VXLAN_FLAG_VNI = 0x08;
    private static final int DECAPSULATED = -1;

    private final int ip4;
    private final int ip6;

    public TunnelDecap(Graph.Wiring wiring) {
        super(NAME, wiring);
        ip4 = wiring.index(Ip4Input.NAME);
        ip6 = wiring.index(Ip6Input.NAME);
    }

    @Override
    public void process(Frame frame, PacketVector p, NodeContext ctx) {
        TunnelTable tunnels = ctx.state.tunnels();
        for (int i = 0; i < frame.count; i++) {
            int s = frame.slots[i];
            int tunnel = tunnelOf(p, s, tunnels);
            if (tunnel == TunnelTable.NONE) {
                ctx.trace(p, s, this, DropReason.TUNNEL_UNKNOWN_PEER.ordinal(), 0);
                p.next[s] = drop(p, s, DropReason.TUNNEL_UNKNOWN_PEER);
                continue;
            }
            DropReason refused = unwrap(p, s, tunnels, tunnel);
            ctx.trace(p, s, this, refused == null ? DECAPSULATED : refused.ordinal(), tunnel);
            if (refused != null) {
                p.next[s] = drop(p, s, refused);
            } else {
                p.next[s] = (p.flags[s] & PacketVector.F_IP6) != 0 ? ip6 : ip4;
            }
        }
    }

    /** The tunnel whose remote end sent the packet and whose local end it is for, or NONE. */
    private static int tunnelOf(PacketVector p, int s, TunnelTable tunnels) {
        long ip = p.data[s] + p.l3Offset[s];
        if ((p.flags[s] & PacketVector.F_IP6) != 0) {
            int t = tunnels.fromRemote6(u64(ip + 8), u64(ip + 16));
            if (t == TunnelTable.NONE || tunnels.localHigh(t) != u64(ip + 24) || tunnels.localLow(t) != u64(ip + 32)) return TunnelTable.NONE;
            return t;
        }
        int t = tunnels.fromRemote4(u32(ip + 12));
        if (t == TunnelTable.NONE || tunnels.local4(t) != u32(ip + 16)) return TunnelTable.NONE;
        return t;
    }

    /** Removes the outer headers; returns null when the inner packet is ready for ip4/ip6-input (an enum: no allocation). */
    private static DropReason unwrap(PacketVector p, int s, TunnelTable tunnels, int t) {
        long l4 = p.data[s] + p.l4Offset[s];
        int available = p.length[s] - p.l4Offset[s];
        TunnelConfig.Kind kind = tunnels.kind(t);
        long inner;
        int innerLength;
        int version;
        switch (p.protocol[s]) {
            case Esp.PROTOCOL -> {
                if (kind != TunnelConfig.Kind.ESP) return DropReason.TUNNEL_MISMATCH;
                int result = tunnels.inbound(t).decrypt(PacketMemory.ALL, l4, available);
                if (result < 0) return DropReason.ofEspCode(result);
                inner = l4 + Esp.PAYLOAD_OFFSET;
                innerLength = result;
                version = u8(inner) >>> 4; // the decryptor checked it against the next header
            }
            case IPIP4, IPIP6 -> {
                if (kind != TunnelConfig.Kind.IPIP) return DropReason.TUNNEL_MISMATCH;
                if (available < 1) return DropReason.TRUNCATED;
                inner = l4;
                innerLength = available;
                version = u8(inner) >>> 4;
                if (version != (p.protocol[s] == IPIP4 ? 4 : 6)) return DropReason.BAD_HEADER;
            }
            case IpFields.UDP -> {
                if (available < UDP_HEADER) return DropReason.TRUNCATED;
                if (u16(l4 + 2) == ESP_IN_UDP_PORT) {
                    if (kind != TunnelConfig.Kind.ESP) return DropReason.NOT_FOR_US;
                    int result = tunnels.inbound(t).decryptUdp(PacketMemory.ALL, l4, available);
                    if (result < 0) return DropReason.ofEspCode(result);
                    inner = l4 + Esp.UDP_PAYLOAD_OFFSET;
                    innerLength = result;
                    version = u8(inner) >>> 4;
                    break;
                }
                if (u16(l4 + 2) != VXLAN_PORT) return DropReason.NOT_FOR_US;
                if (kind != TunnelConfig.Kind.VXLAN) return DropReason.TUNNEL_MISMATCH;
                if (available < UDP_HEADER + VXLAN_HEADER + Ethernet.HEADER + 1) return DropReason.TRUNCATED;
                long vxlan = l4 + UDP_HEADER;
                if ((u8(vxlan) & VXLAN_FLAG_VNI) == 0 || (u32(vxlan + 4) >>> 8) != tunnels.vni(t)) return DropReason.VXLAN_BAD_VNI;
                long innerEthernet = vxlan + VXLAN_HEADER;
                int type = u16(innerEthernet + 12);
                if (type == Ethernet.TYPE_IP4) version = 4;
                else if (type == Ethernet.TYPE_IP6) version = 6;
                else return DropReason.UNSUPPORTED_ETHERTYPE;
                inner = innerEthernet + Ethernet.HEADER;
                innerLength = available - UDP_HEADER - VXLAN_HEADER - Ethernet.HEADER;
            }
            default -> {
                return DropReason.NOT_FOR_US; // the node's own address; the engine routes only for pods
            }
        }
        long frameStart = inner - Ethernet.HEADER;
        put16(frameStart + 12, version == 6 ? Ethernet.TYPE_IP6 : Ethernet.TYPE_IP4);
        int moved = (int) (frameStart - p.data[s]);
        p.data[s] = frameStart;
        p.headroom[s] += moved;
        p.room[s] -= moved;
        p.length[s] = Ethernet.HEADER + innerLength;
        p.l3Offset[s] = Ethernet.HEADER;
        p.l4Offset[s] = 0;
        p.protocol[s] = 0;
        p.flags[s] = PacketVector.F_DECAPSULATED | (version == 6 ? PacketVector.F_IP6 : 0);
        return null;
    }

    @Override
    public String describe(int code, int detail, ForwardingState state) {
        return code == DECAPSULATED ? "unwrapped from tunnel #" + detail : DropReason.of(code).reasonName();
    }
}
