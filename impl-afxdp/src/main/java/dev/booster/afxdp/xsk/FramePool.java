package dev.booster.afxdp.xsk;

import java.util.Arrays;

/**
 * The frames of one UMEM and who holds each: the pool itself (free), the application (a received or allocated frame
 * in the engine's hands), or one of the sockets sharing the UMEM (a frame in its fill ring, in the kernel, in its RX
 * ring, on its TX ring or in its completion ring). Free frames are a stack of frame indexes, so taking and returning
 * one is an array access and allocates nothing. A frame is named by its UMEM address; any address inside a frame
 * (the kernel hands out addresses past the headroom) names that frame.
 *
 * <p>Every move between holders says where the frame comes from, and a move from the wrong place is refused and
 * counted ({@link #rejectedReleases()}) instead of throwing on the packet path: a frame is never free twice, and a
 * frame handed to a socket is never taken back from a different one. The per-socket counts ({@link #held}) let each
 * socket's fill ring be topped up to a fair share.
 *
 * <p><b>Threads.</b> One thread owns the pool (the engine's worker, or whoever drives the sockets) and makes every
 * move. The control plane opens and closes socket holders ({@link #openHolder}, {@link #closeHolder}) and may fill a
 * new socket's fill ring before the owner drives it, with frames the owner set aside for that ({@link #takeStashed},
 * up to {@code stashSize}). The frames a closed socket still held (its fill ring, RX and TX rings in flight, frames
 * the kernel had taken) are marked {@linkplain #RETURNING returning}. The owner catches up with both in its next
 * {@link #collectReturns()}: it moves returning frames back onto the free stack and tops the stash up again; that
 * costs one volatile read when the control plane did nothing. This is safe because only moves of a socket touch its
 * frames, the owner never touches a stashed frame, a new socket reaches the owner only after its frames were taken
 * (through the engine's published state), and the caller guarantees the owner makes no more moves for a closed one.
 */
public final class FramePool {
    /** What {@link #allocate()} returns when every frame is in use. */
    public static final long NO_FRAME = -1L;
    /** Holder of a free frame. */
    static final short FREE = 0;
    /** Holder of a frame the application holds: received, or allocated and not yet handed to a socket. */
    public static final short APPLICATION = 1;
    /** Holder of a frame whose socket closed, until the owner thread puts it back on the free stack. */
    static final short RETURNING = 2;
    /** Holder of a frame the owner set aside for the control plane to put into a new socket's fill ring. */
    static final short STASHED = 3;
    /** The first holder number a socket gets. */
    static final short FIRST_SOCKET = 4;

    private final int[] freeFrames;
    private final short[] holders;
    private final int[] heldBySocket;
    private final boolean[] socketOpen;
    private final int frameShift;
    private int freeCount;
    private long rejectedReleases;
    /** Frames the control plane marked {@link #RETURNING}; written under the pool's lock, read by the owner. */
    private volatile long returnsMarked;
    /** Frames the owner has collected (or the control plane, when no socket was left to drive the owner). */
    private long returnsCollected;
    /** Frame indexes set aside for {@link #takeStashed}: a ring the owner fills and the control plane empties. */
    private final int[] stash;
    /** Stash entries the owner has put in (written by the owner, or by the control plane while no socket is open). */
    private volatile long stashFilled;
    /** Stash entries the control plane has taken out. */
    private volatile long stashTaken;
    /** Bumped by the control plane after it marked returns or took from the stash: the owner's cue to catch up. */
    private volatile long controlChanges;
    private long controlChangesSeen;
    /** The last top-up left the stash short (the pool was low): try again at the next catch-up. */
    private boolean stashShort;

    /** A pool of {@code frameCount} frames of {@code frameSize} bytes (a power of two), all free, for one socket. */
    public FramePool(int frameCount, int frameSize) {
        this(frameCount, frameSize, 1, 0);
    }

    /**
     * A pool of {@code frameCount} frames of {@code frameSize} bytes (a power of two) for up to {@code maxSockets}
     * sockets, of which {@code stashSize} are set aside at once for the control plane to fill new sockets' fill rings
     * with ({@link #takeStashed}); the rest are free.
     */
    public FramePool(int frameCount, int frameSize, int maxSockets, int stashSize) {
        if (frameCount < 1) throw new IllegalArgumentException("frameCount " + frameCount + " must be at least 1");
        if (Integer.bitCount(frameSize) != 1) throw new IllegalArgumentException("frameSize " + frameSize + " is not a power of two");
        if (maxSockets < 1 || maxSockets > Short.MAX_VALUE - FIRST_SOCKET) {
            throw new IllegalArgumentException("maxSockets " + maxSockets + " is out of range; use 1.." + (Short.MAX_VALUE - FIRST_SOCKET));
        }
        if (stashSize < 0 || stashSize > frameCount) {
            throw new IllegalArgumentException("stashSize " + stashSize + " is out of range; use 0.." + frameCount);
        }
        this.freeFrames = new int[frameCount];
        this.holders = new short[frameCount];
        this.heldBySocket = new int[FIRST_SOCKET + maxSockets];
        this.socketOpen = new boolean[FIRST_SOCKET + maxSockets];
        this.frameShift = Integer.numberOfTrailingZeros(frameSize);
        // Lowest addresses on top, so a fresh pool hands out frame 0, 1, 2...: easier to read in a dump.
        for (int i = 0; i < frameCount; i++) {
            freeFrames[i] = frameCount - 1 - i;
        }
        this.freeCount = frameCount;
        this.stash = new int[stashSize];
        topUpStash();
    }

