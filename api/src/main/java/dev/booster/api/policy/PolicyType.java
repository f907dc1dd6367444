package dev.booster.api.policy;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The direction a policy isolates, spelled as in Kubernetes ({@code Ingress}, {@code Egress}). */
public enum PolicyType {
    @JsonProperty("Ingress") INGRESS,
    @JsonProperty("Egress") EGRESS
}
