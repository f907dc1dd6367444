package dev.booster.dpdk.port;

import dev.booster.dpdk.eal.Eal;
import dev.booster.dpdk.eal.EalOptions;
import dev.booster.dpdk.ffi.RteEthdev;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Arrays;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * Not a test: a harness that times the ways to call a PMD's burst function, for the choice documented in
 * {@link RteEthdev}. Run as root, under the benchmark lock:
 * <pre>
 * flock /tmp/booster-bench.lock java --enable-native-access=ALL-UNNAMED -cp "$(cat cp.txt):impl-dpdk/target/classes:impl-dpdk/target/test-classes" \
 *     dev.booster.dpdk.port.BurstCallCost
 * </pre>
 * A {@code net_null} port with empty bursts times the call alone (the PMD returns at once); bursts of 32 add the
 * PMD's work (allocating and freeing mbufs), for scale.
 */
public final class BurstCallCost {
    private static final FunctionDescriptor BURST = FunctionDescriptor.of(JAVA_SHORT, ADDRESS, ADDRESS, JAVA_SHORT);
    private static final MethodHandle PLAIN = Linker.nativeLinker().downcallHandle(BURST);
    private static final MethodHandle CRITICAL = Linker.nativeLinker().downcallHandle(BURST, Linker.Option.critical(false));
    private static final int CALLS = 2_000_000;
    private static final int ROUNDS = 15;

    private final MethodHandle bound;
    private final MemorySegment fn;
    private final MemorySegment queue;
    private final MemorySegment mbufs;

    private BurstCallCost(MemorySegment fn, MemorySegment queue, MemorySegment mbufs) {
        this.fn = fn;
        this.queue = queue;
        this.mbufs = mbufs;
        this.bound = Linker.nativeLinker().downcallHandle(fn, BURST, Linker.Option.critical(false));
    }

    public static void main(String[] args) throws Throwable {
        Eal eal = Eal.acquire(EalOptions.defaults());
        try (MbufPool pool = MbufPool.create(eal, "bst-cost", 4095); Arena arena = Arena.ofConfined()) {
            Vdev vdev = Vdev.probe(eal, Vdev.uniqueName("net_null"), "size=64");
            DpdkPort port = DpdkPort.start(eal, vdev.portId(), vdev.name(), pool);
            MemorySegment ops = eal.ethdev().fastPathOps(vdev.portId());
            @SuppressWarnings("restricted")
            MemorySegment queue = ops.get(ADDRESS, RteEthdev.FP_RXQ_DATA).reinterpret(8L * RteEthdev.MAX_QUEUES_PER_PORT).get(ADDRESS, 0);
            BurstCallCost cost = new BurstCallCost(ops.get(ADDRESS, RteEthdev.FP_RX_PKT_BURST), queue, arena.allocate(ADDRESS, 256));
            double[][] times = new double[4][ROUNDS];
            for (int round = 0; round < ROUNDS; round++) { // interleaved, so a noisy moment hits every variant alike
                times[0][round] = cost.staticCritical();
                times[1][round] = cost.staticPlain();
                times[2][round] = cost.boundCritical();
                times[3][round] = cost.burst32(eal);
            }
            String[] names = {"static handle, critical", "static handle, not critical", "handle bound per port, critical",
                    "burst of 32 received and freed (static, critical)"};
            for (int v = 0; v < names.length; v++) {
                double[] t = Arrays.copyOfRange(times[v], 3, ROUNDS); // the first rounds warm the JIT up
                Arrays.sort(t);
                System.out.printf("%-50s median %6.1f ns, best %6.1f ns per call%n", names[v], t[t.length / 2], t[0]);
            }
            port.close();
            vdev.close();
        } finally {
            eal.release();
        }
    }

    private double staticCritical() throws Throwable {
        long start = System.nanoTime();
        int total = 0;
        for (int i = 0; i < CALLS; i++) total += (short) CRITICAL.invokeExact(fn, queue, mbufs, (short) 0);
        return check(total, start);
    }

    private double staticPlain() throws Throwable {
        long start = System.nanoTime();
        int total = 0;
        for (int i = 0; i < CALLS; i++) total += (short) PLAIN.invokeExact(fn, queue, mbufs, (short) 0);
        return check(total, start);
    }

    private double boundCritical() throws Throwable {
        long start = System.nanoTime();
        int total = 0;
        for (int i = 0; i < CALLS; i++) total += (short) bound.invokeExact(queue, mbufs, (short) 0);
        return check(total, start);
    }

    private double burst32(Eal eal) {
        int calls = CALLS / 20;
        long start = System.nanoTime();
        for (int i = 0; i < calls; i++) {
            int n = RteEthdev.burst(fn, queue, mbufs, 32);
            eal.mbuf().freeBulk(mbufs, n);
        }
        return (System.nanoTime() - start) / (double) calls;
    }

    private static double check(int total, long start) {
        if (total != 0) throw new IllegalStateException("an empty burst received " + total);
        return (System.nanoTime() - start) / (double) CALLS;
    }

    @Override
    public String toString() {
        return "BurstCallCost" + Arrays.asList(fn, queue);
    }
}
