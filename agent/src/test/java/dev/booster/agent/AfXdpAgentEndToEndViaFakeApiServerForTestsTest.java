package dev.booster.agent;

import dev.booster.agent.state.AgentState;
import dev.booster.agent.state.PersistedPod;
import dev.booster.agent.state.StateFile;
import dev.booster.agent.testing.CniLauncher;
import dev.booster.agent.testing.Eventually;
import dev.booster.agent.testing.FakeApiServerForTests;
import dev.booster.agent.testing.PodNamespaces;
import dev.booster.api.DataplaneConfig;
import dev.booster.api.pod.PodAttachment;
import dev.booster.api.policy.NetworkPolicy;
import io.kubernetes.client.openapi.models.V1NetworkPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static dev.booster.agent.testing.KubeObjects.allowTcp;
import static dev.booster.agent.testing.KubeObjects.namespace;
import static dev.booster.agent.testing.KubeObjects.pod;
import static org.junit.jupiter.api.Assertions.*;

/**
 * End to end on real namespaces: the agent on provider {@code afxdp}, the {@code booster-cni} launcher run as a
 * runtime runs it with Debian's {@code host-local}, two pods, and a NetworkPolicy arriving through the real Kubernetes
 * client from {@code FakeApiServerForTests} (the only stand-in: no kube-apiserver runs here) enforced on the kernel's
 * own TCP; then an agent restart that the pods' traffic survives.
 */
@Tag("privileged")
class AfXdpAgentEndToEndViaFakeApiServerForTestsTest {
    private static final String NODE = "e2e-node";
    private static final long PID = ProcessHandle.current().pid();

    private FakeApiServerForTests api;
    private PodNamespaces namespaces;
    private Path work;
    private CniLauncher cni;
    private NodeAgent agent;
    private String nsA;
    private String nsB;
    private String ipA;
    private String ipB;
    private final List<String[]> added = new ArrayList<>();

