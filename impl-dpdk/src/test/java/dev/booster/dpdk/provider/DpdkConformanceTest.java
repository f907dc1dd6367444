package dev.booster.dpdk.provider;

import dev.booster.host.link.IpLinkManager;
import dev.booster.host.link.Namespace;
import dev.booster.host.pod.HostVethNames;
import dev.booster.afxdp.testing.NetnsPodNetwork;
import dev.booster.afxdp.testing.ProcessResources;
import dev.booster.api.Dataplane;
import dev.booster.api.DataplaneConfig;
import dev.booster.dpdk.testing.DpdkAvailable;
import dev.booster.spi.Dataplanes;
import dev.booster.testkit.conformance.DataplaneConformanceSuite;
import dev.booster.testkit.conformance.PodNetwork;
import org.junit.jupiter.api.Tag;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shared end-to-end suite on the {@code dpdk} provider, with a network namespace per pod and real sockets. */
@Tag("privileged")
class DpdkConformanceTest extends DataplaneConformanceSuite {
    private Map<String, Integer> descriptorsAtStart;
    private int portsAtStart;

    @Override
    protected Dataplane openDataplane() {
        DpdkAvailable.assumePrivileged();
        return Dataplanes.open(DataplaneConfig.builder().provider(DpdkProvider.NAME).build());
    }

    @Override
    protected PodNetwork podNetwork(Dataplane dataplane) {
        descriptorsAtStart = ProcessResources.openDescriptorKinds();
        DpdkDataplane dpdk = (DpdkDataplane) dataplane;
        portsAtStart = dpdk.eal().locked(() -> dpdk.eal().ethdev().countAvailable());
        return new NetnsPodNetwork("dconf");
    }

    @Override
    protected boolean exactCounters() {
        return false; // the pods' kernels add ARP, neighbour discovery and MLD
    }

    @Override
    protected void assertNoLeaks(Dataplane dataplane) {
        DpdkDataplane dpdk = (DpdkDataplane) dataplane;
        List<String> hostVeths = new IpLinkManager().linkNames(Namespace.host()).stream().filter(HostVethNames::isBoosterName).toList();
        for (String left : hostVeths) {
            assertTrue(dataplane.pods().list().stream().noneMatch(p -> p.interfaces().getFirst().hostName().equals(left)));
        }
        assertEquals(portsAtStart, dpdk.eal().locked(() -> dpdk.eal().ethdev().countAvailable()), "DPDK ports");
        assertEquals(0, dpdk.pool().inUse(), "mbufs out of the pool with no port left");
        Map<String, Integer> now = ProcessResources.openDescriptorKinds();
        assertEquals(descriptorsAtStart.getOrDefault("socket", 0), now.getOrDefault("socket", 0), "sockets: " + now);
        assertTrue(ProcessResources.total(now) - ProcessResources.total(descriptorsAtStart) < 5, descriptorsAtStart + " -> " + now);
    }
}
