package dev.booster.afxdp.port;

import dev.booster.host.ffi.Libc;
import dev.booster.engine.IdleStrategy;
import dev.booster.engine.state.ForwardingState;
import dev.booster.engine.state.InterfaceTable;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.locks.LockSupport;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * Lets an idle worker sleep in {@code poll(2)} on its AF_XDP sockets: spin for 200 µs (a burst often continues, and a
 * worker that gives its CPU away between the bursts of a busy stream may not get it back before the RX ring
 * overflows), park in 50 µs steps for a while (latency stays low between close packets), then block until a socket
 * has a frame, the control plane publishes a state ({@link #wakeup()} bumps an eventfd in the same poll set), or a
 * timeout passes (so conntrack expiry still runs now and then).
 *
 * <p>A port that is no AF_XDP socket (a memif) has no descriptor to wait on: while there is one, the timeout is 1 ms.
 *
 * <p>The poll set is rebuilt (off the packet path) only when the worker's interface table changed. Only sockets of
 * the state the worker read this round are polled: a removed port's socket is closed only after the worker caught up
 * with a newer state, which {@link #wakeup()} makes it do at once.
 */
public final class SocketPollIdle implements IdleStrategy {
    /** How long an idle worker spins before it starts parking: it keeps its CPU through the gaps of a busy stream. */
    static final long SPIN_NANOS = 200_000;
    /** 20 parks of 50 µs: the worker stays quick to answer for about a millisecond after the last frame. */
    static final int PARK_ROUNDS = 20;
    static final long PARK_NANOS = 50_000;
    static final int POLL_TIMEOUT_MILLIS = 100;
    /**
     * The timeout while the engine has a port without a descriptor to sleep on (a memif, whose peer writes to shared
     * memory): such a port is looked at at least every millisecond, at the price of a thousand wake-ups a second.
     */
    static final int SHORT_POLL_TIMEOUT_MILLIS = 1;

    private final Arena arena = Arena.ofShared();
    private final int eventFd;
    private final MemorySegment pollFds;
    private final int capacity;
    private final MemorySegment callState;
    private final MemorySegment drained;
    private final MemorySegment one;
    private long idleSince;
    private int parks;
    private InterfaceTable polledTable;
    private int polledCount;
    private int timeoutMillis = POLL_TIMEOUT_MILLIS;
    private long sleeps;
    private boolean closed;

    /** @param maxInterfaces the engine's interface capacity (the poll set holds one entry per port, plus the eventfd) */
    public SocketPollIdle(int maxInterfaces) {
        this.capacity = maxInterfaces + 1;
        this.eventFd = Libc.eventfd(Libc.EFD_NONBLOCK | Libc.EFD_CLOEXEC, "worker wakeup");
        this.pollFds = arena.allocate(Libc.POLLFD, capacity);
        this.callState = Libc.allocateCallState(arena);
        this.drained = arena.allocate(JAVA_LONG);
        this.one = arena.allocate(JAVA_LONG);
        one.set(JAVA_LONG, 0, 1L);
    }

    @Override
    public void idle(int idleRounds, ForwardingState state) {
        if (idleRounds == 1) {
            idleSince = System.nanoTime();
            parks = 0;
        }
        if (parks == 0 && System.nanoTime() - idleSince < SPIN_NANOS) {
            Thread.onSpinWait();
        } else if (parks < PARK_ROUNDS) {
            parks++;
            LockSupport.parkNanos(PARK_NANOS);
        } else {
            sleep(state.interfaces());
        }
    }

    private void sleep(InterfaceTable interfaces) {
        if (interfaces != polledTable) rebuild(interfaces);
        sleeps++;
        int ready = Libc.poll(callState, pollFds, polledCount, timeoutMillis);
        if (ready > 0 && (pollFds.get(JAVA_SHORT, Libc.POLLFD_REVENTS) & Libc.POLLIN) != 0) {
            Libc.read(callState, eventFd, drained, Long.BYTES);
        }
    }

    private void rebuild(InterfaceTable interfaces) {
        int n = 0;
        boolean unpollable = false;
        put(n++, eventFd);
        for (int index : interfaces.presentIndices()) {
            if (interfaces.port(index) instanceof XskPort port) {
                if (n < capacity) put(n++, port.fd());
            } else {
                unpollable = true;
            }
        }
        polledTable = interfaces;
        polledCount = n;
        timeoutMillis = unpollable ? SHORT_POLL_TIMEOUT_MILLIS : POLL_TIMEOUT_MILLIS;
    }

    private void put(int entry, int fd) {
        long at = entry * Libc.POLLFD.byteSize();
        pollFds.set(JAVA_INT, at + Libc.POLLFD_FD, fd);
        pollFds.set(JAVA_SHORT, at + Libc.POLLFD_EVENTS, Libc.POLLIN);
        pollFds.set(JAVA_SHORT, at + Libc.POLLFD_REVENTS, (short) 0);
    }

    @Override
    public void wakeup() {
        synchronized (this) {
            if (closed) return;
            try (Arena call = Arena.ofConfined()) {
                // An eventfd only overflows after 2^64-2 unread bumps; a failed write leaves the timeout to wake it.
                Libc.write(Libc.allocateCallState(call), eventFd, one, Long.BYTES);
            }
        }
    }

    /** How often the worker blocked in poll(2) (read racily). */
    public long sleeps() {
        return sleeps;
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) return;
            closed = true;
        }
        Libc.close(eventFd);
        arena.close();
    }
}
