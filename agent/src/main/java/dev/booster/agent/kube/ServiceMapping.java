package dev.booster.agent.kube;

import dev.booster.api.net.IpAddress;
import dev.booster.api.policy.Protocol;
import dev.booster.api.service.ServiceEndpoint;
import dev.booster.api.service.ServicePort;
import dev.booster.api.service.ServiceSpec;
import io.kubernetes.client.openapi.models.DiscoveryV1EndpointPort;
import io.kubernetes.client.openapi.models.V1Endpoint;
import io.kubernetes.client.openapi.models.V1EndpointSlice;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServicePort;
import io.kubernetes.client.openapi.models.V1ServiceSpec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Services and their EndpointSlices as Booster's {@link ServiceSpec}s: a ClusterIP service's ports, each with the
 * ready endpoints of the slices labelled {@value #SERVICE_NAME_LABEL} with the service's name whose port has the
 * service port's name and protocol. Headless and ExternalName services have no cluster IP to balance and are left out.
 */
public final class ServiceMapping {
    public static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

    private ServiceMapping() {
    }

    /** Every service that can be load-balanced, keyed {@code namespace/name}. */
    public static Map<String, ServiceSpec> services(Collection<V1Service> services, Collection<V1EndpointSlice> slices) {
        Map<String, ServiceSpec> specs = new TreeMap<>();
        for (V1Service s : services) service(s, slices).ifPresent(spec -> specs.put(spec.key(), spec));
        return specs;
    }

    public static Optional<ServiceSpec> service(V1Service service, Collection<V1EndpointSlice> slices) {
        V1ServiceSpec spec = service.getSpec();
        if (service.getMetadata() == null || spec == null || spec.getPorts() == null || spec.getPorts().isEmpty()) return Optional.empty();
        if ("ExternalName".equals(spec.getType())) return Optional.empty();
        List<IpAddress> clusterIps = clusterIps(spec);
        if (clusterIps.isEmpty()) return Optional.empty();
        String namespace = service.getMetadata().getNamespace();
        String name = service.getMetadata().getName();
        List<V1EndpointSlice> own = slices.stream()
                .filter(s -> s.getMetadata() != null && Objects.equals(namespace, s.getMetadata().getNamespace())
                        && s.getMetadata().getLabels() != null && name.equals(s.getMetadata().getLabels().get(SERVICE_NAME_LABEL)))
                .toList();
        List<ServicePort> ports = new ArrayList<>();
        for (V1ServicePort p : spec.getPorts()) {
            Protocol protocol = protocol(p.getProtocol());
            ports.add(new ServicePort(p.getName(), protocol, p.getPort(), endpoints(own, nameOf(p.getName()), protocol)));
        }
        ServiceSpec.SessionAffinity affinity = "ClientIP".equals(spec.getSessionAffinity()) ? ServiceSpec.SessionAffinity.CLIENT_IP
                : ServiceSpec.SessionAffinity.NONE;
        Duration timeout = spec.getSessionAffinityConfig() != null && spec.getSessionAffinityConfig().getClientIP() != null
                && spec.getSessionAffinityConfig().getClientIP().getTimeoutSeconds() != null
                ? Duration.ofSeconds(spec.getSessionAffinityConfig().getClientIP().getTimeoutSeconds()) : null;
        return Optional.of(new ServiceSpec(namespace, name, clusterIps, ports, affinity, timeout, null));
    }

    private static List<IpAddress> clusterIps(V1ServiceSpec spec) {
        List<String> texts = spec.getClusterIPs() != null && !spec.getClusterIPs().isEmpty() ? spec.getClusterIPs()
                : spec.getClusterIP() == null ? List.of() : List.of(spec.getClusterIP());
        List<IpAddress> ips = new ArrayList<>();
        for (String t : texts) {
            if (t.isEmpty() || t.equals("None")) continue;
            ips.add(IpAddress.parse(t));
        }
        return ips;
    }

    /** The ready endpoints of the slices' port {@code portName}/{@code protocol}, each once, in a stable order. */
    private static List<ServiceEndpoint> endpoints(List<V1EndpointSlice> slices, String portName, Protocol protocol) {
        Set<ServiceEndpoint> endpoints = new LinkedHashSet<>();
        for (V1EndpointSlice slice : slices) {
            if ("FQDN".equals(slice.getAddressType()) || slice.getPorts() == null || slice.getEndpoints() == null) continue;
            for (DiscoveryV1EndpointPort port : slice.getPorts()) {
                if (!nameOf(port.getName()).equals(portName) || protocol(port.getProtocol()) != protocol || port.getPort() == null) continue;
                for (V1Endpoint e : slice.getEndpoints()) {
                    // Kubernetes: a nil ready condition is to be read as ready.
                    if (e.getConditions() != null && Boolean.FALSE.equals(e.getConditions().getReady())) continue;
                    if (e.getAddresses() == null) continue;
                    for (String address : e.getAddresses()) endpoints.add(new ServiceEndpoint(IpAddress.parse(address), port.getPort()));
                }
            }
        }
        List<ServiceEndpoint> sorted = new ArrayList<>(endpoints);
        sorted.sort(Comparator.comparing((ServiceEndpoint e) -> e.address().toString()).thenComparingInt(ServiceEndpoint::port));
        return sorted;
    }

    private static String nameOf(String portName) {
        return portName == null ? "" : portName;
    }

    private static Protocol protocol(String text) {
        return text == null ? Protocol.TCP : Protocol.valueOf(text.toUpperCase(Locale.ROOT));
    }
}
