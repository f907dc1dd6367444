package dev.booster.agent;

import dev.booster.agent.testing.Eventually;
import dev.booster.agent.testing.MemoryAgentFixture;
import dev.booster.api.pod.PodAttachment;
import dev.booster.testkit.MemoryPod;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import static dev.booster.agent.testing.KubeObjects.allowTcp;
import static dev.booster.agent.testing.KubeObjects.pod;
import static org.junit.jupiter.api.Assertions.*;

/** {@code /healthz}, {@code /readyz} and {@code /metrics} over HTTP, with {@code FakeApiServerForTests} as the API server. */
class HealthAndMetricsViaFakeApiServerForTestsTest {
    private final MemoryAgentFixture f = new MemoryAgentFixture();
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void close() {
        f.close();
        http.close();
    }

    private HttpResponse<String> get(String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + f.agent.healthAddress().getPort() + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void readyOnceTheInformersListedAndLiveWhileTheDataplaneAnswers() {
        f.api.setAvailable(false);
        f.restart();
        HttpResponse<String> notReady = get("/readyz");
        assertEquals(503, notReady.statusCode());
        assertTrue(notReady.body().contains("informers not synced yet: V1EndpointSlice, V1Namespace, V1NetworkPolicy, V1Node, V1Pod, V1Service"),
                notReady.body());
        assertEquals(200, get("/healthz").statusCode(), "live: only the API server is away");

        f.api.setAvailable(true);
        Eventually.await(() -> get("/readyz").statusCode() == 200, () -> get("/readyz").body());
        assertEquals("ready\n", get("/readyz").body());
        assertEquals(404, get("/nothing").statusCode());

        f.agent.close();
        assertEquals(java.util.List.of("the agent is closed"), f.agent.health().notLive().subList(0, 1), "a closed agent is not live");
    }

    @Test
    void metricsCarryTheDataplanesCountersPerInterfaceDropsByReasonAndTheAgentsState() {
        PodAttachment a = f.attach("shop", "a", "10.0.0.1");
        PodAttachment b = f.attach("shop", "b", "10.0.0.2");
        f.api.apply(pod("shop", "a", MemoryAgentFixture.NODE, Map.of("app", "a")));
        f.api.apply(pod("shop", "b", MemoryAgentFixture.NODE, Map.of("app", "b")));
        f.api.apply(allowTcp("shop", "b-from-a", "b", "a", 8080));
        Eventually.await(() -> a.spec().labels().equals(Map.of("app", "a")) && f.dataplane().policies().generation() > 0, () -> "not reconciled");
        MemoryPod source = MemoryPod.of(a);
        for (int i = 0; i < 3; i++) source.send(source.frameTo(b.interfaces().getFirst().addresses().getFirst().address()).tcp(41000 + i, 9090, 0x02).build());

        HttpResponse<String> response = get("/metrics");
        assertEquals(200, response.statusCode());
        assertEquals(HealthServer.PROMETHEUS_TEXT, response.headers().firstValue("Content-Type").orElseThrow());
        String text = response.body();
        String interfaceA = a.interfaces().getFirst().hostName();
        assertTrue(text.contains("booster_interface_rx_packets_total{interface=\"" + interfaceA + "\",pod=\"cid-a/eth0\"} 3.0"), text);
        assertTrue(text.contains("booster_interface_rx_bytes_total{interface=\"" + interfaceA + "\",pod=\"cid-a/eth0\"}"), text);
        assertTrue(text.contains("booster_interface_tx_packets_total{interface=\"" + b.interfaces().getFirst().hostName() + "\",pod=\"cid-b/eth0\"} 0.0"), text);
        assertTrue(text.contains("booster_drops_total{reason=\"policy-deny\"} 3.0"), text);
        assertTrue(text.contains("booster_agent_pods 2.0"), text);
        assertTrue(text.contains("booster_agent_ready 1.0"), text);
        assertTrue(text.contains("booster_agent_policies 1.0"), text);

        b.detach();
        String after = get("/metrics").body();
        assertFalse(after.contains("pod=\"cid-b/eth0\""), "a detached pod's interface leaves the metrics:\n" + after);
    }
}
