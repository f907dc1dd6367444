package dev.booster.engine.packet;

/**
 * The packets a worker has in flight, up to {@link #CAPACITY}, as struct-of-arrays metadata indexed by slot. Packet
 * bytes stay in their backend's buffers; nodes reach them through {@link PacketMemory} at {@code data[slot]}. Frames
 * pass slot numbers from node to node, so moving a packet costs one int and no metadata is copied.
 *
 * <p>The arrays are public and mutable on purpose: this is the hot path's shared scratchpad, owned by one worker.
 */
public final class PacketVector {
    public static final int CAPACITY = 256;

    /** The packet is IPv6 (set by ethernet-input, used by the family-neutral nodes). */
    public static final int F_IP6 = 1;
    /** The Ethernet destination was broadcast or multicast. */
    public static final int F_L2_MULTICAST = 1 << 1;
    /** The engine made this packet (an ICMP error): no policy, no TTL decrement, no ICMP error about it. */
    public static final int F_LOCAL_ORIGIN = 1 << 2;
    /** The packet is an ICMP/ICMPv6 error message, which must never trigger another error. */
    public static final int F_ICMP_ERROR = 1 << 3;
    /** Policy classified the packet under the current generation, so conntrack-commit stamps the flow with it. */
    public static final int F_CLASSIFIED = 1 << 4;
    /** A fragment other than the first: no ICMP error may answer it. */
    public static final int F_NON_FIRST_FRAGMENT = 1 << 5;
    /** A reply of a flow decided under an older policy: policy checks the flow's original direction instead. */
    public static final int F_REVERSE_CHECK = 1 << 6;
    /** Unwrapped from a tunnel: not unwrapped again (a tunnel inside a tunnel is refused, not followed). */
    public static final int F_DECAPSULATED = 1 << 7;

    public static final int NONE = -1;

    // Buffer: what the backend handed over.
    public final int[] buffer = new int[CAPACITY];
    public final PacketBuffers[] owner = new PacketBuffers[CAPACITY];
    /** Absolute address of the first byte of the frame (the Ethernet header). */
    public final long[] data = new long[CAPACITY];
    public final int[] length = new int[CAPACITY];
    /** Bytes free in the buffer before {@code data}. */
    public final int[] headroom = new int[CAPACITY];
    /** Bytes usable from {@code data} to the end of the buffer; {@code length <= room}. */
    public final int[] room = new int[CAPACITY];
    public final int[] rxInterface = new int[CAPACITY];

    // Parse results.
    public final int[] flags = new int[CAPACITY];
    /** Offsets from {@code data}. */
    public final int[] l3Offset = new int[CAPACITY];
    public final int[] l4Offset = new int[CAPACITY];
    /** IP protocol / final IPv6 next header. */
    public final int[] protocol = new int[CAPACITY];
    /** Ports for TCP/UDP/SCTP, the echo identifier (in both) for ICMP echo, else 0. */
    public final int[] srcPort = new int[CAPACITY];
    public final int[] dstPort = new int[CAPACITY];
    public final int[] tcpFlags = new int[CAPACITY];

    // Decisions.
    /** Local policy endpoint ids of source and destination, {@link #NONE} when not a local pod. */
    public final int[] srcEndpoint = new int[CAPACITY];
    public final int[] dstEndpoint = new int[CAPACITY];
    public final int[] flow = new int[CAPACITY];
    public final int[] adjacency = new int[CAPACITY];
    public final int[] txInterface = new int[CAPACITY];
    /** The node the packet goes to next, written by the node that just processed it. */
    public final int[] next = new int[CAPACITY];
    /** The {@code DropReason} ordinal once a node decided to drop it. */
    public final int[] error = new int[CAPACITY];
    /** The trace record, or {@link #NONE} when not traced. */
    public final int[] trace = new int[CAPACITY];

    private int count;

    public int count() {
        return count;
    }

    public int free() {
        return CAPACITY - count;
    }

    /**
     * Adds a received packet (for {@link Port#rx}).
     *
     * @param address  absolute address of the frame's first byte
     * @param headroom bytes free in the buffer before {@code address}
     * @param room     bytes usable from {@code address} to the buffer's end, at least {@code length}
     * @return the packet's slot
     */
    public int append(int handle, PacketBuffers buffers, long address, int length, int headroom, int room) {
        if (count == CAPACITY) throw new IllegalStateException("PacketVector is full; Port.rx must respect max");
        if (length < 0 || length > room) {
            throw new IllegalArgumentException("packet length " + length + " must be within 0..room (" + room + ")");
        }
        int s = count++;
        buffer[s] = handle;
        owner[s] = buffers;
        data[s] = address;
        this.length[s] = length;
        this.headroom[s] = headroom;
        this.room[s] = room;
        rxInterface[s] = NONE;
        flags[s] = 0;
        l3Offset[s] = 0;
        l4Offset[s] = 0;
        protocol[s] = 0;
        srcPort[s] = 0;
        dstPort[s] = 0;
        tcpFlags[s] = 0;
        srcEndpoint[s] = NONE;
        dstEndpoint[s] = NONE;
        flow[s] = NONE;
        adjacency[s] = NONE;
        txInterface[s] = NONE;
        next[s] = NONE;
        error[s] = 0;
        trace[s] = NONE;
        return s;
    }

    /** Replaces a slot's buffer by a fresh one of the same owner (the old one must have been freed by the caller). */
    public void rebuffer(int slot, int handle, long address, int length, int headroom, int room) {
        buffer[slot] = handle;
        data[slot] = address;
        this.length[slot] = length;
        this.headroom[slot] = headroom;
        this.room[slot] = room;
    }

    /** Forgets all packets (their ownership must already have passed on: transmitted or freed). */
    public void clear() {
        for (int s = 0; s < count; s++) owner[s] = null;
        count = 0;
    }
}
