package dev.booster.agent.kube;

import dev.booster.api.policy.EgressRule;
import dev.booster.api.policy.IngressRule;
import dev.booster.api.policy.IpBlock;
import dev.booster.api.policy.LabelSelector;
import dev.booster.api.policy.LabelSelectorRequirement;
import dev.booster.api.policy.Labels;
import dev.booster.api.policy.NetworkPolicy;
import dev.booster.api.policy.NetworkPolicyPeer;
import dev.booster.api.policy.NetworkPolicyPort;
import dev.booster.api.policy.NetworkPolicySpec;
import dev.booster.api.policy.PolicyType;
import dev.booster.api.policy.Protocol;
import io.kubernetes.client.custom.IntOrString;
import io.kubernetes.client.openapi.models.V1IPBlock;
import io.kubernetes.client.openapi.models.V1LabelSelector;
import io.kubernetes.client.openapi.models.V1LabelSelectorRequirement;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1NetworkPolicy;
import io.kubernetes.client.openapi.models.V1NetworkPolicyEgressRule;
import io.kubernetes.client.openapi.models.V1NetworkPolicyIngressRule;
import io.kubernetes.client.openapi.models.V1NetworkPolicyPeer;
import io.kubernetes.client.openapi.models.V1NetworkPolicyPort;
import io.kubernetes.client.openapi.models.V1NetworkPolicySpec;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import org.junit.jupiter.api.Test;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

import static dev.booster.agent.testing.KubeObjects.allowTcp;
import static dev.booster.agent.testing.KubeObjects.namespace;
import static org.junit.jupiter.api.Assertions.*;

/** The client's V1NetworkPolicy objects through Booster's manifest reader: every field of the Kubernetes shape arrives. */
class PolicyMappingTest {

    @Test
    void everyPartOfAKubernetesPolicyArrivesAsBoostersRecord() {
        V1NetworkPolicy k8s = new V1NetworkPolicy().apiVersion("networking.k8s.io/v1").kind("NetworkPolicy")
                .metadata(new V1ObjectMeta().namespace("shop").name("web").uid("9b2c").resourceVersion("4711").generation(3L)
                        .creationTimestamp(OffsetDateTime.parse("2025-01-02T03:04:05Z")).labels(Map.of("team", "web"))
                        .annotations(Map.of("note", "x")))
                .spec(new V1NetworkPolicySpec()
                        .podSelector(new V1LabelSelector().matchLabels(Map.of("app", "web"))
                                .matchExpressions(List.of(new V1LabelSelectorRequirement().key("tier").operator("In").values(List.of("a", "b")))))
                        .policyTypes(List.of("Ingress", "Egress"))
                        .ingress(List.of(new V1NetworkPolicyIngressRule()
                                .from(List.of(
                                        new V1NetworkPolicyPeer().podSelector(new V1LabelSelector().matchLabels(Map.of("app", "shop"))),
                                        new V1NetworkPolicyPeer().namespaceSelector(new V1LabelSelector()
                                                .matchExpressions(List.of(new V1LabelSelectorRequirement().key("env").operator("Exists"))))
                                                .podSelector(new V1LabelSelector()),
                                        new V1NetworkPolicyPeer().ipBlock(new V1IPBlock().cidr("10.0.0.0/8").except(List.of("10.1.0.0/16")))))
                                .ports(List.of(
                                        new V1NetworkPolicyPort().protocol("TCP").port(new IntOrString(8080)),
                                        new V1NetworkPolicyPort().protocol("TCP").port(new IntOrString("http")),
                                        new V1NetworkPolicyPort().protocol("UDP").port(new IntOrString(5000)).endPort(5010)))))
                        .egress(List.of(new V1NetworkPolicyEgressRule()
                                .to(List.of(new V1NetworkPolicyPeer().ipBlock(new V1IPBlock().cidr("0.0.0.0/0"))))
                                .ports(List.of(new V1NetworkPolicyPort().protocol("UDP").port(new IntOrString(53)))))));

        NetworkPolicy expected = new NetworkPolicy(NetworkPolicy.K8S_API_VERSION, NetworkPolicy.KIND,
                new dev.booster.api.policy.ObjectMeta("web", "shop", Map.of("team", "web"), Map.of("note", "x")),
                NetworkPolicySpec.of(LabelSelector.of(Map.of("app", "web"), LabelSelectorRequirement.in("tier", "a", "b")),
                        List.of(PolicyType.INGRESS, PolicyType.EGRESS),
                        List.of(IngressRule.allow(List.of(
                                        NetworkPolicyPeer.pods(LabelSelector.matchLabels(Map.of("app", "shop"))),
                                        NetworkPolicyPeer.podsInNamespaces(LabelSelector.matchLabels(Map.of()),
                                                LabelSelector.of(Map.of(), LabelSelectorRequirement.exists("env"))),
                                        NetworkPolicyPeer.ipBlock(IpBlock.of("10.0.0.0/8", "10.1.0.0/16"))),
                                List.of(NetworkPolicyPort.tcp(8080), NetworkPolicyPort.named(Protocol.TCP, "http"),
                                        NetworkPolicyPort.range(Protocol.UDP, 5000, 5010)))),
                        List.of(EgressRule.allow(List.of(NetworkPolicyPeer.ipBlock(IpBlock.of("0.0.0.0/0"))), List.of(NetworkPolicyPort.udp(53))))));

        assertEquals(expected, PolicyMapping.policy(k8s));
    }

    @Test
    void aListItemWithoutTypeMetadataIsAKubernetesNetworkPolicy() {
        V1NetworkPolicy item = allowTcp("shop", "b-from-a", "b", "a", 8080); // no kind or apiVersion, as list items come
        NetworkPolicy p = PolicyMapping.policy(item);
        assertEquals(NetworkPolicy.KIND, p.kind());
        assertEquals("shop/b-from-a", p.key());
    }

    @Test
    void theSetIsOrderedAndCarriesNamespaceLabelsSoEqualClustersMakeEqualSets() {
        List<V1Namespace> namespaces = List.of(namespace("b", Map.of("env", "prod")), namespace("a", Map.of()));
        List<V1NetworkPolicy> policies = List.of(allowTcp("b", "z", "x", "y", 1), allowTcp("a", "q", "x", "y", 2));
        PolicyMapping.Result one = PolicyMapping.policySet(namespaces, policies);
        PolicyMapping.Result other = PolicyMapping.policySet(namespaces.reversed(), policies.reversed());

        assertEquals(one.policies(), other.policies());
        assertEquals(List.of("a/q", "b/z"), one.policies().policies().stream().map(NetworkPolicy::key).toList());
        assertEquals(Map.of("env", "prod", Labels.NAMESPACE_NAME, "b"), one.policies().labelsOf("b"));
        assertEquals(List.of(), one.rejected());
    }

    @Test
    void aPolicyBoosterCannotTakeIsLeftOutWithTheFieldNamedAndTheRestApply() {
        V1NetworkPolicy bad = allowTcp("shop", "bad", "b", "a", 8080);
        bad.getSpec().getIngress().getFirst().getPorts().getFirst().endPort(10); // a range ending below its start
        PolicyMapping.Result result = PolicyMapping.policySet(List.of(), List.of(bad, allowTcp("shop", "good", "b", "a", 8080)));

        assertEquals(List.of("shop/good"), result.policies().policies().stream().map(NetworkPolicy::key).toList());
        assertEquals(1, result.rejected().size());
        PolicyMapping.Rejected rejected = result.rejected().getFirst();
        assertEquals("shop/bad", rejected.key());
        assertTrue(rejected.reason().contains("endPort"), rejected.reason());
    }
}
