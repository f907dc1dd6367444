package dev.booster.engine.conntrack;

import dev.booster.engine.testing.Allocations;
import org.junit.jupiter.api.Test;


import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packet-path operations allocate nothing: 100k calls must not move this thread's allocation counter by more than
 * the measurement's own noise ({@link Allocations}).
 */
class ConntrackAllocationTest {
    @Test
    void conntrackPacketOperationsAllocateNothing() {
        Conntrack table = new Conntrack(1_024, new Timeouts(1_000, 100, 50, 50, 50));
        long bytes = Allocations.allocatedBy(i -> {
            long now = i;
            int handle = table.lookup(0, i & 2047, 0, 1, Conntrack.PROTOCOL_TCP, 1000, 80, now);
            if (handle == Conntrack.NONE) {
                handle = table.create(0, i & 2047, 0, 1, Conntrack.PROTOCOL_TCP, 1000, 80, now, i);
            }
            if (handle >= 0) {
                table.touch(handle, now, Conntrack.TCP_ACK);
                table.setTag(handle, table.tag(handle) + 1);
            }
            return table.expire(now, 4) + handle;
        });
        assertTrue(bytes < Allocations.NOISE_BYTES, "Conntrack allocated " + bytes + " bytes");
    }
}
