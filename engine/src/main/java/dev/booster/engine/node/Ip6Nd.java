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
 * Neighbour discovery (RFC 4861) on pod interfaces: answers a neighbour solicitation for the gateway (fe80::1 by default)
 * with a solicited, router neighbour advertisement built in place, and learns the pod's MAC from the source or target
 * link-layer address option. Other ND messages are consumed. Messages that fail RFC 4861's validity checks (hop
 * limit 255, code 0, checksum, option lengths) are dropped.
 */
public final class Ip6Nd extends PacketNode {
    public static final String NAME = "ip6-nd";
    static final int ROUTER_SOLICITATION = 133;
    static final int NEIGHBOUR_SOLICITATION = 135;
    static final int NEIGHBOUR_ADVERTISEMENT = 136;
    static final int REDIRECT = 137;
    private static final int OPTION_SOURCE_LINK_ADDRESS = 1;
    private static final int OPTION_TARGET_LINK_ADDRESS = 2;
    private static final int SOLICITATION_LENGTH = 24;
    private static final int ADVERTISEMENT_LENGTH = 32;
    private static final int ROUTER = 0x8000_0000;
    private static final int SOLICITED = 0x4000_0000;
    private static final int OVERRIDE = 0x2000_0000;
    private static final int ADVERTISED = 1;
    private static final int CONSUMED = 2;

    private final int output;

    public Ip6Nd(Graph.Wiring wiring) {
        super(NAME, wiring);
        output = wiring.index(InterfaceOutput.NAME);
    }

    @Override
    public void process(Frame frame, PacketVector p, NodeContext ctx) {
        for (int i = 0; i < frame.count; i++) {
            int s = frame.slots[i];
            p.next[s] = handle(p, s, ctx);
            ctx.trace(p, s, this, p.next[s] == output ? ADVERTISED : CONSUMED, p.next[s] == output ? 0 : p.error[s]);
        }
    }

    private int handle(PacketVector p, int s, NodeContext ctx) {
        long ip = p.data[s] + p.l3Offset[s];
        long icmp = p.data[s] + p.l4Offset[s];
        int icmpLength = p.length[s] - p.l4Offset[s];
        if (icmpLength < 8) return drop(p, s, DropReason.TRUNCATED);
        if (u8(ip + 7) != 255 || u8(icmp + 1) != 0) return drop(p, s, DropReason.BAD_HEADER);
        long sum = Checksum.add(Checksum.ip6PseudoHeader(ip, icmpLength, IpFields.ICMP6), icmp, icmpLength);
        if (!Checksum.verifies(sum)) return drop(p, s, DropReason.BAD_CHECKSUM);
        int type = u8(icmp);
        boolean solicitation = type == NEIGHBOUR_SOLICITATION;
        if (!solicitation && type != NEIGHBOUR_ADVERTISEMENT) return drop(p, s, DropReason.NOT_FOR_US);
        if (icmpLength < SOLICITATION_LENGTH) return drop(p, s, DropReason.TRUNCATED);

        int rx = p.rxInterface[s];
        int wanted = solicitation ? OPTION_SOURCE_LINK_ADDRESS : OPTION_TARGET_LINK_ADDRESS;
        long linkAddress = -1;
        long end = icmp + icmpLength;
        for (long option = icmp + SOLICITATION_LENGTH; option < end; ) {
            if (option + 2 > end) return drop(p, s, DropReason.TRUNCATED);
            int length = u8(option + 1) * 8;
            if (length == 0) return drop(p, s, DropReason.BAD_HEADER);
            if (option + length > end) return drop(p, s, DropReason.TRUNCATED);
            if (u8(option) == wanted && length >= 8) linkAddress = mac(option + 2);
            option += length;
        }
        boolean pod = ctx.state.interfaces().isPod(rx);
        if (pod && linkAddress >= 0 && (linkAddress & Ethernet.GROUP_BIT) == 0) ctx.neighbours.learn(rx, linkAddress);

        long gatewayHigh = ctx.state.addresses().gateway6High();
        long gatewayLow = ctx.state.addresses().gateway6Low();
        if (!pod || !solicitation || u64(icmp + 8) != gatewayHigh || u64(icmp + 16) != gatewayLow) {
            return drop(p, s, DropReason.NOT_FOR_US);
        }
        int needed = p.l3Offset[s] + 40 + ADVERTISEMENT_LENGTH;
        if (p.room[s] < needed) return drop(p, s, DropReason.NO_BUFFER);
        advertise(p, s, ip, icmp, ctx.state.interfaces().mac(rx), gatewayHigh, gatewayLow);
        p.txInterface[s] = rx;
        return output;
    }

    /** Rewrites the solicitation at {@code ip} into our advertisement, answering to its source (or all nodes for DAD). */
    private static void advertise(PacketVector p, int s, long ip, long icmp, long ours, long gatewayHigh, long gatewayLow) {
        long frame = p.data[s];
        long srcHigh = u64(ip + 8);
        long srcLow = u64(ip + 16);
        boolean duplicateAddressDetection = srcHigh == 0 && srcLow == 0;
        long dstHigh = duplicateAddressDetection ? 0xff02_0000_0000_0000L : srcHigh;
        long dstLow = duplicateAddressDetection ? 1 : srcLow;
        long dstMac = duplicateAddressDetection ? Ethernet.ALL_NODES6 : mac(frame + 6);

        putMac(frame, dstMac);
        putMac(frame + 6, ours);
        put32(ip, 0x6000_0000);
        put16(ip + 4, ADVERTISEMENT_LENGTH);
        put8(ip + 6, IpFields.ICMP6);
        put8(ip + 7, 255);
        put64(ip + 8, gatewayHigh);
        put64(ip + 16, gatewayLow);
        put64(ip + 24, dstHigh);
        put64(ip + 32, dstLow);
        long na = ip + 40;
        put8(na, NEIGHBOUR_ADVERTISEMENT);
        put8(na + 1, 0);
        put16(na + 2, 0);
        put32(na + 4, ROUTER | OVERRIDE | (duplicateAddressDetection ? 0 : SOLICITED));
        put64(na + 8, gatewayHigh);
        put64(na + 16, gatewayLow);
        put8(na + 24, OPTION_TARGET_LINK_ADDRESS);
        put8(na + 25, 1);
        putMac(na + 26, ours);
        long sum = Checksum.add(Checksum.ip6PseudoHeader(ip, ADVERTISEMENT_LENGTH, IpFields.ICMP6), na, ADVERTISEMENT_LENGTH);
        put16(na + 2, Checksum.finish(sum));
        p.l4Offset[s] = (int) (na - frame);
        p.length[s] = (int) (na - frame) + ADVERTISEMENT_LENGTH;
    }

    @Override
    public String describe(int code, int detail, ForwardingState state) {
        return code == ADVERTISED ? "advertised the gateway" : "consumed (" + DropReason.of(detail).reasonName() + ")";
    }
}
