package dev.booster.afxdp.provider;

import dev.booster.host.link.CommandResult;
import dev.booster.afxdp.testing.Privileged;
import dev.booster.afxdp.testing.TestNamespaces;
import dev.booster.api.DataplaneConfig;
import dev.booster.api.Secret;
import dev.booster.api.event.DataplaneEvent;
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
import dev.booster.ike.TunnelKeying;
import dev.booster.spi.Dataplanes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A Booster node and a strongSwan node: an {@code afxdp} dataplane in namespace "node" ({@code afxdp.netns}) whose
 * uplink is one end of a veth, with pod a1 (10.82.1.10); on the other end namespace "sw" runs charon with
 * kernel-libipsec (ESP in user space over its TUN device; {@code encap = yes}, so ESP travels in UDP 4500 both ways)
 * and has a "remote pod" address (10.82.2.10 on its lo) that charon's routes (table 220, into the TUN) serve. The
 * tunnel is keyed by IKEv2 with a PSK, ESP AES-GCM-128: the Booster node (the lower address) initiates.
 */
@Tag("privileged")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StrongSwanNodeTest {
    static final long PID = ProcessHandle.current().pid();
    static final String NET = "198.18." + PID % 250 + ".";
    static final String BOOSTER = NET + "1";
    static final String CHARON = NET + "2";
    static final String POD_A = "10.82.1.10";
    static final String CHARON_POD = "10.82.2.10";
    static final MacAddress MAC_BOOSTER = MacAddress.locallyAdministered(PID * 37 + 1);
    static final MacAddress MAC_CHARON = MacAddress.locallyAdministered(PID * 37 + 2);
    static final String PSK = "booster-strongswan-psk-" + PID;
    static final Path CHARON_BINARY = Path.of("/usr/lib/ipsec/charon");
    static final Duration WAIT = Duration.ofSeconds(30);

    private TestNamespaces namespaces;
    private String node;
    private String sw;
    private String pod;
    private final String uplink = "us" + PID % 100_000;
    private final String wire = "ws" + PID % 100_000;
    private Path dir;
    private Process charon;
    private AfXdpDataplane dp;
    private final List<DataplaneEvent> events = new CopyOnWriteArrayList<>();

    @BeforeAll
    void setUp() throws Exception {
        Privileged.assumeAfXdp();
        Assumptions.assumeTrue(Files.isExecutable(CHARON_BINARY) && Files.isExecutable(Path.of("/usr/sbin/swanctl")),
                "strongSwan is not installed (apt-get install strongswan-charon libcharon-extra-plugins strongswan-swanctl)");
        namespaces = new TestNamespaces("sw");
        node = namespaces.add("node");
        sw = namespaces.add("charon");
        pod = namespaces.add("pod-a1");
        in(node, "ip", "link", "add", uplink, "numtxqueues", "1", "numrxqueues", "1", "type", "veth", "peer", "name", wire,
                "numtxqueues", "1", "numrxqueues", "1", "netns", sw);
        in(node, "ip", "link", "set", "lo", "up");
        in(node, "ip", "link", "set", uplink, "address", MAC_BOOSTER.toString(), "addrgenmode", "none");
        in(node, "ip", "address", "add", BOOSTER + "/24", "dev", uplink);
        in(node, "ip", "link", "set", uplink, "up");
        in(sw, "ip", "link", "set", "lo", "up");
        in(sw, "ip", "link", "set", wire, "address", MAC_CHARON.toString(), "addrgenmode", "none");
        in(sw, "ip", "address", "add", CHARON + "/24", "dev", wire);
        in(sw, "ip", "link", "set", wire, "up");
        // The remote pod: an address in charon's local traffic selector, the source of its routes into the TUN.
        // On lo: this kernel has no dummy module, and lo delivers locally just the same.
        in(sw, "ip", "address", "add", CHARON_POD + "/32", "dev", "lo");
        // Packets from Booster's pod come out of the TUN device, which has no route back to 10.82.1.0/24 of its own.
        in(sw, "sysctl", "-qw", "net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.default.rp_filter=0");
        dir = Files.createTempDirectory("booster-strongswan-node-");
        charon = startCharon();

        dp = (AfXdpDataplane) Dataplanes.open(DataplaneConfig.builder().provider(AfXdpProvider.NAME)
                .option("afxdp.netns", TestNamespaces.path(node).toString())
                .option("afxdp.interfaces", "4")
                .option("afxdp.uplink", uplink)
                .option("afxdp.uplink.podCidrs", "10.82.1.0/24")
                .option("afxdp.uplink.gatewayMac", MAC_CHARON.toString())
                .build());
        dp.subscribe(events::add);
        dp.pods().attach(PodSpec.builder("shop", "a1").uid("test-" + PID + "-sw-a1").netns(TestNamespaces.path(pod))
                .addInterface(Veth.of("eth0", InterfaceAddress.parse(POD_A + "/32"))).build());
    }

    @AfterAll
    void tearDown() throws IOException {
        try {
            if (dp != null) dp.close();
        } finally {
            try {
                if (charon != null) {
                    charon.destroy();
                    try {
                        if (!charon.waitFor(10, TimeUnit.SECONDS)) charon.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                if (dir != null && Files.exists(dir.resolve("charon.log")) && Files.isDirectory(Path.of("target"))) {
                    Files.copy(dir.resolve("charon.log"), Path.of("target", "strongswan-node-charon.log"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
                deleteRecursively(dir);
            } finally {
                if (namespaces != null) namespaces.close();
            }
        }
    }

    @AfterEach
    void removeTunnel() throws InterruptedException {
        if (dp == null) return;
        dp.tunnels().remove("charon");
        swanctl("--terminate", "--ike", "booster", "--force", "--timeout", "5");
        await(() -> !listSas().contains("state="), "charon has no IKE SA left");
        events.clear();
    }

    TunnelSpec tunnel() {
        return new TunnelSpec("charon", IpAddress.parse(BOOSTER), IpAddress.parse(CHARON), List.of(IpPrefix.parse("10.82.2.0/24")),
                Encapsulation.IPIP, 0, Protection.IPSEC_ESP_AES_GCM_128, KeyExchange.IKEV2_PSK, Optional.of(Secret.ofString(PSK)));
    }

    @Test
    @Order(1)
    void ikeUpPingBothWaysAndATcpStreamSurvivesChildSaRekeysFromBothSides() throws Exception {
        loadCharon("aes128gcm16", PSK);
        dp.tunnels().put(tunnel());
        TunnelKeying keying = dp.tunnelKeying("charon").orElseThrow();
        await(() -> !keying.inboundSpis().isEmpty() && listSas().contains("state=INSTALLED"), "IKE SA and Child SA up on both sides");
        assertTrue(events.stream().anyMatch(e -> e instanceof DataplaneEvent.TunnelKeyed), events.toString());
        String sas = listSas();
        assertTrue(sas.contains("state=ESTABLISHED"), sas);
        assertTrue(sas.contains("encr-alg=AES_GCM_16") && sas.contains("encr-keysize=128"), "ESP AES-GCM-16-128: " + sas);
        assertTrue(sas.contains("encap=yes"), "ESP in UDP: " + sas);
        Set<Integer> firstSpis = keying.inboundSpis();
        assertTrue(sas.contains("spi-out=" + hex(firstSpis.iterator().next())), "charon sends with Booster's inbound SPI: " + sas);

        CommandResult ping = namespaces.exec(pod, "ping", "-c", "3", "-W", "2", "-i", "0.2", CHARON_POD);
        assertEquals(0, ping.exitCode(), () -> "ping a1 -> charon's pod:\n" + ping.stdout() + ping.stderr() + diagnostics());
        CommandResult back = namespaces.exec(sw, "ping", "-c", "3", "-W", "2", "-i", "0.2", "-I", CHARON_POD, POD_A);
        assertEquals(0, back.exitCode(), () -> "ping charon's pod -> a1:\n" + back.stdout() + back.stderr() + diagnostics());

        // A TCP stream of numbered lines over ~6 s; charon rekeys the Child SA after ~1.5 s, Booster after ~3.5 s.
        int port = 21_000 + (int) (PID % 10_000);
        Path received = dir.resolve("received.txt");
        TestNamespaces.Background server = namespaces.start(sw, "sh", "-c", "nc -l -n " + CHARON_POD + " " + port + " > " + received);
        namespaces.awaitListening(sw, "tcp", port);
        int chunks = 60;
        int linesPerChunk = 1500;
        TestNamespaces.Background client = namespaces.start(pod, "sh", "-c", "(for i in $(seq 0 " + (chunks - 1) + "); do seq $((i*" + linesPerChunk
                + ")) $((i*" + linesPerChunk + "+" + (linesPerChunk - 1) + ")); sleep 0.1; done) | nc -N -w 15 " + CHARON_POD + " " + port);
        Thread.sleep(1500);
        CommandResult charonRekey = swanctl("--rekey", "--child", "pods");
        assertEquals(0, charonRekey.exitCode(), charonRekey.stdout() + charonRekey.stderr());
        await(() -> !keying.inboundSpis().isEmpty() && !keying.inboundSpis().equals(firstSpis) && keying.inboundSpis().stream().noneMatch(firstSpis::contains),
                "charon's rekey replaced Booster's inbound SA");
        Set<Integer> secondSpis = keying.inboundSpis();
        Thread.sleep(1500);
        keying.rekey().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        await(() -> !keying.inboundSpis().isEmpty() && keying.inboundSpis().stream().noneMatch(secondSpis::contains), "Booster's rekey replaced it again");
        assertTrue(client.process().waitFor(30, TimeUnit.SECONDS), "the stream ends");
        String clientOutput = client.finish(Duration.ofSeconds(1));
        assertEquals(0, client.process().exitValue(), () -> "nc a1 -> charon's pod: " + clientOutput + diagnostics());
        server.finish(Duration.ofSeconds(10));
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < chunks * linesPerChunk; i++) expected.append(i).append('\n');
        String got = Files.readString(received, StandardCharsets.US_ASCII);
        assertEquals(expected.length(), got.length(), () -> "bytes received" + diagnostics());
        assertEquals(expected.toString().hashCode(), got.hashCode(), "the stream arrived intact");
        assertEquals(expected.toString(), got);
        String after = listSas();
        assertFalse(after.contains("spi-out=" + hex(firstSpis.iterator().next())), "the first SPIs are gone: " + after);
        assertTrue(after.contains("spi-out=" + hex(keying.inboundSpis().iterator().next())), after);
        assertTrue(events.stream().noneMatch(e -> e instanceof DataplaneEvent.TunnelKeyingFailed), events.toString());

        CommandResult again = namespaces.exec(pod, "ping", "-c", "2", "-W", "2", "-i", "0.2", CHARON_POD);
        assertEquals(0, again.exitCode(), () -> "ping after the rekeys:\n" + again.stdout() + diagnostics());
    }

    @Test
    @Order(2)
    void aWrongPskIsAnEventAndNoSaTrafficIsDroppedAsEspNoSa() throws Exception {
        loadCharon("aes128gcm16", "not-the-booster-psk");
        assertFailsWithoutSa("AUTHENTICATION_FAILED");
    }

    @Test
    @Order(3)
    void noCommonProposalIsAnEventAndNoSa() throws Exception {
        loadCharon("aes256gcm16", PSK);
        assertFailsWithoutSa("NO_PROPOSAL_CHOSEN");
    }

    private void assertFailsWithoutSa(String reason) throws Exception {
        dp.tunnels().put(tunnel());
        await(() -> events.stream().anyMatch(e -> e instanceof DataplaneEvent.TunnelKeyingFailed), "a TunnelKeyingFailed event");
        DataplaneEvent.TunnelKeyingFailed failed = events.stream().filter(e -> e instanceof DataplaneEvent.TunnelKeyingFailed)
                .map(DataplaneEvent.TunnelKeyingFailed.class::cast).findFirst().orElseThrow();
        assertEquals("charon", failed.remoteNode());
        assertTrue(failed.reason().contains(reason), failed.reason());
        assertFalse(failed.reason().contains(PSK), "the PSK never shows");
        assertEquals(Set.of(), dp.tunnelKeying("charon").orElseThrow().inboundSpis());
        assertFalse(listSas().contains("state=INSTALLED"), listSas());
        long before = drops("esp-no-sa");
        CommandResult ping = namespaces.exec(pod, "ping", "-c", "2", "-W", "1", "-i", "0.2", CHARON_POD);
        assertNotEquals(0, ping.exitCode(), "no SA, no traffic");
        assertTrue(drops("esp-no-sa") >= before + 2, () -> "dropped as esp-no-sa" + diagnostics());
    }

    @Test
    @Order(4)
    void closingTheDataplaneLeavesNoIkeThreadOrSocket() throws Exception {
        dp.close();
        dp = null;
        assertEquals(List.of(), Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(n -> n.equals("ike-500") || n.equals("booster-ike-retry")).toList(), "IKE's threads are gone");
        String sockets = namespaces.exec(node, "ss", "-H", "-uan").stdout();
        assertFalse(sockets.contains(":500 ") || sockets.contains(":4500 "), "no IKE socket left in the node's namespace: " + sockets);
    }

    // ---- charon -----------------------------------------------------------------------------------------------

    private Process startCharon() throws IOException, InterruptedException {
        Files.writeString(dir.resolve("strongswan.conf"), """
                charon {
                  load = random nonce aes sha2 hmac gcm gmp openssl kdf pem pkcs1 x509 pubkey kernel-libipsec kernel-netlink socket-default vici
                  retransmit_timeout = 1
                  retransmit_tries = 2
                  filelog {
                    booster {
                      path = %1$s/charon.log
                      default = 1
                      ike = 2
                      chd = 2
                      flush_line = yes
                      time_format = %%T
                    }
                  }
                  plugins {
                    vici {
                      socket = unix://%1$s/charon.vici
                    }
                  }
                }
                swanctl {
                  socket = unix://%1$s/charon.vici
                }
                """.formatted(dir));
        // A private /run: charon's pid file is fixed, and another test's charon may be running.
        ProcessBuilder builder = new ProcessBuilder("ip", "netns", "exec", sw, "sh", "-c", "mount -t tmpfs booster-sw /run && exec " + CHARON_BINARY)
                .redirectErrorStream(true).redirectOutput(dir.resolve("charon.stdout").toFile());
        builder.environment().put("STRONGSWAN_CONF", dir.resolve("strongswan.conf").toString());
        Process process = builder.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!Files.exists(dir.resolve("charon.vici"))) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                fail("charon did not start: " + Files.readString(dir.resolve("charon.stdout")));
            }
            Thread.sleep(50);
        }
        return process;
    }

    private void loadCharon(String espProposals, String psk) throws IOException {
        Path file = dir.resolve("swanctl.conf");
        Files.writeString(file, """
                connections {
                  booster {
                    version = 2
                    local_addrs = %s
                    remote_addrs = %s
                    proposals = aes256gcm16-prfsha256-x25519
                    rekey_time = 0
                    dpd_delay = 0
                    encap = yes
                    local {
                      auth = psk
                      id = %s
                    }
                    remote {
                      auth = psk
                      id = %s
                    }
                    children {
                      pods {
                        local_ts = 10.82.2.0/24
                        remote_ts = 10.82.1.0/24
                        esp_proposals = %s
                        mode = tunnel
                        rekey_time = 0
                        start_action = none
                      }
                    }
                  }
                }
                secrets {
                  ike-booster {
                    id-booster = %s
                    id-charon = %s
                    secret = "%s"
                  }
                }
                """.formatted(CHARON, BOOSTER, CHARON, BOOSTER, espProposals, BOOSTER, CHARON, psk));
        CommandResult result = swanctl("--load-all", "--clear", "--file", file.toString());
        assertEquals(0, result.exitCode(), () -> "swanctl --load-all: " + result.stdout() + result.stderr());
    }

    private CommandResult swanctl(String... arguments) {
        List<String> command = new ArrayList<>(List.of("env", "STRONGSWAN_CONF=" + dir.resolve("strongswan.conf"), "swanctl"));
        command.addAll(List.of(arguments));
        return namespaces.exec(sw, command.toArray(String[]::new));
    }

    private String listSas() {
        return swanctl("--list-sas", "--raw").stdout().lines().filter(line -> !line.startsWith("plugin '"))
                .collect(java.util.stream.Collectors.joining("\n"));
    }

    private static String hex(int spi) {
        return String.format("%08x", spi);
    }

    private long drops(String reason) {
        return dp.stats().drops().stream().filter(d -> d.reason().equals(reason)).mapToLong(d -> d.packets()).sum();
    }

    private String diagnostics() {
        StringBuilder s = new StringBuilder();
        if (dp != null) s.append("\nBooster drops: ").append(dp.stats().drops()).append("\nevents: ").append(events);
        s.append("\ncharon SAs: ").append(listSas());
        try {
            if (Files.exists(dir.resolve("charon.log"))) {
                List<String> log = Files.readAllLines(dir.resolve("charon.log"), StandardCharsets.ISO_8859_1);
                s.append("\ncharon log (last 30 lines):\n").append(String.join("\n", log.subList(Math.max(0, log.size() - 30), log.size())));
            }
        } catch (IOException e) {
            s.append("\n(charon log unreadable: ").append(e.getMessage()).append(')');
        }
        return s.toString();
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) fail("timed out waiting for: " + what);
            Thread.sleep(50);
        }
    }

    private void in(String netns, String... command) {
        namespaces.exec(netns, command).orThrow();
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) return;
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(path);
        }
    }
}
