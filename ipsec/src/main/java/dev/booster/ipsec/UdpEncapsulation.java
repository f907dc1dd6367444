package dev.booster.ipsec;

/**
 * The outer UDP header of ESP-in-UDP (RFC 3948), for SAs whose packets cross a NAT or whose peer only speaks that
 * (strongSwan's kernel-libipsec). The ports are in the direction the SA carries traffic, as {@link TunnelEndpoints}'
 * addresses: for an outbound SA the source port is this node's (normally 4500) and the destination port the peer's
 * (4500, or what its NAT maps it to).
 */
public record UdpEncapsulation(int sourcePort, int destinationPort) {
    /** IKE's NAT-T port, where ESP-in-UDP travels unless a NAT rewrote it (RFC 3948 §2, RFC 7296 §2.23). */
    public static final int NAT_T_PORT = 4500;
    /** Both sides on port 4500: the usual case without a NAT in between. */
    public static final UdpEncapsulation NAT_T = new UdpEncapsulation(NAT_T_PORT, NAT_T_PORT);

    public UdpEncapsulation {
        if (sourcePort < 1 || sourcePort > 0xffff) {
            throw new IllegalArgumentException("UdpEncapsulation.sourcePort " + sourcePort + " must be 1 to 65535 (normally "
                    + NAT_T_PORT + ")");
        }
        if (destinationPort < 1 || destinationPort > 0xffff) {
            throw new IllegalArgumentException("UdpEncapsulation.destinationPort " + destinationPort
                    + " must be 1 to 65535 (normally " + NAT_T_PORT + ")");
        }
    }
}
