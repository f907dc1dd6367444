package dev.booster.dpdk.port;

import dev.booster.dpdk.eal.Eal;
import dev.booster.dpdk.ffi.RteMbuf;
import dev.booster.dpdk.ffi.RteMempool;
import dev.booster.engine.packet.PacketBuffers;
import dev.booster.engine.packet.PacketMemory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

/**
 * A DPDK pktmbuf pool as the engine's {@link PacketBuffers}: every port of a dataplane receives into it, so a packet
 * moves from one port to another as the mbuf it arrived in, and a dropped one goes back to the pool.
 *
 * <h2>Handles</h2>
 * An mbuf is named by its distance from the start of the pool's memory in cache lines: mbufs are cache-line aligned,
 * so {@code handle = (mbuf - base) >>> 6} and {@code mbuf = base + (handle << 6)} map both ways with a shift and no
 * table, and the pool's memory (one chunk, or several close together) may span up to 128 GiB. The engine reaches the
 * packet bytes at {@code buf_addr + data_off} through its own all-of-memory segment; with {@code --no-huge} the pool
 * is ordinary memory of this process.
 *
 * <h2>Threads</h2>
 * {@link #alloc} and {@link #free} run on the dataplane's worker only (the engine's contract). Freed mbufs are
 * collected and returned in bulk ({@code rte_pktmbuf_free_bulk}) when the batch fills or a port of the pool starts
 * its next receive ({@link #flushFrees}), so a burst of drops costs one native call. Booster's worker is no EAL lcore
 * and so has no mempool cache: allocation takes mbufs straight from the pool's driver, as DPDK does for any
 * non-EAL thread.
 */
public final class MbufPool implements PacketBuffers, AutoCloseable {
    /** Data room per mbuf: the headroom plus 2048 bytes, DPDK's default ({@code RTE_MBUF_DEFAULT_BUF_SIZE}). */
    public static final int DATA_ROOM = RteMbuf.PKTMBUF_HEADROOM + 2048;
    static final int CACHE_LINE_SHIFT = 6;
    private static final int FREE_BATCH = 256;
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED;

    private final Eal eal;
    private final String name;
    private final MemorySegment pool;
    private final MemorySegment dequeue;
    private final long base;
    private final int handles;
    private final int count;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment pendingFrees;
    private final MemorySegment allocated;
    private int pending;
    private boolean closed;
    private int outstandingAtClose = -1;

    private MbufPool(Eal eal, String name, MemorySegment pool, int count, long base, int handles) {
        this.eal = eal;
        this.name = name;
        this.pool = pool;
        this.count = count;
        this.base = base;
        this.handles = handles;
        this.dequeue = eal.mempool().dequeueFunction(pool);
        this.pendingFrees = arena.allocate(ValueLayout.ADDRESS, FREE_BATCH);
        this.allocated = arena.allocate(ValueLayout.ADDRESS, 1);
    }

    /**
     * Creates a pool of {@code count} mbufs of {@link #DATA_ROOM} bytes.
     *
     * @param name a name unique in the process, at most 25 characters (DPDK's memzone names)
     * @throws dev.booster.dpdk.eal.RteException DPDK refused (out of EAL memory: raise dpdk.memoryMb)
     */
    public static MbufPool create(Eal eal, String name, int count) {
        MemorySegment pool = eal.callForPointer("rte_pktmbuf_pool_create(" + name + ", " + count + " mbufs of " + DATA_ROOM + " bytes)",
                () -> eal.mbuf().poolCreate(name, count, 0, DATA_ROOM));
        try {
            List<RteMempool.Chunk> chunks = eal.locked(() -> eal.mempool().chunks(pool));
            long low = chunks.stream().mapToLong(RteMempool.Chunk::address).min().orElseThrow();
            long high = chunks.stream().mapToLong(c -> c.address() + c.length()).max().orElseThrow();
            long first = low & -(1L << CACHE_LINE_SHIFT);
            long lines = (high - first) >>> CACHE_LINE_SHIFT;
            if (lines > Integer.MAX_VALUE) {
                throw new IllegalStateException("mbuf pool " + name + " spans " + (high - first) + " bytes in " + chunks.size()
                        + " chunks, more than int handles can address in cache lines (128 GiB)");
            }
            return new MbufPool(eal, name, pool, count, first, (int) lines + 1);
        } catch (RuntimeException e) {
            eal.locked(() -> {
                eal.mempool().free(pool);
                return null;
            });
            throw e;
        }
    }

