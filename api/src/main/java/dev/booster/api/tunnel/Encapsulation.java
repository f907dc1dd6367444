package dev.booster.api.tunnel;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How pod packets cross to another node. */
public enum Encapsulation {
    /** Plain routing: the nodes share an L2 segment or the network routes pod CIDRs. */
    @JsonProperty("none") NONE,
    /** IP-in-IP (protocol 4 / 41). */
    @JsonProperty("ipip") IPIP,
    /** VXLAN, RFC 7348, UDP 4789. */
    @JsonProperty("vxlan") VXLAN
}
