package dev.booster.api.pod;

import dev.booster.api.InvalidSpecException;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A pod as the dataplane sees it: its identity, labels (for policy), network namespace and interfaces.
 *
 * @param uid        a key unique on this node (the Kubernetes pod UID, or the CNI container id)
 * @param netns      the pod's network namespace path as CNI gives it ({@code /var/run/netns/x}, {@code /proc/PID/ns/net});
 *                   empty for an application in the dataplane's own process (memif only)
 * @param namedPorts the pod's named container ports, for policies that name ports
 */
public record PodSpec(String uid, String namespace, String name, Map<String, String> labels, Optional<Path> netns,
                      List<InterfaceSpec> interfaces, List<NamedPort> namedPorts) {

    public PodSpec {
        if (uid == null || uid.isBlank()) throw new InvalidSpecException("uid", "is empty");
        if (namespace == null || namespace.isBlank()) throw new InvalidSpecException("namespace", "is empty");
        if (name == null || name.isBlank()) throw new InvalidSpecException("name", "is empty");
        Objects.requireNonNull(netns, "netns");
        labels = Map.copyOf(Objects.requireNonNull(labels, "labels"));
        interfaces = List.copyOf(Objects.requireNonNull(interfaces, "interfaces"));
        namedPorts = namedPorts == null ? List.of() : List.copyOf(namedPorts);
        if (interfaces.isEmpty()) throw new InvalidSpecException("interfaces", "a pod needs at least one interface");
        Set<String> names = new HashSet<>();
        for (int i = 0; i < interfaces.size(); i++) {
            if (!names.add(interfaces.get(i).name())) {
                throw new InvalidSpecException("interfaces[" + i + "].name", "\"" + interfaces.get(i).name() + "\" is used twice");
            }
        }
        if (netns.isEmpty()) {
            for (int i = 0; i < interfaces.size(); i++) {
                if (!(interfaces.get(i) instanceof Memif)) {
                    throw new InvalidSpecException("netns", "is missing; only memif interfaces can be attached without a network namespace (interfaces[" + i + "] is not)");
                }
            }
        }
    }

    public static Builder builder(String namespace, String name) {
        return new Builder(namespace, name);
    }

    /** Wide enough to deserve a builder: most fields have sensible defaults. */
    public static final class Builder {
        private String uid;
        private final String namespace;
        private final String name;
        private Map<String, String> labels = Map.of();
        private Path netns;
        private final List<InterfaceSpec> interfaces = new java.util.ArrayList<>();
        private final List<NamedPort> namedPorts = new java.util.ArrayList<>();

        private Builder(String namespace, String name) {
            this.namespace = namespace;
            this.name = name;
        }

        public Builder uid(String uid) {
            this.uid = uid;
            return this;
        }

        public Builder labels(Map<String, String> labels) {
            this.labels = labels;
            return this;
        }

        public Builder netns(Path netns) {
            this.netns = netns;
            return this;
        }

        public Builder netns(String netns) {
            return netns(Path.of(netns));
        }

        public Builder addInterface(InterfaceSpec spec) {
            interfaces.add(spec);
            return this;
        }

        public Builder addNamedPort(NamedPort port) {
            namedPorts.add(port);
            return this;
        }

        public PodSpec build() {
            return new PodSpec(uid != null ? uid : namespace + "/" + name, namespace, name, labels, Optional.ofNullable(netns), interfaces, namedPorts);
        }
    }
}
