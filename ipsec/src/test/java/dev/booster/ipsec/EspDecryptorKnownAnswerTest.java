package dev.booster.ipsec;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Whole ESP packets built from draft-mcgrew-gcm-test-01 (SPI, low half of the sequence number, IV, ciphertext, ICV)
 * through the decryptor: the ESN high half must be inferred from the replay window and put into the AAD, or the
 * ICV fails. The draft's trailers say next header 1 where tunnel mode carries 4 or 41, so the decryptor decrypts
 * them (byte for byte, checked) and then refuses them as BAD_NEXT_HEADER, which proves it got past the ICV and
 * the padding checks.
 */
class EspDecryptorKnownAnswerTest {
    private static final int OFFSET = 64;

    static Stream<Arguments> vectors() {
        return Stream.of(EspCrypto.values()).flatMap(crypto -> DraftMcGrewVectors.ALL.stream()
                .filter(v -> Integer.compareUnsigned(v.spi(), 256) >= 0) // page 9 uses the reserved SPI 0
                .map(v -> Arguments.of(crypto, v)));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("vectors")
    void decryptsTheDraftsPacketsInPlace(EspCrypto crypto, DraftMcGrewVectors.Vector v) {
        SecurityAssociation sa = new SecurityAssociation(v.spi(), v.algorithm(), v.key(),
                ByteBuffer.allocate(4).putInt(v.salt()).array(), v.esn(), 64, TestSas.V4);
        byte[] esp = espPacket(v);
        try (Arena arena = Arena.ofConfined(); EspDecryptor decryptor = EspDecryptor.open(sa, crypto)) {
            decryptor.startAfter(v.sequence() - 1);
            MemorySegment packet = arena.allocate(OFFSET + esp.length);
            MemorySegment.copy(esp, 0, packet, ValueLayout.JAVA_BYTE, OFFSET, esp.length);

            assertEquals(EspDrop.BAD_NEXT_HEADER, EspDrop.of(decryptor.decrypt(packet, OFFSET, esp.length)));
            assertArrayEquals(v.plaintext(),
                    packet.asSlice(OFFSET + Esp.PAYLOAD_OFFSET, v.plaintext().length).toArray(ValueLayout.JAVA_BYTE));
            assertEquals(v.sequence(), decryptor.highestSequence(), "an authentic packet advances the window");

            MemorySegment.copy(esp, 0, packet, ValueLayout.JAVA_BYTE, OFFSET, esp.length);
            assertEquals(EspDrop.REPLAY, EspDrop.of(decryptor.decrypt(packet, OFFSET, esp.length)));
            assertEquals(1, decryptor.statistics().drops(EspDrop.REPLAY));
            assertEquals(0, decryptor.statistics().packets());
        }
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("vectors")
    void refusesTheDraftsPacketWithAFlippedIcvBit(EspCrypto crypto, DraftMcGrewVectors.Vector v) {
        SecurityAssociation sa = new SecurityAssociation(v.spi(), v.algorithm(), v.key(),
                ByteBuffer.allocate(4).putInt(v.salt()).array(), v.esn(), 64, TestSas.V4);
        byte[] esp = espPacket(v);
        esp[esp.length - 7] ^= 0x10;
        try (Arena arena = Arena.ofConfined(); EspDecryptor decryptor = EspDecryptor.open(sa, crypto)) {
            decryptor.startAfter(v.sequence() - 1);
            MemorySegment packet = arena.allocate(OFFSET + esp.length);
            MemorySegment.copy(esp, 0, packet, ValueLayout.JAVA_BYTE, OFFSET, esp.length);

            assertEquals(EspDrop.INTEGRITY, EspDrop.of(decryptor.decrypt(packet, OFFSET, esp.length)));
            assertEquals(v.sequence() - 1, decryptor.highestSequence(), "a forged packet must not move the window");
            assertEquals(1, decryptor.statistics().drops(EspDrop.INTEGRITY));
        }
    }

    /** SPI, sequence number (low half), IV, ciphertext, ICV: RFC 4303 §2 with RFC 4106 §3's IV. */
    static byte[] espPacket(DraftMcGrewVectors.Vector v) {
        return ByteBuffer.allocate(Esp.PAYLOAD_OFFSET + v.ciphertext().length + v.icv().length)
                .putInt(v.spi()).putInt((int) v.sequence()).putLong(v.iv())
                .put(v.ciphertext()).put(v.icv()).array();
    }
}
