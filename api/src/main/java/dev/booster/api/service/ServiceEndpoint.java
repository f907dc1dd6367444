package dev.booster.api.service;

import dev.booster.api.InvalidSpecException;
import dev.booster.api.net.IpAddress;

import java.util.Objects;

/** A backend serving a service port. */
public record ServiceEndpoint(IpAddress address, int port) {
    public ServiceEndpoint {
        Objects.requireNonNull(address, "address");
        if (port < 1 || port > 65535) throw new InvalidSpecException("port", port + " is not a port; use 1..65535");
    }
}
