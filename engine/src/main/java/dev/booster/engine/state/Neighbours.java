package dev.booster.engine.state;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * The MAC learned on each interface from ARP and neighbour discovery. A pod interface is a point-to-point link with
 * one neighbour, the pod, so one MAC per interface is enough. Workers write it on the packet path, so it lives
 * outside the immutable {@link ForwardingState}; opaque accesses make each 48-bit MAC a single untorn write.
 */
public final class Neighbours {
    public static final long UNKNOWN = -1L;
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(long[].class);

    private final long[] macs;

    public Neighbours(int capacity) {
        macs = new long[capacity];
        Arrays.fill(macs, UNKNOWN);
    }

    public long mac(int iface) {
        return (long) SLOT.getOpaque(macs, iface);
    }

    /** Records {@code mac} for {@code iface}; writes only on change so a busy link does not bounce a cache line. */
    public void learn(int iface, long mac) {
        if ((long) SLOT.getOpaque(macs, iface) != mac) SLOT.setOpaque(macs, iface, mac);
    }

    public void forget(int iface) {
        SLOT.setOpaque(macs, iface, UNKNOWN);
    }
}
