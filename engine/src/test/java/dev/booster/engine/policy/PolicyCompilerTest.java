package dev.booster.engine.policy;

import dev.booster.api.InvalidSpecException;
import dev.booster.api.net.Ip4Address;
import dev.booster.api.net.Ip6Address;
import dev.booster.api.net.IpAddress;
import dev.booster.api.pod.NamedPort;
import dev.booster.api.policy.IngressRule;
import dev.booster.api.policy.IpBlock;
import dev.booster.api.policy.LabelSelector;
import dev.booster.api.policy.NetworkPolicy;
import dev.booster.api.policy.NetworkPolicyPeer;
import dev.booster.api.policy.NetworkPolicyPort;
import dev.booster.api.policy.NetworkPolicySpec;
import dev.booster.api.policy.PolicySet;
import dev.booster.api.policy.Protocol;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.booster.api.policy.PolicyType.EGRESS;
import static dev.booster.api.policy.PolicyType.INGRESS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PolicyCompilerTest {
    private static final int TCP = 6;

    private static PolicyEndpoint endpoint(int id, String uid) {
        return endpoint(id, uid, Map.of("app", "web"), List.of());
    }

    private static PolicyEndpoint endpoint(int id, String uid, Map<String, String> labels, List<NamedPort> namedPorts) {
        IpAddress address = new Ip4Address(0x0A00_0000 + Math.max(0, id) + (id < 0 ? 1000 : 1));
        return new PolicyEndpoint(id, uid, "shop", labels, List.of(address), namedPorts);
    }

    private static PolicySet webIngressFrom(IpBlock... blocks) {
        List<NetworkPolicyPeer> peers = new ArrayList<>();
        for (IpBlock b : blocks) peers.add(NetworkPolicyPeer.ipBlock(b));
        return PolicySet.of(NetworkPolicy.of("shop", "web", NetworkPolicySpec.of(LabelSelector.matchLabels(Map.of("app", "web")),
                List.of(INGRESS), List.of(IngressRule.allow(peers, List.of())), List.of())));
    }

    private static InvalidSpecException compileError(List<PolicyEndpoint> endpoints) {
        return assertThrows(InvalidSpecException.class, () -> PolicyCompiler.compile(PolicySet.EMPTY, endpoints, 1));
    }

    @Test
    void localIdsMustBeDense() {
        InvalidSpecException e = compileError(List.of(endpoint(0, "a"), endpoint(2, "b")));
        assertEquals("endpoints[1].id", e.field());
        assertTrue(e.problem().contains("dense"), e.getMessage());
    }

    @Test
    void localIdsMustBeUnique() {
        InvalidSpecException e = compileError(List.of(endpoint(0, "a"), endpoint(1, "b"), endpoint(1, "c")));
        assertEquals("endpoints[2].id", e.field());
        assertTrue(e.problem().contains("already used by b"), e.getMessage());
    }

    @Test
    void remoteEndpointsMayShareTheRemoteIdButNotGoBelowIt() {
        PolicyCompiler.compile(PolicySet.EMPTY, List.of(endpoint(0, "a"), endpoint(PolicyEndpoint.REMOTE, "r1"), endpoint(PolicyEndpoint.REMOTE, "r2")), 1);
        assertEquals("endpoints[1].id", compileError(List.of(endpoint(0, "a"), endpoint(-2, "b"))).field());
    }

    @Test
    void uidsMustBeUnique() {
        assertEquals("endpoints[1].uid", compileError(List.of(endpoint(0, "a"), endpoint(PolicyEndpoint.REMOTE, "a"))).field());
    }

    @Test
    void endpointsNeedANamespaceAndValidLabels() {
        PolicyEndpoint noNamespace = new PolicyEndpoint(0, "a", "", Map.of(), List.of(), List.of());
        assertEquals("endpoints[0].namespace", compileError(List.of(noNamespace)).field());
        InvalidSpecException badLabel = compileError(List.of(endpoint(0, "a", Map.of("app", "not valid!"), List.of())));
        assertEquals("endpoints[0].labels.app", badLabel.field());
    }

    @Test
    void aPodsPortNamesMustBeUniquePerProtocol() {
        List<NamedPort> ports = List.of(new NamedPort("http", Protocol.TCP, 80), new NamedPort("http", Protocol.UDP, 80),
                new NamedPort("http", Protocol.TCP, 8080));
        assertEquals("endpoints[0].namedPorts[2]", compileError(List.of(endpoint(0, "a", Map.of(), ports))).field());
    }

    @Test
    void endpointsWithTheSameRulesShareOneClassifier() {
        List<PolicyEndpoint> endpoints = new ArrayList<>();
        for (int i = 0; i < 100; i++) endpoints.add(endpoint(i, "web-" + i));
        BitmapPolicy compiled = (BitmapPolicy) PolicyCompiler.compile(webIngressFrom(IpBlock.of("10.0.0.0/8")), endpoints, 1);
        assertEquals(1, compiled.distinctClassifiers());
    }

    @Test
    void ingressNamedPortsSplitSharingByTheEndpointsOwnPorts() {
        PolicySet set = PolicySet.of(NetworkPolicy.of("shop", "web", NetworkPolicySpec.of(LabelSelector.ALL, List.of(INGRESS),
                List.of(IngressRule.allow(List.of(), List.of(NetworkPolicyPort.named(Protocol.TCP, "http")))), List.of())));
        List<NamedPort> on80 = List.of(new NamedPort("http", Protocol.TCP, 80));
        List<NamedPort> on8080 = List.of(new NamedPort("http", Protocol.TCP, 8080));
        List<PolicyEndpoint> endpoints = List.of(endpoint(0, "a", Map.of(), on80), endpoint(1, "b", Map.of(), on80), endpoint(2, "c", Map.of(), on8080));
        BitmapPolicy compiled = (BitmapPolicy) PolicyCompiler.compile(set, endpoints, 1);
        assertEquals(2, compiled.distinctClassifiers());
        assertTrue(Verdict.isAllow(compiled.classify4(1, INGRESS, 0x0A00_0003, TCP, 80)));
        assertFalse(Verdict.isAllow(compiled.classify4(2, INGRESS, 0x0A00_0003, TCP, 80)));
        assertTrue(Verdict.isAllow(compiled.classify4(2, INGRESS, 0x0A00_0003, TCP, 8080)));
    }

    @Test
    void anUnknownEndpointIsDeniedWithoutAnException() {
        CompiledPolicy compiled = PolicyCompiler.compile(PolicySet.EMPTY, List.of(endpoint(0, "a")), 1);
        for (int id : new int[]{1, -1, Integer.MIN_VALUE}) {
            int verdict = compiled.classify4(id, EGRESS, 0, TCP, 80);
            assertFalse(Verdict.isAllow(verdict));
            assertEquals(RuleDescriptor.unknownEndpoint(EGRESS), compiled.rule(Verdict.ruleId(verdict)));
        }
    }

    @Test
    void anEmptyPolicySetIsolatesNobody() {
        CompiledPolicy compiled = PolicyCompiler.compile(PolicySet.EMPTY, List.of(endpoint(0, "a")), 42);
        int verdict = compiled.classify6(0, INGRESS, -1L, -1L, 17, 53);
        assertTrue(Verdict.isAllow(verdict));
        assertEquals(RuleDescriptor.notIsolated(INGRESS), compiled.rule(Verdict.ruleId(verdict)));
        assertEquals(42, compiled.generation());
    }

    @Test
    void ruleIdsCoverSyntheticAndRealRules() {
        CompiledPolicy compiled = PolicyCompiler.compile(webIngressFrom(IpBlock.of("10.0.0.0/8")), List.of(endpoint(0, "a")), 1);
        // not isolated ×2, unknown endpoint ×2, end of the default tier ×2, and the one ingress rule.
        assertEquals(7, compiled.ruleCount());
        assertThrows(IllegalArgumentException.class, () -> compiled.rule(compiled.ruleCount()));
    }

    @Test
    void addressFamiliesAreSeparate() {
        CompiledPolicy compiled = PolicyCompiler.compile(webIngressFrom(IpBlock.of("0.0.0.0/0"), IpBlock.of("fd00::/8", "fd00::/64")),
                List.of(endpoint(0, "a")), 1);
        assertTrue(Verdict.isAllow(compiled.classify4(0, INGRESS, -1, TCP, 1)));
        assertTrue(Verdict.isAllow(compiled.classify6(0, INGRESS, 0xfd01_0000_0000_0000L, 5, TCP, 1)));
        assertFalse(Verdict.isAllow(compiled.classify6(0, INGRESS, 0xfd00_0000_0000_0000L, 5, TCP, 1)), "inside the except");
        Ip6Address mapped = (Ip6Address) IpAddress.parse("::ffff:10.0.0.1");
        assertFalse(Verdict.isAllow(compiled.classify6(0, INGRESS, mapped.high(), mapped.low(), TCP, 1)), "IPv4-mapped IPv6 is IPv6");
    }
}
