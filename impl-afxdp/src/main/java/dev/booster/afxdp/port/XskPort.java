package dev.booster.afxdp.port;

import dev.booster.afxdp.ffi.Libxdp;
import dev.booster.afxdp.xsk.FramePool;
import dev.booster.afxdp.xsk.Umem;
import dev.booster.afxdp.xsk.UmemConfig;
import dev.booster.afxdp.xsk.XskConfig;
import dev.booster.afxdp.xsk.XskSocket;
import dev.booster.afxdp.xsk.XskStatistics;
import dev.booster.engine.packet.PacketMemory;
import dev.booster.engine.packet.PacketVector;
import dev.booster.engine.packet.Port;

import java.util.ArrayList;
import java.util.List;

/**
 * The engine's {@link Port} over one AF_XDP socket and its own UMEM.
 *
 * <p>Receiving is zero-copy: a received frame goes into the vector as it lies in the UMEM, with this port's
 * {@link UmemBuffers} as owner, so the engine frees it straight back to this socket's frame pool. Transmitting passes
 * this UMEM's own frames as they are; a frame that lives in another port's UMEM is copied into a free frame of this
 * one (UMEMs are not shared yet) and its source freed to its owner at once.
 *
 * <p>Thread confinement: {@link #rx} and {@link #tx} run on the engine's worker thread only (the rings and the frame
 * pool are single-threaded). {@link #open} fills the fill ring before the port is published to the worker;
 * {@link #close} must run only after the worker has left the port ({@code Engine.awaitWorkerCaughtUp()} after the
 * interface was removed). Neither rx nor tx allocates, locks or throws per packet.
 */
public final class XskPort implements Port, AutoCloseable {
    /** Frames kept out of the fill ring, so copies into this UMEM for transmission always find one. */
    static final int TX_RESERVE = PacketVector.CAPACITY;
    /** Copy mode sends 32 frames per kick: a full vector takes 8, and a few more cover a busy moment. */
    private static final int MAX_TX_KICKS = 16;

    private final XskSocket socket;
    private final Umem umem;
    private final FramePool frames;
    private final UmemBuffers buffers;
    private final long base;
    private final int frameSize;
    private final long[] rxAddresses = new long[PacketVector.CAPACITY];
    private final int[] rxLengths = new int[PacketVector.CAPACITY];
    private final long[] txAddresses = new long[PacketVector.CAPACITY];
    private final int[] txLengths = new int[PacketVector.CAPACITY];
    private long txCopied;
    private long txRefused;

    private XskPort(XskSocket socket, Umem umem) {
        this.socket = socket;
        this.umem = umem;
        this.frames = umem.frames();
        this.frameSize = frames.frameSize();
        this.base = umem.area().address();
        this.buffers = new UmemBuffers(frames, base);
    }

    /**
     * Opens an AF_XDP socket on queue 0 of {@code interfaceName} (in the calling thread's namespace) over a new UMEM,
     * and gives the kernel frames to receive into.
     *
     * @throws IllegalArgumentException the UMEM has too few frames to fill the ring and keep a transmit reserve
     */
    public static XskPort open(String interfaceName, UmemConfig umemConfig, XskConfig socketConfig) {
        int needed = umemConfig.fillRingSize() + TX_RESERVE;
        if (umemConfig.frameCount() < needed) {
            throw new IllegalArgumentException("a UMEM of " + umemConfig.frameCount() + " frames cannot fill a ring of "
                    + umemConfig.fillRingSize() + " and keep " + TX_RESERVE + " for transmission; use at least " + needed);
        }
        Umem umem = Umem.create(umemConfig);
        XskSocket socket;
        try {
            socket = XskSocket.open(umem, interfaceName, 0, socketConfig);
        } catch (RuntimeException e) {
            closeAfterFailure(umem, e);
            throw e;
        }
        XskPort port = new XskPort(socket, umem);
        port.refill();
        return port;
    }

    private static void closeAfterFailure(AutoCloseable resource, RuntimeException failure) {
        try {
            resource.close();
        } catch (Exception e) {
            failure.addSuppressed(e);
        }
    }

    @Override
    public int rx(PacketVector into, int max) {
        socket.reclaimCompleted(PacketVector.CAPACITY);
        refill();
        // Copy mode stops after 32 frames per kick; poll(2) would finish the job, but a busy worker never sleeps.
        if (socket.txPending() > 0) socket.flushTx(1);
        int n = socket.receive(rxAddresses, rxLengths, Math.min(max, PacketVector.CAPACITY));
        for (int k = 0; k < n; k++) {
            long address = rxAddresses[k];
            int handle = buffers.handleOf(address);
            int headroom = (int) (address - buffers.umemAddress(handle));
            into.append(handle, buffers, base + address, rxLengths[k], headroom, frameSize - headroom);
        }
        return n;
    }

    /** Gives the kernel every free frame beyond the transmit reserve (the fill ring takes what fits). */
    private void refill() {
        int spare = frames.available() - TX_RESERVE;
        if (spare > 0) socket.refill(spare);
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

    /** Frames copied in from other ports' UMEMs for transmission (read racily from another thread). */
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

    /** Closes the socket (detaching the XDP program) and frees the UMEM; only after the worker has left the port. */
    @Override
    public void close() {
        List<RuntimeException> failures = new ArrayList<>();
        try {
            socket.close();
        } catch (RuntimeException e) {
            failures.add(e);
        }
        try {
            umem.close();
        } catch (RuntimeException e) {
            failures.add(e);
        }
        if (!failures.isEmpty()) {
            RuntimeException first = failures.getFirst();
            failures.stream().skip(1).forEach(first::addSuppressed);
            throw first;
        }
    }

    @Override
    public String toString() {
        return "XskPort[" + socket + "]";
    }
}
