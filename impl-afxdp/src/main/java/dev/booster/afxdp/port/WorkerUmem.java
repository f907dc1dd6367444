package dev.booster.afxdp.port;

import dev.booster.afxdp.xsk.FramePool;
import dev.booster.afxdp.xsk.Umem;
import dev.booster.afxdp.xsk.UmemConfig;
import dev.booster.engine.packet.PacketVector;

/**
 * The one UMEM of an engine worker, shared by all its {@link XskPort}s: a frame received on one port is transmitted
 * on another by handing over its address, and every port's packets have the same {@link UmemBuffers} owner, which is
 * how a port knows a packet is already in its memory.
 *
 * <p>Sized for {@code maxPorts} ports of {@code framesPerPort} frames each (a port keeps at most
 * {@code framesPerPort − RESERVE} frames in its fill and RX rings; what is in flight on its TX ring came from the
 * others' and is bounded by the ring), plus
 * {@link #RESERVE} frames the ports never put in a fill ring, so the engine can always allocate (ICMP errors, copies of
 * packets from other memory), plus a fill ring's worth the pool keeps stashed so that a new port's fill ring is full
 * before the worker first serves it. Opening a port beyond {@code maxPorts} is refused ({@link #hasRoomForAnotherPort()}).
 */
public final class WorkerUmem implements AutoCloseable {
    /** Frames no fill ring takes: a vector's worth, for what the engine allocates. */
    public static final int RESERVE = PacketVector.CAPACITY;

    private final Umem umem;
    private final UmemBuffers buffers;
    private final int maxPorts;
    private final int framesPerPort;

    private WorkerUmem(Umem umem, int maxPorts, int framesPerPort) {
        this.umem = umem;
        this.maxPorts = maxPorts;
        this.framesPerPort = framesPerPort;
        this.buffers = new UmemBuffers(umem.frames(), umem.area().address());
    }

    /**
     * Maps a UMEM for {@code maxPorts} ports of {@code framesPerPort} frames, in the frame size and ring sizes of
     * {@code shape} (its frame count, socket count and stash are replaced).
     *
     * @throws IllegalArgumentException {@code framesPerPort} cannot fill a fill ring beyond the reserve, or
     *                                  the total exceeds what one UMEM may hold
     */
    public static WorkerUmem create(UmemConfig shape, int maxPorts, int framesPerPort) {
        if (maxPorts < 1) throw new IllegalArgumentException("maxPorts " + maxPorts + " must be at least 1");
        int minimum = shape.fillRingSize() + RESERVE;
        if (framesPerPort < minimum) {
            throw new IllegalArgumentException(framesPerPort + " frames per port cannot fill a ring of " + shape.fillRingSize()
                    + " beyond the reserve of " + RESERVE + "; use at least " + minimum);
        }
        long frames = (long) maxPorts * framesPerPort + RESERVE + shape.fillRingSize();
        if (frames > UmemConfig.MAX_FRAME_COUNT) {
            throw new IllegalArgumentException(maxPorts + " ports of " + framesPerPort + " frames need " + frames
                    + " frames, more than one UMEM holds (" + UmemConfig.MAX_FRAME_COUNT + "); use fewer ports or frames per port");
        }
        UmemConfig config = shape.withFrameCount((int) frames).withMaxSockets(maxPorts).withStashFrames(shape.fillRingSize());
        return new WorkerUmem(Umem.create(config), maxPorts, framesPerPort);
    }

    Umem umem() {
        return umem;
    }

    UmemBuffers buffers() {
        return buffers;
    }

    int framesPerPort() {
        return framesPerPort;
    }

    /** Who holds each frame (read racily from another thread: for tests and diagnostics). */
    public FramePool frames() {
        return umem.frames();
    }

    public int maxPorts() {
        return maxPorts;
    }

    /** Ports open on this UMEM now. */
    public int ports() {
        return umem.socketCount();
    }

    /** False when {@link #maxPorts()} ports are open: another would be refused. */
    public boolean hasRoomForAnotherPort() {
        return umem.socketCount() < maxPorts;
    }

    /**
     * Unmaps the memory once every port is closed.
     *
     * @throws IllegalStateException a port is still open (the kernel may still write into the memory)
     */
    @Override
    public void close() {
        umem.close();
    }

    @Override
    public String toString() {
        return "WorkerUmem[" + umem + ", " + framesPerPort + " frames per port]";
    }
}
