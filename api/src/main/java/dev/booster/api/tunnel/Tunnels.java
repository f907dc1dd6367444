package dev.booster.api.tunnel;

import java.util.List;
import java.util.Optional;

/** Node-to-node tunnels, one per remote node. */
public interface Tunnels {

    /** Installs or replaces the tunnel to {@code spec.remoteNode()}; replacing keeps traffic flowing (make before break). */
    void put(TunnelSpec spec);

    /** Removes the tunnel to {@code remoteNode}; false when there was none. */
    boolean remove(String remoteNode);

    Optional<TunnelSpec> get(String remoteNode);

    List<TunnelSpec> list();
}
