package dev.booster.memif;

import dev.booster.api.pod.Memif.Role;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Booster memif between two JVMs: this one on one side, a {@link MemifPeerMain} process on the other, over a real
 * socket and shared memory that only the fds passed over it connect. Several queues; then the peer is killed with
 * SIGKILL (no DISCONNECT, nothing unmapped by it), this side must notice, free everything the peer had handed it,
 * and carry traffic again with a new peer process.
 */
class TwoProcessTest {
    private static final Duration CONNECT = Duration.ofSeconds(20);
    private static final Duration TRAFFIC = Duration.ofSeconds(20);
    /** Per queue; ring size 256, so each ring wraps several times. */
    private static final int FRAMES = 1000;

    @TempDir
    Path dir;
    private final List<PeerProcess> peers = new ArrayList<>();
    private final List<MemifInterface> opened = new ArrayList<>();
    private ResourceCount before;

    @BeforeEach
    void countResources() {
        before = ResourceCount.now();
    }

    @AfterEach
    void stopAllAndCheckNothingLeaked() {
        peers.forEach(PeerProcess::close);
        opened.forEach(MemifInterface::close);
        ResourceCount.assertBackTo(before);
    }

    @Test
    void aSlaveProcessOnFourQueuesThenAnotherAfterTheFirstIsKilled() {
        MemifInterface master = open(MemifConfig.master(socket()).withQueues(4));
        ResourceCount listening = ResourceCount.now();
        PeerProcess first = startPeer(Role.SLAVE, 4);
        awaitConnected(master, first);
        assertEquals(4, master.rxQueueCount());
        assertEquals(4, master.txQueueCount());
        assertEquals(Optional.of("peer-" + first.pid()), master.peerName());
        exchange(master, first, 4);

        first.kill();
        assertTrue(JavaToJavaTest.waitUntil(() -> !master.isConnected()), "master saw the killed slave go");
        assertEquals(Optional.of("peer closed the control socket"), master.lastDisconnectReason());
        // The dead slave's regions and eventfds were only ever reachable through fds it passed: all unmapped and closed.
        ResourceCount.assertBackTo(listening);
        assertFalse(master.send(0, PeerFrames.frame(PeerFrames.REQUEST, 0, 0)), "nothing to send to");

        PeerProcess second = startPeer(Role.SLAVE, 4);
        awaitConnected(master, second);
        assertEquals(Optional.of("peer-" + second.pid()), master.peerName());
        exchange(master, second, 4);
        assertEquals(2, master.connectionCount());
    }

    @Test
    void aMasterProcessOnTwoQueuesThenAnotherAfterTheFirstIsKilled() {
        PeerProcess first = startPeer(Role.MASTER, 2);
        MemifInterface slave = open(MemifConfig.slave(socket()).withQueues(2).withReconnectInterval(Duration.ofMillis(50)));
        awaitConnected(slave, first);
        assertEquals(2, slave.rxQueueCount());
        assertEquals(2, slave.txQueueCount());
        assertEquals(Optional.of("peer-" + first.pid()), slave.peerName());
        exchange(slave, first, 2);

        first.kill();
        assertTrue(JavaToJavaTest.waitUntil(() -> !slave.isConnected()), "slave saw the killed master go");
        assertEquals(Optional.of("peer closed the control socket"), slave.lastDisconnectReason());
        assertTrue(Files.exists(Path.of(socket())), "a killed master leaves its socket file behind");
        // Between connections a slave holds its control thread's wakeup eventfd and nothing else: its regions are gone.
        ResourceCount.assertBackTo(new ResourceCount(before.memfds(), before.mappings(), before.eventfds() + 1, before.sockets()));

        PeerProcess second = startPeer(Role.MASTER, 2); // replaces the stale socket file
        awaitConnected(slave, second);
        assertEquals(Optional.of("peer-" + second.pid()), slave.peerName());
        exchange(slave, second, 2);
        assertEquals(2, slave.connectionCount());
    }

    /**
     * Sends {@link #FRAMES} requests on every queue and expects the peer's reply to each, in order and intact; then
     * asks the peer how many intact requests it got per queue.
     */
    private static void exchange(MemifInterface memif, PeerProcess peer, int queues) {
        int[] sent = new int[queues];
        int[] received = new int[queues];
        long deadline = System.nanoTime() + TRAFFIC.toNanos();
        while (Arrays.stream(received).anyMatch(n -> n < FRAMES) && System.nanoTime() < deadline) {
            for (int queue = 0; queue < queues; queue++) {
                for (int burst = 0; burst < 32 && sent[queue] < FRAMES; burst++) {
                    if (!memif.send(queue, PeerFrames.frame(PeerFrames.REQUEST, queue, sent[queue]))) break;
                    sent[queue]++;
                }
                for (Optional<byte[]> reply; (reply = memif.receive(queue)).isPresent(); received[queue]++) {
                    byte[] frame = reply.get();
                    int q = queue;
                    int expected = received[queue];
                    assertTrue(PeerFrames.is(frame, PeerFrames.REPLY, queue, expected),
                            () -> "queue " + q + ": expected reply " + expected + ", got " + PeerFrames.describe(frame));
                }
            }
        }
        int[] all = new int[queues];
        Arrays.fill(all, FRAMES);
        assertArrayEquals(all, received, () -> "replies per queue (sent " + Arrays.toString(sent) + "); peer log:\n" + peer.log());
        PeerProcess.Report report = peer.report();
        assertArrayEquals(Arrays.stream(all).asLongStream().toArray(), report.ok(), "intact requests the peer counted per queue");
        assertEquals(0, report.bad(), () -> "requests the peer found damaged or out of order; its log:\n" + peer.log());
    }

    private void awaitConnected(MemifInterface memif, PeerProcess peer) {
        assertTrue(memif.awaitConnected(CONNECT), () -> "connected to peer " + peer.pid() + "; its log:\n" + peer.log());
    }

    private MemifInterface open(MemifConfig config) {
        MemifInterface memif = MemifInterface.open(config);
        opened.add(memif);
        return memif;
    }

    private PeerProcess startPeer(Role role, int queues) {
        PeerProcess peer = PeerProcess.start(role, socket(), queues, dir);
        peers.add(peer);
        return peer;
    }

    private String socket() {
        return dir.resolve("memif.sock").toString();
    }
}
