package dev.booster.testkit;

import dev.booster.api.event.DataplaneEvent;
import dev.booster.api.net.IpAddress;
import dev.booster.api.pod.PodAttachment;
import dev.booster.api.pod.PodSpec;
import dev.booster.api.policy.IngressRule;
import dev.booster.api.policy.LabelSelector;
import dev.booster.api.policy.NetworkPolicy;
import dev.booster.api.policy.NetworkPolicyPeer;
import dev.booster.api.policy.NetworkPolicyPort;
import dev.booster.api.policy.NetworkPolicySpec;
import dev.booster.api.policy.PolicySet;
import dev.booster.api.policy.PolicyType;
import dev.booster.engine.frame.ParsedFrame;
import dev.booster.engine.trace.PacketTrace;
import dev.booster.engine.trace.TraceFilter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Policy handling of {@link dev.booster.engine.dataplane.EngineDataplane}, on the memory provider.
 *
 * <p>Not tested: a policy set the compiler rejects. {@code PolicyCompiler} rejects only invalid endpoints (which
 * attach now refuses up front) and classifiers over {@code 2^31} words (beyond any test's memory); every
 * {@link PolicySet} that constructs compiles. The reject path ({@code PolicyRejected}, previous policy kept) has no
 * input that reaches it.
 */
class EngineDataplanePolicyTest {
    private static final int SYN = 0x02;
    private static final int ACK = 0x10;
    private static final int SYN_ACK = SYN | ACK;

    private final MemoryDataplane dp = MemoryDataplane.of(TestPods.openMemory());
    private final MemoryPodNetwork network = new MemoryPodNetwork(dp);

    @AfterEach
    void close() {
        dp.close();
    }

    @Test
    void eachApplyIsANewGenerationAndSaysSo() {
        EventLog events = new EventLog();
        dp.subscribe(events);
        assertEquals(0, dp.policies().generation());
        assertEquals(PolicySet.EMPTY, dp.policies().current());

        PolicySet first = PolicySet.of(serverAllowsClient(8080));
        assertEquals(1, dp.policies().apply(first));
        assertEquals(1, events.await(DataplaneEvent.PolicyApplied.class, e -> true).generation());
        PolicySet second = PolicySet.of(serverAllowsClient(9090));
        assertEquals(2, dp.policies().apply(second));
        assertEquals(2, events.await(DataplaneEvent.PolicyApplied.class, e -> true).generation());

        assertEquals(2, dp.policies().generation());
        assertEquals(second, dp.policies().current());
    }

    @Test
    void aMissingPolicySetIsRefusedAndChangesNothing() {
        dp.policies().apply(PolicySet.of(serverAllowsClient(8080)));
        assertThrows(NullPointerException.class, () -> dp.policies().apply(null));
        assertEquals(1, dp.policies().generation());
    }

    @Test
    void aPodGettingAPolicyIsAffectedAtOnceAndAPodLeavingItsSelectorIsNot() {
        PodAttachment client = dp.pods().attach(TestPods.builder("shop", "client", Map.of("app", "client"), "10.0.0.1").build());
        dp.policies().apply(PolicySet.of(serverAllowsClient(8080)));
        PodAttachment server = dp.pods().attach(TestPods.builder("shop", "server", Map.of("app", "server"), "10.0.0.2").build());
        network.listen(server, 8080);
        network.listen(server, 9090);

        assertTrue(network.tcpConnect(client, ip("10.0.0.2"), 8080), "the policy selecting a new pod is in force at once");
        assertFalse(network.tcpConnect(client, ip("10.0.0.2"), 9090), "the first packet already meets the policy");
    }

    @Test
    void aPodRelabeledInPlaceMeetsThePolicyOfItsNewLabelsAtOnceAndKeepsItsInterface() {
        PodAttachment client = dp.pods().attach(TestPods.builder("shop", "client", Map.of("app", "client"), "10.0.0.1").build());
        PodAttachment server = dp.pods().attach(TestPods.builder("shop", "server", Map.of("app", "server"), "10.0.0.2").build());
        dp.policies().apply(PolicySet.of(serverAllowsClient(8080)));
        network.listen(server, 8080);
        assertTrue(network.tcpConnect(client, ip("10.0.0.2"), 8080));
        int interfaceIndex = client.interfaces().getFirst().index();

        PodAttachment relabeled = dp.pods().update(withLabels(client.spec(), Map.of("app", "intruder")));

        assertFalse(network.tcpConnect(client, ip("10.0.0.2"), 8080), "no longer selected by the policy's peer");
        assertEquals(Map.of("app", "intruder"), relabeled.spec().labels());
        assertEquals(interfaceIndex, relabeled.interfaces().getFirst().index(), "the interface stays");
        assertTrue(client.isAttached());
        dp.pods().update(withLabels(client.spec(), Map.of("app", "client")));
        assertTrue(network.tcpConnect(client, ip("10.0.0.2"), 8080), "selected again");
    }

    private static PodSpec withLabels(PodSpec spec, Map<String, String> labels) {
        return new PodSpec(spec.uid(), spec.namespace(), spec.name(), labels, spec.netns(), spec.interfaces(), spec.namedPorts());
    }

    /**
     * The safety case for recompiling on every endpoint change: a flow allowed to pod B must not carry on to pod C
     * that took B's address (and endpoint id), when C's policy denies it. Without a new compilation number the flow
     * would still carry the tag it was allowed under and skip classification.
     */
    @Test
    void aFlowAllowedToADetachedPodIsClassifiedAgainForThePodThatTookItsAddress() {
        dp.policies().apply(PolicySet.of(serverAllowsClient(8080), vaultAcceptsNothing()));
        MemoryPod a = MemoryPod.of(dp.pods().attach(TestPods.builder("shop", "client", Map.of("app", "client"), "10.0.0.1").build()));
        MemoryPod b = MemoryPod.of(dp.pods().attach(TestPods.builder("shop", "server", Map.of("app", "server"), "10.0.0.2").build()));
        long generation = dp.policies().generation();

        a.send(a.frameTo(b.ipv4()).tcp(40000, 8080, SYN).build());
        assertTrue(b.receive().isPresent(), "SYN allowed by server-allows-client");
        b.send(b.frameTo(a.ipv4()).tcp(8080, 40000, SYN_ACK).build());
        assertTrue(a.receive().isPresent(), "SYN-ACK");
        a.send(a.frameTo(b.ipv4()).tcp(40000, 8080, ACK).build());
        assertTrue(b.receive().isPresent(), "the flow is established");

        b.attachment().detach();
        MemoryPod c = MemoryPod.of(dp.pods().attach(TestPods.builder("shop", "vault", Map.of("app", "vault"), "10.0.0.2").build()));
        assertEquals(generation, dp.policies().generation(), "the policy set did not change; only the endpoints did");

        long denied = dp.stats().drops("policy-deny");
        dp.traceAdd(1, TraceFilter.any());
        a.send(a.frameTo(c.ipv4()).tcp(40000, 8080, ACK).build());
        assertTrue(c.receive().isEmpty(), "the vault never sees the old flow");
        assertEquals(denied + 1, dp.stats().drops("policy-deny"));
        PacketTrace trace = dp.traces().getLast();
        assertTrue(trace.has("conntrack-lookup", "classify again"), trace.toString());
        assertTrue(trace.has("policy-ingress", "deny") && trace.has("policy-ingress", "default deny"), trace.toString());

        c.send(c.frameTo(a.ipv4()).tcp(8080, 40000, ACK).build());
        assertTrue(a.receive().isEmpty(), "the flow is denied now, so its replies stop too");
    }

    /**
     * The same case from the other side: C answers on B's old flow before A sends again. A reply meeting a flow decided
     * under older endpoints makes the engine judge the flow's forward direction again (A's egress, C's ingress), so
     * C's policy, which allows nothing, stops it.
     */
    @Test
    void aReplyOnAnOldFlowFromThePodThatTookTheAddressIsDenied() {
        dp.policies().apply(PolicySet.of(serverAllowsClient(8080), vaultIsolated()));
        MemoryPod a = MemoryPod.of(dp.pods().attach(TestPods.builder("shop", "client", Map.of("app", "client"), "10.0.0.1").build()));
        MemoryPod b = MemoryPod.of(dp.pods().attach(TestPods.builder("shop", "server", Map.of("app", "server"), "10.0.0.2").build()));
        a.send(a.frameTo(b.ipv4()).tcp(40000, 8080, SYN).build());
        assertTrue(b.receive().isPresent());

        b.attachment().detach();
        MemoryPod c = MemoryPod.of(dp.pods().attach(TestPods.builder("shop", "vault", Map.of("app", "vault"), "10.0.0.2").build()));
        dp.traceAdd(1, TraceFilter.any());
        c.send(c.frameTo(a.ipv4()).tcp(8080, 40000, SYN_ACK).build());
        List<byte[]> got = a.receiveAll();
        assertEquals(List.of(), got.stream().map(ParsedFrame::parse).toList(), dp.traces().toString());
        assertTrue(dp.traces().getLast().has("conntrack-lookup", "classify the flow's forward direction again"), dp.traces().toString());
    }

    private static IpAddress ip(String text) {
        return IpAddress.parse(text);
    }

    /** shop/server accepts TCP on {@code port} from shop/client. */
    static NetworkPolicy serverAllowsClient(int port) {
        return NetworkPolicy.of("shop", "server-allows-client", NetworkPolicySpec.of(LabelSelector.matchLabels(Map.of("app", "server")),
                List.of(PolicyType.INGRESS), List.of(IngressRule.allow(
                        List.of(NetworkPolicyPeer.pods(LabelSelector.matchLabels(Map.of("app", "client")))),
                        List.of(NetworkPolicyPort.tcp(port)))), List.of()));
    }

    /** shop/vault accepts nothing. */
    private static NetworkPolicy vaultAcceptsNothing() {
        return NetworkPolicy.of("shop", "vault-accepts-nothing", NetworkPolicySpec.of(LabelSelector.matchLabels(Map.of("app", "vault")),
                List.of(PolicyType.INGRESS), List.of(), List.of()));
    }

    /** shop/vault neither accepts nor sends anything. */
    private static NetworkPolicy vaultIsolated() {
        return NetworkPolicy.of("shop", "vault-isolated", NetworkPolicySpec.of(LabelSelector.matchLabels(Map.of("app", "vault")),
                List.of(PolicyType.INGRESS, PolicyType.EGRESS), List.of(), List.of()));
    }
}
