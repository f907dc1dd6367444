package dev.booster.examples;

import dev.booster.api.Dataplane;
import dev.booster.api.DataplaneConfig;
import dev.booster.api.net.InterfaceAddress;
import dev.booster.api.pod.Memif;
import dev.booster.api.pod.PodAttachment;
import dev.booster.api.pod.PodSpec;
import dev.booster.api.pod.Veth;
import dev.booster.api.stats.InterfaceCounters;
import dev.booster.memif.MemifBuffers;
import dev.booster.memif.MemifConfig;
import dev.booster.memif.MemifInterface;
import dev.booster.spi.Dataplanes;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A 5G/VNF-style packet function on Booster: a UDP echo on GTP-U's port (2152), the shape of a user-plane function's
 * N3 side, that gets its packets over memif instead of the kernel.
 *
 * <p>It asks a Booster dataplane for a pod with a memif interface (Booster is the memif master and creates the
 * socket), connects to it as the memif slave, and answers every UDP datagram to its port by sending it back to its
 * sender. Booster routes and polices the pod's traffic like any pod's: other pods reach it at {@link #ADDRESS}.
 *
 * <p>The packet loop allocates nothing: received frames are read where the memif put them (zero copy), each answer
 * is written once, straight into a transmit buffer, with addresses and ports swapped (the UDP and IPv4 header checksums
 * stay valid under a swap). When idle it sleeps on the memif's interrupt eventfd.
 *
 * <pre>{@code
 * try (Dataplane dp = Dataplanes.open(DataplaneConfig.builder().build());
 *      MemifUdpEcho echo = MemifUdpEcho.start(dp, "@udp-echo")) {
 *     ... // pods send UDP to 10.90.0.10:2152 and get it back
 * }
 * }</pre>
 */
public final class MemifUdpEcho implements AutoCloseable {
    public static final int PORT = 2152;
    public static final InterfaceAddress ADDRESS = InterfaceAddress.parse("10.90.0.10/32");
    public static final InterfaceAddress ADDRESS6 = InterfaceAddress.parse("fd90::10/128");
    private static final int BURST = 64;
    private static final int ETHERNET = 14;
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final PodAttachment pod;
    private final MemifInterface memif;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long echoed;
    private volatile long ignored;

    private MemifUdpEcho(PodAttachment pod, MemifInterface memif) {
        this.pod = pod;
        this.memif = memif;
        this.thread = Thread.ofPlatform().name("udp-echo").unstarted(this::serve);
    }

    /**
     * Attaches the echo's pod to {@code dp}, with a memif on {@code socketPath} (a path, or {@code @name} for an
     * abstract socket of this process's network namespace), connects to it and starts answering.
     */
    public static MemifUdpEcho start(Dataplane dp, String socketPath) {
        Memif memif = new Memif("n3", List.of(ADDRESS, ADDRESS6), List.of(), Memif.DEFAULT_MTU, Optional.empty(), Memif.Role.MASTER,
                socketPath, 0, 1, 1024, Memif.Mode.ETHERNET, Optional.empty());
        // No netns: the application is in this process. Labels let NetworkPolicies select it like any pod.
        PodAttachment pod = dp.pods().attach(PodSpec.builder("core", "udp-echo").labels(Map.of("app", "udp-echo")).addInterface(memif).build());
        MemifInterface slave;
        try {
            slave = MemifInterface.open(MemifConfig.from(memif).withRole(Memif.Role.SLAVE).withInterfaceName("udp-echo"));
        } catch (RuntimeException e) {
            pod.detach();
            throw e;
        }
        MemifUdpEcho echo = new MemifUdpEcho(pod, slave);
        echo.thread.start();
        return echo;
    }

    /** Waits until the dataplane accepted the memif connection. */
    public boolean awaitConnected(Duration timeout) {
        return memif.awaitConnected(timeout);
    }

    public PodAttachment pod() {
        return pod;
    }

    /** Datagrams answered. */
    public long echoed() {
        return echoed;
    }

    /** Received buffers left unanswered: no UDP to {@link #PORT}, part of a chained (over-long) frame, or no room to answer. */
    public long ignored() {
        return ignored;
    }

    private void serve() {
        MemifBuffers rx = new MemifBuffers(BURST);
        MemifBuffers tx = new MemifBuffers(BURST);
        boolean chainOpen = false; // the last buffer received continues in the next burst
        while (running) {
            int n = memif.rxBurst(0, rx, BURST);
            if (n == 0) {
                memif.awaitRx(0, Duration.ofMillis(100)); // interrupt mode while idle; returns at once when frames wait
                continue;
            }
            int free = memif.txAcquire(0, tx, n);
            int out = 0;
            long skipped = 0;
            for (int i = 0; i < n; i++) {
                // A chained frame (over several buffers) is longer than any datagram this echo answers.
                boolean chained = chainOpen || rx.hasNext(i);
                chainOpen = rx.hasNext(i);
                if (chained || out == free || !answer(rx, i, tx, out)) {
                    skipped++;
                } else {
                    out++;
                }
            }
            memif.release(rx);
            memif.txBurst(0, tx, out);
            echoed += out;
            ignored += skipped;
        }
    }

    /** Writes the answer to received entry {@code i} into transmit entry {@code o}; false when it is no UDP to our port. */
    private static boolean answer(MemifBuffers rx, int i, MemifBuffers tx, int o) {
        MemorySegment in = rx.region(i);
        long at = rx.offset(i);
        int length = rx.length(i);
        if (length < ETHERNET + 28 || length > tx.bufferCapacity(o)) return false;
        int type = Short.toUnsignedInt(in.get(U16, at + 12));
        long ip = at + ETHERNET;
        int udp;
        int addressOffset;
        int addressLength;
        if (type == 0x0800 && (in.get(ValueLayout.JAVA_BYTE, ip + 9) == 17)) {
            udp = ETHERNET + (in.get(ValueLayout.JAVA_BYTE, ip) & 0x0f) * 4;
            addressOffset = 12;
            addressLength = 4;
        } else if (type == 0x86DD && length >= ETHERNET + 48 && in.get(ValueLayout.JAVA_BYTE, ip + 6) == 17) {
            udp = ETHERNET + 40;
            addressOffset = 8;
            addressLength = 16;
        } else {
            return false;
        }
        if (udp + 8 > length || Short.toUnsignedInt(in.get(U16, at + udp + 2)) != PORT) return false;

        MemorySegment out = tx.region(o);
        long to = tx.offset(o);
        MemorySegment.copy(in, at, out, to, length);
        swap(out, to, to + 6, 6);                                        // Ethernet: back to where it came from
        swap(out, to + ETHERNET + addressOffset, to + ETHERNET + addressOffset + addressLength, addressLength);
        swap(out, to + udp, to + udp + 2, 2);                             // UDP ports
        tx.setLength(o, length);
        return true;
    }

    private static void swap(MemorySegment s, long a, long b, int length) {
        for (int k = 0; k < length; k++) {
            byte t = s.get(ValueLayout.JAVA_BYTE, a + k);
            s.set(ValueLayout.JAVA_BYTE, a + k, s.get(ValueLayout.JAVA_BYTE, b + k));
            s.set(ValueLayout.JAVA_BYTE, b + k, t);
        }
    }

    /** Stops answering, disconnects and detaches the pod. */
    @Override
    public void close() {
        running = false;
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        memif.close();
        pod.detach();
    }

    /**
     * Runs the echo on the best available provider until interrupted. With a network namespace path as argument, a
     * client pod is attached in it (10.90.0.1, a veth: needs the {@code afxdp} provider, i.e. root), from which
     * {@code nc -u} can talk to the echo.
     */
    public static void main(String[] args) {
        Thread main = Thread.currentThread();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            main.interrupt(); // Ctrl-C: let main close the echo and the dataplane (which removes the client's veth)
            try {
                main.join(10_000);
            } catch (InterruptedException ignored) {
                // exiting anyway
            }
        }));
        try (Dataplane dp = Dataplanes.open(DataplaneConfig.builder().build());
             MemifUdpEcho echo = start(dp, "@booster-udp-echo-" + ProcessHandle.current().pid())) {
            System.out.println("provider " + dp.provider() + "; UDP echo on " + ADDRESS.address() + ":" + PORT + " over memif "
                    + echo.pod().interfaces().getFirst().hostName() + (echo.awaitConnected(Duration.ofSeconds(5)) ? " (connected)" : " (NOT connected)"));
            if (args.length > 0) {
                Path netns = Path.of(args[0]);
                dp.pods().attach(PodSpec.builder("edge", "client").labels(Map.of("app", "client")).netns(netns)
                        .addInterface(Veth.of("eth0", InterfaceAddress.parse("10.90.0.1/32"))).build());
                System.out.println("client pod attached in " + netns + "; try:");
                System.out.println("  ip netns exec " + netns.getFileName() + " sh -c 'echo hello | nc -u -w1 " + ADDRESS.address() + " " + PORT + "'");
            }
            int index = echo.pod().interfaces().getFirst().index();
            while (true) {
                Thread.sleep(5000);
                InterfaceCounters c = dp.stats().interfaces().stream().filter(i -> i.index() == index).findFirst().orElseThrow();
                System.out.println("echoed " + echo.echoed() + ", ignored " + echo.ignored() + "; memif rx " + c.rxPackets() + " tx " + c.txPackets());
            }
        } catch (InterruptedException stop) {
            System.out.println("stopped");
        }
    }
}
