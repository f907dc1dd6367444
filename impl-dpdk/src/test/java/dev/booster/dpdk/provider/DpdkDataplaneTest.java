package dev.booster.dpdk.provider;

import dev.booster.host.link.CommandResult;
import dev.booster.host.link.IpLinkManager;
import dev.booster.host.link.LinkInfo;
import dev.booster.host.link.Namespace;
import dev.booster.host.pod.HostVethNames;
import dev.booster.afxdp.testing.TestNamespaces;
import dev.booster.api.Dataplane;
import dev.booster.api.DataplaneConfig;
import dev.booster.api.net.InterfaceAddress;
import dev.booster.api.net.MacAddress;
import dev.booster.api.pod.InterfaceSpec;
import dev.booster.api.pod.PodAttachment;
import dev.booster.api.pod.PodSpec;
import dev.booster.api.pod.Tap;
import dev.booster.api.pod.Veth;
import dev.booster.api.policy.IngressRule;
import dev.booster.api.policy.LabelSelector;
import dev.booster.api.policy.NetworkPolicy;
import dev.booster.api.policy.NetworkPolicyPeer;
import dev.booster.api.policy.NetworkPolicyPort;
import dev.booster.api.policy.NetworkPolicySpec;
import dev.booster.api.policy.PolicySet;
import dev.booster.api.policy.PolicyType;
import dev.booster.api.stats.DropCounter;
import dev.booster.api.stats.InterfaceCounters;
import dev.booster.dpdk.port.DpdkPort;
import dev.booster.dpdk.testing.DpdkAvailable;
import dev.booster.spi.Dataplanes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The {@code dpdk} provider with real namespaces: pods on veths (net_af_packet) and taps (net_tap) talk through
 * Booster's engine with the kernel's own ping and netcat, policy acts on real connections, and detaching leaves
 * nothing behind.
 */
@Tag("privileged")
class DpdkDataplaneTest {
    static final String A4 = "10.79.1.1";
    static final String B4 = "10.79.1.2";
    static final String A6 = "fd79::1";
    static final String B6 = "fd79::2";
    private static final AtomicInteger PODS = new AtomicInteger();

    private TestNamespaces namespaces;
    private String nsA;
    private String nsB;
    private DpdkDataplane dp;
    private final List<String> podUids = new ArrayList<>();

    @BeforeEach
    void setUp() {
        DpdkAvailable.assumePrivileged();
        namespaces = new TestNamespaces("dpdk");
        nsA = namespaces.add("a");
        nsB = namespaces.add("b");
        dp = (DpdkDataplane) Dataplanes.open(DataplaneConfig.builder().provider(DpdkProvider.NAME).build());
    }

    @AfterEach
    void tearDown() {
        try {
            if (dp != null) {
                dp.close();
                assertEquals(0, dp.pool().outstandingAtClose(), "every mbuf went back before the pool was freed");
            }
        } finally {
            IpLinkManager links = new IpLinkManager();
            for (String uid : podUids) links.deleteLink(Namespace.host(), HostVethNames.of(uid, "eth0"));
            if (namespaces != null) namespaces.close();
        }
    }

    PodSpec pod(String netns, String app, InterfaceSpec iface) {
        String uid = "dpdk-" + ProcessHandle.current().pid() + "-" + app + "-" + PODS.incrementAndGet();
        podUids.add(uid);
        return PodSpec.builder("shop", app).uid(uid).labels(Map.of("app", app)).netns(TestNamespaces.path(netns)).addInterface(iface).build();
    }

    static Veth veth(String ip4, String ip6) {
        return Veth.of("eth0", InterfaceAddress.parse(ip4 + "/32"), InterfaceAddress.parse(ip6 + "/128"));
    }

    private PodAttachment[] attachBoth() {
        return new PodAttachment[]{dp.pods().attach(pod(nsA, "a", veth(A4, A6))), dp.pods().attach(pod(nsB, "b", veth(B4, B6)))};
    }

    private CommandResult ping(String fromNetns, String... args) {
        List<String> command = new ArrayList<>(List.of("ping", "-c", "3", "-W", "2", "-i", "0.2"));
        command.addAll(List.of(args));
        return namespaces.exec(fromNetns, command.toArray(String[]::new));
    }

