package dev.booster.api.net;

import java.util.Objects;
import java.util.Optional;

/** A route: traffic to {@code destination} goes via {@code gateway}, or is on-link when there is none. */
public record Route(IpPrefix destination, Optional<IpAddress> gateway) {

    public Route {
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(gateway, "gateway");
        gateway.ifPresent(g -> {
            if (g.family() != destination.family()) {
                throw new IllegalArgumentException("route to " + destination + ": gateway " + g + " is of another address family");
            }
        });
    }

    public static Route via(IpPrefix destination, IpAddress gateway) {
        return new Route(destination, Optional.of(gateway));
    }

    public static Route onLink(IpPrefix destination) {
        return new Route(destination, Optional.empty());
    }

    @Override
    public String toString() {
        return destination + gateway.map(g -> " via " + g).orElse("");
    }
}
