package dev.booster.engine.state;

import java.util.Arrays;

/**
 * Where a FIB result sends a packet: an output interface and the destination MAC to write, or a discard. A
 * destination MAC of {@link #LEARNED} means "the neighbour learned on that interface" (a pod whose MAC the control
 * plane did not give, found from its ARP or neighbour solicitation instead).
 */
public final class Adjacencies {
    public static final long LEARNED = -1L;
    /** The interface of a discard adjacency. */
    public static final int DISCARD = -1;

    private final int[] interfaces;
    private final long[] macs;

    private Adjacencies(int[] interfaces, long[] macs) {
        this.interfaces = interfaces;
        this.macs = macs;
    }

    public int size() {
        return interfaces.length;
    }

    /** The output interface, or {@link #DISCARD}. */
    public int interfaceOf(int adjacency) {
        return interfaces[adjacency];
    }

    public long mac(int adjacency) {
        return macs[adjacency];
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private int[] interfaces = new int[16];
        private long[] macs = new long[16];
        private int size;

        private Builder() {
        }

        /** Returns the index of an adjacency to {@code iface} with {@code mac}, reusing an equal one. */
        public int add(int iface, long mac) {
            for (int i = 0; i < size; i++) if (interfaces[i] == iface && macs[i] == mac) return i;
            if (size == interfaces.length) {
                interfaces = Arrays.copyOf(interfaces, size * 2);
                macs = Arrays.copyOf(macs, size * 2);
            }
            interfaces[size] = iface;
            macs[size] = mac;
            return size++;
        }

        public int discard() {
            return add(DISCARD, 0);
        }

        public Adjacencies build() {
            return new Adjacencies(Arrays.copyOf(interfaces, size), Arrays.copyOf(macs, size));
        }
    }
}
