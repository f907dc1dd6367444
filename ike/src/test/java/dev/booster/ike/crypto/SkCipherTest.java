package dev.booster.ike.crypto;

import dev.booster.ike.Encryption;
import dev.booster.ike.Integrity;
import dev.booster.ike.message.ExchangeType;
import dev.booster.ike.message.IkeHeader;
import dev.booster.ike.message.IkeMessage;
import dev.booster.ike.message.MessageCodec;
import dev.booster.ike.message.Octets;
import dev.booster.ike.message.Payload;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.security.SecureRandom;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SkCipherTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    @Provide
    Arbitrary<String> suites() {
        return Arbitraries.of("aes-cbc-128/sha256", "aes-cbc-256/sha256", "aes-cbc-256/sha512", "aes-gcm-128", "aes-gcm-256");
    }

    static SkCipher cipher(String suite, byte[] keySource) {
        return switch (suite) {
            case "aes-cbc-128/sha256" -> SkCipher.of(Encryption.AES_CBC, Integrity.HMAC_SHA2_256_128, slice(keySource, 16), slice(keySource, 32), RANDOM);
            case "aes-cbc-256/sha256" -> SkCipher.of(Encryption.AES_CBC, Integrity.HMAC_SHA2_256_128, slice(keySource, 32), slice(keySource, 32), RANDOM);
            case "aes-cbc-256/sha512" -> SkCipher.of(Encryption.AES_CBC, Integrity.HMAC_SHA2_512_256, slice(keySource, 32), slice(keySource, 64), RANDOM);
            case "aes-gcm-128" -> SkCipher.of(Encryption.AES_GCM_16, Integrity.NONE, slice(keySource, 20), new byte[0], RANDOM);
            case "aes-gcm-256" -> SkCipher.of(Encryption.AES_GCM_16, Integrity.NONE, slice(keySource, 36), new byte[0], RANDOM);
            default -> throw new IllegalArgumentException(suite);
        };
    }

    private static byte[] slice(byte[] source, int length) {
        return java.util.Arrays.copyOf(source, length);
    }

    private static byte[] protect(SkCipher cipher, List<Payload> inner) {
        IkeHeader header = IkeHeader.of(0x1122334455667788L, 0x99aabbccddeeff00L, ExchangeType.INFORMATIONAL, true, false, 7);
        return SkCodec.encode(header, inner, cipher);
    }

    @Property(tries = 60)
    void whatIsSealedOpensToTheSamePayloads(@ForAll("suites") String suite, @ForAll @Size(min = 64, max = 64) byte[] keys,
                                             @ForAll @Size(max = 300) byte[] vendorData) {
        SkCipher sender = cipher(suite, keys);
        SkCipher receiver = cipher(suite, keys);
        List<Payload> inner = vendorData.length == 0 ? List.of() : List.of(new Payload.VendorId(Octets.of(vendorData)),
                Payload.Notify.of(dev.booster.ike.message.NotifyType.INITIAL_CONTACT));
        byte[] datagram = protect(sender, inner);
        IkeMessage decoded = MessageCodec.decode(datagram);
        assertEquals(inner, SkCodec.decode(datagram, decoded, receiver));
    }

    /** Any changed bit anywhere — header, IV, ciphertext or ICV — fails the integrity check; none decrypts to garbage. */
    @Property(tries = 200)
    void anyFlippedBitIsCaught(@ForAll("suites") String suite, @ForAll @Size(min = 64, max = 64) byte[] keys,
                               @ForAll @IntRange(min = 0, max = 10_000) int where, @ForAll @IntRange(min = 0, max = 7) int bit) {
        SkCipher cipher = cipher(suite, keys);
        byte[] datagram = protect(cipher, List.of(new Payload.VendorId(Octets.of(new byte[]{1, 2, 3, 4, 5}))));
        int index = where % datagram.length;
        // The length fields are checked by the decoder before any crypto; flip elsewhere.
        if (index >= 24 && index < 28 || index >= 30 && index < 32) index = 40;
        datagram[index] ^= (byte) (1 << bit);
        byte[] tampered = datagram;
        IkeMessage decoded;
        try {
            decoded = MessageCodec.decode(tampered);
        } catch (dev.booster.ike.message.MalformedMessageException e) {
            return; // a flipped header field (version, next payload) is refused earlier, also fine
        }
        if (!(decoded.payloads().getLast() instanceof Payload.Encrypted)) return;
        assertThrows(IntegrityCheckFailedException.class, () -> SkCodec.decode(tampered, decoded, cipher(suite, keys)));
    }

    @Property(tries = 20)
    void theWrongKeyNeverOpens(@ForAll("suites") String suite, @ForAll @Size(min = 64, max = 64) byte[] keys) {
        byte[] datagram = protect(cipher(suite, keys), List.of());
        byte[] other = keys.clone();
        other[0] ^= 1;
        other[40] ^= 1;
        assertThrows(IntegrityCheckFailedException.class, () -> SkCodec.decode(datagram, MessageCodec.decode(datagram), cipher(suite, other)));
    }
}
