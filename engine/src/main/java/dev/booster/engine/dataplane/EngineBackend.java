package dev.booster.engine.dataplane;

import dev.booster.api.Capability;
import dev.booster.api.net.MacAddress;
import dev.booster.api.pod.InterfaceSpec;
import dev.booster.api.pod.PodSpec;

import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * What a backend that runs Booster's engine supplies to {@link EngineDataplane}: how pod interfaces are made. Everything
 * else (pods bookkeeping, policy compilation, counters, events) is shared by all such backends, and so are memif
 * interfaces: the dataplane makes them itself ({@link dev.booster.engine.memif.MemifPodPort}), so a backend that lists
 * {@link Capability#MEMIF} gets memif pods without writing any memif code.
 */
public interface EngineBackend extends AutoCloseable {

    String provider();

    Set<Capability> capabilities();

    /**
     * Creates the host side of one pod interface. On failure it leaves nothing behind and throws
     * {@link dev.booster.api.DataplaneException} (or {@link dev.booster.api.InvalidSpecException} for a bad spec).
     *
     * @param gatewayMac the MAC the engine answers with for the pod's gateway
     */
    PodPort openPort(PodSpec pod, InterfaceSpec spec, MacAddress gatewayMac);

    /**
     * Runs {@code task} inside {@code pod}'s network namespace ({@code pod.netns()}, present) and returns its result;
     * what it throws is rethrown. The dataplane opens a memif's abstract socket ({@code @name}) there: abstract names
     * exist per network namespace, and threads the task starts stay in it. A backend without namespaces (memory) runs
     * the task in place.
     *
     * @throws dev.booster.api.InvalidSpecException (field {@code netns}) the namespace cannot be entered
     */
    <T> T inPodNetns(PodSpec pod, Supplier<T> task);

    /**
     * Whether {@link #openPort} makes memif interfaces itself, with a memif driver of its own (DPDK's {@code net_memif}),
     * instead of the dataplane's {@link dev.booster.engine.memif.MemifPodPort}.
     */
    default boolean hasOwnMemifDriver() {
        return false;
    }

    /**
     * The engine now has {@code count} memif ports. Their packets arrive whenever the peer writes them, not when the
     * backend hands them over: a backend whose engine runs only on demand (memory) must poll while there are any. A
     * backend whose worker always runs has nothing to do.
     */
    default void memifPortsChanged(int count) {
    }

    /**
     * The uplink node-to-node tunnels leave through ({@link dev.booster.api.Dataplane#tunnels()}); empty (the default)
     * for a backend without one, whose dataplane then refuses tunnels.
     */
    default Optional<TunnelUplink> tunnelUplink() {
        return Optional.empty();
    }

    /** Releases backend-wide resources; called after every pod is detached and the engine stopped. */
    @Override
    void close();
}
