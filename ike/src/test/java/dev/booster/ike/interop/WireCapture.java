package dev.booster.ike.interop;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code tcpdump} on one interface of a network namespace, writing a pcap file; {@link #stop()} returns the IPv4
 * packets it saw (Ethernet headers stripped). For tests that need what really crossed the wire.
 */
final class WireCapture implements AutoCloseable {
    private static final int LINKTYPE_ETHERNET = 1;
    private static final int ETHERTYPE_IPV4 = 0x0800;

    private final Process process;
    private final Path file;
    private final Path log;

    private WireCapture(Process process, Path file, Path log) {
        this.process = process;
        this.file = file;
        this.log = log;
    }

    static WireCapture start(String netns, String device, String filter, Path dir) throws IOException {
        Path file = Files.createTempFile(dir, "wire-", ".pcap");
        Path log = Files.createTempFile(dir, "tcpdump-", ".log");
        Process process = new ProcessBuilder("ip", "netns", "exec", netns, "tcpdump", "-U", "--immediate-mode", "-n", "-i", device, "-w", file.toString(), filter)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        WireCapture capture = new WireCapture(process, file, log);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!Files.readString(log).contains("listening on")) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                capture.close();
                throw new IllegalStateException("tcpdump did not start: " + Files.readString(log));
            }
            sleep(20);
        }
        return capture;
    }

    /** Stops tcpdump and returns the IPv4 packets captured, in order. */
    List<byte[]> stop() throws IOException {
        close();
        ByteBuffer pcap = ByteBuffer.wrap(Files.readAllBytes(file));
        if (pcap.remaining() < 24) throw new IllegalStateException("no pcap header: " + Files.readString(log));
        int magic = pcap.order(ByteOrder.LITTLE_ENDIAN).getInt(0);
        if (magic != 0xa1b2c3d4) pcap.order(ByteOrder.BIG_ENDIAN);
        if (pcap.getInt(0) != 0xa1b2c3d4) throw new IllegalStateException("not a microsecond pcap file: magic " + Integer.toHexString(magic));
        if (pcap.getInt(20) != LINKTYPE_ETHERNET) throw new IllegalStateException("link type " + pcap.getInt(20) + " is not Ethernet");
        List<byte[]> packets = new ArrayList<>();
        int at = 24;
        while (at + 16 <= pcap.limit()) {
            int captured = pcap.getInt(at + 8);
            int frame = at + 16;
            at = frame + captured;
            if (at > pcap.limit()) break; // a record cut short by the stop
            int etherType = captured < 14 ? 0 : (pcap.get(frame + 12) & 0xff) << 8 | pcap.get(frame + 13) & 0xff;
            if (captured < 14 + 20 || etherType != ETHERTYPE_IPV4) continue;
            int ipLength = (pcap.get(frame + 16) & 0xff) << 8 | pcap.get(frame + 17) & 0xff;
            packets.add(Arrays.copyOfRange(pcap.array(), frame + 14, frame + 14 + Math.min(ipLength, captured - 14)));
        }
        return packets;
    }

    /** What tcpdump printed (its start and packet count lines), for failure messages. */
    String output() {
        try {
            return Files.readString(log).strip();
        } catch (IOException e) {
            return e.toString();
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
