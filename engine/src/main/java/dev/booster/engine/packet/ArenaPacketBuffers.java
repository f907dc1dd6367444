package dev.booster.engine.packet;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Packet buffers carved from one off-heap {@link Arena} allocation: for backends that own plain memory (the memory
 * backend, tests). Not thread-safe: use it from the worker thread, i.e. inside {@link Port#rx} and {@link Port#tx}.
 * Freeing a handle that is not allocated throws, because it means two owners think they hold one buffer.
 */
public final class ArenaPacketBuffers implements PacketBuffers, AutoCloseable {
    private final Arena arena = Arena.ofShared();
    private final MemorySegment memory;
    private final int bufferSize;
    private final int headroom;
    private final int[] freeList;
    private final boolean[] allocated;
    private int freeCount;

    /**
     * @param headroom bytes kept free before each packet's data, for headers pushed in front later
     */
    public ArenaPacketBuffers(int count, int bufferSize, int headroom) {
        if (count <= 0) throw new IllegalArgumentException("count must be positive, not " + count);
        if (headroom < 0 || bufferSize <= headroom) {
            throw new IllegalArgumentException("bufferSize (" + bufferSize + ") must exceed headroom (" + headroom + "), which must be >= 0");
        }
        this.bufferSize = bufferSize;
        this.headroom = headroom;
        memory = arena.allocate((long) count * bufferSize, 64);
        freeList = new int[count];
        allocated = new boolean[count];
        for (int i = 0; i < count; i++) freeList[i] = count - 1 - i;
        freeCount = count;
    }

    @Override
    public int alloc() {
        if (freeCount == 0) return NO_BUFFER;
        int handle = freeList[--freeCount];
        allocated[handle] = true;
        return handle;
    }

    @Override
    public void free(int handle) {
        if (handle < 0 || handle >= allocated.length || !allocated[handle]) {
            throw new IllegalStateException("buffer " + handle + " is freed but not allocated: a double free or a foreign handle");
        }
        allocated[handle] = false;
        freeList[freeCount++] = handle;
    }

    @Override
    public long address(int handle) {
        return memory.address() + (long) handle * bufferSize;
    }

    @Override
    public int bufferSize() {
        return bufferSize;
    }

    @Override
    public int headroom() {
        return headroom;
    }

    /** Buffers handed out and not yet freed. */
    public int inUse() {
        return allocated.length - freeCount;
    }

    /**
     * Copies a frame into a fresh buffer and appends it to {@code into} as received (a convenience for {@link Port#rx}).
     *
     * @return the slot, or -1 when no buffer is free
     */
    public int receive(PacketVector into, byte[] frame) {
        int room = bufferSize - headroom;
        if (frame.length > room) throw new IllegalArgumentException("a frame of " + frame.length + " bytes does not fit in " + room);
        int handle = alloc();
        if (handle == NO_BUFFER) return -1;
        long data = address(handle) + headroom;
        MemorySegment.copy(frame, 0, PacketMemory.ALL, ValueLayout.JAVA_BYTE, data, frame.length);
        return into.append(handle, this, data, frame.length, headroom, room);
    }

    /** Copies a packet's bytes out of packet memory (for a {@link Port#tx} that hands frames to the heap). */
    public static byte[] copyOut(PacketVector from, int slot) {
        byte[] frame = new byte[from.length[slot]];
        MemorySegment.copy(PacketMemory.ALL, ValueLayout.JAVA_BYTE, from.data[slot], frame, 0, frame.length);
        return frame;
    }

    @Override
    public void close() {
        arena.close();
    }
}
