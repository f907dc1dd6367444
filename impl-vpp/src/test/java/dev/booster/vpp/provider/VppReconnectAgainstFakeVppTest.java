package dev.booster.vpp.provider;

import dev.booster.api.DataplaneException;
import dev.booster.api.event.DataplaneEvent;
import dev.booster.api.net.InterfaceAddress;
import dev.booster.api.pod.PodAttachment;
import dev.booster.api.pod.Veth;
import dev.booster.api.policy.LabelSelector;
import dev.booster.api.policy.NetworkPolicy;
import dev.booster.api.policy.NetworkPolicySpec;
import dev.booster.api.policy.PolicySet;
import dev.booster.host.pod.HostVethNames;
import dev.booster.vpp.binapi.AclAction;
import dev.booster.vpp.binapi.AclAddReplace;
import dev.booster.vpp.binapi.AclRule;
import dev.booster.vpp.binapi.IpProto;
import dev.booster.vpp.binapi.AclInterfaceSetAclList;
import dev.booster.vpp.binapi.AfPacketCreateV3;
import dev.booster.vpp.binapi.AfPacketDelete;
import dev.booster.vpp.binapi.AfPacketFlags;
import dev.booster.vpp.binapi.AfPacketMode;
import dev.booster.vpp.binapi.CreateLoopbackInstance;
import dev.booster.vpp.binapi.SwInterfaceAddDelAddress;
import dev.booster.vpp.binapi.SwInterfaceSetUnnumbered;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static dev.booster.vpp.provider.VppWire.GATEWAY_MAC;
import static dev.booster.vpp.provider.VppWire.NONE;
import static dev.booster.vpp.provider.VppWire.hostRoute;
import static dev.booster.vpp.provider.VppWire.neighbor;
import static dev.booster.vpp.provider.VppWire.prefix;
import static dev.booster.vpp.provider.VppWire.up;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A VPP restart, played by stopping and restarting {@link dev.booster.vpp.api.FakeVppServer}: the backend says VPP
 * is lost, refuses work meanwhile, reconnects by itself, makes every pod's VPP side and every ACL again on the new
 * VPP (which knows none of them), says VPP is back, and works on.
 */
class VppReconnectAgainstFakeVppTest {

    @TempDir
    Path directory;

    private FakeVppFixture fake;

    @BeforeEach
    void open() {
        fake = new FakeVppFixture(directory);
    }

    @AfterEach
    void close() throws Exception {
        fake.close();
    }

    @Test
    void afterAVppRestartPodsAndAclsAreMadeAgain() throws Exception {
        PodAttachment web = fake.dataplane.pods().attach(VppPodsAgainstFakeVppTest.pod("web",
                Veth.of("eth0", InterfaceAddress.parse("10.244.1.10/32"))));
        fake.dataplane.policies().apply(PolicySet.of(NetworkPolicy.of("default", "deny-all", NetworkPolicySpec.of(
                LabelSelector.ALL, List.of(), List.of(), List.of()))));
        List<String> hostCallsBefore = fake.host.calls();

        fake.vpp.stop();
        DataplaneEvent.BackendLost lost = fake.awaitEvent(DataplaneEvent.BackendLost.class);
        assertTrue(lost.reason().contains("VPP stopped or restarted"), lost.reason());
        DataplaneException meanwhile = assertThrows(DataplaneException.class, () -> fake.dataplane.pods().attach(
                VppPodsAgainstFakeVppTest.pod("other", Veth.of("eth0", InterfaceAddress.parse("10.244.1.11/32")))));
        assertTrue(meanwhile.getMessage().contains("reconnecting"), meanwhile.getMessage());

        fake.vpp.clearRequests();
        fake.vpp.restart();
        fake.awaitEvent(DataplaneEvent.BackendRestored.class);

        String hostName = HostVethNames.of("web", "eth0");
        String podMac = VppGateway.podMac("web", "eth0").toString();
        assertEquals(List.of(
                FakeVppFixture.WATCH_INTERFACES,
                new AfPacketCreateV3(AfPacketMode.AF_PACKET_API_MODE_ETHERNET, GATEWAY_MAC, false, hostName,
                        2048, 2048, 32, 32, new AfPacketFlags(3), 1, 1),
                up(1),
                new CreateLoopbackInstance(GATEWAY_MAC, false, 0),
                up(2),
                new SwInterfaceAddDelAddress(2, true, false, prefix("169.254.1.1/32")),
                new SwInterfaceSetUnnumbered(2, 1, true),
                neighbor(true, 1, "10.244.1.10", podMac),
                hostRoute(true, 1, "10.244.1.10"),
                new AclAddReplace(NONE, "booster web egress", List.of(rule(true, "0.0.0.0/0"), rule(true, "::/0"))),
                new AclAddReplace(NONE, "booster web ingress", List.of(rule(false, "0.0.0.0/0"), rule(false, "::/0"))),
                new AclInterfaceSetAclList(1, 1, List.of(0L, 1L))), fake.vpp.requests());
        assertEquals(hostCallsBefore, fake.host.calls(), "the host's veth outlived VPP and is not made again");
        assertEquals(2, fake.vpp.connections());

        fake.vpp.clearRequests();
        web.detach();
        assertInstanceOf(AfPacketDelete.class, fake.vpp.requests().getLast());
        PodAttachment other = fake.dataplane.pods().attach(VppPodsAgainstFakeVppTest.pod("other",
                Veth.of("eth0", InterfaceAddress.parse("10.244.1.11/32"))));
        assertEquals(3, other.interfaces().getFirst().index(), "the new VPP's next interface after web's and the loopback");
    }

