package dev.booster.engine;

import dev.booster.api.net.MacAddress;
import dev.booster.engine.packet.PacketVector;
import dev.booster.engine.packet.Port;
import dev.booster.engine.state.ForwardingState;
import dev.booster.engine.testing.TestNet;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

/** The handshake that lets a backend free a removed port's memory: the worker must be past every older state. */
class WorkerCatchUpTest {
    /**
     * A port whose first rx holds the worker inside until the test releases it, so removal happens while the worker is
     * certainly in the port; it counts calls that see the port already closed.
     */
    private static final class GatedPort implements Port {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicInteger touchedAfterClose = new AtomicInteger();
        volatile boolean closed;

        @Override
        public int rx(PacketVector into, int max) {
            if (closed) touchedAfterClose.incrementAndGet();
            entered.countDown();
            try {
                release.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (closed) touchedAfterClose.incrementAndGet();
            return 0;
        }

        @Override
        public int tx(PacketVector from, int[] slots, int count) {
            if (closed) touchedAfterClose.incrementAndGet();
            return 0;
        }
    }

    private static InterfaceConfig.Uplink uplink(String name, Port port) {
        return new InterfaceConfig.Uplink(name, port, MacAddress.parse("02:00:00:00:01:01"));
    }

    @Test
    void afterCatchingUpTheWorkerNeverTouchesARemovedPort() throws InterruptedException {
        try (TestNet net = new TestNet()) {
            GatedPort port = new GatedPort();
            int index = net.engine.addInterface(uplink("gated", port));
            net.engine.start();
            assertTrue(port.entered.await(5, TimeUnit.SECONDS), "the worker entered the port");

            net.engine.removeInterface(index);
            Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException ignored) {
                    Thread.currentThread().interrupt();
                }
                port.release.countDown();
            });
            net.engine.awaitWorkerCaughtUp(); // returns only once the worker has left rx and moved on
            port.closed = true;
            Thread.sleep(20);

            assertEquals(0, port.touchedAfterClose.get());
        }
    }

    @Test
    void withoutCatchingUpTheWorkerIsStillInsideARemovedPort() throws InterruptedException {
        // The race the handshake exists for: proves the test above could see it.
        try (TestNet net = new TestNet()) {
            GatedPort port = new GatedPort();
            int index = net.engine.addInterface(uplink("gated", port));
            net.engine.start();
            assertTrue(port.entered.await(5, TimeUnit.SECONDS), "the worker entered the port");

            net.engine.removeInterface(index);
            port.closed = true;
            port.release.countDown();
            net.engine.awaitWorkerCaughtUp();

            assertEquals(1, port.touchedAfterClose.get(), "the worker was still inside rx when the port was closed");
        }
    }

    @Test
    void returnsAtOnceWithoutAWorkerThread() {
        try (TestNet net = new TestNet()) {
            net.engine.removeInterface(net.ifB);
            net.engine.awaitWorkerCaughtUp();
            net.engine.start();
            net.engine.stop();
            net.engine.awaitWorkerCaughtUp();
        }
    }

    @Test
    void refusesToWaitOnTheWorkerThreadItself() throws InterruptedException {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        try (TestNet net = new TestNet()) {
            Port selfWaiting = new Port() {
                @Override
                public int rx(PacketVector into, int max) {
                    if (thrown.get() == null) {
                        try {
                            net.engine.awaitWorkerCaughtUp();
                            thrown.set(new AssertionError("returned"));
                        } catch (IllegalStateException e) {
                            thrown.set(e);
                        }
                    }
                    return 0;
                }

                @Override
                public int tx(PacketVector from, int[] slots, int count) {
                    return 0;
                }
            };
            net.engine.addInterface(uplink("self", selfWaiting));
            net.engine.start();
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (thrown.get() == null && System.nanoTime() < deadline) Thread.sleep(1);
        }
        assertInstanceOf(IllegalStateException.class, thrown.get());
        assertTrue(thrown.get().getMessage().contains("worker thread"), thrown.get().getMessage());
    }

    /** An idle strategy that blocks for up to 30 s unless woken, as poll(2) on idle sockets would. */
    private static final class BlockingIdle implements IdleStrategy {
        final Semaphore wake = new Semaphore(0);
        final AtomicInteger blocked = new AtomicInteger();
        volatile boolean closed;

        @Override
        public void idle(int idleRounds, ForwardingState state) {
            blocked.incrementAndGet();
            try {
                wake.tryAcquire(30, TimeUnit.SECONDS);
                wake.drainPermits();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void wakeup() {
            wake.release();
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    @Test
    void aBlockingIdleStrategyIsWokenByControlChangesAndStop() throws InterruptedException {
        BlockingIdle idle = new BlockingIdle();
        TestNet net = new TestNet();
        try {
            net.engine.start(idle);
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (idle.blocked.get() == 0 && System.nanoTime() < deadline) Thread.sleep(1);
            assertTrue(idle.blocked.get() > 0, "the worker should be blocked in the idle strategy");

            long start = System.nanoTime();
            net.engine.removeInterface(net.ifB);
            net.engine.awaitWorkerCaughtUp();
            assertTrue(System.nanoTime() - start < 5_000_000_000L, "catching up should not wait for the idle timeout");

            // Traffic still flows: a woken worker polls the ports again.
            net.a.inject(TestNet.fromA("10.0.0.1").udp(1, 2, 0).build());
            net.engine.removeInterface(net.ifUplink); // a control change wakes the worker, which then receives
            net.engine.awaitWorkerCaughtUp();
            deadline = System.nanoTime() + 5_000_000_000L;
            while (net.engine.totals().rxPackets() == 0 && System.nanoTime() < deadline) Thread.sleep(1);
            assertEquals(1, net.engine.totals().rxPackets());

            start = System.nanoTime();
            net.engine.stop();
            assertTrue(System.nanoTime() - start < 5_000_000_000L, "stop should wake the idle worker");
        } finally {
            net.close();
        }
        assertTrue(idle.closed, "closing the engine closes its idle strategy");
    }
}
