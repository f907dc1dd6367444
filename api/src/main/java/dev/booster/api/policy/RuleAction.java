package dev.booster.api.policy;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What a matching rule does (Calico semantics). Kubernetes rules are all {@link #ALLOW}.
 * <ul>
 *   <li>{@code Allow}: accept; no later rule, policy or tier is consulted.</li>
 *   <li>{@code Deny}: drop; no later rule, policy or tier is consulted.</li>
 *   <li>{@code Pass}: skip the rest of this tier; the next tier with a policy for the pod decides (none: allow).</li>
 *   <li>{@code Log}: count and trace the packet, then go on to the next rule.</li>
 * </ul>
 */
public enum RuleAction {
    @JsonProperty("Allow") ALLOW,
    @JsonProperty("Deny") DENY,
    @JsonProperty("Pass") PASS,
    @JsonProperty("Log") LOG
}
