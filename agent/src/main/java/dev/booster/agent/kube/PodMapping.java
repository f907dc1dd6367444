package dev.booster.agent.kube;

import dev.booster.api.pod.NamedPort;
import dev.booster.api.policy.Protocol;
import dev.booster.cni.PodMetadataSource.PodMetadata;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1ContainerPort;
import io.kubernetes.client.openapi.models.V1Pod;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** What Booster takes from a Kubernetes Pod: labels (policy), annotations (extra interfaces) and named ports. */
public final class PodMapping {

    private PodMapping() {
    }

    public static PodMetadata metadata(V1Pod pod) {
        Map<String, String> labels = pod.getMetadata() == null || pod.getMetadata().getLabels() == null ? Map.of() : pod.getMetadata().getLabels();
        Map<String, String> annotations = pod.getMetadata() == null || pod.getMetadata().getAnnotations() == null
                ? Map.of() : pod.getMetadata().getAnnotations();
        return new PodMetadata(labels, annotations, namedPorts(pod));
    }

    /**
     * The named container ports, as policies resolve them: of the containers and of the init containers (sidecars
     * serve ports too); the first of a name and protocol wins, as the dataplane takes each once.
     */
    static List<NamedPort> namedPorts(V1Pod pod) {
        List<NamedPort> ports = new ArrayList<>();
        if (pod.getSpec() == null) return ports;
        Set<String> seen = new HashSet<>();
        List<V1Container> containers = new ArrayList<>();
        if (pod.getSpec().getContainers() != null) containers.addAll(pod.getSpec().getContainers());
        if (pod.getSpec().getInitContainers() != null) containers.addAll(pod.getSpec().getInitContainers());
        for (V1Container c : containers) {
            if (c.getPorts() == null) continue;
            for (V1ContainerPort p : c.getPorts()) {
                if (p.getName() == null || p.getName().isEmpty() || p.getContainerPort() == null) continue;
                Protocol protocol = p.getProtocol() == null ? Protocol.TCP : Protocol.valueOf(p.getProtocol().toUpperCase(Locale.ROOT));
                if (seen.add(p.getName() + "/" + protocol)) ports.add(new NamedPort(p.getName(), protocol, p.getContainerPort()));
            }
        }
        return ports;
    }
}
