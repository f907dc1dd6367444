package dev.booster.engine.policy;

import dev.booster.api.net.Ip4Address;
import dev.booster.api.net.Ip6Address;
import dev.booster.api.net.IpAddress;

/**
 * A compile-time key in one of the classifier's lookup spaces, as an unsigned 128-bit number: an IPv6 address, an
 * IPv4 address (low 32 bits) or a port (the int with its sign bit flipped, so that unsigned order is int order).
 */
record Point(long high, long low) implements Comparable<Point> {
    static final Point ZERO = new Point(0, 0);
    static final Point MAX_32 = new Point(0, 0xffff_ffffL);
    static final Point MAX_128 = new Point(-1L, -1L);

    static Point of(IpAddress address) {
        return switch (address) {
            case Ip4Address v4 -> ofIp4(v4.bits());
            case Ip6Address v6 -> new Point(v6.high(), v6.low());
        };
    }

    static Point ofIp4(int bits) {
        return new Point(0, bits & 0xffff_ffffL);
    }

    static Point ofPort(int port) {
        return new Point(0, (port ^ Integer.MIN_VALUE) & 0xffff_ffffL);
    }

    /** The int this 32-bit point stands for, sign bit flipped back: for ports the port, for IPv4 the bits flipped. */
    int signedLow32() {
        return (int) low ^ Integer.MIN_VALUE;
    }

    /** This point plus one; {@link #MAX_128} stays where it is (nothing lies beyond it). */
    Point nextSaturating() {
        if (high == -1L && low == -1L) return this;
        return low == -1L ? new Point(high + 1, 0) : new Point(high, low + 1);
    }

    /** This point minus one; the caller ensures it is not {@link #ZERO}. */
    Point previous() {
        return low == 0 ? new Point(high - 1, -1L) : new Point(high, low - 1);
    }

    @Override
    public int compareTo(Point other) {
        int c = Long.compareUnsigned(high, other.high);
        return c != 0 ? c : Long.compareUnsigned(low, other.low);
    }
}
