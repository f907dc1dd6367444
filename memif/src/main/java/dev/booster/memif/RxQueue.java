package dev.booster.memif;

import dev.booster.memif.ffi.Libc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * The ring this side receives on for one queue. The producer's counter is {@code head} on a slave-to-master ring
 * (the master receives) and {@code tail} on a master-to-slave ring (the slave receives, after handing the master
 * empty buffers by advancing {@code head}).
 *
 * <p>Two cursors: {@code consumed} (handed to the application) and {@code released} (handed back to the peer). Every
 * descriptor the peer filled is checked against the regions before the application sees it, so a lying peer cannot
 * make this side read outside shared memory: the connection is failed instead.
 */
final class RxQueue {
    private static final int COUNTER_MASK = 0xFFFF;

    private final Connection connection;
    private final int queue;
    private final RingSpec spec;
    private final Ring ring;
    private final Region[] regions;
    private final boolean slave;
    private final int bufferSize;
    private final MemorySegment eventCounter;
    private final MemorySegment pollFd;
    private int consumed;
    private int released;
    /**
     * The producer's counter as last read (head on a slave-to-master ring, tail on a master-to-slave one). It only
     * moves forward, so frames counted from an old value are all there; it is read again only when those fall short
     * of a burst, which saves pulling the cache line the producer writes when this side lags behind it.
     */
    private int producerCounter;

    RxQueue(Connection connection, int queue, RingSpec spec, Region[] regions, boolean slave, int bufferSize,
            MemorySegment eventCounter) {
        this.connection = connection;
        this.queue = queue;
        this.spec = spec;
        this.regions = regions;
        this.slave = slave;
        this.bufferSize = bufferSize;
        this.eventCounter = eventCounter;
        this.ring = new Ring(regions[spec.region()].memory(), spec.offset(), spec.log2Size());
        this.pollFd = Arena.ofAuto().allocate(Libc.POLLFD, 2);
        long second = Libc.POLLFD.byteSize();
        pollFd.set(JAVA_INT, 0, spec.eventFd());
        pollFd.set(JAVA_SHORT, Libc.POLLFD_EVENTS, Libc.POLLIN);
        pollFd.set(JAVA_INT, second, connection.closingFd());
        pollFd.set(JAVA_SHORT, second + Libc.POLLFD_EVENTS, Libc.POLLIN);
    }

    void start() {
        ring.resetCounters();
        ring.setFlags(MemifProtocol.RING_FLAG_MASK_INT);
        consumed = 0;
        released = 0;
        producerCounter = 0;
        if (slave) refill();
    }

    /** Moves up to {@code max} filled buffers into {@code out}; they stay this side's until {@link #release}. */
    int burst(MemifBuffers out, int max) {
        int wanted = Math.min(max, out.capacity());
        int n = Math.min(available(wanted), wanted);
        out.reset(connection, queue, consumed, true);
        for (int k = 0; k < n; k++) {
            int counter = (consumed + k) & COUNTER_MASK;
            // Read each field once: the peer can rewrite the descriptor at any time.
            long header = ring.descHeader(counter);
            long offset = ring.descOffset(counter);
            long length = Ring.lengthOf(header);
            Region region = checkedRegion(counter, Ring.regionOf(header), offset, length);
            if (region == null) {
                n = k;
                break;
            }
            out.add(region.memory(), offset, (int) length, (int) length, (Ring.flagsOf(header) & MemifProtocol.DESC_FLAG_NEXT) != 0);
        }
        consumed = (consumed + n) & COUNTER_MASK;
        return n;
    }

    /** Hands the buffers of {@code burst} back to the peer; bursts must come back in the order they were taken. */
    void release(MemifBuffers burst) {
        if (burst.firstSlot != released) {
            throw new IllegalStateException("queue " + queue + ": release bursts in the order they were received (this burst starts at slot "
                    + burst.firstSlot + ", the next to release is " + released + ")");
        }
        released = (released + burst.size()) & COUNTER_MASK;
        burst.clear();
        handBack();
    }