    public int capacity() {
        return freeFrames.length;
    }

    /** Free frames on the stack (not counting those of closed sockets that are still {@linkplain #returnsPending() returning}). */
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

    // ---- moves, by the owner thread ------------------------------------------------------------------------------

    /** Takes a free frame for the application and returns its UMEM address, or {@link #NO_FRAME}. */
    public long allocate() {
        return allocateTo(APPLICATION);
    }

    /** Takes up to {@code max} frames for the application into {@code addresses[0..]}; returns how many. */
    public int allocate(long[] addresses, int max) {
        int n = Math.min(Math.min(max, addresses.length), freeCount);
        for (int i = 0; i < n; i++) {
            addresses[i] = allocate();
        }
        return n;
    }

    /** Takes a free frame for socket {@code holder} (its fill ring) and returns its UMEM address, or {@link #NO_FRAME}. */
    long allocateTo(short holder) {
        if (freeCount == 0) return NO_FRAME;
        int frame = freeFrames[--freeCount];
        holders[frame] = holder;
        if (holder >= FIRST_SOCKET) heldBySocket[holder]++;
        return (long) frame << frameShift;
    }

    /**
     * Takes {@code n} free frames for socket {@code holder} straight into entries {@code 0..n-1} of {@code fill}'s open
     * reservation; {@code n} must not exceed {@link #available()}.
     */
    void allocateInto(ProducerRing fill, short holder, int n) {
        for (int k = 0; k < n; k++) {
            int frame = freeFrames[--freeCount];
            holders[frame] = holder;
            fill.putAddress(k, (long) frame << frameShift);
        }
        heldBySocket[holder] += n;
    }

