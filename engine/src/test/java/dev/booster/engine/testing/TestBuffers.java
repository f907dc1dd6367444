package dev.booster.engine.testing;

import dev.booster.engine.packet.PacketBuffers;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Off-heap packet buffers for tests, with canary bytes between buffers to catch writes past a buffer's end, and
 * strict ownership checks (a double free or a free of a never-allocated handle throws).
 */
public final class TestBuffers implements PacketBuffers, AutoCloseable {
    public static final int GUARD = 64;
    private static final byte CANARY = (byte) 0xA5;

    private final Arena arena = Arena.ofShared();
    private final MemorySegment memory;
    private final int bufferSize;
    private final int headroom;
    private final int[] freeList;
    private final boolean[] allocated;
    private int freeCount;

    public TestBuffers(int count, int bufferSize, int headroom) {
        this.bufferSize = bufferSize;
        this.headroom = headroom;
        memory = arena.allocate((long) count * (bufferSize + GUARD) + GUARD, 64);
        memory.fill(CANARY);
        freeList = new int[count];
        allocated = new boolean[count];
        for (int i = 0; i < count; i++) freeList[i] = count - 1 - i;
        freeCount = count;
    }

    @Override
    public int alloc() {
        if (freeCount == 0) return NO_BUFFER;
        int h = freeList[--freeCount];
        allocated[h] = true;
        return h;
    }

    @Override
    public void free(int handle) {
        if (handle < 0 || handle >= allocated.length || !allocated[handle]) {
            throw new IllegalStateException("buffer " + handle + " freed but not allocated (double free?)");
        }
        allocated[handle] = false;
        freeList[freeCount++] = handle;
    }

    @Override
    public long address(int handle) {
        return memory.address() + GUARD + (long) handle * (bufferSize + GUARD);
    }

    @Override
    public int bufferSize() {
        return bufferSize;
    }

    @Override
    public int headroom() {
        return headroom;
    }

    public int outstanding() {
        return allocated.length - freeCount;
    }

    /** True when no byte between buffers was written. */
    public boolean canariesIntact() {
        for (int b = 0; b <= allocated.length; b++) {
            long guardStart = (long) b * (bufferSize + GUARD);
            for (int i = 0; i < GUARD; i++) {
                if (memory.get(ValueLayout.JAVA_BYTE, guardStart + i) != CANARY) return false;
            }
        }
        return true;
    }

    /** Copies {@code frame} into a new buffer after the headroom; returns the handle or NO_BUFFER. */
    public int load(byte[] frame) {
        if (frame.length > bufferSize - headroom) throw new IllegalArgumentException("frame of " + frame.length + " bytes does not fit");
        int h = alloc();
        if (h == NO_BUFFER) return h;
        MemorySegment.copy(frame, 0, MemorySegment.ofAddress(address(h) + headroom).reinterpret(frame.length), ValueLayout.JAVA_BYTE, 0, frame.length);
        return h;
    }

    @Override
    public void close() {
        arena.close();
    }
}
