package dev.booster.agent;

import dev.booster.agent.kube.ServiceMapping;
import dev.booster.agent.testing.Eventually;
import dev.booster.agent.testing.MemoryAgentFixture;
import dev.booster.agent.testing.TunnelsAndServicesDataplane;
import dev.booster.api.net.IpAddress;
import dev.booster.api.service.ServiceEndpoint;
import dev.booster.spi.Dataplanes;
import io.kubernetes.client.openapi.models.DiscoveryV1EndpointPort;
import io.kubernetes.client.openapi.models.V1Endpoint;
import io.kubernetes.client.openapi.models.V1EndpointSlice;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServicePort;
import io.kubernetes.client.openapi.models.V1ServiceSpec;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.booster.agent.testing.KubeObjects.node;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Nodes → tunnels and Services + EndpointSlices → services, fed by {@code FakeApiServerForTests} through the real
 * client: on a backend without the capability (memory, afxdp today) the desired tables are kept and reported; on one
 * with it they are applied as differences.
 */
class TunnelsAndServicesViaFakeApiServerForTestsTest {

    private static V1Service service(String ip) {
        return new V1Service().metadata(new V1ObjectMeta().namespace("shop").name("web"))
                .spec(new V1ServiceSpec().type("ClusterIP").clusterIP(ip).clusterIPs(List.of(ip))
                        .ports(List.of(new V1ServicePort().name("http").protocol("TCP").port(80))));
    }

    private static V1EndpointSlice slice(String... addresses) {
        return new V1EndpointSlice().metadata(new V1ObjectMeta().namespace("shop").name("web-abc")
                        .labels(Map.of(ServiceMapping.SERVICE_NAME_LABEL, "web")))
                .addressType("IPv4").ports(List.of(new DiscoveryV1EndpointPort().name("http").protocol("TCP").port(8080)))
                .endpoints(java.util.Arrays.stream(addresses).map(a -> new V1Endpoint().addresses(List.of(a))).toList());
    }

    @Test
    void withoutTheCapabilityTheTablesAreKeptAndSaidToBeUnapplied() {
        try (MemoryAgentFixture f = new MemoryAgentFixture()) {
            f.api.apply(node(MemoryAgentFixture.NODE, "192.168.1.1", "10.244.1.0/24"));
            f.api.apply(node("node-2", "192.168.1.2", "10.244.2.0/24"));
            f.api.apply(service("10.96.0.10"));
            Eventually.await(() -> f.agent.desiredTunnels().containsKey("node-2") && f.agent.desiredServices().containsKey("shop/web"),
                    () -> "tunnels " + f.agent.desiredTunnels() + ", services " + f.agent.desiredServices());
            assertFalse(f.agent.tunnelsApplied());
            assertFalse(f.agent.servicesApplied());
            String metrics = f.agent.scrape();
            assertTrue(metrics.contains("booster_agent_desired_tunnels 1.0") && metrics.contains("booster_agent_tunnels_applied 0.0"), metrics);
        }
    }

    @Test
    void withTheCapabilityTheTablesAreAppliedAsDifferences() {
        TunnelsAndServicesDataplane[] dp = new TunnelsAndServicesDataplane[1];
        try (MemoryAgentFixture f = new MemoryAgentFixture(config -> dp[0] = new TunnelsAndServicesDataplane(Dataplanes.open(config)))) {
            f.api.apply(node(MemoryAgentFixture.NODE, "192.168.1.1", "10.244.1.0/24"));
            f.api.apply(node("node-2", "192.168.1.2", "10.244.2.0/24"));
            f.api.apply(node("node-3", "192.168.1.3", "10.244.3.0/24"));
            f.api.apply(service("10.96.0.10"));
            f.api.apply(slice("10.244.1.5"));
            Eventually.await(() -> dp[0].tunnelTable().keySet().equals(Set.of("node-2", "node-3"))
                            && dp[0].serviceTable().containsKey("shop/web")
                            && !dp[0].serviceTable().get("shop/web").ports().getFirst().endpoints().isEmpty(),
                    () -> "tunnels " + dp[0].tunnelTable().keySet() + ", services " + dp[0].serviceTable());
            assertTrue(f.agent.tunnelsApplied() && f.agent.servicesApplied());
            assertEquals(IpAddress.parse("192.168.1.3"), dp[0].tunnelTable().get("node-3").remoteAddress());
            int calls = dp[0].calls().size();

            f.api.delete(V1Node.class, null, "node-3");
            f.api.apply(slice("10.244.1.5", "10.244.2.9"));
            Eventually.await(() -> dp[0].tunnelTable().keySet().equals(Set.of("node-2"))
                            && dp[0].serviceTable().get("shop/web").ports().getFirst().endpoints().size() == 2,
                    () -> "tunnels " + dp[0].tunnelTable().keySet() + ", services " + dp[0].serviceTable());
            assertEquals(List.of(new ServiceEndpoint(IpAddress.parse("10.244.1.5"), 8080), new ServiceEndpoint(IpAddress.parse("10.244.2.9"), 8080)),
                    dp[0].serviceTable().get("shop/web").ports().getFirst().endpoints());
            List<String> since = dp[0].calls().subList(calls, dp[0].calls().size());
            assertTrue(since.contains("remove tunnel node-3") && since.contains("put service shop/web"), since.toString());
            assertFalse(since.contains("put tunnel node-2"), "an unchanged tunnel is not put again: " + since);

            f.api.delete(V1Service.class, "shop", "web");
            Eventually.await(() -> dp[0].serviceTable().isEmpty(), () -> "services " + dp[0].serviceTable());
        }
    }
}
