package dev.booster.afxdp.xsk;

import dev.booster.host.ffi.Libc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A UMEM: page-aligned packet memory that AF_XDP sockets receive into and transmit from, with the {@link FramePool}
 * that says who holds each frame. Up to {@link UmemConfig#maxSockets()} sockets share it at once, each with its own
 * fill and completion rings, so a frame received on one socket is transmitted on another by handing over its address:
 * nothing is copied.
 *
 * <p><b>How the sharing is done.</b> Each {@link XskSocket} registers this same memory with the kernel on its own
 * ({@code xsk_umem__create} over the same area: one registration per socket, each pinning the same pages) instead of
 * binding with {@code XDP_SHARED_UMEM}. In copy mode the two are the same to the kernel (it copies into and out of the
 * user pages by address), and the per-socket registration avoids what makes {@code XDP_SHARED_UMEM} unfit for pods
 * that come and go: a shared bind needs the socket that registered the UMEM to stay bound (the first pod's, which may
 * leave first, after which no further socket can share), and every sharer inherits that socket's copy or zero-copy
 * mode. The price: each registration counts the whole area against RLIMIT_MEMLOCK for a process without
 * CAP_IPC_LOCK, and the kernel keeps a page list per socket.
 *
 * <p>The sockets are driven by one thread, which owns the pool; the control plane only opens and closes them. Close
 * every socket before the UMEM (try-with-resources in the natural order does).
 */
public final class Umem implements AutoCloseable {
    private final UmemConfig config;
    private final MemorySegment mapping;
    private final Arena areaScope;
    private final MemorySegment area;
    private final FramePool frames;
    /** Open sockets by holder number, for messages. */
    private final Map<Short, String> sockets = new LinkedHashMap<>();
    private boolean closed;

    @SuppressWarnings("restricted") // the mapping is exactly byteSize() long and outlives areaScope
    private Umem(UmemConfig config, MemorySegment mapping) {
        this.config = config;
        this.mapping = mapping;
        this.areaScope = Arena.ofShared();
        this.area = mapping.reinterpret(config.byteSize(), areaScope, null);
        this.frames = new FramePool(config.frameCount(), config.frameSize(), config.maxSockets(), config.stashFrames());
    }

    /**
     * Maps {@code config.byteSize()} bytes of anonymous memory (zeroed; pinned by the kernel when the first socket
     * registers it).
     *
     * @throws dev.booster.host.ffi.NativeCallException the kernel refused the mapping (the message says why)
     */
    public static Umem create(UmemConfig config) {
        Objects.requireNonNull(config, "config");
        MemorySegment mapping = Libc.mmap(config.byteSize(), Libc.PROT_READ | Libc.PROT_WRITE,
                Libc.MAP_PRIVATE | Libc.MAP_ANONYMOUS, -1, 0, "UMEM");
        return new Umem(config, mapping);
    }

    public UmemConfig config() {
        return config;
    }

    /** The whole packet memory: the frame at UMEM address {@code a} starts at byte {@code a} of this segment. */
    public MemorySegment area() {
        return area;
    }

    /** Who holds each frame; take TX frames from here and give RX frames back here (on the thread driving the sockets). */
    public FramePool frames() {
        return frames;
    }

    /** The memory as the kernel registers it (the start of the mapping). */
    MemorySegment mapping() {
        return mapping;
    }

    /** Sockets open on this UMEM now. */
    public synchronized int socketCount() {
        return sockets.size();
    }

    public synchronized boolean isClosed() {
        return closed;
    }

    /**
     * A socket is about to register this memory: returns its holder number in the frame pool.
     *
     * @throws IllegalStateException the UMEM is closed, or {@code maxSockets} sockets share it already
     */
    synchronized short attach(String socketName) {
        if (closed) throw new IllegalStateException("UMEM is closed");
        if (sockets.size() >= config.maxSockets()) {
            throw new IllegalStateException("this UMEM is shared by " + sockets.size() + " sockets, the most it was made for ("
                    + String.join(", ", sockets.values()) + "): close one, or create the UMEM with a larger UmemConfig.maxSockets");
        }
        short holder = frames.openHolder();
        sockets.put(holder, socketName);
        return holder;
    }

    /**
     * The socket {@code holder} is closed (or never opened): the frames it held come back to the pool, at once when no
     * other socket is open (nobody drives the pool), else at the driving thread's next {@link FramePool#collectReturns()}.
     */
    synchronized void detach(short holder) {
        sockets.remove(holder);
        frames.closeHolder(holder, sockets.isEmpty());
    }

    /**
     * Unmaps the memory. Idempotent.
     *
     * @throws IllegalStateException a socket still uses this UMEM (close it first: the kernel may still write into it)
     */
    @Override
    public synchronized void close() {
        if (closed) return;
        if (!sockets.isEmpty()) {
            throw new IllegalStateException("close " + String.join(", ", sockets.values()) + " before its UMEM: the kernel still uses this memory");
        }
        closed = true;
        List<RuntimeException> failures = new ArrayList<>();
        run(failures, areaScope::close);
        run(failures, () -> Libc.munmap(mapping, config.byteSize(), "UMEM"));
        if (!failures.isEmpty()) {
            RuntimeException first = failures.getFirst();
            failures.stream().skip(1).forEach(first::addSuppressed);
            throw first;
        }
    }

    static void run(List<RuntimeException> failures, Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            failures.add(e);
        }
    }

    @Override
    public synchronized String toString() {
        return "Umem[" + config.frameCount() + " x " + config.frameSize() + " bytes, " + sockets.size() + " of "
                + config.maxSockets() + " sockets" + (closed ? ", closed" : "") + "]";
    }
}
