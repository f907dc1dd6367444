package dev.booster.engine.node;

/** IP protocol numbers and address tests the nodes share. */
final class IpFields {
    static final int ICMP = 1;
    static final int TCP = 6;
    static final int UDP = 17;
    static final int ICMP6 = 58;
    static final int SCTP = 132;

    private IpFields() {
    }

    /** Destination unreachable, source quench, redirect, time exceeded, parameter problem. */
    static boolean isIcmp4Error(int type) {
        return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
    }

    static boolean isMulticast4(int address) {
        return (address & 0xf000_0000) == 0xe000_0000;
    }

    static boolean isMulticast6(long high) {
        return (high >>> 56) == 0xff;
    }

    static boolean isLinkLocal6(long high) {
        return (high >>> 54) == (0xfe80L >>> 6);
    }
}