    private AgentConfig config() {
        return AgentConfig.builder(NODE).dataplane(DataplaneConfig.builder().provider("afxdp").build())
                .cniSocket(work.resolve("cni.sock")).stateDir(work.resolve("state"))
                .healthAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).retry(Duration.ofMillis(500)).build();
    }

    @BeforeEach
    void twoPodsThroughTheCni() throws IOException {
        PodNamespaces.assumePrivileged();
        api = FakeApiServerForTests.start();
        namespaces = new PodNamespaces();
        work = Files.createTempDirectory("booster-agent-e2e-");
        api.apply(namespace("shop", Map.of()));
        api.apply(pod("shop", "a", NODE, Map.of("app", "a")));
        api.apply(pod("shop", "b", NODE, Map.of("app", "b")));
        agent = NodeAgent.start(config(), api.client());
        Eventually.await(agent::isReady, () -> "the agent is not ready");
        cni = new CniLauncher(work, agent.cniSocket(), "booster-e2e-" + PID, "10.79.0.0/24");
        nsA = namespaces.add("a");
        nsB = namespaces.add("b");
        ipA = add("cid-a-" + PID, nsA, "a");
        ipB = add("cid-b-" + PID, nsB, "b");
    }

    private String add(String containerId, String netns, String name) {
        CniLauncher.Outcome out = cni.add(containerId, netns, "shop", name);
        assertEquals(0, out.exitCode(), () -> "ADD " + name + ": " + out.stdout() + out.stderr());
        added.add(new String[]{containerId, netns, name});
        return out.address();
    }

    @AfterEach
    void deleteThePodsAndLeaveNothing() throws IOException {
        try {
            if (agent != null && cni != null) {
                List<String> hostEnds = agent.dataplane().pods().list().stream().map(p -> p.interfaces().getFirst().hostName()).toList();
                for (String[] pod : added) {
                    CniLauncher.Outcome out = cni.del(pod[0], pod[1], "shop", pod[2]);
                    assertEquals(0, out.exitCode(), () -> "DEL " + pod[2] + ": " + out.stdout() + out.stderr());
                }
                assertEquals(List.of(), agent.dataplane().pods().list(), "DEL detached every pod");
                for (String host : hostEnds) assertNotEquals(0, PodNamespaces.run("ip", "link", "show", "dev", host).code(), host + " is gone");
            }
        } finally {
            if (agent != null) agent.close();
            if (namespaces != null) namespaces.close();
            if (api != null) api.close();
            if (work != null) {
                try (Stream<Path> files = Files.walk(work)) {
                    files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    private List<String> policiesInForce() {
        return agent.dataplane().policies().current().policies().stream().map(NetworkPolicy::key).toList();
    }

    private void awaitPolicies(List<String> keys) {
        Eventually.await(() -> policiesInForce().equals(keys), () -> "in force: " + policiesInForce());
    }

    private PodNamespaces.Result ping(String from, String to) {
        return namespaces.exec(from, "ping", "-c", "2", "-W", "2", "-i", "0.2", to);
    }

    @Test
    void aNetworkPolicyFromTheFakeApiServerIsEnforcedOnRealTrafficAndItsDeletionLiftsIt() {
        assertEquals(0, ping(nsA, ipB).code(), "the pods talk before any policy");
        PodAttachment b = agent.dataplane().pods().list().stream().filter(p -> p.spec().name().equals("b")).findFirst().orElseThrow();
        assertEquals(Map.of("app", "b"), b.spec().labels(), "the CNI's ADD took the labels from the informers");

        api.apply(allowTcp("shop", "b-from-a", "b", "a", 8080));
        awaitPolicies(List.of("shop/b-from-a"));
        assertTrue(namespaces.connects(nsA, nsB, ipB, 8080), "TCP 8080 from app=a is allowed");
        long denied = agent.dataplane().stats().drops("policy-deny");
        assertFalse(namespaces.connects(nsA, nsB, ipB, 9090), "TCP 9090 is not");
        assertTrue(agent.dataplane().stats().drops("policy-deny") > denied, "refused by the policy: " + agent.dataplane().stats().drops());
        assertTrue(namespaces.connects(nsB, nsA, ipA, 8080), "the policy isolates b only");

        api.delete(V1NetworkPolicy.class, "shop", "b-from-a");
        awaitPolicies(List.of());
        assertTrue(namespaces.connects(nsA, nsB, ipB, 9090), "with the policy deleted, 9090 flows again");

        assertTrue(agent.scrape().contains("booster_agent_cni_requests_total{command=\"ADD\",result=\"ok\"} 2.0"), agent.scrape());
        AgentState state = new StateFile(config().stateDir()).read();
        assertEquals(List.of("cid-a-" + PID, "cid-b-" + PID), state.pods().stream().map(PersistedPod::containerId).sorted().toList());
        assertTrue(state.pods().stream().allMatch(p -> p.ifName().equals("eth0") && p.spec().netns().isPresent()), state.toString());
    }

    @Test
    void aRestartedAgentAdoptsThePodsWhoseTrafficSurvivesAndAPolicyChangeStillApplies() {
        api.apply(allowTcp("shop", "b-from-a", "b", "a", 8080));
        awaitPolicies(List.of("shop/b-from-a"));
        List<String> hostEnds = agent.dataplane().pods().list().stream().map(p -> p.interfaces().getFirst().hostName()).sorted().toList();

        agent.close();
        for (String host : hostEnds) {
            assertEquals(0, PodNamespaces.run("ip", "link", "show", "dev", host).code(), host + " outlived the agent");
        }
        assertTrue(namespaces.exec(nsB, "ip", "-o", "address", "show", "dev", "eth0").output().contains("inet " + ipB + "/"),
                "the pod kept its address");

        agent = NodeAgent.start(config(), api.client());
        assertEquals(2, agent.adoptedPods().size());
        assertEquals(hostEnds, agent.dataplane().pods().list().stream().map(p -> p.interfaces().getFirst().hostName()).sorted().toList(),
                "the same veths, adopted");
        assertEquals(0, ping(nsB, ipA).code(), "the pods talk again through the new agent (b to a: b is isolated, a is not)");
        assertTrue(namespaces.connects(nsA, nsB, ipB, 8080));
        assertFalse(namespaces.connects(nsA, nsB, ipB, 9090), "the policy was put back at start");

        Eventually.await(agent::isReady, () -> "the agent is not ready");
        api.apply(allowTcp("shop", "b-from-a", "b", "a", 9090));
        Eventually.await(() -> agent.dataplane().policies().current().policies().getFirst().spec().ingress().getFirst().ports().toString().contains("9090"),
                () -> "in force: " + agent.dataplane().policies().current().policies());
        assertTrue(namespaces.connects(nsA, nsB, ipB, 9090), "the changed policy allows 9090");
        assertFalse(namespaces.connects(nsA, nsB, ipB, 8080), "and no longer 8080");
    }
}
