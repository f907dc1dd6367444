package dev.booster.testkit.conformance;

import dev.booster.api.Capability;
import dev.booster.api.Dataplane;
import dev.booster.api.net.InterfaceAddress;
import dev.booster.api.net.IpAddress;
import dev.booster.api.pod.PodAttachment;
import dev.booster.api.pod.PodSpec;
import dev.booster.api.policy.IngressRule;
import dev.booster.api.policy.LabelSelector;
import dev.booster.api.policy.Labels;
import dev.booster.api.policy.NetworkPolicy;
import dev.booster.api.policy.NetworkPolicyPeer;
import dev.booster.api.policy.NetworkPolicyPort;
import dev.booster.api.policy.NetworkPolicySpec;
import dev.booster.api.policy.PolicySet;
import dev.booster.api.policy.PolicyType;
import dev.booster.api.stats.InterfaceCounters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The end-to-end behaviour every provider must show, whatever moves its packets: pods reach each other over IPv4
 * and IPv6 with ICMP, TCP and UDP; counters count; NetworkPolicy allows, denies, keeps state and can be replaced or
 * removed live; detaching frees a pod's address; attach/detach cycles leak nothing; a memif pod is reached and policed
 * as a veth pod is.
 *
 * <p>A backend runs it by extending this class in its own tests (depend on {@code booster-testkit} with
 * {@code <type>test-jar</type>}) and implementing the hooks: how to open its dataplane, its {@link PodNetwork}, whether
 * its counters are exact, and what "no leaks" means for it. Scenarios needing a capability the backend lacks are
 * skipped (IPv6, policy, stateful policy).
 */
public abstract class DataplaneConformanceSuite {
    private static final String A4 = "10.244.1.10";
    private static final String A6 = "fd00:244:1::10";
    private static final String B4 = "10.244.2.20";
    private static final String B6 = "fd00:244:2::20";
    private static final String C4 = "10.244.3.30";
    private static final String C6 = "fd00:244:3::30";
    /** Inside the pods' range but owned by no pod. */
    private static final String NOBODY4 = "10.244.9.99";

    protected Dataplane dataplane;
    protected PodNetwork network;

    /** A new dataplane of the backend under test, with no pods and no policy; closed after each test. */
    protected abstract Dataplane openDataplane();

    /** The backend's pods and traffic around {@code dataplane}; closed after each test, after the dataplane. */
    protected abstract PodNetwork podNetwork(Dataplane dataplane);

    /**
     * Whether the backend's counters count exactly the packets the {@link PodNetwork} exchanged (the memory backend),
     * or at least them (a real network adds ARP, neighbour discovery and retransmissions).
     */
    protected abstract boolean exactCounters();

    /** Asserts that the idle dataplane holds nothing it should have released (buffers, host devices...). */
    protected abstract void assertNoLeaks(Dataplane dataplane);

    @BeforeEach
    final void openBackend() {
        dataplane = openDataplane();
        network = podNetwork(dataplane);
    }

    @AfterEach
    final void closeBackend() {
        try {
            if (dataplane != null) dataplane.close();
        } finally {
            if (network != null) network.close();
        }
    }

    @Test
    void podsInTwoNamespacesPingEachOtherBothWaysOverIpv4AndIpv6() {
        PodAttachment a = attach("alpha", "a", A4, A6);
        PodAttachment b = attach("beta", "b", B4, B6);

        assertTrue(network.ping(a, ip(B4)), "a -> b IPv4");
        assertTrue(network.ping(b, ip(A4)), "b -> a IPv4");
        assertFalse(network.ping(a, ip(NOBODY4)), "an address no pod has answers nothing");
        if (ipv6()) {
            assertTrue(network.ping(a, ip(B6)), "a -> b IPv6");
            assertTrue(network.ping(b, ip(A6)), "b -> a IPv6");
        }
    }

