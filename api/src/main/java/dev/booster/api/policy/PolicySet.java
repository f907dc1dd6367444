package dev.booster.api.policy;

import dev.booster.api.InvalidSpecException;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything policy depends on besides pods: the policies, the tiers they sit in, and the namespaces' labels.
 * {@link Policies#apply(PolicySet)} replaces the whole set at once.
 *
 * @param namespaceLabels labels per namespace; a namespace not listed has just {@value Labels#NAMESPACE_NAME}
 */
public record PolicySet(List<NetworkPolicy> policies, List<Tier> tiers, Map<String, Map<String, String>> namespaceLabels) {

    public static final PolicySet EMPTY = new PolicySet(List.of(), List.of(), Map.of());

    public PolicySet {
        policies = List.copyOf(policies);
        Set<String> tierNames = new HashSet<>();
        List<Tier> allTiers = new ArrayList<>(tiers);
        if (allTiers.stream().noneMatch(t -> t.name().equals(Tier.DEFAULT.name()))) allTiers.add(Tier.DEFAULT);
        for (int i = 0; i < allTiers.size(); i++) {
            if (!tierNames.add(allTiers.get(i).name())) {
                throw new InvalidSpecException("tiers[" + i + "]", "tier \"" + allTiers.get(i).name() + "\" is defined twice");
            }
        }
        tiers = List.copyOf(allTiers);
        Set<String> keys = new HashSet<>();
        for (int i = 0; i < policies.size(); i++) {
            NetworkPolicy p = policies.get(i);
            if (!keys.add(p.kind() + ":" + p.key())) {
                throw new InvalidSpecException("policies[" + i + "]", p.kind() + " " + p.key() + " appears twice");
            }
            String tier = p.spec().tier().orElse(Tier.DEFAULT.name());
            if (!tierNames.contains(tier)) {
                throw new InvalidSpecException("policies[" + i + "].spec.tier", "tier \"" + tier + "\" is not defined; add it to tiers");
            }
        }
        Map<String, Map<String, String>> ns = new LinkedHashMap<>();
        namespaceLabels.forEach((name, labels) -> {
            Labels.checkAll("namespaceLabels." + name, labels);
            Map<String, String> withName = new LinkedHashMap<>(labels);
            withName.putIfAbsent(Labels.NAMESPACE_NAME, name);
            ns.put(name, Map.copyOf(withName));
        });
        namespaceLabels = Map.copyOf(ns);
    }

    public static PolicySet of(List<NetworkPolicy> policies) {
        return new PolicySet(policies, List.of(), Map.of());
    }

    public static PolicySet of(NetworkPolicy... policies) {
        return of(List.of(policies));
    }

    /** The same set with {@code namespace}'s labels replaced. */
    public PolicySet withNamespace(String namespace, Map<String, String> labels) {
        Map<String, Map<String, String>> ns = new LinkedHashMap<>(namespaceLabels);
        ns.put(namespace, labels);
        return new PolicySet(policies, tiers, ns);
    }

    /** The labels of {@code namespace}, always including {@value Labels#NAMESPACE_NAME}. */
    public Map<String, String> labelsOf(String namespace) {
        Map<String, String> labels = namespaceLabels.get(namespace);
        return labels != null ? labels : Map.of(Labels.NAMESPACE_NAME, namespace);
    }

    public Tier tier(String name) {
        for (Tier t : tiers) if (t.name().equals(name)) return t;
        throw new IllegalArgumentException("no tier " + name);
    }
}
