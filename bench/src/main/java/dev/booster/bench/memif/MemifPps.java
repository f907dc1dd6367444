package dev.booster.bench.memif;

import dev.booster.memif.MemifBuffers;
import dev.booster.memif.MemifConfig;
import dev.booster.memif.MemifInterface;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

/**
 * One side of the memif packet-rate benchmark ({@code bench/memif-vs-testpmd.sh}), the Booster counterpart of
 * testpmd's {@code txonly} and {@code rxonly} forwarding modes on a memif port:
 *
 * <ul>
 *   <li>{@code generate}: fills every transmit buffer it gets with a 64-byte UDP frame (a copy of a template, as
 *       testpmd's txonly copies its header template into each mbuf) and sends bursts on queue 0 as fast as the ring
 *       takes them;</li>
 *   <li>{@code sink}: takes bursts on queue 0 zero-copy, reads the first 8 bytes of each frame (so a frame is
 *       touched, as rxonly's mbuf copy touches it) and hands the buffers back.</li>
 * </ul>
 *
 * <p>Once a second it prints {@code Tx-pps: N} or {@code Rx-pps: N}, the lines testpmd prints with
 * {@code --stats-period 1}, so the script reads both the same way, followed by how often a poll found nothing to do
 * and the mean burst (see {@link Meter}). Busy-polls one thread, as a DPDK lcore does.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp bench/target/benchmarks.jar dev.booster.bench.memif.MemifPps \
 *      generate|sink master|slave SOCKET [seconds=20] [burst=32] [ring=1024] [frame=64]
 * </pre>
 * SOCKET is a filesystem path, or {@code @name} for an abstract one. The run lasts {@code seconds} from the moment a
 * peer connects; SIGTERM ends it early (the interface is closed cleanly either way).
 */
public final class MemifPps {
    private static final Set<String> OPTIONS = Set.of("seconds", "burst", "ring", "frame");
    private static final int BUFFER_SIZE = 2048;
    private static final Duration CONNECT = Duration.ofSeconds(60);
    /** Polls between two reads of the clock (and rate reports). */
    private static final int POLLS_PER_CLOCK_READ = 1024;

    private final MemifInterface memif;
    private final int burst;
    private final MemorySegment template;
    private volatile boolean stopped;

    private MemifPps(MemifInterface memif, int burst, int frame) {
        this.memif = memif;
        this.burst = burst;
        this.template = udpFrame(frame);
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length < 3) throw usage("missing arguments");
        boolean generate = switch (args[0]) {
            case "generate" -> true;
            case "sink" -> false;
            default -> throw usage("the first argument is generate or sink, not " + args[0]);
        };
        MemifConfig config = switch (args[1]) {
            case "master" -> MemifConfig.master(args[2]);
            case "slave" -> MemifConfig.slave(args[2]);
            default -> throw usage("the second argument is master or slave, not " + args[1]);
        };
        Map<String, Integer> options = options(args);
        int frame = options.getOrDefault("frame", 64);
        if (frame < 60 || frame > BUFFER_SIZE) throw usage("frame=" + frame + " is out of range 60.." + BUFFER_SIZE);
        int burst = options.getOrDefault("burst", 32);
        if (burst < 1 || burst > 256) throw usage("burst=" + burst + " is out of range 1..256");
        config = config.withRingSize(options.getOrDefault("ring", 1024)).withBufferSize(BUFFER_SIZE)
                .withReconnectInterval(Duration.ofMillis(100)).withInterfaceName(generate ? "booster-gen" : "booster-sink");

        MemifInterface memif = MemifInterface.open(config);
        MemifPps run = new MemifPps(memif, burst, frame);
        Thread main = Thread.currentThread();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            run.stopped = true;
            try {
                main.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        try {
            System.out.println((config.role() == dev.booster.api.pod.Memif.Role.MASTER ? "listening on " : "connecting to ") + args[2]);
            if (!memif.awaitConnected(CONNECT)) {
                System.out.println("no peer connected within " + CONNECT);
                System.exit(2);
            }
            System.out.println("connected to " + memif.peerName().orElse("?"));
            long end = System.nanoTime() + Duration.ofSeconds(options.getOrDefault("seconds", 20)).toNanos();
            long total = generate ? run.generate(end) : run.sink(end);
            System.out.println((generate ? "sent " : "received ") + total);
        } finally {
            memif.close();
        }
    }

    /** Sends until {@code end}; returns the frames sent. */
    private long generate(long end) {
        MemifBuffers tx = new MemifBuffers(burst);
        long frameLength = template.byteSize();
        Meter meter = new Meter("Tx-pps");
        long sent = 0;
        long emptyPolls = 0;
        while (!stopped) {
            for (int round = 0; round < POLLS_PER_CLOCK_READ; round++) {
                int n = memif.txAcquire(0, tx, burst);
                if (n == 0) {
                    emptyPolls++;
                    Thread.onSpinWait();
                    continue;
                }
                for (int i = 0; i < n; i++) {
                    MemorySegment.copy(template, 0, tx.region(i), tx.offset(i), frameLength);
                    tx.setLength(i, (int) frameLength);
                }
                int done = memif.txBurst(0, tx, n);
                sent += done;
                meter.busyPoll(done);
            }
            long now = System.nanoTime();
            meter.tick(now, sent, emptyPolls);
            if (now - end >= 0) break;
        }
        return sent;
    }