    @Test
    void tcpConnectsAndUdpIsEchoedBothWays() {
        PodAttachment a = attach("alpha", "a", A4, A6);
        PodAttachment b = attach("beta", "b", B4, B6);
        network.listen(a, 8080);
        network.listen(b, 8080);

        assertTrue(network.tcpConnect(a, ip(B4), 8080), "a -> b TCP/8080");
        assertTrue(network.tcpConnect(b, ip(A4), 8080), "b -> a TCP/8080");
        assertFalse(network.tcpConnect(a, ip(B4), 8081), "nothing listens on b TCP/8081: refused");
        assertTrue(network.udp(a, ip(B4), 5353), "a -> b UDP/5353");
        assertTrue(network.udp(b, ip(A4), 5353), "b -> a UDP/5353");
        if (ipv6()) {
            assertTrue(network.tcpConnect(a, ip(B6), 8080), "a -> b TCP/8080 IPv6");
            assertTrue(network.tcpConnect(b, ip(A6), 8080), "b -> a TCP/8080 IPv6");
            assertTrue(network.udp(a, ip(B6), 5353), "a -> b UDP/5353 IPv6");
            assertTrue(network.udp(b, ip(A6), 5353), "b -> a UDP/5353 IPv6");
        }
    }

    @Test
    void interfaceCountersCountTheExchangedPackets() {
        PodAttachment a = attach("alpha", "a", A4, A6);
        PodAttachment b = attach("beta", "b", B4, B6);
        PodAttachment idle = attach("gamma", "idle", C4, C6);

        for (int i = 0; i < 3; i++) assertTrue(network.ping(a, ip(B4)));
        for (int i = 0; i < 2; i++) assertTrue(network.udp(b, ip(A4), 7));

        // Each ping and each UDP echo is one packet each way; rx is what the pod sent, tx what it was given.
        assertCounters(a, 5, 5);
        assertCounters(b, 5, 5);
        assertCounters(idle, 0, 0);
        if (exactCounters()) {
            assertEquals(List.of(), dataplane.stats().drops(), "nothing was dropped");
            for (PodAttachment pod : List.of(a, b, idle)) assertEquals(0, counters(pod).drops(), pod + " drops");
        }
    }

    @Test
    void policyAllowsOnlyTcp8080FromAToBStatefullyAndCanBeReplacedAndRemovedLive() {
        assumeTrue(dataplane.capabilities().contains(Capability.POLICY), "the backend enforces no NetworkPolicy");
        assumeTrue(dataplane.capabilities().contains(Capability.STATEFUL_POLICY), "the backend's policy keeps no state");
        PodAttachment a = attach("alpha", "a", A4, A6);
        PodAttachment b = attach("beta", "b", B4, B6);
        network.listen(a, 8080);
        network.listen(b, 8080);
        network.listen(b, 9090);

        long first = dataplane.policies().apply(PolicySet.of(bAcceptsFromA(8080), acceptsNothing("alpha", "a")));
        // a accepts nothing, so the SYN-ACK reaching it proves replies of allowed connections flow (stateful).
        assertTrue(network.tcpConnect(a, ip(B4), 8080), "a -> b TCP/8080 is allowed");
        assertFalse(network.tcpConnect(a, ip(B4), 9090), "a -> b TCP/9090 is not");
        assertFalse(network.tcpConnect(b, ip(A4), 8080), "a is isolated: b -> a is denied");
        assertFalse(network.ping(a, ip(B4)), "ICMP into b is not allowed");
        int denied = 3;
        if (ipv6()) {
            assertTrue(network.tcpConnect(a, ip(B6), 8080), "a -> b TCP/8080 over IPv6 is allowed");
            assertFalse(network.tcpConnect(a, ip(B6), 9090), "a -> b TCP/9090 over IPv6 is not");
            denied++;
        }
        assertCount("policy-deny drops", denied, dataplane.stats().drops("policy-deny"));

        long second = dataplane.policies().apply(PolicySet.of(bAcceptsFromA(9090), acceptsNothing("alpha", "a")));
        assertEquals(first + 1, second, "each apply is a new generation");
        assertTrue(network.tcpConnect(a, ip(B4), 9090), "after the replacement TCP/9090 is allowed");
        assertFalse(network.tcpConnect(a, ip(B4), 8080), "and TCP/8080 no longer");

        long third = dataplane.policies().apply(PolicySet.EMPTY);
        assertEquals(second + 1, third);
        assertTrue(network.tcpConnect(a, ip(B4), 8080), "no policy: everything is open");
        assertTrue(network.tcpConnect(a, ip(B4), 9090));
        assertTrue(network.tcpConnect(b, ip(A4), 8080));
        assertTrue(network.ping(a, ip(B4)));
        assertTrue(network.ping(b, ip(A4)));
    }

