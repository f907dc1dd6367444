package dev.booster.engine.node;

import dev.booster.engine.DropReason;
import dev.booster.engine.graph.Frame;
import dev.booster.engine.graph.Graph;
import dev.booster.engine.graph.NodeContext;
import dev.booster.engine.packet.PacketVector;
import dev.booster.engine.state.ForwardingState;

import static dev.booster.engine.packet.PacketMemory.mac;
import static dev.booster.engine.packet.PacketMemory.u16;

/** Accepts frames sent to our MAC, broadcast or multicast and dispatches on the ethertype (no VLANs). */
public final class EthernetInput extends PacketNode {
    public static final String NAME = "ethernet-input";

    private final int arp;
    private final int ip4;
    private final int ip6;

    public EthernetInput(Graph.Wiring wiring) {
        super(NAME, wiring);
        arp = wiring.index(ArpInput.NAME);
        ip4 = wiring.index(Ip4Input.NAME);
        ip6 = wiring.index(Ip6Input.NAME);
    }

    @Override
    public void process(Frame frame, PacketVector p, NodeContext ctx) {
        for (int i = 0; i < frame.count; i++) {
            int s = frame.slots[i];
            if (p.length[s] < Ethernet.HEADER) {
                p.next[s] = drop(p, s, DropReason.TRUNCATED);
                continue;
            }
            long a = p.data[s];
            long dst = mac(a);
            if (dst != ctx.state.interfaces().mac(p.rxInterface[s])) {
                if ((dst & Ethernet.GROUP_BIT) == 0) {
                    p.next[s] = drop(p, s, DropReason.NOT_FOR_US);
                    continue;
                }
                p.flags[s] |= PacketVector.F_L2_MULTICAST;
            }
            int type = u16(a + 12);
            p.l3Offset[s] = Ethernet.HEADER;
            ctx.trace(p, s, this, type, (p.flags[s] & PacketVector.F_L2_MULTICAST) != 0 ? 1 : 0);
            p.next[s] = switch (type) {
                case Ethernet.TYPE_IP4 -> ip4;
                case Ethernet.TYPE_IP6 -> {
                    p.flags[s] |= PacketVector.F_IP6;
                    yield ip6;
                }
                case Ethernet.TYPE_ARP -> arp;
                default -> drop(p, s, DropReason.UNSUPPORTED_ETHERTYPE);
            };
        }
    }

    @Override
    public String describe(int code, int detail, ForwardingState state) {
        String kind = switch (code) {
            case Ethernet.TYPE_IP4 -> "IPv4";
            case Ethernet.TYPE_IP6 -> "IPv6";
            case Ethernet.TYPE_ARP -> "ARP";
            default -> "unsupported";
        };
        return String.format("ethertype 0x%04x (%s)%s", code, kind, detail == 1 ? ", to broadcast/multicast" : "");
    }
}
