package dev.booster.memif;

import dev.booster.api.pod.Memif.Mode;
import dev.booster.memif.MemifConfig.BufferPlacement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A Booster master and a Booster slave in one JVM, over a real SOCK_SEQPACKET socket and real shared memory. */
class JavaToJavaTest {
    private static final Duration CONNECT = Duration.ofSeconds(5);

    @TempDir
    Path dir;
    private final List<MemifInterface> opened = new ArrayList<>();
    private ResourceCount before;

    @BeforeEach
    void countResources() {
        before = ResourceCount.now();
    }

    @AfterEach
    void closeAllAndCheckNothingLeaked() {
        opened.forEach(MemifInterface::close);
        ResourceCount.assertBackTo(before);
    }

    private MemifInterface open(MemifConfig config) {
        MemifInterface memif = MemifInterface.open(config);
        opened.add(memif);
        return memif;
    }

    private String socket() {
        return dir.resolve("memif.sock").toString();
    }

    @ParameterizedTest
    @EnumSource(BufferPlacement.class)
    void framesCrossBothWaysOnEveryQueue(BufferPlacement placement) {
        MemifInterface master = open(MemifConfig.master(socket()).withQueues(3).withRingSize(64).withInterfaceName("m0"));
        MemifInterface slave = open(MemifConfig.slave(socket()).withQueues(3).withRingSize(64).withBufferPlacement(placement)
                .withInterfaceName("s0"));
        assertTrue(master.awaitConnected(CONNECT), "master connected");
        assertTrue(slave.awaitConnected(CONNECT), "slave connected");
        assertEquals(3, master.rxQueueCount());
        assertEquals(3, slave.txQueueCount());
        assertEquals(Optional.of("s0"), master.peerName());
        assertEquals(Optional.of("m0"), slave.peerName());

        for (int round = 0; round < 3; round++) { // more frames than a ring holds, so the counters wrap and refill
            for (int queue = 0; queue < 3; queue++) {
                exchange(slave, master, queue, 50);
                exchange(master, slave, queue, 50);
            }
        }
    }

