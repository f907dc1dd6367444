package dev.booster.engine.fib;

import java.util.ArrayList;
import java.util.List;

/**
 * The obviously correct longest-prefix match the FIBs are compared with: a list of routes, scanned in full. Addresses
 * of both families are held as 128 bits; an IPv4 address uses the low 32.
 */
final class LinearRoutes {
    private record Route(long high, long low, int length, int adjacency) {
    }

    private final int addressBits;
    private final List<Route> routes = new ArrayList<>();

    LinearRoutes(int addressBits) {
        this.addressBits = addressBits;
    }

    static LinearRoutes ip4() {
        return new LinearRoutes(32);
    }

    static LinearRoutes ip6() {
        return new LinearRoutes(128);
    }

    void add(long high, long low, int length, int adjacency) {
        remove(high, low, length);
        routes.add(new Route(high, low, length, adjacency));
    }

    boolean remove(long high, long low, int length) {
        return routes.removeIf(r -> r.high == high && r.low == low && r.length == length);
    }

    int lookup(long high, long low) {
        int bestLength = -1;
        int best = -1;
        for (Route r : routes) {
            if (r.length > bestLength && contains(r, high, low)) {
                bestLength = r.length;
                best = r.adjacency;
            }
        }
        return best;
    }

    int size() {
        return routes.size();
    }

    private boolean contains(Route r, long high, long low) {
        // Compare the first "length" bits of the address (counted from its most significant bit) with the prefix.
        int shiftedLength = r.length + (128 - addressBits);
        for (int bit = 128 - addressBits; bit < shiftedLength; bit++) {
            if (bitAt(high, low, bit) != bitAt(r.high, r.low, bit)) {
                return false;
            }
        }
        return true;
    }

    private static long bitAt(long high, long low, int bitFromTop) {
        return bitFromTop < 64 ? (high >>> (63 - bitFromTop)) & 1 : (low >>> (127 - bitFromTop)) & 1;
    }
}
