package dev.booster.ike.crypto;

import dev.booster.ike.PseudoRandomFunction;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PrfTest {
    private static final HexFormat HEX = HexFormat.of();

    /** RFC 4231 §4.2 and §4.3 (test cases 1 and 2) for the three HMAC-SHA2 PRFs. */
    @Test
    void hmacSha2MatchesRfc4231() {
        byte[] key1 = new byte[20];
        Arrays.fill(key1, (byte) 0x0b);
        byte[] data1 = "Hi There".getBytes(StandardCharsets.US_ASCII);
        assertArrayEquals(HEX.parseHex("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
                new Prf(PseudoRandomFunction.HMAC_SHA2_256).apply(key1, data1));
        assertArrayEquals(HEX.parseHex("afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59c"
                        + "faea9ea9076ede7f4af152e8b2fa9cb6"),
                new Prf(PseudoRandomFunction.HMAC_SHA2_384).apply(key1, data1));
        assertArrayEquals(HEX.parseHex("87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
                        + "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854"),
                new Prf(PseudoRandomFunction.HMAC_SHA2_512).apply(key1, data1));
        byte[] key2 = "Jefe".getBytes(StandardCharsets.US_ASCII);
        // Split across two parts: prf(K, A | B) must equal prf(K, AB).
        assertArrayEquals(HEX.parseHex("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
                new Prf(PseudoRandomFunction.HMAC_SHA2_256).apply(key2, "what do ya ".getBytes(StandardCharsets.US_ASCII),
                        "want for nothing?".getBytes(StandardCharsets.US_ASCII)));
    }

    /** prf+ is the concatenation T1 | T2 | ... with Tn = prf(K, Tn-1 | S | n) (RFC 7296 §2.13), cut to length. */
    @Property(tries = 50)
    void prfPlusChainsBlocksAndIsAPrefixOfLongerOutput(@ForAll @Size(min = 1, max = 64) byte[] key, @ForAll @Size(max = 80) byte[] seed,
                                                        @ForAll @IntRange(min = 1, max = 200) int length) {
        Prf prf = new Prf(PseudoRandomFunction.HMAC_SHA2_256);
        byte[] stream = prf.plus(key, seed, length);
        byte[] t1 = prf.apply(key, seed, new byte[]{1});
        byte[] t2 = prf.apply(key, t1, seed, new byte[]{2});
        int checked = Math.min(length, 64);
        assertArrayEquals(Arrays.copyOf(IkeSaKeys.concat(t1, t2), checked), Arrays.copyOf(stream, checked));
        assertArrayEquals(Arrays.copyOf(prf.plus(key, seed, 224), length), stream);
    }

    @Test
    void prfPlusRefusesMoreThan255Blocks() {
        Prf prf = new Prf(PseudoRandomFunction.HMAC_SHA2_256);
        assertThrows(IllegalArgumentException.class, () -> prf.plus(new byte[]{1}, new byte[0], 255 * 32 + 1));
    }
}
