package dev.booster.afxdp.testing;

import dev.booster.api.net.Ip4Address;
import dev.booster.api.net.MacAddress;

import java.nio.ByteBuffer;

/** Builds Ethernet/IPv4/UDP frames for tests, and reads the fields tests check. Written out by hand on purpose: it is the oracle. */
public final class UdpFrames {
    public static final int ETHERTYPE_IPV4 = 0x0800;
    public static final int IP_PROTO_UDP = 17;
    public static final int HEADERS = 14 + 20 + 8;

    private UdpFrames() {
    }

    public static byte[] build(MacAddress srcMac, MacAddress dstMac, Ip4Address srcIp, Ip4Address dstIp,
                               int srcPort, int dstPort, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(HEADERS + payload.length);
        b.put(dstMac.toBytes()).put(srcMac.toBytes()).putShort((short) ETHERTYPE_IPV4);
        int ipStart = b.position();
        b.put((byte) 0x45).put((byte) 0).putShort((short) (20 + 8 + payload.length))
                .putShort((short) 0x1234).putShort((short) 0x4000) // DF
                .put((byte) 64).put((byte) IP_PROTO_UDP).putShort((short) 0)
                .put(srcIp.toBytes()).put(dstIp.toBytes());
        b.putShort(ipStart + 10, ipChecksum(b.array(), ipStart, 20));
        b.putShort((short) srcPort).putShort((short) dstPort).putShort((short) (8 + payload.length))
                .putShort((short) 0); // no UDP checksum: allowed for IPv4
        b.put(payload);
        return b.array();
    }

    static short ipChecksum(byte[] data, int offset, int length) {
        int sum = 0;
        for (int i = offset; i < offset + length; i += 2) {
            sum += ((data[i] & 0xff) << 8) | (data[i + 1] & 0xff);
        }
        while ((sum >>> 16) != 0) sum = (sum & 0xffff) + (sum >>> 16);
        return (short) ~sum;
    }

    public static int etherType(byte[] frame) {
        return frame.length < 14 ? -1 : ((frame[12] & 0xff) << 8) | (frame[13] & 0xff);
    }

    public static boolean isUdpTo(byte[] frame, Ip4Address dstIp, int dstPort) {
        if (frame.length < HEADERS || etherType(frame) != ETHERTYPE_IPV4 || (frame[14] & 0xff) != 0x45) return false;
        if ((frame[14 + 9] & 0xff) != IP_PROTO_UDP) return false;
        int dst = ByteBuffer.wrap(frame, 14 + 16, 4).getInt();
        int port = ((frame[34 + 2] & 0xff) << 8) | (frame[34 + 3] & 0xff);
        return dst == dstIp.bits() && port == dstPort;
    }

    public static byte[] udpPayload(byte[] frame) {
        int udpLength = ((frame[34 + 4] & 0xff) << 8) | (frame[34 + 5] & 0xff);
        byte[] payload = new byte[udpLength - 8];
        System.arraycopy(frame, HEADERS, payload, 0, payload.length);
        return payload;
    }

    public static MacAddress destinationMac(byte[] frame) {
        return MacAddress.ofBytes(java.util.Arrays.copyOfRange(frame, 0, 6));
    }

    public static MacAddress sourceMac(byte[] frame) {
        return MacAddress.ofBytes(java.util.Arrays.copyOfRange(frame, 6, 12));
    }
}
