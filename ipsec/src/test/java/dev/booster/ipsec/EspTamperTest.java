package dev.booster.ipsec;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Forged, cut, replayed and misdirected ESP packets: each dropped with its reason and counted, none passed on. */
class EspTamperTest {
    private static final int HEADROOM = 128;
    private static final int TAILROOM = 64;

    /** A sealed packet: the ESP bytes (outer IP header stripped) and the inner packet they carry. */
    record Sealed(byte[] esp, byte[] inner) {
    }

    @Property(tries = 300)
    void anyFlippedBitIsCaught(@ForAll @IntRange(min = 0, max = 1500) int payload, @ForAll EspCrypto crypto,
                               @ForAll boolean esn, @ForAll long seed) {
        SecurityAssociation sa = TestSas.sa(EspAlgorithm.AES_GCM_16_256, esn, TestSas.V4, seed);
        Random random = new Random(seed);
        Sealed sealed = seal(sa, crypto, 1, payload, random).getFirst();
        int bit = random.nextInt(sealed.esp().length * 8);
        byte[] forged = sealed.esp().clone();
        forged[bit / 8] ^= (byte) (1 << (bit % 8));

        try (EspDecryptor decryptor = EspDecryptor.open(sa, crypto); Arena arena = Arena.ofConfined()) {
            int result = decryptor.decrypt(load(arena, forged), 0, forged.length);

            EspDrop reason = EspDrop.of(result);
            // Bits 0-31 are the SPI; bit 56 turns sequence number 1 into 0, which is never sent; the rest break the ICV.
            EspDrop expected = bit < 32 ? EspDrop.BAD_SPI : bit == 56 ? EspDrop.REPLAY : EspDrop.INTEGRITY;
            assertEquals(expected, reason, () -> "bit " + bit);
            assertEquals(1, decryptor.statistics().drops(reason));
            assertEquals(0, decryptor.statistics().packets());
            assertEquals(0, decryptor.highestSequence(), "a forgery must not move the replay window");
        }
    }

    @Property(tries = 100)
    void truncatedPacketsAreDropped(@ForAll @IntRange(min = 0, max = 1500) int payload, @ForAll EspCrypto crypto,
                                    @ForAll long seed) {
        SecurityAssociation sa = TestSas.sa(EspAlgorithm.AES_GCM_16_128, false, TestSas.V4, seed);
        Random random = new Random(seed);
        Sealed sealed = seal(sa, crypto, 1, payload, random).getFirst();
        int cut = 1 + random.nextInt(sealed.esp().length);
        int length = sealed.esp().length - cut;
        try (EspDecryptor decryptor = EspDecryptor.open(sa, crypto); Arena arena = Arena.ofConfined()) {
            // The buffer keeps the cut-off bytes: only the length says the packet is shorter.
            int result = decryptor.decrypt(load(arena, sealed.esp()), 0, length);

            EspDrop expected = length < Esp.MIN_PACKET_BYTES ? EspDrop.TRUNCATED : EspDrop.INTEGRITY;
            assertEquals(expected, EspDrop.of(result), () -> "cut " + cut + " of " + sealed.esp().length);
            assertEquals(1, decryptor.statistics().totalDrops());
        }
    }

    @Test
    void aLengthPastTheBufferIsTruncatedNotARead() {
        SecurityAssociation sa = TestSas.sa(false);
        try (EspDecryptor decryptor = EspDecryptor.open(sa); Arena arena = Arena.ofConfined()) {
            MemorySegment small = arena.allocate(40);
            assertEquals(EspDrop.TRUNCATED.code(), decryptor.decrypt(small, 0, 100));
            assertEquals(EspDrop.TRUNCATED.code(), decryptor.decrypt(small, 8, 40));
        }
    }

    @Test
    void replayedPacketsAreDroppedAfterTheFirstCopy() {
        for (EspCrypto crypto : EspCrypto.values()) {
            SecurityAssociation sa = TestSas.sa(true);
            List<Sealed> sealed = seal(sa, crypto, 20, 300, new Random(3));
            try (EspDecryptor decryptor = EspDecryptor.open(sa, crypto); Arena arena = Arena.ofConfined()) {
                for (Sealed s : sealed) assertEquals(s.inner().length, decryptor.decrypt(load(arena, s.esp()), 0, s.esp().length));
                for (Sealed s : sealed) assertEquals(EspDrop.REPLAY.code(), decryptor.decrypt(load(arena, s.esp()), 0, s.esp().length));
                assertEquals(20, decryptor.statistics().packets());
                assertEquals(20, decryptor.statistics().drops(EspDrop.REPLAY));
            }
        }
    }

