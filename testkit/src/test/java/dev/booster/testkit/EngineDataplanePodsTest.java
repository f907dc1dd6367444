package dev.booster.testkit;

import dev.booster.api.Capability;
import dev.booster.api.Dataplane;
import dev.booster.api.InvalidSpecException;
import dev.booster.api.UnsupportedCapabilityException;
import dev.booster.api.event.DataplaneEvent;
import dev.booster.api.net.IpAddress;
import dev.booster.api.net.InterfaceAddress;
import dev.booster.api.pod.AfXdp;
import dev.booster.api.pod.NamedPort;
import dev.booster.api.pod.PodAttachment;
import dev.booster.api.pod.PodSpec;
import dev.booster.api.pod.Veth;
import dev.booster.api.policy.PolicySet;
import dev.booster.api.policy.Protocol;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Pods bookkeeping of {@link dev.booster.engine.dataplane.EngineDataplane}, on the memory provider. */
class EngineDataplanePodsTest {
    private final Dataplane dp = TestPods.openMemory();
    private final MemoryPodNetwork network = new MemoryPodNetwork(dp);

    @AfterEach
    void close() {
        dp.close();
    }

    @Test
    void attachingTheSameSpecAgainReturnsTheExistingAttachment() {
        PodSpec spec = TestPods.pod("ns", "a", "10.0.0.1");
        PodAttachment first = dp.pods().attach(spec);
        PodAttachment again = dp.pods().attach(TestPods.pod("ns", "a", "10.0.0.1"));

        assertSame(first, again);
        assertEquals(List.of(first), dp.pods().list());
        assertEquals(Optional.of(first), dp.pods().get(spec.uid()));
    }

