package dev.booster.engine.node;

import dev.booster.engine.packet.PacketVector;

import static dev.booster.engine.packet.PacketMemory.u32;
import static dev.booster.engine.packet.PacketMemory.u64;

/** Reads a packet's addresses as conntrack keys them: IPv4 as high 0, low the unsigned address. */
final class FlowKey {
    private FlowKey() {
    }

    static long srcHigh(PacketVector p, int s) {
        return (p.flags[s] & PacketVector.F_IP6) != 0 ? u64(p.data[s] + p.l3Offset[s] + 8) : 0;
    }

    static long srcLow(PacketVector p, int s) {
        long ip = p.data[s] + p.l3Offset[s];
        return (p.flags[s] & PacketVector.F_IP6) != 0 ? u64(ip + 16) : u32(ip + 12) & 0xffff_ffffL;
    }

    static long dstHigh(PacketVector p, int s) {
        return (p.flags[s] & PacketVector.F_IP6) != 0 ? u64(p.data[s] + p.l3Offset[s] + 24) : 0;
    }

    static long dstLow(PacketVector p, int s) {
        long ip = p.data[s] + p.l3Offset[s];
        return (p.flags[s] & PacketVector.F_IP6) != 0 ? u64(ip + 32) : u32(ip + 16) & 0xffff_ffffL;
    }
}
