package dev.booster.engine.dataplane;

import dev.booster.api.net.IpAddress;

import java.util.Set;
import java.util.function.Supplier;

/**
 * The uplink node-to-node tunnels leave through, as a backend that has one offers it ({@link EngineBackend#tunnelUplink}).
 */
public interface TunnelUplink {

    /** The uplink's interface index in the engine. */
    int engineIndex();

    /** The uplink's MTU: a tunnel's outer packets must fit it, so its headers come off the inner MTU. */
    int mtu();

    /**
     * From now on, hand the engine the tunnel traffic (IP in IP, protocols 4 and 41; VXLAN, UDP to 4789; ESP,
     * protocol 50) the uplink receives for these local addresses, and only that: everything else to them stays the
     * host's (IKE on UDP 500/4500, SSH...). Called with the whole set after every change.
     */
    void acceptTunnelTraffic(Set<IpAddress> localAddresses);

    /**
     * Runs {@code task} in the network namespace the uplink lives in and returns its result: the dataplane opens the
     * IKE sockets (UDP 500/4500 on the local tunnel address) there, and a socket belongs to the namespace of the thread
     * that creates it. The default, for a backend in the process's own namespace, runs it in place.
     */
    default <T> T inNodeNetns(Supplier<T> task) {
        return task.get();
    }
}
