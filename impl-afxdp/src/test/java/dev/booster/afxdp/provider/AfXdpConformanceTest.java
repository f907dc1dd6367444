package dev.booster.afxdp.provider;

import dev.booster.afxdp.testing.NetnsPodNetwork;
import dev.booster.afxdp.testing.Privileged;
import dev.booster.afxdp.testing.ProcessResources;
import dev.booster.api.Dataplane;
import dev.booster.api.DataplaneConfig;
import dev.booster.host.link.IpLinkManager;
import dev.booster.host.link.Namespace;
import dev.booster.host.pod.HostVethNames;
import dev.booster.spi.Dataplanes;
import dev.booster.testkit.conformance.DataplaneConformanceSuite;
import dev.booster.testkit.conformance.PodNetwork;
import org.junit.jupiter.api.Tag;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shared end-to-end suite on the {@code afxdp} provider, with a network namespace per pod and real sockets. */
@Tag("privileged")
class AfXdpConformanceTest extends DataplaneConformanceSuite {
    private Map<String, Integer> descriptorsAtStart;
    private long programsAtStart;

    @Override
    protected Dataplane openDataplane() {
        Privileged.assumeAfXdp();
        return Dataplanes.open(DataplaneConfig.builder().provider(AfXdpProvider.NAME).build());
    }

    @Override
    protected PodNetwork podNetwork(Dataplane dataplane) {
        descriptorsAtStart = ProcessResources.openDescriptorKinds();
        programsAtStart = ProcessResources.bpfProgramsHeldByThisProcess();
        return new NetnsPodNetwork("conf");
    }

    @Override
    protected boolean exactCounters() {
        return false; // the pods' kernels add ARP, neighbour discovery and MLD
    }

    @Override
    protected void assertNoLeaks(Dataplane dataplane) {
        List<String> hostVeths = new IpLinkManager().linkNames(Namespace.host()).stream().filter(HostVethNames::isBoosterName).toList();
        for (String left : hostVeths) {
            assertTrue(dataplane.pods().list().stream().noneMatch(p -> p.interfaces().getFirst().hostName().equals(left)));
        }
        Map<String, Integer> now = ProcessResources.openDescriptorKinds();
        assertEquals(descriptorsAtStart.getOrDefault("socket", 0), now.getOrDefault("socket", 0), "sockets: " + now);
        assertEquals(descriptorsAtStart.getOrDefault("bpf", 0), now.getOrDefault("bpf", 0), "BPF objects: " + now);
        assertTrue(ProcessResources.total(now) - ProcessResources.total(descriptorsAtStart) < 5, descriptorsAtStart + " -> " + now);
        assertEquals(programsAtStart, ProcessResources.bpfProgramsHeldByThisProcess(), "BPF programs this JVM holds");
    }
}
