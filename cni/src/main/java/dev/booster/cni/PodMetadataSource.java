package dev.booster.cni;

import dev.booster.api.pod.NamedPort;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the cluster knows about a pod and CNI does not pass: labels (for policy), annotations (for extra
 * interfaces) and named ports. The node agent answers from its Kubernetes informers; a plain CNI setup has none.
 */
@FunctionalInterface
public interface PodMetadataSource {

    /** The pod {@code namespace/name} (from CNI_ARGS K8S_POD_NAMESPACE and K8S_POD_NAME), if known. */
    Optional<PodMetadata> lookup(String namespace, String name);

    /** Knows no pod: labels and annotations are empty. */
    static PodMetadataSource none() {
        return (namespace, name) -> Optional.empty();
    }

    record PodMetadata(Map<String, String> labels, Map<String, String> annotations, List<NamedPort> namedPorts) {
        public PodMetadata {
            labels = Map.copyOf(labels);
            annotations = Map.copyOf(annotations);
            namedPorts = List.copyOf(namedPorts);
        }
    }
}
