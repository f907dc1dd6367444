package dev.booster.api.policy;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/** Traffic into the selected pods {@code from} these peers on these {@code ports}; {@code action} defaults to Allow. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record IngressRule(List<NetworkPolicyPeer> from, List<NetworkPolicyPort> ports, RuleAction action) implements PolicyRule {

    public IngressRule {
        from = from == null ? List.of() : List.copyOf(from);
        ports = ports == null ? List.of() : List.copyOf(ports);
        action = action == null ? RuleAction.ALLOW : action;
    }

    public static IngressRule allow(List<NetworkPolicyPeer> from, List<NetworkPolicyPort> ports) {
        return new IngressRule(from, ports, RuleAction.ALLOW);
    }

    @JsonIgnore
    @Override
    public List<NetworkPolicyPeer> peers() {
        return from;
    }

    @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = AllowFilter.class)
    @Override
    public RuleAction action() {
        return action;
    }

    /** Keeps the Kubernetes default (Allow) out of written manifests so they stay valid Kubernetes objects. */
    static final class AllowFilter {
        @Override
        public boolean equals(Object o) {
            return o == RuleAction.ALLOW;
        }

        @Override
        public int hashCode() {
            return 0;
        }
    }
}
