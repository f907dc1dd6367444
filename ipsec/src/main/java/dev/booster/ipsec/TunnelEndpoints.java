package dev.booster.ipsec;

import java.net.Inet4Address;
import java.net.InetAddress;

/**
 * The outer header's addresses of a tunnel-mode SA, in the direction the SA carries traffic: for an outbound SA
 * {@code source} is this node; for an inbound SA {@code source} is the peer. Both of one family.
 */
public record TunnelEndpoints(InetAddress source, InetAddress destination) {
    public TunnelEndpoints {
        if (source == null) throw new IllegalArgumentException("TunnelEndpoints.source must be set (the outer source address)");
        if (destination == null) {
            throw new IllegalArgumentException("TunnelEndpoints.destination must be set (the outer destination address)");
        }
        if ((source instanceof Inet4Address) != (destination instanceof Inet4Address)) {
            throw new IllegalArgumentException("TunnelEndpoints.destination " + destination.getHostAddress()
                    + " must be of the same family as source " + source.getHostAddress());
        }
    }

    public boolean ipv4() {
        return source instanceof Inet4Address;
    }
}
