package dev.booster.api.pod;

import dev.booster.api.InvalidSpecException;
import dev.booster.api.policy.PortRef;
import dev.booster.api.policy.Protocol;

/** A named container port of a pod ({@code spec.containers[].ports[]}), which policies may refer to by name. */
public record NamedPort(String name, Protocol protocol, int port) {
    public NamedPort {
        new PortRef.Named(name);
        protocol = protocol == null ? Protocol.TCP : protocol;
        if (port < 1 || port > 65535) throw new InvalidSpecException("port", port + " is not a port; use 1..65535");
    }
}
