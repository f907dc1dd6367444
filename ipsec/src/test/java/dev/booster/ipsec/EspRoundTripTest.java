package dev.booster.ipsec;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;

import static java.nio.ByteOrder.BIG_ENDIAN;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Encrypt then decrypt in one buffer, as the engine would: outer header layout, trailer, and the inner packet back. */
class EspRoundTripTest {
    private static final int HEADROOM = 128;
    private static final int TAILROOM = 64;
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(BIG_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(BIG_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(BIG_ENDIAN);

    @Property(tries = 300)
    void innerPacketsOfAnySizeComeBackUnchanged(@ForAll @IntRange(min = 0, max = 9000) int payload,
                                                @ForAll boolean ipv6Inner, @ForAll boolean ipv6Outer,
                                                @ForAll EspCrypto crypto, @ForAll EspAlgorithm algorithm,
                                                @ForAll boolean esn, @ForAll long seed) {
        Random random = new Random(seed);
        SecurityAssociation sa = TestSas.sa(algorithm, esn, ipv6Outer ? TestSas.V6 : TestSas.V4, seed);
        try (Arena arena = Arena.ofConfined();
             EspEncryptor encryptor = EspEncryptor.open(sa, crypto);
             EspDecryptor decryptor = EspDecryptor.open(sa, crypto)) {
            for (long expectedSequence = 1; expectedSequence <= 2; expectedSequence++) {
                byte[] inner = TestSas.innerPacket(ipv6Inner, payload, random);
                MemorySegment buffer = arena.allocate(HEADROOM + inner.length + TAILROOM);
                MemorySegment.copy(inner, 0, buffer, ValueLayout.JAVA_BYTE, HEADROOM, inner.length);

                int outerLength = encryptor.encrypt(buffer, HEADROOM, inner.length, HEADROOM, TAILROOM);

                int padded = inner.length + 2 + (-(inner.length + 2) & 3);
                assertEquals(encryptor.headerBytes() + padded + 16, outerLength);
                long outer = HEADROOM - encryptor.headerBytes();
                int ipHeader = ipv6Outer ? 40 : 20;
                assertOuterHeader(buffer, outer, outerLength, sa, ipv6Outer);
                long esp = outer + ipHeader;
                assertEquals(sa.spi(), buffer.get(U32, esp));
                assertEquals((int) expectedSequence, buffer.get(U32, esp + 4));
                assertEquals(expectedSequence, buffer.get(U64, esp + 8), "the IV is the sequence number");
                if (inner.length >= 16) {
                    assertFalse(java.util.Arrays.equals(java.util.Arrays.copyOf(inner, 16),
                            buffer.asSlice(HEADROOM, 16).toArray(ValueLayout.JAVA_BYTE)), "encrypted");
                }

                int innerLength = decryptor.decrypt(buffer, esp, outerLength - ipHeader);

                assertEquals(inner.length, innerLength);
                assertArrayEquals(inner, buffer.asSlice(esp + Esp.PAYLOAD_OFFSET, innerLength).toArray(ValueLayout.JAVA_BYTE));
            }
            assertEquals(new SaStatistics(2, 2L * (payload + (ipv6Inner ? 40 : 20)), java.util.Map.of()), encryptor.statistics());
            assertEquals(encryptor.statistics(), decryptor.statistics());
        }
    }

    @Property(tries = 60)
    void openSslAndJdkWriteTheSameBytes(@ForAll @IntRange(min = 1, max = 2000) int payload, @ForAll boolean ipv6,
                                        @ForAll EspAlgorithm algorithm, @ForAll boolean esn, @ForAll long seed) {
        SecurityAssociation sa = TestSas.sa(algorithm, esn, ipv6 ? TestSas.V6 : TestSas.V4, seed);
        byte[] inner = TestSas.innerPacket(ipv6, payload, new Random(seed));
        assertArrayEquals(encryptOnce(sa, EspCrypto.JDK, inner), encryptOnce(sa, EspCrypto.OPENSSL, inner));
    }

    @Test
    void outerIpv4HeaderCopiesDscpEcnAndDontFragment() {
        SecurityAssociation sa = TestSas.sa(false);
        byte[] inner = TestSas.innerPacket(false, 100, new Random(1));
        inner[1] = (byte) 0xb9;   // DSCP EF, ECN ECT(1)
        inner[6] = 0x40;          // DF
        inner[7] = 0;
        try (Arena arena = Arena.ofConfined(); EspEncryptor encryptor = EspEncryptor.open(sa)) {
            MemorySegment buffer = arena.allocate(HEADROOM + inner.length + TAILROOM);
            MemorySegment.copy(inner, 0, buffer, ValueLayout.JAVA_BYTE, HEADROOM, inner.length);
            assertTrue(encryptor.encrypt(buffer, HEADROOM, inner.length, HEADROOM, TAILROOM) > 0);
            long outer = HEADROOM - encryptor.headerBytes();
            assertEquals((byte) 0xb9, buffer.get(ValueLayout.JAVA_BYTE, outer + 1));
            assertEquals(0x4000, buffer.get(U16, outer + 6) & 0xffff);
        }
    }

    @Test
    void refusesWhatItCannotEncapsulate() {
        SecurityAssociation sa = TestSas.sa(false);
        try (Arena arena = Arena.ofConfined(); EspEncryptor encryptor = EspEncryptor.open(sa)) {
            MemorySegment buffer = arena.allocate(HEADROOM + 200 + TAILROOM);
            buffer.set(ValueLayout.JAVA_BYTE, HEADROOM, (byte) 0x45);
            assertEquals(EspDrop.NO_ROOM.code(), encryptor.encrypt(buffer, HEADROOM, 100, encryptor.headerBytes() - 1, TAILROOM));
            assertEquals(EspDrop.NO_ROOM.code(), encryptor.encrypt(buffer, HEADROOM, 100, HEADROOM, 17));
            MemorySegment tight = arena.allocate(HEADROOM + 100 + 10);
            tight.set(ValueLayout.JAVA_BYTE, HEADROOM, (byte) 0x45);
            assertEquals(EspDrop.NO_ROOM.code(), encryptor.encrypt(tight, HEADROOM, 100, HEADROOM, 100),
                    "the tailroom claimed runs past the segment");
            assertEquals(EspDrop.BAD_INNER_PACKET.code(), encryptor.encrypt(buffer, HEADROOM, 0, HEADROOM, TAILROOM));
            buffer.set(ValueLayout.JAVA_BYTE, HEADROOM, (byte) 0x55);
            assertEquals(EspDrop.BAD_INNER_PACKET.code(), encryptor.encrypt(buffer, HEADROOM, 100, HEADROOM, TAILROOM));
            SaStatistics statistics = encryptor.statistics();
            assertEquals(3, statistics.drops(EspDrop.NO_ROOM));
            assertEquals(2, statistics.drops(EspDrop.BAD_INNER_PACKET));
            assertEquals(0, statistics.packets());
            assertEquals(0, encryptor.lastSequence(), "a refused packet uses no sequence number");
        }
    }

    @Test
    void refusesPacketsOnceTheSequenceNumberWouldWrap() {
        SecurityAssociation sa = TestSas.sa(false);
        byte[] inner = TestSas.innerPacket(false, 10, new Random(2));
        try (Arena arena = Arena.ofConfined(); EspEncryptor encryptor = EspEncryptor.open(sa)) {
            MemorySegment buffer = arena.allocate(HEADROOM + inner.length + TAILROOM);
            encryptor.startAfter(0xffff_fffeL);
            MemorySegment.copy(inner, 0, buffer, ValueLayout.JAVA_BYTE, HEADROOM, inner.length);
            assertTrue(encryptor.encrypt(buffer, HEADROOM, inner.length, HEADROOM, TAILROOM) > 0, "2^32 - 1 is the last");
            MemorySegment.copy(inner, 0, buffer, ValueLayout.JAVA_BYTE, HEADROOM, inner.length);
            assertEquals(EspDrop.SEQUENCE_EXHAUSTED.code(), encryptor.encrypt(buffer, HEADROOM, inner.length, HEADROOM, TAILROOM));
            assertEquals(0xffff_ffffL, encryptor.lastSequence());
        }
    }

    @Test
    void aClosedSaDropsInsteadOfTouchingFreedCipherState() {
        SecurityAssociation sa = TestSas.sa(true);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocate(HEADROOM + 100 + TAILROOM);
            buffer.set(ValueLayout.JAVA_BYTE, HEADROOM, (byte) 0x45);
            EspEncryptor encryptor = EspEncryptor.open(sa, EspCrypto.OPENSSL);
            EspDecryptor decryptor = EspDecryptor.open(sa, EspCrypto.OPENSSL);
            encryptor.close();
            decryptor.close();
            assertEquals(EspDrop.CLOSED.code(), encryptor.encrypt(buffer, HEADROOM, 100, HEADROOM, TAILROOM));
            assertEquals(EspDrop.CLOSED.code(), decryptor.decrypt(buffer, HEADROOM, 100));
        }
    }

    private static byte[] encryptOnce(SecurityAssociation sa, EspCrypto crypto, byte[] inner) {
        try (Arena arena = Arena.ofConfined(); EspEncryptor encryptor = EspEncryptor.open(sa, crypto)) {
            MemorySegment buffer = arena.allocate(HEADROOM + inner.length + TAILROOM);
            MemorySegment.copy(inner, 0, buffer, ValueLayout.JAVA_BYTE, HEADROOM, inner.length);
            int length = encryptor.encrypt(buffer, HEADROOM, inner.length, HEADROOM, TAILROOM);
            assertTrue(length > 0, () -> "dropped: " + EspDrop.of(length));
            return buffer.asSlice(HEADROOM - encryptor.headerBytes(), length).toArray(ValueLayout.JAVA_BYTE);
        }
    }

    private static void assertOuterHeader(MemorySegment buffer, long outer, int outerLength, SecurityAssociation sa,
                                          boolean ipv6) {
        byte[] source = sa.tunnel().source().getAddress();
        byte[] destination = sa.tunnel().destination().getAddress();
        if (ipv6) {
            assertEquals(6, (buffer.get(ValueLayout.JAVA_BYTE, outer) & 0xff) >>> 4);
            assertEquals(outerLength - 40, buffer.get(U16, outer + 4) & 0xffff);
            assertEquals(Esp.PROTOCOL, buffer.get(ValueLayout.JAVA_BYTE, outer + 6));
            assertArrayEquals(source, buffer.asSlice(outer + 8, 16).toArray(ValueLayout.JAVA_BYTE));
            assertArrayEquals(destination, buffer.asSlice(outer + 24, 16).toArray(ValueLayout.JAVA_BYTE));
        } else {
            assertEquals(0x45, buffer.get(ValueLayout.JAVA_BYTE, outer));
            assertEquals(outerLength, buffer.get(U16, outer + 2) & 0xffff);
            assertEquals(Esp.PROTOCOL, buffer.get(ValueLayout.JAVA_BYTE, outer + 9));
            assertArrayEquals(source, buffer.asSlice(outer + 12, 4).toArray(ValueLayout.JAVA_BYTE));
            assertArrayEquals(destination, buffer.asSlice(outer + 16, 4).toArray(ValueLayout.JAVA_BYTE));
            int sum = 0;
            for (int i = 0; i < 20; i += 2) sum += buffer.get(U16, outer + i) & 0xffff;
            while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
            assertEquals(0xffff, sum, "IPv4 header checksum");
        }
    }
}
