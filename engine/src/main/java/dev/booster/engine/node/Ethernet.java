package dev.booster.engine.node;

/** Ethernet constants. */
final class Ethernet {
    static final int HEADER = 14;
    static final int TYPE_IP4 = 0x0800;
    static final int TYPE_ARP = 0x0806;
    static final int TYPE_IP6 = 0x86dd;
    static final long GROUP_BIT = 0x0100_0000_0000L;
    /** 33:33:00:00:00:01, all IPv6 nodes. */
    static final long ALL_NODES6 = 0x3333_0000_0001L;

    private Ethernet() {
    }
}
