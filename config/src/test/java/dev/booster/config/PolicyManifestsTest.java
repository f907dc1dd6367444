package dev.booster.config;

import dev.booster.api.net.IpAddress;
import dev.booster.api.net.IpPrefix;
import dev.booster.api.policy.EgressRule;
import dev.booster.api.policy.IngressRule;
import dev.booster.api.policy.IpBlock;
import dev.booster.api.policy.LabelSelector;
import dev.booster.api.policy.LabelSelectorRequirement;
import dev.booster.api.policy.NetworkPolicy;
import dev.booster.api.policy.NetworkPolicyPeer;
import dev.booster.api.policy.NetworkPolicyPort;
import dev.booster.api.policy.PolicyType;
import dev.booster.api.policy.PortRef;
import dev.booster.api.policy.Protocol;
import dev.booster.api.policy.RuleAction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Real-world manifests, written the way kubectl prints them, read and written back unchanged in meaning. */
class PolicyManifestsTest {

    static String resource(String name) {
        try (InputStream in = PolicyManifestsTest.class.getResourceAsStream("/policies/" + name)) {
            if (in == null) throw new IllegalStateException("missing test resource " + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static NetworkPolicy single(String name) {
        List<NetworkPolicy> policies = Manifests.policiesFromYaml(resource(name));
        assertEquals(1, policies.size(), name);
        return policies.getFirst();
    }

    @ParameterizedTest
    @ValueSource(strings = {"default-deny-ingress.yaml", "default-deny-egress.yaml", "allow-same-namespace.yaml",
            "namespace-and-pod-selector.yaml", "namespace-or-pod-selector.yaml", "ipblock-except.yaml", "named-ports.yaml",
            "endport-range.yaml", "egress-dns.yaml", "list.yaml", "multi-doc.yaml", "global-tiered.yaml",
            "network-policy-list.json"})
    void roundTripsThroughYamlAndJson(String name) {
        List<NetworkPolicy> read = Manifests.policiesFromYaml(resource(name));
        assertFalse(read.isEmpty());

        String yaml = Manifests.policiesToYaml(read);
        assertEquals(read, Manifests.policiesFromYaml(yaml), yaml);
        for (NetworkPolicy policy : read) {
            String one = Manifests.toYaml(policy);
            assertFalse(one.startsWith("---"), one);
            assertEquals(List.of(policy), Manifests.policiesFromYaml(one), one);
            assertEquals(List.of(policy), Manifests.policiesFromJson(Manifests.toJson(policy)));
            assertEquals(policy, Manifests.readYaml(one, NetworkPolicy.class));
        }
    }

    @Test
    void writtenPoliciesStayKubernetesObjects() {
        String yaml = Manifests.toYaml(single("egress-dns.yaml"));
        assertEquals("""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata:
                  name: allow-dns
                  namespace: shop
                  annotations:
                    kubectl.kubernetes.io/last-applied-configuration: |
                      {"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"annotations":{},"name":"allow-dns","namespace":"shop"},"spec":{"egress":[{"ports":[{"port":53,"protocol":"UDP"},{"port":53,"protocol":"TCP"}],"to":[{"namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"kube-system"}},"podSelector":{"matchLabels":{"k8s-app":"kube-dns"}}}]}],"podSelector":{},"policyTypes":["Egress"]}}
                spec:
                  podSelector: {}
                  policyTypes:
                  - Egress
                  egress:
                  - to:
                    - podSelector:
                        matchLabels:
                          k8s-app: kube-dns
                      namespaceSelector:
                        matchLabels:
                          kubernetes.io/metadata.name: kube-system
                    ports:
                    - protocol: UDP
                      port: 53
                    - protocol: TCP
                      port: 53
                """, yaml);
    }

    @Test
    void defaultDenyIngressSelectsEveryPodAndAllowsNothing() {
        NetworkPolicy p = single("default-deny-ingress.yaml");
        assertEquals("shop/default-deny-ingress", p.key());
        assertTrue(p.spec().podSelector().selectsAll());
        assertEquals(Set.of(PolicyType.INGRESS), p.spec().effectivePolicyTypes());
        assertTrue(p.spec().ingress().isEmpty());
        assertTrue(p.metadata().annotations().get("kubectl.kubernetes.io/last-applied-configuration").startsWith("{\"apiVersion\""));
    }

    @Test
    void defaultDenyEgressIsolatesOnlyEgress() {
        NetworkPolicy p = single("default-deny-egress.yaml");
        assertEquals(Set.of(PolicyType.EGRESS), p.spec().effectivePolicyTypes());
        assertTrue(p.spec().egress().isEmpty());
    }

    @Test
    void allowSameNamespaceHasOneEmptyPodSelectorPeer() {
        IngressRule rule = single("allow-same-namespace.yaml").spec().ingress().getFirst();
        assertEquals(List.of(NetworkPolicyPeer.pods(LabelSelector.ALL)), rule.from());
        assertTrue(rule.ports().isEmpty());
    }

    @Test
    void namespaceAndPodSelectorInOnePeerMeansBoth() {
        IngressRule rule = single("namespace-and-pod-selector.yaml").spec().ingress().getFirst();
        assertEquals(List.of(NetworkPolicyPeer.podsInNamespaces(
                LabelSelector.matchLabels(Map.of("role", "frontend")),
                LabelSelector.matchLabels(Map.of("team", "web")))), rule.from());
        assertEquals(List.of(NetworkPolicyPort.tcp(8080)), rule.ports());
    }

    @Test
    void namespaceOrPodSelectorAreTwoPeers() {
        IngressRule rule = single("namespace-or-pod-selector.yaml").spec().ingress().getFirst();
        assertEquals(List.of(
                NetworkPolicyPeer.namespaces(LabelSelector.matchLabels(Map.of("team", "web"))),
                NetworkPolicyPeer.pods(LabelSelector.of(Map.of(),
                        LabelSelectorRequirement.in("role", "frontend", "edge"),
                        LabelSelectorRequirement.doesNotExist("canary")))), rule.from());
    }

    @Test
    void ipBlocksKeepTheirExceptions() {
        NetworkPolicy p = single("ipblock-except.yaml");
        EgressRule egress = p.spec().egress().getFirst();
        IpBlock v4 = egress.to().get(0).ipBlock().orElseThrow();
        assertEquals(IpBlock.of("0.0.0.0/0", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"), v4);
        assertTrue(v4.contains(IpAddress.parse("8.8.8.8")));
        assertFalse(v4.contains(IpAddress.parse("10.1.2.3")));
        IpBlock v6 = egress.to().get(1).ipBlock().orElseThrow();
        assertEquals(List.of(IpPrefix.parse("2001:db8:dead::/48")), v6.exceptions());
        assertEquals(Set.of(PolicyType.INGRESS, PolicyType.EGRESS), p.spec().effectivePolicyTypes());
        assertTrue(Manifests.toYaml(p).contains("except:"), "written as Kubernetes' 'except', not the record's name");
    }

    @Test
    void namedPortsAndQuotedNumbers() {
        List<IngressRule> ingress = single("named-ports.yaml").spec().ingress();
        assertEquals(List.of(NetworkPolicyPort.named(Protocol.TCP, "metrics")), ingress.get(0).ports());
        List<NetworkPolicyPort> ports = ingress.get(1).ports();
        assertEquals(NetworkPolicyPort.named(Protocol.TCP, "http"), ports.get(0));
        assertEquals(Optional.of(PortRef.of(8443)), ports.get(1).port(), "\"8443\" is the number it spells");
        assertEquals(NetworkPolicyPort.named(Protocol.UDP, "dns-udp"), ports.get(2));
        assertEquals(new NetworkPolicyPort(Protocol.SCTP, Optional.empty(), Optional.empty()), ports.get(3));
    }

    @Test
    void endPortMakesRanges() {
        List<NetworkPolicyPort> ports = single("endport-range.yaml").spec().egress().getFirst().ports();
        assertEquals(List.of(NetworkPolicyPort.range(Protocol.TCP, 32000, 32768), NetworkPolicyPort.range(Protocol.UDP, 10000, 20000)), ports);
    }

    @Test
    void egressToClusterDns() {
        EgressRule rule = single("egress-dns.yaml").spec().egress().getFirst();
        assertEquals(List.of(NetworkPolicyPort.udp(53), NetworkPolicyPort.tcp(53)), rule.ports());
        NetworkPolicyPeer dns = rule.to().getFirst();
        assertEquals(Optional.of(LabelSelector.matchLabels(Map.of("k8s-app", "kube-dns"))), dns.podSelector());
        assertEquals(Optional.of(LabelSelector.matchLabels(Map.of("kubernetes.io/metadata.name", "kube-system"))), dns.namespaceSelector());
    }

    @Test
    void kubectlListReadsAllItemsInOrder() {
        List<NetworkPolicy> policies = Manifests.policiesFromYaml(resource("list.yaml"));
        assertEquals(List.of("shop/default-deny-ingress", "shop/allow-dns", "shop/allow-same-namespace"),
                policies.stream().map(NetworkPolicy::key).toList());
    }

    @Test
    void networkPolicyListInJson() {
        List<NetworkPolicy> policies = Manifests.policiesFromJson(resource("network-policy-list.json"));
        assertEquals(List.of("shop/default-deny-ingress", "media/allow-ephemeral-range"), policies.stream().map(NetworkPolicy::key).toList());
        assertEquals(policies, Manifests.policiesFromYaml(resource("network-policy-list.json")), "JSON is YAML too");
    }

    @Test
    void multiDocumentYamlMixesObjectsAndListsAndSkipsEmptyDocuments() {
        List<NetworkPolicy> policies = Manifests.policiesFromYaml(resource("multi-doc.yaml"));
        assertEquals(List.of("payments/default-deny-all", "payments/allow-ingress-controller", "payments/allow-dns"),
                policies.stream().map(NetworkPolicy::key).toList());
        NetworkPolicyPeer dns = policies.get(2).spec().egress().getFirst().to().getFirst();
        assertEquals(Optional.of(LabelSelector.ALL), dns.namespaceSelector(), "namespaceSelector: {} means every namespace, not none");
    }

    @Test
    void globalPoliciesCarryTierOrderAndActions() {
        List<NetworkPolicy> policies = Manifests.policiesFromYaml(resource("global-tiered.yaml"));
        NetworkPolicy baseline = policies.get(0);
        assertTrue(baseline.isGlobal());
        assertEquals("security-baseline", baseline.key());
        assertEquals(Optional.of("security"), baseline.spec().tier());
        assertEquals(Optional.of(100.0), baseline.spec().order());
        assertEquals(List.of(RuleAction.LOG, RuleAction.DENY, RuleAction.PASS), baseline.spec().egress().stream().map(EgressRule::action).toList());
        assertEquals(List.of(RuleAction.DENY, RuleAction.PASS), baseline.spec().ingress().stream().map(IngressRule::action).toList());
        assertEquals(Optional.of(LabelSelector.of(Map.of(), LabelSelectorRequirement.notIn("kubernetes.io/metadata.name", "kube-system"))),
                baseline.spec().namespaceSelector());

        NetworkPolicy monitoring = policies.get(1);
        assertEquals(Optional.of(10.5), monitoring.spec().order());
        assertEquals(RuleAction.ALLOW, monitoring.spec().ingress().getFirst().action());
        String yaml = Manifests.toYaml(monitoring);
        assertFalse(yaml.contains("action"), "Allow is Kubernetes' default and is left out:\n" + yaml);
        assertTrue(Manifests.toYaml(baseline).contains("action: Deny"));
    }

    @Test
    void readsFromReadersAndFiles() throws URISyntaxException {
        assertEquals(Manifests.policiesFromYaml(resource("list.yaml")), Manifests.policiesFromYaml(new StringReader(resource("list.yaml"))));
        Path file = Path.of(PolicyManifestsTest.class.getResource("/policies/network-policy-list.json").toURI());
        assertEquals(2, Manifests.policiesFromJson(file).size());
        assertEquals(Manifests.policiesFromJson(file), Manifests.policiesFromJson(new StringReader(resource("network-policy-list.json"))));
        assertEquals(3, Manifests.policiesFromYaml(Path.of(PolicyManifestsTest.class.getResource("/policies/multi-doc.yaml").toURI())).size());
    }

    @Test
    void fileErrorsNameTheFile() throws IOException {
        Path file = java.nio.file.Files.createTempFile("bad-policy", ".yaml");
        try {
            java.nio.file.Files.writeString(file, resource("endport-range.yaml").replace("endPort: 32768", "endPort: 31000"));
            ManifestException e = org.junit.jupiter.api.Assertions.assertThrows(ManifestException.class, () -> Manifests.policiesFromYaml(file));
            assertEquals(file + ": spec.egress[0].ports[0].endPort: 31000 must be in 32000..65535 (not below port)", e.getMessage());
            assertEquals(Optional.of(file.toString()), e.source());
            assertInstanceOf(dev.booster.api.InvalidSpecException.class, e);
        } finally {
            java.nio.file.Files.delete(file);
        }
    }

    @Test
    void aJsonArrayOfPoliciesIsAList() {
        NetworkPolicy first = single("default-deny-ingress.yaml");
        NetworkPolicy second = single("endport-range.yaml");
        assertEquals(List.of(first, second), Manifests.policiesFromJson("[" + Manifests.toJson(first) + "," + Manifests.toJson(second) + "]"));
        ManifestException e = org.junit.jupiter.api.Assertions.assertThrows(ManifestException.class,
                () -> Manifests.policiesFromJson("[" + Manifests.toJson(first) + "," + Manifests.toJson(second).replace("32768", "70000") + "]"));
        assertEquals("[1].spec.egress[0].ports[0].endPort: 70000 must be in 32000..65535 (not below port)", e.getMessage());
    }

    @Test
    void emptyInputHasNoPolicies() {
        assertEquals(List.of(), Manifests.policiesFromYaml(""));
        assertEquals(List.of(), Manifests.policiesFromYaml("---\n---\n"));
        assertEquals(List.of(), Manifests.policiesFromYaml("apiVersion: v1\nkind: List\nitems: []\nmetadata:\n  resourceVersion: \"\"\n"));
    }
}
