package dev.booster.engine.policy;

import dev.booster.api.net.IpAddress;
import dev.booster.api.pod.NamedPort;

import java.util.List;
import java.util.Map;

/**
 * A pod as policy sees it: identity and labels (for selectors), addresses (selectors resolve to address sets, as
 * Calico's IP sets do) and named ports.
 *
 * @param id a dense index ({@code 0..n-1}) the engine uses for a pod on this node; {@link #REMOTE} for a pod elsewhere
 */
public record PolicyEndpoint(int id, String uid, String namespace, Map<String, String> labels, List<IpAddress> addresses,
                             List<NamedPort> namedPorts) {
    public static final int REMOTE = -1;

    public PolicyEndpoint {
        labels = Map.copyOf(labels);
        addresses = List.copyOf(addresses);
        namedPorts = List.copyOf(namedPorts);
    }

    public boolean isLocal() {
        return id >= 0;
    }
}
