package dev.booster.engine.node;

import dev.booster.engine.DropReason;
import dev.booster.engine.graph.Frame;
import dev.booster.engine.graph.Graph;
import dev.booster.engine.graph.NodeContext;
import dev.booster.engine.packet.PacketVector;
import dev.booster.engine.state.ForwardingState;

import static dev.booster.engine.packet.PacketMemory.*;

/**
 * On pod interfaces, answers ARP requests for the pods' gateway (169.254.1.1 by default, as Calico does) with our MAC, turning the
 * request around in place, and learns the requester's MAC as a pod interface's neighbour. Everything else is dropped.
 */
public final class ArpInput extends PacketNode {
    public static final String NAME = "arp-input";
    private static final int ARP_LENGTH = 28;
    private static final int REQUEST = 1;
    private static final int REPLY = 2;
    private static final int REPLIED = 1;
    private static final int LEARNED_ONLY = 2;

    private final int output;

    public ArpInput(Graph.Wiring wiring) {
        super(NAME, wiring);
        output = wiring.index(InterfaceOutput.NAME);
    }

    @Override
    public void process(Frame frame, PacketVector p, NodeContext ctx) {
        int gateway = ctx.state.addresses().gateway4();
        for (int i = 0; i < frame.count; i++) {
            int s = frame.slots[i];
            int l3 = p.l3Offset[s];
            if (p.length[s] < l3 + ARP_LENGTH) {
                p.next[s] = drop(p, s, DropReason.TRUNCATED);
                continue;
            }
            long arp = p.data[s] + l3;
            if (u16(arp) != 1 || u16(arp + 2) != 0x0800 || u8(arp + 4) != 6 || u8(arp + 5) != 4) {
                p.next[s] = drop(p, s, DropReason.BAD_HEADER);
                continue;
            }
            int op = u16(arp + 6);
            long senderMac = mac(arp + 8);
            int senderIp = u32(arp + 14);
            int targetIp = u32(arp + 24);
            int rx = p.rxInterface[s];
            boolean pod = ctx.state.interfaces().isPod(rx);
            if (pod && (senderMac & Ethernet.GROUP_BIT) == 0 && senderMac != 0) ctx.neighbours.learn(rx, senderMac);
            if (!pod || op != REQUEST || targetIp != gateway || senderIp == targetIp) {
                ctx.trace(p, s, this, LEARNED_ONLY, op);
                p.next[s] = drop(p, s, op == REQUEST || op == REPLY ? DropReason.NOT_FOR_US : DropReason.BAD_HEADER);
                continue;
            }
            long ours = ctx.state.interfaces().mac(rx);
            long frameStart = p.data[s];
            putMac(frameStart, senderMac);
            putMac(frameStart + 6, ours);
            put16(arp + 6, REPLY);
            putMac(arp + 8, ours);
            put32(arp + 14, gateway);
            putMac(arp + 18, senderMac);
            put32(arp + 24, senderIp);
            p.length[s] = l3 + ARP_LENGTH;
            p.txInterface[s] = rx;
            ctx.trace(p, s, this, REPLIED, senderIp);
            p.next[s] = output;
        }
    }

    @Override
    public String describe(int code, int detail, ForwardingState state) {
        if (code == REPLIED) return "replied to who-has gateway from " + new dev.booster.api.net.Ip4Address(detail);
        return "learned sender; not a request for the gateway (op " + detail + ")";
    }
}
