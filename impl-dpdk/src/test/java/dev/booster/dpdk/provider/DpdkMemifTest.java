package dev.booster.dpdk.provider;

import dev.booster.host.link.IpLinkManager;
import dev.booster.host.link.Namespace;
import dev.booster.host.pod.HostVethNames;
import dev.booster.afxdp.testing.TestNamespaces;
import dev.booster.afxdp.testing.UdpFrames;
import dev.booster.api.DataplaneConfig;
import dev.booster.api.net.Ip4Address;
import dev.booster.api.net.InterfaceAddress;
import dev.booster.api.net.MacAddress;
import dev.booster.api.pod.AttachedInterface;
import dev.booster.api.pod.Memif;
import dev.booster.api.pod.PodAttachment;
import dev.booster.api.pod.PodSpec;
import dev.booster.api.pod.Veth;
import dev.booster.dpdk.port.DpdkPort;
import dev.booster.dpdk.testing.DpdkAvailable;
import dev.booster.memif.MemifConfig;
import dev.booster.memif.MemifInterface;
import dev.booster.spi.Dataplanes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A memif pod served by DPDK's own memif driver (server role) talks to a veth pod through the engine: the memif
 * peer is Booster's Java memif in slave role, playing a 5G application that moves frames itself.
 */
@Tag("privileged")
class DpdkMemifTest {
    private static final Ip4Address MEMIF_IP = Ip4Address.parse("10.79.2.1");
    private static final Ip4Address VETH_IP = Ip4Address.parse("10.79.2.2");

    @TempDir
    Path dir;
    private TestNamespaces namespaces;
    private DpdkDataplane dp;
    private String vethUid;

    @BeforeEach
    void setUp() {
        DpdkAvailable.assumePrivileged();
        namespaces = new TestNamespaces("dmemif");
        dp = (DpdkDataplane) Dataplanes.open(DataplaneConfig.builder().provider(DpdkProvider.NAME).option("dpdk.memif", "pmd").build());
    }

    @AfterEach
    void tearDown() {
        try {
            if (dp != null) dp.close();
        } finally {
            if (vethUid != null) new IpLinkManager().deleteLink(Namespace.host(), HostVethNames.of(vethUid, "eth0"));
            if (namespaces != null) namespaces.close();
        }
    }

    @Test
    void aMemifPodAndAVethPodExchangeDatagrams() throws Exception {
        String socket = dir.resolve("memif.sock").toString();
        long pid = ProcessHandle.current().pid();
        PodAttachment app = dp.pods().attach(PodSpec.builder("ran", "app").uid("dpdk-memif-" + pid)
                .addInterface(Memif.of("memif0", socket, InterfaceAddress.parse(MEMIF_IP + "/32"))).build());
        String nsB = namespaces.add("b");
        vethUid = "dpdk-memif-veth-" + pid;
        dp.pods().attach(PodSpec.builder("ran", "b").uid(vethUid).netns(TestNamespaces.path(nsB))
                .addInterface(Veth.of("eth0", InterfaceAddress.parse(VETH_IP + "/32"))).build());
        DpdkPort port = DpdkDataplane.dpdkPortOf(app, 0);
        assertTrue(port.name().startsWith("net_memif"), port.name());
        assertTrue(Files.exists(Path.of(socket)), "DPDK's memif server listens on the spec's socket");

        AttachedInterface memif = app.interfaces().getFirst();
        MacAddress appMac = memif.podMac();
        MacAddress gatewayMac = memif.gatewayMac();
        try (MemifInterface peer = MemifInterface.open(MemifConfig.slave(socket).withInterfaceName("test-app"))) {
            assertTrue(peer.awaitConnected(Duration.ofSeconds(5)), "the Java slave connects to DPDK's memif server");

            TestNamespaces.Background server = namespaces.start(nsB, "nc", "-u", "-l", "7001");
            namespaces.awaitListening(nsB, "udp", 7001);
            assertTrue(peer.send(0, UdpFrames.build(appMac, gatewayMac, MEMIF_IP, VETH_IP, 5000, 7001,
                    "from memif\n".getBytes(StandardCharsets.US_ASCII))));
            Thread.sleep(300);
            assertEquals("from memif\n", server.stop(), "the veth pod's kernel got the memif pod's datagram");

            TestNamespaces.Background client = namespaces.start(nsB, "sh", "-c", "echo to-memif | nc -u -w 1 " + MEMIF_IP + " 7002");
            byte[] frame = receiveUdp(peer, 7002);
            client.stop();
            assertEquals("to-memif\n", new String(UdpFrames.udpPayload(frame), StandardCharsets.US_ASCII));
            assertEquals(appMac, UdpFrames.destinationMac(frame), "the engine addresses the memif pod by its MAC");
            assertEquals(gatewayMac, UdpFrames.sourceMac(frame));
        }

        app.detach();
        assertFalse(Files.exists(Path.of(socket)), "DPDK removed its socket with the device");
        assertEquals(Optional.empty(), dp.pods().get(app.spec().uid()));
    }

    private static byte[] receiveUdp(MemifInterface peer, int port) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadline) {
            Optional<byte[]> frame = peer.receive(0);
            if (frame.isPresent() && UdpFrames.isUdpTo(frame.get(), MEMIF_IP, port)) return frame.get();
            if (frame.isEmpty()) peer.awaitRx(0, Duration.ofMillis(100));
        }
        throw new AssertionError("no UDP datagram to port " + port + " reached the memif peer");
    }
}
