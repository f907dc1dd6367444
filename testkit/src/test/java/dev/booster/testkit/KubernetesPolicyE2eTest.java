package dev.booster.testkit;

import dev.booster.api.Dataplane;
import dev.booster.api.net.IpAddress;
import dev.booster.api.net.IpFamily;
import dev.booster.api.pod.NamedPort;
import dev.booster.api.pod.PodAttachment;
import dev.booster.api.pod.PodSpec;
import dev.booster.api.policy.EgressRule;
import dev.booster.api.policy.IngressRule;
import dev.booster.api.policy.IpBlock;
import dev.booster.api.policy.LabelSelector;
import dev.booster.api.policy.NetworkPolicy;
import dev.booster.api.policy.NetworkPolicyPeer;
import dev.booster.api.policy.NetworkPolicyPort;
import dev.booster.api.policy.NetworkPolicySpec;
import dev.booster.api.policy.PolicySet;
import dev.booster.api.policy.PolicyType;
import dev.booster.api.policy.Protocol;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Scenarios of the Kubernetes network policy e2e tests ({@code test/e2e/network/netpol}), end to end through the
 * memory dataplane: namespaces x, y and z with pods a, b and c each, every pod listening on TCP 80 and 81, and a
 * reachability matrix checked over IPv4 and IPv6 after each policy.
 */
class KubernetesPolicyE2eTest {
    private static final List<String> NAMESPACES = List.of("x", "y", "z");
    private static final List<String> PODS = List.of("a", "b", "c");
    private static final String NAMED_PORT = "serve-80";

    private Dataplane dp;
    private MemoryPodNetwork network;
    /** By {@code namespace/pod}. */
    private final Map<String, PodAttachment> pods = new LinkedHashMap<>();

    @BeforeEach
    void attachPods() {
        dp = TestPods.openMemory();
        network = new MemoryPodNetwork(dp);
        for (int n = 0; n < NAMESPACES.size(); n++) {
            for (int p = 0; p < PODS.size(); p++) {
                String ns = NAMESPACES.get(n);
                String pod = PODS.get(p);
                PodSpec.Builder spec = TestPods.builder(ns, pod, Map.of("pod", pod), "10.0." + (n + 1) + "." + (p + 1), "fd00::" + (n + 1) + ":" + (p + 1));
                // As in the upstream suite, the same port name means different numbers on different pods.
                if (ns.equals("x") && pod.equals("a")) spec.addNamedPort(new NamedPort(NAMED_PORT, Protocol.TCP, 80));
                if (ns.equals("x") && pod.equals("b")) spec.addNamedPort(new NamedPort(NAMED_PORT, Protocol.TCP, 81));
                PodAttachment attached = dp.pods().attach(spec.build());
                network.listen(attached, 80);
                network.listen(attached, 81);
                pods.put(ns + "/" + pod, attached);
            }
        }
    }

    @AfterEach
    void close() {
        dp.close();
    }

    @Test
    void everythingIsReachableWithoutPolicy() {
        assertReachability("no policy", tcp(80), (from, to) -> true);
    }

    @Test
    void defaultDenyIngressIsolatesTheNamespaceButNotItsOutgoingConnections() {
        apply(PolicySet.of(policy("x", "default-deny-ingress", LabelSelector.ALL, List.of(PolicyType.INGRESS), List.of(), List.of())));

        assertReachability("default deny ingress in x", tcp(80), (from, to) -> !ns(to).equals("x"));
    }

    @Test
    void allowFromTheSameNamespaceOnly() {
        IngressRule sameNamespace = IngressRule.allow(List.of(NetworkPolicyPeer.pods(LabelSelector.ALL)), List.of());
        apply(PolicySet.of(policy("x", "allow-same-namespace", LabelSelector.ALL, List.of(PolicyType.INGRESS), List.of(sameNamespace), List.of())));

        assertReachability("only x reaches x", tcp(80), (from, to) -> !ns(to).equals("x") || ns(from).equals("x"));
    }