    @Test
    void attachingAUidAgainWithAnotherSpecIsRejectedNamingTheUid() {
        PodAttachment first = dp.pods().attach(TestPods.pod("ns", "a", "10.0.0.1"));
        PodSpec changed = TestPods.pod("ns", "a", "10.0.0.99");

        InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> dp.pods().attach(changed));
        assertEquals("uid", e.field());
        assertTrue(e.getMessage().contains("ns/a"), e.getMessage());
        assertTrue(first.isAttached(), "the attached pod is left alone");
        assertEquals(List.of(first), dp.pods().list());
    }

    @Test
    void anAddressAnotherPodHasIsRejectedNamingTheFieldAndThePod() {
        dp.pods().attach(TestPods.pod("shop", "owner", "10.0.0.1", "fd00::1"));

        InvalidSpecException e = assertThrows(InvalidSpecException.class,
                () -> dp.pods().attach(TestPods.pod("guest", "thief", "10.0.0.1")));
        assertEquals("interfaces[0].addresses[0]", e.field());
        assertTrue(e.getMessage().contains("shop/owner"), e.getMessage());

        InvalidSpecException v6 = assertThrows(InvalidSpecException.class,
                () -> dp.pods().attach(TestPods.pod("guest", "thief", "10.0.0.2", "fd00::1")));
        assertEquals("interfaces[0].addresses[1]", v6.field());
        assertEquals(1, dp.pods().list().size(), "nothing of the rejected pods stays");
        assertEquals(1, dp.stats().interfaces().size());
    }

    @Test
    void anAddressTwiceInOneSpecIsRejectedBeforeAnythingIsMade() {
        PodSpec twice = PodSpec.builder("ns", "a")
                .addInterface(Veth.of("eth0", TestPods.address("10.0.0.1")))
                .addInterface(Veth.of("eth1", TestPods.address("10.0.0.1")))
                .netns("/var/run/netns/a").build();

        InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> dp.pods().attach(twice));
        assertEquals("interfaces[1].addresses[0]", e.field());
        assertTrue(e.getMessage().contains("interfaces[0].addresses[0]"), e.getMessage());
        assertEquals(List.of(), dp.pods().list());
        assertEquals(List.of(), dp.stats().interfaces());
    }

    @Test
    void invalidLabelsAndNamedPortsAreRejectedNamingThePodSpecField() {
        PodSpec badLabel = TestPods.builder("ns", "a", Map.of("app", "not ok"), "10.0.0.1").build();
        InvalidSpecException label = assertThrows(InvalidSpecException.class, () -> dp.pods().attach(badLabel));
        assertEquals("labels.app", label.field());

        PodSpec namedTwice = TestPods.builder("ns", "b", Map.of(), "10.0.0.2")
                .addNamedPort(new NamedPort("http", Protocol.TCP, 8080))
                .addNamedPort(new NamedPort("http", Protocol.TCP, 8081)).build();
        InvalidSpecException port = assertThrows(InvalidSpecException.class, () -> dp.pods().attach(namedTwice));
        assertEquals("namedPorts[1]", port.field());

        assertEquals(List.of(), dp.pods().list());
        assertEquals(List.of(), dp.stats().interfaces());
        PodAttachment fine = dp.pods().attach(TestPods.pod("ns", "a", "10.0.0.1"));
        assertTrue(fine.isAttached(), "a rejected attach leaves the dataplane usable");
    }

    @Test
    void afXdpInterfacesNeedACapabilityMemoryLacks() {
        PodSpec afXdp = PodSpec.builder("ns", "xdp")
                .addInterface(Veth.of("eth0", TestPods.address("10.0.0.6")))
                .addInterface(new AfXdp("xsk0", List.of(TestPods.address("10.0.0.7")), List.of(), 1500, Optional.empty(), 1, AfXdp.XdpMode.AUTO))
                .netns("/var/run/netns/xdp").build();
        UnsupportedCapabilityException x = assertThrows(UnsupportedCapabilityException.class, () -> dp.pods().attach(afXdp));
        assertEquals(Capability.AF_XDP_POD, x.capability());
        assertTrue(x.getMessage().contains("AF_XDP_POD") && x.getMessage().contains("interfaces[1]"), x.getMessage());
        assertEquals("memory", x.provider());

        assertEquals(List.of(), dp.pods().list());
        assertEquals(List.of(), dp.stats().interfaces(), "the veth of the rejected pod was not made either");
    }

    @Test
    void detachIsIdempotent() {
        PodAttachment a = dp.pods().attach(TestPods.pod("ns", "a", "10.0.0.1"));
        assertTrue(dp.pods().detach("ns/a"));
        assertFalse(dp.pods().detach("ns/a"));
        assertFalse(a.isAttached());
        a.detach();
        a.close();
        assertEquals(List.of(), dp.pods().list());

        PodAttachment b = dp.pods().attach(TestPods.pod("ns", "b", "10.0.0.2"));
        b.detach();
        b.detach();
        assertFalse(dp.pods().detach("ns/b"));
        assertEquals(List.of(), dp.stats().interfaces());
    }

    @Test
    void anOldHandleDoesNotDetachANewPodWithTheSameUid() {
        PodAttachment old = dp.pods().attach(TestPods.pod("ns", "a", "10.0.0.1"));
        old.detach();
        PodAttachment current = dp.pods().attach(TestPods.pod("ns", "a", "10.0.0.1"));

        old.detach();
        assertTrue(current.isAttached());
        assertEquals(List.of(current), dp.pods().list());
    }

    @Test
    void detachingAPodBetweenOthersKeepsEveryoneElseWorking() {
        PodAttachment a = dp.pods().attach(TestPods.pod("ns", "a", "10.0.0.1"));
        dp.pods().attach(TestPods.pod("ns", "b", "10.0.0.2"));
        PodAttachment c = dp.pods().attach(TestPods.pod("ns", "c", "10.0.0.3"));

        assertTrue(dp.pods().detach("ns/b"), "the pod in the middle leaves a gap among the policy endpoints");
        assertTrue(network.ping(a, IpAddress.parse("10.0.0.3")));
        assertEquals(1, dp.policies().apply(PolicySet.EMPTY), "policy still compiles with the gap");
        PodAttachment d = dp.pods().attach(TestPods.pod("ns", "d", "10.0.0.4"));
        assertTrue(network.ping(d, IpAddress.parse("10.0.0.1")), "a pod filling the gap works");
        assertTrue(network.ping(c, IpAddress.parse("10.0.0.4")));
    }

    @Test
    void aPodMayHaveAnyUidEvenOneLikeTheStandInsOfFreeEndpoints() {
        dp.pods().attach(TestPods.pod("ns", "a", "10.0.0.1"));
        dp.pods().attach(TestPods.pod("ns", "b", "10.0.0.2"));
        dp.pods().attach(TestPods.pod("ns", "c", "10.0.0.3"));
        PodAttachment d = dp.pods().attach(TestPods.pod("ns", "d", "10.0.0.4"));
        dp.pods().detach("ns/b");
        dp.pods().detach("ns/c");

        for (int slot = 0; slot < 4; slot++) {
            String uid = "(free slot " + slot + ")";
            PodAttachment odd = dp.pods().attach(TestPods.builder("ns", "odd" + slot, Map.of(), "10.0.1." + slot).uid(uid).build());
            assertTrue(network.ping(odd, IpAddress.parse("10.0.0.4")), uid);
            assertTrue(network.ping(d, IpAddress.parse("10.0.1." + slot)), uid);
            odd.detach();
        }
    }

    @Test
    void closeDetachesEveryPodAndSaysSo() {
        EventLog events = new EventLog();
        dp.subscribe(events);
        List<PodAttachment> pods = List.of(
                dp.pods().attach(TestPods.pod("ns", "a", "10.0.0.1")),
                dp.pods().attach(TestPods.pod("ns", "b", "10.0.0.2")),
                dp.pods().attach(TestPods.pod("other", "c", "10.0.0.3", "fd00::3")));

        dp.close();

        for (PodAttachment pod : pods) {
            assertFalse(pod.isAttached(), pod + " is detached");
            events.await(DataplaneEvent.PodDetached.class, e -> e.podUid().equals(pod.spec().uid()));
        }
        assertEquals(List.of(), dp.pods().list());
        assertThrows(IllegalStateException.class, () -> dp.pods().attach(TestPods.pod("ns", "late", "10.0.0.9")));
        assertThrows(IllegalStateException.class, () -> dp.policies().apply(PolicySet.EMPTY));
        dp.close(); // idempotent
    }

    @Test
    void attachmentsDescribeWhatWasMade() {
        PodAttachment a = dp.pods().attach(TestPods.pod("ns", "a", "10.0.0.1", "fd00::1"));
        var eth0 = a.interfaces().getFirst();
        assertEquals(List.of(InterfaceAddress.parse("10.0.0.1/32"), InterfaceAddress.parse("fd00::1/128")), eth0.addresses());
        assertEquals("ns/a/eth0", eth0.hostName());
        assertFalse(eth0.podMac().isMulticast());
        assertEquals(dp.stats().interfaces().getFirst().index(), eth0.index());
        assertEquals("ns/a", dp.stats().interfaces().getFirst().podUid());
    }
}
