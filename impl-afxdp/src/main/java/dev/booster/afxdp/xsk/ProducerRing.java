package dev.booster.afxdp.xsk;

import dev.booster.afxdp.ffi.Libxdp;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The user-space producer side of an AF_XDP ring: the fill ring (entries are UMEM addresses) or the TX ring
 * (entries are {@code struct xdp_desc}). This is Java's version of the inline functions of {@code <xdp/xsk.h>}:
 * the kernel shares the producer and consumer indexes; this side caches both, re-reads the consumer index (with
 * acquire) only when the cached view says the ring is too full, and publishes the producer index with release
 * after the entries are written, so the kernel never sees an index ahead of its entries.
 *
 * <p>Use: {@code n = reserve(max)}, write entries {@code 0..n-1} of that reservation, {@code submit(n)}. One
 * reservation is open at a time. Unlike {@code xsk_ring_prod__reserve}, which is all or nothing, {@link #reserve}
 * takes what fits, which is what batching wants. Not thread-safe: one thread produces.
 */
public final class ProducerRing {
    private static final VarHandle INDEX = JAVA_INT.varHandle();
    private static final long ADDRESS_ENTRY_BYTES = 8;
    private static final long DESCRIPTOR_ENTRY_BYTES = Libxdp.XDP_DESC.byteSize();

    private final MemorySegment producer;
    private final MemorySegment consumer;
    private final MemorySegment flags;
    private final MemorySegment entries;
    private final int mask;
    private final int size;
    private int cachedProd;
    /** Kept {@code size} ahead of the real consumer index, as libxdp does, so free = cachedCons - cachedProd. */
    private int cachedCons;
    private int reservedStart;
    private int reserved;

    ProducerRing(MemorySegment producer, MemorySegment consumer, MemorySegment flags, MemorySegment entries,
                 int size, int cachedProd, int cachedCons) {
        if (Integer.bitCount(size) != 1) throw new IllegalArgumentException("ring size " + size + " is not a power of two");
        this.producer = producer;
        this.consumer = consumer;
        this.flags = flags;
        this.entries = entries;
        this.size = size;
        this.mask = size - 1;
        this.cachedProd = cachedProd;
        this.cachedCons = cachedCons;
        this.reservedStart = cachedProd;
    }

    /**
     * Reads a {@code struct xsk_ring_prod} that libxdp filled in: pointers, size and cached indexes, once. The
     * returned ring's views of the shared memory belong to {@code scope}: closing it makes any later use throw
     * instead of touching memory libxdp has unmapped.
     */
    static ProducerRing fromStruct(MemorySegment ring, boolean descriptors, Arena scope) {
        int size = ring.get(JAVA_INT, Libxdp.XSK_RING_SIZE);
        long entryBytes = descriptors ? DESCRIPTOR_ENTRY_BYTES : ADDRESS_ENTRY_BYTES;
        return new ProducerRing(
                view(ring, Libxdp.XSK_RING_PRODUCER, Integer.BYTES, scope),
                view(ring, Libxdp.XSK_RING_CONSUMER, Integer.BYTES, scope),
                view(ring, Libxdp.XSK_RING_FLAGS, Integer.BYTES, scope),
                view(ring, Libxdp.XSK_RING_RING, size * entryBytes, scope),
                size,
                ring.get(JAVA_INT, Libxdp.XSK_RING_CACHED_PROD),
                ring.get(JAVA_INT, Libxdp.XSK_RING_CACHED_CONS));
    }

    @SuppressWarnings("restricted") // the kernel maps exactly these bytes; the scope ends before libxdp unmaps them
    static MemorySegment view(MemorySegment ring, long pointerOffset, long bytes, Arena scope) {
        long address = ring.get(ValueLayout.ADDRESS, pointerOffset).address();
        if (address == 0) throw new IllegalStateException("libxdp left a ring pointer NULL at offset " + pointerOffset);
        return MemorySegment.ofAddress(address).reinterpret(bytes, scope, null);
    }

    public int size() {
        return size;
    }

    /** Free slots, at least as many as {@code wanted} when the ring has them (xsk_prod_nb_free). */
    public int freeSlots(int wanted) {
        int free = cachedCons - cachedProd;
        if (free >= wanted) return free;
        cachedCons = (int) INDEX.getAcquire(consumer, 0L) + size;
        return cachedCons - cachedProd;
    }

    /** Reserves up to {@code max} slots and returns how many (0 when the ring is full). */
    public int reserve(int max) {
        int n = Math.max(0, Math.min(max, freeSlots(max)));
        reservedStart = cachedProd;
        reserved = n;
        cachedProd += n;
        return n;
    }

    /** Fill ring: entry {@code k} of the open reservation is the UMEM address {@code address}. */
    public void putAddress(int k, long address) {
        assert k >= 0 && k < reserved : "entry " + k + " outside the reservation of " + reserved;
        entries.set(JAVA_LONG, ((reservedStart + k) & mask) * ADDRESS_ENTRY_BYTES, address);
    }

    /** TX ring: entry {@code k} of the open reservation is the frame at {@code address}, {@code length} bytes long. */
    public void putDescriptor(int k, long address, int length) {
        assert k >= 0 && k < reserved : "entry " + k + " outside the reservation of " + reserved;
        long offset = ((reservedStart + k) & mask) * DESCRIPTOR_ENTRY_BYTES;
        entries.set(JAVA_LONG, offset + Libxdp.XDP_DESC_ADDR, address);
        entries.set(JAVA_INT, offset + Libxdp.XDP_DESC_LEN, length);
        entries.set(JAVA_INT, offset + Libxdp.XDP_DESC_LEN + Integer.BYTES, 0);
    }

    /**
     * Publishes the first {@code n} entries of the open reservation to the kernel (release store of the producer
     * index); reserved slots beyond {@code n} go back to the ring unused.
     */
    public void submit(int n) {
        assert n >= 0 && n <= reserved : "submit " + n + " of a reservation of " + reserved;
        cachedProd = reservedStart + n;
        reserved = 0;
        INDEX.setRelease(producer, 0L, cachedProd);
    }

    /** True when the kernel asked to be woken for this ring (XDP_RING_NEED_WAKEUP in its flags word). */
    public boolean needsWakeup() {
        return ((int) INDEX.getAcquire(flags, 0L) & Libxdp.XDP_RING_NEED_WAKEUP) != 0;
    }
}
