package dev.booster.memif;

import java.lang.foreign.MemorySegment;

/**
 * A reusable batch of packet buffers in shared memory, filled by {@link MemifInterface#rxBurst} or
 * {@link MemifInterface#txAcquire}. Entry {@code i} is {@link #length(i)} bytes at {@link #offset(i)} of
 * {@link #region(i)}; reading them through {@code region}/{@code offset} allocates nothing, {@link #data(int)} is the
 * convenient (allocating) slice. A frame longer than one buffer spans consecutive entries, each but the last
 * marked {@link #hasNext(int)}.
 *
 * <p>Received buffers stay valid, and the peer cannot reuse them, until {@link MemifInterface#release} hands them
 * back. If the connection goes away first, the views are invalidated: reading them throws
 * {@link IllegalStateException}. A batch belongs to one thread at a time, like the queue it came from.
 */
public final class MemifBuffers {
    private final MemorySegment[] regions;
    private final long[] offsets;
    private final int[] lengths;
    private final int[] capacities;
    private final boolean[] next;
    private int size;
    // The burst this batch holds: which connection and queue, which ring slots, and whether it is RX or TX.
    Connection connection;
    int queue;
    int firstSlot;
    boolean receive;

    public MemifBuffers(int capacity) {
        if (capacity < 1) throw new IllegalArgumentException("capacity " + capacity + " must be at least 1");
        regions = new MemorySegment[capacity];
        offsets = new long[capacity];
        lengths = new int[capacity];
        capacities = new int[capacity];
        next = new boolean[capacity];
    }

    /** How many entries this batch can hold. */
    public int capacity() {
        return regions.length;
    }

    /** How many entries the last burst filled. */
    public int size() {
        return size;
    }

    /** The whole shared memory region entry {@code i} lies in. */
    public MemorySegment region(int i) {
        check(i);
        return regions[i];
    }

    /** Where entry {@code i} starts in {@link #region}. */
    public long offset(int i) {
        check(i);
        return offsets[i];
    }

    /** Bytes of packet data in entry {@code i}. */
    public int length(int i) {
        check(i);
        return lengths[i];
    }

    /** Bytes entry {@code i} can hold (for TX: the most {@link #setLength} accepts). */
    public int bufferCapacity(int i) {
        check(i);
        return capacities[i];
    }

    /** True when the frame continues in entry {@code i + 1} (or, at the end of a burst, in the next burst). */
    public boolean hasNext(int i) {
        check(i);
        return next[i];
    }

    /** The {@link #length} bytes of entry {@code i} as their own segment (allocates a view). */
    public MemorySegment data(int i) {
        check(i);
        return regions[i].asSlice(offsets[i], lengths[i]);
    }

    /** The whole buffer of entry {@code i}, {@link #bufferCapacity} bytes, to write a frame into (allocates a view). */
    public MemorySegment buffer(int i) {
        check(i);
        return regions[i].asSlice(offsets[i], capacities[i]);
    }

    /** Sets how many bytes of entry {@code i} to transmit. */
    public void setLength(int i, int length) {
        check(i);
        if (length < 0 || length > capacities[i]) {
            throw new IllegalArgumentException("length " + length + " of entry " + i + " is out of range 0.." + capacities[i]);
        }
        lengths[i] = length;
    }

    /** Marks entry {@code i} as continued in entry {@code i + 1} (a chained frame). */
    public void setNext(int i, boolean continued) {
        check(i);
        next[i] = continued;
    }

    void reset(Connection connection, int queue, int firstSlot, boolean receive) {
        this.connection = connection;
        this.queue = queue;
        this.firstSlot = firstSlot;
        this.receive = receive;
        this.size = 0;
    }

    void add(MemorySegment region, long offset, int length, int capacity, boolean continued) {
        regions[size] = region;
        offsets[size] = offset;
        lengths[size] = length;
        capacities[size] = capacity;
        next[size] = continued;
        size++;
    }

    void clear() {
        connection = null;
        size = 0;
    }

    private void check(int i) {
        if (i < 0 || i >= size) throw new IndexOutOfBoundsException("entry " + i + " is outside the " + size + " of this burst");
    }
}
