package dev.booster.afxdp.xsk;

import dev.booster.afxdp.ffi.Libc;
import dev.booster.afxdp.ffi.Libxdp;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * A UMEM: the page-aligned packet memory an AF_XDP socket receives into and transmits from, registered with the
 * kernel, with its fill ring (frames handed to the kernel to receive into) and completion ring (frames the kernel
 * has finished transmitting), and the {@link FramePool} of frames that are in neither.
 *
 * <p>A UMEM serves one {@link XskSocket} in its life: libxdp unmaps the fill and completion rings when that socket
 * is deleted, so after the socket closes the rings are gone and this UMEM can only be closed. Close the socket
 * first (try-with-resources in the natural order does). Views handed out ({@link #area()}, the rings) fail with
 * {@link IllegalStateException} once their memory is gone rather than touch unmapped memory.
 */
public final class Umem implements AutoCloseable {
    private enum State { OPEN, BOUND, RETIRED, CLOSED }

    private final Libxdp libxdp;
    private final UmemConfig config;
    private final MemorySegment mapping;
    private final Arena structs;
    private final Arena areaScope;
    private final Arena ringScope;
    private final MemorySegment handle;
    private final MemorySegment area;
    private final ProducerRing fillRing;
    private final ConsumerRing completionRing;
    private final FramePool frames;
    private State state = State.OPEN;
    private String boundTo = "";

    @SuppressWarnings("restricted") // the mapping is exactly byteSize() long and outlives areaScope
    private Umem(Libxdp libxdp, UmemConfig config, MemorySegment mapping, Arena structs, MemorySegment handle,
                 MemorySegment fillStruct, MemorySegment compStruct) {
        this.libxdp = libxdp;
        this.config = config;
        this.mapping = mapping;
        this.structs = structs;
        this.handle = handle;
        this.areaScope = Arena.ofShared();
        this.ringScope = Arena.ofShared();
        this.area = mapping.reinterpret(config.byteSize(), areaScope, null);
        this.fillRing = ProducerRing.fromStruct(fillStruct, false, ringScope);
        this.completionRing = ConsumerRing.fromStruct(compStruct, false, ringScope);
        this.frames = new FramePool(config.frameCount(), config.frameSize());
    }

    /**
     * Maps {@code config.byteSize()} bytes of anonymous memory and registers it as a UMEM.
     *
     * @throws dev.booster.afxdp.ffi.NativeLibraryUnavailableException libxdp is missing
     * @throws dev.booster.afxdp.ffi.NativeCallException               the kernel refused (the message says why)
     */
    public static Umem create(UmemConfig config) {
        Objects.requireNonNull(config, "config");
        Libxdp libxdp = Libxdp.load();
        MemorySegment mapping = Libc.mmap(config.byteSize(), Libc.PROT_READ | Libc.PROT_WRITE,
                Libc.MAP_PRIVATE | Libc.MAP_ANONYMOUS, -1, 0, "UMEM");
        Arena structs = Arena.ofShared();
        try {
            // Zeroed by the arena: libxdp leaves the completion ring's cached indexes to the caller.
            MemorySegment fill = structs.allocate(Libxdp.XSK_RING);
            MemorySegment comp = structs.allocate(Libxdp.XSK_RING);
            MemorySegment umemConfig = structs.allocate(Libxdp.XSK_UMEM_CONFIG);
            umemConfig.set(JAVA_INT, 0, config.fillRingSize());
            umemConfig.set(JAVA_INT, 4, config.completionRingSize());
            umemConfig.set(JAVA_INT, 8, config.frameSize());
            umemConfig.set(JAVA_INT, 12, config.frameHeadroom());
            umemConfig.set(JAVA_INT, 16, 0);
            MemorySegment handle = libxdp.umemCreate(mapping, config.byteSize(), fill, comp, umemConfig);
            return new Umem(libxdp, config, mapping, structs, handle, fill, comp);
        } catch (RuntimeException e) {
            structs.close();
            try {
                Libc.munmap(mapping, config.byteSize(), "UMEM");
            } catch (RuntimeException unmap) {
                e.addSuppressed(unmap);
            }
            throw e;
        }
    }

    public UmemConfig config() {
        return config;
    }

    /** The whole packet memory: the frame at UMEM address {@code a} starts at byte {@code a} of this segment. */
    public MemorySegment area() {
        return area;
    }

    /** The frames held by nobody; take TX frames from here and give RX frames back here. */
    public FramePool frames() {
        return frames;
    }

    /** The fill ring (low level: {@link XskSocket#refill} drives it together with the pool). */
    public ProducerRing fillRing() {
        return fillRing;
    }

    /** The completion ring (low level: {@link XskSocket#reclaimCompleted} drives it together with the pool). */
    public ConsumerRing completionRing() {
        return completionRing;
    }

    /** The UMEM's descriptor, which is also the first socket's descriptor. */
    public int fd() {
        ensureUsable();
        return libxdp.umemFd(handle);
    }

    public synchronized boolean isClosed() {
        return state == State.CLOSED;
    }

    synchronized MemorySegment bind(String socketName) {
        switch (state) {
            case OPEN -> {
                state = State.BOUND;
                boundTo = socketName;
                return handle;
            }
            case BOUND -> throw new UnsupportedOperationException("this UMEM already serves " + boundTo
                    + "; sharing a UMEM between sockets needs per-socket fill and completion rings and a thread-safe frame pool, "
                    + "which Booster does not do yet: create one Umem per socket");
            case RETIRED -> throw new IllegalStateException("this UMEM served " + boundTo
                    + ", which is closed; libxdp unmapped its fill and completion rings then: create a new Umem");
            default -> throw new IllegalStateException("UMEM is closed");
        }
    }

    /** The socket failed to open before it existed: nothing of the UMEM was changed, it can be bound again. */
    synchronized void bindFailed() {
        if (state == State.BOUND) {
            state = State.OPEN;
            boundTo = "";
        }
    }

    /** Called before the socket is deleted: its rings are about to be unmapped, so their views must die first. */
    synchronized void socketClosing() {
        state = State.RETIRED;
        ringScope.close();
    }

    private synchronized void ensureUsable() {
        if (state == State.CLOSED) throw new IllegalStateException("UMEM is closed");
    }

    /**
     * Unregisters and unmaps the memory. Idempotent.
     *
     * @throws IllegalStateException a socket still uses this UMEM (close it first)
     */
    @Override
    public synchronized void close() {
        if (state == State.CLOSED) return;
        if (state == State.BOUND) {
            throw new IllegalStateException("close " + boundTo + " before its UMEM: the kernel still uses this memory");
        }
        state = State.CLOSED;
        List<RuntimeException> failures = new ArrayList<>();
        run(failures, () -> {
            if (ringScope.scope().isAlive()) ringScope.close();
        });
        run(failures, areaScope::close);
        run(failures, () -> libxdp.umemDelete(handle));
        run(failures, () -> Libc.munmap(mapping, config.byteSize(), "UMEM"));
        run(failures, structs::close);
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
    public String toString() {
        return "Umem[" + config.frameCount() + " x " + config.frameSize() + " bytes, " + state.name().toLowerCase() + "]";
    }
}
