package dev.booster.dpdk.provider;

import dev.booster.host.link.IpLinkManager;
import dev.booster.host.link.Namespace;
import dev.booster.host.pod.HostVethNames;
import dev.booster.afxdp.testing.Privileged;
import dev.booster.afxdp.testing.TestNamespaces;
import dev.booster.api.DataplaneConfig;
import dev.booster.api.InvalidSpecException;
import dev.booster.api.net.InterfaceAddress;
import dev.booster.api.net.IpAddress;
import dev.booster.api.net.IpPrefix;
import dev.booster.api.net.MacAddress;
import dev.booster.api.net.Route;
import dev.booster.api.pod.PodSpec;
import dev.booster.api.pod.Veth;
import dev.booster.dpdk.testing.DpdkAvailable;
import dev.booster.spi.Dataplanes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * An uplink on a {@code net_af_packet} vdev: a veth whose far end is a "router" namespace (10.84.0.1/24, routing the
 * pod CIDR 10.85.0.0/24 via Booster's uplink MAC). A pod reaches the router through the engine and back; an address
 * of the pod CIDR no pod has is dropped, not bounced.
 */
@Tag("privileged")
class DpdkUplinkTest {
    private final IpLinkManager links = new IpLinkManager();
    private TestNamespaces namespaces;
    private DpdkDataplane dp;
    private String uplinkHost;
    private String podUid;

    @AfterEach
    void tearDown() {
        try {
            if (dp != null) dp.close();
        } finally {
            if (uplinkHost != null) links.deleteLink(Namespace.host(), uplinkHost);
            if (podUid != null) links.deleteLink(Namespace.host(), HostVethNames.of(podUid, "eth0"));
            if (namespaces != null) namespaces.close();
        }
    }

    @Test
    void aPodReachesTheNetworkBehindTheUplinkAndBack() throws IOException {
        DpdkAvailable.assumePrivileged();
        namespaces = new TestNamespaces("dupl");
        String router = namespaces.add("r");
        uplinkHost = Privileged.uniqueName("ul", "h");
        long pid = ProcessHandle.current().pid();
        MacAddress uplinkMac = MacAddress.locallyAdministered(pid * 41 + 1);
        MacAddress routerMac = MacAddress.locallyAdministered(pid * 43 + 2);
        links.addPodVeth(uplinkHost, uplinkMac, Namespace.named(router), "eth0", routerMac, 1500);
        links.setUpWithoutIpv6Addresses(Namespace.host(), uplinkHost);
        // The host's kernel sees the uplink's frames too (a packet socket only copies them): it must not forward them.
        Files.writeString(Path.of("/proc/sys/net/ipv4/conf", uplinkHost, "forwarding"), "0");
        links.configureInterface(Namespace.named(router), "eth0", List.of(InterfaceAddress.parse("10.84.0.1/24")),
                List.of(Route.via(IpPrefix.parse("10.85.0.0/24"), IpAddress.parse("10.84.0.2"))));
        links.addNeighbor(Namespace.named(router), "eth0", IpAddress.parse("10.84.0.2"), uplinkMac);

        dp = (DpdkDataplane) Dataplanes.open(DataplaneConfig.builder().provider(DpdkProvider.NAME)
                .option("dpdk.uplink", "net_af_packet,iface=" + uplinkHost + ",qpairs=1")
                .option("dpdk.uplink.routes", "10.84.0.0/24")
                .option("dpdk.uplink.gatewayMac", routerMac.toString())
                .option("dpdk.uplink.podCidrs", "10.85.0.0/24").build());
        assertEquals(uplinkMac, dp.uplink().orElseThrow().mac(), "the uplink has its interface's MAC");

        String pod = namespaces.add("p");
        podUid = "dupl-" + pid;
        dp.pods().attach(PodSpec.builder("edge", "p").uid(podUid).netns(TestNamespaces.path(pod))
                .addInterface(Veth.of("eth0", InterfaceAddress.parse("10.85.0.10/32"))).build());

        assertEquals(0, namespaces.exec(pod, "ping", "-c", "2", "-W", "2", "-i", "0.2", "10.84.0.1").exitCode(), "pod -> router and back");
        assertEquals(0, namespaces.exec(router, "ping", "-c", "2", "-W", "2", "-i", "0.2", "10.85.0.10").exitCode(), "router -> pod and back");
        assertNotEquals(0, namespaces.exec(router, "ping", "-c", "1", "-W", "1", "10.85.0.99").exitCode(), "no pod has 10.85.0.99");
        assertTrue(dp.uplink().orElseThrow().port().stats().txPackets() >= 4, "the replies and requests left through the uplink");
    }

    @Test
    void uplinkOptionsAreCheckedBeforeAnythingStarts() {
        InvalidSpecException noMac = assertThrows(InvalidSpecException.class, () -> Dataplanes.open(DataplaneConfig.builder()
                .provider(DpdkProvider.NAME).option("dpdk.uplink", "net_af_packet,iface=eth9").build()));
        assertEquals("options.dpdk.uplink.gatewayMac", noMac.field());
        InvalidSpecException notADevice = assertThrows(InvalidSpecException.class, () -> Dataplanes.open(DataplaneConfig.builder()
                .provider(DpdkProvider.NAME).option("dpdk.uplink", "eth9").option("dpdk.uplink.gatewayMac", "02:00:00:00:00:01").build()));
        assertEquals("options.dpdk.uplink", notADevice.field());
        InvalidSpecException alone = assertThrows(InvalidSpecException.class, () -> Dataplanes.open(DataplaneConfig.builder()
                .provider(DpdkProvider.NAME).option("dpdk.uplink.routes", "10.0.0.0/8").build()));
        assertEquals("options.dpdk.uplink.routes", alone.field());
    }
}
