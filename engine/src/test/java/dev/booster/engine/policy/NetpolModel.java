package dev.booster.engine.policy;

import dev.booster.api.net.Ip4Address;
import dev.booster.api.net.IpAddress;
import dev.booster.api.pod.NamedPort;
import dev.booster.api.policy.NetworkPolicy;
import dev.booster.api.policy.PolicySet;
import dev.booster.api.policy.PolicyType;
import dev.booster.api.policy.Protocol;
import dev.booster.api.policy.Tier;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The cluster of Kubernetes' NetworkPolicy e2e tests ({@code test/e2e/network/netpol}): namespaces x, y and z
 * (labelled {@code ns=<name>}), pods a, b and c in each (labelled {@code pod=<name>}), every pod serving TCP, UDP and
 * SCTP on 80 and 81 under the named ports {@code serve-80-tcp}, {@code serve-81-udp}... All nine pods are local; a
 * remote DNS pod lives in kube-system, and a remote pod z/d serves {@code serve-81-udp} on 8081 instead of 81.
 *
 * <p>A connection from one pod to another is allowed when the client's egress and the server's ingress both allow it
 * (each checked only where the pod is local). Every decision is taken by both evaluators, which must agree.
 */
final class NetpolModel {
    static final List<String> NAMESPACES = List.of("x", "y", "z");
    static final List<String> POD_NAMES = List.of("a", "b", "c");

    record Pod(String namespace, String name, PolicyEndpoint endpoint) {
        String key() {
            return namespace + "/" + name;
        }

        IpAddress ip() {
            return endpoint.addresses().getFirst();
        }

        boolean is(String key) {
            return key().equals(key);
        }
    }

    /** Both evaluators for one policy set. */
    record Evaluators(CompiledPolicy compiled, ReferenceEvaluator reference) {
    }

    private final List<Pod> pods = new ArrayList<>();
    private final Map<String, Map<String, String>> namespaceLabels = new LinkedHashMap<>();

    NetpolModel() {
        int id = 0;
        for (int n = 0; n < NAMESPACES.size(); n++) {
            String ns = NAMESPACES.get(n);
            namespaceLabels.put(ns, Map.of("ns", ns));
            for (int p = 0; p < POD_NAMES.size(); p++) {
                pods.add(pod(id++, ns, POD_NAMES.get(p), ip(n, p), servedPorts(81)));
            }
        }
        namespaceLabels.put("kube-system", Map.of());
        pods.add(pod(PolicyEndpoint.REMOTE, "kube-system", "dns", new Ip4Address(0x0A00_0935), // 10.0.9.53
                List.of(new NamedPort("dns", Protocol.UDP, 53), new NamedPort("dns-tcp", Protocol.TCP, 53))));
        pods.add(pod(PolicyEndpoint.REMOTE, "z", "d", ip(2, 3), servedPorts(8081)));
    }

    private static Pod pod(int id, String ns, String name, Ip4Address ip, List<NamedPort> ports) {
        return new Pod(ns, name, new PolicyEndpoint(id, ns + "-" + name, ns, Map.of("pod", name), List.of(ip), ports));
    }

    /** 10.0.(ns+1).(pod+1) */
    private static Ip4Address ip(int namespace, int pod) {
        return new Ip4Address(0x0A00_0000 | (namespace + 1) << 8 | (pod + 1));
    }

    private static List<NamedPort> servedPorts(int udp81) {
        List<NamedPort> ports = new ArrayList<>();
        for (Protocol protocol : Protocol.values()) {
            String suffix = protocol.name().toLowerCase();
            ports.add(new NamedPort("serve-80-" + suffix, protocol, 80));
            ports.add(new NamedPort("serve-81-" + suffix, protocol, protocol == Protocol.UDP ? udp81 : 81));
        }
        return ports;
    }

    Pod pod(String key) {
        return pods.stream().filter(p -> p.is(key)).findFirst().orElseThrow(() -> new IllegalArgumentException("no pod " + key));
    }

    List<Pod> localPods() {
        return pods.stream().filter(p -> p.endpoint().isLocal()).toList();
    }

    List<PolicyEndpoint> endpoints() {
        return pods.stream().map(Pod::endpoint).toList();
    }

    PolicySet policies(NetworkPolicy... policies) {
        return policies(List.of(), policies);
    }

    PolicySet policies(List<Tier> tiers, NetworkPolicy... policies) {
        return new PolicySet(List.of(policies), tiers, namespaceLabels);
    }

    Evaluators evaluators(PolicySet set) {
        return new Evaluators(PolicyCompiler.compile(set, endpoints(), 1), new ReferenceEvaluator(set, endpoints()));
    }

    /** The decision at {@code at} for a packet to/from {@code peer}, after checking both evaluators agree on it. */
    ReferenceEvaluator.Decision decide(Evaluators e, Pod at, PolicyType direction, IpAddress peer, Protocol protocol, int port) {
        return decide(e, at, direction, peer, protocol.number(), port);
    }

    ReferenceEvaluator.Decision decide(Evaluators e, Pod at, PolicyType direction, IpAddress peer, int protocol, int port) {
        int id = at.endpoint().id();
        ReferenceEvaluator.Decision expected = e.reference().evaluate(id, direction, peer, protocol, port);
        int verdict = e.compiled().classify4(id, direction, ((Ip4Address) peer).bits(), protocol, port);
        ReferenceEvaluator.Decision actual = new ReferenceEvaluator.Decision(Verdict.isAllow(verdict), e.compiled().rule(Verdict.ruleId(verdict)));
        assertEquals(expected, actual, () -> "compiled and reference disagree at " + at.key() + " " + direction + " peer " + peer + " " + protocol + "/" + port);
        return expected;
    }

    boolean connects(Evaluators e, Pod from, Pod to, Protocol protocol, int port) {
        return connects(e, from, to, protocol.number(), port);
    }

    /** @param protocol an IP protocol number, e.g. 1 for ICMP (with port 0) */
    boolean connects(Evaluators e, Pod from, Pod to, int protocol, int port) {
        boolean egress = !from.endpoint().isLocal() || decide(e, from, PolicyType.EGRESS, to.ip(), protocol, port).allowed();
        boolean ingress = !to.endpoint().isLocal() || decide(e, to, PolicyType.INGRESS, from.ip(), protocol, port).allowed();
        return egress && ingress;
    }

    /**
     * Checks every connection between the nine local pods against {@code expected}, as the e2e tests' reachability
     * matrix does, and reports the whole matrix when any cell is wrong.
     */
    void assertReachability(PolicySet set, Protocol protocol, int port, BiPredicate<Pod, Pod> expected) {
        Evaluators e = evaluators(set);
        StringBuilder matrix = new StringBuilder("from\\to ");
        for (Pod to : localPods()) matrix.append(String.format("%-4s", to.key()));
        boolean wrong = false;
        for (Pod from : localPods()) {
            matrix.append(String.format("%n%-8s", from.key()));
            for (Pod to : localPods()) {
                boolean actual = connects(e, from, to, protocol, port);
                boolean want = expected.test(from, to);
                wrong |= actual != want;
                matrix.append(String.format("%-4s", (actual ? "." : "X") + (actual != want ? "!" : "")));
            }
        }
        if (wrong) fail(protocol + "/" + port + " reachability differs where marked '!' (X = blocked, . = connected):\n" + matrix);
    }
}