    private static void assertSucceeded(CommandResult r) {
        assertEquals(0, r.exitCode(), () -> r.command() + " failed:\n" + r.stdout() + r.stderr());
    }

    @Test
    void vethPodsPingEachOtherOverIpv4AndIpv6() {
        PodAttachment[] pods = attachBoth();

        assertSucceeded(ping(nsA, B4));
        assertSucceeded(ping(nsB, A4));
        assertSucceeded(ping(nsA, "-6", B6));
        assertSucceeded(ping(nsB, "-6", A6));

        for (PodAttachment pod : pods) {
            InterfaceCounters c = counters(pod);
            assertTrue(c.rxPackets() >= 12 && c.txPackets() >= 12, c.toString());
            DpdkPort port = DpdkDataplane.dpdkPortOf(pod, 0);
            assertTrue(port.name().startsWith("net_af_packet"), port.name());
            assertEquals(0, port.txCopied(), "mbufs travel between ports of one pool as they are");
            assertEquals(0, port.rxChained());
            assertTrue(port.stats().rxPackets() >= 12, port.stats().toString());
        }
    }

    private InterfaceCounters counters(PodAttachment pod) {
        return dp.stats().interfaces().stream().filter(c -> c.podUid().equals(pod.spec().uid())).findFirst().orElseThrow();
    }

    @Test
    void thePodSideOfAVethIsSetUpAsTheSpecSays() {
        PodAttachment a = dp.pods().attach(pod(nsA, "a", veth(A4, A6)));
        String host = a.interfaces().getFirst().hostName();
        assertTrue(HostVethNames.isBoosterName(host), host);
        IpLinkManager links = new IpLinkManager();
        LinkInfo eth0 = links.link(Namespace.named(nsA), "eth0").orElseThrow();
        assertEquals(a.interfaces().getFirst().podMac(), eth0.mac());
        assertTrue(eth0.up());
        MacAddress hostEnd = links.link(Namespace.host(), host).orElseThrow().mac();
        assertNotEquals(a.interfaces().getFirst().gatewayMac(), hostEnd, "frames to the gateway must not reach the host's IP stack");
        assertEquals(DpdkBackend.hostEndMac(host, a.interfaces().getFirst().gatewayMac()), hostEnd);
        String routes = namespaces.exec(nsA, "ip", "route", "show").stdout();
        assertTrue(routes.contains("default via 169.254.1.1 dev eth0"), routes);
    }

    @Test
    void tcpAndUdpWithTheKernelsOwnSockets() throws InterruptedException {
        attachBoth();

        TestNamespaces.Background server = namespaces.start(nsB, "sh", "-c", "echo from-b | nc -N -l 7000");
        namespaces.awaitListening(nsB, "tcp", 7000);
        CommandResult client = namespaces.shell(nsA, "echo from-a | nc -N -w 3 " + B4 + " 7000");
        assertSucceeded(client);
        assertEquals("from-b\n", client.stdout(), "the server's reply reaches the client");
        assertEquals("from-a\n", server.finish(Duration.ofSeconds(5)), "the client's data reaches the server");

        TestNamespaces.Background tcp6 = namespaces.start(nsA, "sh", "-c", "echo six | nc -6 -N -l 7002");
        namespaces.awaitListening(nsA, "tcp", 7002);
        CommandResult client6 = namespaces.shell(nsB, "echo xis | nc -N -w 3 " + A6 + " 7002");
        assertSucceeded(client6);
        assertEquals("six\n", client6.stdout());
        assertEquals("xis\n", tcp6.finish(Duration.ofSeconds(5)));

        TestNamespaces.Background udpServer = namespaces.start(nsB, "nc", "-u", "-l", "7001");
        namespaces.awaitListening(nsB, "udp", 7001);
        assertSucceeded(namespaces.shell(nsA, "echo datagram | nc -u -w 1 " + B4 + " 7001"));
        assertEquals("datagram\n", udpServer.stop());
    }

