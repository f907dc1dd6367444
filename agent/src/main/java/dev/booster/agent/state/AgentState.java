package dev.booster.agent.state;

import dev.booster.api.policy.PolicySet;

import java.util.List;
import java.util.Optional;

/**
 * What the agent keeps across restarts: the pods the CNI attached and the policy set last in force, so a restarted
 * agent puts the policy back before it adopts the pods (their first packets meet it, not an empty set while the
 * informers list).
 *
 * @param version the file format, {@value #VERSION}; another is refused rather than misread
 */
public record AgentState(int version, List<PersistedPod> pods, Optional<PolicySet> policies) {
    public static final int VERSION = 1;
    public static final AgentState EMPTY = new AgentState(VERSION, List.of(), Optional.empty());

    public AgentState {
        pods = pods == null ? List.of() : List.copyOf(pods);
        policies = policies == null ? Optional.empty() : policies;
    }
}
