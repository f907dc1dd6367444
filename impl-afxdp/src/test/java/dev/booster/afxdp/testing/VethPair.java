package dev.booster.afxdp.testing;

import dev.booster.host.link.IpLinkManager;
import dev.booster.host.link.LinkManager;
import dev.booster.host.link.Namespace;
import dev.booster.api.net.Ip4Address;
import dev.booster.api.net.InterfaceAddress;
import dev.booster.api.net.MacAddress;

/**
 * A network namespace holding one end of a veth pair ({@code peer}, 10.77.0.2/24) whose other end ({@code host})
 * stays in the host namespace without an address: an AF_XDP socket on {@code host} plays the other machine.
 * The namespace has a permanent neighbour entry for 10.77.0.1 at the host end's MAC, so it never ARPs. The
 * addresses exist only inside the namespace, so parallel runs cannot collide. Closing deletes everything,
 * whatever state it got to.
 */
public final class VethPair implements AutoCloseable {
    public static final Ip4Address HOST_IP = Ip4Address.parse("10.77.0.1");
    public static final Ip4Address PEER_IP = Ip4Address.parse("10.77.0.2");

    public final LinkManager links = new IpLinkManager();
    public final String netns;
    public final Namespace.Named namespace;
    public final String host;
    public final String peer;
    public final MacAddress hostMac;
    public final MacAddress peerMac;

    public VethPair(String tag) {
        this.host = Privileged.uniqueName(tag, "h");
        this.peer = Privileged.uniqueName(tag, "p");
        this.netns = "booster-test-" + tag + "-" + ProcessHandle.current().pid();
        this.namespace = Namespace.named(netns);
        long pid = ProcessHandle.current().pid();
        this.hostMac = MacAddress.locallyAdministered(pid * 31 + tag.hashCode());
        this.peerMac = MacAddress.locallyAdministered(pid * 37 + tag.hashCode() + 1);
        try {
            close(); // leftovers of an earlier run with the same pid
            links.addNamespace(netns);
            links.addVethPair(host, peer);
            links.moveToNamespace(peer, netns);
            links.setMac(Namespace.host(), host, hostMac);
            links.setMac(namespace, peer, peerMac);
            links.setUp(Namespace.host(), host);
            links.setUp(namespace, peer);
            links.setUp(namespace, "lo");
            links.addAddress(namespace, peer, new InterfaceAddress(PEER_IP, 24));
            links.addNeighbor(namespace, peer, HOST_IP, hostMac);
        } catch (RuntimeException e) {
            try {
                close();
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    @Override
    public void close() {
        RuntimeException failure = null;
        try {
            links.deleteLink(Namespace.host(), host); // takes the peer with it, synchronously
        } catch (RuntimeException e) {
            failure = e;
        }
        try {
            links.deleteNamespace(netns);
        } catch (RuntimeException e) {
            if (failure == null) failure = e; else failure.addSuppressed(e);
        }
        if (failure != null) throw failure;
    }
}
