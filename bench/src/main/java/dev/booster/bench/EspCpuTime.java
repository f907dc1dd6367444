package dev.booster.bench;

import dev.booster.ipsec.EspAlgorithm;
import dev.booster.ipsec.EspCrypto;

import com.sun.management.OperatingSystemMXBean;

import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.function.IntSupplier;

/**
 * The {@link EspBenchmark} loops timed by CPU time instead of the wall clock, as {@code openssl speed} times itself by
 * default: on a machine shared with other work, packets per CPU-second still say what one core does, where JMH's
 * packets per wall-clock second say how much of a core the scheduler gave. The clock is the whole process's CPU time,
 * so the garbage collector's work for the JDK path's per-packet allocations is paid for (a thread clock would leave
 * it out and flatter the JDK path). Not a substitute for JMH (no forks, no blackhole); a second opinion printed
 * beside it by bench/esp-vs-openssl.sh.
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.booster.bench.EspCpuTime [seconds per configuration] [payloads...]};
 * prints one line per configuration: {@code cpu <benchmark> <algorithm> <crypto> <payload> <packets per CPU-second>}.
 */
public final class EspCpuTime {
    private static final OperatingSystemMXBean PROCESS =
            ManagementFactory.getPlatformMXBean(OperatingSystemMXBean.class);
    private static int sink;

    private EspCpuTime() {
    }

    public static void main(String[] args) {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3;
        int[] payloads = args.length > 1 ? java.util.Arrays.stream(args, 1, args.length).mapToInt(Integer::parseInt).toArray()
                : new int[]{64, 512, 1400};
        for (EspAlgorithm algorithm : EspAlgorithm.values()) {
            for (EspCrypto crypto : EspCrypto.values()) {
                for (int payload : payloads) {
                    // A fixture each: encrypt alone leaves ciphertext where the round trip needs the inner packet.
                    try (EspFixture fixture = new EspFixture(payload, algorithm, crypto)) {
                        report("encrypt", algorithm, crypto, payload, measure(fixture::encrypt, seconds));
                    }
                    try (EspFixture fixture = new EspFixture(payload, algorithm, crypto)) {
                        report("encryptDecrypt", algorithm, crypto, payload, measure(fixture::encryptDecrypt, seconds));
                    }
                }
            }
        }
        if (sink == 42) System.out.println();
    }

    /** Packets per CPU-second, after a warm-up as long as the measurement (the JIT and the JDK's crypto need it). */
    private static double measure(IntSupplier operation, double seconds) {
        run(operation, (long) (seconds * 1e9));
        long cpuBefore = PROCESS.getProcessCpuTime();
        long packets = run(operation, (long) (seconds * 1e9));
        return packets / ((PROCESS.getProcessCpuTime() - cpuBefore) / 1e9);
    }

    private static long run(IntSupplier operation, long cpuNanos) {
        long end = PROCESS.getProcessCpuTime() + cpuNanos;
        long packets = 0;
        int acc = 0;
        do {
            for (int i = 0; i < 4096; i++) acc += operation.getAsInt();
            packets += 4096;
        } while (PROCESS.getProcessCpuTime() < end);
        sink += acc;
        return packets;
    }

    private static void report(String benchmark, EspAlgorithm algorithm, EspCrypto crypto, int payload, double rate) {
        System.out.println(String.format(Locale.ROOT, "cpu %s %s %s %d %.0f", benchmark, algorithm, crypto, payload, rate));
    }
}
