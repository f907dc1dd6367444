package dev.booster.afxdp.xsk;

import dev.booster.host.ffi.Errno;
import dev.booster.host.ffi.Libc;
import dev.booster.afxdp.ffi.Libxdp;
import dev.booster.host.ffi.NativeCallException;
import dev.booster.api.InvalidSpecException;
import dev.booster.api.pod.InterfaceNames;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * An AF_XDP socket bound to one queue of one interface, over a {@link Umem} it may share with other sockets: it
 * registers the UMEM's memory itself and has its own fill and completion rings, while the frames come from, and go
 * back to, the UMEM's one {@link FramePool}. A frame received on one socket can be transmitted on another as it is.
 * Opening it also puts an XDP program on the interface that redirects the queue's frames into this socket (see
 * {@link XdpProgramMode}); closing it detaches the program again once no socket uses it, and gives the pool back every
 * frame the socket still held.
 *
 * <p>The batch calls below are the packet path: they allocate nothing, take no lock, throw nothing in normal
 * operation, and make a syscall only when the kernel asks for a wakeup (or always, without need-wakeup). One
 * thread drives all sockets of a UMEM and owns its frame pool. A typical loop:
 * <pre>{@code
 * socket.reclaimCompleted(batch);          // finished TX frames back to the pool
 * socket.refill(batch);                    // free frames to the kernel to receive into
 * int n = socket.receive(addrs, lens, batch);
 * ... process umem.area() at addrs[i], lens[i] bytes; then transmit them (on this or another socket of the UMEM)
 *     or umem.frames().release(addr) ...
 * int sent = socket.transmit(outAddrs, outLens, m);   // frames not accepted stay the caller's
 * }</pre>
 */
public final class XskSocket implements AutoCloseable {
    /**
     * How long {@link #open} keeps retrying a bind that fails with EBUSY: the kernel lets go of a closed socket's
     * queue in deferred work, so binding it again right after a close is refused for a few milliseconds.
     */
    public static final Duration QUEUE_RELEASE_PATIENCE = Duration.ofSeconds(2);
    /** Frames one copy-mode kick transmits when the kernel cannot be told otherwise (its TX_BATCH_SIZE). */
    static final int DEFAULT_TX_BUDGET = 32;

    private final Libxdp libxdp;
    private final Umem umem;
    private final String interfaceName;
    private final int queue;
    private final XskConfig config;
    private final Arena structs;
    private final Arena ringScope;
    private final MemorySegment registration;
    private final short holder;
    private final MemorySegment handle;
    private final int fd;
    private final boolean zeroCopy;
    private final ConsumerRing rx;
    private final ProducerRing tx;
    private final ProducerRing fill;
    private final ConsumerRing completion;
    private final FramePool frames;
    private final MemorySegment callState;
    private final MemorySegment pollFd;
    private final boolean needWakeup;
    private XskProgram.Registration program;
    private long txWakeups;
    private long fillWakeups;
    private long failedWakeups;
    private long refusedFrames;
    /** Frames put on the TX ring whose completion has not been reclaimed yet. */
    private int txInFlight;
    private int lastWakeupErrno;
    private int txBudget = DEFAULT_TX_BUDGET;
    private boolean closed;

    private XskSocket(Libxdp libxdp, Umem umem, short holder, String interfaceName, int queue, XskConfig config,
                      Registration registration, MemorySegment handle, MemorySegment rxStruct, MemorySegment txStruct) {
        this.libxdp = libxdp;
        this.umem = umem;
        this.holder = holder;
        this.interfaceName = interfaceName;
        this.queue = queue;
        this.config = config;
        this.structs = registration.structs;
        this.registration = registration.handle;
        this.handle = handle;
        this.fd = libxdp.socketFd(handle);
        this.ringScope = Arena.ofShared();
        this.rx = ConsumerRing.fromStruct(rxStruct, true, ringScope);
        this.tx = ProducerRing.fromStruct(txStruct, true, ringScope);
        this.fill = ProducerRing.fromStruct(registration.fill, false, ringScope);
        this.completion = ConsumerRing.fromStruct(registration.completion, false, ringScope);
        this.frames = umem.frames();
        this.callState = Libc.allocateCallState(structs);
        this.pollFd = structs.allocate(Libc.POLLFD);
        this.needWakeup = config.needWakeup();
        this.zeroCopy = queryZeroCopy(fd, interfaceName, queue);
    }

