package dev.booster.ipsec;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ESP in UDP (RFC 3948): the outer IP and UDP headers, the ESP packet inside them byte for byte the one plain ESP
 * carries (same SA, same sequence number), the IPv6 UDP checksum against an independent byte-wise sum, the way back,
 * and what the receive side does with IKE messages and keepalives on the same port.
 */
class EspInUdpTest {
    private static final int HEADROOM = 128;
    private static final int TAILROOM = 64;
    private static final UdpEncapsulation PORTS = new UdpEncapsulation(4500, 31337);

    @Test
    void knownAnswerOuterIpv4AndUdpHeaders() {
        // An inner IPv4/UDP packet of 28 bytes with DF; the ESP part is 16 + 28 + 2 padding + 2 trailer + 16 ICV = 64.
        byte[] inner = HexFormat.of().parseHex("4500001c000040004011f7cc0a0100050a020001" + "04d21e6100080000");
        SecurityAssociation sa = TestSas.sa(EspAlgorithm.AES_GCM_16_128, false,
                TestSas.V4.withUdpEncapsulation(UdpEncapsulation.NAT_T), 7);
        byte[] outer = encryptOnce(sa, inner, EspCrypto.OPENSSL);
        assertEquals(92, outer.length);
        // IPv4: total 92, id 0 (first packet), DF copied, TTL 64, protocol UDP, checksum 0x4e5a, 192.0.2.1 -> 198.51.100.2;
        // UDP: 4500 -> 4500, length 72, checksum 0 (RFC 3948 §2.1).
        assertEquals("4500005c000040004011" + "4e5a" + "c0000201c6336402" + "119411940048" + "0000",
                HexFormat.of().formatHex(outer, 0, 28));
        assertArrayEquals(espOf(encryptOnce(withoutUdp(sa), inner, EspCrypto.OPENSSL), 20),
                espOf(outer, 28), "the ESP packet is the one plain ESP carries");
    }

    @Property(tries = 200)
    void roundTripsInsideUdpAndCarriesThePlainEspBytes(@ForAll @IntRange(min = 0, max = 3000) int payload,
                                                       @ForAll boolean ipv6Inner, @ForAll boolean ipv6Outer,
                                                       @ForAll EspCrypto crypto, @ForAll EspAlgorithm algorithm,
                                                       @ForAll boolean esn, @ForAll long seed) {
        TunnelEndpoints tunnel = (ipv6Outer ? TestSas.V6 : TestSas.V4).withUdpEncapsulation(PORTS);
        SecurityAssociation sa = TestSas.sa(algorithm, esn, tunnel, seed);
        byte[] inner = TestSas.innerPacket(ipv6Inner, payload, new Random(seed));
        int ipHeader = ipv6Outer ? 40 : 20;

        byte[] outer = encryptOnce(sa, inner, crypto);

        MemorySegment packet = MemorySegment.ofArray(outer);
        assertEquals(17, outer[ipv6Outer ? 6 : 9], "outer protocol UDP");
        try (EspEncryptor encryptor = EspEncryptor.open(sa, crypto)) {
            assertEquals(ipHeader + 8 + Esp.PAYLOAD_OFFSET, encryptor.headerBytes());
        }
        int udpLength = outer.length - ipHeader;
        assertEquals(4500, Esp.u16(packet, ipHeader));
        assertEquals(31337, Esp.u16(packet, ipHeader + 2));
        assertEquals(udpLength, Esp.u16(packet, ipHeader + 4));
        if (ipv6Outer) {
            assertEquals(0xffff, ipv6UdpSum(outer), "the IPv6 UDP checksum verifies");
            assertTrue(Esp.u16(packet, ipHeader + 6) != 0, "IPv6 UDP checksums are never 0");
        } else {
            assertEquals(0, Esp.u16(packet, ipHeader + 6), "IPv4: no UDP checksum");
        }
        assertArrayEquals(espOf(encryptOnce(withoutUdp(sa), inner, crypto), ipHeader), espOf(outer, ipHeader + 8));

        try (Arena arena = Arena.ofConfined(); EspDecryptor decryptor = EspDecryptor.open(sa, crypto)) {
            MemorySegment buffer = arena.allocate(outer.length);
            MemorySegment.copy(outer, 0, buffer, ValueLayout.JAVA_BYTE, 0, outer.length);
            EspInbound inbound = EspInbound.of(List.of(decryptor));
            int innerLength = inbound.decryptUdp(buffer, ipHeader, udpLength);
            assertEquals(inner.length, innerLength);
            assertArrayEquals(inner, buffer.asSlice(ipHeader + Esp.UDP_PAYLOAD_OFFSET, innerLength).toArray(ValueLayout.JAVA_BYTE));
        }
    }

