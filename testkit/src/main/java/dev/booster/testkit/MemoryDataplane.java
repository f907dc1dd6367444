package dev.booster.testkit;

import dev.booster.api.Capability;
import dev.booster.api.Dataplane;
import dev.booster.api.DataplaneConfig;
import dev.booster.api.InvalidSpecException;
import dev.booster.api.net.MacAddress;
import dev.booster.api.pod.InterfaceSpec;
import dev.booster.api.pod.PodSpec;
import dev.booster.engine.Engine;
import dev.booster.engine.EngineConfig;
import dev.booster.engine.dataplane.EngineBackend;
import dev.booster.engine.dataplane.EngineDataplane;
import dev.booster.engine.dataplane.PodPort;
import dev.booster.engine.packet.ArenaPacketBuffers;

import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * The {@code memory} backend: pods' interfaces are queues in this process. Packets move synchronously: a
 * {@link MemoryPod#send} runs the engine on the caller's thread until it is idle, so when {@code send} returns the
 * frame has been delivered or dropped (and counted) — deterministic for tests.
 *
 * <p>Memif pods are the exception: their peer writes whenever it likes, so while the dataplane has memif interfaces a
 * poller thread runs the engine too (one vector at a time, under the same lock as {@code send} and the control calls),
 * parking when idle. A frame a memif peer sends arrives within about a millisecond, not synchronously.
 */
public final class MemoryDataplane extends EngineDataplane {
    private final ArenaPacketBuffers buffers;

    private MemoryDataplane(Backend backend, Engine engine) {
        super(backend, engine);
        this.buffers = backend.buffers;
        backend.dataplane = this;
    }

    static MemoryDataplane open(DataplaneConfig config) {
        int count = config.option("memory.buffers").map(v -> parseBuffers(v)).orElse(8192);
        ArenaPacketBuffers buffers = new ArenaPacketBuffers(count, 2048, 128);
        return new MemoryDataplane(new Backend(buffers), new Engine(EngineConfig.defaults()));
    }

    private static int parseBuffers(String v) {
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= 64 && n <= 1 << 20) return n;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new InvalidSpecException("options.memory.buffers", "\"" + v + "\" is not a buffer count; use 64..1048576");
    }

    /** Runs the engine until no port has anything left to receive. */
    synchronized void pump() {
        engine().pollUntilIdle();
    }

    /** One round of the memif poller; false once the dataplane is closed. */
    private synchronized int pumpOnce(MemifPoller poller) {
        if (!poller.running) return -1;
        return engine().pollOnce();
    }

    /**
     * Runs the engine while memif ports exist: spins a little after traffic, then parks 50 µs, then 1 ms per idle
     * round. It stops itself when told, without being joined: the control calls that stop it hold the lock it needs.
     */
    private final class MemifPoller implements Runnable {
        private static final int SPIN_ROUNDS = 64;
        private static final int SHORT_PARK_ROUNDS = 200;
        volatile boolean running = true;

        @Override
        public void run() {
            int idle = 0;
            while (running) {
                int received = pumpOnce(this);
                if (received < 0) return;
                if (received > 0) {
                    idle = 0;
                } else if (++idle <= SPIN_ROUNDS) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.parkNanos(idle <= SPIN_ROUNDS + SHORT_PARK_ROUNDS ? 50_000 : 1_000_000);
                }
            }
        }
    }

    /** Packet buffers in use (not yet delivered or freed): 0 when idle means nothing leaked. */
    public synchronized int buffersInUse() {
        return buffers.inUse();
    }

    /** This dataplane, if {@code dataplane} is a memory one. */
    public static MemoryDataplane of(Dataplane dataplane) {
        if (dataplane instanceof MemoryDataplane m) return m;
        throw new IllegalArgumentException("dataplane of provider '" + dataplane.provider() + "' is not the memory provider");
    }

    private static final class Backend implements EngineBackend {
        final ArenaPacketBuffers buffers;
        MemoryDataplane dataplane;
        private MemifPoller poller;

        Backend(ArenaPacketBuffers buffers) {
            this.buffers = buffers;
        }

        @Override
        public String provider() {
            return MemoryProvider.NAME;
        }

        @Override
        public Set<Capability> capabilities() {
            return MemoryProvider.CAPABILITIES;
        }

        @Override
        public PodPort openPort(PodSpec pod, InterfaceSpec spec, MacAddress gatewayMac) {
            MacAddress mac = spec.mac().orElseGet(() -> MacAddress.locallyAdministered((pod.uid() + "/" + spec.name()).hashCode()));
            return new MemoryPort(pod.uid() + "/" + spec.name(), mac, buffers, dataplane::pump);
        }

        /** Memory pods have no network namespace: the task runs in the dataplane's own. */
        @Override
        public <T> T inPodNetns(PodSpec pod, Supplier<T> task) {
            return task.get();
        }

        /** Called under the dataplane's lock, as every control call. */
        @Override
        public void memifPortsChanged(int count) {
            if (count > 0 && poller == null) {
                poller = dataplane.new MemifPoller();
                Thread.ofPlatform().daemon().name("booster-memory-memif-poller").start(poller);
            } else if (count == 0 && poller != null) {
                poller.running = false;
                poller = null;
            }
        }

        @Override
        public void close() {
            memifPortsChanged(0);
            buffers.close();
        }
    }
}
