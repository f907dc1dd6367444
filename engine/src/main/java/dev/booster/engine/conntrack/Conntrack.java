package dev.booster.engine.conntrack;

import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A bounded connection tracking table for one packet worker. <strong>Not thread-safe by design</strong>: each worker
 * owns its instance (flows are steered to workers by RSS hash), so the packet path takes no lock and shares no cache
 * line.
 *
 * <p>A flow is keyed by the 5-tuple of its first packet: {@code (srcHigh, srcLow, dstHigh, dstLow, protocol, srcPort,
 * dstPort)}. An IPv4 address is passed as {@code high = 0, low = address & 0xffffffffL}, an IPv6 address as its two
 * longs. For ICMP echo, pass the identifier as both ports, so that the reply's reversed key matches the request.
 *
 * <p>Storage is primitive arrays sized at construction: a pool of flows (stable indexes) and an open-addressing index
 * (linear probing, backward-shift deletion, at most half full) holding each flow twice, under its original key and
 * under the reversed key, as Linux's tuple hashes do, so a reply is found with one probe sequence. Nothing is
 * allocated and nothing is boxed after construction.
 *
 * <p>Expiry: a flow is expired once {@code nowNanos - lastSeen >= timeout} for its protocol and TCP state (see
 * {@link Timeouts}). Expired flows count as absent; they are freed when a lookup or create meets them, when a create
 * needs room, and by {@link #expire}. Flows of each timeout class are kept in a list ordered by last use, so the
 * oldest flow of each class is found in constant time. This needs {@code nowNanos} not to go backwards (use
 * {@link System#nanoTime()}); wrapping is fine, all comparisons are differences.
 *
 * <p>Handles: a handle is {@code flow << 1 | direction}; it stays valid until the flow is freed. Use a handle for the
 * packet that produced it only: a later {@link #lookup}, {@link #create} or {@link #expire} may free its flow and give
 * the entry to another one, and touching a freed flow's handle corrupts the expiry lists (not checked, for speed).
 */
public final class Conntrack {
    /** {@link #lookup}: no live flow for this packet. */
    public static final int NONE = -1;
    /** {@link #create}: every entry holds a live flow; the packet should be dropped and is counted in {@link #fullDrops()}. */
    public static final int FULL = -2;

    /** TCP header flag bits, as in byte 13 of the TCP header: pass that byte to {@link #touch} unchanged. */
    public static final int TCP_FIN = TcpState.FIN;
    public static final int TCP_SYN = TcpState.SYN;
    public static final int TCP_RST = TcpState.RST;
    public static final int TCP_ACK = TcpState.ACK;

    public static final int PROTOCOL_ICMP = 1;
    public static final int PROTOCOL_TCP = 6;
    public static final int PROTOCOL_UDP = 17;
    public static final int PROTOCOL_ICMPV6 = 58;

    /** Keeps the index (4 slots per flow) within an int-indexed array. */
    public static final int MAX_CAPACITY = 1 << 24;

    private static final int REPLY = 1;
    private static final int EMPTY_SLOT = -1;
    private static final int NO_FLOW = -1;

    private static final int CLASS_TCP_ESTABLISHED = 0;
    private static final int CLASS_TCP_TRANSITORY = 1;
    private static final int CLASS_UDP = 2;
    private static final int CLASS_ICMP = 3;
    private static final int CLASS_OTHER = 4;
    private static final int CLASSES = 5;

    private final int capacity;
    private final long[] timeoutOfClass = new long[CLASSES];
    /** Randomizes slot positions per instance so crafted 5-tuples cannot build long probe chains. */
    private final long hashSeed;

    // The flow pool, indexed by flow.
    private final long[] srcHigh;
    private final long[] srcLow;
    private final long[] dstHigh;
    private final long[] dstLow;
    /** {@code srcPort << 16 | dstPort} of the original direction. */
    private final int[] ports;
    private final byte[] protocol;
    private final byte[] tcpState;
    private final byte[] timeoutClass;
    private final long[] deadline;
    private final int[] tags;
    private final int[] olderInClass;
    private final int[] newerInClass;
    private final int[] oldestOfClass = new int[CLASSES];
    private final int[] newestOfClass = new int[CLASSES];
    private final int[] freeFlows;
    private int freeCount;

    // The index: each slot holds a handle (flow << 1 | direction) and the hash of the key it is filed under.
    private final int[] slotHandle;
    private final int[] slotHash;
    private final int slotMask;

    private int size;
    private long fullDrops;
    private long creations;

    public Conntrack(int capacity, Timeouts timeouts) {
        if (capacity < 1 || capacity > MAX_CAPACITY) {
            throw new IllegalArgumentException("conntrack capacity " + capacity + " is out of range; use 1.." + MAX_CAPACITY);
        }
        if (timeouts == null) {
            throw new IllegalArgumentException("conntrack timeouts are null; pass Timeouts.defaults() for Linux-like values");
        }
        this.capacity = capacity;
        timeoutOfClass[CLASS_TCP_ESTABLISHED] = timeouts.tcpEstablishedNanos();
        timeoutOfClass[CLASS_TCP_TRANSITORY] = timeouts.tcpTransitoryNanos();
        timeoutOfClass[CLASS_UDP] = timeouts.udpNanos();
        timeoutOfClass[CLASS_ICMP] = timeouts.icmpNanos();
        timeoutOfClass[CLASS_OTHER] = timeouts.otherNanos();
        hashSeed = ThreadLocalRandom.current().nextLong();
        srcHigh = new long[capacity];
        srcLow = new long[capacity];
        dstHigh = new long[capacity];
        dstLow = new long[capacity];
        ports = new int[capacity];
        protocol = new byte[capacity];
        tcpState = new byte[capacity];
        timeoutClass = new byte[capacity];
        deadline = new long[capacity];
        tags = new int[capacity];
        olderInClass = new int[capacity];
        newerInClass = new int[capacity];
        freeFlows = new int[capacity];
        int slots = Integer.highestOneBit(4 * capacity - 1) << 1;
        slotHandle = new int[slots];
        slotHash = new int[slots];
        slotMask = slots - 1;
        clear();
    }

    /**
     * The flow this packet belongs to, in either direction.
     *
     * @return a handle ({@link #isReply} tells the direction), or {@link #NONE}; an expired flow is freed and is NONE
     */
    public int lookup(long srcHigh, long srcLow, long dstHigh, long dstLow, int protocol, int srcPort, int dstPort,
                      long nowNanos) {
        int hash = hash(srcHigh, srcLow, dstHigh, dstLow, protocol & 0xFF, srcPort & 0xFFFF, dstPort & 0xFFFF);
        int slot = findSlot(hash, srcHigh, srcLow, dstHigh, dstLow, protocol & 0xFF, srcPort & 0xFFFF, dstPort & 0xFFFF);
        if (slot < 0) {
            return NONE;
        }
        int handle = slotHandle[slot];
        int flow = handle >>> 1;
        if (nowNanos - deadline[flow] >= 0) {
            free(flow);
            return NONE;
        }
        return handle;
    }

    /**
     * Creates a flow for this packet's key, in its original direction, with the initial timeout of its protocol
     * (transitory for TCP until {@link #touch} sees the handshake). If a live flow already matches the packet in
     * either direction, that flow's handle is returned and nothing changes.
     *
     * @return a handle, or {@link #FULL} when every entry holds a live flow (then {@link #fullDrops()} grows by one)
     */
    public int create(long srcHigh, long srcLow, long dstHigh, long dstLow, int protocol, int srcPort, int dstPort,
                      long nowNanos, int tag) {
        int proto = protocol & 0xFF;
        int sport = srcPort & 0xFFFF;
        int dport = dstPort & 0xFFFF;
        int hash = hash(srcHigh, srcLow, dstHigh, dstLow, proto, sport, dport);
        int slot = findSlot(hash, srcHigh, srcLow, dstHigh, dstLow, proto, sport, dport);
        if (slot >= 0) {
            int handle = slotHandle[slot];
            if (nowNanos - deadline[handle >>> 1] < 0) {
                return handle;
            }
            free(handle >>> 1);
        }
        if (freeCount == 0 && !freeOneExpired(nowNanos)) {
            fullDrops++;
            return FULL;
        }
        int flow = freeFlows[--freeCount];
        this.srcHigh[flow] = srcHigh;
        this.srcLow[flow] = srcLow;
        this.dstHigh[flow] = dstHigh;
        this.dstLow[flow] = dstLow;
        this.ports[flow] = sport << 16 | dport;
        this.protocol[flow] = (byte) proto;
        this.tcpState[flow] = TcpState.NONE;
        this.tags[flow] = tag;
        int timeoutClass = initialClass(proto);
        this.deadline[flow] = nowNanos + timeoutOfClass[timeoutClass];
        appendToClass(flow, timeoutClass);
        insertSlot(hash, flow << 1);
        if (!isSymmetric(flow)) {
            insertSlot(hash(dstHigh, dstLow, srcHigh, srcLow, proto, dport, sport), flow << 1 | REPLY);
        }
        size++;
        creations++;
        return flow << 1;
    }

    /** True when the packet that produced {@code handle} travels from the flow's responder to its initiator. */
    public static boolean isReply(int handle) {
        return (handle & REPLY) != 0;
    }

    /** The caller's tag of the flow (the engine keeps the policy generation and rule id there). */
    public int tag(int handle) {
        return tags[handle >>> 1];
    }

    public void setTag(int handle, int tag) {
        tags[handle >>> 1] = tag;
    }

    /**
     * Records a packet of the flow: refreshes its last-seen time and, for TCP, advances the state machine with the
     * packet's flags (byte 13 of the TCP header; ignored for other protocols), which picks the timeout: established
     * after SYN, SYN-ACK, ACK (or an ACK first seen mid-stream), transitory while opening and after FIN or RST.
     */
    public void touch(int handle, long nowNanos, int tcpFlags) {
        int flow = handle >>> 1;
        int timeoutClass = this.timeoutClass[flow];
        if (protocol[flow] == PROTOCOL_TCP) {
            int state = TcpState.next(tcpState[flow], tcpFlags);
            tcpState[flow] = (byte) state;
            timeoutClass = state == TcpState.ESTABLISHED ? CLASS_TCP_ESTABLISHED : CLASS_TCP_TRANSITORY;
        }
        deadline[flow] = nowNanos + timeoutOfClass[timeoutClass];
        unlinkFromClass(flow);
        appendToClass(flow, timeoutClass);
    }

    /**
     * Frees up to {@code budget} expired flows, oldest first, for a worker to call between vectors; the work is
     * proportional to what it frees (each class's oldest flow is checked, never a scan).
     *
     * @return how many flows were freed
     */
    public int expire(long nowNanos, int budget) {
        int freed = 0;
        while (freed < budget && freeOneExpired(nowNanos)) {
            freed++;
        }
        return freed;
    }

    /** Flows held, including expired ones not freed yet. */
    public int size() {
        return size;
    }

    /**
     * Flows created since construction (not reset by {@link #clear()}): tells a caller of {@link #create} whether it
     * made a flow or got the live one the packet already had.
     */
    public long creations() {
        return creations;
    }

    /** Creates refused with {@link #FULL} since construction (not reset by {@link #clear()}). */
    public long fullDrops() {
        return fullDrops;
    }

    /** Forgets every flow; handles given out before are invalid. */
    public void clear() {
        Arrays.fill(slotHandle, EMPTY_SLOT);
        Arrays.fill(oldestOfClass, NO_FLOW);
        Arrays.fill(newestOfClass, NO_FLOW);
        freeCount = 0;
        for (int flow = capacity - 1; flow >= 0; flow--) {
            freeFlows[freeCount++] = flow;
        }
        size = 0;
    }

    /** The TCP state of a flow ({@link TcpState}), for tests and traces. */
    int tcpState(int handle) {
        return tcpState[handle >>> 1];
    }

    private boolean freeOneExpired(long nowNanos) {
        for (int timeoutClass = 0; timeoutClass < CLASSES; timeoutClass++) {
            int oldest = oldestOfClass[timeoutClass];
            if (oldest != NO_FLOW && nowNanos - deadline[oldest] >= 0) {
                free(oldest);
                return true;
            }
        }
        return false;
    }

    private void free(int flow) {
        int proto = protocol[flow] & 0xFF;
        int sport = ports[flow] >>> 16;
        int dport = ports[flow] & 0xFFFF;
        deleteSlot(hash(srcHigh[flow], srcLow[flow], dstHigh[flow], dstLow[flow], proto, sport, dport), flow << 1);
        if (!isSymmetric(flow)) {
            deleteSlot(hash(dstHigh[flow], dstLow[flow], srcHigh[flow], srcLow[flow], proto, dport, sport),
                    flow << 1 | REPLY);
        }
        unlinkFromClass(flow);
        freeFlows[freeCount++] = flow;
        size--;
    }

    /** A flow whose reversed key is its own key (same endpoint and port both ways) is filed once, as original. */
    private boolean isSymmetric(int flow) {
        return srcHigh[flow] == dstHigh[flow] && srcLow[flow] == dstLow[flow]
                && ports[flow] >>> 16 == (ports[flow] & 0xFFFF);
    }

    private int findSlot(int hash, long sh, long sl, long dh, long dl, int proto, int sport, int dport) {
        int slot = hash & slotMask;
        while (true) {
            int handle = slotHandle[slot];
            if (handle == EMPTY_SLOT) {
                return -1;
            }
            if (slotHash[slot] == hash && matches(handle, sh, sl, dh, dl, proto, sport, dport)) {
                return slot;
            }
            slot = (slot + 1) & slotMask;
        }
    }

    private boolean matches(int handle, long sh, long sl, long dh, long dl, int proto, int sport, int dport) {
        int flow = handle >>> 1;
        if ((protocol[flow] & 0xFF) != proto) {
            return false;
        }
        if (isReply(handle)) {
            return srcHigh[flow] == dh && srcLow[flow] == dl && dstHigh[flow] == sh && dstLow[flow] == sl
                    && ports[flow] == (dport << 16 | sport);
        }
        return srcHigh[flow] == sh && srcLow[flow] == sl && dstHigh[flow] == dh && dstLow[flow] == dl
                && ports[flow] == (sport << 16 | dport);
    }

    private void insertSlot(int hash, int handle) {
        int slot = hash & slotMask;
        while (slotHandle[slot] != EMPTY_SLOT) {
            slot = (slot + 1) & slotMask;
        }
        slotHandle[slot] = handle;
        slotHash[slot] = hash;
    }

    /** Backward-shift deletion: later members of the probe run move into the hole when their home allows it. */
    private void deleteSlot(int hash, int handle) {
        int hole = hash & slotMask;
        while (slotHandle[hole] != handle) {
            hole = (hole + 1) & slotMask;
        }
        int next = hole;
        while (true) {
            next = (next + 1) & slotMask;
            int moving = slotHandle[next];
            if (moving == EMPTY_SLOT) {
                break;
            }
            int home = slotHash[next] & slotMask;
            if (((next - home) & slotMask) >= ((next - hole) & slotMask)) {
                slotHandle[hole] = moving;
                slotHash[hole] = slotHash[next];
                hole = next;
            }
        }
        slotHandle[hole] = EMPTY_SLOT;
    }

    private void appendToClass(int flow, int timeoutClass) {
        this.timeoutClass[flow] = (byte) timeoutClass;
        int newest = newestOfClass[timeoutClass];
        olderInClass[flow] = newest;
        newerInClass[flow] = NO_FLOW;
        if (newest == NO_FLOW) {
            oldestOfClass[timeoutClass] = flow;
        } else {
            newerInClass[newest] = flow;
        }
        newestOfClass[timeoutClass] = flow;
    }

    private void unlinkFromClass(int flow) {
        int timeoutClass = this.timeoutClass[flow];
        int older = olderInClass[flow];
        int newer = newerInClass[flow];
        if (older == NO_FLOW) {
            oldestOfClass[timeoutClass] = newer;
        } else {
            newerInClass[older] = newer;
        }
        if (newer == NO_FLOW) {
            newestOfClass[timeoutClass] = older;
        } else {
            olderInClass[newer] = older;
        }
    }

    private static int initialClass(int proto) {
        return switch (proto) {
            case PROTOCOL_TCP -> CLASS_TCP_TRANSITORY;
            case PROTOCOL_UDP -> CLASS_UDP;
            case PROTOCOL_ICMP, PROTOCOL_ICMPV6 -> CLASS_ICMP;
            default -> CLASS_OTHER;
        };
    }

    private int hash(long sh, long sl, long dh, long dl, int proto, int sport, int dport) {
        long h = mix(hashSeed ^ sh);
        h = mix(h ^ sl);
        h = mix(h ^ dh);
        h = mix(h ^ dl);
        h = mix(h ^ ((long) proto << 32 | (long) sport << 16 | dport));
        return (int) (h ^ (h >>> 32));
    }

    private static long mix(long x) {
        x *= 0x9E37_79B9_7F4A_7C15L;
        return x ^ (x >>> 29);
    }
}