    @Test
    void namespaceSelectorAndPodSelectorInOnePeerMustBothMatch() {
        PolicySet namespaces = PolicySet.EMPTY.withNamespace("y", Map.of("team", "blue")).withNamespace("z", Map.of("team", "red"));
        NetworkPolicyPeer bInBlue = NetworkPolicyPeer.podsInNamespaces(selector("pod", "b"), selector("team", "blue"));
        NetworkPolicy and = policy("x", "allow-b-in-blue", selector("pod", "a"), List.of(PolicyType.INGRESS),
                List.of(IngressRule.allow(List.of(bInBlue), List.of())), List.of());
        apply(new PolicySet(List.of(and), List.of(), namespaces.namespaceLabels()));

        assertReachability("x/a only from pod b of blue namespaces", tcp(80), (from, to) -> !to.equals("x/a") || from.equals("y/b"));

        // The same selectors as two peers are an OR: every pod of a blue namespace, or pod b of x itself.
        NetworkPolicy or = policy("x", "allow-b-in-blue", selector("pod", "a"), List.of(PolicyType.INGRESS),
                List.of(IngressRule.allow(List.of(NetworkPolicyPeer.namespaces(selector("team", "blue")), NetworkPolicyPeer.pods(selector("pod", "b"))), List.of())), List.of());
        apply(new PolicySet(List.of(or), List.of(), namespaces.namespaceLabels()));

        assertReachability("x/a from blue namespaces or x/b", tcp(80), (from, to) -> !to.equals("x/a") || ns(from).equals("y") || from.equals("x/b"));
    }

    @Test
    void ipBlockWithAnExceptionAllowsTheBlockButNotTheHole() {
        NetworkPolicyPeer block = NetworkPolicyPeer.ipBlock(IpBlock.of("10.0.0.0/16", "10.0.2.0/24")); // y's pods are 10.0.2.x
        apply(PolicySet.of(policy("x", "allow-block", selector("pod", "a"), List.of(PolicyType.INGRESS),
                List.of(IngressRule.allow(List.of(block), List.of())), List.of())));

        assertReachability("x/a from 10.0.0.0/16 except y", tcp4(80), (from, to) -> !to.equals("x/a") || !ns(from).equals("y"));
        assertFalse(network.tcpConnect(pods.get("z/a"), address("x/a", IpFamily.IPV6), 80), "the block is IPv4 only: IPv6 is not in it");
        assertTrue(network.tcpConnect(pods.get("z/a"), address("x/b", IpFamily.IPV6), 80), "x/b is not selected");
    }

    @Test
    void aNamedPortMeansEachPodsOwnNumber() {
        NetworkPolicyPort named = NetworkPolicyPort.named(Protocol.TCP, NAMED_PORT);
        apply(PolicySet.of(policy("x", "allow-named-port", LabelSelector.ALL, List.of(PolicyType.INGRESS),
                List.of(IngressRule.allow(List.of(), List.of(named))), List.of())));

        // x/a names port 80, x/b names port 81, x/c names nothing.
        assertReachability("port 80 into x", tcp(80), (from, to) -> !ns(to).equals("x") || to.equals("x/a"));
        assertReachability("port 81 into x", tcp(81), (from, to) -> !ns(to).equals("x") || to.equals("x/b"));
    }

    @Test
    void anEgressNamedPortMeansTheDestinationsNumber() {
        NetworkPolicyPort named = NetworkPolicyPort.named(Protocol.TCP, NAMED_PORT);
        apply(PolicySet.of(policy("y", "egress-to-named-port", selector("pod", "a"), List.of(PolicyType.EGRESS),
                List.of(), List.of(EgressRule.allow(List.of(), List.of(named))))));

        assertReachability("y/a reaches only x/a on 80", tcp(80), (from, to) -> !from.equals("y/a") || to.equals("x/a"));
        assertReachability("y/a reaches only x/b on 81", tcp(81), (from, to) -> !from.equals("y/a") || to.equals("x/b"));
    }

