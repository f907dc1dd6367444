package dev.booster.afxdp.provider;

import dev.booster.afxdp.testing.Privileged;
import dev.booster.afxdp.testing.TestNamespaces;
import dev.booster.api.Dataplane;
import dev.booster.api.DataplaneConfig;
import dev.booster.api.DataplaneException;
import dev.booster.api.InvalidSpecException;
import dev.booster.api.net.InterfaceAddress;
import dev.booster.api.pod.PodSpec;
import dev.booster.api.pod.Veth;
import dev.booster.host.link.IpLinkManager;
import dev.booster.host.link.LinkOffloads;
import dev.booster.host.link.Namespace;
import dev.booster.host.link.NetnsThreads;
import dev.booster.host.pod.HostVethNames;
import dev.booster.spi.Dataplanes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.*;

/** Attaching fails with an error that names the field and the fix, and leaves nothing behind. */
@Tag("privileged")
class AfXdpAttachErrorsTest {
    private final IpLinkManager links = new IpLinkManager();
    private TestNamespaces namespaces;
    private Dataplane dp;
    private String netns;
    private int pods;

    @BeforeEach
    void setUp() {
        Privileged.assumeAfXdp();
        namespaces = new TestNamespaces("err");
        netns = namespaces.add("a");
        dp = Dataplanes.open(DataplaneConfig.builder().provider(AfXdpProvider.NAME).build());
    }

    @AfterEach
    void tearDown() {
        try {
            if (dp != null) dp.close();
        } finally {
            if (namespaces != null) namespaces.close();
        }
    }

    private String uid() {
        return "err-" + ProcessHandle.current().pid() + "-" + pods++;
    }

    private PodSpec pod(String uid, String netnsPath, Veth veth) {
        return PodSpec.builder("errors", uid).uid(uid).netns(netnsPath).addInterface(veth).build();
    }

    private void assertNothingLeft(String uid, String interfaceName) {
        assertFalse(links.linkExists(Namespace.host(), HostVethNames.of(uid, interfaceName)), "no host veth left for " + uid);
        assertTrue(dp.pods().list().isEmpty());
        assertTrue(dp.stats().interfaces().isEmpty());
    }

    private InvalidSpecException attachInvalid(String netnsPath) {
        String uid = uid();
        InvalidSpecException e = assertThrows(InvalidSpecException.class,
                () -> dp.pods().attach(pod(uid, netnsPath, Veth.of("eth0", InterfaceAddress.parse("10.79.0.1/32")))));
        assertNothingLeft(uid, "eth0");
        return e;
    }

    @Test
    void netnsPathsThatAreNoPodNamespace() {
        InvalidSpecException missing = attachInvalid("/var/run/netns/booster-test-no-such-netns");
        assertEquals("netns", missing.field());
        assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());

        InvalidSpecException notANamespace = attachInvalid("/etc/hostname");
        assertEquals("netns", notANamespace.field());
        assertTrue(notANamespace.getMessage().contains("is not a network namespace"), notANamespace.getMessage());

        InvalidSpecException ours = attachInvalid("/proc/self/ns/net");
        assertTrue(ours.getMessage().contains("the dataplane's own network namespace"), ours.getMessage());

        InvalidSpecException relative = attachInvalid("netns/a");
        assertTrue(relative.getMessage().contains("not an absolute path"), relative.getMessage());
    }

    @Test
    void anInterfaceNameThePodAlreadyHas() {
        String uid = uid();
        DataplaneException e = assertThrows(DataplaneException.class,
                () -> dp.pods().attach(pod(uid, TestNamespaces.path(netns).toString(), Veth.of("lo", InterfaceAddress.parse("10.79.0.1/32")))));
        assertTrue(e.getMessage().contains("does the pod already have an interface lo?"), e.getMessage());
        assertNothingLeft(uid, "lo");
    }

    @Test
    void anMtuTooLargeForXdpOnVeth() {
        String uid = uid();
        Veth jumbo = new Veth("eth0", List.of(InterfaceAddress.parse("10.79.0.1/32")), List.of(), 9000, Optional.empty());
        InvalidSpecException e = assertThrows(InvalidSpecException.class,
                () -> dp.pods().attach(pod(uid, TestNamespaces.path(netns).toString(), jumbo)));
        assertEquals("interfaces[0].mtu", e.field());
        assertNothingLeft(uid, "eth0");

        Veth largest = new Veth("eth0", List.of(InterfaceAddress.parse("10.79.0.1/32")), List.of(), AfXdpBackend.MAX_MTU, Optional.empty());
        dp.pods().attach(pod(uid(), TestNamespaces.path(netns).toString(), largest));
        assertEquals(1, dp.pods().list().size(), "the largest MTU allowed does attach (the kernel accepts XDP on it)");
    }

    @Test
    void theHostEndOfAPodThatIsAlreadyServedIsNotTakenOver() {
        String uid = uid();
        String host = HostVethNames.of(uid, "eth0");
        links.addVethPair(host, host + "p");
        try {
            DataplaneException e = assertThrows(DataplaneException.class,
                    () -> dp.pods().attach(pod(uid, TestNamespaces.path(netns).toString(), Veth.of("eth0", InterfaceAddress.parse("10.79.0.1/32")))));
            assertTrue(e.getMessage().contains("already exists") && e.getMessage().contains("booster cleanup"), e.getMessage());
            assertTrue(links.linkExists(Namespace.host(), host), "the existing veth is left alone");
        } finally {
            links.deleteLink(Namespace.host(), host);
        }
    }

    @Test
    void thePodsTxChecksumOffloadIsOff() {
        dp.pods().attach(pod(uid(), TestNamespaces.path(netns).toString(), Veth.of("eth0", InterfaceAddress.parse("10.79.0.1/32"))));
        assertFalse(NetnsThreads.supply(TestNamespaces.path(netns), () -> LinkOffloads.txChecksumOffloaded("eth0")));
        assertTrue(NetnsThreads.supply(TestNamespaces.path(netns), () -> LinkOffloads.txChecksumOffloaded("lo")),
                "the probe itself sees offload where it is on");
    }

    @Test
    void aPodBeyondTheInterfacesTheUmemWasSizedForIsRefusedClearly() {
        dp.close();
        dp = Dataplanes.open(DataplaneConfig.builder().provider(AfXdpProvider.NAME).option("afxdp.interfaces", "1").build());
        String other = namespaces.add("b");
        dp.pods().attach(pod(uid(), TestNamespaces.path(netns).toString(), Veth.of("eth0", InterfaceAddress.parse("10.79.0.1/32"))));
        String uid = uid();
        DataplaneException e = assertThrows(DataplaneException.class,
                () -> dp.pods().attach(pod(uid, TestNamespaces.path(other).toString(), Veth.of("eth0", InterfaceAddress.parse("10.79.0.2/32")))));
        assertTrue(e.getMessage().contains("room for 1 interfaces (option afxdp.interfaces)"), e.getMessage());
        assertTrue(e.getMessage().contains("open the dataplane with a larger afxdp.interfaces"), e.getMessage());
        assertFalse(links.linkExists(Namespace.host(), HostVethNames.of(uid, "eth0")), "nothing was made for the refused pod");
        assertEquals(1, dp.pods().list().size());
    }
}
