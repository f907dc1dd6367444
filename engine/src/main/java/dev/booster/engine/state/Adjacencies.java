package dev.booster.engine.state;

import java.util.Arrays;

/**
 * Where a FIB result sends a packet: an output interface and the destination MAC to write, or a discard. A
 * destination MAC of {@link #LEARNED} means "the neighbour learned on that interface" (a pod whose MAC the control
 * plane did not give, found from its ARP or neighbour solicitation instead).
 *
 * <p>A tunnel adjacency also names a tunnel ({@link #tunnel}): the packet leaves through the uplink {@link
 * #interfaceOf} to the next hop {@link #mac}, but tunnel-encap wraps it in the tunnel's outer headers first.
 *
 * <p>An immutable snapshot for one {@link ForwardingState}. The engine gives an adjacency's index one meaning for as
 * long as the (shared, changed in place) FIBs may return it, so that an index a FIB returns always means the same in
 * the snapshot of the worker that looked it up.
 */
public final class Adjacencies {
    public static final long LEARNED = -1L;
    /** The interface of a discard adjacency. */
    public static final int DISCARD = -1;

    /** The tunnel of an adjacency that is none. */
    public static final int NO_TUNNEL = -1;

    private final int[] interfaces;
    private final long[] macs;
    private final int[] tunnels;

    private Adjacencies(int[] interfaces, long[] macs, int[] tunnels) {
        this.interfaces = interfaces;
        this.macs = macs;
        this.tunnels = tunnels;
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

    /** The tunnel (an index into {@link TunnelTable}) the packet is encapsulated for, or {@link #NO_TUNNEL}. */
    public int tunnel(int adjacency) {
        return tunnels[adjacency];
    }

    /** A snapshot of the first {@code size} entries of the given arrays (copied; indices keep their meaning). */
    public static Adjacencies copyOf(int[] interfaces, long[] macs, int[] tunnels, int size) {
        return new Adjacencies(Arrays.copyOf(interfaces, size), Arrays.copyOf(macs, size), Arrays.copyOf(tunnels, size));
    }
}
