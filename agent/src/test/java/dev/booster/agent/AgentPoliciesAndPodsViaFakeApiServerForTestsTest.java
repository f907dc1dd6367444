package dev.booster.agent;

import dev.booster.agent.testing.Eventually;
import dev.booster.agent.testing.MemoryAgentFixture;
import dev.booster.api.net.IpAddress;
import dev.booster.api.pod.NamedPort;
import dev.booster.api.pod.PodAttachment;
import dev.booster.api.policy.Labels;
import dev.booster.api.policy.NetworkPolicy;
import dev.booster.api.policy.PolicySet;
import dev.booster.api.policy.Protocol;
import dev.booster.testkit.MemoryPod;
import io.kubernetes.client.openapi.models.V1NetworkPolicy;
import io.kubernetes.client.openapi.models.V1Pod;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.booster.agent.testing.KubeObjects.allowTcp;
import static dev.booster.agent.testing.KubeObjects.namespace;
import static dev.booster.agent.testing.KubeObjects.pod;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The agent's reconciliation on the {@code memory} provider, fed by {@code FakeApiServerForTests} (a stand-in for the
 * API server) through the real Kubernetes client: NetworkPolicies and Namespace labels become the policy set, pods'
 * labels and named ports follow the cluster in place, and packets follow the labels.
 */
class AgentPoliciesAndPodsViaFakeApiServerForTestsTest {
    private static final int SYN = 0x02;
    private final MemoryAgentFixture f = new MemoryAgentFixture();
    private int sourcePort = 40000;

    @AfterEach
    void close() {
        f.close();
    }

    private List<String> policiesInForce() {
        return f.dataplane().policies().current().policies().stream().map(NetworkPolicy::key).toList();
    }

    @Test
    void aPolicyFromTheFakeApiServerIsAppliedAndItsDeletionTakesItAway() {
        f.api.apply(namespace("shop", Map.of("env", "prod")));
        f.api.apply(allowTcp("shop", "b-from-a", "b", "a", 8080));
        Eventually.await(() -> policiesInForce().equals(List.of("shop/b-from-a")), () -> "in force: " + policiesInForce());
        PolicySet set = f.dataplane().policies().current();
        assertEquals(Map.of("env", "prod", Labels.NAMESPACE_NAME, "shop"), set.labelsOf("shop"));

        f.api.apply(namespace("shop", Map.of("env", "test")));
        Eventually.await(() -> f.dataplane().policies().current().labelsOf("shop").get("env").equals("test"),
                () -> "namespace labels in force: " + f.dataplane().policies().current().namespaceLabels());

        f.api.delete(V1NetworkPolicy.class, "shop", "b-from-a");
        Eventually.await(() -> policiesInForce().isEmpty(), () -> "in force: " + policiesInForce());
    }

    @Test
    void aPolicyTheDataplaneCannotTakeIsLeftOutAndTheOthersApply() {
        V1NetworkPolicy bad = allowTcp("shop", "bad", "b", "a", 8080);
        bad.getSpec().getIngress().getFirst().getPorts().getFirst().endPort(10);
        f.api.apply(bad);
        f.api.apply(allowTcp("shop", "good", "b", "a", 8080));
        Eventually.await(() -> policiesInForce().equals(List.of("shop/good")), () -> "in force: " + policiesInForce());
        assertEquals(List.of("shop/bad"), f.agent.rejectedPolicies().stream().map(r -> r.key()).toList());
        assertTrue(f.agent.scrape().contains("booster_agent_policies_rejected 1.0"), f.agent.scrape());
    }

    @Test
    void podLabelsFollowTheClusterInPlaceAndPacketsFollowTheLabels() {
        PodAttachment a = f.attach("shop", "a", "10.0.0.1");
        PodAttachment b = f.attach("shop", "b", "10.0.0.2");
        int interfaceIndex = a.interfaces().getFirst().index();
        f.api.apply(pod("shop", "a", MemoryAgentFixture.NODE, Map.of("app", "a")));
        f.api.apply(pod("shop", "b", MemoryAgentFixture.NODE, Map.of("app", "b")));
        f.api.apply(pod("shop", "c", "another-node", Map.of("app", "c"))); // not this node's: never followed
        f.api.apply(allowTcp("shop", "b-from-a", "b", "a", 8080));
        Eventually.await(() -> a.spec().labels().equals(Map.of("app", "a")) && b.spec().labels().equals(Map.of("app", "b"))
                && !f.dataplane().policies().current().policies().isEmpty(), () -> "a " + a.spec().labels() + ", b " + b.spec().labels());
        assertEquals(List.of(new NamedPort("http", Protocol.TCP, 8080)), a.spec().namedPorts(), "named ports come with the labels");

        assertTrue(syn(a, b, 8080), "allowed from app=a");
        assertFalse(syn(a, b, 9090), "only 8080 is allowed");

        f.api.apply(pod("shop", "a", MemoryAgentFixture.NODE, Map.of("app", "intruder")));
        Eventually.await(() -> a.spec().labels().equals(Map.of("app", "intruder")), () -> "a " + a.spec().labels());
        assertFalse(syn(a, b, 8080), "a is no longer app=a");
        assertTrue(a.isAttached());
        assertEquals(interfaceIndex, f.dataplane().pods().get(a.spec().uid()).orElseThrow().interfaces().getFirst().index(),
                "relabelled in place: the same interface");

        f.api.delete(V1Pod.class, "shop", "a");
        f.api.apply(pod("shop", "b", MemoryAgentFixture.NODE, Map.of("app", "b", "v", "2")));
        Eventually.await(() -> b.spec().labels().containsKey("v"), () -> "b " + b.spec().labels());
        assertEquals(Map.of("app", "intruder"), a.spec().labels(), "a pod the cluster no longer lists keeps its labels until the CNI deletes it");
    }

    /** A TCP SYN from {@code from} to {@code to}'s address and {@code port}, on a new flow: true when it arrives. */
    private boolean syn(PodAttachment from, PodAttachment to, int port) {
        MemoryPod source = MemoryPod.of(from);
        MemoryPod target = MemoryPod.of(to);
        target.receiveAll();
        IpAddress destination = to.interfaces().getFirst().addresses().getFirst().address();
        source.send(source.frameTo(destination).tcp(sourcePort++, port, SYN).build());
        return target.receive().isPresent();
    }
}
