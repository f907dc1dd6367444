package dev.booster.afxdp.port;

import dev.booster.afxdp.ffi.Libxdp;
import dev.booster.afxdp.xsk.FramePool;
import dev.booster.engine.packet.PacketBuffers;

/**
 * A UMEM's frames as the engine's {@link PacketBuffers}: a handle is a frame number, so the engine frees a packet
 * straight back to the frame pool of the socket that received it. Only the engine's worker thread calls it (the pool
 * is not thread-safe), which the port's confinement guarantees.
 */
final class UmemBuffers implements PacketBuffers {
    private final FramePool frames;
    private final long base;
    private final int frameShift;

    UmemBuffers(FramePool frames, long base) {
        this.frames = frames;
        this.base = base;
        this.frameShift = Integer.numberOfTrailingZeros(frames.frameSize());
    }

    @Override
    public int alloc() {
        long address = frames.allocate();
        return address == FramePool.NO_FRAME ? NO_BUFFER : (int) (address >>> frameShift);
    }

    @Override
    public void free(int handle) {
        // A bad handle is refused and counted by the pool (rejectedReleases), not thrown on the packet path.
        frames.release((long) handle << frameShift);
    }

    @Override
    public long address(int handle) {
        return base + ((long) handle << frameShift);
    }

    @Override
    public int bufferSize() {
        return frames.frameSize();
    }

    /** The same headroom the kernel leaves in received frames, so engine-made packets look like received ones. */
    @Override
    public int headroom() {
        return Libxdp.XDP_PACKET_HEADROOM;
    }

    /** The frame number of UMEM address {@code umemAddress} (any byte inside the frame). */
    int handleOf(long umemAddress) {
        return (int) (umemAddress >>> frameShift);
    }

    /** The UMEM address where frame {@code handle} starts. */
    long umemAddress(int handle) {
        return (long) handle << frameShift;
    }
}
