package dev.booster.bench.memif;

import dev.booster.memif.MemifBuffers;
import dev.booster.memif.MemifConfig;
import dev.booster.memif.MemifInterface;

import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

/**
 * The CPU cost of Booster's memif packet path without the cost of moving cache lines between cores: a master and a
 * slave in one JVM, connected over a socket in a temporary directory, and one thread that does both
 * {@link MemifPps}'s generator work (txAcquire, copy the 64-byte frame, txBurst) and its sink work (rxBurst, read 8
 * bytes of each frame, release), a burst at a time. Once a second it prints the frames moved and the thread's CPU
 * time per frame, generator and sink together.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp bench/target/benchmarks.jar dev.booster.bench.memif.MemifLoopCost \
 *      [slave|master (the generator's role; default slave)] [seconds (default 10)]
 * </pre>
 */
public final class MemifLoopCost {
    private static final int BURST = 32;
    private static final int FRAME = 64;

    public static void main(String[] args) throws Exception {
        boolean generatorIsMaster = args.length > 0 && switch (args[0]) {
            case "master" -> true;
            case "slave" -> false;
            default -> throw new IllegalArgumentException("the first argument is the generator's role, master or slave, not " + args[0]);
        };
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        Path dir = Files.createTempDirectory("memif-loop");
        String socket = dir.resolve("loop.sock").toString();
        try (MemifInterface master = MemifInterface.open(MemifConfig.master(socket).withRingSize(1024).withBufferSize(2048));
             MemifInterface slave = MemifInterface.open(MemifConfig.slave(socket).withRingSize(1024).withBufferSize(2048))) {
            if (!master.awaitConnected(Duration.ofSeconds(10)) || !slave.awaitConnected(Duration.ofSeconds(10))) {
                throw new IllegalStateException("master and slave did not connect within 10 s over " + socket);
            }
            run(generatorIsMaster ? master : slave, generatorIsMaster ? slave : master, seconds);
        } finally {
            Files.deleteIfExists(dir.resolve("loop.sock"));
            Files.deleteIfExists(dir);
        }
    }

    private static void run(MemifInterface generator, MemifInterface sink, int seconds) {
        MemorySegment template = MemifPps.udpFrame(FRAME);
        MemifBuffers tx = new MemifBuffers(BURST);
        MemifBuffers rx = new MemifBuffers(BURST);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long checksum = 0;
        long frames = 0;
        long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        long lastTime = System.nanoTime();
        long lastCpu = threads.getCurrentThreadCpuTime();
        long lastFrames = 0;
        while (true) {
            for (int round = 0; round < 4096; round++) {
                int n = generator.txAcquire(0, tx, BURST);
                for (int i = 0; i < n; i++) {
                    MemorySegment.copy(template, 0, tx.region(i), tx.offset(i), FRAME);
                    tx.setLength(i, FRAME);
                }
                generator.txBurst(0, tx, n);
                int r = sink.rxBurst(0, rx, BURST);
                for (int i = 0; i < r; i++) checksum += rx.region(i).get(JAVA_LONG_UNALIGNED, rx.offset(i));
                sink.release(rx);
                frames += r;
            }
            long now = System.nanoTime();
            if (now - lastTime >= 1_000_000_000L) {
                long cpu = threads.getCurrentThreadCpuTime();
                long moved = frames - lastFrames;
                System.out.printf(Locale.ROOT, "  Loop-pps: %d  cpu-ns-per-frame: %.1f  cpu-share: %.2f%n",
                        moved * 1_000_000_000L / (now - lastTime), (cpu - lastCpu) / (double) moved, (cpu - lastCpu) / (double) (now - lastTime));
                lastTime = now;
                lastCpu = cpu;
                lastFrames = frames;
                if (now - end >= 0) break;
            }
        }
        if (checksum == 42) System.out.println("(checksum " + checksum + ")"); // keeps the reads from being optimised away
    }
}
