package dev.booster.afxdp.provider;

import dev.booster.host.link.CommandResult;
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
import dev.booster.spi.Dataplanes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Two Booster nodes in one JVM, each an {@code afxdp} dataplane inside a network namespace of its own
 * ({@code afxdp.netns}), with its uplink on one end of a "wire" (two veths into a bridge in a third namespace) and one
 * pod: pod a1 (10.81.1.10, fd81:1::10) on node A, pod b1 (10.81.2.10, fd81:2::10) on node B. For each encapsulation
 * and protection the tunnels are put (replacing the previous case's, make before break), then a1 pings b1 (IPv4 and
 * IPv6) and sends b1 a TCP stream whose first bytes are a marker, while {@code tcpdump} records the wire: with ESP the
 * capture holds only ESP (keyed by IKEv2: ESP and IKE on UDP 500) and never the marker; with VXLAN only UDP to 4789. The capture is on node A's port of the
 * bridge, which every frame between the nodes crosses (a capture on the bridge device itself would see only the
 * frames the bridge floods or delivers to itself, not those it forwards between its ports).
 */
@Tag("privileged")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TwoNodeTunnelTest {
    static final long PID = ProcessHandle.current().pid();
    static final String NET = "198.19." + PID % 250 + ".";
    static final String NODE_A = NET + "1";
    static final String NODE_B = NET + "2";
    static final String NODE_A6 = "fd99:" + Long.toHexString(PID % 0xffff) + "::1";
    static final String NODE_B6 = "fd99:" + Long.toHexString(PID % 0xffff) + "::2";
    static final String POD_A = "10.81.1.10";
    static final String POD_B = "10.81.2.10";
    static final String POD_A6 = "fd81:1::10";
    static final String POD_B6 = "fd81:2::10";
    static final MacAddress MAC_A = MacAddress.locallyAdministered(PID * 31 + 1);
    static final MacAddress MAC_B = MacAddress.locallyAdministered(PID * 31 + 2);
    static final String MARKER = "booster-two-node-marker-" + PID;
    static final int STREAM_BYTES = 40_000;

    private TestNamespaces namespaces;
    private String nodeA;
    private String nodeB;
    private String wire;
    private String podA;
    private String podB;
    private String bridge;
    private final String uplinkA = "ua" + PID % 100_000;
    private final String uplinkB = "ub" + PID % 100_000;
    private Dataplane a;
    private Dataplane b;
    private final List<Path> captures = new ArrayList<>();

    enum Case {
        NONE(Encapsulation.NONE, Protection.NONE, false),
        IPIP(Encapsulation.IPIP, Protection.NONE, false),
        IPIP_OVER_IPV6(Encapsulation.IPIP, Protection.NONE, true),
        VXLAN(Encapsulation.VXLAN, Protection.NONE, false),
        IPIP_ESP_128(Encapsulation.IPIP, Protection.IPSEC_ESP_AES_GCM_128, false),
        NONE_ESP_256_OVER_IPV6(Encapsulation.NONE, Protection.IPSEC_ESP_AES_GCM_256, true),
        /** ESP keyed by IKEv2 with a PSK: both nodes run IKE on UDP 500 in their namespaces; A (lower address) initiates. */
        IPIP_ESP_128_IKEV2_PSK(Encapsulation.IPIP, Protection.IPSEC_ESP_AES_GCM_128, false, KeyExchange.IKEV2_PSK);

        final Encapsulation encapsulation;
        final Protection protection;
        final boolean outer6;
        final KeyExchange keyExchange;

        Case(Encapsulation encapsulation, Protection protection, boolean outer6) {
            this(encapsulation, protection, outer6, KeyExchange.STATIC);
        }

        Case(Encapsulation encapsulation, Protection protection, boolean outer6, KeyExchange keyExchange) {
            this.encapsulation = encapsulation;
            this.protection = protection;
            this.outer6 = outer6;
            this.keyExchange = keyExchange;
        }
    }

    @BeforeAll
    void setUp() {
        Privileged.assumeAfXdp();
        if (!Files.isExecutable(Path.of("/usr/bin/tcpdump")) && !Files.isExecutable(Path.of("/usr/sbin/tcpdump"))) {
            System.out.println("SKIPPED privileged test: tcpdump is not installed (apt-get install tcpdump)");
            org.junit.jupiter.api.Assumptions.abort("tcpdump is not installed");
        }
        namespaces = new TestNamespaces("tn");
        nodeA = namespaces.add("node-a");
        nodeB = namespaces.add("node-b");
        wire = namespaces.add("wire");
        podA = namespaces.add("pod-a1");
        podB = namespaces.add("pod-b1");
        bridge = "br" + PID % 100_000;
        in(wire, "ip", "link", "add", bridge, "type", "bridge");
        in(wire, "ip", "link", "set", bridge, "up");
        plugIn(nodeA, uplinkA, "wa", MAC_A, NODE_A, NODE_A6);
        plugIn(nodeB, uplinkB, "wb", MAC_B, NODE_B, NODE_B6);

        a = open(nodeA, uplinkA, MAC_B, "10.81.1.0/24,fd81:1::/64");
        b = open(nodeB, uplinkB, MAC_A, "10.81.2.0/24,fd81:2::/64");
        a.pods().attach(pod("a1", podA, POD_A, POD_A6));
        b.pods().attach(pod("b1", podB, POD_B, POD_B6));
    }

    /** A veth from the node's namespace (the uplink, with the node's addresses) to the wire's bridge. */
    private void plugIn(String node, String uplink, String wireEnd, MacAddress mac, String address, String address6) {
        in(wire, "ip", "link", "add", wireEnd, "numtxqueues", "1", "numrxqueues", "1", "type", "veth", "peer", "name", uplink,
                "numtxqueues", "1", "numrxqueues", "1", "netns", node);
        in(wire, "ip", "link", "set", wireEnd, "master", bridge, "up");
        in(node, "ip", "link", "set", "lo", "up");
        in(node, "ip", "link", "set", uplink, "address", mac.toString(), "addrgenmode", "none");
        in(node, "ip", "address", "add", address + "/24", "dev", uplink);
        in(node, "ip", "address", "add", address6 + "/64", "dev", uplink, "nodad");
        in(node, "ip", "link", "set", uplink, "up");
    }

    private static Dataplane open(String node, String uplink, MacAddress peerMac, String podCidrs) {
        return Dataplanes.open(DataplaneConfig.builder().provider(AfXdpProvider.NAME)
                .option("afxdp.netns", TestNamespaces.path(node).toString())
                .option("afxdp.interfaces", "4")
                .option("afxdp.uplink", uplink)
                .option("afxdp.uplink.podCidrs", podCidrs)
                .option("afxdp.uplink.gatewayMac", peerMac.toString())
                .build());
    }

    private static PodSpec pod(String name, String netns, String ip, String ip6) {
        return PodSpec.builder("shop", name).uid("test-" + PID + "-tn-" + name).netns(TestNamespaces.path(netns))
                .addInterface(Veth.of("eth0", InterfaceAddress.parse(ip + "/32"), InterfaceAddress.parse(ip6 + "/128"))).build();
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
            for (Path capture : captures) {
                try {
                    if (!Boolean.getBoolean("booster.keepCaptures")) Files.deleteIfExists(capture);
                } catch (IOException ignored) {
                    // /tmp is cleaned eventually; the capture holds only test traffic
                }
            }
            if (namespaces != null) namespaces.close(); // the veths and the bridge go with their namespaces
        }
    }

    @ParameterizedTest
    @EnumSource(Case.class)
    void podsOnTwoNodesTalkThroughTheTunnel(Case c) throws Exception {
        boolean ike = c.keyExchange == KeyExchange.IKEV2_PSK;
        Optional<Secret> key = c.protection == Protection.NONE ? Optional.empty()
                : Optional.of(ike ? Secret.ofString("two-node psk " + PID) : secret(c.protection));
        String localA = c.outer6 ? NODE_A6 : NODE_A;
        String localB = c.outer6 ? NODE_B6 : NODE_B;
        int vni = c.encapsulation == Encapsulation.VXLAN ? 4242 : 0;

        // The capture starts before the tunnels are put, so that it holds IKE's exchanges too.
        Path pcap = Path.of("/tmp/booster-tn-" + PID + "-" + c.name().toLowerCase() + ".pcap");
        captures.add(pcap);
        Files.deleteIfExists(pcap);
        TestNamespaces.Background tcpdump = namespaces.start(wire, "tcpdump", "-i", "wa", "--immediate-mode", "-U", "-n", "-w", pcap.toString());
        awaitCapturing(pcap);

        a.tunnels().put(new TunnelSpec("node-b", IpAddress.parse(localA), IpAddress.parse(localB),
                List.of(IpPrefix.parse("10.81.2.0/24"), IpPrefix.parse("fd81:2::/64")), c.encapsulation, vni, c.protection, c.keyExchange, key));
        b.tunnels().put(new TunnelSpec("node-a", IpAddress.parse(localB), IpAddress.parse(localA),
                List.of(IpPrefix.parse("10.81.1.0/24"), IpPrefix.parse("fd81:1::/64")), c.encapsulation, vni, c.protection, c.keyExchange, key));
        if (ike) {
            awaitSas((AfXdpDataplane) a, "node-b");
            awaitSas((AfXdpDataplane) b, "node-a");
        }

        CommandResult ping = namespaces.exec(podA, "ping", "-c", "3", "-W", "2", "-i", "0.2", POD_B);
        assertEquals(0, ping.exitCode(), () -> "ping a1 -> b1 (" + c + "):\n" + ping.stdout() + ping.stderr() + diagnostics());
        CommandResult ping6 = namespaces.exec(podA, "ping", "-6", "-c", "3", "-W", "2", "-i", "0.2", POD_B6);
        assertEquals(0, ping6.exitCode(), () -> "ping -6 a1 -> b1 (" + c + "):\n" + ping6.stdout() + ping6.stderr() + diagnostics());

        // TCP, bigger than one segment: with a tunnel the first full-size segments are too big for it, the engine
        // answers "fragmentation needed", and a1's kernel lowers the path MTU; the stream must arrive whole.
        int port = 20_000 + (int) (PID % 10_000);
        TestNamespaces.Background server = namespaces.start(podB, "nc", "-l", "-n", POD_B, Integer.toString(port));
        namespaces.awaitListening(podB, "tcp", port);
        CommandResult client = namespaces.shell(podA, "(printf '%s' '" + MARKER + "'; head -c " + STREAM_BYTES + " /dev/zero | tr '\\0' x) | nc -N -w 10 "
                + POD_B + " " + port);
        String received = server.finish(Duration.ofSeconds(15));
        assertEquals(0, client.exitCode(), () -> "nc a1 -> b1 (" + c + "): " + client.stdout() + client.stderr() + diagnostics());
        assertEquals(MARKER.length() + STREAM_BYTES, received.length(), () -> "b1 received " + received.length() + " bytes (" + c + ")" + diagnostics());
        assertTrue(received.startsWith(MARKER));

        // SIGTERM (ip netns exec became tcpdump): it writes what it still holds and exits.
        tcpdump.process().toHandle().destroy();
        tcpdump.finish(Duration.ofSeconds(5));
        byte[] capture = Files.readAllBytes(pcap);
        List<byte[]> frames = frames(capture);
        assertFalse(frames.isEmpty(), "the wire carried the traffic");
        switch (c.protection) {
            case NONE -> {
                if (c.encapsulation == Encapsulation.VXLAN) {
                    for (byte[] f : ipFrames(frames)) assertEquals(4789, udpDestination(f), "on the wire only VXLAN: " + describe(f));
                } else if (c.encapsulation == Encapsulation.IPIP) {
                    for (byte[] f : ipFrames(frames)) assertTrue(protocol(f) == 4 || protocol(f) == 41, "on the wire only IP in IP: " + describe(f));
                }
                assertTrue(contains(capture, MARKER.getBytes(StandardCharsets.US_ASCII)), "unprotected, the payload is readable on the wire");
            }
            default -> {
                if (ike) {
                    for (byte[] f : ipFrames(frames)) {
                        assertTrue(protocol(f) == 50 || udpDestination(f) == 500, "on the wire only ESP and IKE on UDP 500: " + describe(f));
                    }
                    assertTrue(ipFrames(frames).stream().anyMatch(f -> udpDestination(f) == 500), "IKE negotiated on the wire");
                    assertTrue(ipFrames(frames).stream().anyMatch(f -> protocol(f) == 50), "ESP carried the traffic");
                } else {
                    for (byte[] f : ipFrames(frames)) assertEquals(50, protocol(f), "on the wire only ESP: " + describe(f));
                }
                assertFalse(contains(capture, MARKER.getBytes(StandardCharsets.US_ASCII)), "the inner payload never shows on the wire");
            }
        }
        assertFalse(ipFrames(frames).isEmpty());
    }

    /** Waits until IKE installed the SAs of {@code node}'s tunnel ({@code DataplaneEvent.TunnelKeyed} comes with them). */
    private void awaitSas(AfXdpDataplane dp, String remoteNode) throws InterruptedException {
        var keying = dp.tunnelKeying(remoteNode).orElseThrow();
        long deadline = System.nanoTime() + 30_000_000_000L; // the initiator may retry once: its first try can precede the peer's tunnel
        while (keying.inboundSpis().isEmpty()) {
            if (System.nanoTime() > deadline) fail("IKE did not key the tunnel to " + remoteNode + diagnostics());
            Thread.sleep(50);
        }
        Thread.sleep(200); // the outbound SA follows the inbound one in the same call; let both sides finish
    }

    static Secret secret(Protection protection) {
        byte[] key = new byte[protection.keyBytes() + 4];
        for (int i = 0; i < key.length; i++) key[i] = (byte) (PID * 7 + i * 13);
        return Secret.ofBytes(key);
    }

    private static void awaitCapturing(Path pcap) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadline && !(Files.exists(pcap) && sizeOf(pcap) >= 24)) Thread.sleep(20);
        Thread.sleep(300); // tcpdump writes the file header before the socket is attached
    }

    private static long sizeOf(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return 0;
        }
    }

    /** The frames of a pcap file (classic format, as tcpdump -w writes it). */
    static List<byte[]> frames(byte[] pcap) {
        ByteBuffer in = ByteBuffer.wrap(pcap);
        int magic = in.order(ByteOrder.LITTLE_ENDIAN).getInt(0);
        if (magic != 0xa1b2c3d4 && magic != 0xa1b23c4d) in.order(ByteOrder.BIG_ENDIAN);
        List<byte[]> frames = new ArrayList<>();
        int at = 24;
        while (at + 16 <= pcap.length) {
            int captured = in.getInt(at + 8);
            if (at + 16 + captured > pcap.length) break;
            frames.add(java.util.Arrays.copyOfRange(pcap, at + 16, at + 16 + captured));
            at += 16 + captured;
        }
        return frames;
    }

    /** Unicast IPv4 and IPv6 frames: what Booster sends (the kernels' own ND, MLD and ARP are left aside). */
    static List<byte[]> ipFrames(List<byte[]> frames) {
        return frames.stream().filter(f -> f.length > 14 && (f[0] & 1) == 0 && (etherType(f) == 0x0800 || etherType(f) == 0x86dd)).toList();
    }

    static int etherType(byte[] f) {
        return (f[12] & 0xff) << 8 | f[13] & 0xff;
    }

    static int protocol(byte[] f) {
        return etherType(f) == 0x0800 ? f[23] & 0xff : f[20] & 0xff;
    }

    static int udpDestination(byte[] f) {
        if (protocol(f) != 17) return -1;
        int l4 = etherType(f) == 0x0800 ? 14 + (f[14] & 0xf) * 4 : 54;
        return (f[l4 + 2] & 0xff) << 8 | f[l4 + 3] & 0xff;
    }

    static String describe(byte[] f) {
        return "ethertype 0x" + Integer.toHexString(etherType(f)) + ", protocol " + protocol(f) + ", " + f.length + " bytes";
    }

    static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) if (haystack[i + j] != needle[j]) continue outer;
            return true;
        }
        return false;
    }

    private String diagnostics() {
        StringBuilder s = new StringBuilder();
        for (var entry : List.of(java.util.Map.entry("A", a), java.util.Map.entry("B", b))) {
            var engine = ((AfXdpDataplane) entry.getValue()).engine();
            s.append("\nnode ").append(entry.getKey()).append(" counters: ").append(engine.interfaceCounters())
                    .append("\nnode ").append(entry.getKey()).append(" drops: ").append(entry.getValue().stats().drops());
        }
        return s.toString();
    }

    private void in(String netns, String... command) {
        namespaces.exec(netns, command).orThrow();
    }
}
