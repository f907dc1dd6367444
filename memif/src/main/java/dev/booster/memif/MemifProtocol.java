package dev.booster.memif;

/**
 * Constants of the memif protocol, version 2.0, as libmemif, VPP and DPDK's net_memif define them. All integers on
 * the wire and in shared memory are in the host's byte order (the peers share a host).
 */
public final class MemifProtocol {
    /** Version 2.0: {@code (major << 8) | minor}. */
    public static final int VERSION = (2 << 8);
    /** Written into every ring's {@code cookie} by the slave; the master checks it before trusting the ring. */
    public static final int RING_COOKIE = 0x3E31F20;
    /** Every control message is exactly this long (the C union is padded and aligned to 128). */
    public static final int MESSAGE_SIZE = 128;
    public static final int NAME_SIZE = 32;
    public static final int SECRET_SIZE = 24;
    public static final int DISCONNECT_REASON_SIZE = 96;
    /** The largest ring, 2^14 descriptors, that libmemif, VPP and DPDK accept. */
    public static final int MAX_LOG2_RING_SIZE = 14;
    /** Region and ring indexes are 8-bit in the peers' bookkeeping (255 is the highest index libmemif offers). */
    public static final int MAX_REGION_INDEX = 255;
    public static final int MAX_QUEUES = 255;
    /** Ring flag: the receiver polls, so the producer need not signal its eventfd. */
    public static final int RING_FLAG_MASK_INT = 1;
    /** Descriptor flag: the packet continues in the next descriptor. */
    public static final int DESC_FLAG_NEXT = 1;
    /** ADD_RING flag: the ring carries packets from slave to master. */
    public static final int ADD_RING_FLAG_S2M = 1;

    private MemifProtocol() {
    }

    /** "2.0" for {@code 0x0200}. */
    public static String versionText(int version) {
        return (version >>> 8) + "." + (version & 0xFF);
    }
}
