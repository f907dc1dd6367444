package dev.booster.api.pod;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.booster.api.net.InterfaceAddress;
import dev.booster.api.net.MacAddress;
import dev.booster.api.net.Route;

import java.util.List;
import java.util.Optional;

/**
 * One network interface of a pod. Every kind has a name inside the pod, addresses, routes, an MTU and optionally a
 * fixed MAC; the kinds differ in how packets reach the dataplane. In JSON/YAML the kind is the {@code type} field
 * ({@code veth}, {@code tap}, {@code memif}, {@code afXdp}).
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = Veth.class, name = "veth"),
        @JsonSubTypes.Type(value = Tap.class, name = "tap"),
        @JsonSubTypes.Type(value = Memif.class, name = "memif"),
        @JsonSubTypes.Type(value = AfXdp.class, name = "afXdp")
})
public sealed interface InterfaceSpec permits Veth, Tap, Memif, AfXdp {

    /** The smallest and largest MTU Booster accepts. */
    int MIN_MTU = 576;
    int MAX_MTU = 9000;
    int DEFAULT_MTU = 1500;

    /** The interface name inside the pod (e.g. {@code eth0}); for memif, the name the application knows it by. */
    String name();

    List<InterfaceAddress> addresses();

    /** Routes inside the pod; empty means a default route per address family via the dataplane's gateway. */
    List<Route> routes();

    int mtu();

    /** A fixed MAC for the pod side; empty lets the backend choose a stable locally administered one. */
    Optional<MacAddress> mac();

    /** Checks what every kind shares; each kind's record calls it from its constructor. */
    static void validateCommon(String name, List<InterfaceAddress> addresses, List<Route> routes, int mtu, Optional<MacAddress> mac) {
        InterfaceNames.check("name", name);
        java.util.Objects.requireNonNull(addresses, "addresses");
        java.util.Objects.requireNonNull(routes, "routes");
        java.util.Objects.requireNonNull(mac, "mac");
        if (mtu < MIN_MTU || mtu > MAX_MTU) {
            throw new dev.booster.api.InvalidSpecException("mtu", mtu + " is out of range; use " + MIN_MTU + ".." + MAX_MTU);
        }
        mac.ifPresent(m -> {
            if (m.isMulticast()) throw new dev.booster.api.InvalidSpecException("mac", m + " is a multicast address; use a unicast one");
        });
    }
}