    @Test
    void policyAllowsOnlyTcp8080FromAToBAndCanBeReplacedLive() throws InterruptedException {
        attachBoth();
        dp.policies().apply(PolicySet.of(allowFromA(NetworkPolicyPort.tcp(8080))));

        assertTrue(connects(8080), "8080 is allowed, and its replies flow");
        long denied = policyDenies();
        assertFalse(connects(9090), "9090 is not allowed");
        assertTrue(policyDenies() > denied, "the refused SYNs are counted as policy-deny: " + dp.stats().drops());

        dp.policies().apply(PolicySet.of(allowFromA(NetworkPolicyPort.tcp(8080), NetworkPolicyPort.tcp(9090))));
        assertTrue(connects(9090), "the replaced policy allows 9090 at once");
        dp.policies().apply(PolicySet.of(allowFromA(NetworkPolicyPort.tcp(9090))));
        assertFalse(connects(8080), "and the next one takes 8080 away");
    }

    private static NetworkPolicy allowFromA(NetworkPolicyPort... ports) {
        return NetworkPolicy.of("shop", "b-from-a", NetworkPolicySpec.of(
                LabelSelector.matchLabels(Map.of("app", "b")), List.of(PolicyType.INGRESS),
                List.of(IngressRule.allow(List.of(NetworkPolicyPeer.pods(LabelSelector.matchLabels(Map.of("app", "a")))),
                        List.of(ports))), List.of()));
    }

    /** A TCP exchange from A to B's {@code port}: true when the server's greeting came back within 2 s. */
    private boolean connects(int port) throws InterruptedException {
        TestNamespaces.Background server = namespaces.start(nsB, "sh", "-c", "echo hello-" + port + " | nc -N -l " + port);
        namespaces.awaitListening(nsB, "tcp", port);
        CommandResult client = namespaces.shell(nsA, "echo hi | timeout 3 nc -N -w 2 " + B4 + " " + port);
        server.stop();
        return client.stdout().equals("hello-" + port + "\n");
    }

    private long policyDenies() {
        return dp.stats().drops().stream().filter(d -> d.reason().equals("policy-deny")).mapToLong(DropCounter::packets).sum();
    }

    @Test
    void aTapPodTalksToAVethPod() throws InterruptedException {
        Tap tap = new Tap("eth0", List.of(InterfaceAddress.parse(A4 + "/32"), InterfaceAddress.parse(A6 + "/128")), List.of(),
                InterfaceSpec.DEFAULT_MTU, java.util.Optional.empty(), 1);
        PodAttachment a = dp.pods().attach(pod(nsA, "a", tap));
        dp.pods().attach(pod(nsB, "b", veth(B4, B6)));
        assertTrue(DpdkDataplane.dpdkPortOf(a, 0).name().startsWith("net_tap"));
        LinkInfo eth0 = new IpLinkManager().link(Namespace.named(nsA), "eth0").orElseThrow();
        assertEquals(a.interfaces().getFirst().podMac(), eth0.mac(), "the tap in the pod has the pod's MAC");

        assertSucceeded(ping(nsA, B4));
        assertSucceeded(ping(nsB, "-6", A6));
        TestNamespaces.Background server = namespaces.start(nsA, "sh", "-c", "echo from-tap | nc -N -l 7100");
        namespaces.awaitListening(nsA, "tcp", 7100);
        CommandResult client = namespaces.shell(nsB, "echo from-veth | nc -N -w 3 " + A4 + " 7100");
        assertSucceeded(client);
        assertEquals("from-tap\n", client.stdout());
        assertEquals("from-veth\n", server.finish(Duration.ofSeconds(5)));

        a.detach();
        assertTrue(new IpLinkManager().link(Namespace.named(nsA), "eth0").isEmpty(), "the tap went with its port");
    }

    @Test
    void detachingOnePodLeavesTheOtherWorkingAndFreesItsPort() {
        PodAttachment[] pods = attachBoth();
        int portsBefore = dp.eal().locked(() -> dp.eal().ethdev().countAvailable());
        PodAttachment c = dp.pods().attach(pod(namespaces.add("c"), "c", veth("10.79.1.3", "fd79::3")));
        assertEquals(portsBefore + 1, dp.eal().locked(() -> dp.eal().ethdev().countAvailable()));
        assertSucceeded(ping(nsA, "-c", "1", "10.79.1.3"));

        c.detach();
        assertEquals(portsBefore, dp.eal().locked(() -> dp.eal().ethdev().countAvailable()), "the port id is free again");
        assertTrue(new IpLinkManager().link(Namespace.host(), c.interfaces().getFirst().hostName()).isEmpty(), "its veth is gone");
        assertSucceeded(ping(nsA, B4));
        assertEquals(pods.length, dp.pods().list().size());
    }
}
