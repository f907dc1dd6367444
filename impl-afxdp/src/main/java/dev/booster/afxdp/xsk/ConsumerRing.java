package dev.booster.afxdp.xsk;

import dev.booster.afxdp.ffi.Libxdp;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The user-space consumer side of an AF_XDP ring: the completion ring (entries are UMEM addresses) or the RX
 * ring (entries are {@code struct xdp_desc}). Java's version of {@code xsk_ring_cons__peek/release}: the producer
 * index is re-read (with acquire, so the entries it covers are visible) only when the cached view is too short, and
 * the consumer index is published with release once the entries have been read, so the kernel does not reuse a
 * slot that is still being read.
 *
 * <p>Use: {@code n = peek(max)}, read entries {@code 0..n-1}, {@code release(n)}. One peek is open at a time. Not
 * thread-safe: one thread consumes.
 */
public final class ConsumerRing {
    private static final VarHandle INDEX = JAVA_INT.varHandle();
    private static final long ADDRESS_ENTRY_BYTES = 8;
    private static final long DESCRIPTOR_ENTRY_BYTES = Libxdp.XDP_DESC.byteSize();

    private final MemorySegment producer;
    private final MemorySegment consumer;
    private final MemorySegment entries;
    private final int mask;
    private final int size;
    private int cachedProd;
    private int cachedCons;
    private int peekStart;
    private int peeked;

    ConsumerRing(MemorySegment producer, MemorySegment consumer, MemorySegment entries, int size, int cachedProd, int cachedCons) {
        if (Integer.bitCount(size) != 1) throw new IllegalArgumentException("ring size " + size + " is not a power of two");
        this.producer = producer;
        this.consumer = consumer;
        this.entries = entries;
        this.size = size;
        this.mask = size - 1;
        this.cachedProd = cachedProd;
        this.cachedCons = cachedCons;
        this.peekStart = cachedCons;
    }

    /** Reads a {@code struct xsk_ring_cons} that libxdp filled in, once; see {@link ProducerRing#fromStruct}. */
    static ConsumerRing fromStruct(MemorySegment ring, boolean descriptors, Arena scope) {
        int size = ring.get(JAVA_INT, Libxdp.XSK_RING_SIZE);
        long entryBytes = descriptors ? DESCRIPTOR_ENTRY_BYTES : ADDRESS_ENTRY_BYTES;
        return new ConsumerRing(
                ProducerRing.view(ring, Libxdp.XSK_RING_PRODUCER, Integer.BYTES, scope),
                ProducerRing.view(ring, Libxdp.XSK_RING_CONSUMER, Integer.BYTES, scope),
                ProducerRing.view(ring, Libxdp.XSK_RING_RING, size * entryBytes, scope),
                size,
                ring.get(JAVA_INT, Libxdp.XSK_RING_CACHED_PROD),
                ring.get(JAVA_INT, Libxdp.XSK_RING_CACHED_CONS));
    }

    public int size() {
        return size;
    }

    /**
     * Entries ready to read, at most {@code wanted}. Unlike {@code xsk_cons_nb_avail}, which looks at the shared
     * producer index only when its cached view is empty, this looks whenever the cache holds fewer than
     * {@code wanted} (as the kernel's own consumer does): one load buys full batches.
     */
    public int available(int wanted) {
        int entries = cachedProd - cachedCons;
        if (entries < wanted) {
            cachedProd = (int) INDEX.getAcquire(producer, 0L);
            entries = cachedProd - cachedCons;
        }
        return Math.min(entries, wanted);
    }

    /** Takes up to {@code max} ready entries for reading and returns how many (0 when the ring is empty). */
    public int peek(int max) {
        int n = Math.max(0, available(max));
        peekStart = cachedCons;
        peeked = n;
        cachedCons += n;
        return n;
    }

    /** Completion ring: the UMEM address in entry {@code k} of the open peek. */
    public long address(int k) {
        assert k >= 0 && k < peeked : "entry " + k + " outside the peek of " + peeked;
        return entries.get(JAVA_LONG, ((peekStart + k) & mask) * ADDRESS_ENTRY_BYTES);
    }

    /** RX ring: the UMEM address of the frame in entry {@code k} of the open peek (where its data starts). */
    public long descriptorAddress(int k) {
        assert k >= 0 && k < peeked : "entry " + k + " outside the peek of " + peeked;
        return entries.get(JAVA_LONG, ((peekStart + k) & mask) * DESCRIPTOR_ENTRY_BYTES + Libxdp.XDP_DESC_ADDR);
    }

    /** RX ring: the frame length in entry {@code k} of the open peek. */
    public int descriptorLength(int k) {
        assert k >= 0 && k < peeked : "entry " + k + " outside the peek of " + peeked;
        return entries.get(JAVA_INT, ((peekStart + k) & mask) * DESCRIPTOR_ENTRY_BYTES + Libxdp.XDP_DESC_LEN);
    }

    /**
     * Hands the first {@code n} entries of the open peek back to the kernel (release store of the consumer index);
     * entries beyond {@code n} stay and are peeked again.
     */
    public void release(int n) {
        assert n >= 0 && n <= peeked : "release " + n + " of a peek of " + peeked;
        cachedCons = peekStart + n;
        peeked = 0;
        INDEX.setRelease(consumer, 0L, cachedCons);
    }
}
