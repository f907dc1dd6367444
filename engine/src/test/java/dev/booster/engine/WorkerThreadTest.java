package dev.booster.engine;

import dev.booster.engine.testing.TestNet;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.booster.engine.testing.TestNet.fromA;
import static org.junit.jupiter.api.Assertions.*;

class WorkerThreadTest {

    @Test
    void forwardsOnItsOwnThreadAndStopsCleanly() throws InterruptedException {
        try (TestNet net = new TestNet(EngineConfig.builder().conntrackCapacity(64).clock(System::nanoTime))) {
            net.engine.start();
            assertTrue(net.engine.isRunning());
            assertThrows(IllegalStateException.class, net.engine::pollOnce);
            for (int i = 0; i < 100; i++) net.a.inject(fromA("10.0.0.2").udp(1, 2, 0).build());
            List<byte[]> received = new ArrayList<>();
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (received.size() < 100 && System.nanoTime() < deadline) {
                received.addAll(net.b.drain());
                Thread.sleep(1);
            }
            net.engine.stop();
            assertFalse(net.engine.isRunning());
            assertEquals(100, received.size(), () -> net.engine.totals() + " " + net.engine.drops());
            assertEquals(0, net.buffers.outstanding());
            assertEquals(0, net.engine.pollOnce(), "polling on the caller's thread works again after stop()");
        }
    }
}
