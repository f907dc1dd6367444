package dev.booster.memif;

import dev.booster.api.pod.Memif.Role;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The second process of {@link TwoProcessTest}: opens a memif interface ({@code MASTER|SLAVE socket queues}), checks
 * every request frame that arrives on each queue against {@link PeerFrames} (right queue, next sequence number, every
 * byte) and answers each intact one with the matching reply frame on the same queue.
 *
 * <p>It prints {@code ready} once the interface is open, and answers the line {@code report} on stdin with
 * {@code report ok=<per queue, comma separated> bad=<n> connections=<n>}. It ends when stdin closes (so it never
 * outlives the test JVM) or after a minute at most.
 */
final class MemifPeerMain {
    private static final Duration LIFETIME = Duration.ofMinutes(1);

    private MemifPeerMain() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 3) throw new IllegalArgumentException("usage: MemifPeerMain MASTER|SLAVE <socket> <queues>");
        Role role = Role.valueOf(args[0]);
        int queues = Integer.parseInt(args[2]);
        MemifConfig config = (role == Role.MASTER ? MemifConfig.master(args[1]) : MemifConfig.slave(args[1]))
                .withQueues(queues).withRingSize(256).withReconnectInterval(Duration.ofMillis(50))
                .withInterfaceName("peer-" + ProcessHandle.current().pid());
        AtomicLongArray ok = new AtomicLongArray(queues);
        AtomicLongArray bad = new AtomicLongArray(1);
        try (MemifInterface memif = MemifInterface.open(config)) {
            System.out.println("ready");
            System.out.flush();
            Thread commands = Thread.ofPlatform().daemon().name("peer-stdin").start(() -> readCommands(memif, ok, bad));
            serve(memif, queues, ok, bad, commands);
        }
    }

    /** Answers requests until stdin closes; sequence numbers start again at 0 on each new connection. */
    private static void serve(MemifInterface memif, int queues, AtomicLongArray ok, AtomicLongArray bad, Thread commands) {
        long deadline = System.nanoTime() + LIFETIME.toNanos();
        int[] next = new int[queues];
        long connection = 0;
        while (commands.isAlive() && System.nanoTime() < deadline) {
            if (memif.connectionCount() != connection) {
                connection = memif.connectionCount();
                Arrays.fill(next, 0);
            }
            boolean busy = false;
            for (int queue = 0; queue < queues; queue++) {
                Optional<byte[]> frame = memif.receive(queue);
                if (frame.isEmpty()) continue;
                busy = true;
                if (!PeerFrames.is(frame.get(), PeerFrames.REQUEST, queue, next[queue])) {
                    bad.incrementAndGet(0);
                    System.err.println("peer: queue " + queue + " expected request " + next[queue] + ", got " + PeerFrames.describe(frame.get()));
                    continue;
                }
                byte[] reply = PeerFrames.frame(PeerFrames.REPLY, queue, next[queue]);
                // The test process drains replies while it waits to send, so a full ring empties soon.
                while (!memif.send(queue, reply) && memif.isConnected() && commands.isAlive()) Thread.onSpinWait();
                next[queue]++;
                ok.incrementAndGet(queue);
            }
            if (!busy) LockSupport.parkNanos(50_000);
        }
    }

    private static void readCommands(MemifInterface memif, AtomicLongArray ok, AtomicLongArray bad) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                if (!line.equals("report")) {
                    System.err.println("peer: unknown command " + line);
                    continue;
                }
                String counts = IntStream.range(0, ok.length()).mapToObj(q -> Long.toString(ok.get(q))).collect(Collectors.joining(","));
                System.out.println("report ok=" + counts + " bad=" + bad.get(0) + " connections=" + memif.connectionCount());
                System.out.flush();
            }
        } catch (IOException e) {
            System.err.println("peer: stdin failed: " + e.getMessage());
        }
    }
}
