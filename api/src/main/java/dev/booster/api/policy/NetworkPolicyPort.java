package dev.booster.api.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.booster.api.InvalidSpecException;

import java.util.Optional;

/**
 * A port (or range) a rule applies to. No port means every port of the protocol; {@code endPort} makes
 * {@code port..endPort} a range and needs a numeric {@code port}.
 */
@JsonInclude(JsonInclude.Include.NON_ABSENT)
public record NetworkPolicyPort(Protocol protocol, Optional<PortRef> port, Optional<Integer> endPort) {

    public NetworkPolicyPort {
        protocol = protocol == null ? Protocol.TCP : protocol;
        port = port == null ? Optional.empty() : port;
        endPort = endPort == null ? Optional.empty() : endPort;
        if (endPort.isPresent()) {
            int end = endPort.get();
            if (port.isEmpty()) throw new InvalidSpecException("endPort", "needs a numeric port to start the range");
            if (!(port.get() instanceof PortRef.Number(int start))) {
                throw new InvalidSpecException("endPort", "cannot be used with named port \"" + port.get() + "\"; give a numeric port");
            }
            if (end < start || end > 65535) {
                throw new InvalidSpecException("endPort", end + " must be in " + start + "..65535 (not below port)");
            }
        }
    }

    public static NetworkPolicyPort tcp(int port) {
        return new NetworkPolicyPort(Protocol.TCP, Optional.of(PortRef.of(port)), Optional.empty());
    }

    public static NetworkPolicyPort udp(int port) {
        return new NetworkPolicyPort(Protocol.UDP, Optional.of(PortRef.of(port)), Optional.empty());
    }

    public static NetworkPolicyPort range(Protocol protocol, int from, int to) {
        return new NetworkPolicyPort(protocol, Optional.of(PortRef.of(from)), Optional.of(to));
    }

    public static NetworkPolicyPort named(Protocol protocol, String name) {
        return new NetworkPolicyPort(protocol, Optional.of(PortRef.named(name)), Optional.empty());
    }
}
