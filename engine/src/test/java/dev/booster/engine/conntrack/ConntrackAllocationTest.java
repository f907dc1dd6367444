package dev.booster.engine.conntrack;

import com.sun.management.ThreadMXBean;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.function.IntUnaryOperator;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packet-path operations allocate nothing: 100k calls must not move this thread's allocation counter by more than
 * the measurement's own noise (one object per call would be well over a megabyte).
 */
class ConntrackAllocationTest {
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
    void conntrackPacketOperationsAllocateNothing() {
        Conntrack table = new Conntrack(1_024, new Timeouts(1_000, 100, 50, 50, 50));
        long bytes = allocatedBy(i -> {
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
        assertTrue(bytes < NOISE_BYTES, "Conntrack allocated " + bytes + " bytes");
    }
}
