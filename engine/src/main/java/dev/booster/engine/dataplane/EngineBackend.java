package dev.booster.engine.dataplane;

import dev.booster.api.Capability;
import dev.booster.api.net.MacAddress;
import dev.booster.api.pod.InterfaceSpec;
import dev.booster.api.pod.PodSpec;

import java.util.Set;

/**
 * What a backend that runs Booster's engine supplies to {@link EngineDataplane}: how pod interfaces are made. Everything
 * else (pods bookkeeping, policy compilation, counters, events) is shared by all such backends.
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

    /** Releases backend-wide resources; called after every pod is detached and the engine stopped. */
    @Override
    void close();
}
