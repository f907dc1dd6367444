package dev.booster.vpp.provider;

import dev.booster.api.net.IpAddress;
import dev.booster.api.pod.NamedPort;

import java.util.List;
import java.util.Map;

/** A pod as policy sees it: identity and labels for selectors, its addresses, its named ports. */
public record AclEndpoint(String uid, String namespace, Map<String, String> labels, List<IpAddress> addresses,
                          List<NamedPort> namedPorts) {
    public AclEndpoint {
        labels = Map.copyOf(labels);
        addresses = List.copyOf(addresses);
        namedPorts = List.copyOf(namedPorts);
    }
}
