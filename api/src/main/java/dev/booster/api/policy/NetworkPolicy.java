package dev.booster.api.policy;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.booster.api.InvalidSpecException;

/**
 * A network policy object as Kubernetes stores it: {@code networking.k8s.io/v1 NetworkPolicy} (namespaced), or
 * Booster's cluster-wide {@code booster.dev/v1alpha1 GlobalNetworkPolicy}. Unknown top-level fields such as
 * {@code status} are ignored so {@code kubectl get -o yaml} output reads unchanged.
 */
@JsonIgnoreProperties(value = {"status"}, ignoreUnknown = false)
public record NetworkPolicy(String apiVersion, String kind, ObjectMeta metadata, NetworkPolicySpec spec) {

    public static final String K8S_API_VERSION = "networking.k8s.io/v1";
    public static final String BOOSTER_API_VERSION = "booster.dev/v1alpha1";
    public static final String KIND = "NetworkPolicy";
    public static final String GLOBAL_KIND = "GlobalNetworkPolicy";

    public NetworkPolicy {
        kind = kind == null ? KIND : kind;
        apiVersion = apiVersion == null ? (GLOBAL_KIND.equals(kind) ? BOOSTER_API_VERSION : K8S_API_VERSION) : apiVersion;
        if (!kind.equals(KIND) && !kind.equals(GLOBAL_KIND)) {
            throw new InvalidSpecException("kind", "\"" + kind + "\" is not a policy; use " + KIND + " or " + GLOBAL_KIND);
        }
        if (!apiVersion.equals(K8S_API_VERSION) && !apiVersion.equals(BOOSTER_API_VERSION)) {
            throw new InvalidSpecException("apiVersion", "\"" + apiVersion + "\" is not supported; use " + K8S_API_VERSION + " or " + BOOSTER_API_VERSION);
        }
        if (kind.equals(GLOBAL_KIND) && !apiVersion.equals(BOOSTER_API_VERSION)) {
            throw new InvalidSpecException("apiVersion", GLOBAL_KIND + " belongs to " + BOOSTER_API_VERSION);
        }
        if (metadata == null) throw new InvalidSpecException("metadata", "is required (name, and namespace for a NetworkPolicy)");
        if (spec == null) throw new InvalidSpecException("spec", "is required");
        if (kind.equals(KIND) && (metadata.namespace() == null || metadata.namespace().isEmpty())) {
            throw new InvalidSpecException("metadata.namespace", "is required for a NetworkPolicy (a GlobalNetworkPolicy has none)");
        }
        if (kind.equals(GLOBAL_KIND) && metadata.namespace() != null && !metadata.namespace().isEmpty()) {
            throw new InvalidSpecException("metadata.namespace", "must be empty for a GlobalNetworkPolicy");
        }
        if (kind.equals(KIND) && spec.namespaceSelector().isPresent()) {
            throw new InvalidSpecException("spec.namespaceSelector", "is only for GlobalNetworkPolicy; a NetworkPolicy applies to its own namespace");
        }
    }

    /** A namespaced Kubernetes NetworkPolicy. */
    public static NetworkPolicy of(String namespace, String name, NetworkPolicySpec spec) {
        return new NetworkPolicy(K8S_API_VERSION, KIND, ObjectMeta.of(namespace, name), spec);
    }

    /** A cluster-wide policy. */
    public static NetworkPolicy global(String name, NetworkPolicySpec spec) {
        return new NetworkPolicy(BOOSTER_API_VERSION, GLOBAL_KIND, ObjectMeta.of(null, name), spec);
    }

    @JsonIgnore
    public boolean isGlobal() {
        return kind.equals(GLOBAL_KIND);
    }

    /** {@code namespace/name}, or the bare name of a global policy: how errors and counters refer to it. */
    @JsonIgnore
    public String key() {
        return isGlobal() ? metadata.name() : metadata.namespace() + "/" + metadata.name();
    }
}
