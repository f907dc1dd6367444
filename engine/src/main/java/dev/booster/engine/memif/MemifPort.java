package dev.booster.engine.memif;

import dev.booster.engine.packet.ArenaPacketBuffers;
import dev.booster.engine.packet.PacketBuffers;
import dev.booster.engine.packet.PacketMemory;
import dev.booster.engine.packet.PacketVector;
import dev.booster.engine.packet.Port;
import dev.booster.memif.MemifBuffers;
import dev.booster.memif.MemifInterface;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * The engine's {@link Port} over a {@link MemifInterface}: one copy each way.
 *
 * <p><b>Receiving copies</b> each frame out of the peer's shared buffer into a buffer of this port's own pool, and
 * hands the peer its buffers back at once. Lending the shared buffers to the engine instead would save that copy, but
 * the engine addresses packet bytes absolutely ({@link PacketMemory}), outside the shared arenas that make a memif
 * region safe to lose: a peer that disconnects gets its regions unmapped by the memif control thread at any moment,
 * and a packet of it still in a vector would then be a read of unmapped memory, which kills the JVM. The copy also
 * gives every packet headroom and room to grow, joins chained frames, and frees the engine from handing buffers back
 * in ring order. <b>Transmitting copies</b> too, as memif must: the peer can only read its shared memory.
 *
 * <p>In IP mode the peer sends bare IP packets: receiving puts an Ethernet header in front (pod MAC to gateway MAC, the
 * EtherType from the IP version), transmitting leaves it out.
 *
 * <p>Several queues: every RX queue is read each round, starting one further each time; a packet goes out on TX queue
 * {@code flow mod queues}, so a flow keeps its order. While no peer is connected nothing arrives and {@link #tx} takes
 * nothing (the engine counts those packets as {@code tx-full}).
 *
 * <p>Thread confinement: {@link #rx} and {@link #tx} run on the engine's worker (or, for the memory backend, under its
 * lock); the own buffers are allocated and freed there only. Neither allocates, locks or throws per packet: the only
 * exception handled is the memif connection ending under a copy, once per call.
 */
final class MemifPort implements Port {
    /** An Ethernet header: what IP mode adds on receipt and removes for transmission. */
    static final int ETHERNET_HEADER = 14;
    private static final int ETHERTYPE_IP4 = 0x0800;
    private static final int ETHERTYPE_IP6 = 0x86DD;
    /** The most memif buffers a chained frame may take in one transmit batch (a 9000-byte MTU over 64-byte buffers). */
    private static final int TX_ENTRIES = 4 * PacketVector.CAPACITY;

    private final MemifInterface memif;
    private final ArenaPacketBuffers buffers;
    private final int bufferCount;
    private final int headroom;
    private final int room;
    private final boolean ipMode;
    private final long podMac;
    private final long gatewayMac;
    private final MemifBuffers rxBatch = new MemifBuffers(PacketVector.CAPACITY);
    /** Per queue: the own buffer a chained frame is being joined in, how much of it is filled, whether it overflowed. */
    private final int[] partialHandle;
    private final int[] partialLength;
    private final boolean[] partialTooLong;
    private final MemifBuffers[] txBatches;
    private final int[] txQueueOf = new int[PacketVector.CAPACITY];
    private final int[] txWanted;
    private final int[] txAcquired;
    private final int[] txUsed;
    private final int[] txTouched;
    private int txTouchedCount;
    /** The size of the peer's transmit buffers as last seen, to estimate how many a batch needs. */
    private int txEntryCapacity;
    private long connectionsSeen;
    private int nextRxQueue;
    private long rxDiscarded;
    private long txDiscarded;

    /**
     * @param buffers the port's own pool; at least {@link PacketVector#CAPACITY} buffers, whose room holds the largest
     *                frame accepted from the peer
     */
    MemifPort(MemifInterface memif, ArenaPacketBuffers buffers, int bufferCount, boolean ipMode, long podMac, long gatewayMac) {
        this.memif = memif;
        this.buffers = buffers;
        this.bufferCount = bufferCount;
        this.headroom = buffers.headroom();
        this.room = buffers.bufferSize() - headroom;
        this.ipMode = ipMode;
        this.podMac = podMac;
        this.gatewayMac = gatewayMac;
        int queues = memif.config().queues();
        partialHandle = new int[queues];
        partialLength = new int[queues];
        partialTooLong = new boolean[queues];
        Arrays.fill(partialHandle, PacketBuffers.NO_BUFFER);
        txBatches = new MemifBuffers[queues];
        for (int q = 0; q < queues; q++) txBatches[q] = new MemifBuffers(TX_ENTRIES);
        txWanted = new int[queues];
        txAcquired = new int[queues];
        txUsed = new int[queues];
        txTouched = new int[queues];
        txEntryCapacity = memif.config().bufferSize();
    }

    // ---- receive -----------------------------------------------------------------------------------------------------

    @Override
    public int rx(PacketVector into, int max) {
        long connections = memif.connectionCount();
        if (connections != connectionsSeen) {
            // A frame half joined from the previous connection will never be finished.
            connectionsSeen = connections;
            dropPartials();
        }
        int queues = memif.rxQueueCount();
        if (queues == 0) return 0;
        int start = nextRxQueue < queues ? nextRxQueue : 0;
        nextRxQueue = start + 1;
        int taken = 0;
        for (int k = 0; k < queues && taken < max; k++) {
            int q = start + k;
            if (q >= queues) q -= queues;
            taken += receive(q, into, max - taken);
        }
        return taken;
    }

    /** Copies what queue {@code q} holds, up to {@code max} buffers and no more than the own pool has free. */
    private int receive(int q, PacketVector into, int max) {
        int free = bufferCount - buffers.inUse();
        int want = Math.min(Math.min(max, free), rxBatch.capacity());
        if (want <= 0) return 0;
        int n = memif.rxBurst(q, rxBatch, want);
        if (n == 0) return 0;
        int appended = 0;
        try {
            for (int i = 0; i < n; i++) appended += copyIn(q, i, into);
        } catch (IllegalStateException e) {
            rethrowUnlessDisconnected(e);
            // The peer's regions were unmapped under the copy (it disconnected): what is not appended yet is lost.
            dropPartial(q);
        }
        memif.release(rxBatch);
        return appended;
    }

    /** Copies entry {@code i} of the burst into queue {@code q}'s frame; appends the frame when it is complete (1). */
    private int copyIn(int q, int i, PacketVector into) {
        int handle = partialHandle[q];
        if (handle == PacketBuffers.NO_BUFFER) {
            // Never NO_BUFFER here: a burst takes no more entries than the pool has buffers, a frame one buffer.
            handle = buffers.alloc();
            partialHandle[q] = handle;
            partialLength[q] = 0;
            partialTooLong[q] = false;
        }
        int prefix = ipMode ? ETHERNET_HEADER : 0;
        int length = rxBatch.length(i);
        int at = partialLength[q];
        if (!partialTooLong[q] && prefix + at + length <= room) {
            long data = buffers.address(handle) + headroom + prefix;
            MemorySegment.copy(rxBatch.region(i), rxBatch.offset(i), PacketMemory.ALL, data + at, length);
            partialLength[q] = at + length;
        } else {
            partialTooLong[q] = true;
        }
        if (rxBatch.hasNext(i)) return 0;

        partialHandle[q] = PacketBuffers.NO_BUFFER;
        int frameLength = prefix + partialLength[q];
        long frame = buffers.address(handle) + headroom;
        if (partialTooLong[q] || (ipMode && !addEthernetHeader(frame, frameLength))) {
            buffers.free(handle);
            rxDiscarded++;
            return 0;
        }
        into.append(handle, buffers, frame, frameLength, headroom, room);
        return 1;
    }

    /** Writes the Ethernet header in front of an IP-mode packet; false when it is no IP packet. */
    private boolean addEthernetHeader(long frame, int frameLength) {
        if (frameLength <= ETHERNET_HEADER) return false;
        int version = PacketMemory.u8(frame + ETHERNET_HEADER) >>> 4;
        int type = version == 4 ? ETHERTYPE_IP4 : version == 6 ? ETHERTYPE_IP6 : 0;
        if (type == 0) return false;
        PacketMemory.putMac(frame, gatewayMac);
        PacketMemory.putMac(frame + 6, podMac);
        PacketMemory.put16(frame + 12, type);
        return true;
    }

    private void dropPartials() {
        for (int q = 0; q < partialHandle.length; q++) dropPartial(q);
    }

    private void dropPartial(int q) {
        if (partialHandle[q] != PacketBuffers.NO_BUFFER) {
            buffers.free(partialHandle[q]);
            partialHandle[q] = PacketBuffers.NO_BUFFER;
            rxDiscarded++;
        }
    }

    // ---- transmit ----------------------------------------------------------------------------------------------------

    @Override
    public int tx(PacketVector from, int[] slots, int count) {
        int queues = memif.txQueueCount();
        if (queues == 0 || count == 0) return 0;
        int prefix = ipMode ? ETHERNET_HEADER : 0;
        int entryCapacity = txEntryCapacity;
        txTouchedCount = 0;
        for (int k = 0; k < count; k++) {
            int s = slots[k];
            int flow = from.flow[s];
            int q = queues == 1 || flow < 0 ? 0 : flow % queues;
            txQueueOf[k] = q;
            if (txWanted[q] == 0) txTouched[txTouchedCount++] = q;
            txWanted[q] += entries(from.length[s] - prefix, entryCapacity);
        }
        for (int t = 0; t < txTouchedCount; t++) {
            int q = txTouched[t];
            MemifBuffers batch = txBatches[q];
            int acquired = memif.txAcquire(q, batch, Math.min(txWanted[q], batch.capacity()));
            if (acquired > 0 && batch.bufferCapacity(0) != entryCapacity) {
                // The peer's buffers are not the size guessed (a new peer): count again and take what is needed.
                txEntryCapacity = Math.max(1, batch.bufferCapacity(0));
                int wanted = entriesFor(from, slots, count, q, prefix, txEntryCapacity);
                acquired = memif.txAcquire(q, batch, Math.min(wanted, batch.capacity()));
            }
            txAcquired[q] = acquired;
            txUsed[q] = 0;
            txWanted[q] = 0;
        }
        int taken = 0;
        try {
            for (; taken < count; taken++) {
                int s = slots[taken];
                if (ipMode && !isIp(from.data[s], from.length[s])) {
                    txDiscarded++; // nothing an IP-mode peer could take (the engine sends pods no ARP)
                } else if (!copyOut(from, s, txQueueOf[taken], prefix)) {
                    break;
                }
                from.owner[s].free(from.buffer[s]);
            }
        } catch (IllegalStateException e) {
            rethrowUnlessDisconnected(e);
            // The peer went away under the copy: the packet in hand stays with the engine, which drops it.
        }
        for (int t = 0; t < txTouchedCount; t++) {
            int q = txTouched[t];
            if (txUsed[q] > 0) memif.txBurst(q, txBatches[q], txUsed[q]);
        }
        return taken;
    }

    /** Buffers of {@code capacity} bytes a packet of {@code bytes} takes (an empty one still takes one). */
    private static int entries(int bytes, int capacity) {
        return bytes <= 0 ? 1 : (bytes + capacity - 1) / capacity;
    }

    private int entriesFor(PacketVector from, int[] slots, int count, int q, int prefix, int capacity) {
        int wanted = 0;
        for (int k = 0; k < count; k++) if (txQueueOf[k] == q) wanted += entries(from.length[slots[k]] - prefix, capacity);
        return wanted;
    }

    private static boolean isIp(long frame, int length) {
        if (length <= ETHERNET_HEADER) return false;
        int type = PacketMemory.u16(frame + 12);
        return type == ETHERTYPE_IP4 || type == ETHERTYPE_IP6;
    }

    /** Copies slot {@code s} into the next free buffers of queue {@code q}'s batch; false when they do not suffice. */
    private boolean copyOut(PacketVector from, int s, int q, int prefix) {
        MemifBuffers batch = txBatches[q];
        int available = txAcquired[q];
        int i = txUsed[q];
        long source = from.data[s] + prefix;
        int remaining = Math.max(0, from.length[s] - prefix);
        do {
            if (i >= available) return false; // the entries written so far are not published: txUsed did not move
            int chunk = Math.min(batch.bufferCapacity(i), remaining);
            MemorySegment.copy(PacketMemory.ALL, source, batch.region(i), batch.offset(i), chunk);
            batch.setLength(i, chunk);
            remaining -= chunk;
            source += chunk;
            batch.setNext(i, remaining > 0);
            i++;
        } while (remaining > 0);
        txUsed[q] = i;
        return true;
    }

    /**
     * A closed shared region throws {@link IllegalStateException}; so does a bug (a double free). Only the first is
     * expected: the connection this call used is gone.
     */
    private void rethrowUnlessDisconnected(IllegalStateException e) {
        if (memif.isConnected() && memif.connectionCount() == connectionsSeen) throw e;
    }

    // ---- state -------------------------------------------------------------------------------------------------------

    /**
     * Frames from the peer that were dropped: longer than a buffer's room, not IP in IP mode, or cut off by a
     * disconnect (read racily from another thread).
     */
    long rxDiscarded() {
        return rxDiscarded;
    }

    /** Packets the engine sent that an IP-mode peer cannot take, being no IP packets (read racily). */
    long txDiscarded() {
        return txDiscarded;
    }

    /** Returns a half-joined frame's buffer; called once the worker has left the port, before the pool is closed. */
    void releasePartials() {
        for (int q = 0; q < partialHandle.length; q++) {
            if (partialHandle[q] != PacketBuffers.NO_BUFFER) {
                buffers.free(partialHandle[q]);
                partialHandle[q] = PacketBuffers.NO_BUFFER;
            }
        }
    }
}
