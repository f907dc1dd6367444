package dev.booster.ipsec;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Optional;

/**
 * The outer headers of a tunnel-mode SA, in the direction the SA carries traffic: for an outbound SA {@code source}
 * is this node; for an inbound SA {@code source} is the peer. Both addresses of one family.
 *
 * @param udpEncapsulation present when ESP travels inside UDP (RFC 3948) with these ports; empty for plain ESP
 *                         (IP protocol 50)
 */
public record TunnelEndpoints(InetAddress source, InetAddress destination, Optional<UdpEncapsulation> udpEncapsulation) {
    public TunnelEndpoints {
        if (source == null) throw new IllegalArgumentException("TunnelEndpoints.source must be set (the outer source address)");
        if (destination == null) {
            throw new IllegalArgumentException("TunnelEndpoints.destination must be set (the outer destination address)");
        }
        if ((source instanceof Inet4Address) != (destination instanceof Inet4Address)) {
            throw new IllegalArgumentException("TunnelEndpoints.destination " + destination.getHostAddress()
                    + " must be of the same family as source " + source.getHostAddress());
        }
        if (udpEncapsulation == null) {
            throw new IllegalArgumentException("TunnelEndpoints.udpEncapsulation must be set: Optional.empty() for plain ESP");
        }
    }

    /** Plain ESP (IP protocol 50) between {@code source} and {@code destination}. */
    public TunnelEndpoints(InetAddress source, InetAddress destination) {
        this(source, destination, Optional.empty());
    }

    /** The same addresses with ESP inside UDP (RFC 3948) on these ports. */
    public TunnelEndpoints withUdpEncapsulation(UdpEncapsulation ports) {
        if (ports == null) throw new IllegalArgumentException("ports must be set (UdpEncapsulation.NAT_T if unsure)");
        return new TunnelEndpoints(source, destination, Optional.of(ports));
    }

    public boolean ipv4() {
        return source instanceof Inet4Address;
    }
}