    /** The {@code struct rte_mempool *} to receive into. */
    public MemorySegment pointer() {
        return pool;
    }

    public String name() {
        return name;
    }

    /** The handle of mbuf {@code mbuf}, or -1 when the address is not in this pool's memory. */
    int handleOf(long mbuf) {
        long offset = mbuf - base;
        long handle = offset >>> CACHE_LINE_SHIFT;
        return offset >= 0 && handle < handles ? (int) handle : -1;
    }

    /** The mbuf of {@code handle}. */
    long mbuf(int handle) {
        return base + ((long) handle << CACHE_LINE_SHIFT);
    }

    @Override
    public int alloc() {
        if (RteMempool.dequeue(dequeue, pool, allocated, 1) != 0) return NO_BUFFER;
        long m = allocated.get(ValueLayout.JAVA_LONG, 0);
        // What rte_pktmbuf_reset does; a pooled mbuf already has refcnt 1, one segment and no next.
        PacketMemory.ALL.set(U16, m + RteMbuf.DATA_OFF, (short) RteMbuf.PKTMBUF_HEADROOM);
        PacketMemory.ALL.set(U64, m + RteMbuf.OL_FLAGS, 0L);
        PacketMemory.ALL.set(U32, m + RteMbuf.PACKET_TYPE, 0);
        PacketMemory.ALL.set(U32, m + RteMbuf.PKT_LEN, 0);
        PacketMemory.ALL.set(U16, m + RteMbuf.DATA_LEN, (short) 0);
        PacketMemory.ALL.set(U16, m + RteMbuf.VLAN_TCI, (short) 0);
        PacketMemory.ALL.set(U16, m + RteMbuf.PORT, (short) RteMbuf.PORT_INVALID);
        PacketMemory.ALL.set(U64, m + RteMbuf.TX_OFFLOAD, 0L);
        return handleOf(m);
    }

    @Override
    public void free(int handle) {
        freeMbuf(mbuf(handle));
    }

    /** Frees mbuf {@code mbuf} (with its chain): batched, see {@link #flushFrees}. */
    void freeMbuf(long mbuf) {
        pendingFrees.setAtIndex(ValueLayout.JAVA_LONG, pending, mbuf);
        if (++pending == FREE_BATCH) flushFrees();
    }

    /** Returns the mbufs freed since the last flush to the pool; the ports call it before every receive. */
    public void flushFrees() {
        if (pending == 0) return;
        eal.mbuf().freeBulk(pendingFrees, pending);
        pending = 0;
    }

    /** The absolute address of the buffer of {@code handle}: right after the mbuf header (the pool has no private area). */
    @Override
    public long address(int handle) {
        return mbuf(handle) + RteMbuf.MBUF_BYTES;
    }

    @Override
    public int bufferSize() {
        return DATA_ROOM;
    }

    @Override
    public int headroom() {
        return RteMbuf.PKTMBUF_HEADROOM;
    }

    public int size() {
        return count;
    }

    /** Mbufs out of the pool (received and held, or in a port's descriptor ring); racy while the worker runs. */
    public int inUse() {
        if (closed) throw new IllegalStateException("mbuf pool " + name + " is freed; see outstandingAtClose()");
        return eal.locked(() -> eal.mempool().inUseCount(pool)) - pending;
    }

    /**
     * Mbufs that were still out of the pool when it was freed (a leak: every port and the worker should have given
     * theirs back by then), or -1 while the pool is open.
     */
    public int outstandingAtClose() {
        return outstandingAtClose;
    }

    /** Frees the pool; only after every port that received into it is closed and the worker has stopped. */
    @Override
    public void close() {
        if (closed) return;
        flushFrees();
        outstandingAtClose = eal.locked(() -> eal.mempool().inUseCount(pool));
        closed = true;
        if (outstandingAtClose > 0) {
            System.getLogger(MbufPool.class.getName()).log(System.Logger.Level.WARNING, "mbuf pool " + name + " is freed with "
                    + outstandingAtClose + " mbufs still out of it; whoever holds them holds freed memory now");
        }
        eal.locked(() -> {
            eal.mempool().free(pool);
            return null;
        });
        arena.close();
    }

    @Override
    public String toString() {
        return "MbufPool[" + name + ", " + count + " mbufs]";
    }
}
