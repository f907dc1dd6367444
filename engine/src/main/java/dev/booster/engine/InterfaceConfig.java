package dev.booster.engine;

import dev.booster.api.net.IpAddress;
import dev.booster.api.net.MacAddress;
import dev.booster.engine.packet.Port;
import dev.booster.engine.policy.PolicyEndpoint;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** An interface to add to the {@link Engine}: a pod's link, or an uplink towards the rest of the network. */
public sealed interface InterfaceConfig {

    String name();

    Port port();

    /** The MAC the engine uses on this link (pods send to it as their gateway's). */
    MacAddress mac();

    InterfaceConfig withMac(MacAddress mac);

    /**
     * A pod's interface. The engine adds a host route (/32, /128) to each address, answers ARP/ND for the gateway,
     * checks that the pod sends only from these addresses, and applies the endpoint's policy.
     *
     * @param policyEndpoint the pod's {@link PolicyEndpoint#id()}, or {@link PolicyEndpoint#REMOTE} for no policy
     * @param podMac         the pod's MAC; empty: learned from its ARP requests and neighbour solicitations
     */
    record Pod(String name, String podUid, Port port, List<IpAddress> addresses, int policyEndpoint,
               Optional<MacAddress> podMac, MacAddress mac) implements InterfaceConfig {
        public Pod {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(podUid, "podUid");
            Objects.requireNonNull(port, "port");
            addresses = List.copyOf(addresses);
            Objects.requireNonNull(podMac, "podMac");
            Objects.requireNonNull(mac, "mac");
            if (policyEndpoint < PolicyEndpoint.REMOTE) {
                throw new IllegalArgumentException("policyEndpoint " + policyEndpoint + " is invalid; use an endpoint id >= 0 or PolicyEndpoint.REMOTE");
            }
            if (podMac.isPresent() && podMac.get().isMulticast()) {
                throw new IllegalArgumentException("podMac " + podMac.get() + " is multicast; a pod needs a unicast MAC");
            }
        }

        @Override
        public Pod withMac(MacAddress newMac) {
            return new Pod(name, podUid, port, addresses, policyEndpoint, podMac, newMac);
        }

        public Pod withPodMac(Optional<MacAddress> newPodMac) {
            return new Pod(name, podUid, port, addresses, policyEndpoint, newPodMac, mac);
        }

        public Pod withPolicyEndpoint(int endpoint) {
            return new Pod(name, podUid, port, addresses, endpoint, podMac, mac);
        }
    }

    /** A link to the node's network; reached through {@link Engine#addRoute} routes with next-hop MACs. */
    record Uplink(String name, Port port, MacAddress mac) implements InterfaceConfig {
        public Uplink {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(port, "port");
            Objects.requireNonNull(mac, "mac");
        }

        @Override
        public Uplink withMac(MacAddress newMac) {
            return new Uplink(name, port, newMac);
        }
    }
}