    @Test
    void aMemifPodIsReachedAndPolicedExactlyLikeAVethPod() {
        assumeTrue(dataplane.capabilities().contains(Capability.MEMIF), "the backend has no memif pods");
        PodAttachment a = attach("alpha", "a", A4, A6);
        PodSpec spec = network.memifPod("beta", "m", Map.of("app", "m"), addresses(B4, B6));
        PodAttachment m = dataplane.pods().attach(spec);

        assertTrue(network.ping(a, ip(B4)), "a -> memif pod ICMP");
        assertTrue(network.udp(a, ip(B4), 5353), "a -> memif pod UDP/5353");
        if (ipv6()) {
            assertTrue(network.ping(a, ip(B6)), "a -> memif pod ICMPv6");
            assertTrue(network.udp(a, ip(B6), 5353), "a -> memif pod UDP/5353 over IPv6");
        }
        InterfaceCounters memif = counters(m);
        int exchanges = ipv6() ? 4 : 2;
        assertCount("memif pod tx packets", exchanges, memif.txPackets());
        assertCount("memif pod rx packets", exchanges, memif.rxPackets());

        if (dataplane.capabilities().contains(Capability.POLICY)) {
            dataplane.policies().apply(PolicySet.of(acceptsUdpFromA("beta", "m", 5353)));
            assertTrue(network.udp(a, ip(B4), 5353), "UDP/5353 from a is allowed into the memif pod");
            assertFalse(network.udp(a, ip(B4), 5354), "UDP/5354 is not");
            assertFalse(network.ping(a, ip(B4)), "nor ICMP");
            assertCount("policy-deny drops", 2, dataplane.stats().drops("policy-deny"));
            dataplane.policies().apply(PolicySet.EMPTY);
            assertTrue(network.ping(a, ip(B4)), "open again without the policy");
        }

        m.detach();
        network.remove(spec);
        assertFalse(network.ping(a, ip(B4)), "a detached memif pod answers nothing");
    }

    @Test
    void aDetachedPodIsUnreachableAndAnotherPodCanTakeItsAddress() {
        PodAttachment a = attach("alpha", "a", A4, A6);
        PodAttachment b = attach("beta", "b", B4, B6);
        assertTrue(network.ping(a, ip(B4)));

        b.detach();
        network.remove(b.spec());
        assertFalse(b.isAttached());
        assertTrue(dataplane.pods().get(b.spec().uid()).isEmpty());
        assertFalse(network.ping(a, ip(B4)), "b's address answers nothing once b is gone");

        PodAttachment c = attach("gamma", "c", B4, B6);
        assertTrue(network.ping(a, ip(B4)), "c answers on the address b had");
        assertTrue(network.ping(c, ip(A4)), "and reaches a from it");
        if (ipv6()) assertTrue(network.ping(a, ip(B6)));
    }

    @Test
    void attachDetachCyclesLeaveNoPodsAndNoLeaks() {
        PodAttachment a = attach("alpha", "a", A4, A6);
        for (int cycle = 0; cycle < 100; cycle++) {
            PodSpec spec = network.pod("beta", "cycler", Map.of("app", "cycler"), addresses(B4, B6));
            PodAttachment cycler = dataplane.pods().attach(spec);
            assertTrue(network.ping(a, ip(B4)), "cycle " + cycle);
            cycler.detach();
            network.remove(spec);
        }
        a.detach();
        network.remove(a.spec());

        assertEquals(List.of(), dataplane.pods().list());
        assertEquals(List.of(), dataplane.stats().interfaces().stream().filter(c -> !c.podUid().isEmpty()).toList(),
                "no pod interface is left");
        assertNoLeaks(dataplane);
    }

    // ---- helpers ---------------------------------------------------------------------------------------------------