    @Test
    void endPortMakesAnInclusiveRange() {
        PodAttachment server = pods.get("x/a");
        for (int port : new int[]{7999, 8000, 8050, 8100, 8101}) network.listen(server, port);
        apply(PolicySet.of(policy("x", "allow-range", selector("pod", "a"), List.of(PolicyType.INGRESS),
                List.of(IngressRule.allow(List.of(), List.of(NetworkPolicyPort.range(Protocol.TCP, 8000, 8100)))), List.of())));

        PodAttachment client = pods.get("y/b");
        for (IpFamily family : IpFamily.values()) {
            IpAddress to = address("x/a", family);
            assertFalse(network.tcpConnect(client, to, 7999), "7999 " + family);
            assertTrue(network.tcpConnect(client, to, 8000), "8000 " + family);
            assertTrue(network.tcpConnect(client, to, 8050), "8050 " + family);
            assertTrue(network.tcpConnect(client, to, 8100), "8100 " + family);
            assertFalse(network.tcpConnect(client, to, 8101), "8101 " + family);
        }
        assertFalse(network.udp(client, address("x/a", IpFamily.IPV4), 8050), "the range is for TCP only");
    }

    @Test
    void egressToDnsOnly() {
        apply(PolicySet.of(policy("x", "egress-dns-only", selector("pod", "a"), List.of(PolicyType.EGRESS),
                List.of(), List.of(EgressRule.allow(List.of(), List.of(NetworkPolicyPort.udp(53)))))));

        PodAttachment a = pods.get("x/a");
        for (IpFamily family : IpFamily.values()) {
            IpAddress dns = address("y/b", family);
            assertTrue(network.udp(a, dns, 53), "UDP 53 " + family);
            assertFalse(network.tcpConnect(a, dns, 80), "TCP 80 " + family);
            assertFalse(network.udp(a, dns, 54), "UDP 54 " + family);
            assertFalse(network.ping(a, dns), "ICMP " + family);
        }
        assertReachability("only x/a's egress is limited; its replies still flow", tcp(80), (from, to) -> !from.equals("x/a"));
    }

    // ---- helpers ---------------------------------------------------------------------------------------------------

    @FunctionalInterface
    private interface Probe {
        boolean reaches(PodAttachment from, String to);
    }

    private Probe tcp(int port) {
        return (from, to) -> {
            boolean v4 = network.tcpConnect(from, address(to, IpFamily.IPV4), port);
            boolean v6 = network.tcpConnect(from, address(to, IpFamily.IPV6), port);
            if (v4 != v6) throw new AssertionError(from + " -> " + to + ":" + port + ": IPv4 " + v4 + " but IPv6 " + v6);
            return v4;
        };
    }

    private Probe tcp4(int port) {
        return (from, to) -> network.tcpConnect(from, address(to, IpFamily.IPV4), port);
    }

    /** Probes every ordered pair of distinct pods and lists every pair whose result differs from {@code expected}. */
    private void assertReachability(String what, Probe probe, BiPredicate<String, String> expected) {
        List<String> wrong = new ArrayList<>();
        for (String from : pods.keySet()) {
            for (String to : pods.keySet()) {
                if (from.equals(to)) continue;
                boolean reached = probe.reaches(pods.get(from), to);
                if (reached != expected.test(from, to)) wrong.add(from + " -> " + to + (reached ? " connected" : " was blocked"));
            }
        }
        assertEquals(List.of(), wrong, what);
    }

    private void apply(PolicySet set) {
        dp.policies().apply(set);
    }

    private IpAddress address(String pod, IpFamily family) {
        return pods.get(pod).interfaces().getFirst().addresses().stream().map(a -> a.address())
                .filter(a -> a.family() == family).findFirst().orElseThrow();
    }

    private static String ns(String pod) {
        return pod.substring(0, pod.indexOf('/'));
    }

    private static LabelSelector selector(String key, String value) {
        return LabelSelector.matchLabels(Map.of(key, value));
    }

    private static NetworkPolicy policy(String namespace, String name, LabelSelector podSelector, List<PolicyType> types,
                                        List<IngressRule> ingress, List<EgressRule> egress) {
        return NetworkPolicy.of(namespace, name, NetworkPolicySpec.of(podSelector, types, ingress, egress));
    }
}
