package dev.booster.engine.frame;

import dev.booster.api.net.IpAddress;
import dev.booster.api.net.MacAddress;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Optional;

/**
 * What a frame carries, read for assertions and printing (not for the packet path): MACs, ethertype and, for IP,
 * addresses, TTL/hop limit, protocol and ports (or ICMP type/code). IPv6 extension headers are not walked.
 *
 * @param srcPort the source port, or for ICMP the type; -1 when absent
 * @param dstPort the destination port, or for ICMP the code; -1 when absent
 */
public record ParsedFrame(MacAddress dstMac, MacAddress srcMac, int etherType, Optional<IpAddress> src,
                          Optional<IpAddress> dst, int ttl, int protocol, int srcPort, int dstPort, int tcpFlags,
                          int payloadOffset, int length) {

    public static final int ETHERTYPE_IP4 = 0x0800;
    public static final int ETHERTYPE_IP6 = 0x86dd;
    public static final int ETHERTYPE_ARP = 0x0806;

    /** Parses {@code frame}; fields it cannot reach (a truncated frame) are absent or -1. */
    public static ParsedFrame parse(byte[] frame) {
        if (frame.length < 14) throw new IllegalArgumentException("a frame of " + frame.length + " bytes has no Ethernet header");
        ByteBuffer b = ByteBuffer.wrap(frame);
        MacAddress dstMac = MacAddress.ofBytes(Arrays.copyOfRange(frame, 0, 6));
        MacAddress srcMac = MacAddress.ofBytes(Arrays.copyOfRange(frame, 6, 12));
        int etherType = b.getShort(12) & 0xffff;
        int l3 = 14;
        IpAddress src = null;
        IpAddress dst = null;
        int ttl = -1;
        int protocol = -1;
        int l4 = -1;
        if (etherType == ETHERTYPE_IP4 && frame.length >= l3 + 20) {
            int ihl = (frame[l3] & 0xf) * 4;
            ttl = frame[l3 + 8] & 0xff;
            protocol = frame[l3 + 9] & 0xff;
            src = IpAddress.ofBytes(Arrays.copyOfRange(frame, l3 + 12, l3 + 16));
            dst = IpAddress.ofBytes(Arrays.copyOfRange(frame, l3 + 16, l3 + 20));
            l4 = l3 + ihl;
        } else if (etherType == ETHERTYPE_IP6 && frame.length >= l3 + 40) {
            protocol = frame[l3 + 6] & 0xff;
            ttl = frame[l3 + 7] & 0xff;
            src = IpAddress.ofBytes(Arrays.copyOfRange(frame, l3 + 8, l3 + 24));
            dst = IpAddress.ofBytes(Arrays.copyOfRange(frame, l3 + 24, l3 + 40));
            l4 = l3 + 40;
        }
        int srcPort = -1;
        int dstPort = -1;
        int flags = 0;
        int payload = l4;
        if (l4 > 0) {
            switch (protocol) {
                case 6, 17, 132 -> {
                    if (frame.length >= l4 + 4) {
                        srcPort = b.getShort(l4) & 0xffff;
                        dstPort = b.getShort(l4 + 2) & 0xffff;
                    }
                    if (protocol == 6 && frame.length >= l4 + 14) flags = frame[l4 + 13] & 0xff;
                    payload = l4 + switch (protocol) {
                        case 6 -> frame.length >= l4 + 13 ? ((frame[l4 + 12] >>> 4) & 0xf) * 4 : 20;
                        case 17 -> 8;
                        default -> 12;
                    };
                }
                case 1, 58 -> {
                    if (frame.length >= l4 + 2) {
                        srcPort = frame[l4] & 0xff;
                        dstPort = frame[l4 + 1] & 0xff;
                    }
                    payload = l4 + 8;
                }
                default -> {
                }
            }
        }
        return new ParsedFrame(dstMac, srcMac, etherType, Optional.ofNullable(src), Optional.ofNullable(dst), ttl, protocol,
                srcPort, dstPort, flags, Math.min(payload < 0 ? frame.length : payload, frame.length), frame.length);
    }

    public boolean isTcp() {
        return protocol == 6;
    }

    public boolean isUdp() {
        return protocol == 17;
    }

    @Override
    public String toString() {
        if (src.isEmpty()) return String.format("ethertype 0x%04x %s > %s, %d bytes", etherType, srcMac, dstMac, length);
        String l4 = switch (protocol) {
            case 6 -> "TCP " + srcPort + " > " + dstPort + " flags 0x" + Integer.toHexString(tcpFlags);
            case 17 -> "UDP " + srcPort + " > " + dstPort;
            case 132 -> "SCTP " + srcPort + " > " + dstPort;
            case 1 -> "ICMP type " + srcPort + " code " + dstPort;
            case 58 -> "ICMPv6 type " + srcPort + " code " + dstPort;
            default -> "protocol " + protocol;
        };
        return src.get() + " > " + dst.get() + " " + l4 + ", ttl " + ttl + ", " + length + " bytes";
    }
}