    /** Returns an application frame to the pool; false (and counted) when the address is outside the UMEM or the application does not hold it. */
    public boolean release(long address) {
        int frame = frameOf(address, APPLICATION);
        if (frame < 0) return false;
        push(frame);
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

    /** The application hands its frame to socket {@code holder} (its TX ring); false (and counted) when it did not hold it. */
    boolean lend(long address, short holder) {
        int frame = frameOf(address, APPLICATION);
        if (frame < 0) return false;
        holders[frame] = holder;
        heldBySocket[holder]++;
        return true;
    }

    /** Socket {@code holder} received into its frame: the application holds it now; false (and counted) when the socket did not hold it. */
    boolean received(long address, short holder) {
        int frame = frameOf(address, holder);
        if (frame < 0) return false;
        holders[frame] = APPLICATION;
        heldBySocket[holder]--;
        return true;
    }

    /** Socket {@code holder} finished transmitting its frame: it is free; false (and counted) when the socket did not hold it. */
    boolean completed(long address, short holder) {
        int frame = frameOf(address, holder);
        if (frame < 0) return false;
        heldBySocket[holder]--;
        push(frame);
        return true;
    }

    /** Frames socket {@code holder} holds (fill ring, kernel, RX ring, TX ring, completion ring). */
    public int held(short holder) {
        return heldBySocket[holder];
    }

    /** Frames the application holds: every frame not free, stashed, held by a socket or returning (counted, not scanned). */
    public int heldByApplication() {
        int bySockets = 0;
        for (int h = FIRST_SOCKET; h < heldBySocket.length; h++) bySockets += heldBySocket[h];
        return capacity() - freeCount - stashed() - bySockets - (int) returnsPending();
    }

    /**
     * Catches up with the control plane: puts the frames of closed sockets back on the free stack and tops the stash up
     * again. Cheap when it did nothing (one volatile read), so the owner calls it once per batch.
     */
    public void collectReturns() {
        long changes = controlChanges;
        if (changes == controlChangesSeen && !stashShort) return;
        controlChangesSeen = changes;
        if (returnsMarked != returnsCollected) collectMarked();
        topUpStash();
    }

    /** Moves free frames into the stash until it is full or the free stack is empty. */
    private void topUpStash() {
        long filled = stashFilled;
        int n = (int) Math.min(stash.length - (filled - stashTaken), freeCount);
        for (int i = 0; i < n; i++) {
            int frame = freeFrames[--freeCount];
            holders[frame] = STASHED;
            stash[(int) ((filled + i) % stash.length)] = frame;
        }
        if (n > 0) stashFilled = filled + n; // volatile write after the entries: the control plane sees them with it
        stashShort = filled + n - stashTaken < stash.length;
    }

    private void collectMarked() {
        long marked = returnsMarked; // read first: every frame it counts is marked by now
        long collected = 0;
        for (int frame = 0; frame < holders.length; frame++) {
            if (holders[frame] == RETURNING) {
                push(frame);
                collected++;
            }
        }
        // Frames marked after `marked` was read and already collected here are counted below, so the next call may
        // find nothing to collect for its difference; it then finds the counters equal again.
        returnsCollected = Math.max(returnsCollected + collected, marked);
    }

    private int frameOf(long address, short expectedHolder) {
        long frame = address >>> frameShift;
        if (address < 0 || frame >= holders.length || holders[(int) frame] != expectedHolder) {
            rejectedReleases++;
            return -1;
        }
        return (int) frame;
    }

    private void push(int frame) {
        holders[frame] = FREE;
        freeFrames[freeCount++] = frame;
    }

    /** Moves refused because the address was outside the UMEM or its frame was somewhere else: each one is a bug. */
    public long rejectedReleases() {
        return rejectedReleases;
    }

    /** Frames of closed sockets the owner has not collected yet (read racily from another thread). */
    public long returnsPending() {
        return Math.max(0, returnsMarked - returnsCollected);
    }

    /** Frames in the stash (read racily from another thread). */
    public int stashed() {
        return (int) (stashFilled - stashTaken);
    }

    public int stashSize() {
        return stash.length;
    }

    // ---- socket holders, by the control plane --------------------------------------------------------------------

    /**
     * A holder number for a new socket.
     *
     * @throws IllegalStateException all {@code maxSockets} are open
     */
    synchronized short openHolder() {
        for (int h = FIRST_SOCKET; h < socketOpen.length; h++) {
            if (!socketOpen[h]) {
                socketOpen[h] = true;
                return (short) h;
            }
        }
        throw new IllegalStateException("all " + (socketOpen.length - FIRST_SOCKET) + " sockets this UMEM was made for are open; "
                + "close one, or create the UMEM with more (UmemConfig.maxSockets)");
    }

    /**
     * Takes up to {@code max} stashed frames for socket {@code holder}, which its owner does not drive yet, into
     * {@code addresses[0..]}; returns how many. When no other socket is open nobody drives the pool, and the stash is
     * topped up here, before and after.
     */
    synchronized int takeStashed(short holder, long[] addresses, int max) {
        requireOpen(holder);
        boolean ownerIdle = openHolders() == 1; // only this new one: nobody drives the pool, so act as its owner
        if (ownerIdle) {
            if (returnsMarked != returnsCollected) collectMarked();
            topUpStash();
        }
        long filled = stashFilled;
        long taken = stashTaken;
        int n = (int) Math.min(Math.min(max, addresses.length), filled - taken);
        for (int i = 0; i < n; i++) {
            int frame = stash[(int) ((taken + i) % stash.length)];
            holders[frame] = holder;
            addresses[i] = (long) frame << frameShift;
        }
        heldBySocket[holder] += n;
        stashTaken = taken + n;
        if (ownerIdle) topUpStash(); else controlChanges = controlChanges + 1;
        return n;
    }

    private void requireOpen(short holder) {
        if (holder < FIRST_SOCKET || holder >= socketOpen.length || !socketOpen[holder]) {
            throw new IllegalArgumentException("holder " + holder + " is not an open socket of this pool");
        }
    }

    /**
     * Takes back every frame socket {@code holder} still held, once that socket is closed (the kernel writes into none
     * of them any more) and the owner thread makes no more moves for it. With {@code ownerIdle} (no other socket is
     * left, so the owner touches the pool no more until a new socket's holder is published to it) they go straight to
     * the free stack, together with any still returning; otherwise they are marked for {@link #collectReturns()}.
     *
     * @return how many frames the socket held
     */
    synchronized int closeHolder(short holder, boolean ownerIdle) {
        requireOpen(holder);
        int taken = 0;
        for (int frame = 0; frame < holders.length; frame++) {
            if (holders[frame] == holder) {
                holders[frame] = RETURNING;
                taken++;
            }
        }
        heldBySocket[holder] = 0;
        socketOpen[holder] = false;
        returnsMarked = returnsMarked + taken; // volatile write after the marks: the owner sees them when it sees this
        if (ownerIdle) {
            if (returnsMarked != returnsCollected) collectMarked();
            topUpStash();
        } else {
            controlChanges = controlChanges + 1;
        }
        return taken;
    }

    /** Sockets with an open holder. */
    synchronized int openHolders() {
        int n = 0;
        for (boolean open : socketOpen) if (open) n++;
        return n;
    }

    @Override
    public String toString() {
        return "FramePool[" + freeCount + " of " + capacity() + " free, " + stashed() + " stashed, " + returnsPending() + " returning, "
                + rejectedReleases + " rejected, holders " + Arrays.toString(Arrays.copyOfRange(heldBySocket, FIRST_SOCKET, heldBySocket.length)) + "]";
    }
}
