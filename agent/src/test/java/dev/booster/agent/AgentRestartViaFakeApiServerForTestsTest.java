package dev.booster.agent;

import dev.booster.agent.state.AgentState;
import dev.booster.agent.state.StateFile;
import dev.booster.agent.testing.Eventually;
import dev.booster.agent.testing.MemoryAgentFixture;
import dev.booster.api.policy.NetworkPolicy;
import dev.booster.api.policy.PolicySet;
import io.kubernetes.client.openapi.models.V1NetworkPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.booster.agent.testing.KubeObjects.allowTcp;
import static dev.booster.agent.testing.KubeObjects.pod;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Restart safety on the {@code memory} provider with {@code FakeApiServerForTests}: a new agent with the same state
 * directory adopts the pods and puts the policy back before it can list anything, is not ready until its informers
 * have listed, and then follows the cluster again.
 */
class AgentRestartViaFakeApiServerForTestsTest {
    private final MemoryAgentFixture f = new MemoryAgentFixture();

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void aRestartedAgentAdoptsThePodsAndRestoresThePolicyBeforeTheApiServerAnswers() {
        f.attach("shop", "a", "10.0.0.1");
        f.attach("shop", "b", "10.0.0.2");
        f.api.apply(pod("shop", "a", MemoryAgentFixture.NODE, Map.of("app", "a")));
        f.api.apply(allowTcp("shop", "b-from-a", "b", "a", 8080));
        Eventually.await(() -> f.dataplane().pods().get("cid-a/eth0").orElseThrow().spec().labels().equals(Map.of("app", "a"))
                && f.dataplane().policies().generation() > 0, () -> "not reconciled: " + f.dataplane().policies().current().policies());
        PolicySet before = f.dataplane().policies().current();

        f.agent.close();
        AgentState saved = new StateFile(f.config().stateDir()).read();
        assertEquals(List.of("cid-a/eth0", "cid-b/eth0"), saved.pods().stream().map(p -> p.spec().uid()).sorted().toList());
        assertEquals(before, saved.policies().orElseThrow());

        f.api.setAvailable(false);
        f.agent = f.start();
        assertEquals(List.of("cid-a/eth0", "cid-b/eth0"), f.agent.adoptedPods().stream().sorted().toList());
        assertEquals(Map.of("app", "a"), f.dataplane().pods().get("cid-a/eth0").orElseThrow().spec().labels(), "labels as persisted");
        assertEquals(before, f.dataplane().policies().current(), "the policy is back before any list succeeded");
        assertFalse(f.agent.isReady(), "not ready while the informers cannot list");

        f.api.setAvailable(true);
        f.awaitReady();
        f.api.delete(V1NetworkPolicy.class, "shop", "b-from-a");
        f.api.apply(allowTcp("shop", "b-from-a-9090", "b", "a", 9090));
        Eventually.await(() -> f.dataplane().policies().current().policies().stream().map(NetworkPolicy::key).toList().equals(List.of("shop/b-from-a-9090")),
                () -> "after the restart a change still applies: " + f.dataplane().policies().current().policies());
    }

    @Test
    void aPodThatCannotBeAttachedAgainLeavesTheState() {
        f.attach("shop", "a", "10.0.0.1");
        f.attach("shop", "b", "10.0.0.1".replace(".1", ".2"));
        f.agent.close();
        StateFile file = new StateFile(f.config().stateDir());
        AgentState saved = file.read();
        // b's address taken by a: the second attach is refused, as an adoption is when a pod's namespace is gone.
        AgentState clash = new AgentState(AgentState.VERSION, List.of(saved.pods().get(0),
                new dev.booster.agent.state.PersistedPod("cid-c", "eth0", new dev.booster.api.pod.PodSpec("cid-c/eth0", "shop", "c", Map.of(),
                        saved.pods().get(0).spec().netns(), saved.pods().get(0).spec().interfaces(), List.of()))), saved.policies());
        file.write(clash);

        f.agent = f.start();
        assertEquals(List.of("cid-a/eth0"), f.agent.adoptedPods());
        assertEquals(List.of("cid-a/eth0"), file.read().pods().stream().map(p -> p.spec().uid()).toList(), "the refused pod is dropped from the state");
    }
}