    /**
     * Creates a socket on {@code interfaceName}'s {@code queue} (in the calling thread's network namespace) over
     * {@code umem}, which other sockets may share (up to {@link UmemConfig#maxSockets()}).
     *
     * @throws InvalidSpecException                                    bad interface name or queue
     * @throws IllegalStateException                                   the UMEM is closed or shared by as many sockets as it allows
     * @throws dev.booster.host.ffi.NativeCallException               the kernel or libxdp refused; the message says why and what helps
     * @throws dev.booster.host.ffi.NativeLibraryUnavailableException libxdp is missing
     */
    public static XskSocket open(Umem umem, String interfaceName, int queue, XskConfig config) {
        InterfaceNames.check("interfaceName", interfaceName);
        if (queue < 0) throw new InvalidSpecException("queue", queue + " is negative; queues count from 0");
        Objects.requireNonNull(umem, "umem");
        Objects.requireNonNull(config, "config");
        Libxdp libxdp = Libxdp.load();
        String name = "XskSocket[" + interfaceName + " queue " + queue + "]";
        short holder = umem.attach(name);
        Registration registration;
        try {
            registration = Registration.create(libxdp, umem);
        } catch (RuntimeException e) {
            umem.detach(holder); // it held no frame yet
            throw e;
        }
        MemorySegment handle;
        MemorySegment rxStruct;
        MemorySegment txStruct;
        try {
            rxStruct = registration.structs.allocate(Libxdp.XSK_RING);
            txStruct = registration.structs.allocate(Libxdp.XSK_RING);
            handle = create(libxdp, registration.handle, interfaceName, queue, config, registration.structs, rxStruct, txStruct);
        } catch (RuntimeException e) {
            try {
                registration.delete(libxdp);
                umem.detach(holder);
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        XskSocket socket = null;
        try {
            socket = new XskSocket(libxdp, umem, holder, interfaceName, queue, config, registration, handle, rxStruct, txStruct);
            socket.raiseTxBudget();
            if (config.program() == XdpProgramMode.BOOSTER) {
                socket.program = XskProgram.register(interfaceName, queue, socket.fd, config.attachMode());
            }
            return socket;
        } catch (RuntimeException e) {
            try {
                if (socket != null) {
                    socket.close();
                } else {
                    libxdp.socketDelete(handle);
                    registration.delete(libxdp);
                    umem.detach(holder);
                }
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    /**
     * This socket's registration of the UMEM's memory (libxdp's {@code struct xsk_umem}: the kernel's UMEM, whose
     * descriptor becomes the socket's, and its fill and completion rings). Deleting the socket unmaps those rings;
     * deleting the registration closes the descriptor, which is when the kernel lets go of the queue and the memory.
     */
    private record Registration(Arena structs, MemorySegment handle, MemorySegment fill, MemorySegment completion) {
        static Registration create(Libxdp libxdp, Umem umem) {
            UmemConfig config = umem.config();
            Arena structs = Arena.ofShared();
            try {
                // Zeroed by the arena: libxdp leaves the completion ring's cached indexes to the caller.
                MemorySegment fill = structs.allocate(Libxdp.XSK_RING);
                MemorySegment completion = structs.allocate(Libxdp.XSK_RING);
                MemorySegment umemConfig = structs.allocate(Libxdp.XSK_UMEM_CONFIG);
                umemConfig.set(JAVA_INT, 0, config.fillRingSize());
                umemConfig.set(JAVA_INT, 4, config.completionRingSize());
                umemConfig.set(JAVA_INT, 8, config.frameSize());
                umemConfig.set(JAVA_INT, 12, config.frameHeadroom());
                umemConfig.set(JAVA_INT, 16, 0);
                MemorySegment handle = libxdp.umemCreate(umem.mapping(), config.byteSize(), fill, completion, umemConfig);
                return new Registration(structs, handle, fill, completion);
            } catch (RuntimeException e) {
                structs.close();
                throw e;
            }
        }

        void delete(Libxdp libxdp) {
            try {
                libxdp.umemDelete(handle);
            } finally {
                structs.close();
            }
        }
    }

    private static MemorySegment create(Libxdp libxdp, MemorySegment umem, String interfaceName, int queue, XskConfig config,
                                        Arena structs, MemorySegment rx, MemorySegment tx) {
        MemorySegment socketConfig = structs.allocate(Libxdp.XSK_SOCKET_CONFIG);
        socketConfig.set(JAVA_INT, 0, config.rxRingSize());
        socketConfig.set(JAVA_INT, 4, config.txRingSize());
        socketConfig.set(JAVA_INT, 8, config.program() == XdpProgramMode.LIBXDP ? 0 : Libxdp.XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD);
        socketConfig.set(JAVA_INT, 12, config.attachMode() == XdpAttachMode.GENERIC
                ? Libxdp.XDP_FLAGS_SKB_MODE : Libxdp.XDP_FLAGS_DRV_MODE);
        short wakeup = config.needWakeup() ? Libxdp.XDP_USE_NEED_WAKEUP : 0;
        if (config.bindMode() == BindMode.COPY) {
            socketConfig.set(JAVA_SHORT, 16, (short) (Libxdp.XDP_COPY | wakeup));
            return createPatiently(libxdp, interfaceName, queue, umem, rx, tx, socketConfig);
        }
        socketConfig.set(JAVA_SHORT, 16, (short) (Libxdp.XDP_ZEROCOPY | wakeup));
        try {
            return createPatiently(libxdp, interfaceName, queue, umem, rx, tx, socketConfig);
        } catch (NativeCallException zeroCopyRefused) {
            if (config.bindMode() == BindMode.ZERO_COPY || !driverLacksZeroCopy(zeroCopyRefused.errno())) throw zeroCopyRefused;
            // libxdp cleaned up after the failed bind (rings unmapped, UMEM untouched), so copy mode can start afresh.
            socketConfig.set(JAVA_SHORT, 16, (short) (Libxdp.XDP_COPY | wakeup));
            try {
                return createPatiently(libxdp, interfaceName, queue, umem, rx, tx, socketConfig);
            } catch (NativeCallException copyRefused) {
                copyRefused.addSuppressed(zeroCopyRefused);
                throw copyRefused;
            }
        }
    }

    /**
     * The kernel releases a closed socket's hold on its queue in deferred work, so binding the same queue right
     * after a close fails with EBUSY for a few milliseconds: retry that for a while before believing it.
     */
    private static MemorySegment createPatiently(Libxdp libxdp, String interfaceName, int queue, MemorySegment umem,
                                                 MemorySegment rx, MemorySegment tx, MemorySegment socketConfig) {
        long deadline = System.nanoTime() + QUEUE_RELEASE_PATIENCE.toNanos();
        long pauseMillis = 5;
        while (true) {
            try {
                return libxdp.socketCreate(interfaceName, queue, umem, rx, tx, socketConfig);
            } catch (NativeCallException e) {
                if (e.errno() != Errno.EBUSY || System.nanoTime() + pauseMillis * 1_000_000 > deadline) throw e;
                try {
                    Thread.sleep(pauseMillis);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
                pauseMillis = Math.min(pauseMillis * 2, 100);
            }
        }
    }

    private static boolean driverLacksZeroCopy(int errno) {
        return errno == Errno.EOPNOTSUPP || errno == Errno.ENOTSUPP || errno == Errno.EPROTONOSUPPORT;
    }

    /**
     * Copy mode transmits at most 32 frames per {@code sendto} unless told otherwise (Linux 6.17+): let one kick take a
     * whole TX ring. Older kernels do not know the option; they keep their 32.
     */
    private void raiseTxBudget() {
        if (zeroCopy) return;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment budget = arena.allocate(JAVA_INT);
            budget.set(JAVA_INT, 0, tx.size());
            Libc.setsockopt(fd, Libxdp.SOL_XDP, Libxdp.XDP_MAX_TX_SKB_BUDGET, budget, "XDP_MAX_TX_SKB_BUDGET of " + this);
            txBudget = tx.size();
        } catch (NativeCallException olderKernel) {
            txBudget = DEFAULT_TX_BUDGET;
        }
    }

    private static boolean queryZeroCopy(int fd, String interfaceName, int queue) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment options = arena.allocate(Libxdp.XDP_OPTIONS_LAYOUT);
            Libc.getsockopt(fd, Libxdp.SOL_XDP, Libxdp.XDP_OPTIONS, options, "XDP_OPTIONS of " + interfaceName + " queue " + queue);
            return (options.get(JAVA_INT, 0) & Libxdp.XDP_OPTIONS_ZEROCOPY) != 0;
        }
    }

    public Umem umem() {
        return umem;
    }

    public String interfaceName() {
        return interfaceName;
    }

    public int queue() {
        return queue;
    }

    public XskConfig config() {
        return config;
    }

    /** The socket descriptor (for poll/epoll loops of the caller's own). */
    public int fd() {
        return fd;
    }

    /** True when the driver moves frames straight into the UMEM; false in copy mode. */
    public boolean isZeroCopy() {
        return zeroCopy;
    }

    /** The RX ring (low level: {@link #receive} drives it). */
    public ConsumerRing rxRing() {
        return rx;
    }

    /** The TX ring (low level: {@link #transmit} drives it). */
    public ProducerRing txRing() {
        return tx;
    }

    /** This socket's fill ring (low level: {@link #refill} drives it). */
    public ProducerRing fillRing() {
        return fill;
    }

    /** This socket's completion ring (low level: {@link #reclaimCompleted} drives it). */
    public ConsumerRing completionRing() {
        return completion;
    }

    /** Frames this socket holds: in its fill ring, taken by the kernel, in its RX ring, on its TX ring, or completed and not reclaimed. */
    public int heldFrames() {
        return frames.held(holder);
    }

    /** Frames transmitted and not yet reclaimed from the completion ring (part of {@link #heldFrames()}). */
    public int txInFlight() {
        return txInFlight;
    }

    /** Frames one {@code sendto} kick transmits in copy mode: the TX ring's size when the kernel lets us say so, else 32. */
    public int txBudget() {
        return txBudget;
    }

    /** Descriptors refused because they named a frame this socket did not hold (RX, completion) or the caller did not (TX): each a bug. */
    public long refusedFrames() {
        return refusedFrames;
    }

    /**
     * Takes up to {@code max} received frames: their UMEM addresses into {@code addresses}, lengths into
     * {@code lengths} (capped by the arrays' lengths). The frames then belong to the caller, who transmits them (on
     * any socket of the UMEM) or releases them to {@code umem().frames()}. When nothing is there and the kernel waits
     * for a fill-ring wakeup, it gets one.
     */
    public int receive(long[] addresses, int[] lengths, int max) {
        int n = rx.peek(Math.min(max, Math.min(addresses.length, lengths.length)));
        if (n == 0) {
            if (needWakeup && fill.needsWakeup()) wakeFill();
            return 0;
        }
        int taken = 0;
        for (int k = 0; k < n; k++) {
            long address = rx.descriptorAddress(k);
            // A frame this socket never gave the kernel would be someone else's: skip it rather than hand it out twice.
            if (frames.received(address, holder)) {
                addresses[taken] = address;
                lengths[taken++] = rx.descriptorLength(k);
            } else {
                refusedFrames++;
            }
        }
        rx.release(n);
        return taken;
    }

    /**
     * Queues {@code addresses[0..n-1]} ({@code lengths[i]} bytes each) for transmission and returns how many the
     * TX ring took; the first that many now belong to the kernel until {@link #reclaimCompleted} returns them to
     * the pool, the rest stay the caller's. Kicks the kernel when it asks to be woken (always without need-wakeup).
     */
    public int transmit(long[] addresses, int[] lengths, int n) {
        int accepted = tx.reserve(Math.min(n, Math.min(addresses.length, lengths.length)));
        for (int k = 0; k < accepted; k++) {
            tx.putDescriptor(k, addresses[k], lengths[k]);
            // A frame the caller did not hold is sent all the same (the kernel only reads it), but stays where it was.
            if (!frames.lend(addresses[k], holder)) refusedFrames++;
        }
        tx.submit(accepted);
        txInFlight += accepted;
        if (n > 0 && (!needWakeup || tx.needsWakeup())) wakeTx();
        return accepted;
    }

    /** Descriptors on the TX ring the kernel has not taken yet. */
    public int txPending() {
        return tx.size() - tx.freeSlots(tx.size());
    }

    /**
     * Kicks the kernel until it has taken everything on the TX ring, at most {@code maxKicks} times and only while it
     * asks to be woken (with need-wakeup); returns what is left. Needed in copy mode, where one kick sends at most
     * {@link #txBudget()} frames and answers EAGAIN for the rest.
     */
    public int flushTx(int maxKicks) {
        int pending = txPending();
        for (int k = 0; k < maxKicks && pending > 0; k++) {
            if (needWakeup && !tx.needsWakeup()) break; // the driver is at it without a syscall (copy mode always asks)
            wakeTx();
            pending = txPending();
        }
        return pending;
    }

    /** Returns up to {@code max} frames the kernel has finished transmitting to the frame pool; returns how many. */
    public int reclaimCompleted(int max) {
        int n = completion.peek(max);
        for (int k = 0; k < n; k++) {
            if (!frames.completed(completion.address(k), holder)) refusedFrames++;
        }
        completion.release(n);
        txInFlight -= n;
        return n;
    }

    /**
     * Fills the fill ring with up to {@code max} frames of the pool's stash ({@link UmemConfig#stashFrames()}); returns
     * how many. For the control plane, between {@link #open} and handing the socket to the thread that drives the
     * UMEM's sockets, so frames that arrive before that thread first serves the socket find room (and are not
     * dropped). Not on the packet path (it allocates an array).
     */
    public int prefill(int max) {
        int room = fill.reserve(Math.max(0, max));
        long[] stashed = new long[room];
        int n = frames.takeStashed(holder, stashed, room);
        for (int k = 0; k < n; k++) {
            fill.putAddress(k, stashed[k]);
        }
        fill.submit(n);
        return n;
    }

    /**
     * Gives the kernel up to {@code max} free frames from the pool to receive into; returns how many. Collects the
     * frames of closed sockets of the UMEM first.
     */
    public int refill(int max) {
        frames.collectReturns();
        int n = fill.reserve(Math.min(max, frames.available()));
        if (n == 0) return 0; // a full ring or an empty pool: nothing to publish, so no release store and no flag read
        frames.allocateInto(fill, holder, n);
        fill.submit(n);
        if (needWakeup && fill.needsWakeup()) wakeFill();
        return n;
    }

    /**
     * Waits up to {@code timeoutMillis} (0: do not wait, -1: forever) for received frames; true when there are
     * some. {@code poll} also serves as the RX wakeup.
     */
    public boolean awaitReceive(int timeoutMillis) {
        pollFd.set(JAVA_INT, Libc.POLLFD_FD, fd);
        pollFd.set(JAVA_SHORT, Libc.POLLFD_EVENTS, Libc.POLLIN);
        pollFd.set(JAVA_SHORT, Libc.POLLFD_REVENTS, (short) 0);
        int ready = Libc.poll(callState, pollFd, 1, timeoutMillis);
        return ready > 0 && (pollFd.get(JAVA_SHORT, Libc.POLLFD_REVENTS) & Libc.POLLIN) != 0;
    }

    private void wakeTx() {
        txWakeups++;
        if (Libc.sendtoEmpty(callState, fd, Libc.MSG_DONTWAIT) < 0) noteWakeupFailure(Libc.errno(callState));
    }

    private void wakeFill() {
        fillWakeups++;
        if (Libc.recvfromEmpty(callState, fd, Libc.MSG_DONTWAIT) < 0) noteWakeupFailure(Libc.errno(callState));
    }

    /** The kernel is busy or has nothing to say (the usual answers, as in the kernel's xdpsock sample); anything else is counted. */
    private void noteWakeupFailure(int errno) {
        if (errno == Errno.EAGAIN || errno == Errno.EBUSY || errno == Errno.ENOBUFS || errno == Errno.ENETDOWN) return;
        failedWakeups++;
        lastWakeupErrno = errno;
    }

    /** sendto kicks made for the TX ring. */
    public long txWakeups() {
        return txWakeups;
    }

    /** recvfrom kicks made for the fill ring. */
    public long fillWakeups() {
        return fillWakeups;
    }

    /** Kicks that failed with something other than "busy, try again"; {@link #lastWakeupErrno()} says what. */
    public long failedWakeups() {
        return failedWakeups;
    }

    public int lastWakeupErrno() {
        return lastWakeupErrno;
    }

    /** The kernel's counters for this socket. */
    public XskStatistics statistics() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment stats = arena.allocate(Libxdp.XDP_STATISTICS_LAYOUT);
            Libc.getsockopt(fd, Libxdp.SOL_XDP, Libxdp.XDP_STATISTICS, stats,
                    "XDP_STATISTICS of " + interfaceName + " queue " + queue);
            return new XskStatistics(stats.get(JAVA_LONG, 0), stats.get(JAVA_LONG, 8), stats.get(JAVA_LONG, 16),
                    stats.get(JAVA_LONG, 24), stats.get(JAVA_LONG, 32), stats.get(JAVA_LONG, 40));
        }
    }

    /**
     * Deletes the socket and its registration of the UMEM: its four rings are unmapped, the descriptor is closed (the
     * kernel writes into no frame of it after that), and the program is detached when no other socket uses it. Then
     * every frame the socket still held (fill ring, RX ring, TX in flight, frames the kernel had taken) goes back to
     * the pool: at once when it was the UMEM's last socket, else collected by the thread that drives the others.
     * Idempotent; call from the thread that drives the socket, or once it no longer does. When a step fails the
     * frames stay held (the kernel might still write into them), and the UMEM cannot be closed.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) return;
            closed = true;
        }
        List<RuntimeException> failures = new ArrayList<>();
        Umem.run(failures, () -> {
            if (program != null) program.close();
        });
        Umem.run(failures, ringScope::close);
        Umem.run(failures, () -> libxdp.socketDelete(handle));
        Umem.run(failures, () -> libxdp.umemDelete(registration));
        Umem.run(failures, structs::close);
        if (failures.isEmpty()) Umem.run(failures, () -> umem.detach(holder));
        if (!failures.isEmpty()) {
            RuntimeException first = failures.getFirst();
            failures.stream().skip(1).forEach(first::addSuppressed);
            throw first;
        }
    }

    @Override
    public String toString() {
        return "XskSocket[" + interfaceName + " queue " + queue + (zeroCopy ? ", zero-copy" : ", copy") + "]";
    }
}
