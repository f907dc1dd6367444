package dev.booster.host.link;

import dev.booster.api.net.InterfaceAddress;
import dev.booster.api.net.IpAddress;
import dev.booster.api.net.IpFamily;
import dev.booster.api.net.MacAddress;
import dev.booster.api.net.Route;

import java.util.List;
import java.util.Optional;

/**
 * Host network plumbing: namespaces, veth pairs, link settings, addresses, routes, neighbours. Every name is
 * validated (IFNAMSIZ for links) before anything runs; failures carry what the host said. Deletions are
 * idempotent so cleanup code can call them unconditionally.
 */
public interface LinkManager {
    /** {@code ip netns add}. */
    void addNamespace(String name);

    /** Deletes the namespace and, with it, every link inside; false when there was none. */
    boolean deleteNamespace(String name);

    boolean namespaceExists(String name);

    List<String> namespaces();

    /** Creates a veth pair {@code name} &lt;-&gt; {@code peerName} in the host namespace, both down. */
    void addVethPair(String name, String peerName);

    /**
     * Creates a veth pair in one step: {@code hostName} (MAC {@code hostMac}) stays in the host namespace, its peer is
     * created directly inside {@code podNamespace} as {@code podName} (MAC {@code podMac}), so a pod name like
     * {@code eth0} never meets the host's own {@code eth0}. Both ends have MTU {@code mtu}, one queue each (so every
     * frame reaches queue 0, whatever CPU sent it) and are down.
     */
    void addPodVeth(String hostName, MacAddress hostMac, Namespace podNamespace, String podName, MacAddress podMac, int mtu);

    /** Moves host link {@code link} into namespace {@code netns} (it goes down and loses its addresses). */
    void moveToNamespace(String link, String netns);

    /** Deletes the link (for a veth, both ends); false when there was none. */
    boolean deleteLink(Namespace ns, String link);

    boolean linkExists(Namespace ns, String link);

    /** The link's state and counters, empty when there is no such link. */
    Optional<LinkInfo> link(Namespace ns, String link);

    void setMac(Namespace ns, String link, MacAddress mac);

    void setMtu(Namespace ns, String link, int mtu);

    void setUp(Namespace ns, String link);

    void setDown(Namespace ns, String link);

    /** Adds {@code address}; IPv6 addresses go through duplicate address detection first. */
    default void addAddress(Namespace ns, String link, InterfaceAddress address) {
        addAddress(ns, link, address, true);
    }

    /**
     * Adds {@code address}; with {@code duplicateAddressDetection} false an IPv6 address is usable at once
     * ({@code nodad}): on a link whose only other end is Booster, DAD has nobody to ask and only delays the pod.
     */
    void addAddress(Namespace ns, String link, InterfaceAddress address, boolean duplicateAddressDetection);

    /**
     * Brings {@code link} up without an IPv6 link-local address ({@code addrgenmode none}), so the kernel sends no DAD,
     * router solicitation or MLD report on it: for links that are only a dataplane's attachment point.
     */
    void setUpWithoutIpv6Addresses(Namespace ns, String link);

    /**
     * Sets up an interface in one go: adds {@code addresses} (IPv6 ones without DAD, as
     * {@link #addAddress(Namespace, String, InterfaceAddress, boolean)} with false), brings the link up, and adds
     * {@code routes} in order. One round trip to the host rather than one per step, which matters at attach rates.
     */
    void configureInterface(Namespace ns, String link, List<InterfaceAddress> addresses, List<Route> routes);

    /** The names of the links in {@code ns}. */
    List<String> linkNames(Namespace ns);

    /** Adds {@code route} out of {@code link} (via its gateway, or on-link). */
    void addRoute(Namespace ns, String link, Route route);

    /** A permanent neighbour entry: {@code address} is at {@code mac} on {@code link}, so no ARP/ND is needed. */
    void addNeighbor(Namespace ns, String link, IpAddress address, MacAddress mac);

    /** The gateway of the default route out of {@code link} for {@code family} (the first listed), empty when there is none. */
    Optional<IpAddress> defaultGateway(Namespace ns, String link, IpFamily family);

    /**
     * The MAC the kernel's neighbour table has for {@code address} on {@code link}; empty when it has none or the entry
     * is unresolved ({@code INCOMPLETE}, {@code FAILED}).
     */
    Optional<MacAddress> neighbour(Namespace ns, String link, IpAddress address);
}