    /** Any address of the family, any protocol and port: what an ACL for "everything" holds. */
    private static AclRule rule(boolean permit, String any) {
        return new AclRule(permit ? AclAction.ACL_ACTION_API_PERMIT_REFLECT : AclAction.ACL_ACTION_API_DENY,
                prefix(any), prefix(any), new IpProto(0), 0, 65535, 0, 65535, 0, 0);
    }

    @Test
    void anInterfaceTheRestartedVppRefusesDoesNotKeepTheOthersOut() throws Exception {
        PodAttachment tapped = fake.dataplane.pods().attach(VppPodsAgainstFakeVppTest.pod("tapped",
                dev.booster.api.pod.Tap.of("eth0", InterfaceAddress.parse("10.244.1.30/32"))));
        PodAttachment web = fake.dataplane.pods().attach(VppPodsAgainstFakeVppTest.pod("web",
                Veth.of("eth0", InterfaceAddress.parse("10.244.1.10/32"))));
        fake.vpp.stop();
        fake.awaitEvent(DataplaneEvent.BackendLost.class);
        fake.vpp.refuseNext(dev.booster.vpp.binapi.TapCreateV3.TYPE, -11); // the new host lacks /dev/vhost-net
        fake.vpp.clearRequests();
        fake.vpp.restart();
        fake.awaitEvent(DataplaneEvent.BackendRestored.class);
        assertEquals(-1, tapped.interfaces().getFirst().index(), "the tap has no VPP side on the new VPP");
        assertEquals(1, web.interfaces().getFirst().index());
        assertTrue(fake.vpp.requests().contains(hostRoute(true, 1, "10.244.1.10")), fake.vpp.requests().toString());
        tapped.detach();
        web.detach();
        assertEquals(List.of(), fake.dataplane.pods().list());
    }

    @Test
    void theBackendKeepsTryingWhileVppStaysAway() throws Exception {
        fake.vpp.stop();
        fake.awaitEvent(DataplaneEvent.BackendLost.class);
        Thread.sleep(300); // several attempts with the test's 10-50 ms backoff, all refused
        assertEquals(1, fake.vpp.connections());
        fake.vpp.restart();
        fake.awaitEvent(DataplaneEvent.BackendRestored.class);
        assertEquals(2, fake.vpp.connections());
        assertEquals(List.of(FakeVppFixture.WATCH_INTERFACES), fake.vpp.requests(),
                "nothing to re-apply (no pod, no policy) but the event registration");
    }
}
