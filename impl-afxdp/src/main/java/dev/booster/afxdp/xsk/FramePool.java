package dev.booster.afxdp.xsk;

/**
 * The UMEM frames nobody holds: a stack of frame indexes, so taking and returning a frame is an array access
 * and allocates nothing. A frame is named by its UMEM address; any address inside a frame (the kernel hands out
 * addresses past the headroom) returns that frame.
 *
 * <p>A frame is always in exactly one place: this pool, the fill ring, the kernel's RX/TX path, the completion
 * ring, or the application. {@link #release} refuses (and counts) addresses outside the UMEM and frames that are
 * already free, instead of throwing on the packet path; {@link #rejectedReleases()} exposes such bugs. Not
 * thread-safe: the thread driving the socket owns the pool.
 */
public final class FramePool {
    /** What {@link #allocate()} returns when every frame is in use. */
    public static final long NO_FRAME = -1L;

    private final int[] freeFrames;
    private final boolean[] isFree;
    private final int frameShift;
    private int freeCount;
    private long rejectedReleases;

    /** A pool of {@code frameCount} frames of {@code frameSize} bytes (a power of two), all free. */
    public FramePool(int frameCount, int frameSize) {
        if (frameCount < 1) throw new IllegalArgumentException("frameCount " + frameCount + " must be at least 1");
        if (Integer.bitCount(frameSize) != 1) throw new IllegalArgumentException("frameSize " + frameSize + " is not a power of two");
        this.freeFrames = new int[frameCount];
        this.isFree = new boolean[frameCount];
        this.frameShift = Integer.numberOfTrailingZeros(frameSize);
        // Lowest addresses on top, so a fresh pool hands out frame 0, 1, 2...: easier to read in a dump.
        for (int i = 0; i < frameCount; i++) {
            freeFrames[i] = frameCount - 1 - i;
            isFree[i] = true;
        }
        this.freeCount = frameCount;
    }

    public int capacity() {
        return freeFrames.length;
    }

    public int available() {
        return freeCount;
    }

    public int frameSize() {
        return 1 << frameShift;
    }

    /** The UMEM address where the frame holding {@code address} starts. */
    public long frameStart(long address) {
        return (address >>> frameShift) << frameShift;
    }

    /** Takes a free frame and returns its UMEM address, or {@link #NO_FRAME}. */
    public long allocate() {
        if (freeCount == 0) return NO_FRAME;
        int frame = freeFrames[--freeCount];
        isFree[frame] = false;
        return (long) frame << frameShift;
    }

    /** Takes up to {@code max} frames into {@code addresses[0..]}; returns how many. */
    public int allocate(long[] addresses, int max) {
        int n = Math.min(Math.min(max, addresses.length), freeCount);
        for (int i = 0; i < n; i++) {
            addresses[i] = allocate();
        }
        return n;
    }

    /** Returns the frame holding {@code address}; false (and counted) when it is outside the UMEM or already free. */
    public boolean release(long address) {
        long frame = address >>> frameShift;
        if (address < 0 || frame >= freeFrames.length || isFree[(int) frame]) {
            rejectedReleases++;
            return false;
        }
        isFree[(int) frame] = true;
        freeFrames[freeCount++] = (int) frame;
        return true;
    }

    /** Returns the frames of {@code addresses[0..n-1]}; returns how many were accepted. */
    public int release(long[] addresses, int n) {
        int accepted = 0;
        for (int i = 0; i < n; i++) {
            if (release(addresses[i])) accepted++;
        }
        return accepted;
    }

    /** Releases refused because the address was outside the UMEM or its frame already free: each one is a bug. */
    public long rejectedReleases() {
        return rejectedReleases;
    }
}
