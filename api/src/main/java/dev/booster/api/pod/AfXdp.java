package dev.booster.api.pod;

import dev.booster.api.InvalidSpecException;
import dev.booster.api.net.InterfaceAddress;
import dev.booster.api.net.MacAddress;
import dev.booster.api.net.Route;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** A veth whose pod side the pod's own application drives through AF_XDP sockets (one per queue). */
public record AfXdp(String name, List<InterfaceAddress> addresses, List<Route> routes, int mtu, Optional<MacAddress> mac,
                    int queues, XdpMode mode) implements InterfaceSpec {

    /** How the kernel moves frames into the socket. */
    public enum XdpMode { AUTO, COPY, ZERO_COPY }

    public AfXdp {
        InterfaceSpec.validateCommon(name, addresses, routes, mtu, mac);
        Objects.requireNonNull(mode, "mode");
        if (queues < 1 || queues > 64) throw new InvalidSpecException("queues", queues + " is out of range; use 1..64");
        if (mtu > 3498) throw new InvalidSpecException("mtu", mtu + " is above 3498, the largest frame AF_XDP fits in a 4 KiB UMEM frame");
        addresses = List.copyOf(addresses);
        routes = List.copyOf(routes);
    }
}
