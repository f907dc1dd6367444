package dev.booster.api.pod;

import dev.booster.api.net.InterfaceAddress;
import dev.booster.api.net.MacAddress;
import dev.booster.api.net.Route;

import java.util.List;
import java.util.Optional;

/** A tap device in the pod's network namespace whose other side the dataplane reads and writes. */
public record Tap(String name, List<InterfaceAddress> addresses, List<Route> routes, int mtu, Optional<MacAddress> mac,
                  int queues) implements InterfaceSpec {

    public Tap {
        InterfaceSpec.validateCommon(name, addresses, routes, mtu, mac);
        if (queues < 1 || queues > 64) throw new dev.booster.api.InvalidSpecException("queues", queues + " is out of range; use 1..64");
        addresses = List.copyOf(addresses);
        routes = List.copyOf(routes);
    }

    public static Tap of(String name, InterfaceAddress... addresses) {
        return new Tap(name, List.of(addresses), List.of(), DEFAULT_MTU, Optional.empty(), 1);
    }
}
