package dev.booster.engine.state;

/**
 * The engine's own addresses. Pods use the gateways as their default routers (as with Calico: 169.254.1.1 answered
 * by proxy ARP, and a link-local IPv6 router); ICMP errors are sent from the {@code icmpSource} addresses.
 */
public record LocalAddresses(int gateway4, long gateway6High, long gateway6Low, int icmpSource4, long icmpSource6High,
                             long icmpSource6Low) {
}