    @Test
    void aPacketForAnotherSaIsABadSpi() {
        SecurityAssociation ours = TestSas.sa(EspAlgorithm.AES_GCM_16_128, false, TestSas.V4, 1);
        SecurityAssociation theirs = TestSas.sa(EspAlgorithm.AES_GCM_16_128, false, TestSas.V4, 2);
        Sealed sealed = seal(theirs, EspCrypto.OPENSSL, 1, 100, new Random(4)).getFirst();
        try (EspDecryptor decryptor = EspDecryptor.open(ours); Arena arena = Arena.ofConfined()) {
            assertEquals(EspDrop.BAD_SPI.code(), decryptor.decrypt(load(arena, sealed.esp()), 0, sealed.esp().length));
            assertEquals(1, decryptor.statistics().drops(EspDrop.BAD_SPI));

            EspInbound inbound = EspInbound.of(List.of(decryptor));
            assertEquals(EspDrop.BAD_SPI.code(), inbound.decrypt(load(arena, sealed.esp()), 0, sealed.esp().length));
            assertEquals(1, inbound.unknownSpiStatistics().drops(EspDrop.BAD_SPI));
            assertEquals(1, decryptor.statistics().drops(EspDrop.BAD_SPI), "the table counts unknown SPIs itself");
        }
    }

    @Test
    void theRightKeyUnderTheWrongSpiFailsIntegrity() {
        SecurityAssociation sa = TestSas.sa(false);
        Sealed sealed = seal(sa, EspCrypto.OPENSSL, 1, 100, new Random(5)).getFirst();
        SecurityAssociation renamed = new SecurityAssociation(sa.spi() + 1, sa.algorithm(), sa.key(), sa.salt(), false,
                sa.replayWindow(), sa.tunnel());
        byte[] relabelled = sealed.esp().clone();
        relabelled[3]++; // the SPI is in the AAD: relabelling a packet for another SA must not verify
        try (EspDecryptor decryptor = EspDecryptor.open(renamed); Arena arena = Arena.ofConfined()) {
            assertEquals(EspDrop.INTEGRITY.code(), decryptor.decrypt(load(arena, relabelled), 0, relabelled.length));
        }
    }

    @Test
    void esnPacketsAcrossTwoToThe32ArriveInAnyOrderThroughRealCrypto() {
        for (EspCrypto crypto : EspCrypto.values()) {
            SecurityAssociation sa = TestSas.sa(EspAlgorithm.AES_GCM_16_256, true, TestSas.V6, 9);
            long wrap = 1L << 32;
            List<Sealed> sealed = seal(sa, crypto, wrap - 41, 80, 200, new Random(6));
            List<Sealed> shuffled = new ArrayList<>(sealed);
            Collections.shuffle(shuffled, new Random(8));
            try (EspDecryptor decryptor = EspDecryptor.open(sa, crypto); Arena arena = Arena.ofConfined()) {
                decryptor.startAfter(wrap - 100);
                for (Sealed s : shuffled) {
                    MemorySegment packet = load(arena, s.esp());
                    int length = decryptor.decrypt(packet, 0, s.esp().length);
                    assertEquals(s.inner().length, length, () -> crypto + ": " + EspDrop.of(length));
                    assertArrayEquals(s.inner(), packet.asSlice(Esp.PAYLOAD_OFFSET, length).toArray(ValueLayout.JAVA_BYTE));
                }
                assertEquals(wrap + 39, decryptor.highestSequence());
                for (Sealed s : shuffled) {
                    assertEquals(EspDrop.REPLAY.code(), decryptor.decrypt(load(arena, s.esp()), 0, s.esp().length));
                }
            }
        }
    }

