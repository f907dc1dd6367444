package dev.booster.engine.fib;

import dev.booster.api.net.Ip6Address;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Ip6FibTest {
    private final Ip6Fib fib = new Ip6Fib();

    private void add(String prefix, int length, int adjacency) {
        Ip6Address a = Ip6Address.parse(prefix);
        fib.add(a.high(), a.low(), length, adjacency);
    }

    private boolean remove(String prefix, int length) {
        Ip6Address a = Ip6Address.parse(prefix);
        return fib.remove(a.high(), a.low(), length);
    }

    private int lookup(String address) {
        Ip6Address a = Ip6Address.parse(address);
        return fib.lookup(a.high(), a.low());
    }

    @Test
    void emptyTableMissesEverything() {
        assertEquals(Ip6Fib.MISS, lookup("::"));
        assertEquals(Ip6Fib.MISS, lookup("fd00::1"));
        assertEquals(0, fib.size());
    }

    @Test
    void defaultRouteMatchesEveryAddressAndCanBeRemoved() {
        add("::", 0, 5);
        assertEquals(5, lookup("::"));
        assertEquals(5, lookup("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"));
        assertTrue(remove("::", 0));
        assertEquals(Ip6Fib.MISS, lookup("2001:db8::1"));
    }

    @Test
    void hostRouteMatchesOnlyItsAddress() {
        add("fd00::1", 128, 1);
        assertEquals(1, lookup("fd00::1"));
        assertEquals(Ip6Fib.MISS, lookup("fd00::2"));
        assertEquals(Ip6Fib.MISS, lookup("fd00:0:0:1::1"));
    }

    @Test
    void longestPrefixWinsAcrossTheHalves() {
        add("::", 0, 0);
        add("fd00::", 8, 8);
        add("fd00:1::", 32, 32);
        add("fd00:1:2:2::", 63, 63);
        add("fd00:1:2:3::", 64, 64);
        add("fd00:1:2:3:8000::", 65, 65);
        add("fd00:1:2:3:8000::5", 128, 128);
        assertEquals(0, lookup("2001:db8::1"));
        assertEquals(8, lookup("fd99::1"));
        assertEquals(32, lookup("fd00:1:ffff::1"));
        assertEquals(63, lookup("fd00:1:2:2::1"));
        assertEquals(64, lookup("fd00:1:2:3::1"));
        assertEquals(65, lookup("fd00:1:2:3:8000::1"));
        assertEquals(128, lookup("fd00:1:2:3:8000::5"));
        assertEquals(7, fib.size());
    }

    @Test
    void removeRestoresTheCoveringRoute() {
        add("fd00::", 16, 16);
        add("fd00:0:0:1::", 64, 64);
        add("fd00:0:0:1::7", 128, 128);
        assertTrue(remove("fd00:0:0:1::", 64));
        assertEquals(16, lookup("fd00:0:0:1::8"));
        assertEquals(128, lookup("fd00:0:0:1::7"));
        assertTrue(remove("fd00:0:0:1::7", 128));
        assertEquals(16, lookup("fd00:0:0:1::7"));
        assertFalse(remove("fd00:0:0:1::7", 128));
        assertEquals(1, fib.size());
    }

    @Test
    void addingAnExistingPrefixReplacesItsAdjacency() {
        add("fd00::", 64, 1);
        add("fd00::", 64, 2);
        assertEquals(2, lookup("fd00::9"));
        assertEquals(1, fib.size());
    }

    @Test
    void tablesGrowAndShedTombstones() {
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 5_000; i++) {
                fib.add(0xfd00_0000_0000_0000L, i, 128, i);
            }
            for (int i = 0; i < 5_000; i++) {
                assertEquals(i, fib.lookup(0xfd00_0000_0000_0000L, i));
            }
            assertEquals(Ip6Fib.MISS, fib.lookup(0xfd00_0000_0000_0000L, 5_000));
            for (int i = 0; i < 5_000; i++) {
                assertTrue(fib.remove(0xfd00_0000_0000_0000L, i, 128));
            }
        }
        assertEquals(0, fib.size());
        assertEquals(Ip6Fib.MISS, fib.lookup(0xfd00_0000_0000_0000L, 1));
    }

    @Test
    void rejectsInvalidRoutesNamingTheFix() {
        var hostBits = assertThrows(IllegalArgumentException.class, () -> add("fd00::1", 64, 1));
        assertTrue(hostBits.getMessage().contains("did you mean"), hostBits.getMessage());
        var length = assertThrows(IllegalArgumentException.class, () -> add("::", 129, 1));
        assertTrue(length.getMessage().contains("0..128"), length.getMessage());
        assertThrows(IllegalArgumentException.class, () -> add("fd00::", 64, -1));
        assertEquals(0, fib.size());
    }
}
