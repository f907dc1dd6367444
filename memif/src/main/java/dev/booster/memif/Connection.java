package dev.booster.memif;

import dev.booster.api.pod.Memif.Role;
import dev.booster.memif.ffi.Libc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * An established memif connection: the mapped regions and, per queue, the ring this side receives on and the ring it
 * transmits on. It lives from CONNECTED until either side disconnects; {@link MemifInterface} publishes it to the
 * packet threads with one volatile write and withdraws it before closing it.
 *
 * <p>Packet threads never block teardown for long and never touch freed resources: region memory is guarded by
 * shared arenas (a late access throws), and the interrupt eventfds by a count of threads inside a signal call that
 * {@link #close} waits out before closing the descriptors.
 */
final class Connection implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Connection.class.getName());

    private final Role role;
    private final String peerName;
    private final List<Region> regions;
    private final RxQueue[] rx;
    private final TxQueue[] tx;
    private final List<Integer> eventFds;
    private final AtomicInteger threadsSignalling = new AtomicInteger();
    /** Signalled by {@link #close}, so a receiver sleeping in interrupt mode wakes up at once. */
    private final int closingFd;
    private final MemorySegment one;
    private volatile String failure;
    private volatile boolean closed;

    /** Takes ownership of what {@code parts} holds. */
    Connection(Role role, String peerName, ConnectionParts parts, int bufferSize) {
        this.role = role;
        this.peerName = peerName;
        this.regions = List.copyOf(parts.regions());
        this.eventFds = new ArrayList<>(parts.eventFds());
        this.closingFd = Libc.eventfd(Libc.EFD_NONBLOCK | Libc.EFD_CLOEXEC, "memif connection closing");
        Region[] byIndex = regions.toArray(Region[]::new);
        boolean slave = role == Role.SLAVE;
        // The master receives on slave-to-master rings, the slave on master-to-slave rings.
        List<RingSpec> rxRings = slave ? parts.m2s() : parts.s2m();
        List<RingSpec> txRings = slave ? parts.s2m() : parts.m2s();
        MemorySegment signal = Arena.ofAuto().allocate(JAVA_LONG); // never closed: a signalling thread may still hold it
        signal.set(JAVA_LONG, 0, 1L);
        this.one = signal;
        rx = new RxQueue[rxRings.size()];
        for (int q = 0; q < rx.length; q++) {
            RingSpec spec = rxRings.get(q);
            rx[q] = new RxQueue(this, q, spec, byIndex, slave, bufferSize, Arena.ofAuto().allocate(JAVA_LONG));
        }
        tx = new TxQueue[txRings.size()];
        for (int q = 0; q < tx.length; q++) {
            tx[q] = new TxQueue(this, q, txRings.get(q), byIndex, slave, bufferSize, signal);
        }
    }

    /** Puts the rings in their connected state: counters at 0, polling mode asked of the peer, RX buffers handed out. */
    void start() {
        for (RxQueue queue : rx) queue.start();
        for (TxQueue queue : tx) queue.start();
    }

    Role role() {
        return role;
    }

    String peerName() {
        return peerName;
    }

    int rxQueues() {
        return rx.length;
    }

    int txQueues() {
        return tx.length;
    }

    /** The receive queue {@code q}, or null when the peer set up fewer queues. */
    RxQueue rx(int q) {
        return q < rx.length ? rx[q] : null;
    }

    TxQueue tx(int q) {
        return q < tx.length ? tx[q] : null;
    }

    /** Whether packet calls should do nothing: torn down, or the peer broke the ring protocol. */
    boolean unusable() {
        return closed || failure != null;
    }

    boolean isClosed() {
        return closed;
    }

    /** The reason the peer's ring use was refused, or null. */
    String failure() {
        return failure;
    }

    /**
     * Called from a packet thread: the peer broke the ring protocol. Packet calls stop at once; the control thread,
     * which checks established connections every 100 ms, disconnects the peer with this reason.
     */
    void fail(String reason) {
        if (failure == null) failure = reason;
    }

    /** Signals the peer through {@code fd} unless the connection is being closed (then the fd may be gone). */
    void signal(int fd, MemorySegment counter) {
        if (closed) return;
        threadsSignalling.incrementAndGet();
        try {
            if (!closed) Libc.write(fd, counter);
        } finally {
            threadsSignalling.decrementAndGet();
        }
    }

    /** The eventfd {@link #close} signals; a waiting receiver polls it next to its ring's eventfd. */
    int closingFd() {
        return closingFd;
    }

    /**
     * Waits up to {@code millis} on {@code pollFds}: the ring's eventfd {@code fd}, then {@link #closingFd}. Drains
     * {@code fd} when the peer signalled it.
     */
    void waitSignal(int fd, MemorySegment pollFds, MemorySegment counter, int millis) {
        if (closed) return;
        threadsSignalling.incrementAndGet();
        try {
            if (closed) return;
            pollFds.set(JAVA_SHORT, Libc.POLLFD_REVENTS, (short) 0);
            int ready = Libc.poll(pollFds, 2, millis);
            if (ready > 0 && (pollFds.get(JAVA_SHORT, Libc.POLLFD_REVENTS) & Libc.POLLIN) != 0) Libc.read(fd, counter);
        } finally {
            threadsSignalling.decrementAndGet();
        }
    }

    /** Unmaps the regions and closes the eventfds; idempotent. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        Libc.write(closingFd, one);
        while (threadsSignalling.get() != 0) LockSupport.parkNanos(100_000);
        closeQuietly(closingFd);
        for (int fd : eventFds) closeQuietly(fd);
        eventFds.clear();
        for (Region region : regions) {
            try {
                region.close();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "memif: closing region " + region.index() + " failed: " + e.getMessage());
            }
        }
    }

    static void closeQuietly(int fd) {
        try {
            Libc.close(fd);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "memif: " + e.getMessage());
        }
    }
}
