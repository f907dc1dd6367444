package dev.booster.afxdp.port;

import dev.booster.afxdp.ffi.Libxdp;
import dev.booster.afxdp.xsk.FramePool;
import dev.booster.afxdp.xsk.XskConfig;
import dev.booster.afxdp.xsk.XskSocket;
import dev.booster.afxdp.xsk.XskStatistics;
import dev.booster.engine.packet.PacketMemory;
import dev.booster.engine.packet.PacketVector;
import dev.booster.engine.packet.Port;

/**
 * The engine's {@link Port} over one AF_XDP socket on the worker's shared UMEM ({@link WorkerUmem}).
 *
 * <p>Nothing is copied on the way through Booster: a received frame goes into the vector as it lies in the UMEM,
 * owned by the UMEM's {@link UmemBuffers}; a packet to transmit that has that owner (received on any port of the
 * worker) goes on the TX ring by its address, and comes back to the pool from this socket's completion ring. Only a
 * packet from other memory (another backend's buffers) is copied into a free frame, and its source freed at once
 * ({@link #txCopied()}).
 *
 * <p>Thread confinement: {@link #rx} and {@link #tx} run on the engine's worker thread only (the rings and the frame
 * pool are single-threaded); {@link #open} fills the fill ring only from the frames the pool set aside for that.
 * {@link #close} must run only after the worker has left the port ({@code Engine.awaitWorkerCaughtUp()} after the
 * interface was removed); the frames the socket still held then go back to the pool. Neither rx nor tx allocates,
 * locks or throws per packet.
 */
public final class XskPort implements Port, AutoCloseable {
    /** Copy mode sends {@link XskSocket#txBudget()} frames per kick; on kernels that keep 32, a vector takes 8 kicks. */
    private static final int MAX_TX_KICKS = 16;
    /** The fill ring is topped up once this many frames are missing, not frame by frame. */
    static final int REFILL_BATCH = 16;

    private final XskSocket socket;
    private final FramePool frames;
    private final UmemBuffers buffers;
    private final long base;
    private final int frameSize;
    /**
     * Frames this port may hold for receiving (fill ring, kernel, RX ring): its share of the UMEM less the reserve, so a
     * port whose RX ring backs up leaves frames for the others. Frames in flight on its TX ring are not counted: they
     * came from the others' RX and are bounded by the ring.
     */
    private final int receiveQuota;
    private final long[] rxAddresses = new long[PacketVector.CAPACITY];
    private final int[] rxLengths = new int[PacketVector.CAPACITY];
    private final long[] txAddresses = new long[PacketVector.CAPACITY];
    private final int[] txLengths = new int[PacketVector.CAPACITY];
    private long txCopied;
    private long txRefused;

    private XskPort(XskSocket socket, WorkerUmem umem) {
        this.socket = socket;
        this.frames = umem.frames();
        this.buffers = umem.buffers();
        this.frameSize = frames.frameSize();
        this.base = umem.umem().area().address();
        this.receiveQuota = umem.framesPerPort() - WorkerUmem.RESERVE;
    }

    /**
     * Opens an AF_XDP socket on queue 0 of {@code interfaceName} (in the calling thread's namespace) over the worker's
     * UMEM, and fills its fill ring from the pool's stash, so that frames arriving before the worker first serves the
     * port are received, not dropped.
     *
     * @throws IllegalStateException the UMEM has no room for another port ({@link WorkerUmem#hasRoomForAnotherPort()})
     */
    public static XskPort open(WorkerUmem umem, String interfaceName, XskConfig socketConfig) {
        XskPort port = new XskPort(XskSocket.open(umem.umem(), interfaceName, 0, socketConfig), umem);
        port.socket.prefill(port.receiveQuota);
        return port;
    }

    @Override
    public int rx(PacketVector into, int max) {
        socket.reclaimCompleted(PacketVector.CAPACITY);
        // Copy mode stops after txBudget frames per kick; poll(2) would finish the job, but a busy worker never sleeps.
        if (socket.txPending() > 0) socket.flushTx(1);
        int n = socket.receive(rxAddresses, rxLengths, Math.min(max, PacketVector.CAPACITY));
        for (int k = 0; k < n; k++) {
            long address = rxAddresses[k];
            int handle = buffers.handleOf(address);
            int headroom = (int) (address - buffers.umemAddress(handle));
            into.append(handle, buffers, base + address, rxLengths[k], headroom, frameSize - headroom);
        }
        // After receiving, not before: the frames just taken are replaced while the worker runs the vector through the
        // graph, instead of a round later, when the kernel may have run the fill ring dry meanwhile.
        refill();
        return n;
    }

    /**
     * Tops the fill ring up to this port's share, leaving the pool's reserve free for what the engine allocates (the
     * fill ring takes what fits).
     */
    private void refill() {
        frames.collectReturns();
        int room = Math.min(receiveQuota - (socket.heldFrames() - socket.txInFlight()), frames.available() - WorkerUmem.RESERVE);
        if (room >= REFILL_BATCH) socket.refill(room);
    }

    @Override
    public int tx(PacketVector from, int[] slots, int count) {
        socket.reclaimCompleted(PacketVector.CAPACITY);
        // Reserve by looking first: everything prepared below must fit, because a copied packet's source is freed at
        // once and could not be handed back to the engine as "not taken".
        int limit = Math.min(count, socket.txRing().freeSlots(count));
        int prepared = 0;
        for (; prepared < limit; prepared++) {
            int s = slots[prepared];
            int length = from.length[s];
            if (from.owner[s] == buffers) {
                txAddresses[prepared] = from.data[s] - base;
            } else {
                long frame = length <= frameSize - Libxdp.XDP_PACKET_HEADROOM ? frames.allocate() : FramePool.NO_FRAME;
                if (frame == FramePool.NO_FRAME) break;
                long at = frame + Libxdp.XDP_PACKET_HEADROOM;
                PacketMemory.copy(from.data[s], base + at, length);
                from.owner[s].free(from.buffer[s]);
                txAddresses[prepared] = at;
                txCopied++;
            }
            txLengths[prepared] = length;
        }
        txRefused += count - prepared;
        int sent = socket.transmit(txAddresses, txLengths, prepared);
        for (int k = sent; k < prepared; k++) frames.release(txAddresses[k]); // cannot happen: the slots were free
        socket.flushTx(MAX_TX_KICKS);
        return prepared;
    }

    /** The socket's descriptor, for an idle worker to sleep in poll(2) until a frame arrives. */
    public int fd() {
        return socket.fd();
    }

    public String interfaceName() {
        return socket.interfaceName();
    }

    /** Packets from other memory than the worker's UMEM copied into it for transmission (read racily from another thread). */
    public long txCopied() {
        return txCopied;
    }

    /** Packets refused because the TX ring or the frame pool was full (the engine drops them as tx-full). */
    public long txRefused() {
        return txRefused;
    }

    /** The kernel's counters for the socket. */
    public XskStatistics statistics() {
        return socket.statistics();
    }

    /** The socket, for tests and diagnostics (read racily from another thread). */
    public XskSocket socket() {
        return socket;
    }

    /**
     * Closes the socket (detaching the XDP program); the frames it held go back to the worker's pool. Only after the
     * worker has left the port.
     */
    @Override
    public void close() {
        socket.close();
    }

    @Override
    public String toString() {
        return "XskPort[" + socket + "]";
    }
}
