package dev.booster.memif;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * The ring this side transmits on for one queue. A slave produces at {@code head} of its slave-to-master ring into
 * buffers it laid out itself; a master produces at {@code tail} of a master-to-slave ring into the empty buffers the
 * slave handed it (between {@code tail} and {@code head}), whose place and size the slave's descriptors give, and
 * which are checked against the regions before a byte is written.
 */
final class TxQueue {
    private static final int COUNTER_MASK = 0xFFFF;

    private final Connection connection;
    private final int queue;
    private final RingSpec spec;
    private final Ring ring;
    private final Region[] regions;
    private final boolean slave;
    private final int bufferSize;
    private final MemorySegment signalValue;
    private int produced;
    /**
     * The peer's counter as last read (tail for a slave, head for a master). The peer only ever moves it forward, so
     * room computed from an old value is never more than there is; it is read again only when that room falls short
     * of a burst, which saves pulling the cache line the peer writes on every burst.
     */
    private int peerCounter;

    TxQueue(Connection connection, int queue, RingSpec spec, Region[] regions, boolean slave, int bufferSize,
            MemorySegment signalValue) {
        this.connection = connection;
        this.queue = queue;
        this.spec = spec;
        this.regions = regions;
        this.slave = slave;
        this.bufferSize = bufferSize;
        this.signalValue = signalValue;
        this.ring = new Ring(regions[spec.region()].memory(), spec.offset(), spec.log2Size());
    }

    void start() {
        ring.resetCounters();
        produced = 0;
        peerCounter = 0;
    }

    /**
     * Slots this side may fill now, at least {@code wanted} if there are that many: the peer's counter is read again
     * only when its last value leaves fewer. Fails the connection if the peer's counter is impossible.
     */
    int free(int wanted) {
        int free = freeAt(peerCounter);
        if (free >= wanted) return free;
        int counter = slave ? ring.tail() : ring.head();
        free = freeAt(counter);
        if (free > ring.size()) {
            connection.fail(slave ? spec.name() + ": the master's tail passed the slave's head"
                    : spec.name() + ": the slave handed out " + free + " buffers; the ring has " + ring.size());
            return 0;
        }
        peerCounter = counter;
        return free;
    }

    /** Free slots if the peer's counter is {@code counter}; more than the ring size when that counter is impossible. */
    private int freeAt(int counter) {
        if (slave) {
            int inFlight = (produced - counter) & COUNTER_MASK;
            return inFlight > ring.size() ? Integer.MAX_VALUE : ring.size() - inFlight;
        }
        return (counter - produced) & COUNTER_MASK;
    }

    /** Puts up to {@code max} empty buffers into {@code out} for the application to fill; nothing is sent yet. */
    int acquire(MemifBuffers out, int max) {
        int wanted = Math.min(max, out.capacity());
        int n = Math.min(free(wanted), wanted);
        out.reset(connection, queue, produced, false);
        for (int k = 0; k < n; k++) {
            int counter = (produced + k) & COUNTER_MASK;
            if (slave) {
                out.add(regions[spec.bufferRegion()].memory(), ownBuffer(counter), 0, bufferSize, false);
                continue;
            }
            long header = ring.descHeader(counter); // each field read once: the slave may rewrite it meanwhile
            long offset = ring.descOffset(counter);
            long capacity = Ring.lengthOf(header);
            Region region = checkedRegion(counter, Ring.regionOf(header), offset, capacity);
            if (region == null) return out.size();
            out.add(region.memory(), offset, 0, (int) capacity, false);
        }
        return n;
    }

    /** Sends the first {@code count} buffers of {@code acquired}, in order, with the lengths and chaining set on them. */
    int publish(MemifBuffers acquired, int count) {
        if (acquired.firstSlot != produced) {
            throw new IllegalStateException("queue " + queue + ": these buffers were acquired before others were sent; acquire again");
        }
        int n = Math.min(count, acquired.size());
        for (int k = 0; k < n; k++) {
            int counter = (produced + k) & COUNTER_MASK;
            int flags = acquired.hasNext(k) ? MemifProtocol.DESC_FLAG_NEXT : 0;
            if (slave) {
                ring.setDescriptor(counter, flags, spec.bufferRegion(), ownBuffer(counter), acquired.length(k));
            } else {
                ring.setDescLengthAndFlags(counter, acquired.length(k), flags);
            }
        }
        acquired.clear();
        advance(n);
        return n;
    }

    /** Copies {@code frame} into as many buffers as it needs and sends it; false (nothing sent) when they are not free. */
    boolean send(byte[] frame) {
        int free = free(Integer.MAX_VALUE);
        int descriptors = 0;
        long room = 0;
        while (room < frame.length || descriptors == 0) {
            if (descriptors == free) return false;
            int counter = (produced + descriptors) & COUNTER_MASK;
            room += slave ? bufferSize : ring.descLength(counter);
            descriptors++;
        }
        int at = 0;
        for (int k = 0; k < descriptors; k++) {
            int counter = (produced + k) & COUNTER_MASK;
            long offset;
            long capacity;
            Region region;
            if (slave) {
                offset = ownBuffer(counter);
                capacity = bufferSize;
                region = regions[spec.bufferRegion()];
            } else {
                offset = ring.descOffset(counter);
                capacity = ring.descLength(counter);
                region = checkedRegion(counter, ring.descRegion(counter), offset, capacity);
                if (region == null) return false;
            }
            int chunk = (int) Math.min(capacity, frame.length - at);
            MemorySegment.copy(frame, at, region.memory(), JAVA_BYTE, offset, chunk);
            at += chunk;
            int flags = k + 1 < descriptors ? MemifProtocol.DESC_FLAG_NEXT : 0;
            if (slave) {
                ring.setDescriptor(counter, flags, spec.bufferRegion(), offset, chunk);
            } else {
                ring.setDescLengthAndFlags(counter, chunk, flags);
            }
        }
        advance(descriptors);
        return true;
    }

    private void advance(int n) {
        if (n == 0) return;
        produced = (produced + n) & COUNTER_MASK;
        if (slave) {
            ring.publishHead(produced);
        } else {
            ring.publishTail(produced);
        }
        if (spec.eventFd() >= 0 && (ring.flags() & MemifProtocol.RING_FLAG_MASK_INT) == 0) {
            connection.signal(spec.eventFd(), signalValue);
        }
    }

    private long ownBuffer(int counter) {
        return spec.bufferBase() + (long) (counter & (ring.size() - 1)) * bufferSize;
    }

    private Region checkedRegion(int counter, int index, long offset, long capacity) {
        Region region = index < regions.length ? regions[index] : null;
        if (region == null || capacity > Integer.MAX_VALUE || offset + capacity > region.size()) {
            connection.fail(spec.name() + " descriptor " + (counter & (ring.size() - 1)) + " points outside the shared memory");
            return null;
        }
        return region;
    }
}
