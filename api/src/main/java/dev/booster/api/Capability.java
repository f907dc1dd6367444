package dev.booster.api;

/** What a backend can do. Asking a dataplane for something outside its capabilities throws {@link UnsupportedCapabilityException}. */
public enum Capability {
    /** Pods attached through a veth pair. */
    VETH,
    /** Pods attached through a tap device. */
    TAP,
    /** Pods or applications attached through a memif shared-memory interface. */
    MEMIF,
    /** Pods with their own AF_XDP socket. */
    AF_XDP_POD,
    /** IPv4 and IPv6 forwarding (IPv4 is implied by every backend; this one says IPv6 works too). */
    IPV6,
    /** Kubernetes NetworkPolicy enforcement. */
    POLICY,
    /** Policy with connection tracking: replies of allowed connections pass without a rule. */
    STATEFUL_POLICY,
    /** Calico-style tiers, order and Deny/Pass/Log actions. */
    POLICY_TIERS,
    /** Node-to-node tunnels (IP-in-IP, VXLAN or flat routing). */
    TUNNELS,
    /** IPsec ESP protection of node-to-node tunnels. */
    IPSEC,
    /** WireGuard protection of node-to-node tunnels. */
    WIREGUARD,
    /** Kubernetes Service load balancing. */
    SERVICES,
    /** Per-packet tracing of the first packets matching a filter. */
    TRACING,
    /** Needs neither root nor native libraries (an in-memory dataplane). */
    UNPRIVILEGED
}
