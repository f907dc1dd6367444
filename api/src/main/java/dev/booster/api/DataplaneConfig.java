package dev.booster.api;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * How to open a dataplane: which provider (or which capabilities it must have), the node's identity and backend
 * options. Backend-specific options live in {@link #options()} under keys prefixed with the provider name
 * (e.g. {@code afxdp.uplink=eth0}), so one config can be handed to any provider.
 *
 * @param provider     the provider to use, or empty to pick the best available one with {@code requiredCapabilities}
 * @param requiredCapabilities what the chosen provider must support
 * @param nodeName     this node's name (the Kubernetes Node name), used in events and tunnel setup
 * @param workers      packet worker threads for backends that run Booster's engine (at least 1)
 * @param options      backend options, keys {@code <provider>.<option>}
 */
public record DataplaneConfig(Optional<String> provider, Set<Capability> requiredCapabilities, String nodeName,
                              int workers, Map<String, String> options) {

    public DataplaneConfig {
        Objects.requireNonNull(provider, "provider");
        provider.ifPresent(p -> {
            if (p.isBlank()) throw new InvalidSpecException("provider", "must not be blank; leave it unset to pick the best available provider");
        });
        requiredCapabilities = requiredCapabilities.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(requiredCapabilities));
        if (nodeName == null || nodeName.isBlank()) {
            throw new InvalidSpecException("nodeName", "must not be blank");
        }
        if (workers < 1 || workers > 256) {
            throw new InvalidSpecException("workers", workers + " is out of range; use 1..256");
        }
        options = Map.copyOf(options);
    }

    /** The defaults: any provider, no required capability, node name from the host name, one worker. */
    public static DataplaneConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The option {@code key}, if set. */
    public Optional<String> option(String key) {
        return Optional.ofNullable(options.get(key));
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.provider = provider.orElse(null);
        b.required.addAll(requiredCapabilities);
        b.nodeName = nodeName;
        b.workers = workers;
        b.options.putAll(options);
        return b;
    }

    public static final class Builder {
        private String provider;
        private final Set<Capability> required = EnumSet.noneOf(Capability.class);
        private String nodeName = defaultNodeName();
        private int workers = 1;
        private final Map<String, String> options = new LinkedHashMap<>();

        private Builder() {
        }

        public Builder provider(String name) {
            this.provider = name;
            return this;
        }

        public Builder require(Capability... capabilities) {
            required.addAll(Set.of(capabilities));
            return this;
        }

        public Builder nodeName(String nodeName) {
            this.nodeName = nodeName;
            return this;
        }

        public Builder workers(int workers) {
            this.workers = workers;
            return this;
        }

        public Builder option(String key, String value) {
            options.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        public DataplaneConfig build() {
            return new DataplaneConfig(Optional.ofNullable(provider), required, nodeName, workers, options);
        }

        private static String defaultNodeName() {
            String fromEnv = System.getenv("NODE_NAME");
            if (fromEnv != null && !fromEnv.isBlank()) return fromEnv;
            try {
                return java.net.InetAddress.getLocalHost().getHostName();
            } catch (java.io.IOException e) {
                return "localhost";
            }
        }
    }
}
