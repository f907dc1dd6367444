package dev.booster.agent;

import dev.booster.agent.testing.Eventually;
import dev.booster.agent.testing.MemoryAgentFixture;
import dev.booster.api.policy.NetworkPolicy;
import io.kubernetes.client.openapi.models.V1NetworkPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.booster.agent.testing.KubeObjects.allowTcp;
import static dev.booster.agent.testing.KubeObjects.namespace;
import static org.junit.jupiter.api.Assertions.*;

/**
 * API-server disconnects, played by {@code FakeApiServerForTests} against the real client's informers: dropped watches
 * are watched again from the last resourceVersion; a watch whose history is gone (410) makes the informer list again,
 * and what changed meanwhile (a deletion included) reaches the dataplane; an unavailable API server (503) is waited
 * out.
 */
class InformerDisconnectViaFakeApiServerForTestsTest {
    private final MemoryAgentFixture f = new MemoryAgentFixture();

    @AfterEach
    void close() {
        f.close();
    }

    private List<String> policiesInForce() {
        return f.dataplane().policies().current().policies().stream().map(NetworkPolicy::key).toList();
    }

    private void awaitPolicies(String... keys) {
        Eventually.await(() -> policiesInForce().equals(List.of(keys)), () -> "in force: " + policiesInForce());
    }

    @Test
    void droppedWatchesAreWatchedAgainFromTheLastVersionWithoutAList() {
        f.api.apply(allowTcp("shop", "one", "b", "a", 8080));
        awaitPolicies("shop/one");
        int lists = f.api.lists(V1NetworkPolicy.class);
        int watches = f.api.watches(V1NetworkPolicy.class);

        f.api.dropWatches();
        Eventually.await(() -> f.api.watches(V1NetworkPolicy.class) > watches, () -> "no new watch");
        f.api.apply(allowTcp("shop", "two", "b", "a", 9090));

        awaitPolicies("shop/one", "shop/two");
        assertEquals(lists, f.api.lists(V1NetworkPolicy.class), "a dropped watch is resumed, not re-listed");
    }

    @Test
    void aWatchAnswered410GoneListsAgainAndChangesMadeMeanwhileArrive() {
        f.api.apply(namespace("shop", Map.of()));
        f.api.apply(allowTcp("shop", "one", "b", "a", 8080));
        f.api.apply(allowTcp("shop", "two", "b", "a", 8081));
        awaitPolicies("shop/one", "shop/two");
        int lists = f.api.lists(V1NetworkPolicy.class);

        f.api.setAvailable(false);
        f.api.delete(V1NetworkPolicy.class, "shop", "one");
        f.api.apply(allowTcp("shop", "three", "b", "a", 8082));
        f.api.compact(); // the informer's resourceVersion is now older than the history kept
        f.api.setAvailable(true);

        awaitPolicies("shop/three", "shop/two");
        assertTrue(f.api.lists(V1NetworkPolicy.class) > lists, "the informer listed again after 410 Gone");
        f.api.apply(allowTcp("shop", "four", "b", "a", 8083));
        awaitPolicies("shop/four", "shop/three", "shop/two");
        assertTrue(f.agent.isReady());
    }

    @Test
    void anUnavailableApiServerIsWaitedOutAndCounted() {
        f.awaitReady();
        f.api.setAvailable(false);
        f.api.apply(allowTcp("shop", "one", "b", "a", 8080));
        Eventually.await(() -> f.agent.scrape().lines().anyMatch(l -> l.startsWith("booster_agent_kube_failures_total") && !l.endsWith(" 0.0")),
                () -> "failures not counted: " + f.agent.scrape().lines().filter(l -> l.contains("kube_failures")).toList());
        assertEquals(List.of(), policiesInForce());
        f.api.setAvailable(true);
        awaitPolicies("shop/one");
    }
}
