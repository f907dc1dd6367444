package dev.booster.memif;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Interop with DPDK's net_memif: {@code dpdk-testpmd} forwarding in macswap mode on a memif port sends every frame
 * back with its MAC addresses swapped. Booster is master with testpmd as client (filesystem socket), then slave with
 * testpmd as server (abstract socket, DPDK's default).
 */
@Tag("privileged")
class TestpmdInteropTest {
    private static final Duration CONNECT = Duration.ofSeconds(30);
    private static final Duration TRAFFIC = Duration.ofSeconds(10);
    private static final int FRAMES = 200;
    private static final byte[] BOOSTER_MAC = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
    private static final byte[] PEER_MAC = {0x02, 0x00, 0x00, 0x00, 0x00, 0x02};

    @TempDir
    Path dir;
    private Process testpmd;
    private String filePrefix;
    private Path testpmdLog;
    private MemifInterface memif;
    private String socketFile;

    @BeforeEach
    void requireTestpmd() {
        Optional<Path> binary = onPath("dpdk-testpmd");
        if (binary.isEmpty()) skip("dpdk-testpmd is not installed (apt-get install dpdk)");
        if (!isRoot()) skip("not root: dpdk-testpmd needs root here");
    }

    @AfterEach
    void stopEverything() throws Exception {
        try {
            if (memif != null) memif.close();
        } finally {
            if (testpmd != null) {
                testpmd.destroy();
                if (!testpmd.waitFor(5, TimeUnit.SECONDS)) {
                    testpmd.destroyForcibly();
                    testpmd.waitFor(5, TimeUnit.SECONDS);
                }
            }
            if (socketFile != null) Files.deleteIfExists(Path.of(socketFile));
            if (filePrefix != null) deleteTree(Path.of("/var/run/dpdk", filePrefix));
        }
    }

    @Test
    void boosterMasterWithTestpmdClient() throws Exception {
        socketFile = dir.resolve("memif.sock").toString();
        memif = MemifInterface.open(MemifConfig.master(socketFile).withInterfaceName("booster-master"));
        startTestpmd("role=client,socket=" + socketFile + ",socket-abstract=no,id=0", 1);
        assertTrue(awaitConnected(), "testpmd connected as client; its log:\n" + log());
        exchangeThroughMacswap(0);
    }

    @Test
    void boosterMasterWithTwoQueuesAndASecretServesTestpmd() throws Exception {
        socketFile = dir.resolve("memif.sock").toString();
        memif = MemifInterface.open(MemifConfig.master(socketFile).withQueues(2).withId(7)
                .withSecret(dev.booster.api.Secret.ofString("s3cret")));
        startTestpmd("role=client,socket=" + socketFile + ",socket-abstract=no,id=7,secret=s3cret", 2);
        assertTrue(awaitConnected(), "testpmd connected as client; its log:\n" + log());
        assertEquals(2, memif.rxQueueCount());
        assertEquals(2, memif.txQueueCount());
        exchangeThroughMacswap(0);
        exchangeThroughMacswap(1);
    }

    @Test
    void boosterMasterRefusesTestpmdWithTheWrongSecret() throws Exception {
        socketFile = dir.resolve("memif.sock").toString();
        memif = MemifInterface.open(MemifConfig.master(socketFile).withSecret(dev.booster.api.Secret.ofString("right")));
        startTestpmd("role=client,socket=" + socketFile + ",socket-abstract=no,id=0,secret=wrong", 1);
        long deadline = System.nanoTime() + CONNECT.toNanos();
        while (memif.lastDisconnectReason().isEmpty() && testpmd.isAlive() && System.nanoTime() < deadline) Thread.sleep(50);
        assertEquals(Optional.of("Incorrect secret"), memif.lastDisconnectReason(), "testpmd log:\n" + log());
        assertTrue(!memif.isConnected());
    }

    @ParameterizedTest
    @EnumSource(MemifConfig.BufferPlacement.class)
    void boosterSlaveWithTestpmdServer(MemifConfig.BufferPlacement placement) throws Exception {
        String name = "booster-memif-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        startTestpmd("role=server,socket=" + name + ",id=0", 1);
        memif = MemifInterface.open(MemifConfig.slave("@" + name).withReconnectInterval(Duration.ofMillis(100))
                .withInterfaceName("booster-slave").withBufferPlacement(placement));
        assertTrue(awaitConnected(), "connected to testpmd as server; its log:\n" + log());
        exchangeThroughMacswap(0);
    }

    /** Waits for the connection while testpmd runs: a testpmd that failed to start ends the wait at once. */
    private boolean awaitConnected() {
        long deadline = System.nanoTime() + CONNECT.toNanos();
        while (System.nanoTime() < deadline && testpmd.isAlive()) {
            if (memif.awaitConnected(Duration.ofMillis(200))) return true;
        }
        return memif.isConnected();
    }

    /**
     * Sends frames from Booster's MAC to the peer's, and expects each back once, addresses swapped, payload intact.
     * testpmd drops whatever it received before its forwarding loop started (it flushes the RX queues then), so a
     * probe frame goes round first.
     */
    private void exchangeThroughMacswap(int queue) throws InterruptedException {
        awaitForwarding(queue);
        List<byte[]> sent = new ArrayList<>();
        List<byte[]> received = new ArrayList<>();
        long deadline = System.nanoTime() + TRAFFIC.toNanos();
        int next = 0;
        while ((received.size() < FRAMES) && System.nanoTime() < deadline) {
            if (next < FRAMES) {
                byte[] frame = frame(next);
                // testpmd hands out (client) or takes (server) buffers only once its forwarding loop polls the port.
                if (memif.send(queue, frame)) {
                    sent.add(frame);
                    next++;
                }
            }
            Optional<byte[]> back = memif.receive(queue);
            back.ifPresent(received::add);
            if (back.isEmpty() && next == FRAMES) Thread.onSpinWait();
        }
        assertEquals(FRAMES, sent.size(), "frames Booster could send on queue " + queue + "; testpmd log:\n" + log());
        assertEquals(FRAMES, received.size(), "frames testpmd sent back on queue " + queue + "; its log:\n" + log());
        for (int i = 0; i < FRAMES; i++) {
            byte[] expected = sent.get(i).clone();
            System.arraycopy(PEER_MAC, 0, expected, 6, 6);
            System.arraycopy(BOOSTER_MAC, 0, expected, 0, 6);
            assertArrayEquals(expected, received.get(i), "frame " + i + " came back with its MACs swapped");
        }
        assertTrue(memif.isConnected());
    }

    private void awaitForwarding(int queue) throws InterruptedException {
        long deadline = System.nanoTime() + CONNECT.toNanos();
        while (System.nanoTime() < deadline) {
            memif.send(queue, frame(0xFFFF));
            Thread.sleep(50);
            if (memif.receive(queue).isPresent()) {
                Thread.sleep(200);
                while (memif.receive(queue).isPresent()) {
                    // probes that were still on their way
                }
                return;
            }
        }
        throw new AssertionError("testpmd never forwarded a probe frame; its log:\n" + log());
    }

    private static byte[] frame(int sequence) {
        byte[] frame = new byte[64 + (sequence % 7) * 100];
        System.arraycopy(PEER_MAC, 0, frame, 0, 6);
        System.arraycopy(BOOSTER_MAC, 0, frame, 6, 6);
        frame[12] = (byte) 0x88; // IEEE 802 local experimental EtherType: nobody interprets the payload
        frame[13] = (byte) 0xB5;
        for (int i = 14; i < frame.length; i++) frame[i] = (byte) (sequence + i);
        frame[14] = (byte) (sequence >> 8);
        frame[15] = (byte) sequence;
        return frame;
    }

    private void startTestpmd(String memifArgs, int queues) throws IOException {
        testpmdLog = dir.resolve("testpmd.log");
        filePrefix = "booster-memif-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        List<String> command = List.of("dpdk-testpmd", "-l", "0,1", "--no-huge", "-m", "512", "--no-pci",
                "--file-prefix", filePrefix,
                "--vdev=net_memif0," + memifArgs,
                "--", "--total-num-mbufs=8192", "--rxq=" + queues, "--txq=" + queues, "--forward-mode=macswap", "--auto-start",
                "--stats-period", "1");
        testpmd = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(testpmdLog.toFile()).start();
    }

    /** testpmd leaves its runtime directory (config, mp_socket...) behind; --in-memory would not, but needs hugepages. */
    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) return;
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    private String log() {
        try {
            String text = Files.readString(testpmdLog, StandardCharsets.UTF_8);
            return text.length() > 6000 ? text.substring(0, 6000) + "\n..." : text;
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static Optional<Path> onPath(String tool) {
        return Arrays.stream(System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":"))
                .map(d -> Path.of(d, tool)).filter(Files::isExecutable).findFirst();
    }

    private static boolean isRoot() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .anyMatch(line -> line.startsWith("Uid:") && line.split("\\s+")[1].equals("0"));
        } catch (IOException e) {
            return false;
        }
    }

    private static void skip(String reason) {
        System.out.println("SKIPPED privileged test: " + reason);
        Assumptions.abort(reason);
    }
}