    /** Sends {@code count} distinct frames from {@code from} on {@code queue} and checks {@code to} gets each intact, in order. */
    private static void exchange(MemifInterface from, MemifInterface to, int queue, int count) {
        List<byte[]> sent = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] frame = frame(60 + ThreadLocalRandom.current().nextInt(1400), queue, i);
            assertTrue(from.send(queue, frame), "send " + i + " on queue " + queue);
            sent.add(frame);
        }
        for (int i = 0; i < count; i++) {
            Optional<byte[]> got = to.receive(queue);
            assertTrue(got.isPresent(), "frame " + i + " on queue " + queue + " arrived");
            assertArrayEquals(sent.get(i), got.get(), "frame " + i + " on queue " + queue);
        }
        assertTrue(to.receive(queue).isEmpty(), "nothing more on queue " + queue);
    }

    static byte[] frame(int length, int queue, int sequence) {
        byte[] frame = new byte[length];
        ThreadLocalRandom.current().nextBytes(frame);
        frame[0] = (byte) queue;
        frame[1] = (byte) sequence;
        return frame;
    }

    @Test
    void framesLongerThanABufferAreChainedAndReassembled() {
        MemifInterface master = open(MemifConfig.master(socket()).withBufferSize(256).withRingSize(32));
        MemifInterface slave = open(MemifConfig.slave(socket()).withBufferSize(256).withRingSize(32));
        assertTrue(slave.awaitConnected(CONNECT) && master.awaitConnected(CONNECT));
        byte[] jumbo = frame(3000, 0, 1);
        assertTrue(slave.send(0, jumbo));
        assertArrayEquals(jumbo, master.receive(0).orElseThrow());
        assertTrue(master.send(0, jumbo));
        assertArrayEquals(jumbo, slave.receive(0).orElseThrow());

        // Zero-copy view of a chain: 12 buffers, all but the last marked as continued.
        assertTrue(slave.send(0, jumbo));
        MemifBuffers rx = new MemifBuffers(32);
        int n = master.rxBurst(0, rx, 32);
        assertEquals(12, n);
        for (int i = 0; i < n; i++) assertEquals(i < n - 1, rx.hasNext(i), "entry " + i);
        master.release(rx);
    }

    @Test
    void zeroCopyBurstsMoveFramesWithoutCopies() {
        MemifInterface master = open(MemifConfig.master(socket()).withRingSize(16));
        MemifInterface slave = open(MemifConfig.slave(socket()).withRingSize(16));
        assertTrue(slave.awaitConnected(CONNECT) && master.awaitConnected(CONNECT));

        for (int round = 0; round < 10; round++) {
            MemifBuffers tx = new MemifBuffers(16);
            int acquired = slave.txAcquire(0, tx, 16);
            assertEquals(16, acquired, "a fresh ring has every slot free");
            for (int i = 0; i < acquired; i++) {
                MemorySegment buffer = tx.buffer(i);
                buffer.fill((byte) (round * 16 + i));
                tx.setLength(i, 100 + i);
            }
            assertEquals(16, slave.txBurst(0, tx, 16));
            assertEquals(0, slave.txAcquire(0, new MemifBuffers(4), 4), "the master has not released anything yet");

            MemifBuffers rx = new MemifBuffers(8);
            int first = master.rxBurst(0, rx, 8);
            MemifBuffers rx2 = new MemifBuffers(16);
            int second = master.rxBurst(0, rx2, 16);
            assertEquals(8, first);
            assertEquals(8, second);
            for (int i = 0; i < 8; i++) {
                assertEquals(100 + i, rx.length(i));
                assertEquals((byte) (round * 16 + i), rx.region(i).get(JAVA_BYTE, rx.offset(i) + rx.length(i) - 1));
                assertEquals(100 + 8 + i, rx2.length(i));
            }
            assertThrows(IllegalStateException.class, () -> master.release(rx2), "bursts go back in order");
            assertThrows(IllegalStateException.class, () -> master.rxBurst(0, rx, 8), "rx still holds unreleased buffers");
            master.release(rx);
            master.release(rx2);
        }
    }

    @Test
    void masterTransmitsIntoTheBuffersTheSlaveHandsOut() {
        MemifInterface master = open(MemifConfig.master(socket()).withRingSize(16).withBufferSize(512));
        MemifInterface slave = open(MemifConfig.slave(socket()).withRingSize(16).withBufferSize(512));
        assertTrue(slave.awaitConnected(CONNECT) && master.awaitConnected(CONNECT));
        MemifBuffers tx = new MemifBuffers(32);
        assertEquals(16, master.txAcquire(0, tx, 32), "the slave handed the master a full ring of empty buffers");
        assertEquals(512, tx.bufferCapacity(0));
        tx.buffer(0).fill((byte) 7);
        tx.setLength(0, 64);
        assertEquals(1, master.txBurst(0, tx, 1));
        byte[] got = slave.receive(0).orElseThrow();
        assertEquals(64, got.length);
        assertEquals(7, got[63]);
    }

    @Test
    void ipModeWorksBetweenBoosters() {
        MemifInterface master = open(MemifConfig.master(socket()).withMode(Mode.IP));
        MemifInterface slave = open(MemifConfig.slave(socket()).withMode(Mode.IP));
        assertTrue(slave.awaitConnected(CONNECT) && master.awaitConnected(CONNECT));
        byte[] packet = frame(84, 0, 0);
        packet[0] = 0x45;
        assertTrue(slave.send(0, packet));
        assertArrayEquals(packet, master.receive(0).orElseThrow());
    }

    @Test
    void abstractSocketNamesWork() {
        String name = "@booster-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        MemifInterface master = open(MemifConfig.master(name));
        MemifInterface slave = open(MemifConfig.slave(name));
        assertTrue(slave.awaitConnected(CONNECT) && master.awaitConnected(CONNECT));
        assertTrue(slave.send(0, frame(60, 0, 0)));
        assertTrue(master.receive(0).isPresent());
    }

    @Test
    void aNewSlaveConnectsAfterTheFirstGoesAwayAndTrafficResumes() {
        MemifInterface master = open(MemifConfig.master(socket()));
        MemifInterface first = MemifInterface.open(MemifConfig.slave(socket()));
        assertTrue(first.awaitConnected(CONNECT) && master.awaitConnected(CONNECT));
        exchange(first, master, 0, 5);
        first.close();
        assertTrue(waitUntil(() -> !master.isConnected()), "master saw the slave go");
        assertEquals(Optional.of("peer disconnected: interface closed"), master.lastDisconnectReason());
        assertFalse(master.send(0, frame(60, 0, 0)), "nothing to send to");

        MemifInterface second = open(MemifConfig.slave(socket()));
        assertTrue(second.awaitConnected(CONNECT) && master.awaitConnected(CONNECT));
        exchange(second, master, 0, 5);
        exchange(master, second, 0, 5);
        assertEquals(2, master.connectionCount());
    }

    @Test
    void theStateListenerHearsEachConnectionComeAndGoInOrder() {
        List<String> events = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.atomic.AtomicReference<MemifInterface> self = new java.util.concurrent.atomic.AtomicReference<>();
        MemifInterface.StateListener listener = new MemifInterface.StateListener() {
            @Override
            public void connected(String peerName) {
                events.add("up " + peerName + (self.get().isConnected() ? "" : " (not usable yet)"));
            }

            @Override
            public void disconnected(String reason) {
                events.add("down " + reason);
            }
        };
        MemifInterface master = MemifInterface.open(MemifConfig.master(socket()), listener);
        self.set(master);
        opened.add(master);
        MemifInterface first = MemifInterface.open(MemifConfig.slave(socket()).withInterfaceName("first"));
        assertTrue(first.awaitConnected(CONNECT) && waitUntil(() -> events.size() == 1));
        first.close();
        assertTrue(waitUntil(() -> events.size() == 2));
        MemifInterface second = open(MemifConfig.slave(socket()).withInterfaceName("second"));
        assertTrue(second.awaitConnected(CONNECT) && waitUntil(() -> events.size() == 3));
        master.close();
        assertEquals(List.of("up first", "down peer disconnected: interface closed", "up second", "down interface closed"), events);
    }

    @Test
    void aSlaveReconnectsWhenTheMasterComesBack() {
        MemifInterface slave = open(MemifConfig.slave(socket()).withReconnectInterval(Duration.ofMillis(50)));
        MemifInterface master = MemifInterface.open(MemifConfig.master(socket()));
        assertTrue(slave.awaitConnected(CONNECT), "slave found the master it was waiting for");
        master.close();
        assertFalse(Files.exists(Path.of(socket())), "the master removed its socket file");
        assertTrue(waitUntil(() -> !slave.isConnected()), "slave saw the master go");

        MemifInterface again = open(MemifConfig.master(socket()));
        assertTrue(slave.awaitConnected(CONNECT) && again.awaitConnected(CONNECT), "slave reconnected by itself");
        exchange(slave, again, 0, 5);
        assertEquals(2, slave.connectionCount());
    }

    @Test
    void interruptModeWakesAWaitingReceiver() throws Exception {
        MemifInterface master = open(MemifConfig.master(socket()));
        MemifInterface slave = open(MemifConfig.slave(socket()));
        assertTrue(slave.awaitConnected(CONNECT) && master.awaitConnected(CONNECT));
        assertFalse(master.awaitRx(0, Duration.ofMillis(100)), "nothing to wait for yet");
        for (MemifInterface[] pair : new MemifInterface[][] {{slave, master}, {master, slave}}) {
            Thread sender = Thread.ofPlatform().start(() -> {
                try {
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    return;
                }
                pair[0].send(0, frame(60, 0, 0));
            });
            long start = System.nanoTime();
            // Without the eventfd signal the receiver would sleep the whole 10 s before looking at the ring again.
            assertTrue(pair[1].awaitRx(0, Duration.ofSeconds(10)), "woken by the frame");
            assertTrue(System.nanoTime() - start < Duration.ofSeconds(5).toNanos(), "woken by the signal, not the timeout");
            sender.join();
            assertTrue(pair[1].receive(0).isPresent());
        }
    }

    @Test
    void closingWakesAReceiverWaitingInInterruptMode() throws Exception {
        MemifInterface master = MemifInterface.open(MemifConfig.master(socket()));
        MemifInterface slave = open(MemifConfig.slave(socket()));
        assertTrue(slave.awaitConnected(CONNECT) && master.awaitConnected(CONNECT));
        long[] waited = new long[1];
        Thread waiter = Thread.ofPlatform().start(() -> {
            long start = System.nanoTime();
            master.awaitRx(0, Duration.ofSeconds(20));
            waited[0] = System.nanoTime() - start;
        });
        Thread.sleep(200);
        master.close();
        waiter.join(Duration.ofSeconds(10));
        assertFalse(waiter.isAlive());
        assertTrue(waited[0] < Duration.ofSeconds(10).toNanos(), "the waiter left when the interface closed");
    }

    @Test
    void packetThreadsRideThroughPeersComingAndGoing() throws Exception {
        MemifInterface master = open(MemifConfig.master(socket()).withRingSize(64));
        java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean(true);
        java.util.concurrent.atomic.AtomicLong received = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
        Thread receiver = Thread.ofPlatform().start(() -> {
            MemifBuffers rx = new MemifBuffers(32);
            MemifBuffers tx = new MemifBuffers(32);
            while (running.get()) {
                try {
                    int n = master.rxBurst(0, rx, 32);
                    for (int i = 0; i < n; i++) received.addAndGet(rx.region(i).get(JAVA_BYTE, rx.offset(i)) == 42 ? 1 : 0);
                    master.release(rx);
                    int free = master.txAcquire(0, tx, 8); // echo something back into whatever slave is there
                    for (int i = 0; i < free; i++) tx.setLength(i, 60);
                    master.txBurst(0, tx, free);
                } catch (IllegalStateException e) {
                    // a view read after its connection ended: the documented outcome, not a crash
                    if (!String.valueOf(e.getMessage()).contains("closed")) {
                        failure.set(e);
                        return;
                    }
                } catch (Throwable t) {
                    failure.set(t);
                    return;
                }
            }
        });
        try {
            for (int round = 0; round < 5; round++) {
                MemifInterface slave = MemifInterface.open(MemifConfig.slave(socket()).withRingSize(64));
                assertTrue(slave.awaitConnected(CONNECT));
                byte[] frame = frame(60, 0, 0);
                frame[0] = 42;
                long until = System.nanoTime() + 100_000_000L;
                while (System.nanoTime() < until) {
                    slave.send(0, frame);
                    slave.receive(0);
                }
                slave.close(); // mid-traffic: the master's packet thread must see "nothing" or a clean exception
            }
        } finally {
            running.set(false);
            receiver.join();
        }
        assertEquals(null, failure.get());
        assertTrue(received.get() > 0, "frames got through between the reconnects");
    }

    static boolean waitUntil(java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + CONNECT.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) return true;
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return condition.getAsBoolean();
    }
}
