package dev.booster.host.pod;

import dev.booster.host.link.LinkManager;
import dev.booster.api.InvalidSpecException;
import dev.booster.api.net.InterfaceAddress;
import dev.booster.api.net.IpAddress;
import dev.booster.api.net.IpFamily;
import dev.booster.api.net.IpPrefix;
import dev.booster.api.net.Route;
import dev.booster.api.pod.InterfaceSpec;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The pod side of a veth, Calico style: the pod's addresses (IPv6 without DAD: the only other node on the link is
 * Booster), the link up, and routes via the gateway Booster answers for, {@code 169.254.1.1} made reachable by an
 * on-link host route and {@code fe80::1} on the link:
 * <pre>
 * ip route add 169.254.1.1 dev eth0 scope link
 * ip route add default via 169.254.1.1 dev eth0
 * ip -6 route add default via fe80::1 dev eth0
 * </pre>
 * A spec without routes gets a default route per address family it has. A route of the spec goes via the gateway of
 * its family, also when it names none: Booster answers ARP and ND for its gateway only, so an on-link destination
 * could never be resolved. A route naming another gateway is refused for the same reason.
 */
public record PodLinkSetup(IpAddress gateway4, IpAddress gateway6) {

    /** Sets up the pod's end in one batch; {@code field} locates the interface in the pod spec for errors. */
    public void apply(LinkManager links, PodNetns netns, InterfaceSpec spec, String field) {
        List<Route> routes = new ArrayList<>();
        Set<IpAddress> reachable = new LinkedHashSet<>();
        for (Route route : routes(spec, field)) {
            IpAddress gateway = route.gateway().orElseThrow();
            if (gateway.family() == IpFamily.IPV4 && reachable.add(gateway)) routes.add(Route.onLink(new IpPrefix(gateway, 32)));
            routes.add(route);
        }
        links.configureInterface(netns.namespace(), spec.name(), spec.addresses(), routes);
    }

    /** The routes to install, each with the gateway of its family. */
    List<Route> routes(InterfaceSpec spec, String field) {
        List<Route> routes = new ArrayList<>();
        if (spec.routes().isEmpty()) {
            Set<IpFamily> families = new LinkedHashSet<>();
            for (InterfaceAddress a : spec.addresses()) families.add(a.address().family());
            for (IpFamily family : families) {
                routes.add(Route.via(family == IpFamily.IPV4 ? IpPrefix.parse("0.0.0.0/0") : IpPrefix.parse("::/0"), gatewayOf(family)));
            }
            return routes;
        }
        for (int j = 0; j < spec.routes().size(); j++) {
            Route route = spec.routes().get(j);
            IpAddress gateway = gatewayOf(route.destination().family());
            if (route.gateway().isPresent() && !route.gateway().get().equals(gateway)) {
                throw new InvalidSpecException(field + ".routes[" + j + "].gateway", route.gateway().get() + " is not Booster's gateway; "
                        + "pods route via " + gateway4 + " (IPv4) and " + gateway6 + " (IPv6), the only addresses Booster answers ARP/ND for: "
                        + "leave the gateway out or use that one");
            }
            routes.add(Route.via(route.destination(), gateway));
        }
        return routes;
    }

    private IpAddress gatewayOf(IpFamily family) {
        return family == IpFamily.IPV4 ? gateway4 : gateway6;
    }
}
