package dev.booster.api.policy;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/** Traffic from the selected pods {@code to} these peers on these {@code ports}; {@code action} defaults to Allow. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record EgressRule(List<NetworkPolicyPeer> to, List<NetworkPolicyPort> ports, RuleAction action) implements PolicyRule {

    public EgressRule {
        to = to == null ? List.of() : List.copyOf(to);
        ports = ports == null ? List.of() : List.copyOf(ports);
        action = action == null ? RuleAction.ALLOW : action;
    }

    public static EgressRule allow(List<NetworkPolicyPeer> to, List<NetworkPolicyPort> ports) {
        return new EgressRule(to, ports, RuleAction.ALLOW);
    }

    @JsonIgnore
    @Override
    public List<NetworkPolicyPeer> peers() {
        return to;
    }

    @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = IngressRule.AllowFilter.class)
    @Override
    public RuleAction action() {
        return action;
    }
}
