package dev.booster.bench;

import dev.booster.engine.packet.ArenaPacketBuffers;
import dev.booster.engine.packet.PacketBuffers;
import dev.booster.engine.packet.PacketMemory;
import dev.booster.engine.packet.PacketVector;
import dev.booster.engine.packet.Port;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A pod's port that receives one IPv4/UDP frame template forever, from a fixed pool of off-heap buffers that were
 * loaded with the template once, and recycles what is transmitted into that pool: no copy and no allocation per
 * packet, like a NIC ring whose frames the driver only hands over.
 *
 * <p>The engine's rewrite node changes a forwarded frame in place (both MACs, TTL and the IPv4 checksum), so rx puts
 * those 16 bytes back from the template with three stores, and writes the UDP source port: the next of a cycle of
 * {@code sourcePorts} values from {@code firstSourcePort}, so that the cycle's length decides how many flows the
 * traffic has. The template's UDP checksum is 0 ("none", valid for IPv4), so the source port can change alone.
 */
final class ReplayPort implements Port, AutoCloseable {
    /** Offset of the TTL, protocol and header checksum (one 32-bit word) in an Ethernet/IPv4 frame. */
    private static final int TTL_PROTOCOL_CHECKSUM = 14 + 8;
    private static final int UDP_SOURCE_PORT = 14 + 20;
    private static final int UDP_CHECKSUM = 14 + 20 + 6;

    private final ArenaPacketBuffers buffers;
    private final int headroom;
    private final int room;
    private final int frameLength;
    private final long macWords;
    private final int macTail;
    private final int ttlProtocolChecksum;
    private final int firstSourcePort;
    private final int sourcePorts;
    private int nextPort;

    /**
     * @param template        an Ethernet/IPv4/UDP frame without options
     * @param buffers         how many buffers to preload; at least a vector's worth, or rx runs dry
     * @param firstSourcePort the first UDP source port of the cycle
     * @param sourcePorts     how many consecutive source ports the frames cycle through (1..65535)
     */
    ReplayPort(byte[] template, int buffers, int firstSourcePort, int sourcePorts) {
        if (buffers < PacketVector.CAPACITY) {
            throw new IllegalArgumentException("buffers " + buffers + " must be at least a vector (" + PacketVector.CAPACITY + ")");
        }
        if (sourcePorts < 1 || firstSourcePort < 1 || firstSourcePort + sourcePorts - 1 > 0xffff) {
            throw new IllegalArgumentException("source ports " + firstSourcePort + "+" + sourcePorts + " must lie within 1..65535");
        }
        if (template.length < UDP_CHECKSUM + 2 || template[12] != 0x08 || template[13] != 0 || template[14] != 0x45 || template[23] != 17) {
            throw new IllegalArgumentException("the template must be an Ethernet/IPv4/UDP frame without IP options");
        }
        this.buffers = new ArenaPacketBuffers(buffers, 2048, 128);
        this.headroom = this.buffers.headroom();
        this.room = this.buffers.bufferSize() - headroom;
        this.frameLength = template.length;
        this.firstSourcePort = firstSourcePort;
        this.sourcePorts = sourcePorts;
        byte[] frame = template.clone();
        frame[UDP_CHECKSUM] = 0;
        frame[UDP_CHECKSUM + 1] = 0;
        MemorySegment bytes = MemorySegment.ofArray(frame);
        macWords = bytes.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN), 0);
        macTail = bytes.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN), 8);
        ttlProtocolChecksum = bytes.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN), TTL_PROTOCOL_CHECKSUM);
        int[] handles = new int[buffers];
        for (int i = 0; i < buffers; i++) {
            handles[i] = this.buffers.alloc();
            MemorySegment.copy(frame, 0, PacketMemory.ALL, ValueLayout.JAVA_BYTE, data(handles[i]), frame.length);
        }
        for (int handle : handles) this.buffers.free(handle);
    }

    PacketBuffers buffers() {
        return buffers;
    }

    @Override
    public int rx(PacketVector into, int max) {
        int n = 0;
        for (; n < max; n++) {
            int handle = buffers.alloc();
            if (handle == PacketBuffers.NO_BUFFER) break;
            long data = data(handle);
            PacketMemory.put64(data, macWords);
            PacketMemory.put32(data + 8, macTail);
            PacketMemory.put32(data + TTL_PROTOCOL_CHECKSUM, ttlProtocolChecksum);
            PacketMemory.put16(data + UDP_SOURCE_PORT, firstSourcePort + nextPort);
            if (++nextPort == sourcePorts) nextPort = 0;
            into.append(handle, buffers, data, frameLength, headroom, room);
        }
        return n;
    }

    @Override
    public int tx(PacketVector from, int[] slots, int count) {
        for (int i = 0; i < count; i++) from.owner[slots[i]].free(from.buffer[slots[i]]);
        return count;
    }

    private long data(int handle) {
        return buffers.address(handle) + headroom;
    }

    @Override
    public void close() {
        buffers.close();
    }
}