    /** One whole frame, copied, with its buffers handed straight back; null when none is complete yet. */
    byte[] receiveFrame() {
        if (consumed != released) {
            throw new IllegalStateException("queue " + queue + " has zero-copy bursts that were not released; release them before receive()");
        }
        int available = available();
        int descriptors = 0;
        long total = 0;
        boolean complete = false;
        while (descriptors < available) {
            int counter = (consumed + descriptors) & COUNTER_MASK;
            long length = ring.descLength(counter);
            if (checkedRegion(counter, ring.descRegion(counter), ring.descOffset(counter), length) == null) return null;
            total += length;
            descriptors++;
            if ((ring.descFlags(counter) & MemifProtocol.DESC_FLAG_NEXT) == 0) {
                complete = true;
                break;
            }
        }
        if (!complete) {
            if (descriptors == ring.size()) connection.fail(spec.name() + " holds a chained frame longer than the ring");
            return null;
        }
        if (total > Integer.MAX_VALUE - 8) {
            connection.fail(spec.name() + " holds a frame of " + total + " bytes");
            return null;
        }
        byte[] frame = new byte[(int) total];
        int at = 0;
        for (int k = 0; k < descriptors; k++) {
            int counter = (consumed + k) & COUNTER_MASK;
            long offset = ring.descOffset(counter);
            long length = Math.min(ring.descLength(counter), frame.length - at);
            Region region = checkedRegion(counter, ring.descRegion(counter), offset, length);
            if (region == null) return null;
            MemorySegment.copy(region.memory(), JAVA_BYTE, offset, frame, at, (int) length);
            at += (int) length;
        }
        consumed = (consumed + descriptors) & COUNTER_MASK;
        released = consumed;
        handBack();
        return frame;
    }

    /**
     * Asks the peer for interrupts on this ring, sleeps on its eventfd up to {@code millis} (or until the connection
     * closes), then returns to polling mode. The ring is re-read after unmasking, so a frame published just before
     * is not missed.
     */
    boolean awaitFrames(int millis) {
        if (available() > 0) return true;
        if (spec.eventFd() < 0) return false;
        ring.setFlags(0);
        VarHandle.fullFence();
        try {
            if (available() > 0) return true;
            connection.waitSignal(spec.eventFd(), pollFd, eventCounter, millis);
            return available() > 0;
        } finally {
            ring.setFlags(MemifProtocol.RING_FLAG_MASK_INT);
        }
    }

    /** Filled descriptors not yet consumed; fails the connection if the peer's counter is impossible. */
    int available() {
        return available(Integer.MAX_VALUE);
    }

    /** As {@link #available()}, but the producer's counter is read again only when its last value gives fewer than {@code wanted}. */
    private int available(int wanted) {
        int cached = (producerCounter - consumed) & COUNTER_MASK;
        if (cached >= wanted && cached <= ring.size()) return cached;
        int producer = slave ? ring.tail() : ring.head();
        int available = (producer - consumed) & COUNTER_MASK;
        // A master may only fill buffers the slave handed out; a slave may only fill as many slots as the ring has.
        int limit = slave ? (ring.head() - consumed) & COUNTER_MASK : ring.size() - ((consumed - released) & COUNTER_MASK);
        if (available > limit) {
            connection.fail(spec.name() + ": the peer's counter moved " + available + " slots ahead; at most " + limit + " are possible");
            return 0;
        }
        producerCounter = producer;
        return available;
    }

    /** The region of a descriptor's buffer, or null (connection failed) when the buffer lies outside shared memory. */
    private Region checkedRegion(int counter, int index, long offset, long length) {
        Region region = index < regions.length ? regions[index] : null;
        if (region == null || length > Integer.MAX_VALUE || offset + length > region.size()) {
            connection.fail(spec.name() + " descriptor " + (counter & (ring.size() - 1)) + " points outside the shared memory");
            return null;
        }
        return region;
    }

    /** The peer gets back what was released: the master moves tail; the slave refills the buffers and moves head. */
    private void handBack() {
        if (slave) {
            refill();
        } else {
            ring.publishTail(released);
        }
    }

    /** Slave side: every slot up to {@code released + size} gets its own empty buffer back, then head moves. */
    private void refill() {
        int head = ring.head();
        int target = (released + ring.size()) & COUNTER_MASK;
        for (int counter = head; counter != target; counter = (counter + 1) & COUNTER_MASK) {
            long offset = spec.bufferBase() + (long) (counter & (ring.size() - 1)) * bufferSize;
            ring.setDescriptor(counter, 0, spec.bufferRegion(), offset, bufferSize);
        }
        ring.publishHead(target);
    }
}
