package dev.booster.api.service;

import dev.booster.api.InvalidSpecException;
import dev.booster.api.policy.Protocol;

import java.util.List;

/** One port of a service and the endpoints that serve it (from the EndpointSlices, target port resolved). */
public record ServicePort(String name, Protocol protocol, int port, List<ServiceEndpoint> endpoints) {

    public ServicePort {
        protocol = protocol == null ? Protocol.TCP : protocol;
        if (port < 1 || port > 65535) throw new InvalidSpecException("port", port + " is not a port; use 1..65535");
        endpoints = List.copyOf(endpoints);
    }
}
