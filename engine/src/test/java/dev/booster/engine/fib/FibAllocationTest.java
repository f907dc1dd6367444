package dev.booster.engine.fib;

import dev.booster.engine.testing.Allocations;
import org.junit.jupiter.api.Test;


import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packet-path operations allocate nothing: 100k calls must not move this thread's allocation counter by more than
 * the measurement's own noise ({@link Allocations}).
 */
class FibAllocationTest {
    @Test
    void fibLookupsAllocateNothing() {
        Ip4Fib ip4 = new Ip4Fib();
        ip4.add(0x0A00_0000, 8, 1);
        ip4.add(0x0A01_0200, 24, 2);
        ip4.add(0x0A01_0203, 32, 3);
        long ip4Bytes = Allocations.allocatedBy(i -> ip4.lookup(0x0A01_0200 | (i & 0x3FF)));
        assertTrue(ip4Bytes < Allocations.NOISE_BYTES, "Ip4Fib.lookup allocated " + ip4Bytes + " bytes");

        Ip6Fib ip6 = new Ip6Fib();
        ip6.add(0xFD00_0000_0000_0000L, 0, 16, 1);
        ip6.add(0xFD00_0000_0000_0001L, 0, 64, 2);
        ip6.add(0xFD00_0000_0000_0001L, 5, 128, 3);
        long ip6Bytes = Allocations.allocatedBy(i -> ip6.lookup(0xFD00_0000_0000_0000L | (i & 3), i & 7));
        assertTrue(ip6Bytes < Allocations.NOISE_BYTES, "Ip6Fib.lookup allocated " + ip6Bytes + " bytes");
    }
}