    /** Receives until {@code end}; returns the frames received. */
    private long sink(long end) {
        MemifBuffers rx = new MemifBuffers(burst);
        Meter meter = new Meter("Rx-pps");
        long received = 0;
        long checksum = 0;
        long emptyPolls = 0;
        while (!stopped) {
            for (int round = 0; round < POLLS_PER_CLOCK_READ; round++) {
                int n = memif.rxBurst(0, rx, burst);
                if (n == 0) {
                    emptyPolls++;
                    Thread.onSpinWait();
                    continue;
                }
                for (int i = 0; i < n; i++) checksum += rx.region(i).get(JAVA_LONG_UNALIGNED, rx.offset(i));
                memif.release(rx);
                received += n;
                meter.busyPoll(n);
            }
            long now = System.nanoTime();
            meter.tick(now, received, emptyPolls);
            if (now - end >= 0) break;
        }
        if (checksum == 42) System.out.println("(checksum " + checksum + ")"); // keeps the reads from being optimised away
        return received;
    }

    /**
     * Prints "label: rate  empty-polls: P%  burst: B  peak-1ms: R" once a second: the rate over the time since the
     * last line; the share of polls since then that found nothing to do (ring empty for a sink, full for a generator);
     * the mean frames per poll that found some; and the highest rate over a millisecond of busy polls. A side that
     * keeps up with its peer sees small bursts and many empty polls; a side that sets the pace sees full bursts.
     * When the machine is shared, the two sides run at the same time only now and then, and frames otherwise move in
     * ring-sized gulps: the one-second rate then measures the scheduler, while the best millisecond, taken while both
     * ran, shows what the pair does with two cores (within a ring's worth of frames, ~1 Mpps, from a gulp in it).
     * {@link #tick} is called once per {@link #POLLS_PER_CLOCK_READ} polls, {@link #busyPoll} after each that moved frames.
     */
    private static final class Meter {
        private static final long WINDOW_NANOS = 1_000_000;
        private final String label;
        private long lastTime = System.nanoTime();
        private long lastCount;
        private long polls;
        private long lastPolls;
        private long lastEmpty;
        private long windowStart = System.nanoTime();
        private long windowFrames;
        private long peakWindowRate;

        Meter(String label) {
            this.label = label;
        }

        void busyPoll(int frames) {
            long now = System.nanoTime();
            long elapsed = now - windowStart;
            if (elapsed >= WINDOW_NANOS) {
                // A window stretched by a descheduling shows a lower rate, never a higher one.
                peakWindowRate = Math.max(peakWindowRate, windowFrames * 1_000_000_000L / elapsed);
                windowStart = now;
                windowFrames = 0;
            }
            windowFrames += frames;
        }

        void tick(long now, long count, long emptyPolls) {
            polls += POLLS_PER_CLOCK_READ;
            long elapsed = now - lastTime;
            if (elapsed < 1_000_000_000L) return;
            long pollsSince = polls - lastPolls;
            long busyPolls = pollsSince - (emptyPolls - lastEmpty);
            System.out.printf(Locale.ROOT, "  %s: %d  empty-polls: %d%%  burst: %.1f  peak-1ms: %d%n", label,
                    (count - lastCount) * 1_000_000_000L / elapsed, (emptyPolls - lastEmpty) * 100 / pollsSince,
                    busyPolls == 0 ? 0.0 : (count - lastCount) / (double) busyPolls, peakWindowRate);
            lastTime = now;
            lastCount = count;
            lastPolls = polls;
            lastEmpty = emptyPolls;
            peakWindowRate = 0;
        }
    }

    /** Ethernet 02:00:00:00:00:01 → :02, IPv4 198.18.0.1 → 198.18.0.2 (the benchmarking range), UDP 9 → 9, zero padding. */
    static MemorySegment udpFrame(int length) {
        byte[] frame = new byte[length];
        frame[5] = 2;
        frame[0] = 2;
        frame[11] = 1;
        frame[6] = 2;
        frame[12] = 0x08;
        int ipLength = length - 14;
        byte[] ip = {0x45, 0, (byte) (ipLength >> 8), (byte) ipLength, 0, 1, 0, 0, 64, 17, 0, 0, (byte) 198, 18, 0, 1, (byte) 198, 18, 0, 2};
        int sum = 0;
        for (int i = 0; i < 20; i += 2) sum += (ip[i] & 0xFF) << 8 | ip[i + 1] & 0xFF;
        sum = (sum & 0xFFFF) + (sum >>> 16);
        sum = ~((sum & 0xFFFF) + (sum >>> 16)) & 0xFFFF;
        ip[10] = (byte) (sum >> 8);
        ip[11] = (byte) sum;
        System.arraycopy(ip, 0, frame, 14, 20);
        int udpLength = ipLength - 20;
        byte[] udp = {0, 9, 0, 9, (byte) (udpLength >> 8), (byte) udpLength, 0, 0};
        System.arraycopy(udp, 0, frame, 34, 8);
        MemorySegment segment = Arena.global().allocate(length, 64);
        MemorySegment.copy(frame, 0, segment, JAVA_BYTE, 0, length);
        return segment;
    }

    private static Map<String, Integer> options(String[] args) {
        Map<String, Integer> options = new HashMap<>();
        for (int i = 3; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            String key = eq < 0 ? args[i] : args[i].substring(0, eq);
            if (eq < 0 || !OPTIONS.contains(key)) throw usage("unknown option " + args[i] + "; options are " + OPTIONS + " as name=value");
            try {
                options.put(key, Integer.parseInt(args[i].substring(eq + 1)));
            } catch (NumberFormatException e) {
                throw usage(args[i] + ": the value must be a whole number");
            }
        }
        return options;
    }

    private static IllegalArgumentException usage(String problem) {
        return new IllegalArgumentException(problem
                + "\nusage: MemifPps generate|sink master|slave SOCKET [seconds=20] [burst=32] [ring=1024] [frame=64]");
    }
}
