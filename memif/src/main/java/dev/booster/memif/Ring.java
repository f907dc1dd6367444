package dev.booster.memif;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * One {@code memif_ring_t} in shared memory: a 128-byte header (cookie, flags and head on the first cache line,
 * tail alone on the second, so producer and consumer do not share a line) followed by 2^n {@code memif_desc_t}.
 *
 * <p>head and tail are free-running 16-bit counters; a slot is {@code counter & mask}. The side that advances a
 * counter publishes it with a release store after writing the descriptors (and buffers) it covers; the other side
 * reads it with an acquire load before reading them, exactly as DPDK and libmemif pair their atomics.
 */
final class Ring {
    private static final int CACHE_LINE = 64;

    /** {@code memif_ring_t} up to the descriptors. */
    static final StructLayout HEADER = MemoryLayout.structLayout(
            JAVA_INT.withName("cookie"),
            JAVA_SHORT.withName("flags"),
            JAVA_SHORT.withName("head"),
            MemoryLayout.paddingLayout(CACHE_LINE - 8),
            JAVA_SHORT.withName("tail"),
            MemoryLayout.paddingLayout(CACHE_LINE - 2)).withName("memif_ring_t");
    /** {@code memif_desc_t}. */
    static final StructLayout DESCRIPTOR = MemoryLayout.structLayout(
            JAVA_SHORT.withName("flags"),
            JAVA_SHORT.withName("region"),
            JAVA_INT.withName("length"),
            JAVA_INT.withName("offset"),
            JAVA_INT.withName("metadata")).withName("memif_desc_t");

    static final long COOKIE = HEADER.byteOffset(groupElement("cookie"));
    static final long FLAGS = HEADER.byteOffset(groupElement("flags"));
    static final long HEAD = HEADER.byteOffset(groupElement("head"));
    static final long TAIL = HEADER.byteOffset(groupElement("tail"));
    static final long DESCRIPTORS = HEADER.byteSize();
    static final long DESC_SIZE = DESCRIPTOR.byteSize();
    static final long DESC_FLAGS = DESCRIPTOR.byteOffset(groupElement("flags"));
    static final long DESC_REGION = DESCRIPTOR.byteOffset(groupElement("region"));
    static final long DESC_LENGTH = DESCRIPTOR.byteOffset(groupElement("length"));
    static final long DESC_OFFSET = DESCRIPTOR.byteOffset(groupElement("offset"));

    private static final VarHandle SHORT = JAVA_SHORT.varHandle();
    /**
     * flags, region and length are the descriptor's first 8 bytes; on a little-endian host they read and write as one
     * long in the {@link #descHeader} packing, one memory access instead of three (each access to shared memory
     * costs a bounds and a liveness check besides the load).
     */
    private static final boolean HEADER_IS_ONE_LONG = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN
            && DESC_FLAGS == 0 && DESC_REGION == 2 && DESC_LENGTH == 4;

    private final MemorySegment memory;
    private final int size;
    private final int mask;

    /** The ring at {@code offset} of {@code region}; the caller checked that {@link #bytes} of it fit. */
    Ring(MemorySegment region, long offset, int log2Size) {
        this.size = 1 << log2Size;
        this.mask = size - 1;
        this.memory = region.asSlice(offset, bytes(log2Size));
    }

    /** The bytes a ring of 2^{@code log2Size} descriptors takes. */
    static long bytes(int log2Size) {
        return DESCRIPTORS + DESC_SIZE * (1L << log2Size);
    }

    int size() {
        return size;
    }

    int cookie() {
        return memory.get(JAVA_INT, COOKIE);
    }

    /** Fresh ring as the slave lays it out: cookie, no flags, both counters 0. */
    void initialize() {
        memory.set(JAVA_INT, COOKIE, MemifProtocol.RING_COOKIE);
        memory.set(JAVA_SHORT, FLAGS, (short) 0);
        resetCounters();
    }

    void resetCounters() {
        SHORT.setRelease(memory, HEAD, (short) 0);
        SHORT.setRelease(memory, TAIL, (short) 0);
    }

    int flags() {
        return Short.toUnsignedInt((short) SHORT.getAcquire(memory, FLAGS));
    }

    void setFlags(int flags) {
        SHORT.setRelease(memory, FLAGS, (short) flags);
    }

    int head() {
        return Short.toUnsignedInt((short) SHORT.getAcquire(memory, HEAD));
    }

    void publishHead(int head) {
        SHORT.setRelease(memory, HEAD, (short) head);
    }

    int tail() {
        return Short.toUnsignedInt((short) SHORT.getAcquire(memory, TAIL));
    }

    void publishTail(int tail) {
        SHORT.setRelease(memory, TAIL, (short) tail);
    }

    private long descriptor(int counter) {
        return DESCRIPTORS + (counter & mask) * DESC_SIZE;
    }

    int descFlags(int counter) {
        return Short.toUnsignedInt(memory.get(JAVA_SHORT, descriptor(counter) + DESC_FLAGS));
    }

    int descRegion(int counter) {
        return Short.toUnsignedInt(memory.get(JAVA_SHORT, descriptor(counter) + DESC_REGION));
    }

    long descLength(int counter) {
        return Integer.toUnsignedLong(memory.get(JAVA_INT, descriptor(counter) + DESC_LENGTH));
    }

    long descOffset(int counter) {
        return Integer.toUnsignedLong(memory.get(JAVA_INT, descriptor(counter) + DESC_OFFSET));
    }

    /**
     * A descriptor's flags (bits 0–15), region (16–31) and length (32–63) in one read, so each is read once even if
     * the peer rewrites the descriptor meanwhile; take them apart with {@link #flagsOf}, {@link #regionOf},
     * {@link #lengthOf}.
     */
    long descHeader(int counter) {
        long d = descriptor(counter);
        if (HEADER_IS_ONE_LONG) return memory.get(JAVA_LONG_UNALIGNED, d);
        return memory.get(JAVA_SHORT, d + DESC_FLAGS) & 0xFFFFL
                | (memory.get(JAVA_SHORT, d + DESC_REGION) & 0xFFFFL) << 16
                | (long) memory.get(JAVA_INT, d + DESC_LENGTH) << 32;
    }

    static int flagsOf(long header) {
        return (int) header & 0xFFFF;
    }

    static int regionOf(long header) {
        return (int) (header >>> 16) & 0xFFFF;
    }

    static long lengthOf(long header) {
        return header >>> 32;
    }

    void setDescriptor(int counter, int flags, int region, long offset, long length) {
        long d = descriptor(counter);
        if (HEADER_IS_ONE_LONG) {
            memory.set(JAVA_LONG_UNALIGNED, d, flags & 0xFFFFL | (region & 0xFFFFL) << 16 | (length & 0xFFFF_FFFFL) << 32);
        } else {
            memory.set(JAVA_SHORT, d + DESC_FLAGS, (short) flags);
            memory.set(JAVA_SHORT, d + DESC_REGION, (short) region);
            memory.set(JAVA_INT, d + DESC_LENGTH, (int) length);
        }
        memory.set(JAVA_INT, d + DESC_OFFSET, (int) offset);
    }

    void setDescLengthAndFlags(int counter, long length, int flags) {
        long d = descriptor(counter);
        memory.set(JAVA_INT, d + DESC_LENGTH, (int) length);
        memory.set(JAVA_SHORT, d + DESC_FLAGS, (short) flags);
    }
}
