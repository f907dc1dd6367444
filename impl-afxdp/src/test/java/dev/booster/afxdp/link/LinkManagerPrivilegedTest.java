package dev.booster.afxdp.link;

import dev.booster.afxdp.testing.Privileged;
import dev.booster.api.net.InterfaceAddress;
import dev.booster.api.net.IpAddress;
import dev.booster.api.net.IpPrefix;
import dev.booster.api.net.MacAddress;
import dev.booster.api.net.Route;
import dev.booster.host.ffi.Libc;
import dev.booster.host.ffi.NativeCallException;
import dev.booster.host.link.CommandRunner;
import dev.booster.host.link.IpLinkManager;
import dev.booster.host.link.LinkInfo;
import dev.booster.host.link.LinkManager;
import dev.booster.host.link.Namespace;
import dev.booster.host.link.NetnsThreads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** IpLinkManager and NetnsThreads against the real kernel: a namespace, a veth pair, and everything set on them. */
@Tag("privileged")
class LinkManagerPrivilegedTest {
    private final LinkManager links = new IpLinkManager();
    private String netns;
    private String host;
    private String peer;

    @BeforeEach
    void setUp() {
        Privileged.assumeRoot();
        netns = "booster-test-k-" + ProcessHandle.current().pid();
        host = Privileged.uniqueName("k", "h");
        peer = Privileged.uniqueName("k", "p");
        cleanUp();
    }

    @AfterEach
    void cleanUp() {
        if (host == null) return;
        links.deleteLink(Namespace.host(), host);
        links.deleteNamespace(netns);
    }

    @Test
    void plumbsANamespaceWithAVethPair() {
        Namespace.Named ns = Namespace.named(netns);
        links.addNamespace(netns);
        assertTrue(links.namespaceExists(netns));
        assertTrue(links.namespaces().contains(netns));
        links.addVethPair(host, peer);
        links.moveToNamespace(peer, netns);
        assertFalse(links.linkExists(Namespace.host(), peer), "moved out of the host");
        assertTrue(links.linkExists(ns, peer));

        MacAddress mac = MacAddress.parse("02:b0:05:7e:00:02");
        links.setMac(ns, peer, mac);
        links.setMtu(ns, peer, 1400);
        links.setUp(ns, peer);
        links.setUp(Namespace.host(), host);
        links.addAddress(ns, peer, InterfaceAddress.parse("10.78.0.2/24"));
        links.addRoute(ns, peer, Route.via(IpPrefix.parse("10.79.0.0/16"), IpAddress.parse("10.78.0.1")));
        links.addNeighbor(ns, peer, IpAddress.parse("10.78.0.1"), MacAddress.parse("02:b0:05:7e:00:01"));

        LinkInfo info = links.link(ns, peer).orElseThrow();
        assertEquals(peer, info.name());
        assertEquals(mac, info.mac());
        assertEquals(1400, info.mtu());
        assertTrue(info.up());
        assertFalse(info.hasXdpProgram());
        String inside = ipInNetns("-4", "addr", "show", "dev", peer) + ipInNetns("route", "show") + ipInNetns("neigh", "show", "dev", peer);
        assertTrue(inside.contains("10.78.0.2/24"), inside);
        assertTrue(inside.contains("10.79.0.0/16 via 10.78.0.1 dev " + peer), inside);
        assertTrue(inside.contains("10.78.0.1 lladdr 02:b0:05:7e:00:01 PERMANENT"), inside);

        assertTrue(links.deleteLink(Namespace.host(), host));
        assertFalse(links.linkExists(ns, peer), "deleting one end of a veth deletes the other");
        assertFalse(links.deleteLink(Namespace.host(), host), "deleting again is a no-op");
        assertTrue(links.deleteNamespace(netns));
        assertFalse(links.namespaceExists(netns));
        assertFalse(links.deleteNamespace(netns));
    }

    @Test
    void workRunsInsideTheNamespaceOnItsOwnThread() {
        links.addNamespace(netns);
        links.addVethPair(host, peer);
        links.moveToNamespace(peer, netns);
        String callerThread = Thread.currentThread().getName();

        int inside = NetnsThreads.supply(netns, () -> Libc.ifNameToIndex(peer));
        String workerThread = NetnsThreads.supply(netns, () -> Thread.currentThread().getName());

        assertTrue(inside > 0, "the peer is visible inside");
        assertEquals(0, Libc.ifNameToIndex(peer), "and not outside");
        assertEquals(0, (int) NetnsThreads.supply(netns, () -> Libc.ifNameToIndex(host)), "the host end is not visible inside");
        assertEquals("netns-" + netns, workerThread);
        assertEquals(callerThread, Thread.currentThread().getName());
        IllegalStateException thrown = assertThrows(IllegalStateException.class,
                () -> NetnsThreads.run(netns, () -> { throw new IllegalStateException("from inside"); }));
        assertEquals("from inside", thrown.getMessage(), "what the work throws reaches the caller");
        NativeCallException missing = assertThrows(NativeCallException.class, () -> NetnsThreads.run(netns + "-gone", () -> { }));
        assertTrue(missing.getMessage().startsWith("open(/run/netns/" + netns + "-gone): No such file or directory"), missing.getMessage());
    }

    private String ipInNetns(String... args) {
        List<String> command = new java.util.ArrayList<>(List.of("ip", "-n", netns));
        command.addAll(List.of(args));
        return CommandRunner.processes().run(command, Duration.ofSeconds(10)).orThrow().stdout();
    }
}
