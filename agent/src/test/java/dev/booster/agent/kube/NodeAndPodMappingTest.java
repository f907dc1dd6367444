package dev.booster.agent.kube;

import dev.booster.api.net.IpAddress;
import dev.booster.api.net.IpPrefix;
import dev.booster.api.pod.NamedPort;
import dev.booster.api.policy.Protocol;
import dev.booster.api.tunnel.TunnelSpec;
import dev.booster.cni.PodMetadataSource.PodMetadata;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1ContainerPort;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodSpec;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.booster.agent.testing.KubeObjects.node;
import static org.junit.jupiter.api.Assertions.*;

class NodeAndPodMappingTest {

    @Test
    void everyOtherNodeWithAnAddressAndPodCidrsOfThisNodesFamilyIsATunnel() {
        List<V1Node> nodes = List.of(
                node("self", "192.168.1.1", "10.244.1.0/24"),
                node("two", "192.168.1.2", "10.244.2.0/24", "fd00:2::/64"),
                node("no-cidr", "192.168.1.3"),
                node("v6-only", "fd00::4", "fd00:4::/64"));

        Map<String, TunnelSpec> tunnels = NodeMapping.tunnels("self", nodes);

        assertEquals(Map.of("two", TunnelSpec.plain("two", IpAddress.parse("192.168.1.1"), IpAddress.parse("192.168.1.2"),
                IpPrefix.parse("10.244.2.0/24"))), tunnels);
    }

    @Test
    void noTunnelsWhileThisNodesOwnAddressIsUnknown() {
        assertEquals(Map.of(), NodeMapping.tunnels("self", List.of(node("two", "192.168.1.2", "10.244.2.0/24"))));
        V1Node bare = new V1Node().metadata(new V1ObjectMeta().name("self"));
        assertEquals(Map.of(), NodeMapping.tunnels("self", List.of(bare, node("two", "192.168.1.2", "10.244.2.0/24"))));
    }

    @Test
    void podMetadataHasLabelsAnnotationsAndEachNamedPortOnce() {
        V1Pod pod = new V1Pod().metadata(new V1ObjectMeta().namespace("shop").name("web").labels(Map.of("app", "web"))
                        .annotations(Map.of("booster.dev/memif", "tcp:4444")))
                .spec(new V1PodSpec()
                        .containers(List.of(new V1Container().name("main").ports(List.of(
                                new V1ContainerPort().name("http").containerPort(8080),
                                new V1ContainerPort().name("dns").containerPort(53).protocol("UDP"),
                                new V1ContainerPort().containerPort(9999)))))
                        .initContainers(List.of(new V1Container().name("sidecar").ports(List.of(
                                new V1ContainerPort().name("http").containerPort(9090).protocol("TCP"),
                                new V1ContainerPort().name("metrics").containerPort(9100))))));

        PodMetadata m = PodMapping.metadata(pod);

        assertEquals(Map.of("app", "web"), m.labels());
        assertEquals(Map.of("booster.dev/memif", "tcp:4444"), m.annotations());
        assertEquals(List.of(new NamedPort("http", Protocol.TCP, 8080), new NamedPort("dns", Protocol.UDP, 53),
                new NamedPort("metrics", Protocol.TCP, 9100)), m.namedPorts(), "the first http wins; unnamed ports are not named ports");
        assertEquals(new PodMetadata(Map.of(), Map.of(), List.of()), PodMapping.metadata(new V1Pod().metadata(new V1ObjectMeta().name("x"))));
    }
}