    /** Attaches pod {@code name} labelled {@code app=name}; the IPv6 address only where the backend has IPv6. */
    protected PodAttachment attach(String namespace, String name, String ip4, String ip6) {
        return dataplane.pods().attach(network.pod(namespace, name, Map.of("app", name), addresses(ip4, ip6)));
    }

    protected InterfaceAddress[] addresses(String ip4, String ip6) {
        List<InterfaceAddress> list = new ArrayList<>(List.of(InterfaceAddress.parse(ip4 + "/32")));
        if (ipv6()) list.add(InterfaceAddress.parse(ip6 + "/128"));
        return list.toArray(InterfaceAddress[]::new);
    }

    protected boolean ipv6() {
        return dataplane.capabilities().contains(Capability.IPV6);
    }

    protected static IpAddress ip(String address) {
        return IpAddress.parse(address);
    }

    /** Exactly {@code expected} where the backend counts exactly, at least that many elsewhere. */
    protected void assertCount(String what, long expected, long actual) {
        if (exactCounters()) {
            assertEquals(expected, actual, what);
        } else {
            assertTrue(actual >= expected, what + ": expected at least " + expected + ", got " + actual);
        }
    }

    private void assertCounters(PodAttachment pod, long rx, long tx) {
        InterfaceCounters c = counters(pod);
        assertEquals(pod.spec().uid(), c.podUid());
        assertCount(pod + " rx packets", rx, c.rxPackets());
        assertCount(pod + " tx packets", tx, c.txPackets());
        // Bytes follow packets; where counters are a lower bound, an idle pod's kernel may still have spoken (an
        // IPv6 pod sends MLD reports when its link comes up), so only the bytes of counted exchanges are checked.
        if (rx > 0 || exactCounters()) assertEquals(rx > 0, c.rxBytes() > 0, pod + " rx bytes");
        if (tx > 0 || exactCounters()) assertEquals(tx > 0, c.txBytes() > 0, pod + " tx bytes");
    }

    private InterfaceCounters counters(PodAttachment pod) {
        int index = pod.interfaces().getFirst().index();
        return dataplane.stats().interfaces().stream().filter(c -> c.index() == index).findFirst()
                .orElseThrow(() -> new AssertionError("no counters for " + pod + " (interface #" + index + ")"));
    }

    /** beta/b accepts TCP on {@code port} from alpha/a, and nothing else. */
    private static NetworkPolicy bAcceptsFromA(int port) {
        NetworkPolicyPeer a = NetworkPolicyPeer.podsInNamespaces(LabelSelector.matchLabels(Map.of("app", "a")),
                LabelSelector.matchLabels(Map.of(Labels.NAMESPACE_NAME, "alpha")));
        return NetworkPolicy.of("beta", "b-accepts-a", NetworkPolicySpec.of(LabelSelector.matchLabels(Map.of("app", "b")),
                List.of(PolicyType.INGRESS), List.of(IngressRule.allow(List.of(a), List.of(NetworkPolicyPort.tcp(port)))), List.of()));
    }

    /** Pod {@code app} of {@code namespace} accepts UDP on {@code port} from alpha/a, and nothing else. */
    private static NetworkPolicy acceptsUdpFromA(String namespace, String app, int port) {
        NetworkPolicyPeer a = NetworkPolicyPeer.podsInNamespaces(LabelSelector.matchLabels(Map.of("app", "a")),
                LabelSelector.matchLabels(Map.of(Labels.NAMESPACE_NAME, "alpha")));
        return NetworkPolicy.of(namespace, app + "-accepts-udp-from-a", NetworkPolicySpec.of(LabelSelector.matchLabels(Map.of("app", app)),
                List.of(PolicyType.INGRESS), List.of(IngressRule.allow(List.of(a), List.of(NetworkPolicyPort.udp(port)))), List.of()));
    }

    /** Pod {@code app} of {@code namespace} is isolated for ingress with no rule: it accepts no new connection. */
    private static NetworkPolicy acceptsNothing(String namespace, String app) {
        return NetworkPolicy.of(namespace, app + "-accepts-nothing", NetworkPolicySpec.of(
                LabelSelector.matchLabels(Map.of("app", app)), List.of(PolicyType.INGRESS), List.of(), List.of()));
    }
}
