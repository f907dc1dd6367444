package dev.booster.agent.kube;

import dev.booster.api.net.IpAddress;
import dev.booster.api.policy.Protocol;
import dev.booster.api.service.ServiceEndpoint;
import dev.booster.api.service.ServicePort;
import dev.booster.api.service.ServiceSpec;
import io.kubernetes.client.custom.IntOrString;
import io.kubernetes.client.openapi.models.DiscoveryV1EndpointPort;
import io.kubernetes.client.openapi.models.V1ClientIPConfig;
import io.kubernetes.client.openapi.models.V1Endpoint;
import io.kubernetes.client.openapi.models.V1EndpointConditions;
import io.kubernetes.client.openapi.models.V1EndpointSlice;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServicePort;
import io.kubernetes.client.openapi.models.V1ServiceSpec;
import io.kubernetes.client.openapi.models.V1SessionAffinityConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class ServiceMappingTest {

    static V1Service service(String namespace, String name, String clusterIp, V1ServicePort... ports) {
        return new V1Service().metadata(new V1ObjectMeta().namespace(namespace).name(name))
                .spec(new V1ServiceSpec().type("ClusterIP").clusterIP(clusterIp).clusterIPs(List.of(clusterIp)).ports(List.of(ports)));
    }

    static V1EndpointSlice slice(String namespace, String service, String name, List<DiscoveryV1EndpointPort> ports, V1Endpoint... endpoints) {
        return new V1EndpointSlice().metadata(new V1ObjectMeta().namespace(namespace).name(name)
                        .labels(Map.of(ServiceMapping.SERVICE_NAME_LABEL, service)))
                .addressType("IPv4").ports(ports).endpoints(List.of(endpoints));
    }

    static V1Endpoint endpoint(String address, Boolean ready) {
        return new V1Endpoint().addresses(List.of(address)).conditions(ready == null ? null : new V1EndpointConditions().ready(ready));
    }

    @Test
    void portsGetTheReadyEndpointsOfTheirServicesSlicesByPortNameAndProtocol() {
        V1Service web = service("shop", "web", "10.96.0.10",
                new V1ServicePort().name("http").protocol("TCP").port(80).targetPort(new IntOrString("http")),
                new V1ServicePort().name("dns").protocol("UDP").port(53).targetPort(new IntOrString(5353)));
        web.getSpec().sessionAffinity("ClientIP").sessionAffinityConfig(new V1SessionAffinityConfig().clientIP(new V1ClientIPConfig().timeoutSeconds(60)));
        List<DiscoveryV1EndpointPort> ports = List.of(new DiscoveryV1EndpointPort().name("http").protocol("TCP").port(8080),
                new DiscoveryV1EndpointPort().name("dns").protocol("UDP").port(5353));
        List<V1EndpointSlice> slices = List.of(
                slice("shop", "web", "web-1", ports, endpoint("10.244.1.5", true), endpoint("10.244.1.6", false), endpoint("10.244.2.7", null)),
                slice("shop", "web", "web-2", ports, endpoint("10.244.1.5", true)), // the same endpoint in two slices, as during a handover
                slice("other", "web", "web-x", ports, endpoint("10.9.9.9", true))); // another namespace's service of that name

        ServiceSpec spec = ServiceMapping.service(web, slices).orElseThrow();

        List<ServiceEndpoint> http = List.of(new ServiceEndpoint(IpAddress.parse("10.244.1.5"), 8080), new ServiceEndpoint(IpAddress.parse("10.244.2.7"), 8080));
        List<ServiceEndpoint> dns = List.of(new ServiceEndpoint(IpAddress.parse("10.244.1.5"), 5353), new ServiceEndpoint(IpAddress.parse("10.244.2.7"), 5353));
        assertEquals(new ServiceSpec("shop", "web", List.of(IpAddress.parse("10.96.0.10")),
                List.of(new ServicePort("http", Protocol.TCP, 80, http), new ServicePort("dns", Protocol.UDP, 53, dns)),
                ServiceSpec.SessionAffinity.CLIENT_IP, Duration.ofSeconds(60), null), spec);
    }

    @Test
    void headlessAndExternalNameServicesHaveNothingToBalance() {
        V1ServicePort port = new V1ServicePort().port(80);
        V1Service headless = service("shop", "db", "None", port);
        V1Service external = new V1Service().metadata(new V1ObjectMeta().namespace("shop").name("ext"))
                .spec(new V1ServiceSpec().type("ExternalName").externalName("example.com").ports(List.of(port)));
        assertEquals(Map.of(), ServiceMapping.services(List.of(headless, external), List.of()));
        V1Service unnamed = service("shop", "one", "10.96.0.11", port);
        ServiceSpec spec = ServiceMapping.services(List.of(unnamed), List.of(slice("shop", "one", "one-1",
                List.of(new DiscoveryV1EndpointPort().port(8080)), endpoint("10.244.1.9", true)))).get("shop/one");
        assertEquals(List.of(new ServiceEndpoint(IpAddress.parse("10.244.1.9"), 8080)), spec.ports().getFirst().endpoints(),
                "an unnamed service port matches the slice's unnamed port");
    }
}
