package dev.booster.api.pod;

import dev.booster.api.net.InterfaceAddress;
import dev.booster.api.net.MacAddress;
import dev.booster.api.net.Route;

import java.util.List;
import java.util.Optional;

/** A veth pair: one end in the pod's network namespace, the other served by the dataplane. */
public record Veth(String name, List<InterfaceAddress> addresses, List<Route> routes, int mtu, Optional<MacAddress> mac)
        implements InterfaceSpec {

    public Veth {
        InterfaceSpec.validateCommon(name, addresses, routes, mtu, mac);
        addresses = List.copyOf(addresses);
        routes = List.copyOf(routes);
    }

    /** {@code eth0}-style veth with the given addresses, default routes, MTU 1500 and a backend-chosen MAC. */
    public static Veth of(String name, InterfaceAddress... addresses) {
        return new Veth(name, List.of(addresses), List.of(), DEFAULT_MTU, Optional.empty());
    }
}
