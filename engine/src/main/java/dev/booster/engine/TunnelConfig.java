package dev.booster.engine;

import dev.booster.api.net.IpAddress;
import dev.booster.api.net.MacAddress;

import java.util.Objects;

/**
 * A tunnel to add to the {@link Engine}: routes to it ({@link Engine#addTunnelRoute}) leave through the uplink
 * {@code uplink} to {@code nextHop}, wrapped in outer headers from {@code local} to {@code remote}; packets of that
 * kind arriving on an uplink from {@code remote} to {@code local} are unwrapped and routed as if received from the
 * rest of the network.
 *
 * @param innerMtu the largest inner IP packet that fits the uplink with this tunnel's headers; bigger ones get an
 *                 ICMP "fragmentation needed" / "packet too big" (IPv4 without DF: dropped, no fragmentation)
 * @param vni      the VXLAN network identifier, 0 for other kinds
 */
public record TunnelConfig(Kind kind, int uplink, MacAddress nextHop, IpAddress local, IpAddress remote, int vni, int innerMtu) {

    /** How the inner packet is wrapped. */
    public enum Kind {
        /** IP in IP: protocol 4 for an IPv4 inner packet, 41 for IPv6 (RFC 2003, RFC 2473, RFC 4213). */
        IPIP,
        /** VXLAN (RFC 7348): outer IP, UDP to 4789, VXLAN header with the VNI, inner Ethernet. */
        VXLAN,
        /** ESP tunnel mode (RFC 4303): the tunnel's outbound SA writes the outer header; only ESP is accepted in. */
        ESP
    }

    public TunnelConfig {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(nextHop, "nextHop");
        Objects.requireNonNull(local, "local");
        Objects.requireNonNull(remote, "remote");
        if (local.family() != remote.family()) throw new IllegalArgumentException("local " + local + " and remote " + remote + " differ in family");
        if (kind == Kind.VXLAN ? vni < 1 || vni > 0xffffff : vni != 0) {
            throw new IllegalArgumentException("vni " + vni + " is invalid for " + kind + " (VXLAN: 1..16777215, else 0)");
        }
        if (innerMtu < 68) throw new IllegalArgumentException("innerMtu " + innerMtu + " is below IPv4's minimum of 68");
    }

    /** Bytes the kind's outer headers add in front of the inner IP packet (ESP: without its trailer and ICV). */
    public static int headerBytes(Kind kind, boolean outerIp6) {
        int ip = outerIp6 ? 40 : 20;
        return switch (kind) {
            case IPIP -> ip;
            case VXLAN -> ip + 8 + 8 + 14;
            case ESP -> ip + 16;
        };
    }

    /**
     * The largest inner packet that fits {@code uplinkMtu}. ESP pads the inner packet plus its 2-byte trailer to a
     * multiple of 4 and adds a 16-byte ICV.
     */
    public static int innerMtu(Kind kind, boolean outerIp6, int uplinkMtu) {
        int room = uplinkMtu - headerBytes(kind, outerIp6);
        if (kind != Kind.ESP) return room;
        return ((room - 16) & ~3) - 2;
    }
}