    @Test
    void ikeMessagesAndKeepalivesAreHandedBackUncountedAndBrokenUdpIsTruncated() {
        SecurityAssociation sa = TestSas.sa(true);
        try (Arena arena = Arena.ofConfined(); EspDecryptor decryptor = EspDecryptor.open(sa)) {
            EspInbound inbound = EspInbound.of(List.of(decryptor));
            MemorySegment ike = udp(arena, HexFormat.of().parseHex("00000000" + "0123456789abcdef0000000000000000" + "2120220800000000"));
            assertEquals(EspDrop.NOT_ESP.code(), inbound.decryptUdp(ike, 0, (int) ike.byteSize()));
            assertEquals(EspDrop.NOT_ESP.code(), decryptor.decryptUdp(ike, 0, (int) ike.byteSize()));
            MemorySegment keepalive = udp(arena, new byte[]{(byte) 0xff});
            assertEquals(EspDrop.NOT_ESP.code(), inbound.decryptUdp(keepalive, 0, 9));
            assertEquals(new SaStatistics(0, 0, java.util.Map.of()), inbound.unknownSpiStatistics(), "not drops");
            assertEquals(new SaStatistics(0, 0, java.util.Map.of()), decryptor.statistics());

            assertEquals(EspDrop.TRUNCATED.code(), inbound.decryptUdp(keepalive, 0, 7), "shorter than a UDP header");
            assertEquals(EspDrop.TRUNCATED.code(), inbound.decryptUdp(ike, 0, (int) ike.byteSize() - 1), "UDP length disagrees");
            MemorySegment shortEsp = udp(arena, new byte[]{0, 0, 0x10, 0, 0, 0, 0, 1});
            assertEquals(EspDrop.TRUNCATED.code(), inbound.decryptUdp(shortEsp, 0, 16), "too short for ESP");
            assertEquals(3, inbound.unknownSpiStatistics().drops(EspDrop.TRUNCATED));
        }
    }

    @Test
    void portsAreValidatedAndNamed() {
        assertEquals("UdpEncapsulation.sourcePort 0 must be 1 to 65535 (normally 4500)",
                assertThrows(IllegalArgumentException.class, () -> new UdpEncapsulation(0, 4500)).getMessage());
        assertEquals("UdpEncapsulation.destinationPort 65536 must be 1 to 65535 (normally 4500)",
                assertThrows(IllegalArgumentException.class, () -> new UdpEncapsulation(4500, 65536)).getMessage());
        assertTrue(TestSas.sa(false).withReplayWindow(64).toString().endsWith("198.51.100.2]"));
        SecurityAssociation encapsulated = TestSas.sa(EspAlgorithm.AES_GCM_16_128, false, TestSas.V4.withUdpEncapsulation(PORTS), 1);
        assertTrue(encapsulated.toString().endsWith("udp 4500 -> 31337]"), encapsulated.toString());
    }

    private static MemorySegment udp(Arena arena, byte[] payload) {
        MemorySegment segment = arena.allocate(8 + payload.length);
        Esp.put16(segment, 0, 4500);
        Esp.put16(segment, 2, 4500);
        Esp.put16(segment, 4, 8 + payload.length);
        MemorySegment.copy(payload, 0, segment, ValueLayout.JAVA_BYTE, 8, payload.length);
        return segment;
    }

    private static SecurityAssociation withoutUdp(SecurityAssociation sa) {
        return new SecurityAssociation(sa.spi(), sa.algorithm(), sa.key(), sa.salt(), sa.extendedSequenceNumbers(),
                sa.replayWindow(), new TunnelEndpoints(sa.tunnel().source(), sa.tunnel().destination()));
    }

    private static byte[] espOf(byte[] outer, int espOffset) {
        return java.util.Arrays.copyOfRange(outer, espOffset, outer.length);
    }

    /** RFC 8200 §8.1's pseudo-header and the datagram, summed 16 bits at a time: 0xffff when the checksum is right. */
    private static int ipv6UdpSum(byte[] packet) {
        int udpLength = packet.length - 40;
        long sum = 17 + udpLength;
        for (int i = 8; i < 40; i += 2) sum += (packet[i] & 0xff) << 8 | packet[i + 1] & 0xff;
        for (int i = 40; i < packet.length; i += 2) {
            sum += (packet[i] & 0xff) << 8 | (i + 1 < packet.length ? packet[i + 1] & 0xff : 0);
        }
        while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
        return (int) sum;
    }

    private static byte[] encryptOnce(SecurityAssociation sa, byte[] inner, EspCrypto crypto) {
        try (Arena arena = Arena.ofConfined(); EspEncryptor encryptor = EspEncryptor.open(sa, crypto)) {
            MemorySegment buffer = arena.allocate(HEADROOM + inner.length + TAILROOM);
            MemorySegment.copy(inner, 0, buffer, ValueLayout.JAVA_BYTE, HEADROOM, inner.length);
            int length = encryptor.encrypt(buffer, HEADROOM, inner.length, HEADROOM, TAILROOM);
            assertTrue(length > 0, () -> "dropped: " + EspDrop.of(length));
            return buffer.asSlice(HEADROOM - encryptor.headerBytes(), length).toArray(ValueLayout.JAVA_BYTE);
        }
    }
}
