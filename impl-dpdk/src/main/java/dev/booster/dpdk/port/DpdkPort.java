package dev.booster.dpdk.port;

import dev.booster.dpdk.eal.Eal;
import dev.booster.dpdk.ffi.RteEthdev;
import dev.booster.dpdk.ffi.RteMbuf;
import dev.booster.engine.packet.PacketMemory;
import dev.booster.engine.packet.PacketVector;
import dev.booster.engine.packet.Port;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static java.lang.foreign.ValueLayout.ADDRESS;

/**
 * The engine's {@link Port} over queue 0 of one DPDK ethdev port, receiving into the dataplane's {@link MbufPool}.
 *
 * <p>Zero copy both ways: a received mbuf goes into the vector as it is ({@code data = buf_addr + data_off}, owner the
 * pool), and a packet of the pool is transmitted as its own mbuf, with {@code data_off}, {@code data_len} and
 * {@code pkt_len} set from where the engine left its data and length. A packet of another owner (none, while every
 * port of a dataplane shares its pool) is copied into a fresh mbuf. Multi-segment mbufs (a frame larger than the
 * data room) are dropped on receipt, counted in {@link #rxChained()}.
 *
 * <p>The bursts call the PMD's functions the way {@code rte_eth_rx_burst}/{@code rte_eth_tx_burst} do (see
 * {@link RteEthdev}); their addresses and queue pointers are read once, after the port started. Thread confinement as
 * every {@link Port}: {@link #rx} and {@link #tx} on the worker only; {@link #close} after the worker left the port.
 */
public final class DpdkPort implements Port, AutoCloseable {
    /** Descriptors per RX and TX ring. */
    public static final int RING_SIZE = 256;
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED;

    private final Eal eal;
    private final int portId;
    private final String name;
    private final MbufPool pool;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment rxMbufs;
    private final MemorySegment txMbufs;
    private final MemorySegment rxBurst;
    private final MemorySegment rxQueue;
    private final MemorySegment txBurst;
    private final MemorySegment txQueue;
    /** Per TX slot: the source handle of a packet copied in from another owner, else -1. */
    private final int[] copiedFrom = new int[PacketVector.CAPACITY];
    private long rxChained;
    private long rxForeign;
    private long txCopied;
    private boolean closed;

    private DpdkPort(Eal eal, int portId, String name, MbufPool pool) {
        this.eal = eal;
        this.portId = portId;
        this.name = name;
        this.pool = pool;
        this.rxMbufs = arena.allocate(ADDRESS, PacketVector.CAPACITY);
        this.txMbufs = arena.allocate(ADDRESS, PacketVector.CAPACITY);
        MemorySegment ops = eal.ethdev().fastPathOps(portId);
        this.rxBurst = ops.get(ADDRESS, RteEthdev.FP_RX_PKT_BURST);
        this.rxQueue = queue(ops.get(ADDRESS, RteEthdev.FP_RXQ_DATA));
        this.txBurst = ops.get(ADDRESS, RteEthdev.FP_TX_PKT_BURST);
        this.txQueue = queue(ops.get(ADDRESS, RteEthdev.FP_TXQ_DATA));
    }

    @SuppressWarnings("restricted") // rxq.data / txq.data: arrays of RTE_MAX_QUEUES_PER_PORT queue pointers
    private static MemorySegment queue(MemorySegment queues) {
        return queues.reinterpret(ADDRESS.byteSize() * RteEthdev.MAX_QUEUES_PER_PORT).get(ADDRESS, 0);
    }

