package dev.booster.api.tunnel;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Where a protected tunnel's keys come from. */
public enum KeyExchange {
    /** The operator distributes SA keys; {@link TunnelSpec#key()} holds them. */
    @JsonProperty("static") STATIC,
    /** IKEv2 with a pre-shared key; {@link TunnelSpec#key()} holds the PSK. */
    @JsonProperty("ikev2-psk") IKEV2_PSK
}