    @Test
    void dummyPacketsAndBadTrailersAreDroppedAfterAuthentication() {
        SecurityAssociation sa = TestSas.sa(false);
        try (Arena arena = Arena.ofConfined();
             EspAead aead = EspAead.create(sa, EspCrypto.OPENSSL, true);
             EspDecryptor decryptor = EspDecryptor.open(sa)) {
            // payload ++ padding ++ pad length ++ next header, each sealed as the sender would
            byte[][] trailers = {
                    {0x45, 0, 0, 0, 1, 2, 2, 59},   // dummy (RFC 4303 §2.6)
                    {0x45, 0, 0, 0, 1, 3, 2, 4},    // padding 1, 3: not the default sequence
                    {0x45, 0, 0, 0, 1, 2, 9, 4},    // pad length past the payload
                    {0x45, 0, 0, 0, 1, 2, 2, 41},   // says IPv6, carries IPv4
                    {0x45, 0, 0, 0, 1, 2, 2, 17},   // transport-mode UDP in a tunnel SA
            };
            EspDrop[] expected = {EspDrop.DUMMY, EspDrop.BAD_PADDING, EspDrop.BAD_PADDING, EspDrop.BAD_NEXT_HEADER,
                    EspDrop.BAD_NEXT_HEADER};
            for (int i = 0; i < trailers.length; i++) {
                long sequence = i + 1;
                byte[] plaintext = trailers[i];
                MemorySegment packet = arena.allocate(Esp.PAYLOAD_OFFSET + plaintext.length + EspAlgorithm.ICV_BYTES);
                packet.set(ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN), 0, sa.spi());
                packet.set(ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN), 4, (int) sequence);
                packet.set(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN), 8, sequence);
                MemorySegment.copy(plaintext, 0, packet, ValueLayout.JAVA_BYTE, Esp.PAYLOAD_OFFSET, plaintext.length);
                assertTrue(aead.seal(packet, Esp.PAYLOAD_OFFSET, plaintext.length, sequence, sequence));

                assertEquals(expected[i], EspDrop.of(decryptor.decrypt(packet, 0, (int) packet.byteSize())), "trailer " + i);
            }
            assertEquals(Set.of(EspDrop.DUMMY, EspDrop.BAD_PADDING, EspDrop.BAD_NEXT_HEADER),
                    decryptor.statistics().drops().keySet());
            assertEquals(5, decryptor.highestSequence(), "all were authentic, so all moved the window");
        }
    }

    static List<Sealed> seal(SecurityAssociation sa, EspCrypto crypto, int count, int payload, Random random) {
        return seal(sa, crypto, 0, count, payload, random);
    }

    /** {@code count} packets with sequence numbers after {@code lastSent}, ESP bytes only. */
    static List<Sealed> seal(SecurityAssociation sa, EspCrypto crypto, long lastSent, int count, int payload, Random random) {
        List<Sealed> sealed = new ArrayList<>();
        boolean ipv6 = !sa.tunnel().ipv4();
        try (Arena arena = Arena.ofConfined(); EspEncryptor encryptor = EspEncryptor.open(sa, crypto)) {
            encryptor.startAfter(lastSent);
            for (int i = 0; i < count; i++) {
                byte[] inner = TestSas.innerPacket(random.nextBoolean(), payload, random);
                MemorySegment buffer = arena.allocate(HEADROOM + inner.length + TAILROOM);
                MemorySegment.copy(inner, 0, buffer, ValueLayout.JAVA_BYTE, HEADROOM, inner.length);
                int length = encryptor.encrypt(buffer, HEADROOM, inner.length, HEADROOM, TAILROOM);
                assertTrue(length > 0, () -> "dropped: " + EspDrop.of(length));
                int outerHeader = encryptor.headerBytes() - Esp.PAYLOAD_OFFSET;
                sealed.add(new Sealed(buffer.asSlice(HEADROOM - Esp.PAYLOAD_OFFSET, length - outerHeader)
                        .toArray(ValueLayout.JAVA_BYTE), inner));
            }
        }
        assertEquals(ipv6, !sa.tunnel().ipv4());
        return sealed;
    }

    static MemorySegment load(Arena arena, byte[] esp) {
        MemorySegment packet = arena.allocate(esp.length);
        MemorySegment.copy(esp, 0, packet, ValueLayout.JAVA_BYTE, 0, esp.length);
        return packet;
    }
}
