package dev.booster.vpp.provider;

import dev.booster.afxdp.provider.AfXdpProvider;
import dev.booster.afxdp.testing.Privileged;
import dev.booster.afxdp.testing.TestNamespaces;
import dev.booster.api.Dataplane;
import dev.booster.api.DataplaneConfig;
import dev.booster.api.Secret;
import dev.booster.api.net.InterfaceAddress;
import dev.booster.api.net.IpAddress;
import dev.booster.api.net.IpPrefix;
import dev.booster.api.net.MacAddress;
import dev.booster.api.pod.PodSpec;
import dev.booster.api.pod.Veth;
import dev.booster.api.tunnel.Encapsulation;
import dev.booster.api.tunnel.KeyExchange;
import dev.booster.api.tunnel.Protection;
import dev.booster.api.tunnel.TunnelSpec;
import dev.booster.host.link.CommandResult;
import dev.booster.spi.Dataplanes;
import dev.booster.vpp.binapi.SwInterfaceDetails;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Interop of the {@code vpp} provider's tunnels with Booster's own engine: node A is an {@code afxdp} dataplane in a
 * network namespace ({@code afxdp.netns}) with its uplink on one end of a veth "wire" and pod a1; node B is the live
 * VPP, its uplink an af_packet interface on the wire's other end (in the root namespace, where VPP sees it), with veth
 * pod b1. Both nodes are given the same (mirrored) {@link TunnelSpec}; for each case pods ping each other both ways
 * and exchange data over TCP with {@code nc}. With static ESP, the SAs VPP installs must be exactly those the engine
 * derives: nothing passes otherwise. VPP's own view ({@code show ipip tunnel}, {@code show ipsec sa},
 * {@code show ipsec protect}) is checked while the tunnel stands and after it is removed. Needs
 * {@code BOOSTER_VPP_API_SOCKET}, root and AF_XDP.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VppTunnelInteropLiveTest {
    static final long PID = ProcessHandle.current().pid();
    static final String NET = "198.18." + PID % 250 + ".";
    static final String NODE_A = NET + "1";
    static final String NODE_B = NET + "2";
    static final String POD_A = "10.82.1.10";
    static final String POD_B = "10.82.2.10";
    static final String POD_A6 = "fd82:1::10";
    static final String POD_B6 = "fd82:2::10";
    static final MacAddress MAC_A = MacAddress.locallyAdministered(PID * 37 + 1);
    static final Secret KEY_128 = Secret.ofHex("4b" + "0102030405060708090a0b0c0d0e0f" + "a1a2a3a4");

    enum Case {
        IPIP_ESP_128(Encapsulation.IPIP, Protection.IPSEC_ESP_AES_GCM_128),
        IPIP(Encapsulation.IPIP, Protection.NONE),
        NONE_ESP_128(Encapsulation.NONE, Protection.IPSEC_ESP_AES_GCM_128);

        final Encapsulation encapsulation;
        final Protection protection;

        Case(Encapsulation encapsulation, Protection protection) {
            this.encapsulation = encapsulation;
            this.protection = protection;
        }
    }

    private TestNamespaces namespaces;
    private String nodeA;
    private String podA;
    private String podB;
    private final String uplinkA = "vta" + PID % 100_000;
    private final String uplinkB = "vtb" + PID % 100_000;
    private Dataplane a;
    private VppDataplane b;

    @BeforeAll
    void setUp() throws Exception {
        VppLive.socket();
        VppLive.assumeRoot();
        Privileged.assumeAfXdp();
        namespaces = new TestNamespaces("vtun");
        nodeA = namespaces.add("node-a");
        podA = namespaces.add("pod-a1");
        podB = namespaces.add("pod-b1");
        // The wire: node A's uplink in its namespace, VPP's in the root namespace (deleted with node A's namespace).
        root("ip", "link", "add", uplinkB, "numtxqueues", "1", "numrxqueues", "1", "type", "veth", "peer", "name", uplinkA,
                "numtxqueues", "1", "numrxqueues", "1", "netns", nodeA);
        root("sysctl", "-q", "-w", "net.ipv6.conf." + uplinkB + ".disable_ipv6=1");
        root("ip", "link", "set", uplinkB, "up");
        in(nodeA, "ip", "link", "set", "lo", "up");
        in(nodeA, "ip", "link", "set", uplinkA, "address", MAC_A.toString(), "addrgenmode", "none");
        in(nodeA, "ip", "address", "add", NODE_A + "/24", "dev", uplinkA);
        in(nodeA, "ip", "link", "set", uplinkA, "up");

        b = (VppDataplane) Dataplanes.open(DataplaneConfig.builder().provider(VppProvider.NAME)
                .nodeName("live-b-" + PID).option(VppOptions.SOCKET, VppLive.socket())
                .option(VppOptions.UPLINK, uplinkB).option(VppOptions.UPLINK_ADDRESS, NODE_B + "/24").build());
        b.pods().attach(pod("b1", podB, POD_B, POD_B6));
    }

    /** Node A's afxdp dataplane, sending to VPP's uplink MAC (known once VPP made the uplink). */
    private Dataplane nodeA(MacAddress vppUplinkMac) {
        Dataplane dataplane = Dataplanes.open(DataplaneConfig.builder().provider(AfXdpProvider.NAME)
                .option("afxdp.netns", TestNamespaces.path(nodeA).toString())
                .option("afxdp.interfaces", "4")
                .option("afxdp.uplink", uplinkA)
                .option("afxdp.uplink.podCidrs", "10.82.1.0/24,fd82:1::/64")
                .option("afxdp.uplink.gatewayMac", vppUplinkMac.toString())
                .build());
        dataplane.pods().attach(pod("a1", podA, POD_A, POD_A6));
        return dataplane;
    }

    private static PodSpec pod(String name, String netns, String ip, String ip6) {
        return PodSpec.builder("shop", name).uid("test-" + PID + "-vtun-" + name).netns(TestNamespaces.path(netns))
                .addInterface(Veth.of("eth0", InterfaceAddress.parse(ip + "/32"), InterfaceAddress.parse(ip6 + "/128")))
                .build();
    }

    @AfterAll
    void tearDown() {
        try {
            for (Dataplane dp : new Dataplane[]{a, b}) {
                try {
                    if (dp != null) dp.close();
                } catch (RuntimeException e) {
                    e.printStackTrace();
                }
            }
        } finally {
            if (namespaces != null) namespaces.close(); // the wire goes with node A's namespace
            run(List.of("ip", "link", "del", uplinkB)); // in case node A's namespace was never made
        }
        if (b != null) {
            try (VppDataplane after = VppLive.open()) {
                assertEquals(List.of("local0"), after.interfaces().list().stream()
                        .map(SwInterfaceDetails::interfaceName).toList(), "VPP is left clean");
                assertFalse(after.interfaces().cli("show ipsec sa").contains("spi"), "no SA left");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Case.class)
    void podsOnAnEngineNodeAndAVppNodeTalkThroughTheTunnel(Case c) throws Exception {
        Optional<Secret> key = c.protection == Protection.NONE ? Optional.empty() : Optional.of(KEY_128);
        TunnelSpec onB = new TunnelSpec("node-a", IpAddress.parse(NODE_B), IpAddress.parse(NODE_A),
                List.of(IpPrefix.parse("10.82.1.0/24"), IpPrefix.parse("fd82:1::/64")), c.encapsulation, 0, c.protection, KeyExchange.STATIC, key);
        TunnelSpec onA = new TunnelSpec("node-b", IpAddress.parse(NODE_A), IpAddress.parse(NODE_B),
                List.of(IpPrefix.parse("10.82.2.0/24"), IpPrefix.parse("fd82:2::/64")), c.encapsulation, 0, c.protection, KeyExchange.STATIC, key);
        b.tunnels().put(onB);
        if (a == null) a = nodeA(vppUplinkMac());
        a.tunnels().put(onA);
        try {
            String ipip = b.interfaces().cli("show ipip tunnel");
            assertTrue(ipip.contains("src " + NODE_B) && ipip.contains("dst " + NODE_A), ipip);
            String sas = b.interfaces().cli("show ipsec sa");
            String protect = b.interfaces().cli("show ipsec protect");
            if (c.protection == Protection.NONE) {
                assertFalse(protect.contains("ipip"), protect);
            } else {
                assertTrue(protect.contains("ipip"), protect);
                assertTrue(sas.lines().count() >= 2, sas);
            }

            assertTrue(ping(podA, POD_B), c + ": a1 -> b1 ICMP\n" + diagnostics());
            assertTrue(ping(podB, POD_A), c + ": b1 -> a1 ICMP");
            assertTrue(ping(podA, POD_B6), c + ": a1 -> b1 ICMPv6 (IPv6 in IPv4)\n" + diagnostics());
            assertTrue(ping(podB, POD_A6), c + ": b1 -> a1 ICMPv6");
            assertEquals("hello from b1", tcpExchange(podA, podB, POD_B, 8080, "hello from a1 " + c),
                    c + ": TCP a1 -> b1");
            assertEquals("hello from b1", tcpExchange(podB, podA, POD_A, 8081, "hello from b1"),
                    c + ": TCP b1 -> a1");
        } finally {
            a.tunnels().remove("node-b");
            b.tunnels().remove("node-a");
        }
        assertFalse(b.interfaces().cli("show ipip tunnel").contains("dst " + NODE_A), "the ipip tunnel is gone");
        assertFalse(b.interfaces().cli("show ipsec protect").contains("ipip"), "and its protection");
        assertFalse(b.interfaces().cli("show ipsec sa").contains("spi"), "and its SAs");
        assertFalse(ping(podA, POD_B), "no tunnel, no way to b1");
    }

    private MacAddress vppUplinkMac() {
        return b.interfaces().list().stream().filter(i -> i.interfaceName().equals("host-" + uplinkB)).findFirst()
                .map(i -> VppAddresses.mac(i.l2Address()))
                .orElseThrow(() -> new AssertionError("VPP has no host-" + uplinkB));
    }

    private String diagnostics() {
        return b.interfaces().cli("show interface") + b.interfaces().cli("show ipsec sa 0")
                + b.interfaces().cli("show errors") + b.interfaces().cli("show ip neighbors");
    }

    private boolean ping(String from, String to) {
        return namespaces.exec(from, "ping", to.contains(":") ? "-6" : "-4", "-c", "3", "-i", "0.2", "-W", "2", to)
                .succeeded();
    }

    /** {@code from} sends {@code message} to a one-shot {@code nc} listener in {@code to}, which answers "hello from b1". */
    private String tcpExchange(String from, String to, String address, int port, String message) throws Exception {
        TestNamespaces.Background server = namespaces.start(to, "sh", "-c",
                "echo 'hello from b1' | nc -N -4 -l -p " + port);
        namespaces.awaitListening(to, "tcp", port);
        CommandResult client = namespaces.shell(from, "echo '" + message + "' | nc -N -w 5 " + address + " " + port);
        String received = server.finish(Duration.ofSeconds(5));
        assertTrue(client.succeeded(), "nc from " + from + ": " + client);
        assertEquals(message, received.strip(), "what the listener received");
        return client.stdout().strip();
    }

    private void in(String netns, String... command) {
        namespaces.exec(netns, command).orThrow();
    }

    private static void root(String... command) throws Exception {
        int exit = run(List.of(command));
        if (exit != 0) throw new AssertionError(String.join(" ", command) + " failed with " + exit);
    }

    private static int run(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return -1;
            }
            return process.exitValue();
        } catch (Exception e) {
            return -1;
        }
    }
}
