package dev.booster.engine.testing;

import dev.booster.engine.packet.PacketMemory;
import dev.booster.engine.packet.PacketVector;
import dev.booster.engine.packet.Port;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A port backed by queues: tests inject frames and collect what the engine transmitted (as copies). Injecting and
 * draining are safe from another thread while the engine's worker runs.
 */
public final class TestPort implements Port {
    private final String name;
    private final TestBuffers buffers;
    private final Queue<byte[]> toReceive = new ConcurrentLinkedQueue<>();
    private final Queue<byte[]> transmitted = new ConcurrentLinkedQueue<>();
    private int txLimit = Integer.MAX_VALUE;

    public TestPort(String name, TestBuffers buffers) {
        this.name = name;
        this.buffers = buffers;
    }

    public void inject(byte[]... frames) {
        for (byte[] f : frames) toReceive.add(f.clone());
    }

    /** Frames transmitted since the last call, oldest first. */
    public List<byte[]> drain() {
        List<byte[]> out = new ArrayList<>();
        for (byte[] f; (f = transmitted.poll()) != null; ) out.add(f);
        return out;
    }

    /** Makes tx accept at most {@code limit} packets per call (a nearly full ring). */
    public void txLimit(int limit) {
        txLimit = limit;
    }

    @Override
    public int rx(PacketVector into, int max) {
        int n = 0;
        while (n < max && !toReceive.isEmpty()) {
            byte[] frame = toReceive.peek();
            int handle = buffers.load(frame);
            if (handle < 0) break;
            toReceive.poll();
            int headroom = buffers.headroom();
            into.append(handle, buffers, buffers.address(handle) + headroom, frame.length, headroom, buffers.bufferSize() - headroom);
            n++;
        }
        return n;
    }

    @Override
    public int tx(PacketVector from, int[] slots, int count) {
        int taken = Math.min(count, txLimit);
        for (int i = 0; i < taken; i++) {
            int s = slots[i];
            byte[] copy = new byte[from.length[s]];
            MemorySegment.copy(PacketMemory.ALL, ValueLayout.JAVA_BYTE, from.data[s], copy, 0, copy.length);
            transmitted.add(copy);
            from.owner[s].free(from.buffer[s]);
        }
        return taken;
    }

    @Override
    public String toString() {
        return name;
    }
}
