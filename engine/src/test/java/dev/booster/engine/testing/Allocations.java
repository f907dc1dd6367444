package dev.booster.engine.testing;

import com.sun.management.ThreadMXBean;

import java.lang.management.ManagementFactory;
import java.util.function.IntUnaryOperator;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Measures what packet-path code allocates on the calling thread, once the JIT has compiled it. */
public final class Allocations {
    /** The measurement's own noise; one object per call over {@link #CALLS} calls would be well over a megabyte. */
    public static final long NOISE_BYTES = 4_096;
    public static final int CALLS = 100_000;

    private Allocations() {
    }

    /** Bytes allocated by {@link #CALLS} calls of {@code operation} (its results are consumed so none is optimized away). */
    public static long allocatedBy(IntUnaryOperator operation) {
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
}
