package dev.booster.engine;

import java.util.Locale;

/** Why the engine dropped a packet. {@link #reasonName()} is the stable name counters and traces show. */
public enum DropReason {
    NO_ROUTE,
    /** A route that deliberately discards (a blackhole). */
    DROP_ROUTE,
    POLICY_DENY,
    TTL_EXPIRED,
    BAD_CHECKSUM,
    TRUNCATED,
    BAD_HEADER,
    FRAGMENT,
    NOT_FOR_US,
    UNSUPPORTED_ETHERTYPE,
    CONNTRACK_FULL,
    NO_NEIGHBOUR,
    /** A pod sent from an address that is not its own (Calico's reverse path check). */
    SPOOFED_SOURCE,
    /** The output interface was removed while the packet was in flight. */
    INTERFACE_DOWN,
    /** The output port's transmit ring was full. */
    TX_FULL,
    /** No buffer was left to build a reply in. */
    NO_BUFFER,
    /** The packet was still inside the graph after the runner's pass limit: a bug guard that should stay at 0. */
    GRAPH_LOOP;

    private static final DropReason[] BY_ORDINAL = values();

    private final String reasonName = name().toLowerCase(Locale.ROOT).replace('_', '-');

    /** The stable kebab-case name, e.g. {@code no-route}. */
    public String reasonName() {
        return reasonName;
    }

    /** Allocation-free inverse of {@link #ordinal()} (unlike {@code values()[i]}, which copies the array). */
    public static DropReason of(int ordinal) {
        return BY_ORDINAL[ordinal];
    }

    public static int count() {
        return BY_ORDINAL.length;
    }

    public static DropReason byName(String reasonName) {
        for (DropReason r : BY_ORDINAL) if (r.reasonName.equals(reasonName)) return r;
        throw new IllegalArgumentException("no drop reason \"" + reasonName + "\"");
    }
}
