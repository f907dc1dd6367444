package dev.booster.afxdp.provider;

import dev.booster.afxdp.testing.Privileged;
import dev.booster.afxdp.testing.TestNamespaces;
import dev.booster.api.Dataplane;
import dev.booster.api.DataplaneConfig;
import dev.booster.api.DataplaneException;
import dev.booster.api.net.InterfaceAddress;
import dev.booster.api.pod.PodAttachment;
import dev.booster.api.pod.PodSpec;
import dev.booster.api.pod.Veth;
import dev.booster.host.link.CommandResult;
import dev.booster.host.link.IpLinkManager;
import dev.booster.host.link.Namespace;
import dev.booster.host.pod.HostVethNames;
import dev.booster.spi.Dataplanes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code afxdp.persistentPods}: a restarting node agent's pods keep their veths across dataplanes, and the next
 * dataplane adopts them; without the option nothing changes (close removes, an existing host end is refused).
 */
@Tag("privileged")
class AfXdpPersistentPodsTest {
    private static final String A4 = "10.78.1.1";
    private static final String B4 = "10.78.1.2";

    private TestNamespaces namespaces;
    private String nsA;
    private String nsB;
    private Dataplane dp;
    private final List<String> podUids = new ArrayList<>();
    private final IpLinkManager links = new IpLinkManager();

    @BeforeEach
    void setUp() {
        Privileged.assumeAfXdp();
        namespaces = new TestNamespaces("persist");
        nsA = namespaces.add("a");
        nsB = namespaces.add("b");
    }

    @AfterEach
    void tearDown() {
        try {
            if (dp != null) dp.close();
        } finally {
            for (String uid : podUids) links.deleteLink(Namespace.host(), HostVethNames.of(uid, "eth0"));
            namespaces.close();
        }
    }

    private static Dataplane open(boolean persistent) {
        return Dataplanes.open(DataplaneConfig.builder().provider(AfXdpProvider.NAME).option("afxdp.persistentPods", Boolean.toString(persistent)).build());
    }

    private PodSpec pod(String netns, String app, String ip4) {
        String uid = "persist-" + ProcessHandle.current().pid() + "-" + app;
        podUids.add(uid);
        return PodSpec.builder("shop", app).uid(uid).labels(Map.of("app", app)).netns(TestNamespaces.path(netns))
                .addInterface(Veth.of("eth0", InterfaceAddress.parse(ip4 + "/32"))).build();
    }

    private CommandResult ping(String fromNetns, String to) {
        return namespaces.exec(fromNetns, "ping", "-c", "2", "-W", "2", "-i", "0.2", to);
    }

    private boolean hostEndExists(PodSpec spec) {
        return links.linkExists(Namespace.host(), HostVethNames.of(spec.uid(), "eth0"));
    }

    @Test
    void vethsOutliveTheDataplaneAndTheNextOneAdoptsThem() {
        PodSpec a = pod(nsA, "a", A4);
        PodSpec b = pod(nsB, "b", B4);
        dp = open(true);
        PodAttachment first = dp.pods().attach(a);
        dp.pods().attach(b);
        assertEquals(0, ping(nsA, B4).exitCode());
        dp.close();

        assertTrue(hostEndExists(a) && hostEndExists(b), "closing the dataplane left the pods' veths");
        String addresses = namespaces.exec(nsA, "ip", "-o", "address", "show", "dev", "eth0").stdout();
        assertTrue(addresses.contains("inet " + A4 + "/32"), "the pod kept its address: " + addresses);
        assertNotEquals(0, ping(nsA, B4).exitCode(), "nothing forwards between dataplanes");

        dp = open(true);
        PodAttachment adopted = dp.pods().attach(a);
        dp.pods().attach(b);
        assertEquals(first.interfaces().getFirst().hostName(), adopted.interfaces().getFirst().hostName());
        assertEquals(first.interfaces().getFirst().podMac(), adopted.interfaces().getFirst().podMac());
        CommandResult again = ping(nsA, B4);
        assertEquals(0, again.exitCode(), "the adopted pods talk again: " + again.stdout() + again.stderr());

        adopted.detach();
        assertFalse(hostEndExists(a), "detaching an adopted pod deletes its veth");
    }

    @Test
    void aVethThatIsNotThisPodsIsNotAdopted() {
        PodSpec a = pod(nsA, "a", A4);
        dp = open(true);
        dp.pods().attach(a);
        dp.close();
        // The same uid and interface name in another namespace: the host end exists, but its pod end is not there.
        PodSpec elsewhere = PodSpec.builder("shop", "a").uid(a.uid()).labels(a.labels()).netns(TestNamespaces.path(nsB))
                .addInterface(Veth.of("eth0", InterfaceAddress.parse(A4 + "/32"))).build();
        dp = open(true);
        DataplaneException e = assertThrows(DataplaneException.class, () -> dp.pods().attach(elsewhere));
        assertTrue(e.getMessage().contains("has no eth0 to adopt"), e.getMessage());
        assertTrue(hostEndExists(a), "a refused adoption leaves the veth alone");
    }

    @Test
    void withoutTheOptionCloseRemovesTheVethsAsBefore() {
        PodSpec a = pod(nsA, "a", A4);
        dp = open(false);
        dp.pods().attach(a);
        dp.close();
        assertFalse(hostEndExists(a));
    }
}
