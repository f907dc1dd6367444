package dev.booster.vpp.provider;

import dev.booster.host.link.IpLinkManager;
import dev.booster.host.link.Namespace;
import dev.booster.host.pod.HostVethNames;
import dev.booster.afxdp.testing.NetnsPodNetwork;
import dev.booster.api.Dataplane;
import dev.booster.api.event.DataplaneEvent;
import dev.booster.testkit.conformance.DataplaneConformanceSuite;
import dev.booster.testkit.conformance.PodNetwork;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The shared end-to-end suite on provider {@code vpp} against a live VPP ({@code BOOSTER_VPP_API_SOCKET}, root):
 * veth pods in network namespaces reach each other through VPP's af_packet interfaces, a memif pod's application
 * (Booster's memif, slave) connects to VPP's memif master in its namespace, policy runs on the acl plugin. Skipped,
 * saying why, without a live VPP or root.
 */
class VppConformanceLiveTest extends DataplaneConformanceSuite {
    private Set<String> vppInterfacesAtStart;
    /** The host veth names of every pod this dataplane attached: another test run on the machine makes its own. */
    private final Set<String> ourVeths = java.util.concurrent.ConcurrentHashMap.newKeySet();

    @Override
    protected Dataplane openDataplane() {
        VppLive.socket();
        VppLive.assumeRoot();
        VppDataplane vpp = VppLive.open();
        vppInterfacesAtStart = VppLive.interfaceNames(vpp);
        vpp.subscribe(event -> {
            if (event instanceof DataplaneEvent.PodAttached attached) ourVeths.add(HostVethNames.of(attached.podUid(), "eth0"));
        });
        return vpp;
    }

    @Override
    protected PodNetwork podNetwork(Dataplane dataplane) {
        return new NetnsPodNetwork("vppc");
    }

    @Override
    protected boolean exactCounters() {
        return false; // the pods' kernels add ARP, neighbour discovery and MLD; VPP's error counters count from its start
    }

    @Override
    protected void assertNoLeaks(Dataplane dataplane) {
        assertFalse(ourVeths.isEmpty(), "the pods' veths were noted");
        Set<String> left = new java.util.TreeSet<>(new IpLinkManager().linkNames(Namespace.host()));
        left.retainAll(ourVeths);
        assertEquals(Set.of(), left, "host veths of detached pods");
        assertEquals(vppInterfacesAtStart, VppLive.interfaceNames((VppDataplane) dataplane),
                "VPP's interfaces besides the gateway loopback");
    }
}
