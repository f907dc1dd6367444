package dev.booster.api.policy;

import java.util.List;

/** What ingress and egress rules share: the peers on the far side, the ports, and the action. */
public sealed interface PolicyRule permits IngressRule, EgressRule {

    /** The peers; empty means every peer. */
    List<NetworkPolicyPeer> peers();

    /** The ports; empty means every port and protocol. */
    List<NetworkPolicyPort> ports();

    RuleAction action();
}
