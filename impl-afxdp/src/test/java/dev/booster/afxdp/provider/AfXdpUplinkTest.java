package dev.booster.afxdp.provider;

import dev.booster.afxdp.testing.Privileged;
import dev.booster.afxdp.testing.ProcessResources;
import dev.booster.afxdp.testing.TestNamespaces;
import dev.booster.api.Dataplane;
import dev.booster.api.DataplaneConfig;
import dev.booster.api.net.InterfaceAddress;
import dev.booster.api.net.IpPrefix;
import dev.booster.api.net.MacAddress;
import dev.booster.api.pod.PodSpec;
import dev.booster.api.pod.Veth;
import dev.booster.host.link.CommandResult;
import dev.booster.host.link.CommandRunner;
import dev.booster.host.link.IpLinkManager;
import dev.booster.host.link.LinkInfo;
import dev.booster.host.link.Namespace;
import dev.booster.host.pod.HostVethNames;
import dev.booster.spi.Dataplanes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The uplink: a veth whose root-namespace end carries a host address ({@link #HOST_IP}) and is Booster's uplink, whose
 * other end sits in a "host-peer" namespace ({@link #PEER_IP}, route to the pod CIDR via the host address). Traffic for the pod CIDR goes
 * through Booster to the pod; traffic for the host's own address still reaches the root namespace's kernel.
 */
@Tag("privileged")
class AfXdpUplinkTest {
    /**
     * A /24 of the benchmarking range 198.18.0.0/15 picked by pid: the documentation ranges may be real addresses of
     * the machine (this one's eth0 is 192.0.2.2/24), and tests of other JVMs may run at the same time.
     */
    static final String SUBNET = "198.18." + ProcessHandle.current().pid() % 250 + ".";
    static final String HOST_IP = SUBNET + "1";
    static final String PEER_IP = SUBNET + "2";
    static final String POD_CIDR = "10.77.0.0/16";
    static final String POD_IP = "10.77.0.10";
    static final String HOST_IP6 = "fd98::1";
    static final String PEER_IP6 = "fd98::2";
    static final String POD_CIDR6 = "fd77::/64";
    static final String POD_IP6 = "fd77::10";

    private final IpLinkManager links = new IpLinkManager();
    private TestNamespaces namespaces;
    private String peerNs;
    private String podNs;
    private String uplink;
    private String peer;
    private MacAddress peerMac;
    private Dataplane dp;
    private long bpfMapsBefore;
    private long bpfProgramsBefore;
    private String podUid;

    @BeforeEach
    void setUp() {
        Privileged.assumeAfXdp();
        namespaces = new TestNamespaces("up");
        peerNs = namespaces.add("peer");
        podNs = namespaces.add("pod");
        uplink = Privileged.uniqueName("up", "h");
        peer = Privileged.uniqueName("up", "p");
        links.deleteLink(Namespace.host(), uplink); // a leftover of an earlier run with the same pid
        peerMac = MacAddress.locallyAdministered(ProcessHandle.current().pid() * 41 + 7);
        bpfMapsBefore = ProcessResources.bpfDescriptors("bpf-map");
        bpfProgramsBefore = ProcessResources.bpfDescriptors("bpf-prog");
        run("ip", "link", "add", uplink, "numtxqueues", "1", "numrxqueues", "1", "type", "veth", "peer", "name", peer,
                "numtxqueues", "1", "numrxqueues", "1", "netns", peerNs);
        run("ip", "address", "add", HOST_IP + "/24", "dev", uplink);
        run("ip", "address", "add", HOST_IP6 + "/64", "dev", uplink, "nodad");
        run("ip", "link", "set", uplink, "up");
        peerRun("ip", "link", "set", peer, "address", peerMac.toString(), "up");
        peerRun("ip", "link", "set", "lo", "up");
        peerRun("ip", "address", "add", PEER_IP + "/24", "dev", peer);
        peerRun("ip", "route", "add", POD_CIDR, "via", HOST_IP);
        peerRun("ip", "address", "add", PEER_IP6 + "/64", "dev", peer, "nodad");
        peerRun("ip", "-6", "route", "add", POD_CIDR6, "via", HOST_IP6);
    }

    @AfterEach
    void tearDown() {
        try {
            if (dp != null) dp.close();
        } finally {
            try {
                if (uplink != null) links.deleteLink(Namespace.host(), uplink);
                if (podUid != null) links.deleteLink(Namespace.host(), HostVethNames.of(podUid, "eth0"));
            } finally {
                if (namespaces != null) namespaces.close();
            }
        }
    }

    private void openWithPod() {
        dp = Dataplanes.open(DataplaneConfig.builder().provider(AfXdpProvider.NAME)
                .option("afxdp.uplink", uplink)
                .option("afxdp.uplink.podCidrs", POD_CIDR + "," + POD_CIDR6)
                .option("afxdp.uplink.gatewayMac", peerMac.toString())
                .build());
        podUid = "test-" + ProcessHandle.current().pid() + "-uplink-pod";
        dp.pods().attach(PodSpec.builder("shop", "web").uid(podUid).netns(TestNamespaces.path(podNs))
                .addInterface(Veth.of("eth0", InterfaceAddress.parse(POD_IP + "/32"), InterfaceAddress.parse(POD_IP6 + "/128"))).build());
    }

    private AfXdpUplink theUplink() {
        return ((AfXdpDataplane) dp).uplink().orElseThrow();
    }

    private long uplinkRxPackets() {
        return ((AfXdpDataplane) dp).engine().interfaceCounters(theUplink().engineIndex()).rxPackets();
    }

    @Test
    void podTrafficGoesThroughBoosterAndHostTrafficStillReachesTheKernel() throws Exception {
        openWithPod();
        LinkInfo info = links.link(Namespace.host(), uplink).orElseThrow();
        assertTrue(info.hasXdpProgram(), "the uplink has an XDP program while the dataplane is open");
        String program = CommandRunner.processes().run(List.of("bpftool", "-j", "prog", "show", "id", Integer.toString(info.xdpProgramId())),
                Duration.ofSeconds(10)).orThrow().stdout();
        assertTrue(program.contains("\"booster_uplink\""), program);

        // (a) host-peer -> pod: ARP for the host address answered by the root namespace's kernel (XDP_PASS), the echo requests
        // redirected into Booster by the LPM trie, the replies routed by the engine out of the uplink to the peer's MAC.
        long rxBefore = uplinkRxPackets();
        ((AfXdpDataplane) dp).engine().traceAdd(20, dev.booster.engine.trace.TraceFilter.any());
        CommandResult ping = namespaces.exec(peerNs, "ping", "-c", "3", "-W", "2", "-i", "0.2", POD_IP);
        assertEquals(0, ping.exitCode(), () -> "ping from host-peer to the pod failed:\n" + ping.stdout() + ping.stderr() + diagnostics());
        assertTrue(uplinkRxPackets() - rxBefore >= 3, "the echo requests entered Booster through the uplink");
        CommandResult ping6 = namespaces.exec(peerNs, "ping", "-6", "-c", "3", "-W", "2", "-i", "0.2", POD_IP6);
        assertEquals(0, ping6.exitCode(), () -> "ping -6 from host-peer to the pod failed:\n" + ping6.stdout() + ping6.stderr() + diagnostics());
        assertTrue(uplinkRxPackets() - rxBefore >= 6, "the IPv6 echo requests entered Booster through the uplink too");

        // (b) host-peer -> the host's own address on the uplink: a TCP server in the root namespace answers.
        long rxBeforeHost = uplinkRxPackets();
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress(InetAddress.getByName(HOST_IP), 0));
            server.setSoTimeout(10_000);
            CompletableFuture<String> received = CompletableFuture.supplyAsync(() -> {
                try (Socket s = server.accept()) {
                    String line = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
                    OutputStream out = s.getOutputStream();
                    out.write(("kernel got " + line + "\n").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    return line;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            CommandResult nc = namespaces.shell(peerNs, "printf 'hello\\n' | nc -N -w 5 " + HOST_IP + " " + server.getLocalPort());
            assertEquals("hello", received.get(10, TimeUnit.SECONDS));
            assertTrue(nc.stdout().contains("kernel got hello"), () -> "nc output: " + nc.stdout() + nc.stderr());
        }
        assertEquals(rxBeforeHost, uplinkRxPackets(), "traffic for the host's own address stayed out of Booster");

        // (c) after close: no XDP program on the uplink, program and maps released.
        dp.close();
        dp = null;
        assertFalse(links.link(Namespace.host(), uplink).orElseThrow().hasXdpProgram(), "no XDP program remains on the uplink");
        assertEquals(bpfMapsBefore, ProcessResources.bpfDescriptors("bpf-map"), "the uplink's maps are released");
        assertEquals(bpfProgramsBefore, ProcessResources.bpfDescriptors("bpf-prog"), "the uplink's program is released");
        String ipLink = CommandRunner.processes().run(List.of("ip", "-d", "link", "show", uplink), Duration.ofSeconds(10)).orThrow().stdout();
        assertFalse(ipLink.contains("xdp"), ipLink);
    }

    @Test
    void podCidrsCanBeRemovedAndAddedAtRunTime() {
        openWithPod();
        AfXdpUplink up = theUplink();
        assertEquals(java.util.Set.of(IpPrefix.parse(POD_CIDR), IpPrefix.parse(POD_CIDR6)), up.podCidrs());
        assertEquals(0, namespaces.exec(peerNs, "ping", "-c", "1", "-W", "2", POD_IP).exitCode());

        assertTrue(up.removePodCidr(IpPrefix.parse(POD_CIDR)));
        long rxBefore = uplinkRxPackets();
        // The kernel gets the requests now, and the root namespace has no route to the pod.
        assertNotEquals(0, namespaces.exec(peerNs, "ping", "-c", "2", "-W", "1", "-i", "0.2", POD_IP).exitCode());
        assertEquals(rxBefore, uplinkRxPackets(), "nothing entered Booster once the CIDR was removed");

        assertTrue(up.addPodCidr(IpPrefix.parse(POD_CIDR)));
        IllegalArgumentException defaultRoute = assertThrows(IllegalArgumentException.class, () -> up.addPodCidr(IpPrefix.parse("0.0.0.0/0")));
        assertTrue(defaultRoute.getMessage().contains("afxdp.uplink.routes"), defaultRoute.getMessage());
        CommandResult again = namespaces.exec(peerNs, "ping", "-c", "2", "-W", "2", "-i", "0.2", POD_IP);
        assertEquals(0, again.exitCode(), () -> again.stdout() + again.stderr());
    }

    @Test
    void withoutTheOptionTheGatewayMacIsLearntFromTheNeighbourTable() {
        // A default route through the uplink, behind the machine's own (a higher metric); it goes with the uplink.
        run("ip", "route", "add", "default", "via", PEER_IP, "dev", uplink, "metric", "4242");
        assertEquals(java.util.Optional.empty(), links.neighbour(Namespace.host(), uplink, dev.booster.api.net.IpAddress.parse(PEER_IP)),
                "nothing has asked for the gateway yet");
        dp = Dataplanes.open(DataplaneConfig.builder().provider(AfXdpProvider.NAME)
                .option("afxdp.uplink", uplink)
                .option("afxdp.uplink.podCidrs", POD_CIDR)
                .build());
        assertEquals(java.util.Optional.of(peerMac), links.neighbour(Namespace.host(), uplink, dev.booster.api.net.IpAddress.parse(PEER_IP)),
                "opening asked the gateway and the kernel learnt its MAC");
        podUid = "test-" + ProcessHandle.current().pid() + "-uplink-learn";
        dp.pods().attach(PodSpec.builder("shop", "learn").uid(podUid).netns(TestNamespaces.path(podNs))
                .addInterface(Veth.of("eth0", InterfaceAddress.parse(POD_IP + "/32"))).build());
        CommandResult ping = namespaces.exec(peerNs, "ping", "-c", "2", "-W", "2", "-i", "0.2", POD_IP);
        assertEquals(0, ping.exitCode(), () -> "the replies went out to the learnt MAC:\n" + ping.stdout() + ping.stderr() + diagnostics());
    }

    @Test
    void aMissingUplinkIsAClearError() {
        Exception e = assertThrows(Exception.class, () -> Dataplanes.open(DataplaneConfig.builder().provider(AfXdpProvider.NAME)
                .option("afxdp.uplink", "bxnosuchlink0").option("afxdp.uplink.gatewayMac", peerMac.toString()).build()));
        assertTrue(e.getMessage().contains("bxnosuchlink0") && e.getMessage().contains("does not exist"), e.getMessage());
    }

    /** What the engine saw, for a failed assertion's message. */
    private String diagnostics() {
        var engine = ((AfXdpDataplane) dp).engine();
        return "\ncounters: " + engine.interfaceCounters() + "\ndrops: " + engine.drops() + "\ntraces: " + engine.traces()
                + "\nuplink: " + links.link(Namespace.host(), uplink) + "\npeer neighbours: " + namespaces.exec(peerNs, "ip", "neigh").stdout();
    }

    private void run(String... command) {
        CommandRunner.processes().run(List.of(command), Duration.ofSeconds(10)).orThrow();
    }

    private void peerRun(String... command) {
        namespaces.exec(peerNs, command).orThrow();
    }
}
