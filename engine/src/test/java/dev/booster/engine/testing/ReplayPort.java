package dev.booster.engine.testing;

import dev.booster.engine.packet.PacketBuffers;
import dev.booster.engine.packet.PacketMemory;
import dev.booster.engine.packet.PacketVector;
import dev.booster.engine.packet.Port;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

/** Receives the given frames round-robin, up to a budget, and frees what it transmits; allocates nothing per packet. */
public final class ReplayPort implements Port {
    private final PacketBuffers buffers;
    private final byte[][] frames;
    private long remaining;
    private int next;
    public long transmitted;

    public ReplayPort(PacketBuffers buffers, List<byte[]> frames) {
        this.buffers = buffers;
        this.frames = frames.toArray(byte[][]::new);
    }

    public void receiveNext(long count) {
        remaining += count;
    }

    @Override
    public int rx(PacketVector into, int max) {
        int n = 0;
        while (n < max && remaining > 0) {
            int handle = buffers.alloc();
            if (handle == PacketBuffers.NO_BUFFER) break;
            byte[] frame = frames[next];
            next = next + 1 == frames.length ? 0 : next + 1;
            long data = buffers.address(handle) + buffers.headroom();
            MemorySegment.copy(frame, 0, PacketMemory.ALL, ValueLayout.JAVA_BYTE, data, frame.length);
            into.append(handle, buffers, data, frame.length, buffers.headroom(), buffers.bufferSize() - buffers.headroom());
            remaining--;
            n++;
        }
        return n;
    }

    @Override
    public int tx(PacketVector from, int[] slots, int count) {
        for (int i = 0; i < count; i++) from.owner[slots[i]].free(from.buffer[slots[i]]);
        transmitted += count;
        return count;
    }
}
