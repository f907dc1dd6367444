package dev.booster.testkit.conformance;

import dev.booster.api.pod.Memif;
import dev.booster.memif.MemifConfig;
import dev.booster.memif.MemifInterface;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The application behind a memif pod in the conformance suite: a memif slave that answers as a pod's kernel would, for
 * what the suite sends it. An ICMP (ICMPv6) echo request gets its echo reply and a UDP datagram is echoed back to its
 * sender; anything else is ignored. Replies swap the Ethernet addresses, so the responder needs to know neither its
 * own MAC nor the gateway's: it answers from the MAC the dataplane sent to.
 *
 * <p>It connects from the calling thread's network namespace (the control thread inherits it): start it inside the
 * pod's namespace when the memif's socket is an abstract name there.
 */
public final class MemifResponder implements AutoCloseable {
    private static final int ETHERNET = 14;

    private final MemifInterface memif;
    private final Thread thread;
    private final AtomicLong answered = new AtomicLong();
    private volatile boolean running = true;

    private MemifResponder(MemifInterface memif) {
        this.memif = memif;
        this.thread = Thread.ofPlatform().daemon().name("memif-responder-" + memif.config().socketPath()).unstarted(this::serve);
    }

    /** Connects (and keeps reconnecting) as the slave of the pod's memif {@code spec}, and starts answering. */
    public static MemifResponder start(Memif spec) {
        MemifConfig config = MemifConfig.from(spec).withRole(Memif.Role.SLAVE).withInterfaceName("responder")
                .withReconnectInterval(Duration.ofMillis(20));
        MemifResponder responder = new MemifResponder(MemifInterface.open(config));
        responder.thread.start();
        return responder;
    }

    /** Waits until the dataplane's side accepted the connection. */
    public boolean awaitConnected(Duration timeout) {
        return memif.awaitConnected(timeout);
    }

    public boolean isConnected() {
        return memif.isConnected();
    }

    /** Requests answered so far. */
    public long answered() {
        return answered.get();
    }

    private void serve() {
        while (running) {
            Optional<byte[]> frame = memif.receive(0);
            if (frame.isEmpty()) {
                memif.awaitRx(0, Duration.ofMillis(50));
                continue;
            }
            byte[] reply = answer(frame.get());
            if (reply != null && memif.send(0, reply)) answered.incrementAndGet();
        }
    }

    /** The reply to {@code frame} (changed in place), or null when a kernel would not answer it. */
    static byte[] answer(byte[] frame) {
        if (frame.length < ETHERNET + 20) return null;
        int type = u16(frame, 12);
        boolean answered = type == 0x0800 ? answerIp4(frame) : type == 0x86DD && answerIp6(frame);
        if (!answered) return null;
        swap(frame, 0, 6, 6);
        return frame;
    }

    private static boolean answerIp4(byte[] f) {
        int ip = ETHERNET;
        int headerLength = (f[ip] & 0x0f) * 4;
        int l4 = ip + headerLength;
        int protocol = f[ip + 9] & 0xff;
        if (protocol == 1 && f.length >= l4 + 8 && (f[l4] & 0xff) == 8) {
            f[l4] = 0; // echo request -> echo reply
            put16(f, l4 + 2, 0);
            put16(f, l4 + 2, checksum(f, l4, u16(f, ip + 2) - headerLength, 0));
        } else if (protocol == 17 && f.length >= l4 + 8) {
            swap(f, l4, l4 + 2, 2); // the UDP checksum is a sum: swapping ports and addresses leaves it right
        } else {
            return false;
        }
        swap(f, ip + 12, ip + 16, 4);
        f[ip + 8] = 64;
        put16(f, ip + 10, 0);
        put16(f, ip + 10, checksum(f, ip, headerLength, 0));
        return true;
    }

    private static boolean answerIp6(byte[] f) {
        int ip = ETHERNET;
        int l4 = ip + 40;
        int next = f[ip + 6] & 0xff;
        if (f.length < l4 + 8) return false;
        if (next == 58 && (f[l4] & 0xff) == 128) {
            f[l4] = (byte) 129;
            int length = u16(f, ip + 4);
            long pseudo = 0;
            for (int i = 8; i < 40; i += 2) pseudo += u16(f, ip + i);
            pseudo += length + 58;
            put16(f, l4 + 2, 0);
            put16(f, l4 + 2, checksum(f, l4, length, pseudo));
        } else if (next == 17) {
            swap(f, l4, l4 + 2, 2);
        } else {
            return false;
        }
        swap(f, ip + 8, ip + 24, 16);
        f[ip + 7] = 64;
        return true;
    }

    private static int checksum(byte[] f, int from, int length, long sum) {
        for (int i = 0; i + 1 < length; i += 2) sum += u16(f, from + i);
        if ((length & 1) != 0) sum += (f[from + length - 1] & 0xff) << 8;
        while ((sum >>> 16) != 0) sum = (sum & 0xffff) + (sum >>> 16);
        return (int) (~sum & 0xffff);
    }

    private static int u16(byte[] f, int at) {
        return ((f[at] & 0xff) << 8) | (f[at + 1] & 0xff);
    }

    private static void put16(byte[] f, int at, int value) {
        f[at] = (byte) (value >>> 8);
        f[at + 1] = (byte) value;
    }

    private static void swap(byte[] f, int a, int b, int length) {
        for (int i = 0; i < length; i++) {
            byte t = f[a + i];
            f[a + i] = f[b + i];
            f[b + i] = t;
        }
    }

    /** Stops answering and disconnects. */
    @Override
    public void close() {
        running = false;
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        memif.close();
    }
}
