package dev.booster.api.policy;

import dev.booster.api.InvalidSpecException;
import dev.booster.api.net.IpAddress;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PolicyModelTest {
    private static final Map<String, String> WEB = Map.of("app", "web", "tier", "front");
    private static final Map<String, String> NONE = Map.of();

    @Test
    void emptySelectorSelectsEverything() {
        assertTrue(LabelSelector.ALL.selectsAll());
        assertTrue(LabelSelector.ALL.matches(NONE));
        assertTrue(LabelSelector.ALL.matches(WEB));
    }

    @Test
    void matchLabelsNeedsEveryPair() {
        LabelSelector s = LabelSelector.matchLabels(Map.of("app", "web", "tier", "front"));
        assertTrue(s.matches(WEB));
        assertTrue(s.matches(Map.of("app", "web", "tier", "front", "extra", "x")));
        assertFalse(s.matches(Map.of("app", "web")));
        assertFalse(s.matches(Map.of("app", "web", "tier", "back")));
        assertFalse(s.matches(NONE));
        assertTrue(LabelSelector.matchLabels(Map.of("flag", "")).matches(Map.of("flag", "")));
        assertFalse(LabelSelector.matchLabels(Map.of("flag", "")).matches(NONE), "an empty value still needs the key");
    }

    @Test
    void inAndNotInTreatMissingKeysAsKubernetesDoes() {
        LabelSelectorRequirement in = LabelSelectorRequirement.in("tier", "front", "edge");
        assertTrue(in.matches(WEB));
        assertFalse(in.matches(Map.of("tier", "back")));
        assertFalse(in.matches(NONE), "In needs the key");

        LabelSelectorRequirement notIn = LabelSelectorRequirement.notIn("tier", "back");
        assertTrue(notIn.matches(WEB));
        assertFalse(notIn.matches(Map.of("tier", "back")));
        assertTrue(notIn.matches(NONE), "NotIn holds for a pod without the key");
    }

    @Test
    void existsAndDoesNotExistLookOnlyAtKeys() {
        assertTrue(LabelSelectorRequirement.exists("app").matches(WEB));
        assertTrue(LabelSelectorRequirement.exists("flag").matches(Map.of("flag", "")));
        assertFalse(LabelSelectorRequirement.exists("app").matches(NONE));
        assertTrue(LabelSelectorRequirement.doesNotExist("canary").matches(WEB));
        assertFalse(LabelSelectorRequirement.doesNotExist("app").matches(WEB));
    }

    @Test
    void labelsAndExpressionsAreAnded() {
        LabelSelector s = LabelSelector.of(Map.of("app", "web"), LabelSelectorRequirement.notIn("tier", "back"),
                LabelSelectorRequirement.doesNotExist("canary"));
        assertTrue(s.matches(WEB));
        assertFalse(s.matches(Map.of("app", "web", "tier", "back")));
        assertFalse(s.matches(Map.of("app", "web", "canary", "true")));
        assertFalse(s.matches(Map.of("tier", "front")));
    }

    @Test
    void requirementValidation() {
        assertEquals("values: must not be empty for operator In",
                assertThrows(InvalidSpecException.class, () -> new LabelSelectorRequirement("app", LabelSelectorRequirement.Operator.IN, List.of())).getMessage());
        assertEquals("values: must be empty for operator Exists",
                assertThrows(InvalidSpecException.class, () -> new LabelSelectorRequirement("app", LabelSelectorRequirement.Operator.EXISTS, List.of("x"))).getMessage());
        assertEquals("operator: is required; use In, NotIn, Exists or DoesNotExist",
                assertThrows(InvalidSpecException.class, () -> new LabelSelectorRequirement("app", null, List.of())).getMessage());
        assertEquals("key: label key \"Example.com/app\" has an invalid prefix; use a DNS subdomain like example.com/",
                assertThrows(InvalidSpecException.class, () -> LabelSelectorRequirement.exists("Example.com/app")).getMessage());
    }

    @Test
    void ipBlockContainsItsCidrMinusExceptions() {
        IpBlock block = IpBlock.of("10.0.0.0/8", "10.1.0.0/16", "10.2.3.0/24");
        assertTrue(block.contains(IpAddress.parse("10.0.0.1")));
        assertTrue(block.contains(IpAddress.parse("10.2.4.1")));
        assertFalse(block.contains(IpAddress.parse("10.1.200.1")));
        assertFalse(block.contains(IpAddress.parse("10.2.3.255")));
        assertFalse(block.contains(IpAddress.parse("11.0.0.1")));
        assertFalse(block.contains(IpAddress.parse("::ffff:10.0.0.1")), "an IPv6 address is never in an IPv4 block");
        IpBlock v6 = IpBlock.of("2001:db8::/32", "2001:db8:dead::/48");
        assertTrue(v6.contains(IpAddress.parse("2001:db8:beef::1")));
        assertFalse(v6.contains(IpAddress.parse("2001:db8:dead::1")));
        assertTrue(IpBlock.of("0.0.0.0/0").contains(IpAddress.parse("203.0.113.9")));
    }

    @Test
    void ipBlockExceptionsMustBeStrictSubnets() {
        assertEquals("except[0]: 10.0.0.0/8 must be a strict subnet of cidr 10.0.0.0/8",
                assertThrows(InvalidSpecException.class, () -> IpBlock.of("10.0.0.0/8", "10.0.0.0/8")).getMessage());
        assertEquals("except[1]: fd00::/8 must be a strict subnet of cidr 10.0.0.0/8",
                assertThrows(InvalidSpecException.class, () -> IpBlock.of("10.0.0.0/8", "10.1.0.0/16", "fd00::/8")).getMessage());
        assertEquals("cidr: is required, e.g. 10.0.0.0/8",
                assertThrows(InvalidSpecException.class, () -> new IpBlock(null, List.of())).getMessage());
    }

    @Test
    void effectivePolicyTypesFollowKubernetesDefaults() {
        IngressRule anyIn = IngressRule.allow(List.of(), List.of());
        EgressRule anyOut = EgressRule.allow(List.of(), List.of());
        assertEquals(Set.of(PolicyType.INGRESS), spec(List.of(), List.of(), List.of()).effectivePolicyTypes(),
                "no types, no rules: ingress isolation (default deny ingress)");
        assertEquals(Set.of(PolicyType.INGRESS), spec(List.of(), List.of(anyIn), List.of()).effectivePolicyTypes());
        assertEquals(Set.of(PolicyType.INGRESS, PolicyType.EGRESS), spec(List.of(), List.of(), List.of(anyOut)).effectivePolicyTypes(),
                "egress rules imply Egress, and Ingress is always implied");
        assertEquals(Set.of(PolicyType.EGRESS), spec(List.of(PolicyType.EGRESS), List.of(), List.of()).effectivePolicyTypes());
        assertEquals(Set.of(PolicyType.INGRESS, PolicyType.EGRESS),
                spec(List.of(PolicyType.EGRESS, PolicyType.INGRESS), List.of(anyIn), List.of(anyOut)).effectivePolicyTypes());
    }

    @Test
    void specValidation() {
        IngressRule anyIn = IngressRule.allow(List.of(), List.of());
        assertEquals("ingress: has rules but policyTypes does not include Ingress; add Ingress or drop the rules",
                assertThrows(InvalidSpecException.class, () -> spec(List.of(PolicyType.EGRESS), List.of(anyIn), List.of())).getMessage());
        assertEquals("policyTypes: lists a type twice",
                assertThrows(InvalidSpecException.class, () -> spec(List.of(PolicyType.INGRESS, PolicyType.INGRESS), List.of(), List.of())).getMessage());
        assertEquals("podSelector: is required; use {} to select every pod in the namespace",
                assertThrows(InvalidSpecException.class, () -> NetworkPolicySpec.of(null, List.of(), List.of(), List.of())).getMessage());
        assertEquals("order: must be a finite number", assertThrows(InvalidSpecException.class, () -> new NetworkPolicySpec(LabelSelector.ALL,
                List.of(), List.of(), List.of(), Optional.of(Double.NaN), Optional.empty(), Optional.empty())).getMessage());
        assertEquals("spec.namespaceSelector: is only for GlobalNetworkPolicy; a NetworkPolicy applies to its own namespace",
                assertThrows(InvalidSpecException.class, () -> NetworkPolicy.of("shop", "p", new NetworkPolicySpec(LabelSelector.ALL,
                        List.of(), List.of(), List.of(), Optional.empty(), Optional.empty(), Optional.of(LabelSelector.ALL)))).getMessage());
    }

    @Test
    void portsAndRanges() {
        assertEquals(PortRef.of(8080), PortRef.of((Object) "8080"));
        assertEquals(PortRef.named("http"), PortRef.of((Object) "http"));
        assertEquals("0 is not a port number; use 1..65535", assertThrows(IllegalArgumentException.class, () -> PortRef.of(0)).getMessage());
        assertEquals("endPort: needs a numeric port to start the range",
                assertThrows(InvalidSpecException.class, () -> new NetworkPolicyPort(Protocol.TCP, Optional.empty(), Optional.of(80))).getMessage());
        assertEquals("endPort: 70000 must be in 80..65535 (not below port)",
                assertThrows(InvalidSpecException.class, () -> NetworkPolicyPort.range(Protocol.TCP, 80, 70000)).getMessage());
    }

    private static NetworkPolicySpec spec(List<PolicyType> types, List<IngressRule> ingress, List<EgressRule> egress) {
        return NetworkPolicySpec.of(LabelSelector.ALL, types, ingress, egress);
    }
}
