package dev.booster.api.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.booster.api.InvalidSpecException;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Kubernetes {@code NetworkPolicySpec} plus Calico-style extensions:
 * {@code order} (lower first; absent means after every ordered policy), {@code tier} (absent: {@code default}) and,
 * for global policies only, {@code namespaceSelector} (which namespaces' pods {@code podSelector} looks at).
 */
@JsonInclude(JsonInclude.Include.NON_ABSENT)
public record NetworkPolicySpec(LabelSelector podSelector, List<PolicyType> policyTypes,
                                @JsonInclude(JsonInclude.Include.NON_EMPTY) List<IngressRule> ingress,
                                @JsonInclude(JsonInclude.Include.NON_EMPTY) List<EgressRule> egress,
                                Optional<Double> order, Optional<String> tier, Optional<LabelSelector> namespaceSelector) {

    public NetworkPolicySpec {
        if (podSelector == null) {
            throw new InvalidSpecException("podSelector", "is required; use {} to select every pod in the namespace");
        }
        ingress = ingress == null ? List.of() : List.copyOf(ingress);
        egress = egress == null ? List.of() : List.copyOf(egress);
        policyTypes = policyTypes == null ? List.of() : List.copyOf(policyTypes);
        if (policyTypes.size() != EnumSet.copyOf(policyTypes.isEmpty() ? EnumSet.noneOf(PolicyType.class) : policyTypes).size()) {
            throw new InvalidSpecException("policyTypes", "lists a type twice");
        }
        if (!policyTypes.isEmpty() && !policyTypes.contains(PolicyType.EGRESS) && !egress.isEmpty()) {
            throw new InvalidSpecException("egress", "has rules but policyTypes does not include Egress; add Egress or drop the rules");
        }
        if (!policyTypes.isEmpty() && !policyTypes.contains(PolicyType.INGRESS) && !ingress.isEmpty()) {
            throw new InvalidSpecException("ingress", "has rules but policyTypes does not include Ingress; add Ingress or drop the rules");
        }
        order = order == null ? Optional.empty() : order;
        tier = tier == null ? Optional.empty() : tier;
        namespaceSelector = namespaceSelector == null ? Optional.empty() : namespaceSelector;
        order.ifPresent(o -> {
            if (o.isNaN() || o.isInfinite()) throw new InvalidSpecException("order", "must be a finite number");
        });
        tier.ifPresent(t -> Tier.checkName("tier", t));
    }

    /** A Kubernetes policy: selector, rules, types as given (empty = Kubernetes' default). */
    public static NetworkPolicySpec of(LabelSelector podSelector, List<PolicyType> policyTypes, List<IngressRule> ingress, List<EgressRule> egress) {
        return new NetworkPolicySpec(podSelector, policyTypes, ingress, egress, Optional.empty(), Optional.empty(), Optional.empty());
    }

    /**
     * The directions this policy isolates, with Kubernetes' default when {@code policyTypes} is absent: Ingress
     * always, Egress when there are egress rules.
     */
    public Set<PolicyType> effectivePolicyTypes() {
        if (!policyTypes.isEmpty()) return Set.copyOf(EnumSet.copyOf(policyTypes));
        return egress.isEmpty() ? Set.of(PolicyType.INGRESS) : Set.of(PolicyType.INGRESS, PolicyType.EGRESS);
    }
}
