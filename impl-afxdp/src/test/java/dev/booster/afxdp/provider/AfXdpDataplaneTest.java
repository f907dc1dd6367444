package dev.booster.afxdp.provider;

import dev.booster.afxdp.port.WorkerUmem;
import dev.booster.afxdp.port.XskPort;
import dev.booster.afxdp.testing.Privileged;
import dev.booster.afxdp.testing.TestNamespaces;
import dev.booster.afxdp.xsk.FramePool;
import dev.booster.api.Dataplane;
import dev.booster.api.DataplaneConfig;
import dev.booster.api.net.InterfaceAddress;
import dev.booster.api.net.MacAddress;
import dev.booster.api.pod.PodAttachment;
import dev.booster.api.pod.PodSpec;
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
import dev.booster.engine.dataplane.EngineDataplane;
import dev.booster.host.link.CommandResult;
import dev.booster.host.link.IpLinkManager;
import dev.booster.host.link.LinkInfo;
import dev.booster.host.link.Namespace;
import dev.booster.host.pod.HostVethNames;
import dev.booster.spi.Dataplanes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The {@code afxdp} provider with real namespaces, veths and AF_XDP sockets: two pods talk through Booster's engine
 * with the kernel's own ping and netcat, policy acts on real connections, and detaching leaves nothing behind.
 */
@Tag("privileged")
class AfXdpDataplaneTest {
    static final String A4 = "10.77.1.1";
    static final String B4 = "10.77.1.2";
    static final String A6 = "fd77::1";
    static final String B6 = "fd77::2";
    private static final AtomicInteger PODS = new AtomicInteger();

    private TestNamespaces namespaces;
    private String nsA;
    private String nsB;
    private Dataplane dp;
    private final List<String> podUids = new ArrayList<>();

    @BeforeEach
    void setUp() {
        Privileged.assumeAfXdp();
        namespaces = new TestNamespaces("dp");
        nsA = namespaces.add("a");
        nsB = namespaces.add("b");
        dp = Dataplanes.open(DataplaneConfig.builder().provider(AfXdpProvider.NAME).build());
    }

    @AfterEach
    void tearDown() {
        try {
            if (dp != null) dp.close();
        } finally {
            // Whatever a failed close left: the host ends are named after the pods.
            IpLinkManager links = new IpLinkManager();
            for (String uid : podUids) links.deleteLink(Namespace.host(), HostVethNames.of(uid, "eth0"));
            if (namespaces != null) namespaces.close();
        }
    }

    PodSpec pod(String netns, String app, String ip4, String ip6) {
        String uid = "test-" + ProcessHandle.current().pid() + "-" + app + "-" + PODS.incrementAndGet();
        podUids.add(uid);
        return PodSpec.builder("shop", app).uid(uid).labels(Map.of("app", app)).netns(TestNamespaces.path(netns))
                .addInterface(Veth.of("eth0", InterfaceAddress.parse(ip4 + "/32"), InterfaceAddress.parse(ip6 + "/128")))
                .build();
    }