    /**
     * Configures port {@code portId} with one RX and one TX queue of {@link #RING_SIZE} descriptors (every other
     * setting DPDK's default), receiving into {@code pool}, turns promiscuous mode on where the driver has it, and
     * starts it. On failure the port is closed again; the caller removes the device.
     *
     * @param name the device name, for errors and counters
     * @throws dev.booster.dpdk.eal.RteException a step failed, with DPDK's log lines
     */
    public static DpdkPort start(Eal eal, int portId, String name, MbufPool pool) {
        String port = "(port " + portId + ", " + name + ")";
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment conf = arena.allocate(RteEthdev.ETH_CONF_BYTES, 8);
            eal.call("rte_eth_dev_configure" + port, () -> eal.ethdev().configure(portId, 1, 1, conf));
        }
        try {
            eal.call("rte_eth_rx_queue_setup" + port, () -> eal.ethdev().rxQueueSetup(portId, 0, RING_SIZE, pool.pointer()));
            eal.call("rte_eth_tx_queue_setup" + port, () -> eal.ethdev().txQueueSetup(portId, 0, RING_SIZE));
            eal.call("rte_eth_dev_start" + port, () -> eal.ethdev().start(portId));
        } catch (RuntimeException e) {
            try {
                stopAndClose(eal, portId, name); // frees the queues and the mbufs they took from the pool
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        // Frames for the pods' MACs, not the port's, must come in; drivers without the mode (memif) say ENOTSUP.
        eal.locked(() -> eal.ethdev().promiscuousEnable(portId));
        return new DpdkPort(eal, portId, name, pool);
    }

    @Override
    public int rx(PacketVector into, int max) {
        pool.flushFrees();
        int n = RteEthdev.burst(rxBurst, rxQueue, rxMbufs, Math.min(max, PacketVector.CAPACITY));
        int appended = 0;
        for (int k = 0; k < n; k++) {
            long m = rxMbufs.getAtIndex(ValueLayout.JAVA_LONG, k);
            int handle = pool.handleOf(m);
            if (handle < 0) { // a driver that received into memory of its own: give it back, unseen
                rxForeign++;
                pool.freeMbuf(m);
                continue;
            }
            if (PacketMemory.ALL.get(U16, m + RteMbuf.NB_SEGS) != 1) {
                rxChained++;
                pool.freeMbuf(m);
                continue;
            }
            int headroom = PacketMemory.ALL.get(U16, m + RteMbuf.DATA_OFF) & 0xffff;
            int length = PacketMemory.ALL.get(U16, m + RteMbuf.DATA_LEN) & 0xffff;
            int bufferLength = PacketMemory.ALL.get(U16, m + RteMbuf.BUF_LEN) & 0xffff;
            long buffer = PacketMemory.ALL.get(U64, m + RteMbuf.BUF_ADDR);
            into.append(handle, pool, buffer + headroom, length, headroom, bufferLength - headroom);
            appended++;
        }
        return appended;
    }

    @Override
    public int tx(PacketVector from, int[] slots, int count) {
        int prepared = 0;
        for (; prepared < count; prepared++) {
            int s = slots[prepared];
            int length = from.length[s];
            long m;
            if (from.owner[s] == pool) {
                m = pool.mbuf(from.buffer[s]);
                copiedFrom[prepared] = -1;
            } else {
                int copy = length <= MbufPool.DATA_ROOM - RteMbuf.PKTMBUF_HEADROOM ? pool.alloc() : MbufPool.NO_BUFFER;
                if (copy == MbufPool.NO_BUFFER) break;
                m = pool.mbuf(copy);
                PacketMemory.copy(from.data[s], pool.address(copy) + RteMbuf.PKTMBUF_HEADROOM, length);
                copiedFrom[prepared] = s;
                txCopied++;
            }
            long buffer = PacketMemory.ALL.get(U64, m + RteMbuf.BUF_ADDR);
            long dataOffset = from.owner[s] == pool ? from.data[s] - buffer : RteMbuf.PKTMBUF_HEADROOM;
            PacketMemory.ALL.set(U16, m + RteMbuf.DATA_OFF, (short) dataOffset);
            PacketMemory.ALL.set(U16, m + RteMbuf.DATA_LEN, (short) length);
            PacketMemory.ALL.set(U32, m + RteMbuf.PKT_LEN, length);
            // Received mbufs carry the receiving driver's RX flags; a TX driver reads only TX flags, but none must linger.
            PacketMemory.ALL.set(U64, m + RteMbuf.OL_FLAGS, 0L);
            txMbufs.setAtIndex(ValueLayout.JAVA_LONG, prepared, m);
        }
        int sent = prepared == 0 ? 0 : RteEthdev.burst(txBurst, txQueue, txMbufs, prepared);
        // The driver took the first `sent`. A copied packet's source is the engine's to free only if it stays with the
        // engine; one that was sent is freed here, one that was not loses its copy instead.
        for (int k = 0; k < prepared; k++) {
            int source = copiedFrom[k];
            if (source < 0) continue;
            if (k < sent) {
                from.owner[source].free(from.buffer[source]);
            } else {
                pool.freeMbuf(txMbufs.getAtIndex(ValueLayout.JAVA_LONG, k));
            }
        }
        return sent;
    }

    public int portId() {
        return portId;
    }

    public String name() {
        return name;
    }

    /** Received frames dropped because they spanned several mbufs (larger than the data room). */
    public long rxChained() {
        return rxChained;
    }

    /** Received mbufs not from this port's pool (a driver with its own memory), dropped. */
    public long rxForeign() {
        return rxForeign;
    }

    /** Packets of another owner copied into this pool to be transmitted. */
    public long txCopied() {
        return txCopied;
    }

    /** The port's MAC ({@code rte_eth_macaddr_get}): a NIC's, or the interface's a vdev sits on. */
    public dev.booster.api.net.MacAddress macAddress() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment mac = arena.allocate(6);
            eal.call("rte_eth_macaddr_get(port " + portId + ", " + name + ")", () -> eal.ethdev().macAddress(portId, mac));
            return dev.booster.api.net.MacAddress.ofBytes(mac.toArray(ValueLayout.JAVA_BYTE));
        }
    }

    /** DPDK's own counters of the port. */
    public EthStats stats() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment stats = arena.allocate(RteEthdev.ETH_STATS_BYTES, 8);
            eal.call("rte_eth_stats_get(port " + portId + ", " + name + ")", () -> eal.ethdev().stats(portId, stats));
            return EthStats.of(stats);
        }
    }

    /** Stops and closes the ethdev port (which frees its queues and the mbufs they hold); the device stays. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try {
            stopAndClose(eal, portId, name);
        } finally {
            arena.close();
        }
    }

    /** Stops and closes port {@code portId}, whatever state it got to. */
    static void stopAndClose(Eal eal, int portId, String name) {
        String port = "(port " + portId + ", " + name + ")";
        RuntimeException failure = null;
        try {
            eal.call("rte_eth_dev_stop" + port, () -> eal.ethdev().stop(portId));
        } catch (RuntimeException e) {
            failure = e;
        }
        try {
            eal.call("rte_eth_dev_close" + port, () -> eal.ethdev().close(portId));
        } catch (RuntimeException e) {
            if (failure == null) failure = e; else failure.addSuppressed(e);
        }
        if (failure != null) throw failure;
    }

    @Override
    public String toString() {
        return "DpdkPort[" + portId + ", " + name + "]";
    }
}
