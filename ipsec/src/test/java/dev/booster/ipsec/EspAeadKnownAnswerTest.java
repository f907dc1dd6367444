package dev.booster.ipsec;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ESP's AES-GCM (nonce = salt || IV, AAD = SPI || [sequence high] || sequence low) against every AES-128/256 case of
 * draft-mcgrew-gcm-test-01, byte for byte, with both implementations. The AAD is built by the code under test from
 * the SPI and sequence number, so a wrong ESN layout fails here.
 */
class EspAeadKnownAnswerTest {
    private static final int OFFSET = 24;

    static Stream<Arguments> vectors() {
        return Stream.of(EspCrypto.values()).flatMap(crypto ->
                DraftMcGrewVectors.ALL.stream().map(v -> Arguments.of(crypto, v)));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("vectors")
    void sealProducesTheDraftsCiphertextAndIcv(EspCrypto crypto, DraftMcGrewVectors.Vector v) {
        try (Arena arena = Arena.ofConfined();
             EspAead aead = EspAead.create(crypto, v.algorithm(), v.key(), v.salt(), v.spi(), v.esn(), true)) {
            MemorySegment packet = arena.allocate(OFFSET + v.plaintext().length + EspAlgorithm.ICV_BYTES + 8);
            MemorySegment.copy(v.plaintext(), 0, packet, ValueLayout.JAVA_BYTE, OFFSET, v.plaintext().length);

            assertTrue(aead.seal(packet, OFFSET, v.plaintext().length, v.sequence(), v.iv()));

            byte[] expected = concat(v.ciphertext(), v.icv());
            assertEquals(HexFormat.of().formatHex(expected), HexFormat.of().formatHex(
                    packet.asSlice(OFFSET, expected.length).toArray(ValueLayout.JAVA_BYTE)));
        }
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("vectors")
    void openRecoversTheDraftsPlaintextAndRefusesAWrongIcv(EspCrypto crypto, DraftMcGrewVectors.Vector v) {
        try (Arena arena = Arena.ofConfined();
             EspAead aead = EspAead.create(crypto, v.algorithm(), v.key(), v.salt(), v.spi(), v.esn(), false)) {
            byte[] sealed = concat(v.ciphertext(), v.icv());
            MemorySegment packet = arena.allocate(OFFSET + sealed.length);
            MemorySegment.copy(sealed, 0, packet, ValueLayout.JAVA_BYTE, OFFSET, sealed.length);

            assertTrue(aead.open(packet, OFFSET, v.ciphertext().length, v.sequence(), v.iv()));
            assertArrayEquals(v.plaintext(), packet.asSlice(OFFSET, v.plaintext().length).toArray(ValueLayout.JAVA_BYTE));

            MemorySegment.copy(sealed, 0, packet, ValueLayout.JAVA_BYTE, OFFSET, sealed.length);
            packet.set(ValueLayout.JAVA_BYTE, OFFSET + sealed.length - 1, (byte) (sealed[sealed.length - 1] ^ 1));
            assertFalse(aead.open(packet, OFFSET, v.ciphertext().length, v.sequence(), v.iv()), "flipped ICV bit");

            MemorySegment.copy(sealed, 0, packet, ValueLayout.JAVA_BYTE, OFFSET, sealed.length);
            assertFalse(aead.open(packet, OFFSET, v.ciphertext().length, v.sequence() ^ (v.esn() ? 1L << 32 : 1), v.iv()),
                    "another sequence number (the high half, with ESN) must change the AAD");

            // After a failure the context must still open the next good packet.
            MemorySegment.copy(sealed, 0, packet, ValueLayout.JAVA_BYTE, OFFSET, sealed.length);
            assertTrue(aead.open(packet, OFFSET, v.ciphertext().length, v.sequence(), v.iv()));
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}
