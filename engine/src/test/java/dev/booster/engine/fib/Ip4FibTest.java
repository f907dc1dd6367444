package dev.booster.engine.fib;

import dev.booster.api.net.Ip4Address;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Ip4FibTest {
    private final Ip4Fib fib = new Ip4Fib();

    private static int ip(String text) {
        return Ip4Address.parse(text).bits();
    }

    @Test
    void emptyTableMissesEverything() {
        assertEquals(Ip4Fib.MISS, fib.lookup(ip("0.0.0.0")));
        assertEquals(Ip4Fib.MISS, fib.lookup(ip("10.1.2.3")));
        assertEquals(Ip4Fib.MISS, fib.lookup(ip("255.255.255.255")));
        assertEquals(0, fib.size());
    }

    @Test
    void defaultRouteMatchesEveryAddressAndCanBeRemoved() {
        fib.add(0, 0, 5);
        assertEquals(5, fib.lookup(ip("0.0.0.0")));
        assertEquals(5, fib.lookup(ip("128.0.0.1")));
        assertEquals(5, fib.lookup(ip("255.255.255.255")));
        assertTrue(fib.remove(0, 0));
        assertEquals(Ip4Fib.MISS, fib.lookup(ip("128.0.0.1")));
        assertEquals(0, fib.size());
    }

    @Test
    void hostRouteMatchesOnlyItsAddress() {
        fib.add(ip("10.1.2.3"), 32, 1);
        assertEquals(1, fib.lookup(ip("10.1.2.3")));
        assertEquals(Ip4Fib.MISS, fib.lookup(ip("10.1.2.2")));
        assertEquals(Ip4Fib.MISS, fib.lookup(ip("10.1.2.4")));
        fib.add(ip("255.255.255.255"), 32, 2);
        fib.add(ip("0.0.0.0"), 32, 3);
        assertEquals(2, fib.lookup(ip("255.255.255.255")));
        assertEquals(3, fib.lookup(ip("0.0.0.0")));
        assertEquals(Ip4Fib.MISS, fib.lookup(ip("0.0.0.1")));
    }

    @Test
    void longestOverlappingPrefixWinsAtEveryStride() {
        fib.add(0, 0, 0);
        fib.add(ip("10.0.0.0"), 8, 8);
        fib.add(ip("10.1.0.0"), 16, 16);
        fib.add(ip("10.1.0.0"), 20, 20);
        fib.add(ip("10.1.2.0"), 24, 24);
        fib.add(ip("10.1.2.128"), 25, 25);
        fib.add(ip("10.1.2.130"), 32, 32);
        assertEquals(0, fib.lookup(ip("11.0.0.0")));
        assertEquals(8, fib.lookup(ip("10.2.0.0")));
        assertEquals(16, fib.lookup(ip("10.1.255.1")));
        assertEquals(20, fib.lookup(ip("10.1.15.1")));
        assertEquals(24, fib.lookup(ip("10.1.2.127")));
        assertEquals(25, fib.lookup(ip("10.1.2.129")));
        assertEquals(32, fib.lookup(ip("10.1.2.130")));
        assertEquals(25, fib.lookup(ip("10.1.2.131")));
        assertEquals(7, fib.size());
    }

    @Test
    void lessSpecificAddedLaterDoesNotHideMoreSpecific() {
        fib.add(ip("10.1.2.0"), 24, 24);
        fib.add(ip("10.1.2.3"), 32, 32);
        fib.add(ip("10.0.0.0"), 8, 8);
        fib.add(0, 0, 0);
        assertEquals(32, fib.lookup(ip("10.1.2.3")));
        assertEquals(24, fib.lookup(ip("10.1.2.4")));
        assertEquals(8, fib.lookup(ip("10.1.3.4")));
        assertEquals(0, fib.lookup(ip("9.1.3.4")));
    }

    @Test
    void removeRestoresTheCoveringRoute() {
        fib.add(ip("10.0.0.0"), 8, 8);
        fib.add(ip("10.1.0.0"), 16, 16);
        fib.add(ip("10.1.2.0"), 24, 24);
        fib.add(ip("10.1.2.3"), 32, 32);

        assertTrue(fib.remove(ip("10.1.2.0"), 24));
        assertEquals(16, fib.lookup(ip("10.1.2.4")));
        assertEquals(32, fib.lookup(ip("10.1.2.3")), "a more specific route survives removing its cover");

        assertTrue(fib.remove(ip("10.1.0.0"), 16));
        assertEquals(8, fib.lookup(ip("10.1.2.4")));
        assertEquals(32, fib.lookup(ip("10.1.2.3")));

        assertTrue(fib.remove(ip("10.1.2.3"), 32));
        assertEquals(8, fib.lookup(ip("10.1.2.3")));

        assertTrue(fib.remove(ip("10.0.0.0"), 8));
        assertEquals(Ip4Fib.MISS, fib.lookup(ip("10.1.2.3")));
        assertEquals(0, fib.size());
    }

    @Test
    void removeSkipsAMissingIntermediateLengthToFindTheCover() {
        fib.add(ip("10.0.0.0"), 8, 8);
        fib.add(ip("10.1.2.0"), 23, 23);
        fib.add(ip("10.1.2.0"), 26, 26);
        assertTrue(fib.remove(ip("10.1.2.0"), 23));
        assertEquals(8, fib.lookup(ip("10.1.3.1")));
        assertEquals(26, fib.lookup(ip("10.1.2.1")));
        assertEquals(8, fib.lookup(ip("10.1.2.64")));
    }

    @Test
    void removeOfAbsentPrefixReturnsFalseAndChangesNothing() {
        fib.add(ip("10.0.0.0"), 8, 8);
        assertFalse(fib.remove(ip("10.0.0.0"), 9));
        assertFalse(fib.remove(ip("11.0.0.0"), 8));
        assertEquals(8, fib.lookup(ip("10.0.0.1")));
        assertEquals(1, fib.size());
    }

    @Test
    void addingAnExistingPrefixReplacesItsAdjacency() {
        fib.add(ip("10.1.2.0"), 24, 1);
        fib.add(ip("10.1.2.64"), 26, 2);
        fib.add(ip("10.1.2.0"), 24, 3);
        assertEquals(3, fib.lookup(ip("10.1.2.1")));
        assertEquals(2, fib.lookup(ip("10.1.2.65")));
        assertEquals(2, fib.size());
        fib.add(ip("10.0.0.0"), 8, 4);
        fib.add(ip("10.0.0.0"), 8, 5);
        assertEquals(5, fib.lookup(ip("10.9.0.1")));
        assertEquals(3, fib.size());
    }

    @Test
    void manyRoutesGrowAndRecycleThePlies() {
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 2_000; i++) {
                fib.add(ip("10.0.0.0") | i << 8 | 1, 32, i);
            }
            for (int i = 0; i < 2_000; i++) {
                assertEquals(i, fib.lookup(ip("10.0.0.0") | i << 8 | 1));
                assertEquals(Ip4Fib.MISS, fib.lookup(ip("10.0.0.0") | i << 8 | 2));
            }
            for (int i = 0; i < 2_000; i++) {
                assertTrue(fib.remove(ip("10.0.0.0") | i << 8 | 1, 32));
            }
            assertEquals(Ip4Fib.MISS, fib.lookup(ip("10.0.0.1")));
        }
        assertEquals(0, fib.size());
    }

    @Test
    void rejectsInvalidRoutesNamingTheFix() {
        var hostBits = assertThrows(IllegalArgumentException.class, () -> fib.add(ip("10.0.0.1"), 8, 1));
        assertTrue(hostBits.getMessage().contains("did you mean 10.0.0.0/8"), hostBits.getMessage());
        var length = assertThrows(IllegalArgumentException.class, () -> fib.add(0, 33, 1));
        assertTrue(length.getMessage().contains("0..32"), length.getMessage());
        assertThrows(IllegalArgumentException.class, () -> fib.remove(0, -1));
        var adjacency = assertThrows(IllegalArgumentException.class, () -> fib.add(0, 0, Ip4Fib.MISS));
        assertTrue(adjacency.getMessage().contains("adjacency -1"), adjacency.getMessage());
        assertEquals(0, fib.size());
    }
}
