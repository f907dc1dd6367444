package dev.booster.engine;

import dev.booster.ipsec.EspDrop;

import java.util.Locale;

/** Why the engine dropped a packet. {@link #reasonName()} is the stable name counters and traces show. */
public enum DropReason {
    NO_ROUTE,
    /** A route that deliberately discards (a blackhole). */
    DROP_ROUTE,
    POLICY_DENY,
    TTL_EXPIRED,
    BAD_CHECKSUM,
    TRUNCATED,
    BAD_HEADER,
    FRAGMENT,
    NOT_FOR_US,
    UNSUPPORTED_ETHERTYPE,
    CONNTRACK_FULL,
    NO_NEIGHBOUR,
    /** A pod sent from an address that is not its own (Calico's reverse path check). */
    SPOOFED_SOURCE,
    /** The output interface was removed while the packet was in flight. */
    INTERFACE_DOWN,
    /** The output port's transmit ring was full. */
    TX_FULL,
    /** No buffer was left to build a reply in. */
    NO_BUFFER,
    /** Too big for the tunnel it was routed into (an ICMP error was sent when the packet allowed one). */
    PACKET_TOO_BIG,
    /** The buffer had no room in front of the packet for a tunnel's outer headers. */
    NO_HEADROOM,
    /** Tunnel traffic to a local tunnel address from a source that is no tunnel's remote end. */
    TUNNEL_UNKNOWN_PEER,
    /** Tunnel traffic whose encapsulation or protection is not its tunnel's (e.g. plain IP-in-IP on an ESP tunnel). */
    TUNNEL_MISMATCH,
    /** A VXLAN packet whose VNI is not its tunnel's, or without the VNI flag. */
    VXLAN_BAD_VNI,
    /** An ESP-protected tunnel has no outbound SA yet (keys not installed). */
    ESP_NO_SA,
    // The ESP module's refusals (EspDrop), one each, named esp-<reason>.
    ESP_TRUNCATED,
    ESP_BAD_SPI,
    ESP_REPLAY,
    ESP_INTEGRITY,
    ESP_BAD_PADDING,
    ESP_BAD_NEXT_HEADER,
    ESP_DUMMY,
    ESP_BAD_INNER_PACKET,
    ESP_NO_ROOM,
    ESP_TOO_BIG,
    ESP_SEQUENCE_EXHAUSTED,
    ESP_CLOSED,
    ESP_CRYPTO_ERROR,
    /** ipsec's NOT_ESP (IKE or a NAT keepalive on the ESP-in-UDP port): every EspDrop needs its ESP_ reason here. */
    ESP_NOT_ESP,
    /** The packet was still inside the graph after the runner's pass limit: a bug guard that should stay at 0. */
    GRAPH_LOOP;

    private static final DropReason[] BY_ORDINAL = values();
    private static final DropReason[] BY_ESP_DROP = new DropReason[EspDrop.values().length];

    static {
        for (EspDrop d : EspDrop.values()) BY_ESP_DROP[d.ordinal()] = valueOf("ESP_" + d.name());
    }

    private final String reasonName = name().toLowerCase(Locale.ROOT).replace('_', '-');

    /** The stable kebab-case name, e.g. {@code no-route}. */
    public String reasonName() {
        return reasonName;
    }

    /** Allocation-free inverse of {@link #ordinal()} (unlike {@code values()[i]}, which copies the array). */
    public static DropReason of(int ordinal) {
        return BY_ORDINAL[ordinal];
    }

    /** The reason for a negative result of an ESP encrypt or decrypt call ({@code EspDrop.code()}); allocation-free. */
    public static DropReason ofEspCode(int code) {
        return BY_ESP_DROP[-1 - code];
    }

    public static int count() {
        return BY_ORDINAL.length;
    }

    public static DropReason byName(String reasonName) {
        for (DropReason r : BY_ORDINAL) if (r.reasonName.equals(reasonName)) return r;
        throw new IllegalArgumentException("no drop reason \"" + reasonName + "\"");
    }
}