    private PodAttachment[] attachBoth() {
        return new PodAttachment[]{dp.pods().attach(pod(nsA, "a", A4, A6)), dp.pods().attach(pod(nsB, "b", B4, B6))};
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
    void thePodSideIsSetUpAsTheSpecSays() {
        PodAttachment a = dp.pods().attach(pod(nsA, "a", A4, A6));
        String host = a.interfaces().getFirst().hostName();
        assertTrue(HostVethNames.isBoosterName(host), host);

        IpLinkManager links = new IpLinkManager();
        LinkInfo eth0 = links.link(Namespace.named(nsA), "eth0").orElseThrow();
        assertEquals(a.interfaces().getFirst().podMac(), eth0.mac());
        assertEquals(1500, eth0.mtu());
        assertTrue(eth0.up());
        LinkInfo hostEnd = links.link(Namespace.host(), host).orElseThrow();
        assertEquals(MacAddress.parse("ee:ee:ee:ee:ee:ee"), hostEnd.mac());
        assertTrue(hostEnd.hasXdpProgram(), "the host end has the XDP program that feeds the AF_XDP socket");

        String addresses = namespaces.exec(nsA, "ip", "-o", "address", "show", "dev", "eth0").stdout();
        assertTrue(addresses.contains("inet " + A4 + "/32"), addresses);
        assertTrue(addresses.contains("inet6 " + A6 + "/128"), addresses);
        String routes4 = namespaces.exec(nsA, "ip", "route", "show").stdout();
        assertTrue(routes4.contains("default via 169.254.1.1 dev eth0"), routes4);
        assertTrue(routes4.contains("169.254.1.1 dev eth0 scope link"), routes4);
        String routes6 = namespaces.exec(nsA, "ip", "-6", "route", "show").stdout();
        assertTrue(routes6.contains("default via fe80::1 dev eth0"), routes6);
    }

    @Test
    void podsPingEachOtherOverIpv4AndIpv6() {
        PodAttachment[] pods = attachBoth();

        assertSucceeded(ping(nsA, B4));
        assertSucceeded(ping(nsB, A4));
        assertSucceeded(ping(nsA, "-6", B6));
        assertSucceeded(ping(nsB, "-6", A6));

        for (PodAttachment pod : pods) {
            InterfaceCounters c = counters(pod);
            // 12 echo requests or replies each way at least, plus ARP and ND.
            assertTrue(c.rxPackets() >= 12 && c.txPackets() >= 12, c.toString());
            XskPort port = ((AfXdpPodPort) EngineDataplane.portOf(pod, 0)).xskPort();
            assertEquals(pod.interfaces().getFirst().hostName(), port.interfaceName());
            assertEquals(0, port.txCopied(), "the other pod's frames went out as they were received, from the shared UMEM");
            assertEquals(0, port.txRefused());
            assertEquals(0, port.socket().refusedFrames(), "no descriptor named a frame the socket did not hold");
            assertEquals(0, port.statistics().rxDropped(), "the kernel always had frames to receive into");
        }
    }

    @Test
    void bothPodsShareTheWorkersUmemAndDetachingGivesBackEveryFrame() {
        PodAttachment[] pods = attachBoth();
        assertSucceeded(ping(nsA, B4));
        WorkerUmem umem = ((AfXdpDataplane) dp).umem();
        assertEquals(2, umem.ports());
        for (PodAttachment pod : pods) pod.detach();
        assertEquals(0, umem.ports());
        FramePool frames = umem.frames();
        assertEquals(frames.capacity(), frames.available() + frames.stashed(), "every frame is free again: " + frames);
        assertEquals(0, frames.returnsPending());
        assertEquals(0, frames.rejectedReleases());
    }

    private InterfaceCounters counters(PodAttachment pod) {
        return dp.stats().interfaces().stream().filter(c -> c.podUid().equals(pod.spec().uid())).findFirst().orElseThrow();
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
    void aNamespaceGivenAsProcPathWorksToo() throws Exception {
        // A namespace nobody named: only its process knows it, as a container runtime's would be.
        Process holder = new ProcessBuilder("unshare", "--net", "sleep", "60").start();
        try {
            Thread.sleep(200);
            String path = "/proc/" + holder.pid() + "/ns/net";
            PodAttachment b = dp.pods().attach(PodSpec.builder("shop", "b").uid("test-" + ProcessHandle.current().pid() + "-procpath")
                    .netns(path).addInterface(Veth.of("eth0", InterfaceAddress.parse(B4 + "/32"))).build());
            podUids.add(b.spec().uid());
            dp.pods().attach(pod(nsA, "a", A4, A6));

            assertSucceeded(ping(nsA, B4));
            CommandResult fromB = dev.booster.host.link.CommandRunner.processes().run(
                    List.of("nsenter", "--net=" + path, "ping", "-c", "2", "-W", "2", "-i", "0.2", A4), Duration.ofSeconds(20));
            assertSucceeded(fromB);
            b.detach();
            assertFalse(b.isAttached());
            assertEquals(Optional.empty(), new IpLinkManager().link(Namespace.host(), b.interfaces().getFirst().hostName()));
        } finally {
            holder.destroyForcibly();
            holder.waitFor();
        }
    }

    @Test
    void detachingOnePodLeavesTheOtherWorking() {
        PodAttachment[] pods = attachBoth();
        PodAttachment c = dp.pods().attach(pod(namespaces.add("c"), "c", "10.77.1.3", "fd77::3"));
        assertSucceeded(ping(nsA, "-c", "1", "10.77.1.3"));

        c.detach();
        assertFalse(c.isAttached());
        assertTrue(new IpLinkManager().link(Namespace.host(), c.interfaces().getFirst().hostName()).isEmpty(), "its veth is gone");
        assertSucceeded(ping(nsA, B4));
        assertEquals(2, dp.stats().interfaces().size());
        assertEquals(pods.length, ((EngineDataplane) dp).pods().list().size());
    }
}
