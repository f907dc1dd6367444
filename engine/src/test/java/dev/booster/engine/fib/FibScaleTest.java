package dev.booster.engine.fib;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 100k routes per family, checked against a per-length map probed from the longest length down (the linear scan of
 * the property tests would take minutes at this size).
 */
class FibScaleTest {
    private static final int ROUTES = 100_000;
    private static final int SAMPLES = 100_000;

    private record Route(long high, long low, int length) {
    }

    /** A reference that probes one exact-match map per length, longest first. */
    private static final class PerLengthMaps {
        private final int bits;
        private final List<Map<Route, Integer>> byLength = new ArrayList<>();

        PerLengthMaps(int bits) {
            this.bits = bits;
            for (int length = 0; length <= bits; length++) {
                byLength.add(new HashMap<>());
            }
        }

        /** @return true when the prefix was new */
        boolean add(Route r, int adjacency) {
            return byLength.get(r.length()).put(r, adjacency) == null;
        }

        void remove(Route r) {
            byLength.get(r.length()).remove(r);
        }

        int lookup(long high, long low) {
            for (int length = bits; length >= 0; length--) {
                int top = length + 128 - bits;
                Route key = new Route(high & Ip6PrefixTable.maskHigh(top), low & Ip6PrefixTable.maskLow(top), length);
                Integer adjacency = byLength.get(length).get(key);
                if (adjacency != null) {
                    return adjacency;
                }
            }
            return -1;
        }
    }

    @Test
    void ip4HundredThousandRoutes() {
        SplittableRandom random = new SplittableRandom(4);
        Ip4Fib fib = new Ip4Fib();
        PerLengthMaps reference = new PerLengthMaps(32);
        List<Route> added = new ArrayList<>();
        int distinct = 0;
        while (distinct < ROUTES) {
            int length = internetLikeIp4Length(random);
            int prefix = random.nextInt() & Ip4Fib.mask(length);
            Route route = new Route(0, prefix & 0xFFFF_FFFFL, length);
            int adjacency = random.nextInt(1 << 20);
            fib.add(prefix, length, adjacency);
            if (reference.add(route, adjacency)) {
                distinct++;
                added.add(route);
            }
        }
        assertEquals(ROUTES, fib.size());
        checkIp4Samples(fib, reference, added, random);

        for (int i = 0; i < added.size(); i += 2) {
            Route r = added.get(i);
            assertTrue(fib.remove((int) r.low(), r.length()));
            reference.remove(r);
        }
        assertEquals(ROUTES / 2, fib.size());
        checkIp4Samples(fib, reference, added, random);
    }

    private static void checkIp4Samples(Ip4Fib fib, PerLengthMaps reference, List<Route> routes, SplittableRandom random) {
        for (int i = 0; i < SAMPLES; i++) {
            int address;
            if ((i & 1) == 0) {
                Route r = routes.get(random.nextInt(routes.size()));
                address = (int) r.low() | (random.nextInt() & ~Ip4Fib.mask(r.length()));
            } else {
                address = random.nextInt();
            }
            int expected = reference.lookup(0, address & 0xFFFF_FFFFL);
            assertEquals(expected, fib.lookup(address), () -> "lookup " + Integer.toHexString(address));
        }
    }

    /**
     * Mostly /24s, as in the Internet table, with enough /25-/32 to need the third stride, and nothing shorter than /8:
     * a short prefix is pushed into every ply below it, so re-adding a /1 costs a walk of half the trie (as in VPP).
     */
    private static int internetLikeIp4Length(SplittableRandom random) {
        int roll = random.nextInt(100);
        if (roll < 5) {
            return 8 + random.nextInt(9);
        }
        if (roll < 25) {
            return 17 + random.nextInt(7);
        }
        if (roll < 75) {
            return 24;
        }
        return 25 + random.nextInt(8);
    }

    @Test
    void ip6HundredThousandRoutes() {
        SplittableRandom random = new SplittableRandom(6);
        Ip6Fib fib = new Ip6Fib();
        PerLengthMaps reference = new PerLengthMaps(128);
        List<Route> added = new ArrayList<>();
        int distinct = 0;
        while (distinct < ROUTES) {
            int length = podNetworkLikeIp6Length(random);
            long high = 0xFD00_0000_0000_0000L | (random.nextLong() >>> 8);
            long low = random.nextLong();
            Route route = new Route(high & Ip6PrefixTable.maskHigh(length), low & Ip6PrefixTable.maskLow(length), length);
            int adjacency = random.nextInt(1 << 20);
            fib.add(route.high(), route.low(), length, adjacency);
            if (reference.add(route, adjacency)) {
                distinct++;
                added.add(route);
            }
        }
        assertEquals(ROUTES, fib.size());
        checkIp6Samples(fib, reference, added, random);

        for (int i = 0; i < added.size(); i += 2) {
            Route r = added.get(i);
            assertTrue(fib.remove(r.high(), r.low(), r.length()));
            reference.remove(r);
        }
        assertEquals(ROUTES / 2, fib.size());
        checkIp6Samples(fib, reference, added, random);
    }

    private static void checkIp6Samples(Ip6Fib fib, PerLengthMaps reference, List<Route> routes, SplittableRandom random) {
        for (int i = 0; i < SAMPLES; i++) {
            long high;
            long low;
            if ((i & 1) == 0) {
                Route r = routes.get(random.nextInt(routes.size()));
                high = r.high() | (random.nextLong() & ~Ip6PrefixTable.maskHigh(r.length()));
                low = r.low() | (random.nextLong() & ~Ip6PrefixTable.maskLow(r.length()));
            } else {
                high = 0xFD00_0000_0000_0000L | (random.nextLong() >>> 8);
                low = random.nextLong();
            }
            long h = high;
            long l = low;
            assertEquals(reference.lookup(h, l), fib.lookup(h, l), () -> "lookup " + Long.toHexString(h) + ":" + Long.toHexString(l));
        }
    }

    /** Host routes and /64s dominate; every other length appears too, so a lookup probes many tables. */
    private static int podNetworkLikeIp6Length(SplittableRandom random) {
        int roll = random.nextInt(100);
        if (roll < 40) {
            return 128;
        }
        if (roll < 70) {
            return 64;
        }
        if (roll < 80) {
            return 48;
        }
        if (roll < 90) {
            return 56;
        }
        return 8 + random.nextInt(121);
    }
}
