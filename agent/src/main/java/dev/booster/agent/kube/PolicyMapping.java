package dev.booster.agent.kube;

import dev.booster.api.InvalidSpecException;
import dev.booster.api.policy.NetworkPolicy;
import dev.booster.api.policy.PolicySet;
import dev.booster.config.ManifestException;
import dev.booster.config.Manifests;
import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1NetworkPolicy;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Kubernetes NetworkPolicies and Namespaces as the client delivers them, turned into Booster's {@link PolicySet}.
 * A policy goes through the client's own JSON and Booster's manifest reader ({@link Manifests}), the same path a
 * {@code kubectl get -o json} takes, so there is one mapping from the Kubernetes shape to Booster's records, not two.
 */
public final class PolicyMapping {

    private PolicyMapping() {
    }

    /** A policy the mapping refused, with the reason (the manifest reader's message names the field). */
    public record Rejected(String key, String resourceVersion, String reason) {
    }

    /** The set and what was left out of it. */
    public record Result(PolicySet policies, List<Rejected> rejected) {
        public Result {
            rejected = List.copyOf(rejected);
        }
    }

    /** One policy; throws {@link ManifestException} or {@link InvalidSpecException} naming the field it cannot take. */
    public static NetworkPolicy policy(V1NetworkPolicy policy) {
        Objects.requireNonNull(policy, "policy");
        // Items of a list come without kind and apiVersion when the client did not fill them in; the record defaults them.
        List<NetworkPolicy> read = Manifests.policiesFromJson(JSON.serialize(policy));
        if (read.size() != 1) throw new IllegalStateException("one NetworkPolicy read as " + read.size());
        return read.getFirst();
    }

    /**
     * The policy set of these policies and namespaces, in a stable order (by namespace/name), so equal cluster states
     * make equal sets. A policy Booster cannot take is left out and reported; the rest still apply.
     */
    public static Result policySet(Collection<V1Namespace> namespaces, Collection<V1NetworkPolicy> policies) {
        List<NetworkPolicy> mapped = new ArrayList<>();
        List<Rejected> rejected = new ArrayList<>();
        for (V1NetworkPolicy p : policies) {
            try {
                mapped.add(policy(p));
            } catch (IllegalArgumentException e) { // ManifestException and InvalidSpecException among them
                rejected.add(new Rejected(keyOf(p), p.getMetadata() == null ? "" : String.valueOf(p.getMetadata().getResourceVersion()), e.getMessage()));
            }
        }
        mapped.sort(Comparator.comparing(NetworkPolicy::key));
        Map<String, Map<String, String>> labels = new LinkedHashMap<>();
        List<V1Namespace> sorted = new ArrayList<>(namespaces);
        sorted.removeIf(ns -> ns.getMetadata() == null || ns.getMetadata().getName() == null);
        sorted.sort(Comparator.comparing(ns -> ns.getMetadata().getName()));
        for (V1Namespace ns : sorted) {
            Map<String, String> l = ns.getMetadata().getLabels();
            labels.put(ns.getMetadata().getName(), l == null ? Map.of() : l);
        }
        try {
            return new Result(new PolicySet(mapped, List.of(), labels), rejected);
        } catch (InvalidSpecException e) {
            // Namespace labels the API server accepted are valid Kubernetes labels; what remains is a bad namespace.
            Map<String, Map<String, String>> valid = new LinkedHashMap<>();
            labels.forEach((name, l) -> {
                try {
                    new PolicySet(List.of(), List.of(), Map.of(name, l));
                    valid.put(name, l);
                } catch (InvalidSpecException bad) {
                    rejected.add(new Rejected("namespace " + name, "", bad.getMessage()));
                }
            });
            return new Result(new PolicySet(mapped, List.of(), valid), rejected);
        }
    }

    private static String keyOf(V1NetworkPolicy p) {
        return p.getMetadata() == null ? "(no metadata)" : p.getMetadata().getNamespace() + "/" + p.getMetadata().getName();
    }
}
