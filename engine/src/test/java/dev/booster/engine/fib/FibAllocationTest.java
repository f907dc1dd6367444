package dev.booster.engine.fib;

import com.sun.management.ThreadMXBean;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.function.IntUnaryOperator;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packet-path operations allocate nothing: 100k calls must not move this thread's allocation counter by more than
 * the measurement's own noise (one object per call would be well over a megabyte).
 */
class FibAllocationTest {
    private static final int CALLS = 100_000;
    private static final long NOISE_BYTES = 4_096;

    private static long allocatedBy(IntUnaryOperator operation) {
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long sink = 0;
        for (int i = 0; i < CALLS; i++) {
            sink += operation.applyAsInt(i); // warm-up, so lazy class and call-site linking is not counted
        }
        // The best of several windows: one that ran before C2 finished compiling counts what the JIT later removes.
        long allocated = Long.MAX_VALUE;
        for (int window = 0; window < 5 && allocated >= NOISE_BYTES; window++) {
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < CALLS; i++) {
                sink += operation.applyAsInt(i);
            }
            allocated = Math.min(allocated, threads.getCurrentThreadAllocatedBytes() - before);
        }
        assertTrue(sink != Long.MIN_VALUE);
        return allocated;
    }

    @Test
    void fibLookupsAllocateNothing() {
        Ip4Fib ip4 = new Ip4Fib();
        ip4.add(0x0A00_0000, 8, 1);
        ip4.add(0x0A01_0200, 24, 2);
        ip4.add(0x0A01_0203, 32, 3);
        long ip4Bytes = allocatedBy(i -> ip4.lookup(0x0A01_0200 | (i & 0x3FF)));
        assertTrue(ip4Bytes < NOISE_BYTES, "Ip4Fib.lookup allocated " + ip4Bytes + " bytes");

        Ip6Fib ip6 = new Ip6Fib();
        ip6.add(0xFD00_0000_0000_0000L, 0, 16, 1);
        ip6.add(0xFD00_0000_0000_0001L, 0, 64, 2);
        ip6.add(0xFD00_0000_0000_0001L, 5, 128, 3);
        long ip6Bytes = allocatedBy(i -> ip6.lookup(0xFD00_0000_0000_0000L | (i & 3), i & 7));
        assertTrue(ip6Bytes < NOISE_BYTES, "Ip6Fib.lookup allocated " + ip6Bytes + " bytes");
    }
}
