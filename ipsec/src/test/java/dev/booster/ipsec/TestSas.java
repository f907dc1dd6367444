package dev.booster.ipsec;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Random;

/** SAs and inner packets for tests. */
final class TestSas {
    static final TunnelEndpoints V4 = endpoints("192.0.2.1", "198.51.100.2");
    static final TunnelEndpoints V6 = endpoints("2001:db8::1", "2001:db8:ffff::2");

    private TestSas() {
    }

    static SecurityAssociation sa(EspAlgorithm algorithm, boolean esn, TunnelEndpoints tunnel, long seed) {
        Random random = new Random(seed);
        byte[] material = new byte[algorithm.keyMaterialBytes()];
        random.nextBytes(material);
        int spi = 0x1000 + random.nextInt(1 << 30);
        return SecurityAssociation.fromKeyMaterial(spi, algorithm, material, esn, tunnel);
    }

    static SecurityAssociation sa(boolean esn) {
        return sa(EspAlgorithm.AES_GCM_16_128, esn, V4, 42);
    }

    static TunnelEndpoints endpoints(String source, String destination) {
        try {
            return new TunnelEndpoints(InetAddress.getByName(source), InetAddress.getByName(destination));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** An inner IPv4 (or IPv6) packet of {@code payload} random bytes after a plausible header. */
    static byte[] innerPacket(boolean ipv6, int payload, Random random) {
        int header = ipv6 ? 40 : 20;
        byte[] packet = new byte[header + payload];
        random.nextBytes(packet);
        int length = packet.length;
        if (ipv6) {
            packet[0] = (byte) (0x60 | packet[0] & 0x0f);
            packet[4] = (byte) (payload >>> 8);
            packet[5] = (byte) payload;
        } else {
            packet[0] = 0x45;
            packet[2] = (byte) (length >>> 8);
            packet[3] = (byte) length;
        }
        return packet;
    }
}
